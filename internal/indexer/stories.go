package indexer

import (
	"context"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"newsdex/internal/input"
	"newsdex/internal/item"
	"newsdex/internal/schema"
	"newsdex/internal/story"
)

// Stories. Every item gets a story id (package story decides). Articles are
// written as they stream in, each under a story of its own (or the id it
// came with, as index export writes it); teasers, and in index add the
// stored teasers relinked to a new article, wait in pending. At the end the
// run's items, and in index add the stored items sharing a story key with
// them (under their stored story ids, which are kept), are grouped; pending
// items are written with their stories, and the articles whose story or
// representative turned out otherwise are rewritten from their stored
// fields. Each story has one representative (story.Better than its other
// items); the others carry story_member, which a collapsed search leaves out.

// pendingDoc is an item waiting for its story.
type pendingDoc struct {
	it   item.Item
	keys []string // a teaser's page keys
}

// maxCandidates bounds the stored items one new item is compared with.
const maxCandidates = 1000

func (r *runner) later(it item.Item, keys []string) {
	if r.pendingIDs == nil {
		r.pendingIDs = map[string]bool{}
	}
	r.pendingIDs[it.ID] = true
	r.pending = append(r.pending, pendingDoc{it, keys})
}

func (r *runner) isPending(id string) bool { return r.pendingIDs[id] }

// runItem reports whether this run writes the item with id.
func (r *runner) runItem(id string) bool {
	if r.pendingIDs[id] {
		return true
	}
	_, ok := r.articles[idHash(id)]
	return ok
}

// writeStories groups the run's items into stories and writes what waits
// for them.
func (r *runner) writeStories() error {
	if r.final != nil || (!r.add && r.idx == nil) {
		return r.writeFinal()
	}
	feats := make([]story.Features, len(r.pending))
	for i := range r.pending {
		it := &r.pending[i].it
		feats[i] = story.Of(it)
		given := it.StoryID
		if it.Kind == item.Teaser && !r.add {
			given = "" // a teaser follows its article; export writes the same id for both
		}
		r.group.Add(feats[i], given)
	}
	var stored map[string]bool
	if r.add {
		var err error
		if stored, err = r.addCandidates(feats); err != nil {
			return err
		}
	}
	stories, of := r.group.Stories()
	best := make(map[string]string, len(stories))
	for _, s := range stories {
		best[s.ID] = s.Best
	}
	for i := range r.pending {
		p := &r.pending[i]
		p.it.StoryID = of[p.it.ID]
		member := best[p.it.StoryID] != p.it.ID
		if err := r.index(p.it.ID, teaserDoc(&p.it, &feats[i], member, p.keys), len(p.it.Title)+len(p.it.Summary)); err != nil {
			return err
		}
	}
	r.pending = nil
	// Every article written so far is searchable before any is rewritten.
	if err := r.flush(); err != nil {
		return err
	}
	if err := r.drain(); err != nil {
		return err
	}
	r.startWorker()
	// Articles written under a story of their own that belong to another,
	// or that are not their story's representative, and stored items that
	// stop being one.
	for _, s := range stories {
		if len(s.Items) == 1 && (stored == nil || !stored[s.Items[0]]) {
			continue // a story of one article written as it is
		}
		for _, id := range s.Items {
			member := s.Best != id
			switch {
			case stored[id]:
				if member && r.add {
					if err := r.restory(id, s.ID, true, true); err != nil {
						return err
					}
				}
			case r.pendingIDs[id]:
			default: // an article of this run
				prov := r.given[id]
				if prov == "" {
					prov = story.ID(id)
				}
				if prov != s.ID || member {
					if err := r.restory(id, s.ID, member, false); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// restory rewrites the indexed item id under story sid. With onlyIfRep it
// does so only when the item is now its story's representative (a stored
// item that a new one replaces as representative).
func (r *runner) restory(id, sid string, member, onlyIfRep bool) error {
	it, keys, found, err := r.stored(id)
	if err != nil || !found {
		return err
	}
	if onlyIfRep {
		isRep, err := r.isRepresentative(id)
		if err != nil || !isRep {
			return err
		}
	}
	it.StoryID = sid
	f := story.Of(&it)
	return r.index(id, teaserDoc(&it, &f, member, keys), len(it.Title)+len(it.Body)+len(it.Summary))
}

// isRepresentative reports whether the indexed item id has no story_member.
func (r *runner) isRepresentative(id string) (bool, error) {
	mq := bleve.NewTermQuery(schema.MemberValue)
	mq.SetField(schema.FieldStoryMember)
	q := bleve.NewConjunctionQuery(query.NewDocIDQuery([]string{id}), mq)
	res, err := r.idx.SearchInContext(r.ctx, bleve.NewSearchRequestOptions(q, 0, 0, false))
	if err != nil {
		return false, err
	}
	return res.Total == 0, nil
}

// addCandidates adds to the grouper, under their stored story ids, the
// stored items that share a story key with an item of this run and are
// within story.Window of it, and the other stored items of their stories
// (so that each story's representative is chosen among all its items). It
// returns the ids it added.
func (r *runner) addCandidates(pending []story.Features) (map[string]bool, error) {
	if err := r.flush(); err != nil { // this run's articles are searchable
		return nil, err
	}
	if err := r.drain(); err != nil {
		return nil, err
	}
	r.startWorker()
	stored := map[string]bool{}
	sids := map[string]bool{}
	add := func(hits []*searchHit) {
		for _, h := range hits {
			if stored[h.id] || r.runItem(h.id) {
				continue
			}
			stored[h.id] = true
			f, sid := schema.StoryFeatures(h.id, h.fields)
			if sid == "" {
				sid = story.ID(h.id)
			}
			sids[sid] = true
			r.group.Add(f, sid)
		}
	}
	look := func(f *story.Features) error {
		keys := f.Keys()
		if len(keys) == 0 {
			return nil
		}
		qs := make([]query.Query, len(keys))
		for i, k := range keys {
			t := bleve.NewTermQuery(k)
			t.SetField(schema.FieldStoryKeys)
			qs[i] = t
		}
		var q query.Query = bleve.NewDisjunctionQuery(qs...)
		if !f.Date.IsZero() {
			start, end := f.Date.Add(-story.Window), f.Date.Add(story.Window)
			dq := bleve.NewDateRangeQuery(start, end)
			dq.SetField(schema.FieldDate)
			q = bleve.NewConjunctionQuery(q, dq)
		}
		hits, err := r.search(q, maxCandidates)
		if err != nil {
			return err
		}
		add(hits)
		return nil
	}
	// The run's articles are in the grouper already; their features are
	// rebuilt from the index, which holds them now.
	for _, a := range r.added {
		hits, err := r.search(query.NewDocIDQuery([]string{a.id}), 1)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			f, _ := schema.StoryFeatures(h.id, h.fields)
			if err := look(&f); err != nil {
				return nil, err
			}
		}
	}
	for i := range pending {
		if err := look(&pending[i]); err != nil {
			return nil, err
		}
	}
	for sid := range sids {
		t := bleve.NewTermQuery(sid)
		t.SetField(schema.FieldStoryID)
		hits, err := r.search(t, maxCandidates)
		if err != nil {
			return nil, err
		}
		add(hits)
	}
	return stored, nil
}

type searchHit struct {
	id     string
	fields map[string]any
}

func (r *runner) search(q query.Query, size int) ([]*searchHit, error) {
	req := bleve.NewSearchRequestOptions(q, size, 0, false)
	req.Fields = schema.StoryFields()
	req.SortBy([]string{"_id"})
	res, err := r.idx.SearchInContext(r.ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]*searchHit, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = &searchHit{h.ID, h.Fields}
	}
	return out, nil
}

// finalStory is an item's story as prepass decided it.
type finalStory struct {
	id     string
	member bool
}

// finalStory returns the story id and member flag of an item of a build:
// prepass's, else the id it came with, else a story of its own.
func (r *runner) finalStory(id, given string) (string, bool) {
	if f, ok := r.final[id]; ok {
		return f.id, f.member
	}
	if given != "" {
		return given, false
	}
	return story.ID(id), false
}

// writeFinal writes the pending teasers of a build under their stories
// (prepass decided them; without it, a teaser follows its article).
func (r *runner) writeFinal() error {
	for i := range r.pending {
		p := &r.pending[i]
		f := story.Of(&p.it)
		member := false
		if r.final != nil {
			p.it.StoryID, member = r.finalStory(p.it.ID, "")
		} else if p.it.ArticleID != "" {
			p.it.StoryID, member = story.ID(p.it.ArticleID), true
		} else {
			p.it.StoryID = story.ID(p.it.ID)
		}
		if err := r.index(p.it.ID, teaserDoc(&p.it, &f, member, p.keys), len(p.it.Title)+len(p.it.Summary)); err != nil {
			return err
		}
	}
	r.pending = nil
	return nil
}

// prepass reads a build's input once before indexing it and decides every
// item's story: the features of the first copy of each article and teaser
// (a teaser linked to the smallest article id with its headline and day, as
// the indexing pass links it), grouped. Records that fail to read are left
// out, as the indexing pass skips them.
//
// The features of the articles are computed by other goroutines while the
// input is read (grouped in chunks, added to the grouper in input order), as
// a build's other goroutines are not busy yet.
func (r *runner) prepass(ctx context.Context, src source) error {
	g := story.NewGrouper()
	seen := map[string]bool{}
	var teasers []item.Item
	heads := map[string]string{}
	grouped := groupInOrder(g, r.workers)
	var chunk []item.Item
	err := src.each(ctx, func(rec input.Record) error {
		if rec.Err != nil {
			return nil
		}
		for i := range rec.Items {
			it := rec.Items[i]
			it.EnsureID()
			if seen[it.ID] {
				continue
			}
			seen[it.ID] = true
			if it.Kind == item.Teaser {
				it.Body = ""
				teasers = append(teasers, it)
				continue
			}
			it.Kind = item.Article
			it.Pages, it.ArticleID = 0, ""
			k := item.HeadlineKey(it.Day(), it.Title)
			if cur, ok := heads[k]; !ok || it.ID < cur {
				heads[k] = it.ID
			}
			chunk = append(chunk, it)
			if len(chunk) == prepassChunk {
				grouped.add(chunk)
				chunk = nil
			}
		}
		return nil
	})
	grouped.add(chunk)
	grouped.wait()
	if err != nil {
		return err
	}
	for i := range teasers {
		t := &teasers[i]
		t.ArticleID = heads[item.HeadlineKey(t.Day(), t.Title)]
		g.Add(story.Of(t), "")
	}
	stories, _ := g.Stories()
	r.final = make(map[string]finalStory, len(seen))
	for _, s := range stories {
		for _, id := range s.Items {
			r.final[id] = finalStory{s.ID, id != s.Best}
		}
	}
	return nil
}

// prepassChunk is the number of articles whose features are computed at a
// time in prepass.
const prepassChunk = 256

// orderedGrouper adds chunks of articles to a Grouper in the order given,
// computing their features on n goroutines while the caller reads on.
type orderedGrouper struct {
	chunks chan []item.Item
	done   chan struct{}
}

func groupInOrder(g *story.Grouper, n int) *orderedGrouper {
	o := &orderedGrouper{chunks: make(chan []item.Item, 1), done: make(chan struct{})}
	go func() {
		defer close(o.done)
		var feats []story.Features
		for chunk := range o.chunks {
			feats = append(feats[:0], make([]story.Features, len(chunk))...)
			var wg sync.WaitGroup
			for w := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < len(chunk); i += n {
						feats[i] = story.Of(&chunk[i])
					}
				}()
			}
			wg.Wait()
			for i := range chunk {
				g.Add(feats[i], chunk[i].StoryID)
			}
		}
	}()
	return o
}

// add hands a chunk over (nothing for an empty one).
func (o *orderedGrouper) add(chunk []item.Item) {
	if len(chunk) > 0 {
		o.chunks <- chunk
	}
}

// wait returns when every chunk handed over is in the grouper.
func (o *orderedGrouper) wait() {
	close(o.chunks)
	<-o.done
}

// replay reads src once and returns a source that gives its records again,
// as often as asked (a build from stdin, which cannot be read twice, keeps
// its input in memory).
func replay(ctx context.Context, src source) (source, error) {
	var recs []input.Record
	err := src.each(ctx, func(r input.Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return src, err
	}
	return source{paths: src.paths, again: true, read: func(ctx context.Context, fn func(input.Record) error) error {
		for _, r := range recs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}
