package query

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"

	"newsdex/internal/indexer"
	"newsdex/internal/store"
	"newsdex/internal/testenv"
)

// The benchmarks run over an index of the shared Reuters-21578 articles,
// built once per test process with the indexer, as index build would.

var (
	benchOnce sync.Once
	benchIdx  bleve.Index
	benchErr  error
	benchTmp  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchIdx != nil {
		benchIdx.Close()
	}
	if benchTmp != "" {
		os.RemoveAll(benchTmp)
	}
	if pagesIdx != nil {
		pagesIdx.Close()
	}
	if pagesTmp != "" {
		os.RemoveAll(pagesTmp)
	}
	os.Exit(code)
}

func benchIndex(b testing.TB) bleve.Index {
	b.Helper()
	src := testenv.Shared(b, "corpus/reuters21578/articles.jsonl.gz")
	benchOnce.Do(func() {
		// NEWSDEX_TEST_INDEX keeps the index between runs while tuning
		// ranking (delete it when the mapping changes).
		dir := os.Getenv("NEWSDEX_TEST_INDEX")
		if dir != "" {
			if ix, err := store.Open(dir); err == nil {
				benchIdx = ix
				return
			}
		} else {
			benchTmp, benchErr = os.MkdirTemp("", "newsdex-query-bench-")
			if benchErr != nil {
				return
			}
			dir = filepath.Join(benchTmp, "ix")
		}
		start := time.Now()
		if _, benchErr = indexer.Build(context.Background(), dir, []string{src}, indexer.Options{}); benchErr != nil {
			return
		}
		var ix *store.Index
		ix, benchErr = store.Open(dir)
		if benchErr != nil {
			return
		}
		benchIdx = ix
		n, _ := ix.DocCount()
		b.Logf("built an index of %d articles in %v", n, time.Since(start).Round(time.Millisecond))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchIdx
}

// benchQuery is one of issue 6's ten queries, with the date range and region
// its filtered variants use.
type benchQuery struct {
	name     string
	q        string
	from, to string
	region   string
	filtered bool // the form carries the filters
	limit    int
}

var benchQueries = []benchQuery{
	{name: "oil", q: "oil"},
	{name: "cocoa", q: "cocoa"},
	{name: "crude_prices", q: "crude prices"},
	{name: "phrase_interest_rates", q: `"interest rates"`},
	{name: "boolean_opec", q: "opec AND (output OR production) NOT saudi"},
	{name: "bank_europe", q: "bank", filtered: true},
	{name: "wheat_march", q: "wheat", filtered: true},
	{name: "trade_asia_april", q: "trade", from: "1987-04-01", to: "1987-04-30", region: "Asia Pacific", filtered: true},
	{name: "all_15_16_march_count", q: "", from: "1987-03-15", to: "1987-03-16", filtered: true, limit: 1},
	{name: "prefix_export", q: "export*"},
}

// variants of each query: bare, with a date range, with a region, with both.
var benchVariants = []struct {
	name         string
	date, region bool
}{
	{"bare", false, false},
	{"date", true, false},
	{"region", false, true},
	{"date+region", true, true},
}

func (bq benchQuery) request(date, region bool) Request {
	r := Request{Query: bq.q, Limit: bq.limit}
	if date {
		r.From, r.To = bq.from, bq.to
		if r.From == "" {
			r.From, r.To = "1987-03-01", "1987-03-31"
		}
	}
	if region {
		reg := bq.region
		if reg == "" {
			reg = "Europe"
		}
		r.Regions = []string{reg}
	}
	return r
}

// reportLatency records p50 and p99 of the per-query latencies.
func reportLatency(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	pct := func(p float64) float64 {
		i := int(p * float64(len(ds)-1))
		return float64(ds[i].Nanoseconds()) / 1e3
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

// BenchmarkQueries runs issue 6's ten queries through the whole query path
// (parse, filters, highlights, facets, hits) with and without date and
// region filters, reporting p50 and p99 latency.
func BenchmarkQueries(b *testing.B) {
	s := NewSearcher(benchIndex(b))
	ctx := context.Background()
	for _, bq := range benchQueries {
		for _, v := range benchVariants {
			req := bq.request(v.date, v.region)
			b.Run(bq.name+"/"+v.name, func(b *testing.B) {
				resp, err := s.Search(ctx, req) // warm, and the total for the log
				if err != nil {
					b.Fatal(err)
				}
				ds := make([]time.Duration, 0, b.N)
				b.ReportAllocs()
				for b.Loop() {
					start := time.Now()
					if _, err := s.Search(ctx, req); err != nil {
						b.Fatal(err)
					}
					ds = append(ds, time.Since(start))
				}
				b.StopTimer()
				reportLatency(b, ds)
				b.ReportMetric(float64(resp.Total), "hits")
			})
		}
	}
}

// BenchmarkParse measures the query language parser and compiler.
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		n, err := Parse(`opec AND (output OR production) NOT saudi title:"crude oil"^2 export* opek~1`)
		if err != nil {
			b.Fatal(err)
		}
		Compile(n)
	}
}

// BenchmarkRequestParts measures what each part of the request costs on top
// of the bare query: facets, stored fields and term locations.
func BenchmarkRequestParts(b *testing.B) {
	idx := benchIndex(b)
	ctx := context.Background()
	parts := []struct {
		name string
		edit func(*bleve.SearchRequest)
	}{
		{"full", func(*bleve.SearchRequest) {}},
		{"no-locations", func(r *bleve.SearchRequest) { r.IncludeLocations = false }},
		{"bare", func(r *bleve.SearchRequest) { r.Facets, r.IncludeLocations, r.Fields = nil, false, nil }},
	}
	for _, rq := range []Request{{Query: "oil", Facets: FacetNames()}, {Facets: FacetNames()}} {
		p, err := rq.plan(time.Now())
		if err != nil {
			b.Fatal(err)
		}
		name := rq.Query
		if name == "" {
			name = "all"
		}
		for _, part := range parts {
			b.Run(name+"/"+part.name, func(b *testing.B) {
				req := bleveRequest(p)
				part.edit(req)
				ds := make([]time.Duration, 0, b.N)
				for b.Loop() {
					start := time.Now()
					if _, err := idx.SearchInContext(ctx, req); err != nil {
						b.Fatal(err)
					}
					ds = append(ds, time.Since(start))
				}
				reportLatency(b, ds)
			})
		}
	}
}

// BenchmarkHighlightStep times the highlighting step alone per hit, on the
// top 10 hits of a few queries: newHit's fragments from the locations the
// search found and the marks' scan of the shown text. (bleve's html
// highlighter, which it replaced, needs term vectors that the text fields no
// longer keep: it would find nothing to mark.)
func BenchmarkHighlightStep(b *testing.B) {
	idx := benchIndex(b)
	ctx := context.Background()
	for _, q := range []string{"oil", "crude prices", `"interest rates"`, "export*"} {
		p, err := Request{Query: q, Limit: 10}.plan(time.Now())
		if err != nil {
			b.Fatal(err)
		}
		var expanded map[*Term][]string
		if hasMultiTerm(p.node) {
			ex := newExpander(ctx, idx)
			p.query = compile(p.node, ex, true)
			ex.close()
			expanded = ex.stems
		}
		m := marksOf(p.node, expanded)
		res, err := idx.SearchInContext(ctx, bleveRequest(p))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(q+"/locations", func(b *testing.B) {
			for b.Loop() {
				for _, h := range res.Hits {
					newHit(h, m)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e3/float64(b.N*len(res.Hits)), "µs/hit")
		})
	}
}

// reportQueries are the ten queries of make bench (bench/cmd/benchreport)
// as it asks them: whole UTC days, the count-only query with limit=0.
var reportQueries = []struct {
	name string
	req  Request
}{
	{"oil", Request{Query: "oil"}},
	{"cocoa", Request{Query: "cocoa"}},
	{"crude_prices", Request{Query: "crude prices"}},
	{"phrase_interest_rates", Request{Query: `"interest rates"`}},
	{"boolean_opec", Request{Query: "opec AND (output OR production) NOT saudi"}},
	{"bank_europe", Request{Query: "bank", Regions: []string{"Europe"}}},
	{"wheat_march", Request{Query: "wheat", From: "1987-03-01", To: "1987-03-31"}},
	{"trade_asia_april", Request{Query: "trade", Regions: []string{"Asia Pacific"}, From: "1987-04-01", To: "1987-04-30"}},
	{"all_15_16_march_count", Request{From: "1987-03-15", To: "1987-03-16", CountOnly: true}},
	{"prefix_export", Request{Query: "export*"}},
}

// benchPair times two forms of each of make bench's ten queries in turns
// (a, b, a, b, ...) so that both see the same load on a shared machine, and
// reports the p50 of each and the ratio b/a. NEWSDEX_TEST_INDEX may name a
// bigger index (a 16x build) to measure on.
func benchPair(b *testing.B, an, bn string, mod func(Request) (Request, Request)) {
	s := NewSearcher(benchIndex(b))
	ctx := context.Background()
	for _, q := range reportQueries {
		ra, rb := mod(q.req)
		b.Run(q.name, func(b *testing.B) {
			for _, r := range []Request{ra, rb} {
				if _, err := s.Search(ctx, r); err != nil { // warm
					b.Fatal(err)
				}
			}
			var da, db []time.Duration
			for b.Loop() {
				for i, r := range []Request{ra, rb} {
					start := time.Now()
					if _, err := s.Search(ctx, r); err != nil {
						b.Fatal(err)
					}
					if i == 0 {
						da = append(da, time.Since(start))
					} else {
						db = append(db, time.Since(start))
					}
				}
			}
			b.StopTimer()
			pa, pb := median(da), median(db)
			b.ReportMetric(pa, an+"-p50-µs")
			b.ReportMetric(pb, bn+"-p50-µs")
			b.ReportMetric(pb/pa, "ratio")
		})
	}
}

func median(ds []time.Duration) float64 {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return float64(ds[len(ds)/2].Nanoseconds()) / 1e3
}

// BenchmarkCollapseCost is issue 9's collapse cost: the default request (one
// hit per story) over the same with expand=true, in turns.
func BenchmarkCollapseCost(b *testing.B) {
	benchPair(b, "expand", "collapsed", func(r Request) (Request, Request) {
		x := r
		x.Expand = true
		return x, r
	})
}

// BenchmarkFacetsCost is issue 12's facets cost: every facet asked for over
// the default request, in turns.
func BenchmarkFacetsCost(b *testing.B) {
	benchPair(b, "default", "facets", func(r Request) (Request, Request) {
		f := r
		f.Facets = FacetNames()
		return r, f
	})
}

// BenchmarkStorySizes times setting the story sizes of one page of 10 hits:
// posting-list counts of their story ids against a search with a facet on
// story_id.
func BenchmarkStorySizes(b *testing.B) {
	s := NewSearcher(benchIndex(b))
	ctx := context.Background()
	resp, err := s.Search(ctx, Request{Query: "oil"})
	if err != nil {
		b.Fatal(err)
	}
	for _, way := range []struct {
		name string
		f    func(context.Context, []Hit) error
	}{{"terms", s.storySizes}, {"facet", s.storySizesByFacet}} {
		b.Run(way.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := way.f(ctx, resp.Hits); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchReader is a reader of the benchmarks' index snapshot, closed with
// the benchmark.
func benchReader(b *testing.B) index.IndexReader {
	ix, err := benchIndex(b).Advanced()
	if err != nil {
		b.Fatal(err)
	}
	r, err := ix.Reader()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return r
}

// BenchmarkFacetTable times building the facet table of an index snapshot,
// which the first search asking for facets on a snapshot pays.
func BenchmarkFacetTable(b *testing.B) {
	r := benchReader(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := buildFacetTable(context.Background(), r); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkMemberSet times building the story_member bitmap of an index
// snapshot, which the second count-only search on a snapshot pays.
func BenchmarkMemberSet(b *testing.B) {
	r := benchReader(b)
	for b.Loop() {
		if _, ok, err := buildMemberSet(context.Background(), r); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}
