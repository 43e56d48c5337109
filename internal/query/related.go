package query

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"newsdex/internal/schema"
)

// RelatedTerms is how many of an item's terms make its related-stories
// query: its most distinctive ones.
const RelatedTerms = 25

// maxOwnItems bounds the items of the own story whose words are read to
// leave out the terms only it holds.
const maxOwnItems = 50

// Related is the answer of Searcher.Related: the stories most like an item,
// one hit per story (its best matching item), the item's own story left out.
type Related struct {
	ID      string   `json:"id"`                 // the item asked about
	StoryID string   `json:"story_id,omitempty"` // its story, never among the hits
	Terms   []string `json:"terms"`              // the query's terms (stems), strongest first
	TookMs  float64  `json:"took_ms"`
	Hits    []Hit    `json:"hits"` // never nil
}

// weighted is one term of an item with its weight.
type weighted struct {
	term string
	w    float64
}

// Related returns the stories most like the item with this id, at most limit
// (1 to MaxLimit; 0 means DefaultLimit), or ErrNotFound. bleve has no
// more-like-this, so the query is built here: the item's own terms (its
// stored title, summary, caption and body, analyzed as query words are),
// weighted by tf-idf from the index's own statistics, the RelatedTerms
// strongest as one disjunction of boosted term queries over the text
// fields, without the item's story; the hits are collapsed to one per story.
func (s *Searcher) Related(ctx context.Context, id string, limit int) (*Related, error) {
	start := time.Now()
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 1 || limit > MaxLimit {
		return nil, &ParamError{Param: "limit", Msg: fmt.Sprintf("%d is out of range (1 to %d)", limit, MaxLimit)}
	}
	it, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &Related{ID: it.ID, StoryID: it.StoryID, Terms: []string{}, Hits: []Hit{}}

	tf := termCounts(it.Title+"\n"+it.Title, it.Summary, it.Caption, it.Body)
	// Terms that only the item's own story holds cannot find another story.
	own := map[string]int{}
	if it.StoryID != "" {
		if st, err := s.Story(ctx, it.StoryID); err == nil {
			for i, si := range st.Items {
				if i == maxOwnItems {
					break // enough to know the story's own words
				}
				o, err := s.Get(ctx, si.ID)
				if err != nil {
					continue
				}
				for t := range termCounts(o.Title, o.Summary, o.Caption, o.Body) {
					own[t]++
				}
			}
		}
	}
	terms, err := s.distinctive(ctx, tf, own)
	if err != nil {
		return nil, err
	}
	if len(terms) == 0 {
		out.TookMs = tookMs(start)
		return out, nil
	}
	var qs []bq.Query
	m := &marks{stems: map[string]map[string]bool{}}
	for _, t := range terms {
		out.Terms = append(out.Terms, t.term)
		m.put("", t.term)
		for _, f := range schema.TextFields() {
			q := bleve.NewTermQuery(t.term)
			q.SetField(f.Name)
			q.SetBoost(t.w * math.Max(f.Boost, 0.5))
			qs = append(qs, q)
		}
	}
	b := bleve.NewBooleanQuery()
	b.AddShould(qs...)
	if it.StoryID != "" {
		own := bleve.NewTermQuery(it.StoryID)
		own.SetField(schema.FieldStoryID)
		b.AddMustNot(own)
	} else {
		b.AddMustNot(bleve.NewDocIDQuery([]string{it.ID}))
	}

	// Collapse: the ranked items, page by page, keep the first of each story.
	seen := map[string]bool{}
	page := max(4*limit, 50)
	for from := 0; len(out.Hits) < limit; from += page {
		req := bleve.NewSearchRequestOptions(b, page, from, false)
		req.IncludeLocations = true
		req.SortByCustom(sortOrder(SortRelevance))
		res, err := s.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("related: %w", err)
		}
		if err := s.loadFields(res.Hits); err != nil {
			return nil, fmt.Errorf("related: %w", err)
		}
		for _, h := range res.Hits {
			hit := newHit(h, m)
			key := hit.StoryID
			if key == "" {
				key = "item\x00" + hit.ID
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			out.Hits = append(out.Hits, hit)
			if len(out.Hits) == limit {
				break
			}
		}
		if len(res.Hits) < page || uint64(from+page) >= res.Total {
			break
		}
	}
	if err := s.storySizes(ctx, out.Hits); err != nil {
		return nil, err
	}
	out.TookMs = tookMs(start)
	return out, nil
}

func tookMs(start time.Time) float64 {
	return math.Round(float64(time.Since(start).Microseconds())) / 1000
}

// termCounts counts the terms of texts as query words are analyzed (the
// stems the text fields hold): the analyzer leaves stop words out, and a
// stem that is itself a stop word is left out too.
func termCounts(texts ...string) map[string]int {
	n := map[string]int{}
	for _, text := range texts {
		if text == "" {
			continue
		}
		ts, err := textMapping.AnalyzeText(schema.QueryAnalyzer, []byte(text))
		if err != nil {
			continue
		}
		for _, t := range ts {
			term := string(t.Term)
			if len([]rune(term)) < 2 || schema.IsStopWord(term) || isNumber(term) {
				continue
			}
			n[term]++
		}
	}
	return n
}

// isNumber reports whether a term is digits and punctuation only: figures
// ("8.25", "1987") say little about what a story is about.
func isNumber(t string) bool {
	return strings.Trim(t, "0123456789.,") == ""
}

// distinctive weighs the terms by tf-idf, the document frequencies from the
// index (a term's most frequent text field), and returns the RelatedTerms
// strongest. A term that no item outside the own story holds (own counts
// the own story's items holding it) is left out.
func (s *Searcher) distinctive(ctx context.Context, tf, own map[string]int) ([]weighted, error) {
	adv, err := s.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("related: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("related: %w", err)
	}
	defer r.Close()
	n, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("related: %w", err)
	}
	var ws []weighted
	for term, c := range tf {
		var df uint64
		for _, f := range schema.TextFields() {
			tfr, err := r.TermFieldReader(ctx, []byte(term), f.Name, false, false, false)
			if err != nil {
				return nil, fmt.Errorf("related: %w", err)
			}
			df = max(df, tfr.Count())
			_ = tfr.Close()
		}
		if df <= uint64(own[term]) || df == 0 {
			continue
		}
		idf := math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
		ws = append(ws, weighted{term, (1 + math.Log(float64(c))) * idf})
	}
	sort.Slice(ws, func(i, j int) bool {
		if ws[i].w != ws[j].w {
			return ws[i].w > ws[j].w
		}
		return ws[i].term < ws[j].term
	})
	if len(ws) > RelatedTerms {
		ws = ws[:RelatedTerms]
	}
	return ws, nil
}
