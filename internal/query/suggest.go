package query

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	index "github.com/blevesearch/bleve_index_api"

	"newsdex/internal/schema"
)

// fewHits is the total at or below which a response suggests a spelling.
const fewHits = 2

// suggest returns the query with its misspelt words replaced by the closest
// words of the index (edit distance over the dictionary of words as written,
// then the most frequent), or "" when it has nothing better to offer.
func (s *Searcher) suggest(ctx context.Context, query string, n Node) string {
	out := query
	changed := false
	for _, t := range terms(n) {
		if t.Phrase || t.Prefix || t.Wildcard || t.Fuzzy > 0 || (t.Field != "" && !schema.IsStemmed(t.Field)) {
			continue
		}
		w := strings.ToLower(t.Text)
		if len([]rune(w)) < 4 || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
			continue
		}
		if ctx.Err() != nil {
			return ""
		}
		if better := s.closestWord(w); better != "" {
			out = replaceWord(out, t.Text, better)
			changed = true
		}
	}
	if !changed {
		return ""
	}
	return out
}

// closestWord is the index word nearest to w (at most two edits; a swap of
// two letters counts as one) that is at least ten times as frequent, or "".
func (s *Searcher) closestWord(w string) string {
	own := s.docFreq(schema.FieldWords, w)
	adv, err := s.idx.Advanced()
	if err != nil {
		return ""
	}
	r, err := adv.Reader()
	if err != nil {
		return ""
	}
	defer r.Close()
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return ""
	}
	fuzz := 2
	if len([]rune(w)) < 6 {
		fuzz = 1
	}
	d, err := fr.FieldDictFuzzy(schema.FieldWords, w, fuzz, "")
	if err != nil {
		return ""
	}
	defer d.Close()
	// The nearest words first; bleve's fuzzy dictionary leaves out counts,
	// so they are read for the nearest only.
	var nearest []string
	bestDist := fuzz + 1
	for i := 0; i < 10000; i++ {
		e, err := d.Next()
		if err != nil || e == nil {
			break
		}
		if e.Term == w {
			continue
		}
		switch dist := editDistance(w, e.Term); {
		case dist < bestDist:
			bestDist, nearest = dist, []string{e.Term}
		case dist == bestDist:
			nearest = append(nearest, e.Term)
		}
	}
	// Of the nearest, a word of the same letters (the typo swapped two)
	// first, then the most frequent.
	best, bestCount, bestSame := "", 0, false
	for _, term := range nearest {
		c := s.docFreq(schema.FieldWords, term)
		same := sameLetters(w, term)
		if same && !bestSame || same == bestSame && c > bestCount {
			best, bestCount, bestSame = term, c, same
		}
	}
	if best == "" || bestCount < 10*own || bestCount < 2 {
		return ""
	}
	return best
}

// sameLetters reports whether a and b hold the same letters, in any order.
func sameLetters(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	slices.Sort(ra)
	slices.Sort(rb)
	return slices.Equal(ra, rb)
}

// docFreq is the number of items whose field holds term.
func (s *Searcher) docFreq(field, term string) int {
	d, err := s.idx.FieldDictRange(field, []byte(term), []byte(term))
	if err != nil {
		return 0
	}
	defer d.Close()
	if e, err := d.Next(); err == nil && e != nil && e.Term == term {
		return int(e.Count)
	}
	return 0
}

// editDistance is the optimal-string-alignment distance: insertions,
// deletions, substitutions and swaps of two neighbours each count one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// replaceWord replaces the whole-word occurrences of word in s (any case).
func replaceWord(s, word, with string) string {
	lower, lw := strings.ToLower(s), strings.ToLower(word)
	var b strings.Builder
	i := 0
	for {
		k := strings.Index(lower[i:], lw)
		if k < 0 {
			break
		}
		k += i
		end := k + len(lw)
		before := k == 0 || !isWordByte(s[k-1])
		after := end == len(s) || !isWordByte(s[end])
		b.WriteString(s[i:k])
		if before && after {
			b.WriteString(with)
		} else {
			b.WriteString(s[k:end])
		}
		i = end
	}
	b.WriteString(s[i:])
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// terms lists the terms of a query, NOTs included.
func terms(n Node) []*Term {
	switch n := n.(type) {
	case *Term:
		return []*Term{n}
	case *Not:
		return terms(n.Node)
	case *And:
		var out []*Term
		for _, c := range n.Nodes {
			out = append(out, terms(c)...)
		}
		return out
	case *Or:
		var out []*Term
		for _, c := range n.Nodes {
			out = append(out, terms(c)...)
		}
		return out
	}
	return nil
}

// queryNotes are the notes a query's words give: lower-case operators taken
// as words, and words with nothing to search for.
func queryNotes(n Node) []string {
	var notes []string
	for _, t := range terms(n) {
		if t.Phrase || t.Prefix || t.Wildcard || t.Fuzzy > 0 {
			continue
		}
		switch w := strings.ToUpper(t.Text); {
		case t.Field == "" && (w == "OR" || w == "AND" || w == "NOT"):
			notes = append(notes, fmt.Sprintf("%q was searched as a word; write %s for the operator", t.Text, w))
		case !schema.IsKeywordField(t.Field) && tokenCount(wordsAnalyzerOf(t.Field), t.Text) == 0:
			notes = append(notes, fmt.Sprintf("%q has no letters or digits and was left out", t.Text))
		}
	}
	return notes
}

// labelNotes says which of the asked labels of a facet (region, source) no
// item has, with the closest known ones.
func (s *Searcher) labelNotes(facet string, asked []string) []string {
	if len(asked) == 0 {
		return nil
	}
	d, err := s.idx.FieldDictPrefix(schema.FieldFacets, []byte(facet+":"))
	if err != nil {
		return nil
	}
	var known []string
	for {
		e, err := d.Next()
		if err != nil || e == nil {
			break
		}
		if _, v, ok := schema.SplitFacetTerm(e.Term); ok {
			known = append(known, v)
		}
	}
	d.Close()
	var notes []string
	for _, a := range asked {
		found := false
		for _, k := range known {
			if strings.EqualFold(strings.Join(strings.Fields(k), " "), a) {
				found = true
				break
			}
		}
		if found {
			continue
		}
		near := append([]string(nil), known...)
		sort.SliceStable(near, func(i, j int) bool {
			di, dj := editDistance(a, strings.ToLower(near[i])), editDistance(a, strings.ToLower(near[j]))
			if di != dj {
				return di < dj
			}
			return near[i] < near[j]
		})
		if len(near) > 3 {
			near = near[:3]
		}
		msg := fmt.Sprintf("no item has %s %q", facet, a)
		if len(near) > 0 {
			msg += "; the closest known: " + strings.Join(near, ", ")
		}
		notes = append(notes, msg)
	}
	return notes
}
