package story

import (
	"sort"
	"time"
)

// MaxBucket bounds how many earlier items sharing one key a new item is
// compared with (the latest MaxBucket added), so that a key shared by very
// many items (a recurring notice's headline) keeps grouping linear.
const MaxBucket = 512

// Grouper groups items into stories in memory, for index build: Add every
// item, then read Stories. The grouping does not depend on the order of the
// items as long as no key is shared by more than MaxBucket items.
type Grouper struct {
	items   []Features
	given   []string // story id given with the item (index export), or ""
	parent  []int32
	byID    map[string]int32
	byKey   map[string][]int32
	waiting map[string][]int32 // article id -> teasers seen before it
	byGiven map[string]int32   // given story id -> its first item
	// attach are the headline matches between an item with text and one
	// without, settled in Stories so that an item without text never joins
	// two stories that their texts keep apart.
	attach [][2]int32

	// Compared counts the pairs Same was asked about.
	Compared int
}

// NewGrouper returns an empty Grouper.
func NewGrouper() *Grouper {
	return &Grouper{
		byID:    map[string]int32{},
		byKey:   map[string][]int32{},
		waiting: map[string][]int32{},
		byGiven: map[string]int32{},
	}
}

// Add adds an item with its features; given is the story id it came with
// (index export writes it) or "". Items with a given id keep it: two stories
// with different given ids are never joined. A second item with an id
// already added is ignored.
func (g *Grouper) Add(f Features, given string) {
	if _, dup := g.byID[f.ID]; dup {
		return
	}
	i := int32(len(g.items))
	g.items = append(g.items, f)
	g.given = append(g.given, given)
	g.parent = append(g.parent, i)
	g.byID[f.ID] = i
	fi := &g.items[i]

	if given != "" {
		if j, ok := g.byGiven[given]; ok {
			g.union(i, j)
		} else {
			g.byGiven[given] = i
		}
	}

	if f.ArticleID != "" {
		if a, ok := g.byID[f.ArticleID]; ok {
			g.union(i, a)
		} else {
			g.waiting[f.ArticleID] = append(g.waiting[f.ArticleID], i)
		}
	}
	if ts, ok := g.waiting[f.ID]; ok {
		for _, t := range ts {
			g.union(i, t)
		}
		delete(g.waiting, f.ID)
	}
	for _, k := range fi.Keys() {
		b := g.byKey[k]
		from := 0
		if len(b) > MaxBucket {
			from = len(b) - MaxBucket
		}
		for _, j := range b[from:] {
			if g.find(i) == g.find(j) {
				continue
			}
			g.Compared++
			fj := &g.items[j]
			if ok, _ := Same(fi, fj); ok {
				if (fi.Content == nil) != (fj.Content == nil) {
					g.attach = append(g.attach, [2]int32{i, j})
				} else {
					g.union(i, j)
				}
			}
		}
		g.byKey[k] = append(b, i)
	}
}

func (g *Grouper) find(i int32) int32 {
	for g.parent[i] != i {
		g.parent[i] = g.parent[g.parent[i]]
		i = g.parent[i]
	}
	return i
}

// union joins the groups of i and j unless both carry different given ids.
func (g *Grouper) union(i, j int32) {
	ri, rj := g.find(i), g.find(j)
	if ri == rj {
		return
	}
	gi, gj := g.given[ri], g.given[rj]
	if gi != "" && gj != "" && gi != gj {
		return
	}
	if gi == "" {
		g.given[ri] = gj
	}
	g.parent[rj] = ri
}

// Story is one story: its id, its items oldest first (by date, then id) and
// its representative (Better than every other item).
type Story struct {
	ID    string
	Items []string
	Best  string
}

// settle joins each group of items without text to one group with text that
// one of its items matched by headline: the one with the match closest in
// time (then the earlier item). Groups that hold text are never joined here.
func (g *Grouper) settle() {
	hasText := make(map[int32]bool)
	for i := range g.items {
		if g.items[i].Content != nil {
			hasText[g.find(int32(i))] = true
		}
	}
	type choice struct {
		to  int32 // the item with text
		gap time.Duration
	}
	best := map[int32]choice{}
	for _, m := range g.attach {
		bare, text := m[0], m[1]
		if g.items[bare].Content != nil {
			bare, text = text, bare
		}
		r := g.find(bare)
		if hasText[r] {
			continue
		}
		gap := g.items[bare].Date.Sub(g.items[text].Date)
		if gap < 0 {
			gap = -gap
		}
		c, ok := best[r]
		if !ok || gap < c.gap || gap == c.gap && Earlier(&g.items[text], &g.items[c.to]) {
			best[r] = choice{text, gap}
		}
	}
	for r, c := range best {
		g.union(c.to, r)
	}
	g.attach = nil
}

// Stories returns every story, ordered by id, and a map from item id to story
// id. Call it once, after every Add.
func (g *Grouper) Stories() ([]Story, map[string]string) {
	g.settle()
	groups := map[int32][]int32{}
	for i := range g.items {
		r := g.find(int32(i))
		groups[r] = append(groups[r], int32(i))
	}
	out := make([]Story, 0, len(groups))
	of := make(map[string]string, len(g.items))
	for r, members := range groups {
		sort.Slice(members, func(a, b int) bool { return Earlier(&g.items[members[a]], &g.items[members[b]]) })
		id := g.given[r]
		if id == "" {
			id = ID(g.items[members[0]].ID)
		}
		s := Story{ID: id, Items: make([]string, len(members))}
		best := members[0]
		for k, m := range members {
			s.Items[k] = g.items[m].ID
			of[g.items[m].ID] = id
			if Better(&g.items[m], &g.items[best]) {
				best = m
			}
		}
		s.Best = g.items[best].ID
		out = append(out, s)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out, of
}

// Len is the number of items added.
func (g *Grouper) Len() int { return len(g.items) }
