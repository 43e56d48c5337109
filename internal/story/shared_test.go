package story

import (
	"bufio"
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"newsdex/internal/input"
	"newsdex/internal/item"
	"newsdex/internal/testenv"
)

// readShared reads a shared corpus as the indexer does: items with ids,
// distinct by id, teasers linked to the article with their headline key.
func readShared(t *testing.T, path string, fields map[string]string) []item.Item {
	t.Helper()
	var items []item.Item
	seen := map[string]bool{}
	err := input.Read(context.Background(), []string{path}, input.Options{Fields: fields}, func(r input.Record) error {
		for _, it := range r.Items {
			it.EnsureID()
			if !seen[it.ID] {
				seen[it.ID] = true
				items = append(items, it)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	heads := map[string]string{}
	for _, it := range items {
		if it.Kind == item.Article {
			k := item.HeadlineKey(it.Day(), it.Title)
			if old, ok := heads[k]; !ok || it.ID < old {
				heads[k] = it.ID
			}
		}
	}
	for i := range items {
		if items[i].Kind == item.Teaser && items[i].ArticleID == "" {
			items[i].ArticleID = heads[item.HeadlineKey(items[i].Day(), items[i].Title)]
		}
	}
	return items
}

func groupAll(items []item.Item) (*Grouper, []Story, map[string]string) {
	g := NewGrouper()
	for i := range items {
		g.Add(Of(&items[i]), "")
	}
	st, of := g.Stories()
	return g, st, of
}

func logStories(t *testing.T, name string, items []item.Item, g *Grouper, st []Story, show int) {
	t.Helper()
	byID := make(map[string]*item.Item, len(items))
	for i := range items {
		byID[items[i].ID] = &items[i]
	}
	multi, inMulti, largest := 0, 0, 0
	var big []Story
	for _, s := range st {
		if len(s.Items) > 1 {
			multi++
			inMulti += len(s.Items)
			big = append(big, s)
		}
		largest = max(largest, len(s.Items))
	}
	t.Logf("%s: %d items in %d stories; %d stories of 2 or more items hold %d items; largest %d; %d pairs compared",
		name, len(items), len(st), multi, inMulti, largest, g.Compared)
	rng := rand.New(rand.NewSource(3))
	rng.Shuffle(len(big), func(i, j int) { big[i], big[j] = big[j], big[i] })
	for _, s := range big[:min(show, len(big))] {
		var lines []string
		for _, id := range s.Items {
			it := byID[id]
			lines = append(lines, it.Date.Format("2006-01-02 15:04")+" "+string(it.Kind)+" "+it.Title)
		}
		t.Logf("  story %s (%d items):\n    %s", s.ID, len(s.Items), strings.Join(lines, "\n    "))
	}
}

// TestSharedReuters21578 groups the shared Reuters-21578 articles and
// measures false merges and misses on the pairs checked by hand in
// testdata/reuters21578-pairs.tsv.
func TestSharedReuters21578(t *testing.T) {
	path := testenv.Shared(t, filepath.Join("corpus", "reuters21578", "articles.jsonl.gz"))
	if testing.Short() {
		t.Skip("skipping the shared corpus in -short mode")
	}
	items := readShared(t, path, nil)
	g, st, of := groupAll(items)
	logStories(t, "reuters21578 articles", items, g, st, 8)

	f, err := os.Open(filepath.Join("testdata", "reuters21578-pairs.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var same, distinct, falseMerges, misses int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") || sc.Text() == "" {
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 3 || of[c[0]] == "" || of[c[1]] == "" {
			t.Fatalf("bad or unknown pair line %q", sc.Text())
		}
		together := of[c[0]] == of[c[1]]
		switch c[2] {
		case "same":
			same++
			if !together {
				misses++
				t.Logf("  miss: %s %s", c[0], c[1])
			}
		case "distinct":
			distinct++
			if together {
				falseMerges++
				t.Logf("  false merge: %s %s", c[0], c[1])
			}
		}
	}
	t.Logf("hand-checked pairs: %d one story, %d missed; %d two stories, %d falsely merged", same, misses, distinct, falseMerges)
	// The sample's verdicts bound what the rules may get wrong.
	if falseMerges > 1 {
		t.Errorf("%d false merges on the hand-checked sample, want at most 1", falseMerges)
	}
	if misses > same/3 {
		t.Errorf("%d of %d hand-checked pairs of one story missed", misses, same)
	}
}

// TestSharedPages: on the shared Reuters pages every teaser whose article is
// there is in the article's story.
func TestSharedPages(t *testing.T) {
	path := testenv.Shared(t, filepath.Join("corpus", "reuters21578", "pages.tar.gz"))
	if testing.Short() {
		t.Skip("skipping the shared corpus in -short mode")
	}
	items := readShared(t, path, nil)
	g, st, of := groupAll(items)
	logStories(t, "reuters21578 pages", items, g, st, 3)
	linked, apart := 0, 0
	for _, it := range items {
		if it.Kind == item.Teaser && it.ArticleID != "" {
			linked++
			if of[it.ID] != of[it.ArticleID] {
				apart++
			}
		}
	}
	t.Logf("teasers with their article indexed: %d, in another story than it: %d", linked, apart)
	if apart > 0 {
		t.Errorf("%d teasers are not in their article's story", apart)
	}
}

// TestSharedHeadlines: on the shared headlines, every sampled version group
// (titles with one headline key the same day, such as "X", "UPDATE 1-X",
// "RPT-UPDATE 2-X") is one story.
func TestSharedHeadlines(t *testing.T) {
	path := testenv.Shared(t, filepath.Join("corpus", "reuters-headlines-2007-2016", "headlines.jsonl.gz"))
	if testing.Short() {
		t.Skip("skipping the shared corpus in -short mode")
	}
	items := readShared(t, path, map[string]string{"date": "ts", "url": "href", "region": "url_section"})
	g, st, of := groupAll(items)
	logStories(t, "reuters headlines", items, g, st, 5)

	groups := map[string][]*item.Item{}
	for i := range items {
		if h := Headline(items[i].Title); h != "" && Headline(items[i].Title) != foldWords(items[i].Title) || Version(items[i].Title) > 0 {
			groups[items[i].Day()+"\x00"+h] = nil // a group has a prefixed version
		}
	}
	for i := range items {
		k := items[i].Day() + "\x00" + Headline(items[i].Title)
		if _, ok := groups[k]; ok {
			groups[k] = append(groups[k], &items[i])
		}
	}
	var keys []string
	for k, v := range groups {
		if len(v) > 1 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	rng := rand.New(rand.NewSource(5))
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	split := 0
	for _, k := range keys[:min(50, len(keys))] {
		v := groups[k]
		s := of[v[0].ID]
		for _, it := range v[1:] {
			if of[it.ID] != s {
				split++
				t.Logf("  version group split: %q and %q", v[0].Title, it.Title)
				break
			}
		}
	}
	t.Logf("version groups: %d; sampled %d, split %d", len(keys), min(50, len(keys)), split)
	if split > 0 {
		t.Errorf("%d of the sampled version groups are not one story", split)
	}
}
