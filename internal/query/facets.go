package query

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"newsdex/internal/schema"
)

// Facets without doc values. bleve's terms facet reads the facets field's
// doc values for every hit: a snappy-compressed chunk per 1,024 documents and
// a walk to the hit's terms, most of a request's cost when a query matches a
// thousand items. newsdex counts them instead from a table of each
// document's facet terms, built once per index snapshot from the facet
// terms' posting lists (its items change only with a new snapshot), and a
// searcher around the query that counts every match it hands the collector:
// exactly the matches bleve counts in the total. The first search with
// facets on a snapshot, an index whose documents are not numbered as scorch
// numbers them (8-byte internal ids), and one without Advanced (an alias)
// count with bleve's facet as before.

// facetSlots is how many facet terms a document's row holds (FacetTerms
// gives at most four); a document with more keeps the rest in the table's
// overflow.
const facetSlots = 4

// facetTable is the facet terms of every document of one index snapshot.
type facetTable struct {
	terms    []string            // ordinal-1 -> facet term
	slots    []uint32            // document number*facetSlots + k -> ordinal, 0 for none
	overflow map[uint64][]uint32 // document number -> ordinals past facetSlots
}

// buildFacetTable reads the facet terms' posting lists of r. ok is false
// when r's internal ids are not 8-byte document numbers.
func buildFacetTable(ctx context.Context, r index.IndexReader) (t *facetTable, ok bool, err error) {
	dict, err := r.FieldDict(schema.FieldFacets)
	if err != nil {
		return nil, false, fmt.Errorf("facets: %w", err)
	}
	t = &facetTable{}
	if n, err := r.DocCount(); err == nil {
		t.slots = make([]uint32, 0, (n+1)*facetSlots)
	}
	for {
		de, err := dict.Next()
		if err != nil {
			dict.Close()
			return nil, false, fmt.Errorf("facets: %w", err)
		}
		if de == nil {
			break
		}
		t.terms = append(t.terms, de.Term)
	}
	if err := dict.Close(); err != nil {
		return nil, false, fmt.Errorf("facets: %w", err)
	}
	for i, term := range t.terms {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		ord := uint32(i + 1)
		ok, err := eachDocNumber(ctx, r, schema.FieldFacets, term, func(n uint64) bool {
			t.add(n, ord)
			return true
		})
		if err != nil || !ok {
			return nil, false, wrapErr(err, "facets")
		}
	}
	return t, true, nil
}

func (t *facetTable) add(doc uint64, ord uint32) {
	base := doc * facetSlots
	if need := base + facetSlots; uint64(len(t.slots)) < need {
		t.slots = append(t.slots, make([]uint32, need-uint64(len(t.slots)))...)
	}
	for k := range uint64(facetSlots) {
		if t.slots[base+k] == 0 {
			t.slots[base+k] = ord
			return
		}
	}
	if t.overflow == nil {
		t.overflow = map[uint64][]uint32{}
	}
	t.overflow[doc] = append(t.overflow[doc], ord)
}

// count adds the facet terms of the document with this internal id.
func (t *facetTable) count(id index.IndexInternalID, counts []int) {
	if len(id) != 8 {
		return
	}
	doc := binary.BigEndian.Uint64(id)
	base := doc * facetSlots
	if base >= uint64(len(t.slots)) {
		return // a document without facet terms
	}
	for k := range uint64(facetSlots) {
		o := t.slots[base+k]
		if o == 0 {
			return
		}
		counts[o]++
	}
	for _, o := range t.overflow[doc] {
		counts[o]++
	}
}

// facetCount gathers the facet counts of one search, from each searcher of
// it (one per index).
type facetCount struct {
	tables *snapshotCache[*facetTable]
	mu     sync.Mutex
	counts map[string]int // facet term -> matches
}

// countingQuery is q with its matches' facet terms counted into c.
type countingQuery struct {
	q bq.Query
	c *facetCount
}

func (cq countingQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	t, ok, err := cq.c.tables.get(ctx, i, false)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("facets: the index's documents are not numbered as expected")
	}
	inner, err := cq.q.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	return &countingSearcher{Searcher: inner, t: t, c: cq.c, counts: make([]int, len(t.terms)+1)}, nil
}

// countingSearcher counts the facet terms of the matches it returns; Close
// adds them to the search's counts.
type countingSearcher struct {
	search.Searcher
	t      *facetTable
	c      *facetCount
	counts []int // ordinal -> matches
}

func (s *countingSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if d != nil {
		s.t.count(d.IndexInternalID, s.counts)
	}
	return d, err
}

func (s *countingSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d != nil {
		s.t.count(d.IndexInternalID, s.counts)
	}
	return d, err
}

func (s *countingSearcher) Close() error {
	s.c.mu.Lock()
	for o, n := range s.counts {
		if n > 0 {
			s.c.counts[s.t.terms[o-1]] += n
		}
	}
	s.c.mu.Unlock()
	s.counts = s.counts[:0]
	return s.Searcher.Close()
}

// facetCounting returns the counts for a search that asks for facets, to
// be filled by a countingQuery around its query, or nil when the index
// counts them with bleve's facet: an alias, an index numbered otherwise, or a
// snapshot's first search with facets.
func (s *Searcher) facetCounting(ctx context.Context) (*facetCount, error) {
	ix, err := s.idx.Advanced()
	if err != nil {
		return nil, nil
	}
	r, err := ix.Reader()
	if err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	defer r.Close()
	if _, ok, err := s.tables.get(ctx, r, true); err != nil || !ok {
		return nil, err
	}
	return &facetCount{tables: s.tables, counts: map[string]int{}}, nil
}
