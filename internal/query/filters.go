package query

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// Filters as sets of document numbers. A region, source or kind filter
// used to be a term of the query's conjunction, scored (the same amount
// for every item, so the order was the query's) and stepped through at
// every match: the conjunction advanced the query and the term in turns.
// Now each filter term's items are a set of document numbers (bit n%64 of
// word n/64), read from its posting list once per index snapshot, the date
// range's from the date table (daterange.go); the query's matches are
// tested against the sets' intersection, and a search of filters alone
// walks it. Filters never score. Where a set cannot be had (an index whose
// internal ids are not document numbers, a snapshot's first date filter,
// bounds off whole seconds), the filters are bleve's filter clause, which
// finds the same items with the same (no) scores.

// maxTermSets is how many filter terms' sets a snapshot keeps; more are
// read again at each search.
const maxTermSets = 256

// termSets is the filter terms' sets of one index snapshot, read on first
// use.
type termSets struct {
	mu   sync.Mutex
	sets map[string][]uint64 // field "\x00" term -> set
}

func buildTermSets(context.Context, index.IndexReader) (*termSets, bool, error) {
	return &termSets{sets: map[string][]uint64{}}, true, nil
}

// get returns the items of term in field, false when r's internal ids are
// not document numbers.
func (t *termSets) get(ctx context.Context, r index.IndexReader, field, term string) ([]uint64, bool, error) {
	key := field + "\x00" + term
	t.mu.Lock()
	set, ok := t.sets[key]
	t.mu.Unlock()
	if ok {
		return set, true, nil
	}
	set, ok, err := docSet(ctx, r, field, term)
	if err != nil || !ok {
		return nil, false, wrapErr(err, "filter "+field+":"+term)
	}
	t.mu.Lock()
	if len(t.sets) < maxTermSets {
		t.sets[key] = set
	}
	t.mu.Unlock()
	return set, true, nil
}

// docSet is the set of the items holding term in field, false when r's
// internal ids are not document numbers.
func docSet(ctx context.Context, r index.IndexReader, field, term string) ([]uint64, bool, error) {
	var set []uint64
	ok, err := eachDocNumber(ctx, r, field, term, func(n uint64) bool {
		if need := n/64 + 1; uint64(len(set)) < need {
			set = append(set, make([]uint64, need-uint64(len(set)))...)
		}
		set[n/64] |= 1 << (n % 64)
		return true
	})
	if err != nil || !ok {
		return nil, false, err
	}
	return set, true, nil
}

// eachDocNumber calls f with the document number of each item holding term
// in field, in order, until f returns false. ok is false when f did, or
// when r's internal ids are not 8-byte document numbers.
func eachDocNumber(ctx context.Context, r index.IndexReader, field, term string, f func(n uint64) bool) (ok bool, err error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return false, err
	}
	var tfd *index.TermFieldDoc
	for {
		if tfd, err = tfr.Next(tfd); err != nil {
			tfr.Close()
			return false, err
		}
		if tfd == nil {
			return true, tfr.Close()
		}
		if len(tfd.ID) != 8 || !f(binary.BigEndian.Uint64(tfd.ID)) {
			tfr.Close()
			return false, nil
		}
	}
}

// wrapErr prefixes err with what failed; nil stays nil.
func wrapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// setFilter is a filter whose items can come as a set of document numbers.
type setFilter interface {
	bq.Query
	// set returns the filter's items in r's snapshot, false when they
	// cannot come as a set.
	set(ctx context.Context, r index.IndexReader) ([]uint64, bool, error)
}

// termFilter matches the items with any of terms in field.
type termFilter struct {
	field string
	terms []string
	sets  *snapshotCache[*termSets] // nil: bleve's term queries
}

func (f termFilter) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	return unscored{anyTerm(f.field, f.terms)}.Searcher(ctx, r, m, options)
}

func (f termFilter) set(ctx context.Context, r index.IndexReader) ([]uint64, bool, error) {
	if f.sets == nil {
		return nil, false, nil
	}
	ts, ok, err := f.sets.get(ctx, r, false)
	if err != nil || !ok {
		return nil, ok, err
	}
	var out []uint64
	for i, term := range f.terms {
		set, ok, err := ts.get(ctx, r, f.field, term)
		if err != nil || !ok {
			return nil, ok, err
		}
		if i == 0 {
			out = set // shared with the cache: never written
			continue
		}
		if i == 1 {
			out = slices.Clone(out)
		}
		if len(set) > len(out) {
			out = append(out, make([]uint64, len(set)-len(out))...)
		}
		for k, w := range set {
			out[k] |= w
		}
	}
	return out, true, nil
}

// within matches the matches of q (nil: every item) that all its filters
// match, scored as q alone.
type within struct {
	q       bq.Query
	filters []bq.Query
}

func (w within) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	set, ok, err := w.set(ctx, r)
	if err != nil {
		return nil, err
	}
	if !ok {
		return w.clauses().Searcher(ctx, r, m, options)
	}
	if w.q == nil {
		return newSetSearcher(set), nil
	}
	s, err := w.q.Searcher(ctx, r, m, options)
	if err != nil {
		return nil, err
	}
	return searcher.NewFilteringSearcher(ctx, s, func(_ *search.SearchContext, d *search.DocumentMatch) bool {
		return inSet(set, d.IndexInternalID)
	}), nil
}

// set is the intersection of the filters' sets, false when one cannot
// come as a set.
func (w within) set(ctx context.Context, r index.IndexReader) ([]uint64, bool, error) {
	var out []uint64
	for i, f := range w.filters {
		sf, ok := f.(setFilter)
		if !ok {
			return nil, false, nil
		}
		set, ok, err := sf.set(ctx, r)
		if err != nil || !ok {
			return nil, ok, err
		}
		if i == 0 {
			out = set
			continue
		}
		if i == 1 {
			out = slices.Clone(out) // the first may be a cached set: never written
		}
		out = out[:min(len(out), len(set))]
		for k := range out {
			out[k] &= set[k]
		}
	}
	return out, true, nil
}

// clauses is w as bleve's clauses: q (or the first filter, unscored) as the
// must clause, the other filters as bleve's filter clause.
func (w within) clauses() bq.Query {
	must, rest := w.q, w.filters
	if must == nil {
		must, rest = unscored{rest[0]}, rest[1:]
	}
	if len(rest) == 0 {
		return must
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(must)
	if len(rest) == 1 {
		b.AddFilter(rest[0])
	} else {
		b.AddFilter(bleve.NewConjunctionQuery(rest...))
	}
	return b
}

// inSet tells whether a document's internal id is a number in set.
func inSet(set []uint64, id index.IndexInternalID) bool {
	if len(id) != 8 {
		return false
	}
	n := binary.BigEndian.Uint64(id)
	return n/64 < uint64(len(set)) && set[n/64]&(1<<(n%64)) != 0
}

// setSearcher is an unscored searcher of the documents of a set of
// numbers (bit n%64 of word n/64), in their order.
type setSearcher struct {
	set   []uint64
	next  uint64 // the first number not yet passed
	count uint64
}

func newSetSearcher(set []uint64) *setSearcher {
	s := &setSearcher{set: set}
	for _, w := range set {
		s.count += uint64(bits.OnesCount64(w))
	}
	return s
}

// from returns the first number of the set at or after n, false past the
// last.
func (s *setSearcher) from(n uint64) (uint64, bool) {
	i := n / 64
	if i >= uint64(len(s.set)) {
		return 0, false
	}
	if w := s.set[i] >> (n % 64); w != 0 {
		return n + uint64(bits.TrailingZeros64(w)), true
	}
	for i++; i < uint64(len(s.set)); i++ {
		if w := s.set[i]; w != 0 {
			return i*64 + uint64(bits.TrailingZeros64(w)), true
		}
	}
	return 0, false
}

func (s *setSearcher) match(ctx *search.SearchContext, n uint64, ok bool) (*search.DocumentMatch, error) {
	if !ok {
		s.next = uint64(len(s.set)) * 64
		return nil, nil
	}
	s.next = n + 1
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = binary.BigEndian.AppendUint64(dm.IndexInternalID[:0], n)
	return dm, nil
}

func (s *setSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	n, ok := s.from(s.next)
	return s.match(ctx, n, ok)
}

func (s *setSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if len(id) != 8 {
		return nil, fmt.Errorf("dates: internal id of %d bytes", len(id))
	}
	n, ok := s.from(binary.BigEndian.Uint64(id)) // bleve's searchers go back too
	return s.match(ctx, n, ok)
}

func (s *setSearcher) Close() error               { return nil }
func (s *setSearcher) Weight() float64            { return 1 }
func (s *setSearcher) SetQueryNorm(float64)       {}
func (s *setSearcher) Count() uint64              { return s.count }
func (s *setSearcher) Min() int                   { return 0 }
func (s *setSearcher) Size() int                  { return 64 + 8*len(s.set) }
func (s *setSearcher) DocumentMatchPoolSize() int { return 1 }
