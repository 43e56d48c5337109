package indexer

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"newsdex/internal/item"
	"newsdex/internal/schema"
	"newsdex/internal/store"
	"newsdex/internal/story"
)

// members returns the ids of the indexed items that carry story_member.
func members(t *testing.T, dir string) map[string]bool {
	t.Helper()
	ix, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	q := bleve.NewTermQuery(schema.MemberValue)
	q.SetField(schema.FieldStoryMember)
	res, err := ix.Search(bleve.NewSearchRequestOptions(q, 1000, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, h := range res.Hits {
		out[h.ID] = true
	}
	return out
}

func head(title string, at time.Time) item.Item {
	return item.Item{Kind: item.Article, Title: title, Date: at, Source: "Reuters"}
}

// TestAddStories: index add puts new versions and teasers into the stories
// they belong to, keeps the stories' ids, and moves the representative to
// the latest version.
func TestAddStories(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	at := time.Date(2008, 9, 15, 5, 0, 0, 0, time.UTC)
	v0 := head("Lehman files for bankruptcy", at)
	other := head("Merrill agrees to sale", at)
	if _, err := run(context.Background(), dir, records(lines("a.jsonl", v0, other)), Options{}, false); err != nil {
		t.Fatal(err)
	}
	before := all(t, dir)
	s0 := before[id(v0)].StoryID
	if s0 != story.ID(id(v0)) || len(members(t, dir)) != 0 {
		t.Fatalf("after build: story %s, members %v", s0, members(t, dir))
	}

	v1 := head("UPDATE 1-Lehman files for bankruptcy", at.Add(2*time.Hour))
	v2 := head("RPT-UPDATE 2-Lehman files for bankruptcy", at.Add(5*time.Hour))
	later := head("Lehman files for bankruptcy", at.Add(72*time.Hour)) // another day: another story
	if _, err := run(context.Background(), dir, records(lines("b.jsonl", v1, later)), Options{}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := run(context.Background(), dir, records(lines("c.jsonl", v2)), Options{}, true); err != nil {
		t.Fatal(err)
	}
	got := all(t, dir)
	for _, it := range []item.Item{v0, v1, v2} {
		if s := got[id(it)].StoryID; s != s0 {
			t.Errorf("%q: story %s, want %s", it.Title, s, s0)
		}
	}
	if s := got[id(later)].StoryID; s == s0 || s != story.ID(id(later)) {
		t.Errorf("a later story with the same headline: story %s", s)
	}
	if s := got[id(other)].StoryID; s != before[id(other)].StoryID {
		t.Errorf("an untouched story changed id: %s", s)
	}
	want := map[string]bool{id(v0): true, id(v1): true} // v2, the latest, represents the story
	if m := members(t, dir); len(m) != 2 || !m[id(v0)] || !m[id(v1)] {
		t.Errorf("members %v, want %v", m, want)
	}
}
