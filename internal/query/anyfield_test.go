package query

import (
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"

	"newsdex/internal/schema"
)

// TestAnyFieldRanksAsDisjunction: a word's disjunction over the text fields
// without the fields that do not hold it matches the items bleve's
// disjunction of all the fields matches, with scores in one ratio to
// bleve's (the query norm), so in the same order. The fixture's words are
// in every mix of fields: title and body only (crude), the caption too
// (oil), the caption alone (platform), the summary too (exporters), none
// (nowhere); words held by different numbers of fields, ORed, fail unless
// each word's scores are scaled by the share of its fields kept.
func TestAnyFieldRanksAsDisjunction(t *testing.T) {
	idx := newIndex(t, fixture)
	word := func(w string, any bool) bq.Query {
		var qs []bq.Query
		for _, tf := range schema.TextFields() {
			q := bleve.NewTermQuery(schema.Stem(w))
			q.SetField(tf.Name)
			q.SetBoost(tf.Boost)
			qs = append(qs, q)
		}
		if any {
			return newAnyField(qs...)
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	for _, words := range [][]string{{"oil"}, {"rates"}, {"exporters"}, {"nowhere"}, {"oil", "exporters"}, {"crude", "prices"}, {"bank", "rates"}, {"crude", "oil"}, {"platform", "oil"}} {
		t.Run(words[0], func(t *testing.T) {
			run := func(any bool) map[string]float64 {
				var qs []bq.Query
				for _, w := range words {
					qs = append(qs, word(w, any))
				}
				q := qs[0]
				if len(qs) > 1 {
					q = bleve.NewDisjunctionQuery(qs...) // OR: items with one word score apart from those with both
				}
				return scoresOf(t, idx, q)
			}
			want, got := run(false), run(true)
			wantIDs, gotIDs := keys(want), keys(got)
			if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
				t.Fatalf("matches (-disjunction +anyField):\n%s", diff)
			}
			if words[0] != "nowhere" && len(want) == 0 {
				t.Fatal("no match: the case checks nothing")
			}
			ratio := 0.0
			for id, w := range want {
				r := got[id] / w
				if ratio == 0 {
					ratio = r
				}
				if math.Abs(r-ratio) > 1e-9*ratio {
					t.Errorf("%s: score %g against %g, ratio %g where the others' is %g", id, got[id], w, r, ratio)
				}
			}
		})
	}
}

// scoresOf searches idx for q and returns every hit's score by id.
func scoresOf(t *testing.T, idx bleve.Index, q bq.Query) map[string]float64 {
	t.Helper()
	res, err := idx.Search(bleve.NewSearchRequestOptions(q, 100000, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, h := range res.Hits {
		out[h.ID] = h.Score
	}
	return out
}

func keys(m map[string]float64) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}
