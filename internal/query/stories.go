package query

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"newsdex/internal/item"
	"newsdex/internal/schema"
)

// storySizes sets the StorySize of the hits: the number of items holding
// each story's id, read from the index's term dictionary (a posting list's
// count, deleted items left out), not a second search. An index without
// that access (an alias of several) counts by a facet on story_id instead.
func (s *Searcher) storySizes(ctx context.Context, hits []Hit) error {
	ix, err := s.idx.Advanced()
	if err != nil {
		return s.storySizesByFacet(ctx, hits)
	}
	r, err := ix.Reader()
	if err != nil {
		return fmt.Errorf("search: story sizes: %w", err)
	}
	defer r.Close()
	size := map[string]int{}
	for i := range hits {
		id := hits[i].StoryID
		if id == "" {
			continue
		}
		n, ok := size[id]
		if !ok {
			tfr, err := r.TermFieldReader(ctx, []byte(id), schema.FieldStoryID, false, false, false)
			if err != nil {
				return fmt.Errorf("search: story sizes: %w", err)
			}
			n = int(tfr.Count())
			tfr.Close()
			size[id] = n
		}
		hits[i].StorySize = n
	}
	return nil
}

// storySizesByFacet is storySizes by one search that counts the items of
// the hits' stories by a facet on story_id.
func (s *Searcher) storySizesByFacet(ctx context.Context, hits []Hit) error {
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

// collapse is the query of one hit per story: q (nil: every item) without
// the items that carry story_member. The exclusion is unscored: bleve then
// reads its postings without term frequencies and norms, which is what a
// must_not of story_member (15 of 16 items at 16x) costs most when scored.
func collapse(q bq.Query) bq.Query {
	m := bleve.NewTermQuery(schema.MemberValue)
	m.SetField(schema.FieldStoryMember)
	b := bleve.NewBooleanQuery()
	if q == nil {
		q = bleve.NewMatchAllQuery()
	}
	b.AddMust(q)
	b.AddMustNot(unscored{m})
	return b
}

// unscored is a query whose searcher does not score: its matches count, not
// their scores (a must_not clause, a filter).
type unscored struct{ q bq.Query }

func (u unscored) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	options.Score = "none"
	options.Explain = false
	options.IncludeTermVectors = false
	return u.q.Searcher(ctx, i, m, options)
}

// A count-only search collapsed to stories skips the members by a bitmap of
// the items that carry story_member, built once per index snapshot from its
// posting list (as the facet table, facets.go), instead of the must_not
// clause, which walks the members' postings to skip them one by one.
// Count-only only: a wrapper would not score as the must_not's boolean
// query scores, and paged searches' cursors hold scores.

// memberSet is the story_member items of one index snapshot, by number.
type memberSet []uint64

func (m memberSet) has(id index.IndexInternalID) bool { return inSet(m, id) }

func buildMemberSet(ctx context.Context, r index.IndexReader) (memberSet, bool, error) {
	set, ok, err := docSet(ctx, r, schema.FieldStoryMember, schema.MemberValue)
	return set, ok, wrapErr(err, "story members")
}

// membersReady reports whether the index's current snapshot has (or, from
// its second count-only search, will have) a member set.
func (s *Searcher) membersReady(ctx context.Context) (bool, error) {
	ix, err := s.idx.Advanced()
	if err != nil {
		return false, nil
	}
	r, err := ix.Reader()
	if err != nil {
		return false, fmt.Errorf("story members: %w", err)
	}
	defer r.Close()
	_, ok, err := s.members.get(ctx, r, true)
	return ok, err
}

// withoutMembers is q less the items that carry story_member.
type withoutMembers struct {
	q bq.Query
	s *snapshotCache[memberSet]
}

func (w withoutMembers) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	set, ok, err := w.s.get(ctx, i, false)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("story members: the index's documents are not numbered as expected")
	}
	inner, err := w.q.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	return &skipMembers{Searcher: inner, m: set}, nil
}

// skipMembers passes on the matches of its searcher that are not members.
type skipMembers struct {
	search.Searcher
	m memberSet
}

func (s *skipMembers) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		d, err := s.Searcher.Next(ctx)
		if err != nil || d == nil || !s.m.has(d.IndexInternalID) {
			return d, err
		}
		ctx.DocumentMatchPool.Put(d)
	}
}

func (s *skipMembers) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if err != nil || d == nil || !s.m.has(d.IndexInternalID) {
		return d, err
	}
	ctx.DocumentMatchPool.Put(d)
	return s.Next(ctx)
}
