package query

import (
	"context"
	"encoding/binary"
	"fmt"
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
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return nil, false, fmt.Errorf("filter %s:%s: %w", field, term, err)
	}
	defer tfr.Close()
	var tfd *index.TermFieldDoc
	for {
		if tfd, err = tfr.Next(tfd); err != nil {
			return nil, false, fmt.Errorf("filter %s:%s: %w", field, term, err)
		}
		if tfd == nil {
			break
		}
		if len(tfd.ID) != 8 {
			return nil, false, nil
		}
		n := binary.BigEndian.Uint64(tfd.ID)
		if need := n/64 + 1; uint64(len(set)) < need {
			set = append(set, make([]uint64, need-uint64(len(set)))...)
		}
		set[n/64] |= 1 << (n % 64)
	}
	t.mu.Lock()
	if len(t.sets) < maxTermSets {
		t.sets[key] = set
	}
	t.mu.Unlock()
	return set, true, nil
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
			out = append([]uint64(nil), out...)
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
		switch i {
		case 0:
			out = set
		case 1:
			out = append([]uint64(nil), out[:min(len(out), len(set))]...)
			fallthrough
		default:
			out = out[:min(len(out), len(set))]
			for k := range out {
				out[k] &= set[k]
			}
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
