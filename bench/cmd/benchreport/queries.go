package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"newsdex/bench/internal/latency"
	"newsdex/internal/query"
	"newsdex/internal/store"
)

// benchQuery is one of issue 6's ten queries in newsdex's terms: the
// in-process request, the HTTP parameters and the search command's
// arguments. Names match the peers' names.
type benchQuery struct {
	Name      string
	Req       query.Request
	HTTP      url.Values
	CLI       []string
	Phrase    bool // held to the 1.5 ms phrase goal
	CountOnly bool // no ranking: left out of the relevance test
	Process   bool // also timed as a whole search process
}

// The queries ask what a person would: the date filters are whole days.
// "Count only" asks for the total alone (limit=0). None asks for facets:
// the default request; withFacets adds them all.
var benchQueries = []benchQuery{
	{Name: "oil", Req: query.Request{Query: "oil"}, HTTP: url.Values{"q": {"oil"}}, CLI: []string{"oil"}, Process: true},
	{Name: "cocoa", Req: query.Request{Query: "cocoa"}, HTTP: url.Values{"q": {"cocoa"}}, CLI: []string{"cocoa"}},
	{Name: "crude prices", Req: query.Request{Query: "crude prices"}, HTTP: url.Values{"q": {"crude prices"}}, CLI: []string{"crude prices"}},
	{Name: `"interest rates"`, Req: query.Request{Query: `"interest rates"`}, HTTP: url.Values{"q": {`"interest rates"`}}, CLI: []string{`"interest rates"`}, Phrase: true, Process: true},
	{Name: "opec AND (output OR production) NOT saudi", Req: query.Request{Query: "opec AND (output OR production) NOT saudi"},
		HTTP: url.Values{"q": {"opec AND (output OR production) NOT saudi"}}, CLI: []string{"opec AND (output OR production) NOT saudi"}, Process: true},
	{Name: "bank, region Europe", Req: query.Request{Query: "bank", Regions: []string{"Europe"}},
		HTTP: url.Values{"q": {"bank"}, "region": {"Europe"}}, CLI: []string{"bank", "--region", "Europe"}},
	{Name: "wheat, March 1987", Req: query.Request{Query: "wheat", From: "1987-03-01", To: "1987-03-31"},
		HTTP: url.Values{"q": {"wheat"}, "from": {"1987-03-01"}, "to": {"1987-03-31"}}, CLI: []string{"wheat", "--from", "1987-03-01", "--to", "1987-03-31"}, Process: true},
	{Name: "trade, Asia Pacific, April 1987", Req: query.Request{Query: "trade", Regions: []string{"Asia Pacific"}, From: "1987-04-01", To: "1987-04-30"},
		HTTP: url.Values{"q": {"trade"}, "region": {"Asia Pacific"}, "from": {"1987-04-01"}, "to": {"1987-04-30"}},
		CLI:  []string{"trade", "--region", "Asia Pacific", "--from", "1987-04-01", "--to", "1987-04-30"}},
	{Name: "all of 15-16 March 1987 (count)", Req: query.Request{From: "1987-03-15", To: "1987-03-16", CountOnly: true},
		HTTP: url.Values{"from": {"1987-03-15"}, "to": {"1987-03-16"}, "limit": {"0"}}, CLI: []string{"--from", "1987-03-15", "--to", "1987-03-16", "--limit", "0"}, CountOnly: true},
	{Name: "export*", Req: query.Request{Query: "export*"}, HTTP: url.Values{"q": {"export*"}}, CLI: []string{"export*"}, Process: true},
}

// withFacets is bq's request with every facet asked for.
func withFacets(bq benchQuery) (query.Request, url.Values) {
	r := bq.Req
	r.Facets = query.FacetNames()
	v := url.Values{}
	for k, x := range bq.HTTP {
		v[k] = x
	}
	v.Set("facets", strings.Join(query.FacetNames(), ","))
	return r, v
}

// productQueries runs the ten queries in-process through newsdex's query
// path (query language, filters, highlights, facets, stored fields) on the
// index at dir: three warm-up runs, then up to reps timed runs (at most
// budget of time).
func productQueries(dir string, reps int, budget time.Duration) ([]QueryStats, error) {
	sets, err := productQueriesWith(dir, reps, budget, asIs)
	if err != nil {
		return nil, err
	}
	return sets[0], nil
}

// asIs is a request as it is.
func asIs(r query.Request) query.Request { return r }

// expanded is a request with expand=true: every matching item, not one hit
// per story.
func expanded(r query.Request) query.Request {
	r.Expand = true
	return r
}

// productQueriesWith is productQueries of each request as each of mods
// changes it, a set of QueryStats for each mod. The variants of one query
// take turns run by run, so that a ratio of two compares the same seconds
// (this machine's speed drifts between minutes).
func productQueriesWith(dir string, reps int, budget time.Duration, mods ...func(query.Request) query.Request) ([][]QueryStats, error) {
	ix, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	s := query.NewSearcher(ix)
	vs := make([]variant, len(mods))
	for m, mod := range mods {
		vs[m] = variant{s, mod}
	}
	return inTurns(vs, reps, budget)
}

// productQueriesOn is productQueries of the same requests on each index of
// dirs, the indexes taking turns run by run: the growth from one scale to
// another in the same seconds.
func productQueriesOn(dirs []string, reps int, budget time.Duration) ([][]QueryStats, error) {
	vs := make([]variant, len(dirs))
	for i, dir := range dirs {
		ix, err := store.Open(dir)
		if err != nil {
			return nil, err
		}
		defer ix.Close()
		vs[i] = variant{query.NewSearcher(ix), asIs}
	}
	return inTurns(vs, reps, budget)
}

// variant is one way of running the ten queries: a searcher and how it
// changes each request.
type variant struct {
	s   *query.Searcher
	mod func(query.Request) query.Request
}

// inTurns times the ten queries in each variant, the variants of one query
// taking turns run by run: three warm-up runs each, then up to reps timed
// runs (at most budget a variant).
func inTurns(vs []variant, reps int, budget time.Duration) ([][]QueryStats, error) {
	ctx := context.Background()
	out := make([][]QueryStats, len(vs))
	for _, bq := range benchQueries {
		reqs := make([]query.Request, len(vs))
		resps := make([]*query.Response, len(vs))
		times := make([][]time.Duration, len(vs))
		for m, v := range vs {
			reqs[m] = v.mod(bq.Req)
			for i := 0; i < 3; i++ {
				var err error
				if resps[m], err = v.s.Search(ctx, reqs[m]); err != nil {
					return nil, fmt.Errorf("%s: %w", bq.Name, err)
				}
			}
		}
		deadline := time.Now().Add(budget * time.Duration(len(vs)))
		for i := 0; i < reps; i++ {
			var t time.Time
			for m, v := range vs {
				t = time.Now()
				if _, err := v.s.Search(ctx, reqs[m]); err != nil {
					return nil, fmt.Errorf("%s: %w", bq.Name, err)
				}
				times[m] = append(times[m], time.Since(t))
			}
			if i >= 20 && t.After(deadline) {
				break
			}
		}
		for m := range vs {
			qs := QueryStats{Name: bq.Name, Reps: len(times[m]), Total: resps[m].Total, Top: []string{}}
			qs.P50us, qs.P99us = percentiles(times[m])
			if !bq.CountOnly {
				for _, h := range resps[m].Hits {
					qs.Top = append(qs.Top, h.ID)
				}
			}
			out[m] = append(out[m], qs)
		}
	}
	return out, nil
}

// percentiles returns the median and the 99th percentile in microseconds,
// with the one percentile function of the benchmarks.
func percentiles(d []time.Duration) (p50, p99 float64) {
	return latency.Micros(latency.Percentile(d, 0.50)), latency.Micros(latency.Percentile(d, 0.99))
}
