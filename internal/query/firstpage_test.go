package query

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/google/go-cmp/cmp"

	"newsdex/internal/item"
	"newsdex/internal/schema"
)

// tieFixture holds 4 items that score the same for "oil", above 25 that
// score the same below them (one "oil" in a two-word title, one distinct
// other word: the same length and frequencies). Their ids run against
// their order in the index, so that an order by index position is not an
// order by id.
func tieFixture() (items []item.Item, high, low []string) {
	for i := range 4 {
		id := fmt.Sprintf("high%02d", 3-i)
		items = append(items, item.Item{ID: id, Kind: item.Article, Title: "Oil oil", Body: "Traders met."})
		high = append(high, id)
	}
	for i := range 25 {
		id := fmt.Sprintf("low%02d", 24-i)
		items = append(items, item.Item{ID: id, Kind: item.Article, Title: fmt.Sprintf("Oil w%02d", i), Body: "Traders met."})
		low = append(low, id)
	}
	items = append(items, item.Item{ID: "other", Kind: item.Article, Title: "Wheat", Body: "Farmers met."})
	slices.Sort(high)
	slices.Sort(low)
	return items, high, low
}

// TestFirstPageOrdersTiesByID: the first page by relevance (sorted by
// score alone, then by id on the page) holds the items, in the order, that
// a sort by score and id gives, whether or not the page's last hit ties
// with the next; pages by cursor and by number then follow on.
func TestFirstPageOrdersTiesByID(t *testing.T) {
	items, high, low := tieFixture()
	s := NewSearcher(newIndex(t, items))
	ctx := context.Background()
	want := append(slices.Clone(high), low...)

	all, err := s.Search(ctx, Request{Query: "oil", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(all); !slices.Equal(got, want) {
		t.Fatalf("all hits %v, want %v", got, want)
	}
	for i, h := range all.Hits {
		group := all.Hits[:len(high)]
		if i >= len(high) {
			group = all.Hits[len(high):]
		}
		if h.Score != group[0].Score {
			t.Fatalf("%s scores %v, %s %v: the fixture no longer ties", h.ID, h.Score, group[0].ID, group[0].Score)
		}
	}
	if all.Hits[0].Score == all.Hits[len(high)].Score {
		t.Fatal("the two groups score the same: the fixture no longer has a page end between scores")
	}

	for _, limit := range []int{1, 3, 4, 5, 10, 29} { // ties at the page's end, and not (4, 29)
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			checkPages(t, s, Request{Query: "oil", Limit: limit}, want)
		})
	}
}

// checkPages walks the pages of req, by cursor and by number, and checks
// that they hold want, in order.
func checkPages(t *testing.T, s *Searcher, req Request, want []string) {
	t.Helper()
	ctx := context.Background()
	var byCursor []string
	next := req
	for range 40 {
		r, err := s.Search(ctx, next)
		if err != nil {
			t.Fatal(err)
		}
		byCursor = append(byCursor, ids(r)...)
		if r.Next == "" {
			break
		}
		next.After = r.Next
	}
	if !slices.Equal(byCursor, want) {
		t.Errorf("pages by cursor %v, want %v", byCursor, want)
	}
	var byNumber []string
	for page := 1; len(byNumber) < len(want) && page <= 40; page++ {
		numbered := req
		numbered.Page = page
		r, err := s.Search(ctx, numbered)
		if err != nil {
			t.Fatal(err)
		}
		byNumber = append(byNumber, ids(r)...)
	}
	if !slices.Equal(byNumber, want) {
		t.Errorf("pages by number %v, want %v", byNumber, want)
	}
}

// TestFirstPageOnCorpus: on the shared articles, the first page of each
// query is the beginning of a longer first page, and the page after it by
// cursor goes on from there.
func TestFirstPageOnCorpus(t *testing.T) {
	s := NewSearcher(benchIndex(t))
	ctx := context.Background()
	for _, q := range []string{"oil", "cocoa", "crude prices", `"interest rates"`, "export*", "bank", "said", "the", "reuter"} {
		t.Run(q, func(t *testing.T) {
			long, err := s.Search(ctx, Request{Query: q, Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			if len(long.Hits) < 20 {
				t.Fatalf("%d hits: not a useful case", len(long.Hits))
			}
			first, err := s.Search(ctx, Request{Query: q, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			second, err := s.Search(ctx, Request{Query: q, Limit: 10, After: first.Next})
			if err != nil {
				t.Fatal(err)
			}
			want := ids(long)[:20]
			if got := append(ids(first), ids(second)...); !slices.Equal(got, want) {
				t.Errorf("pages 1 and 2 %v, want %v", got, want)
			}
			for i := range first.Hits {
				if first.Hits[i].Score != long.Hits[i].Score {
					t.Errorf("hit %d scores %v, in the longer page %v", i, first.Hits[i].Score, long.Hits[i].Score)
				}
			}
		})
	}
}

// TestFirstPageByDateOrdersTiesByID: the same for pages sorted by date,
// where items of one date tie (a day's teasers), and items without a date
// come last.
func TestFirstPageByDateOrdersTiesByID(t *testing.T) {
	var items []item.Item
	days := []string{"1987-03-01T00:00:00Z", "1987-03-02T00:00:00Z", "1987-03-03T00:00:00Z"}
	byDay := map[string][]string{}
	for i := range 30 {
		id := fmt.Sprintf("i%02d", (i*7)%30) // ids out of the index's order
		d := days[i%3]
		items = append(items, item.Item{ID: id, Kind: item.Article, Title: "Oil report", Date: day(d)})
		byDay[d] = append(byDay[d], id)
	}
	var undated []string
	for i := range 3 {
		id := fmt.Sprintf("u%d", 2-i)
		items = append(items, item.Item{ID: id, Kind: item.Article, Title: "Oil report"})
		undated = append(undated, id)
	}
	slices.Sort(undated)
	for _, d := range days {
		slices.Sort(byDay[d])
	}
	s := NewSearcher(newIndex(t, items))
	for _, c := range []struct {
		sort string
		days []string
	}{
		{SortNewest, []string{days[2], days[1], days[0]}},
		{SortOldest, days},
	} {
		var want []string
		for _, d := range c.days {
			want = append(want, byDay[d]...)
		}
		want = append(want, undated...)
		for _, q := range []string{"", "oil"} {
			for _, limit := range []int{1, 4, 10, 11, 29, 31, 33} {
				t.Run(fmt.Sprintf("%s/%q/%d", c.sort, q, limit), func(t *testing.T) {
					checkPages(t, s, Request{Query: q, Sort: c.sort, Limit: limit}, want)
				})
			}
		}
	}
}

// TestLoadFieldsMatchesBleve: the hits' stored fields as loadFields loads
// them are those bleve's own loading gives, for the fixture's items (every
// kind of field) and the shared articles' first hits.
func TestLoadFieldsMatchesBleve(t *testing.T) {
	for _, c := range []struct {
		name string
		s    *Searcher
	}{
		{"fixture", fixtureSearcher(t)},
		{"numbers", NewSearcher(newIndex(t, []item.Item{{ID: "n", Kind: item.Teaser, Title: "Grain", Date: day("1987-03-02T10:30:00Z"),
			ReadMinutes: 3, Pages: 2, Byline: "By A", URL: "https://example.com/a", File: "a.txt", Source: "Reuters"}}))},
		{"corpus", NewSearcher(benchIndex(t))},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 200, 0, false)
			req.Fields = hitFields
			res, err := c.s.idx.Search(req)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				t.Fatal("no hits")
			}
			// The hits as the search gives them (loaded from their
			// numbers), without a number, and with another hit's number
			// (as from a snapshot other than the search's): loaded by id.
			var ours, unnumbered, misnumbered search.DocumentMatchCollection
			for i, h := range res.Hits {
				other := res.Hits[(i+1)%len(res.Hits)].IndexInternalID
				ours = append(ours, &search.DocumentMatch{ID: h.ID, IndexInternalID: h.IndexInternalID})
				unnumbered = append(unnumbered, &search.DocumentMatch{ID: h.ID})
				misnumbered = append(misnumbered, &search.DocumentMatch{ID: h.ID, IndexInternalID: other})
			}
			docs, done := c.s.openStored()
			for i, h := range res.Hits {
				if !docs.load(&search.DocumentMatch{ID: h.ID, IndexInternalID: h.IndexInternalID}) {
					t.Errorf("%s: not loaded by its number", h.ID)
				}
				if other := misnumbered[i]; len(res.Hits) > 1 && docs.load(&search.DocumentMatch{ID: other.ID, IndexInternalID: other.IndexInternalID}) {
					t.Errorf("%s: loaded from another's number", h.ID)
				}
			}
			done()
			for _, hs := range []search.DocumentMatchCollection{ours, unnumbered, misnumbered} {
				if err := c.s.loadFields(hs); err != nil {
					t.Fatal(err)
				}
			}
			dated := 0
			for i, h := range res.Hits {
				if diff := cmp.Diff(h.Fields, ours[i].Fields); diff != "" {
					t.Errorf("%s: fields (-bleve +loadFields):\n%s", h.ID, diff)
				}
				if diff := cmp.Diff(h.Fields, unnumbered[i].Fields); diff != "" {
					t.Errorf("%s without its number: fields (-bleve +loadFields):\n%s", h.ID, diff)
				}
				if len(res.Hits) > 1 {
					if diff := cmp.Diff(h.Fields, misnumbered[i].Fields); diff != "" {
						t.Errorf("%s with another's number: fields (-bleve +loadFields):\n%s", h.ID, diff)
					}
				}
				if _, ok := h.Fields[schema.FieldDate]; ok {
					dated++
				}
				if c.name == "numbers" && (h.Fields[schema.FieldReadMinutes] != 3.0 || h.Fields[schema.FieldPages] != 2.0) {
					t.Errorf("%s: read_minutes %v, pages %v; want 3 and 2", h.ID, h.Fields[schema.FieldReadMinutes], h.Fields[schema.FieldPages])
				}
			}
			if dated == 0 {
				t.Error("no hit has a date: the case does not check dates")
			}
		})
	}
}
