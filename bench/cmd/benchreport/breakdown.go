package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"newsdex/internal/query"
	"newsdex/internal/schema"
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

// breakdown measures, on newsdex's index at dir, each query bare (the
// compiled query and filters, 10 hits by score), with the hit's stored fields,
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
		q, err := compileWithFilters(bqy.Req)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", bqy.Name, err)
		}
		size := 10
		if bqy.CountOnly {
			size = 1
		}
		mk := func(part string) *bleve.SearchRequest {
			req := bleve.NewSearchRequestOptions(q, size, 0, false)
			req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}, &search.SortDocID{}})
			if part == "+ stored fields" || part == "+ highlights" {
				req.Fields = []string{schema.FieldKind, schema.FieldTitle, schema.FieldRegion, schema.FieldDate,
					schema.FieldDateline, schema.FieldSummary, schema.FieldCaption, schema.FieldByline,
					schema.FieldReadMinutes, schema.FieldSource, schema.FieldURL, schema.FieldFile,
					schema.FieldPages, schema.FieldArticleID}
			}
			if part == "+ highlights" {
				req.Highlight = bleve.NewHighlightWithStyle(html.Name)
				for _, f := range []string{schema.FieldTitle, schema.FieldBody, schema.FieldSummary} {
					req.Highlight.AddField(f)
				}
			}
			if part == "+ facets" {
				req.AddFacet(schema.FieldFacets, schema.FacetRequest())
			}
			return req
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

// compileWithFilters builds the bleve query newsdex runs for r: the compiled
// query language, region terms in a conjunction, the date range as a filter
// clause (as internal/query does; see its BenchmarkFilterForms).
func compileWithFilters(r query.Request) (bq.Query, error) {
	node, err := query.Parse(strings.TrimSpace(r.Query))
	if err != nil {
		return nil, err
	}
	main := query.Compile(node)
	var conj []bq.Query
	if _, all := main.(*bq.MatchAllQuery); !all {
		conj = append(conj, main)
	}
	for _, reg := range r.Regions {
		t := bleve.NewTermQuery(strings.ToLower(reg))
		t.SetField(schema.FieldRegion)
		conj = append(conj, t)
	}
	var filter bq.Query
	if r.From != "" || r.To != "" {
		from, _ := time.Parse(time.DateOnly, r.From)
		to, _ := time.Parse(time.DateOnly, r.To)
		to = to.Add(24*time.Hour - time.Nanosecond)
		yes := true
		d := bleve.NewDateRangeInclusiveQuery(from, to, &yes, &yes)
		d.SetField(schema.FieldDate)
		filter = d
	}
	var q bq.Query
	switch len(conj) {
	case 0:
		if filter != nil {
			return filter, nil
		}
		q = bleve.NewMatchAllQuery()
	case 1:
		q = conj[0]
	default:
		q = bleve.NewConjunctionQuery(conj...)
	}
	if filter == nil {
		return q, nil
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(q)
	b.AddFilter(filter)
	return b, nil
}
