package main

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"newsdex/internal/query"
)

// TestStoryCommand opens the largest story of testdata: its items oldest
// first, in text and as JSON, and an unknown story exits 1 naming it.
func TestStoryCommand(t *testing.T) {
	dir, items := testIndex(t)
	byStory := map[string][]string{}
	for _, it := range items {
		byStory[it.StoryID] = append(byStory[it.StoryID], it.ID)
	}
	var sid string
	for id, ids := range byStory {
		if len(ids) > len(byStory[sid]) || (len(ids) == len(byStory[sid]) && id < sid) {
			sid = id
		}
	}
	if len(byStory[sid]) < 2 {
		t.Fatalf("testdata has no story of two items or more: %v", byStory)
	}
	r := run(t, "story", sid, "--index", dir, "--json")
	if r.code != 0 {
		t.Fatalf("story --json: exit %d: %s", r.code, r.stderr)
	}
	var st query.Story
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, it := range st.Items {
		got = append(got, it.ID)
		if i > 0 && it.Date.Before(st.Items[i-1].Date) {
			t.Errorf("story items not oldest first: %v before %v", st.Items[i-1].Date, it.Date)
		}
	}
	want := append([]string{}, byStory[sid]...)
	sort.Strings(want)
	sort.Strings(got)
	if st.ID != sid || st.Size != len(want) || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("story %s: %+v, want items %v", sid, st, want)
	}

	r = run(t, "story", sid, "--index", dir)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Story "+sid+": ") {
		t.Fatalf("story: exit %d: %q %s", r.code, r.stdout, r.stderr)
	}
	for _, it := range st.Items {
		if !strings.Contains(r.stdout, it.ID) || !strings.Contains(r.stdout, it.Title) {
			t.Errorf("story text lacks item %s %q:\n%s", it.ID, it.Title, r.stdout)
		}
	}

	r = run(t, "story", "snosuch", "--index", dir)
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, `no story with id "snosuch"`) {
		t.Errorf("unknown story: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestRelatedCommand: the stories related to a Reuters-like coffee article
// of testdata hold the other coffee story of the same country, and never the
// article's own story; one hit per story.
func TestRelatedCommand(t *testing.T) {
	dir, items := testIndex(t)
	var article, own, other string
	for _, it := range items {
		switch it.Title {
		case "ZEMBARA COFFEE GROWERS SEEK HIGHER PRICE":
			if it.Kind == "article" {
				article, own = it.ID, it.StoryID
			}
		case "Zembara board raises coffee producer price":
			other = it.StoryID
		}
	}
	if article == "" || other == "" || own == other {
		t.Fatalf("testdata lacks the two Zembara coffee stories (article %q, stories %q %q)", article, own, other)
	}
	r := run(t, "related", article, "--index", dir, "--json", "--limit", "5")
	if r.code != 0 {
		t.Fatalf("related: exit %d: %s", r.code, r.stderr)
	}
	var rel query.Related
	if err := json.Unmarshal([]byte(r.stdout), &rel); err != nil {
		t.Fatal(err)
	}
	if len(rel.Hits) == 0 || len(rel.Hits) > 5 {
		t.Fatalf("related: %d hits", len(rel.Hits))
	}
	if rel.Hits[0].StoryID != other {
		t.Errorf("first related story %s (%q), want %s", rel.Hits[0].StoryID, rel.Hits[0].Title, other)
	}
	seen := map[string]bool{}
	for _, h := range rel.Hits {
		if h.StoryID == own {
			t.Errorf("own story %s among the related (%s)", own, h.ID)
		}
		if seen[h.StoryID] {
			t.Errorf("story %s twice", h.StoryID)
		}
		seen[h.StoryID] = true
		if h.StorySize < 1 {
			t.Errorf("hit %s has story_size %d", h.ID, h.StorySize)
		}
	}

	r = run(t, "related", article, "--index", dir, "--limit", "1")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "1 story like "+article) || !strings.Contains(r.stdout, "Zembara board raises coffee producer price") {
		t.Errorf("related text: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "related", "nosuch", "--index", dir)
	if r.code != 1 || !strings.Contains(r.stderr, `no item with id "nosuch"`) {
		t.Errorf("unknown item: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, bad := range []string{"0", "1001"} {
		r = run(t, "related", article, "--index", dir, "--limit", bad)
		if r.code != 2 || !strings.Contains(r.stderr, "--limit") {
			t.Errorf("--limit %s: exit %d, stderr %q", bad, r.code, r.stderr)
		}
	}
}
