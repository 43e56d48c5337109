package query

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"

	"newsdex/internal/schema"
)

// marks are the words a hit's highlights mark that its term locations do
// not give. The text fields keep no term vectors (schema's package doc), so
// the stems a query matched there are found again in the stored text of the
// shown hits; phrases and stop words match in the words field, whose
// locations the search returns (withWords).
type marks struct {
	// stems holds the stems to mark, by field ("" for every text field).
	stems map[string]map[string]bool
}

// marksOf collects the stems of the words and expansions that the query n
// matches in the text fields (words under NOT left out). expanded gives the
// stems a prefix, wildcard or fuzzy term expanded to; nil when none did.
func marksOf(n Node, expanded map[*Term][]string) *marks {
	m := &marks{stems: map[string]map[string]bool{}}
	m.add(n, expanded)
	return m
}

func (m *marks) add(n Node, expanded map[*Term][]string) {
	switch n := n.(type) {
	case *And:
		for _, c := range n.Nodes {
			m.add(c, expanded)
		}
	case *Or:
		for _, c := range n.Nodes {
			m.add(c, expanded)
		}
	case *Term:
		field := n.Field
		if field != "" && !schema.IsStemmed(field) {
			return
		}
		if n.Prefix || n.Wildcard || n.Fuzzy > 0 {
			for _, s := range expanded[n] {
				m.put(field, s)
			}
			return
		}
		if n.Phrase && tokenCount(schema.WordsQueryAnalyzer, n.Text) > 1 {
			return // matched in the words field: its locations mark it
		}
		ts, err := textMapping.AnalyzeText(schema.QueryAnalyzer, []byte(n.Text))
		if err != nil {
			return
		}
		for _, t := range ts {
			m.put(field, string(t.Term))
		}
	}
}

func (m *marks) put(field, stem string) {
	set := m.stems[field]
	if set == nil {
		set = map[string]bool{}
		m.stems[field] = set
	}
	set[stem] = true
}

// spansIn returns the words of a field's text whose stems are marked,
// compound tokens ("gndr.o") whole and by their parts. It scans the text
// itself rather than running the index's analyzer (which costs about ten
// times as much), and stems only the words that begin as a marked stem
// does: a Porter stem keeps its word's first letters (all but a final
// "y"/"i").
func (m *marks) spansIn(field, text string) []span {
	if m == nil || text == "" {
		return nil
	}
	all, own := m.stems[""], m.stems[field]
	if len(all) == 0 && len(own) == 0 {
		return nil
	}
	var heads []string
	for _, set := range []map[string]bool{all, own} {
		for s := range set {
			heads = append(heads, s[:max(1, min(len(s)-1, 3))])
		}
	}
	var out []span
	var buf []byte
	try := func(start, end int) {
		head := false
		for _, h := range heads {
			if end-start >= len(h) && strings.EqualFold(text[start:start+len(h)], h) {
				head = true
				break
			}
		}
		if !head {
			return
		}
		buf = buf[:0]
		for _, r := range text[start:end] {
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		}
		if s := schema.Stem(string(buf)); all[s] || own[s] {
			out = append(out, span{start, end, s})
		}
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start, parts := i, false
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) {
				i += n
				continue
			}
			// '.' or '&' between word characters joins a compound token.
			if (r == '.' || r == '&') && i+1 < len(text) {
				if r2, _ := utf8.DecodeRuneInString(text[i+1:]); isWordRune(r2) {
					parts = true
					i += n
					continue
				}
			}
			break
		}
		before := len(out)
		try(start, i)
		if parts && len(out) == before {
			for k := start; k < i; {
				e := k
				for e < i && text[e] != '.' && text[e] != '&' {
					e++
				}
				if e > k {
					try(k, e)
				}
				k = e + 1
			}
		}
	}
	return out
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordsSpans are the locations of the words field that lie in field: the
// words field holds one array value per text field (schema.WordsFields).
func wordsSpans(words search.TermLocationMap, field string, textLen int) []span {
	pos := -1
	for i, f := range schema.WordsFields() {
		if f == field {
			pos = i
		}
	}
	var out []span
	for term, locs := range words {
		for _, l := range locs {
			if len(l.ArrayPositions) != 1 || int(l.ArrayPositions[0]) != pos {
				continue
			}
			s, e := int(l.Start), int(l.End)
			if s < 0 || e > textLen || s >= e {
				continue
			}
			out = append(out, span{s, e, term})
		}
	}
	return out
}
