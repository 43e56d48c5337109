package query

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"

	"newsdex/internal/schema"
)

// marks are the words a hit's highlights mark that its term locations do
// not give. The text fields keep no term vectors (schema's package doc), so
// the stems a query matched there are found again in the stored text of the
// shown hits, and so are the pairs of common words its phrases matched in
// the pairs field (no positions either); longer phrases and stop words
// match in the words field, whose locations the search returns.
type marks struct {
	// stems holds the stems to mark, by field ("" for every text field).
	stems map[string]map[string]bool
	// pairs holds the pairs to mark ("interest rate": two pair keys), by
	// field as stems does.
	pairs map[string]map[string]bool
	// stemOf holds the stems of the words spansIn stemmed, lower case:
	// the hits of a search repeat their words, and a Porter stem costs
	// ten times a map lookup.
	stemOf map[string]string
}

// marksOf collects the stems of the words and expansions that the query n
// matches in the text fields (words under NOT left out), and its phrases'
// pairs. expanded gives the stems a prefix, wildcard or fuzzy term expanded
// to; nil when none did.
func marksOf(n Node, expanded map[*Term][]string) *marks {
	m := &marks{stems: map[string]map[string]bool{}, pairs: map[string]map[string]bool{}}
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
			if pair, ok := commonPair(n.Text); ok {
				m.putPair(field, pair)
			}
			return // otherwise matched in the words field: its locations mark it
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

// put marks a stem in field ("" for every text field).
func (m *marks) put(field, stem string) { addTo(m.stems, field, stem) }

// putPair marks a pair of pair keys ("interest rate") in field.
func (m *marks) putPair(field, pair string) { addTo(m.pairs, field, pair) }

func addTo(sets map[string]map[string]bool, field, key string) {
	set := sets[field]
	if set == nil {
		set = map[string]bool{}
		sets[field] = set
	}
	set[key] = true
}

// eachWord calls f with each word of text as the index's tokenizer has
// the words that matter here: runs of letters and digits, joined by '.',
// '&' and apostrophes between them ("U.S", "AT&T", "company's"); compound
// tells whether '.' or '&' joined it ("gndr.o", "u.s"). With firsts, f
// sees only the compound words and those that begin with a byte of firsts.
func eachWord(text string, firsts *[256]bool, f func(start, end int, compound bool)) {
	if firsts != nil && isASCII(text) {
		eachFirstWord(text, firsts, f)
		return
	}
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			if !isASCIIWord(c) {
				i++
				continue
			}
		} else if r, n := utf8.DecodeRuneInString(text[i:]); !isWordRune(r) {
			i += n
			continue
		}
		start, compound := i, false
		for i < len(text) {
			c := text[i]
			if isASCIIWord(c) {
				i++
				continue
			}
			if c < utf8.RuneSelf && !isJoiner(c) {
				break // a space or a mark: the word's end, without decoding it
			}
			r, n := utf8.DecodeRuneInString(text[i:])
			if r >= utf8.RuneSelf && isWordRune(r) {
				i += n
				continue
			}
			if (r == '.' || r == '&' || r == '\'' || r == '’') && i+n < len(text) {
				if r2, _ := utf8.DecodeRuneInString(text[i+n:]); isWordRune(r2) {
					compound = compound || r == '.' || r == '&'
					i += n
					continue
				}
			}
			break
		}
		if firsts == nil || compound || firsts[text[start]] {
			f(start, i, compound)
		}
	}
}

// eachFirstWord is eachWord with firsts of a text of ASCII only: instead of
// walking every word it looks for the bytes of firsts (strings.IndexByte,
// many bytes a step), and for '.' and '&', and walks only the words that
// hold one, from the word's start: a compound word is seen whatever it
// begins with.
func eachFirstWord(text string, firsts *[256]bool, f func(start, end int, compound bool)) {
	// The bytes looked for: '.' and '&', which make a word compound, and
	// the word bytes of firsts (letters in both cases, digits).
	var bs [2 + 2*26 + 10]byte
	bs[0], bs[1] = '.', '&'
	n := 2
	for c := range utf8.RuneSelf {
		if firsts[c] && isASCIIWord(byte(c)) {
			bs[n] = byte(c)
			n++
		}
	}
	var next [len(bs)]int // where each byte is next found from pos on; -1: nowhere
	for i := range n {
		next[i] = -2
	}
	for pos := 0; pos < len(text); {
		p := -1
		for i := range n {
			if next[i] < pos && next[i] != -1 {
				if j := strings.IndexByte(text[pos:], bs[i]); j < 0 {
					next[i] = -1
				} else {
					next[i] = pos + j
				}
			}
			if next[i] >= 0 && (p < 0 || next[i] < p) {
				p = next[i]
			}
		}
		if p < 0 {
			return
		}
		if c := text[p]; (c == '.' || c == '&') && (p == 0 || !isASCIIWord(text[p-1]) || p+1 == len(text) || !isASCIIWord(text[p+1])) {
			pos = p + 1 // not between two letters: no word's
			continue
		}
		start := p
		for start > 0 {
			c := text[start-1]
			if !isASCIIWord(c) && (!isJoiner(c) || start < 2 || !isASCIIWord(text[start-2])) {
				break
			}
			start--
		}
		end, compound := start, false
		for end < len(text) {
			c := text[end]
			if isASCIIWord(c) {
				end++
				continue
			}
			if isJoiner(c) && end+1 < len(text) && isASCIIWord(text[end+1]) {
				compound = compound || c != '\''
				end++
				continue
			}
			break
		}
		// A word that begins with a byte of firsts was found at its
		// start, so one found further in is seen only when compound.
		if compound || start == p {
			f(start, end, compound)
		}
		pos = end
	}
}

// isJoiner reports whether an ASCII byte joins the letters on its sides
// into one word: '.', '&' and the apostrophe.
func isJoiner(c byte) bool { return c == '.' || c == '&' || c == '\'' }

// isASCII reports whether text is ASCII only, eight bytes a step.
func isASCII(text string) bool {
	i := 0
	for ; i+8 <= len(text); i += 8 {
		if binary.LittleEndian.Uint64([]byte(text[i:i+8]))&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lowerBase is a word in lower case, its possessive ending ("'s") dropped,
// as the index's analyzers have it.
func lowerBase(buf []byte, w string) []byte {
	buf = buf[:0]
	for _, r := range w {
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
	}
	for _, suffix := range []string{"'s", "’s"} {
		if len(buf) > len(suffix) && string(buf[len(buf)-len(suffix):]) == suffix {
			return buf[:len(buf)-len(suffix)]
		}
	}
	return buf
}

// spansIn returns the words of a field's text whose stems are marked,
// compound tokens ("gndr.o") whole and by their parts, and the marked pairs
// of words side by side. It scans the text itself rather than running the
// index's analyzer (which costs about ten times as much), and stems only
// the words that begin as a marked stem does: a Porter stem keeps its
// word's first letters (all but a final "y"/"i").
func (m *marks) spansIn(field, text string) []span {
	if m == nil || text == "" {
		return nil
	}
	all, own := m.stems[""], m.stems[field]
	allPairs, ownPairs := m.pairs[""], m.pairs[field]
	if len(all) == 0 && len(own) == 0 && len(allPairs) == 0 && len(ownPairs) == 0 {
		return nil
	}
	headOf := func(s string) string { return s[:max(1, min(len(s)-1, 3))] }
	var heads, pairHeads []string
	for _, set := range []map[string]bool{all, own} {
		for s := range set {
			heads = append(heads, headOf(s))
		}
	}
	for _, set := range []map[string]bool{allPairs, ownPairs} {
		for p := range set {
			a, b, _ := strings.Cut(p, " ")
			pairHeads = append(pairHeads, headOf(a), headOf(b))
		}
	}
	// firsts holds the first bytes of the heads in both cases: most words
	// begin otherwise, and are passed over on one lookup. A word that does
	// not begin in ASCII may still fold to a head ("K" for k): always tried.
	var firsts [256]bool
	for i := utf8.RuneSelf; i < len(firsts); i++ {
		firsts[i] = true
	}
	for _, hs := range [][]string{heads, pairHeads} {
		for _, h := range hs {
			c := h[0]
			firsts[c] = true
			if 'a' <= c && c <= 'z' {
				firsts[c-'a'+'A'] = true
			}
		}
	}
	begins := func(w string, hs []string) bool {
		if !firsts[w[0]] {
			return false
		}
		for _, h := range hs {
			if len(w) >= len(h) && strings.EqualFold(w[:len(h)], h) {
				return true
			}
		}
		return false
	}
	var out []span
	var buf []byte
	try := func(start, end int) {
		if !begins(text[start:end], heads) {
			return
		}
		buf = lowerBase(buf, text[start:end])
		s, ok := m.stemOf[string(buf)]
		if !ok {
			if m.stemOf == nil {
				m.stemOf = map[string]string{}
			}
			s = schema.Stem(string(buf))
			m.stemOf[string(buf)] = s
		}
		if all[s] || own[s] {
			out = append(out, span{start, end, s})
		}
	}
	// The pair keys of the word before and of this one: "" when a word
	// cannot begin a marked pair's word.
	prevKey, prevStart := "", 0
	// A pair needs every word (the word before), a stem only the words
	// that begin as a head does (try) and the compound words' parts.
	only := &firsts
	if len(pairHeads) > 0 {
		only = nil
	}
	eachWord(text, only, func(start, end int, compound bool) {
		if len(heads) > 0 {
			before := len(out)
			try(start, end)
			if compound && len(out) == before {
				for k := start; k < end; {
					e := k
					for e < end && text[e] != '.' && text[e] != '&' {
						e++
					}
					if e > k {
						try(k, e)
					}
					k = e + 1
				}
			}
		}
		if len(pairHeads) == 0 {
			return
		}
		key := ""
		if begins(text[start:end], pairHeads) {
			buf = lowerBase(buf, text[start:end])
			if k, ok := schema.PairKey(string(buf)); ok {
				key = k
			}
		}
		if prevKey != "" && key != "" {
			if p := prevKey + " " + key; allPairs[p] || ownPairs[p] {
				out = append(out, span{prevStart, end, p})
			}
		}
		prevKey, prevStart = key, start
	})
	return out
}

// isASCIIWord reports whether an ASCII byte is a letter or digit.
func isASCIIWord(c byte) bool {
	return (c|0x20)-'a' < 26 || c-'0' < 10 // a letter in either case, a digit
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
