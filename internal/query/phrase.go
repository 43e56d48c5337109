package query

import (
	"context"
	"encoding/json"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// positional is a phrase matched by the positions of a field that keeps
// them (the words field, bylines): slot i lists the words any of which may
// stand at the phrase's i-th place ("" or none: any word). It matches what
// bleve's MultiPhraseQuery matches, scores as it does (the conjunction of
// its words' term searchers) and keeps the term locations of the phrase's
// occurrences only, for the highlights. What differs is the check of each
// candidate (a document holding every slot's words): bleve's phrase
// searcher builds each candidate's map of term locations, copying every
// location's array positions, which was 40% of the bytes `crude prices`
// allocated (its adjacency clause is such a phrase) and an eighth of its
// CPU; positional sorts the candidate's locations in a buffer it keeps and
// looks the phrase up there.
type positional struct {
	field string
	slots [][]string
	boost *bq.Boost
}

// newPositional is the phrase of slots in field.
func newPositional(slots [][]string, field string) *positional {
	return &positional{field: field, slots: slots}
}

// positionalOf is the phrase of text as the analyzer splits it, each
// position a slot holding the tokens there (as bleve's MatchPhraseQuery
// makes its phrase); nil when text gives no token.
func positionalOf(text, analyzer, field string) *positional {
	ts, err := textMapping.AnalyzeText(analyzer, []byte(text))
	if err != nil || len(ts) == 0 {
		return nil
	}
	return newPositional(slotsOf(ts), field)
}

// slotsOf groups tokens by position, from the first position to the last.
func slotsOf(ts analysis.TokenStream) [][]string {
	first, last := ts[0].Position, ts[0].Position
	for _, t := range ts {
		first = min(first, t.Position)
		last = max(last, t.Position)
	}
	slots := make([][]string, last-first+1)
	for _, t := range ts {
		slots[t.Position-first] = append(slots[t.Position-first], string(t.Term))
	}
	return slots
}

// MarshalJSON writes the phrase as bleve writes a multi-phrase query (the
// form the compiled queries' golden file shows).
func (q *positional) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Terms [][]string `json:"terms"`
		Field string     `json:"field,omitempty"`
		Boost *bq.Boost  `json:"boost,omitempty"`
	}{q.slots, q.field, q.boost})
}

func (q *positional) SetBoost(b float64) {
	boost := bq.Boost(b)
	q.boost = &boost
}

func (q *positional) Boost() float64 { return q.boost.Value() }

func (q *positional) SetField(f string) { q.field = f }

func (q *positional) Field() string { return q.field }

// maxSlots is the longest phrase positional checks itself (a slot is a bit
// of a word's mask); longer ones are bleve's phrase searcher's.
const maxSlots = 64

// Searcher is the phrase's searcher: a conjunction of each slot's words
// (a term searcher, or a disjunction of them for a slot of several words)
// whose matches are checked for the phrase.
func (q *positional) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opt search.SearcherOptions) (search.Searcher, error) {
	field := q.field
	if field == "" {
		field = m.DefaultSearchField()
	}
	boost := q.boost.Value()
	if len(q.slots) > maxSlots {
		return searcher.NewMultiPhraseSearcher(ctx, r, q.slots, 0, false, field, boost, opt)
	}
	if rs, ok, err := newReadersPhrase(ctx, r, q.slots, field, boost, opt); ok || err != nil {
		return rs, err
	}
	s := &positionalSearcher{ctx: ctx, field: field, masks: map[string]uint64{}, keepLocations: opt.IncludeTermVectors}
	opt.IncludeTermVectors = true // the phrase is checked on the locations
	// On an error, every searcher opened so far is closed.
	var parts, terms []search.Searcher
	fail := func(err error) (search.Searcher, error) {
		for _, p := range append(parts, terms...) {
			p.Close()
		}
		return nil, err
	}
	first := -1
	for i, slot := range q.slots {
		terms = terms[:0]
		for _, w := range slot {
			if w == "" || s.masks[w]&(1<<i) != 0 {
				continue
			}
			s.masks[w] |= 1 << i
			t, err := searcher.NewTermSearcher(ctx, r, w, field, boost, opt)
			if err != nil {
				return fail(err)
			}
			terms = append(terms, t)
		}
		switch len(terms) {
		case 0:
			continue // any word
		case 1:
			parts = append(parts, terms[0])
		default:
			d, err := searcher.NewDisjunctionSearcher(ctx, r, slices.Clone(terms), 1, opt)
			if err != nil {
				return fail(err)
			}
			parts = append(parts, d)
		}
		terms = terms[:0]
		if first < 0 {
			first = i
		}
		s.offsets = append(s.offsets, uint64(i-first))
		s.bits = append(s.bits, 1<<i)
	}
	if len(parts) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, parts, opt)
	if err != nil {
		return fail(err)
	}
	s.must = must
	s.SetQueryNorm(1 / math.Sqrt(must.Weight())) // as bleve's phrase searcher
	return s, nil
}

// positionalSearcher returns the matches of its conjunction that hold the
// phrase, each with the term locations of the phrase's occurrences only.
type positionalSearcher struct {
	ctx   context.Context // the search's: a long scan for the phrase stops with it
	must  search.Searcher
	field string
	// masks has the slots each word may stand in, a bit each; bits and
	// offsets, for each slot that is not "any word", its bit and its
	// distance from the first such slot.
	masks         map[string]uint64
	bits          []uint64
	offsets       []uint64
	keepLocations bool // the caller asked for term locations

	places  []place // a candidate's locations, sorted
	keep    []int   // the locations of the phrase's occurrences
	checked int     // candidates checked
}

// place is a location of one of the phrase's words in a candidate: where
// it stands, the slots the word may fill and its index in the candidate's
// FieldTermLocations.
type place struct {
	ap   search.ArrayPositions
	pos  uint64
	mask uint64
	i    int
}

func comparePlace(a, b place) int {
	if c := a.ap.Compare(b.ap); c != 0 {
		return c
	}
	switch {
	case a.pos < b.pos:
		return -1
	case a.pos > b.pos:
		return 1
	}
	return 0
}

// holds reports whether dm holds the phrase, and leaves in its
// FieldTermLocations the locations of its occurrences (none when the
// caller asked for no locations).
func (s *positionalSearcher) holds(dm *search.DocumentMatch) bool {
	ps := s.places[:0]
	for i := range dm.FieldTermLocations {
		l := &dm.FieldTermLocations[i]
		if l.Field != s.field {
			continue
		}
		if m := s.masks[l.Term]; m != 0 {
			ps = append(ps, place{ap: l.Location.ArrayPositions, pos: l.Location.Pos, mask: m, i: i})
		}
	}
	slices.SortFunc(ps, comparePlace)
	s.places = ps
	keep := s.keep[:0]
	for a := 0; a < len(ps); {
		b := a + 1
		for b < len(ps) && comparePlace(ps[a], ps[b]) == 0 {
			b++
		}
		keep = s.occurrence(ps, a, b, keep)
		a = b
	}
	s.keep = keep
	if len(keep) == 0 {
		return false
	}
	if !s.keepLocations {
		dm.FieldTermLocations = dm.FieldTermLocations[:0]
		return true
	}
	// Move the kept locations to the front by swaps, so that each entry
	// keeps its own array positions buffer (bleve reuses them).
	slices.Sort(keep)
	keep = slices.Compact(keep)
	ftls := dm.FieldTermLocations
	for n, i := range keep {
		ftls[n], ftls[i] = ftls[i], ftls[n]
	}
	dm.FieldTermLocations = ftls[:len(keep)]
	return true
}

// occurrence appends to keep the locations of the phrase's occurrence that
// starts at the places ps[a:b] (one position), if there is one: at each of
// its positions every word that may stand there, as bleve's phrase keeps.
func (s *positionalSearcher) occurrence(ps []place, a, b int, keep []int) []int {
	n := len(keep)
	for j := range s.bits {
		want := place{ap: ps[a].ap, pos: ps[a].pos + s.offsets[j]}
		k := a
		if j > 0 {
			k, _ = slices.BinarySearchFunc(ps[b:], want, comparePlace)
			k += b
		}
		found := false
		for ; k < len(ps) && comparePlace(ps[k], want) == 0; k++ {
			if ps[k].mask&s.bits[j] != 0 {
				keep = append(keep, ps[k].i)
				found = true
			}
		}
		if !found {
			return keep[:n]
		}
	}
	return keep
}

// checkEvery is how many candidates positional checks between looks at
// its context: bleve's collector looks only between the matches a
// searcher returns, and a phrase may pass over many candidates between two.
const checkEvery = 1024

// next returns the first of the candidates from dm on that holds the
// phrase.
func (s *positionalSearcher) next(ctx *search.SearchContext, dm *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	for dm != nil && err == nil {
		if s.holds(dm) {
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
		if s.checked++; s.checked%checkEvery == 0 && s.ctx != nil {
			if err := s.ctx.Err(); err != nil {
				return nil, err
			}
		}
		dm, err = s.must.Next(ctx)
	}
	return nil, err
}

func (s *positionalSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := s.must.Next(ctx)
	return s.next(ctx, dm, err)
}

func (s *positionalSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.must.Advance(ctx, id)
	return s.next(ctx, dm, err)
}

func (s *positionalSearcher) Weight() float64            { return s.must.Weight() }
func (s *positionalSearcher) SetQueryNorm(qnorm float64) { s.must.SetQueryNorm(qnorm) }
func (s *positionalSearcher) Count() uint64              { return s.must.Count() }
func (s *positionalSearcher) Min() int                   { return 0 }
func (s *positionalSearcher) Close() error               { return s.must.Close() }
func (s *positionalSearcher) Size() int                  { return s.must.Size() + 64*len(s.places) }
func (s *positionalSearcher) DocumentMatchPoolSize() int { return s.must.DocumentMatchPoolSize() + 1 }
