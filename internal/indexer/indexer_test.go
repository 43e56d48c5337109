package indexer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/catalog"
	"newsdex/internal/input"
	"newsdex/internal/item"
	"newsdex/internal/store"
	"newsdex/internal/story"
)

var day1 = time.Date(1987, 3, 2, 0, 0, 0, 0, time.UTC)
var day2 = time.Date(1987, 5, 20, 0, 0, 0, 0, time.UTC)

func art(title, body string, d time.Time) item.Item {
	return item.Item{Kind: item.Article, Title: title, Body: body, Region: "Europe", Date: d, Source: "Reuters", File: "f.txt"}
}

func teas(title, region string, d time.Time) item.Item {
	return item.Item{Kind: item.Teaser, Title: title, Region: region, Date: d.Add(16*time.Hour + 24*time.Minute),
		Summary: "s of " + title, Source: "Reuters", File: "f.txt", Pages: 1}
}

func page(file string, a item.Item, ts ...item.Item) input.Record {
	return input.Record{File: file, Page: true, Items: append([]item.Item{a}, ts...)}
}

func lines(file string, its ...item.Item) []input.Record {
	var recs []input.Record
	for i, it := range its {
		recs = append(recs, input.Record{File: file, Line: i + 1, Items: []item.Item{it}})
	}
	return recs
}

func records(recs []input.Record) source {
	return source{again: true, read: func(ctx context.Context, fn func(input.Record) error) error {
		for _, r := range recs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}}
}

func id(it item.Item) string { it.EnsureID(); return it.ID }

// all reads every item of the current generation of dir, by id.
func all(t *testing.T, dir string) map[string]item.Item {
	t.Helper()
	ix, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var buf bytes.Buffer
	if _, err := catalog.Export(context.Background(), ix, &buf); err != nil {
		t.Fatal(err)
	}
	out := map[string]item.Item{}
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var it item.Item
		if err := dec.Decode(&it); err != nil {
			t.Fatal(err)
		}
		out[it.ID] = it
	}
	return out
}

var (
	a1   = art("Grain silos fill early", "Farmers filled silos.", day1)
	a2   = art("Ports reopen", "Dockers went back.", day1)
	a2b  = art("Ports reopen", "Another story, same headline.", day1) // same headline and day as a2
	a3   = art("Late frost", "Frost came.", day2)
	t1   = teas("Ports reopen", "Europe", day1) // links to min(a2, a2b)
	t1up = teas("PORTS  reopen", "europe", day1)
	t2   = teas("Mines close", "Africa", day1)
	t3   = teas("Late frost", "Americas", day2) // links to a3
	t4   = teas("Late frost", "Europe", day2)   // another region: another teaser, same article
)

func buildCorpus() []input.Record {
	recs := []input.Record{
		page("p1.txt", a1, t1, t2),
		page("p2.txt", a2, t1up, t2), // t1 again under other case and spacing
		page("p1-copy.txt", a1, t1),  // the same page again: t1 is not counted twice
		{File: "bad.txt", Err: errors.New("bad.txt:1: not a page")},
		page("p3.txt", a3, t3),
		page("p4.txt", a2b, t4),
	}
	return append(recs, lines("x.jsonl", a3, t2)...) // a3 repeated; a JSON t2 with pages 1
}

func TestBuild(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	var skipped []string
	opt := Options{Skipped: func(r input.Record) { skipped = append(skipped, r.Err.Error()) }}
	sum, err := run(context.Background(), dir, records(buildCorpus()), opt, false)
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Index: dir, Generation: "gen-000001", Files: 7, Pages: 5, Records: 14, Articles: 4, Teasers: 4, Merged: 6, Skipped: 1} // 14 records: 3+3+2+2+2 on pages, 2 lines
	sum.Seconds, sum.ItemsPerS = 0, 0
	if diff := cmp.Diff(want, sum); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"bad.txt:1: not a page"}, skipped); diff != "" {
		t.Errorf("skipped: %s", diff)
	}

	got := all(t, dir)
	if len(got) != 8 {
		t.Fatalf("%d items, want 8: %v", len(got), got)
	}
	link2 := min(id(a2), id(a2b))
	checks := []struct {
		it      item.Item
		pages   int
		article string
	}{
		{t1, 2, link2},  // p1 and p2 (p1-copy is p1's article again)
		{t2, 3, ""},     // p1, p2, and 1 from JSON lines
		{t3, 1, id(a3)}, // links to a3
		{t4, 1, id(a3)}, // listed on a2b's page, but its headline is a3's
	}
	for _, c := range checks {
		g, ok := got[id(c.it)]
		if !ok {
			t.Errorf("teaser %q missing", c.it.Title)
			continue
		}
		if g.Pages != c.pages || g.ArticleID != c.article {
			t.Errorf("teaser %q: pages %d article %q, want %d %q", c.it.Title, g.Pages, g.ArticleID, c.pages, c.article)
		}
		if g.Title != c.it.Title || g.Summary != c.it.Summary {
			t.Errorf("teaser %q: fields of the first copy not kept: %+v", c.it.Title, g)
		}
	}
	for _, a := range []item.Item{a1, a2, a2b, a3} {
		w := a
		w.EnsureID()
		w.StoryID = got[w.ID].StoryID // checked below
		if diff := cmp.Diff(w, got[w.ID]); diff != "" {
			t.Errorf("article %q (-want +got):\n%s", a.Title, diff)
		}
	}

	// Stories: a teaser is in its article's story; two articles with one
	// headline the same day and no text to compare are one story; the
	// others are stories of their own.
	storyOf := func(it item.Item) string { return got[id(it)].StoryID }
	for _, c := range []struct {
		a, b item.Item
		same bool
	}{
		{t1, a2, true}, {a2, a2b, true}, {t3, a3, true}, {t4, a3, true},
		{a1, a2, false}, {t2, a1, false}, {a1, a3, false},
	} {
		if (storyOf(c.a) == storyOf(c.b)) != c.same || storyOf(c.a) == "" {
			t.Errorf("stories of %q (%s) and %q (%s): same %v, want %v", c.a.Title, storyOf(c.a), c.b.Title, storyOf(c.b), !c.same, c.same)
		}
	}
	if s := storyOf(a1); s != story.ID(id(a1)) {
		t.Errorf("story of a lone article %s, want %s", s, story.ID(id(a1)))
	}

	// Stats.
	ix, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := catalog.Stats(ix)
	ix.Close()
	if err != nil {
		t.Fatal(err)
	}
	if st.SizeBytes <= 0 {
		t.Errorf("size %d", st.SizeBytes)
	}
	st.SizeBytes = 0
	wantSt := catalog.IndexStats{
		Total:     8,
		ByKind:    map[string]uint64{"article": 4, "teaser": 4},
		ByRegion:  map[string]uint64{"Europe": 6, "Africa": 1, "Americas": 1},
		ByMonth:   map[string]uint64{"1987-03": 5, "1987-05": 3},
		FirstDate: "1987-03-02T00:00:00Z",
		LastDate:  "1987-05-20T16:24:00Z",
	}
	if diff := cmp.Diff(wantSt, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	b, _ := st.JSON()
	wantJSON := `{"total":8,"by_kind":{"article":4,"teaser":4},"by_region":{"Africa":1,"Americas":1,"Europe":6},"by_month":{"1987-03":5,"1987-05":3},"undated":0,"first_date":"1987-03-02T00:00:00Z","last_date":"1987-05-20T16:24:00Z","size_bytes":0}`
	if string(b) != wantJSON {
		t.Errorf("stats JSON\n got %s\nwant %s", b, wantJSON)
	}
	var table bytes.Buffer
	if err := st.WriteTable(&table, ""); err != nil || !bytes.Contains(table.Bytes(), []byte("1987-05  3")) {
		t.Errorf("table: %v\n%s", err, table.String())
	}

	// Export, then build the export: the same items.
	var exp bytes.Buffer
	ix, _ = store.Open(dir)
	n, err := catalog.Export(context.Background(), ix, &exp)
	ix.Close()
	if err != nil || n != 8 {
		t.Fatalf("export: %d, %v", n, err)
	}
	var its []item.Item
	dec := json.NewDecoder(&exp)
	for dec.More() {
		var it item.Item
		if err := dec.Decode(&it); err != nil {
			t.Fatal(err)
		}
		its = append(its, it)
	}
	dir2 := filepath.Join(t.TempDir(), "idx2")
	if _, err := run(context.Background(), dir2, records(lines("export.jsonl", its...)), Options{}, false); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, all(t, dir2)); diff != "" {
		t.Errorf("export then build (-first +second):\n%s", diff)
	}
}

func TestAdd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	if _, err := run(ctx, dir, records(buildCorpus()), Options{}, false); err != nil {
		t.Fatal(err)
	}
	// A reader holds the current generation open, as a server would.
	reader, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	t5 := teas("Mines reopen", "Africa", day2)
	a5 := art("Mines close", "The mines closed.", day1) // t2's article arrives later
	given := item.Item{ID: "custom-1", Kind: item.Article, Title: "Given id", Body: "v1", Date: day2}
	given2 := given
	given2.Title, given2.Body = "Given id, replaced", "v2"
	sum, err := run(ctx, dir, records(append([]input.Record{
		page("p5.txt", a3, t1, t5),   // t1 on a new page (a3's); t5 new
		page("p1-again.txt", a1, t1), // t1 on p1 again: no change
		page("p6.txt", a5),
	}, lines("g.jsonl", given, given2)...)), Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Generation != "gen-000002" || sum.Articles != 4 || sum.Teasers != 2 {
		t.Errorf("summary %+v", sum)
	}
	got := all(t, dir)
	if g := got[id(t1)]; g.Pages != 3 || g.ArticleID != min(id(a2), id(a2b)) {
		t.Errorf("t1 after add: pages %d article %q", g.Pages, g.ArticleID)
	}
	if g := got[id(t5)]; g.Pages != 1 || g.Kind != item.Teaser {
		t.Errorf("t5: %+v", g)
	}
	if g := got[id(t2)]; g.ArticleID != id(a5) || g.Pages != 3 {
		t.Errorf("t2 not relinked to the added article, or pages changed: %+v", g)
	}
	if g := got["custom-1"]; g.Title != "Given id" || g.Body != "v1" {
		// within one run the first copy of an article wins
		t.Errorf("given id: %+v", g)
	}
	if len(got) != 8+3 { // t5, a5, custom-1
		t.Errorf("%d items after add, want 11", len(got))
	}
	// The old reader still answers from its generation.
	if n, err := reader.DocCount(); err != nil || n != 8 {
		t.Errorf("old reader: %d, %v", n, err)
	}

	// Same id from a later add: replaced.
	if _, err := run(ctx, dir, records(lines("g2.jsonl", given2)), Options{}, true); err != nil {
		t.Fatal(err)
	}
	got = all(t, dir)
	if g := got["custom-1"]; g.Title != "Given id, replaced" || g.Body != "v2" {
		t.Errorf("upsert did not replace: %+v", g)
	}
	if len(got) != 11 {
		t.Errorf("%d items", len(got))
	}
	gens, _ := filepath.Glob(filepath.Join(dir, "gen-*"))
	if len(gens) != 2 {
		t.Errorf("generations kept: %v", gens)
	}
}

func TestStrictLeavesIndexAlone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ctx := context.Background()
	if _, err := run(ctx, dir, records([]input.Record{page("p1.txt", a1, t1)}), Options{}, false); err != nil {
		t.Fatal(err)
	}
	var skipped int
	_, err := run(ctx, dir, records(buildCorpus()), Options{Strict: true, Skipped: func(input.Record) { skipped++ }}, false)
	if !errors.Is(err, ErrSkipped) {
		t.Fatalf("strict build: %v", err)
	}
	if skipped != 1 {
		t.Errorf("%d skipped reported", skipped)
	}
	if cur, _ := store.Current(dir); cur != "gen-000001" {
		t.Errorf("current %s", cur)
	}
	if n := len(all(t, dir)); n != 2 {
		t.Errorf("%d items", n)
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, "tmp-*")); len(tmps) != 0 {
		t.Errorf("left behind: %v", tmps)
	}
}

func TestCancelledBuildLeavesIndexAlone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	if _, err := run(context.Background(), dir, records([]input.Record{page("p1.txt", a1, t1)}), Options{}, false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var recs []input.Record
	for i := range 3000 {
		recs = append(recs, page(fmt.Sprintf("p%d.txt", i), art(fmt.Sprintf("Story %d", i), "Body.", day1)))
	}
	src := records(recs)
	inner := src.read
	src.read = func(ctx context.Context, fn func(input.Record) error) error {
		n := 0
		return inner(ctx, func(r input.Record) error {
			if n++; n == 2500 {
				cancel()
			}
			return fn(r)
		})
	}
	_, err := run(ctx, dir, src, Options{BatchSize: 100}, false)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled build: %v", err)
	}
	if n := len(all(t, dir)); n != 2 {
		t.Errorf("%d items after a cancelled build", n)
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, "tmp-*")); len(tmps) != 0 {
		t.Errorf("left behind: %v", tmps)
	}
}

func TestWriterConflict(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	w, err := store.Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// The lock is never waited for: were it, this test would hang.
	_, err = run(context.Background(), dir, records(buildCorpus()), Options{}, false)
	if !errors.Is(err, store.ErrLocked) {
		t.Errorf("build while locked: %v", err)
	}
	_, err = run(context.Background(), dir, records(buildCorpus()), Options{}, true)
	if !errors.Is(err, store.ErrLocked) {
		t.Errorf("add while locked: %v", err)
	}
}

func TestProgressLines(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	var log bytes.Buffer
	if _, err := run(context.Background(), dir, records(buildCorpus()), Options{Progress: &log}, false); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	for _, want := range []string{"msg=reading", "msg=teasers", "msg=finishing", "bad.txt:1: not a page", "7 files, 5 pages, 14 records, 8 items (4 articles, 4 distinct teasers), 6 duplicates merged, 1 skipped"} {
		if !bytes.Contains(log.Bytes(), []byte(want)) {
			t.Errorf("progress output lacks %q:\n%s", want, out)
		}
	}
}

// manyRecords is n pages of one article and one teaser each, with distinct
// headlines, for builds of many batches.
func manyRecords(n int) []input.Record {
	var recs []input.Record
	for i := range n {
		d := day1.AddDate(0, 0, i%40)
		a := art(fmt.Sprintf("Story number %d on grain", i), fmt.Sprintf("Body %d: farmers, ports and frost.", i), d)
		recs = append(recs, page(fmt.Sprintf("p%04d.txt", i), a, teas(fmt.Sprintf("Story number %d on grain", (i+1)%n), "Europe", d)))
	}
	return recs
}

// TestBuildOneSegmentFile: a build of many batches applied by several
// goroutines (each into a builder of its own, merged at the end) publishes a
// generation holding exactly one segment file (the merged-away ones and the
// builders' parts deleted), with the same items whatever the batch size and
// the number of goroutines.
func TestBuildOneSegmentFile(t *testing.T) {
	recs := manyRecords(600)
	var want map[string]item.Item
	for _, opt := range []Options{{BatchSize: 1000, Workers: 1}, {BatchSize: 7, Workers: 2}, {BatchSize: 13, Workers: 4}} {
		dir := filepath.Join(t.TempDir(), "idx")
		sum, err := run(context.Background(), dir, records(recs), opt, false)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Articles != 600 || sum.Teasers != 600 {
			t.Errorf("batch %d, %d workers: %d articles, %d teasers, want 600 and 600", opt.BatchSize, opt.Workers, sum.Articles, sum.Teasers)
		}
		zaps, err := store.SegmentFiles(filepath.Join(dir, sum.Generation))
		if err != nil {
			t.Fatal(err)
		}
		if len(zaps) != 1 {
			t.Errorf("batch %d, %d workers: %s holds %d segment files %v, want 1", opt.BatchSize, opt.Workers, sum.Generation, len(zaps), zaps)
		}
		// Nothing of the builders' parts is left beside the index.
		ents, err := os.ReadDir(filepath.Join(dir, sum.Generation))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		if d := cmp.Diff([]string{"index_meta.json", "store"}, names); d != "" {
			t.Errorf("batch %d, %d workers: the generation holds (-want +got):\n%s", opt.BatchSize, opt.Workers, d)
		}
		meta, err := os.ReadFile(filepath.Join(dir, sum.Generation, "index_meta.json"))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(meta, []byte("unsafe_batch")) {
			t.Errorf("index_meta.json keeps the build's unsafe_batch for later writers: %s", meta)
		}
		got := all(t, dir)
		if want == nil {
			want = got
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("batch %d, %d workers: items differ from one goroutine's (-want +got):\n%s", opt.BatchSize, opt.Workers, diff)
		}
	}
}

// Each index add writes at least one small segment into a generation that is
// open only while the add runs; scorch's merger must still keep the number of
// segments bounded (29 adds leave 2 segment files), or every search would
// visit one segment per add.
func TestAddsKeepSegmentsBounded(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	recs := manyRecords(30)
	if _, err := run(context.Background(), dir, records(recs[:1]), Options{}, false); err != nil {
		t.Fatal(err)
	}
	var sum Summary
	var err error
	for i := 1; i < len(recs); i++ {
		if sum, err = run(context.Background(), dir, records(recs[i:i+1]), Options{}, true); err != nil {
			t.Fatal(err)
		}
	}
	zaps, err := store.SegmentFiles(filepath.Join(dir, sum.Generation))
	if err != nil {
		t.Fatal(err)
	}
	if len(zaps) > 12 {
		t.Errorf("after %d adds %s holds %d segment files, want at most 12", len(recs)-1, sum.Generation, len(zaps))
	}
	if got := all(t, dir); len(got) != 60 {
		t.Errorf("%d items after the adds, want 60", len(got))
	}
}

// Issue 13 case 1: index build and add pointed at an ordinary folder refuse
// it with a clear message and delete nothing.
func TestOrdinaryFolderIsRefused(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"tmp-photos/a.jpg", "gen-7/notes.txt"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pages := filepath.Join("..", "..", "testdata", "pages")
	for name, fn := range map[string]func(context.Context, string, []string, Options) (Summary, error){"build": Build, "add": Add} {
		_, err := fn(context.Background(), dir, []string{pages}, Options{})
		if !errors.Is(err, store.ErrNotIndex) {
			t.Errorf("%s: %v, want store.ErrNotIndex", name, err)
		} else if want := "not an index folder: " + dir + " holds other files (gen-7, tmp-photos)"; !strings.Contains(err.Error(), want) {
			t.Errorf("%s: message %q, want it to contain %q", name, err, want)
		}
	}
	for _, f := range []string{"tmp-photos/a.jpg", "gen-7/notes.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the user's %s: %v", f, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("the folder holds %d entries, want the user's 2", len(entries))
	}
}

// Issue 13 case 9: a build against a missing path, or one that reads
// nothing, fails before creating anything: no folder, no write.lock.
func TestFailedFirstBuildCreatesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	_, err := Build(context.Background(), dir, []string{"/no/such/path"}, Options{})
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "/no/such/path") {
		t.Errorf("build of a missing path: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the missing path left the index folder behind: %v", err)
	}
	empty := t.TempDir()
	if _, err := Build(context.Background(), dir, []string{empty}, Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("build of nothing: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an empty build left the index folder behind: %v", err)
	}
}

// skips runs a build of recs and returns its summary and the skip messages.
func skips(t *testing.T, dir string, recs []input.Record) (Summary, []string) {
	t.Helper()
	var msgs []string
	sum, err := run(context.Background(), dir, records(recs), Options{Skipped: func(r input.Record) { msgs = append(msgs, r.Err.Error()) }}, false)
	if err != nil {
		t.Fatal(err)
	}
	return sum, msgs
}

// Issue 13 case 4: an article and a teaser with the same id from JSON lines:
// the first is kept, the second skipped naming its line, and the summary
// counts what the index holds.
func TestArticleAndTeaserSameID(t *testing.T) {
	for _, order := range []string{"article first", "teaser first"} {
		a := art("Ports reopen", "Dockers went back.", day1)
		a.ID = "same"
		ts := teas("Ports reopen", "Europe", day1)
		ts.ID = "same"
		first, second, kind := a, ts, item.Article
		if order == "teaser first" {
			first, second, kind = ts, a, item.Teaser
		}
		dir := filepath.Join(t.TempDir(), "idx")
		sum, msgs := skips(t, dir, lines("x.jsonl", first, second))
		want := fmt.Sprintf(`x.jsonl:2: id "same" is %s's already`, map[item.Kind]string{item.Article: "an article", item.Teaser: "a teaser"}[kind])
		if len(msgs) != 1 || !strings.HasPrefix(msgs[0], want) {
			t.Errorf("%s: skips %q, want one starting %q", order, msgs, want)
		}
		got := all(t, dir)
		if len(got) != 1 || got["same"].Kind != kind {
			t.Errorf("%s: index holds %v, want the %s", order, got, kind)
		}
		if sum.Articles+sum.Teasers != 1 || sum.Skipped != 1 ||
			(kind == item.Article) != (sum.Articles == 1) {
			t.Errorf("%s: summary %s", order, sum.Line())
		}
	}
}

// Issue 13 case 8: ids that GET /api/items/{id} cannot serve are skipped at
// build time, naming FILE:LINE; the others go in.
func TestUnservableIDsSkipped(t *testing.T) {
	var its []item.Item
	for _, id := range []string{"ok/1", "a/../b", strings.Repeat("x", 513), "a//b", "fine"} {
		it := art("Story "+id, "Body.", day1)
		it.ID = id
		its = append(its, it)
	}
	dir := filepath.Join(t.TempDir(), "idx")
	sum, msgs := skips(t, dir, lines("ids.jsonl", its...))
	want := []string{
		`ids.jsonl:2: id "a/../b" not a servable id: has an empty, "." or ".." segment between slashes`,
		`ids.jsonl:3: id "` + strings.Repeat("x", 40) + `..." not a servable id: longer than 512 bytes`,
		`ids.jsonl:4: id "a//b" not a servable id: has an empty, "." or ".." segment between slashes`,
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("skips (-want +got):\n%s", diff)
	}
	if got := all(t, dir); len(got) != 2 || sum.Articles != 2 || sum.Skipped != 3 {
		t.Errorf("index holds %d items; summary %s", len(got), sum.Line())
	}
}

// Issue 13 case 2, the index side: a date out of the range bleve can hold
// and find is a skipped record, not a document that no date range finds.
func TestDatesOutOfRangeSkipped(t *testing.T) {
	early := art("Early", "Body.", time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC))
	late := art("Late", "Body.", time.Date(2262, 4, 12, 0, 0, 0, 0, time.UTC))
	first := art("First", "Body.", item.MinDate())
	last := art("Last", "Body.", item.MaxDate())
	dir := filepath.Join(t.TempDir(), "idx")
	sum, msgs := skips(t, dir, append(lines("d.jsonl", early, first, last), page("late.txt", late)))
	want := []string{
		"d.jsonl:1: date 1500-01-01T00:00:00Z out of range (1677-12-01 to 2262-04-11)",
		"late.txt:1: date 2262-04-12T00:00:00Z out of range (1677-12-01 to 2262-04-11)",
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("skips (-want +got):\n%s", diff)
	}
	if sum.Articles != 2 || sum.Skipped != 2 {
		t.Errorf("summary %s", sum.Line())
	}
}

// TestUndated builds and adds undated items: they are indexed, counted as
// undated in stats, and an add of undated teasers and articles does not fail.
func TestUndated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	u1 := item.Item{Kind: item.Article, Title: "Ad sales boost Time Warner profit", Body: "Profits jumped.", File: "business/001.txt"}
	u2 := item.Item{Kind: item.Article, Title: "Dollar gains on Greenspan speech", Body: "The dollar rose.", File: "business/002.txt"}
	dated := art("Grain silos fill early", "Farmers filled silos.", day1)
	if _, err := run(context.Background(), dir, records(lines("u.jsonl", u1, dated)), Options{}, false); err != nil {
		t.Fatal(err)
	}
	ut := item.Item{Kind: item.Teaser, Title: "Undated teaser", Summary: "s", Pages: 1}
	if _, err := run(context.Background(), dir, records(lines("v.jsonl", u2, ut)), Options{}, true); err != nil {
		t.Fatalf("add of undated items: %v", err)
	}
	ix, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	st, err := catalog.Stats(ix)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 4 || st.Undated != 3 || st.ByMonth["1987-03"] != 1 || len(st.ByMonth) != 1 ||
		st.FirstDate != "1987-03-02T00:00:00Z" || st.LastDate != "1987-03-02T00:00:00Z" {
		t.Errorf("stats %+v; want 4 items, 3 undated, one dated in 1987-03", st)
	}
	var table bytes.Buffer
	if err := st.WriteTable(&table, ""); err != nil || !bytes.Contains(table.Bytes(), []byte("undated     3")) {
		t.Errorf("table: %v\n%s", err, table.String())
	}
}

// TestSummaryLine: counts with thousands separators, singular and plural
// right, duplicates counted.
func TestSummaryLine(t *testing.T) {
	tests := []struct {
		sum  Summary
		want string
	}{
		{Summary{Index: "news.bleve", Generation: "gen-000001", Files: 1, Records: 216726, Articles: 199906, Merged: 16820, Seconds: 41.04, ItemsPerS: 4871.2},
			"news.bleve gen-000001: 1 file, 0 pages, 216,726 records, 199,906 items (199,906 articles, 0 distinct teasers), 16,820 duplicates merged, 0 skipped in 41.0s (4,871 items/s)"},
		{Summary{Index: "d", Generation: "gen-000002", Files: 2, Pages: 1, Records: 2, Articles: 1, Teasers: 1, Skipped: 1, Seconds: 0.01, ItemsPerS: 200},
			"d gen-000002: 2 files, 1 page, 2 records, 2 items (1 article, 1 distinct teaser), 0 duplicates merged, 1 skipped in 0.0s (200 items/s)"},
		{Summary{Index: "d", Generation: "gen-000003", Files: 1, Records: 2, Articles: 1, Merged: 1},
			"d gen-000003: 1 file, 0 pages, 2 records, 1 item (1 article, 0 distinct teasers), 1 duplicate merged, 0 skipped in 0.0s (0 items/s)"},
	}
	for _, tt := range tests {
		if got := tt.sum.Line(); got != tt.want {
			t.Errorf("Line() =\n%s\nwant\n%s", got, tt.want)
		}
	}
}
