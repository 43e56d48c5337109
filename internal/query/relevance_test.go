package query

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"newsdex/internal/testenv"
)

// relevanceQueries are benchreport's ranked queries (bench/cmd/benchreport
// queries.go), by the names the SQLite FTS5 peer's top 10s carry in
// bench/results.json.
var relevanceQueries = map[string]Request{
	"oil":              {Query: "oil"},
	"cocoa":            {Query: "cocoa"},
	"crude prices":     {Query: "crude prices"},
	`"interest rates"`: {Query: `"interest rates"`},
	"opec AND (output OR production) NOT saudi": {Query: "opec AND (output OR production) NOT saudi"},
	"bank, region Europe":                       {Query: "bank", Regions: []string{"Europe"}},
	"wheat, March 1987":                         {Query: "wheat", From: "1987-03-01", To: "1987-03-31"},
	"trade, Asia Pacific, April 1987":           {Query: "trade", Regions: []string{"Asia Pacific"}, From: "1987-04-01", To: "1987-04-30"},
	"export*":                                   {Query: "export*"},
}

// TestRelevance measures the two relevance figures ranking changes are held
// to, on the shared Reuters-21578 articles: the top 10 shared with SQLite
// FTS5's bm25() (its top 10s from the last make bench, bench/results.json),
// and the editors' topics test: each Reuters topic label's words as the
// query, its labelled articles as the relevant set, mean average precision
// at 100.
func TestRelevance(t *testing.T) {
	testenv.Shared(t, "corpus/reuters21578/articles.jsonl.gz") // skips without it, before the index is built
	s := NewSearcher(benchIndex(t))
	ctx := context.Background()

	raw, err := os.ReadFile(filepath.Join(testenv.Root(t), "bench", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Queries []struct {
			Engine  string `json:"engine"`
			Scale   int    `json:"scale"`
			Queries []struct {
				Name string   `json:"name"`
				Top  []string `json:"top"`
			} `json:"queries"`
		} `json:"queries"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	shared, n := 0, 0
	for _, e := range res.Queries {
		if e.Engine != "SQLite FTS5" || e.Scale != 1 {
			continue
		}
		for _, q := range e.Queries {
			r, ok := relevanceQueries[q.Name]
			if !ok {
				continue
			}
			r.Limit = 10
			r.Expand = true // FTS5 knows no stories: compare every item
			resp, err := s.Search(ctx, r)
			if err != nil {
				t.Fatalf("%s: %v", q.Name, err)
			}
			ref := map[string]bool{}
			for _, id := range q.Top {
				ref[id] = true
			}
			o := 0
			for _, h := range resp.Hits {
				if ref[h.ID] {
					o++
				}
			}
			t.Logf("FTS5 overlap %-45s %d/10", q.Name, o)
			shared += o
			n++
		}
	}
	if n == 0 {
		t.Fatal("bench/results.json holds no SQLite FTS5 top 10s at 1x")
	}
	avg := float64(shared) / float64(n)
	t.Logf("FTS5 top-10 overlap: %.1f of 10 over %d queries", avg, n)
	if avg < 6.3 {
		t.Errorf("FTS5 top-10 overlap %.1f dropped below 6.3 (mapping version 5)", avg)
	}

	// The editors' topics.
	relevant := map[string]map[string]bool{}
	type labelled struct {
		ID     string   `json:"id"`
		Topics []string `json:"topics"`
	}
	testenv.SharedJSONLines(t, "corpus/reuters21578/articles.jsonl.gz", func(a labelled) bool {
		for _, tp := range a.Topics {
			if relevant[tp] == nil {
				relevant[tp] = map[string]bool{}
			}
			relevant[tp][a.ID] = true
		}
		return true
	})
	topics := make([]string, 0, len(relevant))
	for tp := range relevant {
		topics = append(topics, tp)
	}
	sort.Strings(topics)
	for _, expand := range []bool{true, false} {
		sum := 0.0
		for _, tp := range topics {
			q := strings.NewReplacer("-", " ", "_", " ").Replace(tp)
			resp, err := s.Search(ctx, Request{Query: q, Limit: 100, Expand: expand})
			if err != nil {
				t.Fatalf("topic %s: %v", tp, err)
			}
			rel := relevant[tp]
			found, ap := 0, 0.0
			for i, h := range resp.Hits {
				if rel[h.ID] {
					found++
					ap += float64(found) / float64(i+1)
				}
			}
			ap /= float64(min(len(rel), 100))
			sum += ap
		}
		mapAt100 := sum / float64(len(topics))
		t.Logf("editors' topics: MAP@100 %.4f over %d topics (expand %v)", mapAt100, len(topics), expand)
	}
}

// TestStopWordDrift measures whether stop words in a query pull the ranking
// towards themselves: for title word pairs of the shared articles, the top
// 10 of "the w1 of w2" judged by the scores of "w1 w2": the sum of their
// "w1 w2" scores over the sum of the "w1 w2" top 10's (1 is no drift; items
// tied on the content words may trade places).
func TestStopWordDrift(t *testing.T) {
	s := NewSearcher(benchIndex(t))
	ctx := context.Background()
	r, err := s.Search(ctx, Request{Sort: SortOldest, Limit: 1000, Kind: "article"})
	if err != nil {
		t.Fatal(err)
	}
	ratio, same, n := 0.0, 0, 0
	for i, h := range r.Hits {
		if i%20 != 0 {
			continue
		}
		var ws []string
		for _, w := range strings.Fields(strings.ToLower(h.Title)) {
			if len(w) > 3 && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" {
				ws = append(ws, w)
			}
		}
		if len(ws) < 2 {
			continue
		}
		plain, err := s.Search(ctx, Request{Query: ws[0] + " " + ws[1], Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		with, err := s.Search(ctx, Request{Query: "the " + ws[0] + " of " + ws[1], Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		score := map[string]float64{}
		for _, h := range plain.Hits {
			score[h.ID] = h.Score
		}
		top, got := 0.0, 0.0
		for k, h := range plain.Hits {
			if k < 10 {
				top += h.Score
			}
		}
		for k, h := range with.Hits {
			got += score[h.ID]
			if k < len(plain.Hits) && h.ID == plain.Hits[k].ID {
				same++
			}
		}
		if top > 0 {
			ratio += got / top
			n++
		}
	}
	avg := ratio / float64(max(n, 1))
	t.Logf("stop words added to %d two-word queries: the top 10 keeps %.3f of the content words' score; %.1f of 10 in the same place", n, avg, float64(same)/float64(max(n, 1)))
	if avg < 0.99 {
		t.Errorf("stop words pull the ranking: %.3f of the score kept", avg)
	}
}
