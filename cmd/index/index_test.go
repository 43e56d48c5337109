package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/catalog"
	"newsdex/internal/cli"
	"newsdex/internal/indexer"
	"newsdex/internal/item"
	"newsdex/internal/store"
	"newsdex/internal/testenv"
)

// Tests of index build, add, stats and export. They run the commands in
// the process (runIndex), in the repository root; e2e_test.go runs the built
// binary for what needs a process of its own.

type result struct {
	code           int
	stdout, stderr string
}

// runIndex runs "index args..." in the process, in the repository root with
// $NEWSDEX_INDEX unset, stdin as its standard input.
func runIndex(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	if wd, _ := os.Getwd(); wd != testenv.Root(t) {
		t.Chdir(testenv.Root(t))
	}
	t.Setenv(store.EnvDir, "")
	var out, errb bytes.Buffer
	ios := &cli.IO{In: strings.NewReader(stdin), Out: &out, Err: &errb}
	code := cli.Run(context.Background(), newCmdRoot(ios), ios, args)
	return result{code, out.String(), errb.String()}
}

func mustIndex(t *testing.T, args ...string) result {
	t.Helper()
	r := runIndex(t, "", args...)
	if r.code != 0 {
		t.Fatalf("index %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

func decodeItems(t *testing.T, s string) []item.Item {
	t.Helper()
	var its []item.Item
	dec := json.NewDecoder(strings.NewReader(s))
	for dec.More() {
		var it item.Item
		if err := dec.Decode(&it); err != nil {
			t.Fatal(err)
		}
		its = append(its, it)
	}
	return its
}

func statsOf(t *testing.T, dir string) catalog.IndexStats {
	t.Helper()
	r := mustIndex(t, "stats", "--json", "--index", dir)
	var st catalog.IndexStats
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, r.stdout)
	}
	return st
}

// testdataPaths are the good inputs of testdata/ and the flags they need.
var testdataPaths = []string{"testdata/pages", "testdata/jsonl/items.jsonl"}

func TestBuildTestdataStatsExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")

	// What index parse gives is what build indexes: count the distinct items.
	parsed := decodeItems(t, mustIndex(t, append([]string{"parse"}, testdataPaths...)...).stdout)
	articles, teasers := map[string]bool{}, map[string]bool{}
	regions, months := map[string]uint64{}, map[string]uint64{}
	for _, it := range parsed {
		it.EnsureID()
		seen := articles
		if it.Kind == item.Teaser {
			seen = teasers
		}
		if !seen[it.ID] {
			seen[it.ID] = true
			if it.Region != "" {
				regions[it.Region]++
			}
			months[it.Date.Format("2006-01")]++
		}
	}
	if len(articles) < 10 || len(teasers) < 10 {
		t.Fatalf("testdata gives %d articles and %d teasers: too few for this test", len(articles), len(teasers))
	}

	r := mustIndex(t, append([]string{"build", "--json", "--index", dir}, testdataPaths...)...)
	var sum indexer.Summary
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("build --json: %v\n%s", err, r.stdout)
	}
	if sum.Articles != len(articles) || sum.Teasers != len(teasers) || sum.Skipped != 0 || sum.Generation != "gen-000001" {
		t.Errorf("summary %+v; want %d articles, %d teasers", sum, len(articles), len(teasers))
	}
	if !strings.Contains(r.stderr, fmt.Sprintf("%d articles, %d distinct teasers), ", len(articles), len(teasers))) {
		t.Errorf("no summary line on stderr:\n%s", r.stderr)
	}

	st := statsOf(t, dir)
	if st.Total != uint64(len(articles)+len(teasers)) ||
		st.ByKind["article"] != uint64(len(articles)) || st.ByKind["teaser"] != uint64(len(teasers)) {
		t.Errorf("stats %+v", st)
	}
	if diff := cmp.Diff(regions, st.ByRegion); diff != "" {
		t.Errorf("by_region (-parse +stats):\n%s", diff)
	}
	for m, n := range months {
		if st.ByMonth[m] != n {
			t.Errorf("by_month[%s] = %d, want %d", m, st.ByMonth[m], n)
		}
	}
	if st.SizeBytes <= 0 || st.FirstDate == "" || st.LastDate < st.FirstDate {
		t.Errorf("stats %+v", st)
	}
	table := mustIndex(t, "stats", "--index", dir).stdout
	if !strings.Contains(table, "articles") || !strings.Contains(table, "region") {
		t.Errorf("stats table:\n%s", table)
	}

	// Export: every item once, teasers with pages and links.
	exported := mustIndex(t, "export", "--index", dir).stdout
	items := decodeItems(t, exported)
	if len(items) != int(st.Total) {
		t.Fatalf("export gives %d items, stats %d", len(items), st.Total)
	}
	byID := map[string]item.Item{}
	for _, it := range items {
		byID[it.ID] = it
	}
	linked := 0
	for _, it := range items {
		switch it.Kind {
		case item.Article:
			if !articles[it.ID] {
				t.Errorf("exported article %s was not parsed", it.ID)
			}
		case item.Teaser:
			if !teasers[it.ID] || it.Pages < 1 {
				t.Errorf("exported teaser %+v", it)
			}
			if it.ArticleID != "" {
				a, ok := byID[it.ArticleID]
				if !ok || item.HeadlineKey(a.Day(), a.Title) != item.HeadlineKey(it.Day(), it.Title) {
					t.Errorf("teaser %s links to %s, not its headline's article", it.ID, it.ArticleID)
				}
				linked++
			}
		}
	}
	t.Logf("testdata: %d articles, %d teasers (%d linked to an article)", len(articles), len(teasers), linked)

	// Export then build round-trips: same ids, counts and fields.
	expFile := filepath.Join(t.TempDir(), "export.jsonl")
	if err := os.WriteFile(expFile, []byte(exported), 0o644); err != nil {
		t.Fatal(err)
	}
	dir2 := filepath.Join(t.TempDir(), "idx2")
	mustIndex(t, "build", "--index", dir2, expFile)
	if diff := cmp.Diff(items, decodeItems(t, mustIndex(t, "export", "--index", dir2).stdout)); diff != "" {
		t.Errorf("export, build, export (-first +second):\n%s", diff)
	}
	st2 := statsOf(t, dir2)
	st.SizeBytes, st2.SizeBytes = 0, 0
	if diff := cmp.Diff(st, st2); diff != "" {
		t.Errorf("stats after the round trip (-first +second):\n%s", diff)
	}
}

func TestBuildBadFilesAndStrict(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	// Without --strict: the bad files are reported and skipped, the build goes on.
	r := runIndex(t, "", "build", "--json", "--index", dir, "testdata/pages", "testdata/bad")
	if r.code != 3 {
		t.Fatalf("build with bad files: exit %d\n%s", r.code, r.stderr)
	}
	var sum indexer.Summary
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Skipped == 0 {
		t.Errorf("nothing skipped: %+v", sum)
	}
	for _, f := range []string{"empty.txt:1:", "no-date.txt:1:", "binary.txt:1:", "bad-lines.jsonl:2:"} {
		if !strings.Contains(r.stderr, f) {
			t.Errorf("stderr does not report %s:\n%s", f, r.stderr)
		}
	}
	before := statsOf(t, dir)
	gen, _ := store.Current(dir)

	// --strict: exit 1, DIR untouched.
	r = runIndex(t, "", "build", "--strict", "--index", dir, "testdata/jsonl/items.jsonl", "testdata/bad")
	if r.code != 1 || !strings.Contains(r.stderr, "--strict") || !strings.Contains(r.stderr, "empty.txt:1:") {
		t.Errorf("strict build: exit %d\n%s", r.code, r.stderr)
	}
	if g, _ := store.Current(dir); g != gen {
		t.Errorf("strict build switched %s to %s", gen, g)
	}
	after := statsOf(t, dir)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("strict build changed the index:\n%s", diff)
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, "tmp-*")); len(tmps) != 0 {
		t.Errorf("left behind: %v", tmps)
	}

	// Only bad files: nothing to index, the index stays.
	r = runIndex(t, "", "build", "--index", dir, "testdata/bad/empty.txt", "testdata/bad/binary.txt", "testdata/bad/no-date.txt")
	if r.code != 1 || !strings.Contains(r.stderr, "left as it was") {
		t.Errorf("build of bad files only: exit %d\n%s", r.code, r.stderr)
	}
	if g, _ := store.Current(dir); g != gen {
		t.Errorf("switched to %s", g)
	}
}

func TestUsageAndMissingIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "none")
	for _, args := range [][]string{{"build"}, {"add"}, {"build", "--bogus", "x"}, {"stats", "extra"}, {"build", "--field", "nonsense", "x"}} {
		if r := runIndex(t, "", args...); r.code != 2 {
			t.Errorf("index %v: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
	}
	for _, cmd := range []string{"stats", "export"} {
		r := runIndex(t, "", cmd, "--index", dir)
		if r.code != 1 || !strings.Contains(r.stderr, "index build --index "+dir) {
			t.Errorf("%s of a missing index: exit %d\n%s", cmd, r.code, r.stderr)
		}
	}
	r := runIndex(t, "", "build", "--index", dir, filepath.Join(dir, "missing.txt"))
	if r.code != 1 {
		t.Errorf("build of a missing path: exit %d\n%s", r.code, r.stderr)
	}
}

// TestHelperHoldIndex is not a test: the tests below run it in a separate
// process to hold an index open for reading, or hold the write lock, as
// another process would.
func TestHelperHoldIndex(t *testing.T) {
	dir := os.Getenv("NEWSDEX_TEST_HOLD")
	if dir == "" {
		t.Skip("helper process only")
	}
	if os.Getenv("NEWSDEX_TEST_HOLD_LOCK") != "" {
		w, err := store.Lock(dir)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		defer w.Close()
		fmt.Println("locked")
	} else {
		ix, err := store.Open(dir)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		defer ix.Close()
		n, _ := ix.DocCount()
		fmt.Println("open", n)
		defer func() {
			// after the add: the old generation still answers
			n, err := ix.DocCount()
			fmt.Println("still open", n, err)
		}()
	}
	// wait until the test closes stdin
	bufio.NewReader(os.Stdin).ReadString('\n')
}

type holder struct {
	cmd   *exec.Cmd
	stdin interface{ Close() error }
	out   *bufio.Reader
}

func hold(t *testing.T, dir string, lock bool) (*holder, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldIndex$", "-test.count=1")
	cmd.Env = append(os.Environ(), "NEWSDEX_TEST_HOLD="+dir)
	if lock {
		cmd.Env = append(cmd.Env, "NEWSDEX_TEST_HOLD_LOCK=1")
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &holder{cmd, stdin, bufio.NewReader(stdout)}
	t.Cleanup(func() { h.stdin.Close(); h.cmd.Process.Kill(); h.cmd.Wait() })
	line, err := h.out.ReadString('\n')
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	return h, strings.TrimSpace(line)
}

// release ends the helper and returns the rest of its output.
func (h *holder) release(t *testing.T) string {
	t.Helper()
	h.stdin.Close()
	var rest strings.Builder
	for {
		line, err := h.out.ReadString('\n')
		rest.WriteString(line)
		if err != nil {
			break
		}
	}
	h.cmd.Wait()
	return rest.String()
}

func TestAddWhileAnotherProcessReads(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	mustIndex(t, "build", "--index", dir, "testdata/pages")
	before := statsOf(t, dir)

	h, first := hold(t, dir, false)
	if first != fmt.Sprintf("open %d", before.Total) {
		t.Fatalf("helper: %q", first)
	}
	extra := filepath.Join(t.TempDir(), "extra.jsonl")
	lines := `{"id":"extra-1","title":"Copper miners strike in the north","date":"1987-03-09","body":"Miners walked out.","region":"Americas"}
{"id":"extra-2","kind":"teaser","title":"Copper price jumps","date":"1987-03-09","region":"Americas","pages":2}
`
	if err := os.WriteFile(extra, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runIndex(t, "", "add", "--json", "--index", dir, extra)
	if r.code != 0 {
		t.Fatalf("add while read: exit %d\n%s", r.code, r.stderr)
	}
	after := statsOf(t, dir)
	if after.Total != before.Total+2 || after.ByKind["teaser"] != before.ByKind["teaser"]+1 {
		t.Errorf("after add: %+v, before %+v", after, before)
	}
	if rest := h.release(t); !strings.Contains(rest, fmt.Sprintf("still open %d <nil>", before.Total)) {
		t.Errorf("reader after the add: %q", rest)
	}
	// Adding the same again changes no count.
	mustIndex(t, "add", "--index", dir, extra)
	if again := statsOf(t, dir); again.Total != after.Total {
		t.Errorf("re-adding: total %d, want %d", again.Total, after.Total)
	}
	if gens, _ := filepath.Glob(filepath.Join(dir, "gen-*")); len(gens) != 2 {
		t.Errorf("generations kept: %v", gens)
	}
}

func TestWriterLockedFailsFast(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, first := hold(t, dir, true)
	if first != "locked" {
		t.Fatalf("helper: %q", first)
	}
	// The lock is never waited for: were it, this test would hang.
	for _, cmd := range []string{"build", "add"} {
		r := runIndex(t, "", cmd, "--index", dir, "testdata/jsonl/items.jsonl")
		if r.code != 1 || !strings.Contains(r.stderr, "another index build or add is writing "+dir) {
			t.Errorf("%s while locked: exit %d\n%s", cmd, r.code, r.stderr)
		}
	}
}

// index parse is what index build indexes: building its output gives the same
// items, teaser page counts included, as building the pages themselves.
func TestParseThenBuildEqualsBuild(t *testing.T) {
	direct := filepath.Join(t.TempDir(), "direct")
	mustIndex(t, append([]string{"build", "--index", direct}, testdataPaths...)...)
	parsed := mustIndex(t, append([]string{"parse"}, testdataPaths...)...).stdout
	viaParse := filepath.Join(t.TempDir(), "via-parse")
	if r := runIndex(t, parsed, "build", "--index", viaParse, "-"); r.code != 0 {
		t.Fatalf("build - of index parse output: exit %d\n%s", r.code, r.stderr)
	}
	want := decodeItems(t, mustIndex(t, "export", "--index", direct).stdout)
	got := decodeItems(t, mustIndex(t, "export", "--index", viaParse).stdout)
	multi := 0
	for _, it := range want {
		if it.Pages > 1 {
			multi++
		}
	}
	if multi == 0 {
		t.Fatal("testdata has no teaser listed on several pages: this test would prove nothing")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("export after build of the pages (-) and of index parse's output (+):\n%s", diff)
	}
}
