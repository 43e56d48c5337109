package query

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/google/go-cmp/cmp"

	"newsdex/internal/item"
	"newsdex/internal/schema"
	"newsdex/internal/story"
)

// storyIndex indexes items as index build does with stories: every item's
// story id, story_member on all but each story's first item.
func storyIndex(t *testing.T, items []item.Item) bleve.Index {
	t.Helper()
	idx := newIndex(t, nil)
	b := idx.NewBatch()
	seen := map[string]bool{}
	for i := range items {
		it := &items[i]
		if err := b.Index(it.ID, schema.StoryDocument(it, &story.Features{}, seen[it.StoryID])); err != nil {
			t.Fatal(err)
		}
		seen[it.StoryID] = true
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	return idx
}

// TestCollapseAndStorySizes: a collapsed search answers one hit per story,
// with or without a query and a date range, and each hit's story_size
// counts the story's items, an item indexed again counted once; the term
// counts agree with the facet they replace.
func TestCollapseAndStorySizes(t *testing.T) {
	at := day("1987-03-02T10:00:00Z")
	var items []item.Item
	add := func(id, st, title string, days int) {
		items = append(items, item.Item{ID: id, Kind: item.Article, Title: title, Body: title,
			Date: at.AddDate(0, 0, days), StoryID: st})
	}
	add("a1", "sa", "Cocoa prices rise", 0)
	add("a2", "sa", "Cocoa prices rise again", 0)
	add("a3", "sa", "Cocoa prices rise once more", 1)
	add("b1", "sb", "Wheat harvest falls", 1)
	add("b2", "sb", "Wheat harvest falls short", 1)
	add("c1", "sc", "Cocoa talks in London", 5)
	idx := storyIndex(t, items)
	// a2 indexed again: its old document is deleted, not counted.
	b := idx.NewBatch()
	if err := b.Index("a2", schema.StoryDocument(&items[1], &story.Features{}, true)); err != nil {
		t.Fatal(err)
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	s := NewSearcher(idx)
	size := map[string]int{"sa": 3, "sb": 2, "sc": 1}
	for _, tc := range []struct {
		name  string
		req   Request
		total uint64 // stories
		items uint64 // with expand=true
	}{
		{"everything", Request{}, 3, 6},
		{"a query", Request{Query: "cocoa"}, 2, 4},
		{"a date range alone", Request{From: "1987-03-02", To: "1987-03-03"}, 2, 5},
		{"a date range alone, count only", Request{From: "1987-03-02", To: "1987-03-03", CountOnly: true}, 2, 5},
		{"a query and a date range", Request{Query: "cocoa", From: "1987-03-02", To: "1987-03-02"}, 1, 2},
		{"a query, count only", Request{Query: "cocoa", CountOnly: true}, 2, 4},
		{"sorted oldest", Request{Query: "cocoa OR wheat", Sort: SortOldest}, 3, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := mustSearch(t, s, tc.req)
			x := tc.req
			x.Expand = true
			all := mustSearch(t, s, x)
			if resp.Total != tc.total || all.Total != tc.items {
				t.Errorf("total %d stories, %d items; want %d, %d", resp.Total, all.Total, tc.total, tc.items)
			}
			seen := map[string]bool{}
			for _, h := range resp.Hits {
				if seen[h.StoryID] {
					t.Errorf("two hits of story %s", h.StoryID)
				}
				seen[h.StoryID] = true
			}
			if tc.req.CountOnly {
				// The second count-only search of a snapshot skips the
				// members by its bitmap.
				if again := mustSearch(t, s, tc.req); again.Total != tc.total || len(s.members.entries) != 1 || s.members.entries[0].v == nil {
					t.Errorf("count only again: total %d, want %d (member sets %d)", again.Total, tc.total, len(s.members.entries))
				}
			}
			if !tc.req.CountOnly && len(resp.Hits) != int(tc.total) {
				t.Errorf("%d hits, want %d", len(resp.Hits), tc.total)
			}
			for _, hs := range [][]Hit{resp.Hits, all.Hits} {
				for _, h := range hs {
					if h.StorySize != size[h.StoryID] {
						t.Errorf("hit %s: story_size %d, want %d", h.ID, h.StorySize, size[h.StoryID])
					}
				}
				byFacet := append([]Hit(nil), hs...)
				if err := s.storySizesByFacet(context.Background(), byFacet); err != nil {
					t.Fatal(err)
				}
				for i := range hs {
					if byFacet[i].StorySize != hs[i].StorySize {
						t.Errorf("hit %s: story_size %d by terms, %d by facet", hs[i].ID, hs[i].StorySize, byFacet[i].StorySize)
					}
				}
			}
		})
	}
}

// TestFacetTableMatchesBleve: the facets counted from the facet table equal
// bleve's terms facet over the same request, on an index of several
// segments with items indexed again and deleted, collapsed and expanded;
// the table is built once per snapshot and again after a change.
func TestFacetTableMatchesBleve(t *testing.T) {
	idx := newIndex(t, nil)
	var items []item.Item
	for i := range 60 {
		st := fmt.Sprintf("s%d", i/3)
		it := item.Item{ID: fmt.Sprintf("i%02d", i), Kind: item.Article, StoryID: st,
			Date: day("1987-01-05").AddDate(0, i%7, i), Title: fmt.Sprintf("oil report %d", i), Body: "oil and wheat"}
		if i%4 == 0 {
			it.Kind, it.Body, it.Summary = item.Teaser, "", "wheat"
		}
		if i%5 != 0 {
			it.Region = []string{"Europe", "Americas", "Asia Pacific"}[i%3]
		}
		if i%2 == 0 {
			it.Source = []string{"Reuters", "AP"}[i%4/2]
		}
		items = append(items, it)
	}
	// Three batches, three segments; then some items indexed again, one deleted.
	for start := 0; start < len(items); start += 20 {
		b := idx.NewBatch()
		for i := start; i < start+20; i++ {
			member := i%3 != 0 // the first of each story of three represents it
			if err := b.Index(items[i].ID, schema.StoryDocument(&items[i], &story.Features{}, member)); err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	s := NewSearcher(idx)
	check := func(when string) {
		t.Helper()
		for _, r := range []Request{
			{}, {Query: "oil"}, {Query: "wheat", Regions: []string{"Europe"}}, {From: "1987-03-01", To: "1987-05-31"},
			{Query: "oil", CountOnly: true}, {Query: "oil", Sort: SortOldest, Limit: 3, Page: 2}, {Query: "zebra"},
		} {
			for _, expand := range []bool{false, true} {
				r.Expand, r.Facets = expand, FacetNames()
				got := mustSearch(t, s, r)
				p, err := r.plan(time.Now())
				if err != nil {
					t.Fatal(err)
				}
				res, err := idx.Search(bleveRequest(p))
				if err != nil {
					t.Fatal(err)
				}
				want := facets(bleveFacetCounts(res.Facets), p.facets)
				if diff := cmp.Diff(want, got.Facets); diff != "" {
					t.Errorf("%s, %+v: facets (-bleve +table):\n%s", when, r, diff)
				}
				if got.Total != res.Total {
					t.Errorf("%s, %+v: total %d, bleve %d", when, r, got.Total, res.Total)
				}
			}
		}
	}
	check("three segments") // the first search by bleve's facet, the others by the table
	if n := len(s.tables.entries); n != 1 || s.tables.entries[0].v == nil {
		t.Errorf("%d tables after searches of one snapshot, want 1", n)
	}
	b := idx.NewBatch()
	for _, i := range []int{3, 17, 41} {
		items[i].Region = "Middle East"
		if err := b.Index(items[i].ID, schema.StoryDocument(&items[i], &story.Features{}, false)); err != nil {
			t.Fatal(err)
		}
	}
	b.Delete(items[25].ID)
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	check("items indexed again and deleted")
	if n := len(s.tables.entries); n != 2 || s.tables.entries[1].v == nil {
		t.Errorf("%d tables after a change, want 2", n)
	}
}
