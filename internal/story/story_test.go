package story

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/item"
	"newsdex/internal/testenv"
)

func readItems(t testing.TB, name string) []item.Item {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []item.Item
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var it item.Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatal(err)
		}
		out = append(out, it)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testenv.Golden(t, filepath.Join("testdata", name), got)
}

func group(items []item.Item) []Story {
	g := NewGrouper()
	for i := range items {
		g.Add(Of(&items[i]), "")
	}
	st, _ := g.Stories()
	return st
}

func render(st []Story) string {
	var b strings.Builder
	for _, s := range st {
		fmt.Fprintf(&b, "%s best=%s %s\n", s.ID, s.Best, strings.Join(s.Items, " "))
	}
	return b.String()
}

// TestGolden groups testdata/items.jsonl: versions, a re-send, a re-headlined
// story and a teaser join their stories; daily notices, dividend notices
// from two companies and a later story under the same headline stay apart.
func TestGolden(t *testing.T) {
	golden(t, "stories.golden", []byte(render(group(readItems(t, "items.jsonl")))))
}

// TestGroupingIgnoresOrder: shuffled input gives the same stories.
func TestGroupingIgnoresOrder(t *testing.T) {
	items := readItems(t, "items.jsonl")
	want := render(group(items))
	rng := rand.New(rand.NewSource(1))
	for range 20 {
		rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		if got := render(group(items)); got != want {
			t.Fatalf("shuffled input grouped differently:\n%s\nwant\n%s", got, want)
		}
	}
}

// TestGivenIDs: story ids given with items (index export) are kept; two given
// stories are never joined, and an item without one joins a given story.
func TestGivenIDs(t *testing.T) {
	items := readItems(t, "items.jsonl")
	g := NewGrouper()
	for i := range items {
		given := ""
		switch items[i].ID {
		case "h-lehman-0", "h-lehman-1":
			given = "sgiven1"
		case "h-lehman-2":
			given = "sgiven2"
		case "a-fed-1", "a-fed-2":
			given = "sfed" // joined by the given id alone
		}
		g.Add(Of(&items[i]), given)
	}
	_, of := g.Stories()
	for _, tc := range []struct{ id, want string }{
		{"h-lehman-0", "sgiven1"}, {"h-lehman-1", "sgiven1"}, {"h-lehman-2", "sgiven2"},
		{"a-fed-1", "sfed"}, {"a-fed-2", "sfed"},
	} {
		if of[tc.id] != tc.want {
			t.Errorf("story of %s = %s, want %s", tc.id, of[tc.id], tc.want)
		}
	}
	if c := of["h-lehman-c"]; c != "sgiven1" && c != "sgiven2" {
		t.Errorf("h-lehman-c is in %s, want one of the given stories", c)
	}
}

func feat(t testing.TB, items []item.Item, id string) Features {
	t.Helper()
	for i := range items {
		if items[i].ID == id {
			return Of(&items[i])
		}
	}
	t.Fatalf("no item %s", id)
	return Features{}
}

func TestSame(t *testing.T) {
	items := readItems(t, "items.jsonl")
	for _, tc := range []struct {
		a, b string
		want Reason
	}{
		{"t-peru", "a-peru-1", ByArticle},
		{"a-peru-1", "a-peru-2", ByContent},
		{"a-barley-1", "a-barley-2", ByContent},
		{"h-lehman-0", "h-lehman-2", ByHeadline},
		{"h-lehman-1", "h-lehman-c", ByHeadline},
		{"h-digest-1", "h-digest-2", ByHeadline},
		{"a-fed-1", "a-fed-2", None},           // a daily notice: the figures differ
		{"a-div-1", "a-div-2", None},           // one template, two companies
		{"h-lehman-0", "h-lehman-later", None}, // three days later
		{"h-digest-2", "h-digest-next", None},  // the next day's digest
		{"a-peru-1", "a-barley-1", None},
	} {
		a, b := feat(t, items, tc.a), feat(t, items, tc.b)
		for _, pair := range [][2]*Features{{&a, &b}, {&b, &a}} {
			ok, r := Same(pair[0], pair[1])
			if r != tc.want || ok != (tc.want != None) {
				t.Errorf("Same(%s, %s) = %v, %q; want %q", pair[0].ID, pair[1].ID, ok, r, tc.want)
			}
		}
	}
}

func TestBetter(t *testing.T) {
	d := time.Date(2008, 9, 15, 0, 0, 0, 0, time.UTC)
	art := Features{ID: "a", Kind: item.Article, Date: d}
	teaser := Features{ID: "t", Kind: item.Teaser, Date: d.Add(time.Hour)}
	later := Features{ID: "b", Kind: item.Article, Date: d.Add(time.Hour)}
	v2 := Features{ID: "c", Kind: item.Article, Date: d, Version: 2}
	for _, tc := range []struct {
		a, b *Features
		want bool
	}{
		{&art, &teaser, true}, {&teaser, &art, false},
		{&later, &art, true}, {&art, &later, false},
		{&v2, &art, true}, {&art, &v2, false},
		{&art, &art, false},
	} {
		if got := Better(tc.a, tc.b); got != tc.want {
			t.Errorf("Better(%s, %s) = %v", tc.a.ID, tc.b.ID, got)
		}
	}
}

func TestPlace(t *testing.T) {
	items := readItems(t, "items.jsonl")
	l0, l1, l2 := feat(t, items, "h-lehman-0"), feat(t, items, "h-lehman-1"), feat(t, items, "h-lehman-2")
	fed := feat(t, items, "a-fed-2")
	if p := Place(&l2, nil); p.Story != ID("h-lehman-2") || p.Matches != 0 || p.Merged != nil {
		t.Errorf("Place with no candidates = %+v, want a new story of its own", p)
	}
	cands := []Candidate{{l1, "sB"}, {l0, "sA"}, {fed, "sF"}}
	p := Place(&l2, cands)
	if d := cmp.Diff(Placement{Story: "sA", Merged: []string{"sB"}, Matches: 2}, p); d != "" {
		t.Errorf("Place joining two stories (-want +got):\n%s", d)
	}
}

// TestKeysStable: the keys are stored in indexes, so they must not change
// between versions of newsdex (a change needs a mapping version bump).
func TestKeysStable(t *testing.T) {
	items := readItems(t, "items.jsonl")
	var b strings.Builder
	for i := range items {
		f := Of(&items[i])
		fmt.Fprintf(&b, "%s %s\n", items[i].ID, strings.Join(f.Keys(), " "))
	}
	golden(t, "keys.golden", []byte(b.String()))
}

func TestNumbers(t *testing.T) {
	c1 := &Content{Nums: numbers("Net 1,279,000 vs 7,979,000; rate 6-3/16 pct, 1.8218 marks.")}
	if len(c1.Nums) != 4 {
		t.Fatalf("numbers found %d, want 4", len(c1.Nums))
	}
	c2 := &Content{Nums: numbers("Net 1,279,000 vs 7,979,000 and 12 more; 6-3/16 pct at 1.8218 marks")}
	c3 := &Content{Nums: numbers("Net 1,279,000 vs 7,979,000; rate 6-1/4 pct, 1.8218 marks.")}
	if !c1.NumbersAgree(c2) || !c2.NumbersAgree(c1) {
		t.Error("a longer text with the same figures does not agree")
	}
	if c1.NumbersAgree(c3) {
		t.Error("texts with a different figure agree")
	}
	if !(&Content{}).NumbersAgree(&Content{}) {
		t.Error("texts without numbers do not agree")
	}
}
