package main

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"

	"newsdex/internal/query"
	"newsdex/internal/store"
)

// Breakdown is where newsdex's query time goes: the same compiled query on
// the same index, run bare and with each part of the real query path added.
type Breakdown struct {
	Name  string             `json:"name"`
	P50us map[string]float64 `json:"p50_us"`
}

// The parts, in the order they are shown.
var breakdownParts = []string{"bare", "+ stored fields", "+ highlights", "+ facets", "full path"}

// breakdown measures, on newsdex's index at dir, the request query.Search
// runs for each query (query.BleveRequest): bare (query, filters, sort and
// paging only), with the hits' stored fields,
// with highlights (and fields), with the three facets alone, and through
// query.Searcher.Search.
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
		full, err := query.BleveRequest(bqy.Req, time.Now())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", bqy.Name, err)
		}
		// Each part is the product's own request with the later parts taken off.
		mk := func(part string) *bleve.SearchRequest {
			req := *full
			switch part {
			case "bare":
				req.Fields, req.Highlight, req.Facets = nil, nil, nil
			case "+ stored fields":
				req.Highlight, req.Facets = nil, nil
			case "+ highlights":
				req.Facets = nil
			case "+ facets":
				req.Fields, req.Highlight = nil, nil
			}
			return &req
		}
		b := Breakdown{Name: bqy.Name, P50us: map[string]float64{}}
		for _, part := range breakdownParts {
			var run func() error
			if part == "full path" {
				run = func() error { _, err := s.Search(ctx, bqy.Req); return err }
			} else {
				req := mk(part)
				run = func() error { _, err := ix.SearchInContext(ctx, req); return err }
			}
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
