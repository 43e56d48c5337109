package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/item"
	"newsdex/internal/query"
)

// storyFixture is the fixture with three stories: a coffee story of an
// article, its teaser and a re-send (sc), a second coffee story (sd) and a
// story about a port (sp).
func storyFixture() []item.Item {
	items := fixture()
	add := func(id, story string, kind item.Kind, date, title, body string, pages int) {
		it := item.Item{ID: id, StoryID: story, Kind: kind, Title: title, Date: day(date), Source: "Reuters", Region: "Africa", Pages: pages}
		if kind == item.Teaser {
			it.Summary = body
		} else {
			it.Body = body
		}
		items = append(items, it)
	}
	add("coffee-2", "sc", item.Article, "1987-04-08", "ZEMBARA COFFEE GROWERS SEEK HIGHER PRICE",
		"Zembara coffee growers asked the marketing board for a higher producer price for arabica beans.", 0)
	add("coffee-1", "sc", item.Article, "1987-04-07", "ZEMBARA COFFEE GROWERS SEEK HIGHER PRICE",
		"Zembara coffee growers asked the marketing board for a higher producer price.", 0)
	add("coffee-t", "sc", item.Teaser, "1987-04-09", "ZEMBARA COFFEE GROWERS SEEK HIGHER PRICE",
		"Growers want more for arabica.", 4)
	add("board-1", "sd", item.Article, "1987-04-10", "Zembara board raises coffee producer price",
		"The Zembara coffee marketing board raised the arabica producer price by 15 pct.", 0)
	add("port-1", "sp", item.Article, "1987-04-10", "Kessal port reopens after dock strike",
		"Dockers at Kessal went back to work after a strike over pay.", 0)
	return items
}

func TestStory(t *testing.T) {
	s := newTestServer(t, Options{}, storyFixture())
	w := s.get("/api/stories/sc")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var st query.Story
	if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range st.Items {
		ids = append(ids, it.ID)
		if it.Title == "" || it.Kind == "" || it.Date.IsZero() || it.Source != "Reuters" {
			t.Errorf("item %+v lacks a title, kind, date or source", it)
		}
	}
	// Oldest first: the timeline.
	if diff := cmp.Diff([]string{"coffee-1", "coffee-2", "coffee-t"}, ids); diff != "" {
		t.Errorf("story items (-want +got):\n%s", diff)
	}
	if st.ID != "sc" || st.Size != 3 || st.Items[2].Pages != 4 || st.Items[2].Kind != item.Teaser {
		t.Errorf("story %+v", st)
	}
	for _, key := range []string{`"story_id":"sc"`, `"story_size":3`, `"items":[`, `"date":"1987-04-07T00:00:00Z"`} {
		if !strings.Contains(w.Body.String(), key) {
			t.Errorf("story JSON lacks %s: %s", key, w.Body)
		}
	}

	w = s.get("/api/stories/nosuch")
	if e := errorOf(t, w); w.Code != http.StatusNotFound || e.Param != "id" || !strings.Contains(e.Error, "no story") {
		t.Errorf("unknown story: %d %+v", w.Code, e)
	}
	for _, target := range []string{"/api/stories/%00", "/api/stories/a/../b", "/api/stories/" + strings.Repeat("s", item.MaxIDLen+1)} {
		w = s.get(target)
		if w.Code != http.StatusBadRequest || errorOf(t, w).Param != "id" {
			t.Errorf("%.60s: status %d: %s", target, w.Code, w.Body)
		}
	}
	if w = s.get("/api/stories/sc?x=1"); w.Code != http.StatusBadRequest {
		t.Errorf("story with parameters: status %d", w.Code)
	}
}

func TestRelated(t *testing.T) {
	s := newTestServer(t, Options{}, storyFixture())
	w := s.get("/api/items/coffee-1/related?limit=3")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var rel query.Related
	if err := json.Unmarshal(w.Body.Bytes(), &rel); err != nil {
		t.Fatal(err)
	}
	if rel.ID != "coffee-1" || rel.StoryID != "sc" || len(rel.Terms) == 0 || len(rel.Hits) == 0 || len(rel.Hits) > 3 {
		t.Fatalf("related %+v", rel)
	}
	if h := rel.Hits[0]; h.ID != "board-1" || h.StoryID != "sd" || h.StorySize != 1 {
		t.Errorf("first related hit %s (story %s, size %d), want board-1 of story sd", h.ID, h.StoryID, h.StorySize)
	}
	stories := map[string]bool{}
	for _, h := range rel.Hits {
		if h.StoryID == "sc" {
			t.Errorf("the item's own story among the related: %s", h.ID)
		}
		if h.StoryID != "" && stories[h.StoryID] {
			t.Errorf("story %s twice", h.StoryID)
		}
		stories[h.StoryID] = true
	}
	if !strings.Contains(w.Body.String(), `"hits":[`) || !strings.Contains(w.Body.String(), `"terms":[`) {
		t.Errorf("related JSON: %s", w.Body)
	}

	// The default limit is query's; every hit is one story.
	w = s.get("/api/items/coffee-1/related")
	if w.Code != http.StatusOK {
		t.Fatalf("default limit: status %d: %s", w.Code, w.Body)
	}

	w = s.get("/api/items/nosuch/related")
	if e := errorOf(t, w); w.Code != http.StatusNotFound || e.Param != "id" {
		t.Errorf("unknown item: %d %+v", w.Code, e)
	}
	for _, q := range []string{"limit=0", "limit=-1", "limit=1001", "limit=x", "limit=1&limit=2", "size=3"} {
		w = s.get("/api/items/coffee-1/related?" + q)
		want := "limit"
		if q == "size=3" {
			want = "size"
		}
		if e := errorOf(t, w); w.Code != http.StatusBadRequest || e.Param != want {
			t.Errorf("%s: %d %+v", q, w.Code, e)
		}
	}
	if w = s.get("/api/items/a/../b/related"); w.Code != http.StatusBadRequest {
		t.Errorf("bad id: status %d", w.Code)
	}
}
