package query

import (
	"context"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"

	"newsdex/internal/schema"
)

// TestFiltersAsSetsMatchClauses: a query within filters answered from the
// filters' sets of document numbers finds the items, with the scores, that
// bleve's filter clauses find: region, source and kind filters (several
// regions are any of them), date ranges, each alone and together, with a
// query and without, over the fixture and the shared articles.
func TestFiltersAsSetsMatchClauses(t *testing.T) {
	for _, c := range []struct {
		name string
		idx  bleve.Index
	}{
		{"fixture", newIndex(t, fixture)},
		{"corpus", benchIndex(t)},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := NewSearcher(c.idx)
			word := func(w string) bq.Query { return Compile(&Term{Text: w}) }
			march := dateRange{from: day("1987-03-01"), to: day("1987-04-01").Add(-time.Nanosecond), dates: s.dates}
			region := func(rs ...string) bq.Query { return termFilter{field: schema.FieldRegion, terms: rs, sets: s.terms} }
			kind := termFilter{field: schema.FieldKind, terms: []string{"article"}, sets: s.terms}
			source := termFilter{field: schema.FieldSource, terms: []string{"reuters"}, sets: s.terms}
			// The date table is built on the second date filter of a snapshot.
			for range 2 {
				if _, err := c.idx.Search(bleve.NewSearchRequest(within{q: word("oil"), filters: []bq.Query{march}})); err != nil {
					t.Fatal(err)
				}
			}
			cases := []within{
				{q: word("oil"), filters: []bq.Query{region("europe")}},
				{q: word("oil"), filters: []bq.Query{region("europe", "americas")}},
				{q: word("bank"), filters: []bq.Query{region("europe"), march}},
				{q: word("trade"), filters: []bq.Query{region("asia pacific"), kind, march}},
				{q: word("rates"), filters: []bq.Query{source, region("nowhere")}},
				{filters: []bq.Query{region("europe")}},
				{filters: []bq.Query{march, region("americas", "europe")}},
				{filters: []bq.Query{kind, source}},
			}
			checked := 0
			for i, w := range cases {
				if _, ok, err := w.set(context.Background(), reader(t, c.idx)); err != nil || !ok {
					t.Fatalf("case %d: no sets (%v)", i, err)
				}
				want, got := scoresOf(t, c.idx, w.clauses()), scoresOf(t, c.idx, w)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("case %d: hits and scores (-clauses +sets):\n%s", i, diff)
				}
				if len(want) > 0 {
					checked++
				}
			}
			if checked < len(cases)/2 {
				t.Errorf("only %d of %d cases match anything", checked, len(cases))
			}
		})
	}
}

// reader is idx's current snapshot, closed with the test.
func reader(t *testing.T, idx bleve.Index) index.IndexReader {
	t.Helper()
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}
