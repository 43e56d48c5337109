package query

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"newsdex/internal/item"
	"newsdex/internal/schema"
)

// storySizes sets the StorySize of the hits: one search counts the items of
// their stories by a facet on story_id.
func (s *Searcher) storySizes(ctx context.Context, hits []Hit) error {
	ids := map[string]bool{}
	var qs []bq.Query
	for _, h := range hits {
		if h.StoryID != "" && !ids[h.StoryID] {
			ids[h.StoryID] = true
			t := bleve.NewTermQuery(h.StoryID)
			t.SetField(schema.FieldStoryID)
			qs = append(qs, t)
		}
	}
	if len(qs) == 0 {
		return nil
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), 0, 0, false)
	req.Score = "none"
	req.AddFacet(schema.FieldStoryID, bleve.NewFacetRequest(schema.FieldStoryID, len(qs)))
	res, err := s.idx.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("search: story sizes: %w", err)
	}
	size := map[string]int{}
	if fr := res.Facets[schema.FieldStoryID]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			size[t.Term] = t.Count
		}
	}
	for i := range hits {
		hits[i].StorySize = size[hits[i].StoryID]
	}
	return nil
}

// MaxStoryItems bounds the items a story's timeline lists.
const MaxStoryItems = 1000

// StoryItem is one item of a story's timeline.
type StoryItem struct {
	ID     string    `json:"id"`
	Date   time.Time `json:"date"`
	Source string    `json:"source,omitempty"`
	Kind   item.Kind `json:"kind"`
	Title  string    `json:"title"`
	Region string    `json:"region,omitempty"`
	Pages  int       `json:"pages,omitempty"`
}

// Story is a story's timeline: its items, oldest first.
type Story struct {
	ID    string      `json:"story_id"`
	Size  int         `json:"story_size"`
	Items []StoryItem `json:"items"`
}

// Story returns the story with this id, or ErrNotFound.
func (s *Searcher) Story(ctx context.Context, id string) (*Story, error) {
	if id == "" {
		return nil, ErrNotFound
	}
	t := bleve.NewTermQuery(id)
	t.SetField(schema.FieldStoryID)
	req := bleve.NewSearchRequestOptions(t, MaxStoryItems, 0, false)
	req.Fields = []string{schema.FieldKind, schema.FieldTitle, schema.FieldDate, schema.FieldSource,
		schema.FieldRegion, schema.FieldPages, schema.FieldStoryID}
	req.SortByCustom(sortOrder(SortOldest))
	res, err := s.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("story: %w", err)
	}
	if len(res.Hits) == 0 {
		return nil, ErrNotFound
	}
	st := &Story{ID: id, Size: int(res.Total)}
	for _, h := range res.Hits {
		it := schema.FromFields(h.ID, h.Fields)
		st.Items = append(st.Items, StoryItem{ID: it.ID, Date: it.Date, Source: it.Source, Kind: it.Kind,
			Title: it.Title, Region: it.Region, Pages: it.Pages})
	}
	sort.SliceStable(st.Items, func(i, j int) bool {
		a, b := st.Items[i], st.Items[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.Before(b.Date)
		}
		return a.ID < b.ID
	})
	return st, nil
}
