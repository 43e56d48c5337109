package query

import (
	"strings"

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

// spansIn returns the words of a field's text whose stems are marked, as
// the text fields' analysis finds them (compound tokens whole and by parts).
func (m *marks) spansIn(field, text string) []span {
	if m == nil || text == "" {
		return nil
	}
	all, own := m.stems[""], m.stems[field]
	if len(all) == 0 && len(own) == 0 {
		return nil
	}
	// A stem starts with its word's first letter: only words that start as
	// some stem does are stemmed.
	var first [256]bool
	for _, set := range []map[string]bool{all, own} {
		for s := range set {
			first[s[0]] = true
		}
	}
	ts, err := textMapping.AnalyzeText(schema.WordsQueryAnalyzer, []byte(text))
	if err != nil {
		return nil
	}
	var out []span
	try := func(word string, start, end int) bool {
		if word == "" || !first[word[0]] {
			return false
		}
		s := schema.Stem(word)
		if all[s] || own[s] {
			out = append(out, span{start, end, s})
			return true
		}
		return false
	}
	for _, t := range ts {
		w := string(t.Term)
		if try(w, t.Start, t.End) || !strings.ContainsAny(w, ".&") {
			continue
		}
		// A compound token's parts ("gndr" of "gndr.o"), at their offsets.
		off := t.Start
		for _, part := range strings.FieldsFunc(w, func(r rune) bool { return r == '.' || r == '&' }) {
			i := strings.Index(w[off-t.Start:], part)
			if i < 0 {
				break
			}
			s := off + i
			try(part, s, s+len(part))
			off = s + len(part)
		}
	}
	return out
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
