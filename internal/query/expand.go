package query

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"newsdex/internal/schema"
)

// MaxExpansions caps the index terms that the prefix, wildcard and fuzzy
// terms of one query expand to, counted together over the whole query (as
// Elasticsearch's max_expansions and max_clause_count). Past it the query is
// refused with a *ParamError naming the term.
const MaxExpansions = 1024

// expander expands the prefix, wildcard and fuzzy terms of one query against
// the index's term dictionaries, within one budget, watching ctx.
type expander struct {
	ctx     context.Context
	idx     bleve.Index
	reader  index.IndexReader
	left    int
	cache   map[string][]string // the terms of a dictionary walk
	charged map[*Term]bool      // terms whose expansion counts already
	stems   map[*Term][]string  // the stems each term expanded to in the text fields, for highlights
	err     error
}

func newExpander(ctx context.Context, idx bleve.Index) *expander {
	return &expander{ctx: ctx, idx: idx, left: MaxExpansions, cache: map[string][]string{}, charged: map[*Term]bool{}, stems: map[*Term][]string{}}
}

func (e *expander) close() {
	if e.reader != nil {
		e.reader.Close()
	}
}

// hasMultiTerm reports whether n holds a term that expands against the
// index: a prefix, wildcard or fuzzy term, or a phrase (its words' forms).
func hasMultiTerm(n Node) bool {
	switch n := n.(type) {
	case *Term:
		return n.Prefix || n.Wildcard || n.Fuzzy > 0 || n.Phrase
	case *Not:
		return hasMultiTerm(n.Node)
	case *And:
		for _, c := range n.Nodes {
			if hasMultiTerm(c) {
				return true
			}
		}
	case *Or:
		for _, c := range n.Nodes {
			if hasMultiTerm(c) {
				return true
			}
		}
	}
	return false
}

// query is the query of a prefix, wildcard or fuzzy term in field: the
// disjunction of the index terms it expands to. For the stemmed text fields
// the term expands over the words as written (schema.FieldWords), and each
// word is replaced by its stem, so "update*" (update, updated, updates)
// matches as the stem "updat" does and ranks as a plain word would, not by
// how many forms of a word an item happens to use.
func (e *expander) query(t *Term, field, text string, boost float64) bq.Query {
	if e.err != nil {
		return bleve.NewMatchNoneQuery()
	}
	dict := field
	if schema.IsStemmed(field) {
		dict = schema.FieldWords
	}
	terms, err := e.expand(t, dict, text)
	if err != nil {
		e.err = err
		return bleve.NewMatchNoneQuery()
	}
	if schema.IsStemmed(field) {
		seen := map[string]bool{}
		stems := terms[:0:0]
		for _, term := range terms {
			if schema.IsStopWord(term) {
				continue // not in the text fields: stopWordsQuery finds it
			}
			s := schema.Stem(term)
			if !seen[s] {
				seen[s] = true
				stems = append(stems, s)
			}
		}
		terms = stems
		if _, ok := e.stems[t]; !ok {
			e.stems[t] = stems
		}
	}
	if len(terms) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	qs := make([]bq.Query, 0, len(terms))
	for _, term := range terms {
		tq := field1(bleve.NewTermQuery(term), field)
		if boost != 1 {
			tq.SetBoost(boost) // bleve does not pass a disjunction's boost on
		}
		qs = append(qs, tq)
	}
	return anyOf(qs)
}

// maxForms bounds the forms of one phrase word (formsOf).
const maxForms = 64

// phraseQuery is the query of a phrase in the words field: its words in
// order, each as any form of the index with the same stem ("interest
// rates" finds "interest rate" and "interested rates"), stop words as
// written.
func (e *expander) phraseQuery(text string) bq.Query {
	ts, err := textMapping.AnalyzeText(schema.WordsQueryAnalyzer, []byte(text))
	if err != nil || len(ts) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	terms := make([][]string, 0, len(ts))
	for _, t := range ts {
		w := string(t.Term)
		if schema.IsStopWord(w) || strings.ContainsAny(w, ".&") {
			terms = append(terms, []string{w})
			continue
		}
		forms, err := e.formsOf(w)
		if err != nil {
			e.err = err
			return bleve.NewMatchNoneQuery()
		}
		terms = append(terms, forms)
	}
	return newPositional(terms, schema.FieldWords)
}

// formsOf lists the words of the index with the stem of w (w first), at
// most maxForms: the dictionary entries that share the stem's and w's
// common beginning ("rate" for rates, "happ" for happy and its stem happi).
func (e *expander) formsOf(w string) ([]string, error) {
	key := "forms\x00" + w
	if f, ok := e.cache[key]; ok {
		return f, nil
	}
	stem := schema.Stem(w)
	n := 0
	for n < len(stem) && n < len(w) && stem[n] == w[n] {
		n++
	}
	forms := []string{w}
	if n >= 3 {
		dict, err := e.idx.FieldDictPrefix(schema.FieldWords, []byte(w[:n]))
		if err != nil {
			return nil, fmt.Errorf("the forms of %q: %w", w, err)
		}
		for len(forms) < maxForms {
			entry, err := dict.Next()
			if err != nil {
				dict.Close()
				return nil, fmt.Errorf("the forms of %q: %w", w, err)
			}
			if entry == nil {
				break
			}
			if entry.Term != w && schema.Stem(entry.Term) == stem {
				forms = append(forms, entry.Term)
			}
		}
		dict.Close()
	}
	e.cache[key] = forms
	return forms, nil
}

// stopWordsQuery is the query of the stop words that a prefix, wildcard or
// fuzzy term of the text fields expands to ("th*": the, this, that), in the
// words field, the only one that holds them; nil when it expands to none.
func (e *expander) stopWordsQuery(t *Term, text string) boostable {
	if e.err != nil {
		return nil
	}
	terms, err := e.expand(t, schema.FieldWords, text)
	if err != nil {
		e.err = err
		return nil
	}
	var qs []bq.Query
	for _, term := range terms {
		if schema.IsStopWord(term) {
			qs = append(qs, field1(bleve.NewTermQuery(term), schema.FieldWords))
		}
	}
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0].(boostable)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// expand lists the index terms of field that t matches, charging them to
// the budget.
func (e *expander) expand(t *Term, field, text string) ([]string, error) {
	key := fmt.Sprintf("%s\x00%s\x00%t%t%d", field, text, t.Prefix, t.Wildcard, t.Fuzzy)
	terms, ok := e.cache[key]
	if !ok {
		var err error
		if terms, err = e.walk(t, field, text); err != nil {
			return nil, err
		}
		e.cache[key] = terms
	}
	if !e.charged[t] {
		e.charged[t] = true
		if e.left -= len(terms); e.left < 0 {
			return nil, e.tooMany(t)
		}
	}
	return terms, nil
}

func (e *expander) tooMany(t *Term) error {
	return &ParamError{"q", fmt.Sprintf("%s matches more than %d words of the index (counted over the whole query); make it longer or more exact", t.String(), MaxExpansions)}
}

// walk reads the dictionary entries t matches, at most the budget left.
func (e *expander) walk(t *Term, field, text string) ([]string, error) {
	var dict index.FieldDict
	var err error
	switch {
	case t.Prefix:
		dict, err = e.idx.FieldDictPrefix(field, []byte(text))
	case t.Wildcard:
		r, rerr := e.indexReader()
		if rerr != nil {
			return nil, rerr
		}
		rr, ok := r.(index.IndexReaderRegexp)
		if !ok {
			return nil, fmt.Errorf("the index cannot match wildcards")
		}
		dict, err = rr.FieldDictRegexp(field, wildcardRegexp(text))
	default:
		r, rerr := e.indexReader()
		if rerr != nil {
			return nil, rerr
		}
		fr, ok := r.(index.IndexReaderFuzzy)
		if !ok {
			return nil, fmt.Errorf("the index cannot match fuzzy terms")
		}
		dict, err = fr.FieldDictFuzzy(field, text, t.Fuzzy, "")
	}
	if err != nil {
		return nil, fmt.Errorf("expanding %s: %w", t.String(), err)
	}
	defer dict.Close()
	var terms []string
	for {
		if len(terms)%64 == 0 {
			if err := e.ctx.Err(); err != nil {
				return nil, fmt.Errorf("search: %w", err)
			}
		}
		entry, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("expanding %s: %w", t.String(), err)
		}
		if entry == nil {
			return terms, nil
		}
		terms = append(terms, entry.Term)
		if len(terms) > e.left && !e.charged[t] {
			return nil, e.tooMany(t)
		}
	}
}

func (e *expander) indexReader() (index.IndexReader, error) {
	if e.reader != nil {
		return e.reader, nil
	}
	adv, err := e.idx.Advanced()
	if err != nil {
		return nil, err
	}
	e.reader, err = adv.Reader()
	return e.reader, err
}

// wildcardRegexp is the regular expression of a wildcard: * any characters, ? one.
func wildcardRegexp(w string) string {
	q := regexp.QuoteMeta(w)
	return strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(q)
}
