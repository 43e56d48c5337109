// Package query is the search engine's query side, shared by the search
// command and the HTTP API: the query language (Parse, Compile), one Request
// validated in one place, and one Response encoded one way (WriteJSON).
package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"newsdex/internal/item"
	"newsdex/internal/schema"
)

// ErrNotFound is Get's error for an id the index does not hold.
var ErrNotFound = errors.New("no item with this id")

// Response is the answer to a Request. Its JSON (WriteJSON) is what both
// search --json and GET /api/search send.
type Response struct {
	Total  uint64  `json:"total"`
	TookMs float64 `json:"took_ms"`
	Hits   []Hit   `json:"hits"`             // never nil; empty for count only
	Facets Facets  `json:"facets,omitempty"` // the facets asked for, over the whole result set
	Next   string  `json:"next,omitempty"`
	// DidYouMean is the query with misspelt words replaced by the closest
	// words of the index, when the query finds few or no hits.
	DidYouMean string `json:"did_you_mean,omitempty"`
	// Notes say, for people, what happened that the rest does not show: an
	// unknown region or source (with the closest known ones), words taken
	// as operators or left out, a page past the end (naming the last page).
	Notes []string `json:"notes,omitempty"`
}

// Hit is one matching item without its body (left empty, so its JSON omits
// it), with its score and highlights.
type Hit struct {
	item.Item
	// Score is the relevance score; 0 when sorting by date, which skips scoring.
	Score float64 `json:"score"`
	// Highlights holds for "title" and "body" (or "summary") the best
	// fragment, HTML-escaped, with matched terms in <mark>...</mark>.
	Highlights map[string][]string `json:"highlights"`
	// StorySize is the number of items of the hit's story (story_id).
	StorySize int `json:"story_size,omitempty"`
}

// Facets counts the whole result set by the facets a request asks for
// (FacetNames), each a list never nil and complete (the CLI shortens them,
// the page filters them), so that hits without a region number Total minus
// the region counts. Regions, kinds and sources come by count, most first;
// months in order, those with hits only. Facets not asked for are absent.
type Facets map[string][]FacetValue

// FacetValue is one value of a facet and how many hits have it.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Searcher answers requests over one index. It is safe for concurrent use.
type Searcher struct {
	idx     bleve.Index
	now     func() time.Time
	tables  *snapshotCache[*facetTable] // the facet terms of the index's documents (facets.go)
	members *snapshotCache[memberSet]   // the story_member items, for count-only searches (stories.go)
	dates   *snapshotCache[*dateTable]  // the dated items by date, for date filters (daterange.go)
	terms   *snapshotCache[*termSets]   // the filter terms' items (filters.go)
}

// NewSearcher returns a Searcher over idx.
func NewSearcher(idx bleve.Index) *Searcher {
	return &Searcher{idx: idx, now: time.Now, tables: newSnapshotCache(buildFacetTable), members: newSnapshotCache(buildMemberSet), dates: newSnapshotCache(buildDateTable), terms: newSnapshotCache(buildTermSets)}
}

// loadFields loads the stored fields of the hits (hitFields), each
// document's in one pass over its stored values, read straight from the
// segment that holds it (the hit's internal id is its number in the
// snapshot). bleve's idx.Document looks the id up in the _id field again,
// copies every value and makes a field object of each: a third of the bytes
// a search allocated over the ten benchmark queries. A hit whose number no
// longer names it (a snapshot other than the search's, in an index that
// changed in between: the stored _id tells) is loaded by its id instead.
func (s *Searcher) loadFields(hits search.DocumentMatchCollection) error {
	if len(hits) == 0 {
		return nil
	}
	docs, done := s.openStored()
	defer done()
	for _, h := range hits {
		if docs.load(h) {
			continue
		}
		doc, err := s.idx.Document(h.ID)
		if err != nil {
			return fmt.Errorf("loading %s: %w", h.ID, err)
		}
		if doc == nil {
			continue // deleted since the search: no fields
		}
		h.Fields = make(map[string]any, len(hitFields))
		doc.VisitFields(func(f index.Field) {
			if !slices.Contains(hitFields, f.Name()) {
				return
			}
			if v := fieldValue(f); v != nil {
				h.Fields[f.Name()] = v
			}
		})
	}
	return nil
}

// storedDocs reads documents' stored values by their numbers in one
// snapshot: segs its segments, offsets the first number of each. Empty
// for an index that is not scorch's.
type storedDocs struct {
	segs    []*scorch.SegmentSnapshot
	offsets []uint64
}

// openStored returns the stored documents of the index's current snapshot,
// and the function that lets it go.
func (s *Searcher) openStored() (storedDocs, func()) {
	var d storedDocs
	adv, err := s.idx.Advanced()
	if err != nil {
		return d, func() {}
	}
	r, err := adv.Reader()
	if err != nil {
		return d, func() {}
	}
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		d.segs = snap.Segments()
		var n uint64
		for _, seg := range d.segs {
			d.offsets = append(d.offsets, n)
			n += seg.Segment().Count()
		}
	}
	return d, func() { r.Close() }
}

// load sets h's fields (hitFields) from the stored values of its number,
// false when that number holds no document or another one than h.
func (d storedDocs) load(h *search.DocumentMatch) bool {
	if len(h.IndexInternalID) != 8 || len(d.segs) == 0 {
		return false
	}
	num := h.IndexInternalID.Value()
	i := sort.Search(len(d.offsets), func(i int) bool { return d.offsets[i] > num }) - 1
	if i < 0 || num-d.offsets[i] >= d.segs[i].Segment().Count() {
		return false
	}
	fields := make(map[string]any, len(hitFields))
	same := false
	err := d.segs[i].VisitDocument(num-d.offsets[i], func(name string, typ byte, val []byte, _ []uint64) bool {
		if name == "_id" {
			same = string(val) == h.ID
			return same
		}
		if slices.Contains(hitFields, name) {
			if v := storedValue(name, typ, val); v != nil {
				fields[name] = v
			}
		}
		return true
	})
	if err != nil || !same {
		return false
	}
	h.Fields = fields
	return true
}

// storedValue is a stored value as fieldValue gives it, from its type
// byte as the segment keeps it.
func storedValue(name string, typ byte, val []byte) any {
	switch typ {
	case 't':
		return string(val)
	case 'n':
		return fieldValue(document.NewNumericFieldFromBytes(name, nil, val))
	case 'd':
		return fieldValue(document.NewDateTimeFieldFromBytes(name, nil, val))
	}
	return nil
}

// fieldValue is a stored field's value as bleve's loading gives it, for
// the kinds of field the schema stores: text, numbers and dates (RFC 3339
// unless the field's date parser says otherwise).
func fieldValue(f index.Field) any {
	switch f := f.(type) {
	case index.TextField:
		return f.Text()
	case index.NumericField:
		if n, err := f.Number(); err == nil {
			return n
		}
	case index.DateTimeField:
		if t, layout, err := f.DateTime(); err == nil {
			if layout == "" {
				layout = time.RFC3339
			}
			return t.Format(layout)
		}
	}
	return nil
}

// The stored fields a search loads: all but body make the hit; body only
// makes its highlight.
var hitFields = []string{
	schema.FieldKind, schema.FieldTitle, schema.FieldRegion, schema.FieldDate,
	schema.FieldDateline, schema.FieldSummary, schema.FieldCaption, schema.FieldByline,
	schema.FieldReadMinutes, schema.FieldSource, schema.FieldURL, schema.FieldFile,
	schema.FieldPages, schema.FieldArticleID, schema.FieldStoryID, schema.FieldBody,
}

// Highlighted fields.
var highlightFields = []string{schema.FieldTitle, schema.FieldBody, schema.FieldSummary}

// Search runs r. A bad request is a *ParamError.
func (s *Searcher) Search(ctx context.Context, r Request) (*Response, error) {
	start := time.Now()
	p, err := r.plan(s.now())
	if err != nil {
		return nil, err
	}
	var expanded map[*Term][]string
	scored := p.sort == SortRelevance && !p.countOnly
	if multi := hasMultiTerm(p.node); multi || !scored {
		var ex *expander
		if multi {
			ex = newExpander(ctx, s.idx)
		}
		q := compile(p.node, ex, scored)
		if ex != nil {
			ex.close()
			if ex.err != nil {
				return nil, ex.err
			}
			expanded = ex.stems
		}
		if q == nil {
			q = bleve.NewMatchNoneQuery()
		}
		p.query = q
	}
	if !p.countOnly {
		p.marks = marksOf(p.node, expanded)
	}
	skip := false // count only, collapsed: the items less the members by a bitmap
	if p.countOnly && !p.expand {
		if skip, err = s.membersReady(ctx); err != nil {
			return nil, err
		}
		p.expand = skip
	}
	p.dates, p.terms = s.dates, s.terms
	req := bleveRequest(p)
	if skip {
		req.Query = withoutMembers{req.Query, s.members}
		p.expand = false
	}
	base := req.Query // without the facet counting, for firstPage's search again
	var fc *facetCount
	if len(p.facets) > 0 {
		if fc, err = s.facetCounting(ctx); err != nil {
			return nil, err
		}
		if fc != nil {
			req.Query, req.Facets = countingQuery{req.Query, fc}, nil
		}
	}
	res, err := s.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if byFirstKey(p) {
		if res.Hits, err = s.firstPage(ctx, p, base, res.Hits); err != nil {
			return nil, err
		}
	}

	resp := &Response{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits))}
	hits := res.Hits
	more := false
	if p.after != nil {
		more = len(hits) > p.limit
		if more {
			hits = hits[:p.limit]
		}
	} else {
		more = uint64(p.offset+len(hits)) < res.Total
	}
	if err := s.loadFields(hits); err != nil {
		return nil, err
	}
	for _, h := range hits {
		resp.Hits = append(resp.Hits, newHit(h, p.marks))
	}
	if err := s.storySizes(ctx, resp.Hits); err != nil {
		return nil, err
	}
	if more && len(hits) > 0 {
		resp.Next = nextCursor(p, hits[len(hits)-1])
	}
	if len(hits) == 0 && !p.countOnly && p.after == nil && p.offset > 0 && res.Total > 0 {
		last := (res.Total + uint64(p.limit) - 1) / uint64(p.limit)
		resp.Notes = append(resp.Notes, fmt.Sprintf("page %d is past the end: the last page is %d", p.offset/p.limit+1, last))
	}
	if fc != nil {
		resp.Facets = facets(fc.counts, p.facets)
	} else {
		resp.Facets = facets(bleveFacetCounts(res.Facets), p.facets)
	}
	resp.Notes = append(resp.Notes, queryNotes(p.node)...)
	resp.Notes = append(resp.Notes, s.labelNotes(schema.FacetRegion, p.regions)...)
	resp.Notes = append(resp.Notes, s.labelNotes(schema.FacetSource, p.sources)...)
	if res.Total <= fewHits {
		resp.DidYouMean = s.suggest(ctx, r.Query, p.node)
	}
	resp.TookMs = math.Round(float64(time.Since(start).Microseconds())) / 1000
	return resp, nil
}

// byFirstKey tells a first page, which bleve sorts by its first key alone
// (score, or the date), without the id that orders ties (firstPage): its
// ties are ordered by id on the page. bleve's sort by id reads the id of
// every match from its stored fields as it comes: `oil` (1,150 hits) took
// 0.76 instead of 1.03 ms, `bank, region Europe` 1.09 instead of 1.61
// (medians of 5 interleaved runs at 1x).
func byFirstKey(p *plan) bool {
	return !p.countOnly && p.after == nil && p.offset == 0 && p.limit > 0
}

// firstPage makes the hits of a search sorted by its first key alone (one
// more than the page: byFirstKey) the page a sort by that key, then id,
// gives. Unless the hit after the page ties with the page's last, the page
// holds the same items, and its ties are put in the order of their ids. On
// a tie, which of the tied items are on the page is the ids' to say: by
// date, the items of that date are searched for sorted by id; by score,
// the whole search runs again sorted by id too.
func (s *Searcher) firstPage(ctx context.Context, p *plan, q bq.Query, hits search.DocumentMatchCollection) (search.DocumentMatchCollection, error) {
	if len(hits) > p.limit {
		last, next := hits[p.limit-1], hits[p.limit]
		hits = hits[:p.limit]
		if sameFirstKey(p, last, next) {
			from := p.limit - 1
			for from > 0 && sameFirstKey(p, hits[from-1], last) {
				from--
			}
			req := bleveRequest(p)
			req.Facets, req.Size = nil, p.limit-from
			req.SortByCustom(sortOrder(p.sort))
			if key, ok := dateKeyOf(p, last); ok {
				day := bleve.NewTermQuery(key)
				day.SetField(schema.FieldDateKey)
				req.Query = bleve.NewConjunctionQuery(q, day)
			} else {
				// By score, or among items without a date: all again.
				from, req.Query, req.Size = 0, q, p.limit
			}
			res, err := s.idx.SearchInContext(ctx, req)
			if err != nil {
				return nil, fmt.Errorf("search: %w", err)
			}
			return append(tiesByID(p, hits[:from:from]), res.Hits...), nil
		}
	}
	return tiesByID(p, hits), nil
}

// tiesByID orders each run of hits that tie on the first key by id.
func tiesByID(p *plan, hits search.DocumentMatchCollection) search.DocumentMatchCollection {
	for i := 0; i < len(hits); {
		j := i + 1
		for j < len(hits) && sameFirstKey(p, hits[i], hits[j]) {
			j++
		}
		run := hits[i:j]
		sort.Slice(run, func(a, b int) bool { return run[a].ID < run[b].ID })
		i = j
	}
	return hits
}

// dateKeyOf is the date_key term of a hit sorted by date, if it has one
// (an item without a date sorts by a stand-in).
func dateKeyOf(p *plan, h *search.DocumentMatch) (string, bool) {
	if p.sort == SortRelevance || len(h.DecodedSort) == 0 {
		return "", false
	}
	key := h.DecodedSort[0]
	if _, err := time.Parse(time.RFC3339, key); err != nil {
		return "", false
	}
	return key, true
}

// sameFirstKey tells two hits of a search sorted by its first key alone
// (byFirstKey) that tie on it.
func sameFirstKey(p *plan, a, b *search.DocumentMatch) bool {
	if p.sort == SortRelevance {
		return a.Score == b.Score
	}
	return len(a.Sort) > 0 && len(b.Sort) > 0 && a.Sort[0] == b.Sort[0]
}

// bleveRequest is the bleve search request of a plan: the query with its
// filters, term locations (for the highlights), sort, paging and the
// facets asked for (the stored fields are loadFields'). Count only asks
// for no hits.
func bleveRequest(p *plan) *bleve.SearchRequest {
	size := p.limit
	if (p.after != nil || byFirstKey(p)) && !p.countOnly {
		size++ // one more tells whether more remain, or whether the page's last ties
	}
	req := bleve.NewSearchRequestOptions(buildQuery(p), size, p.offset, false)
	if !p.countOnly {
		req.IncludeLocations = true
	}
	switch {
	case p.countOnly:
		// No hits to order: a sort by date or id would read every match's
		// doc values and id for nothing.
		req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}})
	case byFirstKey(p):
		req.SortByCustom(sortOrder(p.sort)[:1]) // ties ordered on the page (firstPage)
	default:
		req.SortByCustom(sortOrder(p.sort))
	}
	if p.sort != SortRelevance || p.countOnly {
		req.Score = "none"
	}
	if p.after != nil && !p.countOnly {
		req.SetSearchAfter(p.after)
	}
	if len(p.facets) > 0 {
		req.AddFacet(schema.FieldFacets, schema.FacetRequest())
	}
	return req
}

// buildQuery adds the filters to the query: region, source, kind and date
// are filters (filters.go), which do not score; collapsed to stories
// unless expand.
func buildQuery(p *plan) bq.Query {
	var q bq.Query // nil: every item
	if _, all := p.query.(*bq.MatchAllQuery); !all {
		q = p.query
	}
	var filters []bq.Query
	if len(p.regions) > 0 {
		filters = append(filters, termFilter{field: schema.FieldRegion, terms: p.regions, sets: p.terms})
	}
	if len(p.sources) > 0 {
		filters = append(filters, termFilter{field: schema.FieldSource, terms: p.sources, sets: p.terms})
	}
	if p.kind != "" {
		filters = append(filters, termFilter{field: schema.FieldKind, terms: []string{p.kind}, sets: p.terms})
	}
	if !p.from.IsZero() || !p.to.IsZero() {
		filters = append(filters, dateRange{from: p.from, to: p.to, dates: p.dates})
	}
	if len(filters) > 0 {
		q = within{q: q, filters: filters}
	}
	if !p.expand {
		return collapse(q)
	}
	if q == nil {
		return bleve.NewMatchAllQuery()
	}
	return q
}

// anyTerm matches any of the terms in field.
func anyTerm(field string, terms []string) bq.Query {
	qs := make([]bq.Query, 0, len(terms))
	for _, t := range terms {
		tq := bleve.NewTermQuery(t)
		tq.SetField(field)
		qs = append(qs, tq)
	}
	return anyOf(qs)
}

func sortOrder(name string) search.SortOrder {
	id := &search.SortDocID{}
	switch name {
	case SortNewest, SortOldest:
		return search.SortOrder{&search.SortField{
			Field:   schema.FieldDateKey,
			Type:    search.SortFieldAsString,
			Desc:    name == SortNewest,
			Missing: search.SortFieldMissingLast,
		}, id}
	}
	return search.SortOrder{&search.SortScore{Desc: true}, id}
}

func nextCursor(p *plan, h *search.DocumentMatch) string {
	c := cursor{Sort: p.sort, For: p.search}
	if p.sort == SortRelevance {
		c.Keys = []string{strconv.FormatFloat(h.Score, 'g', -1, 64), h.ID}
	} else if len(h.DecodedSort) > 0 { // date and id, or the date alone on a first page (byFirstKey)
		key, _ := dateKeyOf(p, h) // "" for an item without a date (searchAfter)
		c.Keys = []string{key, h.ID}
	} else {
		return ""
	}
	return c.encode()
}

// newHit makes a hit of a match: its item from the stored fields, its
// highlights from the words field's locations (phrases, stop words) and
// from the words of the shown fields whose stems m marks.
func newHit(h *search.DocumentMatch, m *marks) Hit {
	hit := Hit{
		Item:       schema.FromFields(h.ID, h.Fields),
		Score:      h.Score,
		Highlights: map[string][]string{},
	}
	words := h.Locations[schema.FieldWords]
	for _, f := range highlightFields {
		text, _ := h.Fields[f].(string)
		if text == "" {
			continue
		}
		sps := spans(h.Locations[f], len(text))
		sps = append(sps, wordsSpans(words, f, len(text))...)
		sps = append(sps, m.spansIn(f, text)...)
		if frag := highlight(text, sps); frag != "" {
			hit.Highlights[f] = []string{frag}
		}
	}
	hit.Body = "" // loaded for its highlight only
	return hit
}

// bleveFacetCounts is the count of each facet term in bleve's facet result.
func bleveFacetCounts(fr search.FacetResults) map[string]int {
	counts := map[string]int{}
	if f := fr[schema.FieldFacets]; f != nil && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			counts[t.Term] += t.Count
		}
	}
	return counts
}

// facets are the facets asked for from the count of each facet term.
func facets(counts map[string]int, asked map[string]bool) Facets {
	if len(asked) == 0 {
		return nil
	}
	out := Facets{}
	for name := range asked {
		out[name] = []FacetValue{}
	}
	for term, n := range counts {
		name, value, ok := schema.SplitFacetTerm(term)
		if !ok || n == 0 || !asked[name] {
			continue
		}
		out[name] = append(out[name], FacetValue{Value: value, Count: n})
	}
	for name, vs := range out {
		if name == schema.FacetMonth {
			sort.Slice(vs, func(i, j int) bool { return vs[i].Value < vs[j].Value })
			continue
		}
		sort.Slice(vs, func(i, j int) bool {
			if vs[i].Count != vs[j].Count {
				return vs[i].Count > vs[j].Count
			}
			return vs[i].Value < vs[j].Value
		})
	}
	return out
}

// Get returns the whole item with this id, or ErrNotFound.
func (s *Searcher) Get(ctx context.Context, id string) (*item.Item, error) {
	if id == "" {
		return nil, ErrNotFound
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{id}), 1, 0, false)
	req.Fields = []string{"*"}
	res, err := s.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("get: %w", err)
	}
	if len(res.Hits) == 0 {
		return nil, ErrNotFound
	}
	it := schema.FromFields(res.Hits[0].ID, res.Hits[0].Fields)
	return &it, nil
}

// WriteItemJSON writes a whole item as one line of JSON, as search get --json
// and GET /api/items/{id} send it.
func WriteItemJSON(w io.Writer, it *item.Item) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(it)
}
