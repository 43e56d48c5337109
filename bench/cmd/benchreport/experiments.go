package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"

	"newsdex/internal/item"
	"newsdex/internal/schema"
	"newsdex/internal/store"
)

// Experiments are levers measured on the side of the run, on the 1x corpus,
// so that tuning rests on figures: scoring variants judged by the relevance
// test, and faster forms of the facets.
type Experiments struct {
	Scoring []ScoringVariant   `json:"scoring"`
	Facets  []FacetForm        `json:"facets"`
	AvgLen  map[string]float64 `json:"avg_tokens"`
}

// ScoringVariant is one way to score the ranked queries and its overlap with
// SQLite FTS5's top 10.
type ScoringVariant struct {
	Name     string  `json:"name"`
	Overlaps []int   `json:"overlaps"`
	Average  float64 `json:"average"`
}

// FacetForm is one way to compute the region, kind and month facets, with
// the p50 of each query (bare compiled query plus these facets only).
type FacetForm struct {
	Name  string             `json:"name"`
	P50us map[string]float64 `json:"p50_us"`
}

// The facet forms measured.
var facetForms = []struct{ name, desc string }{
	{"no facets", "the bare query"},
	{"month by date ranges", "terms facets on region_label and kind, a date-range facet on date, one range a month (mapping version 1)"},
	{"month as a keyword", "terms facets on region_label, kind and the month keyword field (\"1987-03\", doc values; mapping version 2)"},
	{"one combined field", "one terms facet on the keyword field facets holding \"region:Europe\", \"kind:article\", \"month:1987-03\" (mapping version 3, shipped)"},
}

// Fields of the facet forms that mapping versions 1 and 2 had, added to the
// experimental index to compare with: an exact region label and the month.
const (
	xRegionLabel = "x_region_label"
	xMonth       = "x_month"
)

// experiments builds an experimental 1x index (newsdex's mapping with BM25
// scoring and an extra doc-value field, merged to one segment) and runs the
// scoring and facet experiments. index1x is newsdex's own 1x index (tf-idf).
func (r *runner) experiments(articles, index1x string, reps int) (*Experiments, error) {
	lite, ok := querySet(r.res, engSQLite, 1)
	if !ok {
		return nil, fmt.Errorf("no SQLite top 10s to compare with")
	}
	exp := &Experiments{}
	dir := filepath.Join(r.work, "experiment.bleve")
	avg, docs, err := buildExperimentIndex(articles, dir)
	if err != nil {
		return nil, err
	}
	exp.AvgLen = avg
	bm25, err := bleve.Open(dir)
	if err != nil {
		return nil, err
	}
	defer bm25.Close()
	ours, err := store.Open(index1x)
	if err != nil {
		return nil, err
	}
	defer ours.Close()

	// True average lengths for BM25, given to bleve through the request's
	// context (search.BM25StatsKey) instead of its distinct-term estimate.
	stats := &search.BM25Stats{DocCount: float64(docs), FieldCardinality: map[string]int{}}
	for _, f := range []string{schema.FieldTitle, schema.FieldBody, schema.FieldSummary, schema.FieldCaption} {
		stats.FieldCardinality[f] = int(avg[f] * float64(docs))
	}
	for _, f := range []string{schema.FieldRegion, schema.FieldKind, schema.FieldDate, xRegionLabel, "*"} {
		stats.FieldCardinality[f] = docs
	}

	type tf = struct {
		Name  string
		Boost float64
	}
	shipped := append([]tf(nil), schema.TextFields...)
	defer func() { schema.TextFields = shipped }()
	variants := []struct {
		name   string
		idx    bleve.Index
		fields []tf
		stats  bool
	}{
		{"tf-idf, fields as shipped (title^0.01, body, summary, caption)", ours, shipped, false},
		{"tf-idf, title^2 (shipped before)", ours, []tf{{"title", 2}, {"body", 1}, {"summary", 1}, {"caption", 1}}, false},
		{"tf-idf, title^1", ours, []tf{{"title", 1}, {"body", 1}, {"summary", 1}, {"caption", 1}}, false},
		{"tf-idf, title^0.3", ours, []tf{{"title", 0.3}, {"body", 1}, {"summary", 1}, {"caption", 1}}, false},
		{"tf-idf, title^0.2", ours, []tf{{"title", 0.2}, {"body", 1}, {"summary", 1}, {"caption", 1}}, false},
		{"tf-idf, title^0.1", ours, []tf{{"title", 0.1}, {"body", 1}, {"summary", 1}, {"caption", 1}}, false},
		{"tf-idf, body only", ours, []tf{{"body", 1}}, false},
		{"tf-idf, body, summary, caption (no title)", ours, []tf{{"body", 1}, {"summary", 1}, {"caption", 1}}, false},
		{"bm25, fields as shipped, bleve's average length", bm25, shipped, false},
		{"bm25, fields as shipped, true average lengths", bm25, shipped, true},
		{"bm25, title^0.3, true average lengths", bm25, []tf{{"title", 0.3}, {"body", 1}, {"summary", 1}, {"caption", 1}}, true},
		{"bm25, body only, true average lengths", bm25, []tf{{"body", 1}}, true},
	}
	for _, v := range variants {
		schema.TextFields = v.fields
		sv := ScoringVariant{Name: v.name}
		sum := 0
		for _, bqy := range benchQueries {
			if bqy.CountOnly {
				continue
			}
			q, err := compileWithFilters(bqy.Req)
			if err != nil {
				return nil, err
			}
			ctx := context.Background()
			if v.stats {
				ctx = context.WithValue(ctx, search.BM25StatsKey, stats)
			}
			res, err := v.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, 10, 0, false))
			if err != nil {
				return nil, fmt.Errorf("%s, %s: %w", v.name, bqy.Name, err)
			}
			var ids []string
			for _, h := range res.Hits {
				ids = append(ids, h.ID)
			}
			o := overlap(ids, lite[bqy.Name].Top)
			sv.Overlaps = append(sv.Overlaps, o)
			sum += o
		}
		sv.Average = float64(sum) / float64(len(sv.Overlaps))
		exp.Scoring = append(exp.Scoring, sv)
	}
	schema.TextFields = shipped

	months := monthsOf(1987)
	for _, form := range facetForms {
		ff := FacetForm{Name: form.name, P50us: map[string]float64{}}
		for _, bqy := range benchQueries {
			q, err := compileWithFilters(bqy.Req)
			if err != nil {
				return nil, err
			}
			req := bleve.NewSearchRequestOptions(q, 10, 0, false)
			switch form.name {
			case "month by date ranges":
				req.AddFacet("region", bleve.NewFacetRequest(xRegionLabel, 100))
				req.AddFacet("kind", bleve.NewFacetRequest(schema.FieldKind, 2))
				fr := bleve.NewFacetRequest(schema.FieldDate, len(months))
				for _, m := range months {
					fr.AddDateTimeRange(m.Format("2006-01"), m, m.AddDate(0, 1, 0))
				}
				req.AddFacet("month", fr)
			case "month as a keyword":
				req.AddFacet("region", bleve.NewFacetRequest(xRegionLabel, 100))
				req.AddFacet("kind", bleve.NewFacetRequest(schema.FieldKind, 2))
				req.AddFacet("month", bleve.NewFacetRequest(xMonth, 1200))
			case "one combined field":
				req.AddFacet(schema.FieldFacets, schema.FacetRequest())
			}
			times, err := timeRuns(func() error {
				_, err := bm25.SearchInContext(context.Background(), req)
				return err
			}, reps, r.c.queryBudget/4)
			if err != nil {
				return nil, fmt.Errorf("facets %s, %s: %w", form.name, bqy.Name, err)
			}
			ff.P50us[bqy.Name], _ = percentiles(times)
		}
		exp.Facets = append(exp.Facets, ff)
	}
	return exp, nil
}

func monthsOf(year int) []time.Time {
	var ms []time.Time
	for m := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); m.Year() == year; m = m.AddDate(0, 1, 0) {
		ms = append(ms, m)
	}
	return ms
}

// buildExperimentIndex indexes the articles with newsdex's mapping, BM25
// scoring and the fields of the older facet forms, merged to one segment. It
// returns the average number of tokens of each text field and the docs.
func buildExperimentIndex(articles, dir string) (map[string]float64, int, error) {
	m := schema.Mapping()
	m.ScoringModel = "bm25"
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store, f.IncludeTermVectors, f.IncludeInAll, f.DocValues = false, false, false, true
		return f
	}
	m.DefaultMapping.AddFieldMappingsAt(xRegionLabel, kw())
	m.DefaultMapping.AddFieldMappingsAt(xMonth, kw())
	idx, err := bleve.New(dir, m)
	if err != nil {
		return nil, 0, err
	}
	an := m.AnalyzerNamed(en.AnalyzerName)
	tokens := map[string]int{}
	docs := 0
	rc, err := openJSONL(articles)
	if err != nil {
		idx.Close()
		return nil, 0, err
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	batch := idx.NewBatch()
	for sc.Scan() {
		var it item.Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			idx.Close()
			return nil, 0, err
		}
		it.Kind = item.Article
		d := schema.Document(&it)
		d[xRegionLabel] = it.Region
		d[xMonth] = it.Date.UTC().Format(schema.MonthLayout)
		if err := batch.Index(it.ID, d); err != nil {
			idx.Close()
			return nil, 0, err
		}
		tokens[schema.FieldTitle] += len(an.Analyze([]byte(it.Title)))
		tokens[schema.FieldBody] += len(an.Analyze([]byte(it.Body)))
		docs++
		if batch.Size() >= 1000 {
			if err := idx.Batch(batch); err != nil {
				idx.Close()
				return nil, 0, err
			}
			batch = idx.NewBatch()
		}
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, 0, err
	}
	if adv, err := idx.Advanced(); err == nil {
		if s, ok := adv.(*scorch.Scorch); ok {
			_ = s.ForceMerge(context.Background(), &mergeplan.SingleSegmentMergePlanOptions)
		}
	}
	if err := idx.Close(); err != nil {
		return nil, 0, err
	}
	avg := map[string]float64{}
	for f, n := range tokens {
		avg[f] = float64(n) / float64(max(docs, 1))
	}
	return avg, docs, sc.Err()
}
