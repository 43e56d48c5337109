package main

import (
	"context"
	"fmt"
	"time"

	"newsdex/internal/query"
	"newsdex/internal/store"
)

// Breakdown is where newsdex's query time goes: the same compiled query on
// the same index, run bare and with each part of the real query path added.
type Breakdown struct {
	Name  string             `json:"name"`
	P50us map[string]float64 `json:"p50_us"`
}

// The parts, in the order they are shown: what a request asks for, each
// timed through the product's query.Searcher.Search. (Results up to mapping
// version 5 hold the parts of the bleve request instead, named in
// oldBreakdownParts; the renderer shows whichever a run holds.)
var breakdownParts = []string{"count only", "10 hits", "10 hits + all facets"}

var oldBreakdownParts = []string{"bare", "+ stored fields", "+ highlights", "+ facets", "full path"}

// breakdown measures, on newsdex's index at dir, each query asked three
// ways: count only (limit 0), the default request (10 hits with stored
// fields and highlights, no facets), and the same with every facet.
func breakdown(dir string, reps int, budget time.Duration) ([]Breakdown, error) {
	ix, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	s := query.NewSearcher(ix)
	ctx := context.Background()
	var out []Breakdown
	for _, bqy := range benchQueries {
		b := Breakdown{Name: bqy.Name, P50us: map[string]float64{}}
		for _, part := range breakdownParts {
			req := bqy.Req
			switch part {
			case "count only":
				req.Limit, req.CountOnly = 0, true
			case "10 hits + all facets":
				req.Facets = query.FacetNames()
			}
			run := func() error { _, err := s.Search(ctx, req); return err }
			times, err := timeRuns(run, reps, budget)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", bqy.Name, part, err)
			}
			b.P50us[part], _ = percentiles(times)
		}
		out = append(out, b)
	}
	return out, nil
}

func timeRuns(run func() error, reps int, budget time.Duration) ([]time.Duration, error) {
	for i := 0; i < 3; i++ {
		if err := run(); err != nil {
			return nil, err
		}
	}
	times := make([]time.Duration, 0, reps)
	deadline := time.Now().Add(budget)
	for i := 0; i < reps; i++ {
		t := time.Now()
		if err := run(); err != nil {
			return nil, err
		}
		times = append(times, time.Since(t))
		if i >= 20 && t.After(deadline) {
			break
		}
	}
	return times, nil
}
