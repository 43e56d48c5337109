package query

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// anyField is a word's disjunction over the text fields that leaves out
// the fields that do not hold it: most indexes have no summary or caption
// in most items, and bleve's disjunction advances every clause at every
// match, an empty one too (5-10% of a free-word search over the shared
// articles). Scores are those of bleve's disjunction of all the clauses:
// it multiplies the sum of the matching clauses' scores by the share of
// the clauses that matched, so the disjunction of the clauses kept is
// scaled by their share of all (the clauses left out would add nothing to
// the sum). The query norm loses the weights of the clauses left out, which
// scales every score of the search alike and so leaves the order alone.
type anyField struct {
	*bq.DisjunctionQuery
}

func newAnyField(qs ...bq.Query) bq.Query {
	return anyField{bq.NewDisjunctionQuery(qs)}
}

// Searcher is the disjunction's searcher over its clauses that match
// something.
func (q anyField) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if options.Explain {
		return q.DisjunctionQuery.Searcher(ctx, r, m, options)
	}
	kept := make([]search.Searcher, 0, len(q.Disjuncts))
	closeAll := func() {
		for _, s := range kept {
			_ = s.Close()
		}
	}
	for _, d := range q.Disjuncts {
		s, err := d.Searcher(ctx, r, m, options)
		if err != nil {
			closeAll()
			return nil, err
		}
		if s == nil {
			continue
		}
		if s.Count() == 0 {
			_ = s.Close()
			continue
		}
		kept = append(kept, s)
	}
	if len(kept) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	s, err := searcher.NewDisjunctionSearcher(ctx, r, kept, q.Min, options)
	if err != nil {
		closeAll()
		return nil, err
	}
	if len(kept) == len(q.Disjuncts) {
		return s, nil
	}
	return &scaledSearcher{Searcher: s, by: float64(len(kept)) / float64(len(q.Disjuncts))}, nil
}

// scaledSearcher multiplies the scores of its searcher's matches by by.
type scaledSearcher struct {
	search.Searcher
	by float64
}

func (s *scaledSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.scaled(s.Searcher.Next(ctx))
}

func (s *scaledSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	return s.scaled(s.Searcher.Advance(ctx, id))
}

func (s *scaledSearcher) scaled(dm *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	if dm != nil {
		dm.Score *= s.by
	}
	return dm, err
}
