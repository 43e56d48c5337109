package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"newsdex/internal/item"
	"newsdex/internal/schema"
)

func TestResolveDir(t *testing.T) {
	t.Setenv(EnvDir, "")
	if got := ResolveDir(""); got != DefaultDir {
		t.Errorf("ResolveDir(\"\") = %q, want %q", got, DefaultDir)
	}
	t.Setenv(EnvDir, "/env/idx")
	if got := ResolveDir(""); got != "/env/idx" {
		t.Errorf("with $%s: %q", EnvDir, got)
	}
	if got := ResolveDir("flag.bleve"); got != "flag.bleve" {
		t.Errorf("flag wins: %q", got)
	}
}

func TestNoIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	_, err := Open(dir)
	if !errors.Is(err, ErrNoIndex) {
		t.Fatalf("Open of a missing folder: %v, want ErrNoIndex", err)
	}
	if !strings.Contains(err.Error(), "index build --index "+dir) {
		t.Errorf("error does not say how to build one: %v", err)
	}
	if _, err := Current(dir); !errors.Is(err, ErrNoIndex) {
		t.Errorf("Current: %v", err)
	}
}

// build writes a generation holding docs (id -> title) and commits it.
func build(t *testing.T, dir string, titles ...string) string {
	t.Helper()
	w, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tmp, err := w.TempPath()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := Create(tmp)
	if err != nil {
		t.Fatal(err)
	}
	indexTitles(t, idx, titles...)
	if err := Stamp(idx); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	gen, err := w.Commit(tmp)
	if err != nil {
		t.Fatal(err)
	}
	return gen
}

func indexTitles(t *testing.T, idx bleve.Index, titles ...string) {
	t.Helper()
	b := idx.NewBatch()
	for _, title := range titles {
		it := item.Item{Kind: item.Article, Title: title, Date: time.Date(1987, 3, 1, 0, 0, 0, 0, time.UTC), Body: title}
		it.EnsureID()
		if err := b.Index(it.ID, schema.Document(&it)); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, dir string) uint64 {
	t.Helper()
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	n, err := ix.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func gens(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), genPrefix) || strings.HasPrefix(e.Name(), tmpPrefix) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestBuildSwitchAndPrune(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	if g := build(t, dir, "one"); g != "gen-000001" {
		t.Fatalf("first generation %q", g)
	}
	if n := count(t, dir); n != 1 {
		t.Fatalf("count %d", n)
	}
	build(t, dir, "one", "two")
	g3 := build(t, dir, "one", "two", "three")
	cur, err := Current(dir)
	if err != nil || cur != g3 {
		t.Fatalf("Current = %q, %v; want %q", cur, err, g3)
	}
	if n := count(t, dir); n != 3 {
		t.Fatalf("count %d", n)
	}
	got := strings.Join(gens(t, dir), " ")
	if got != "gen-000002 gen-000003" {
		t.Errorf("generations kept: %s (want the current and the previous)", got)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	size, err := ix.SizeBytes()
	if err != nil || size <= 0 {
		t.Errorf("SizeBytes = %d, %v", size, err)
	}
}

func TestCrashLeavesIndexIntact(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	g1 := build(t, dir, "one", "two")

	// A writer that died part-way: its lock is gone with its process, its
	// half-written folder stays.
	w, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	tmp, err := w.TempPath()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := Create(tmp)
	if err != nil {
		t.Fatal(err)
	}
	indexTitles(t, idx, "three")
	// No Close, no Commit; simulate the death by dropping the lock and
	// opening nothing more. (The bolt lock of idx is per descriptor; close it
	// so the test does not leak it, without committing.)
	idx.Close()
	w.Close()

	if cur, _ := Current(dir); cur != g1 {
		t.Fatalf("current %q, want %q", cur, g1)
	}
	if n := count(t, dir); n != 2 {
		t.Fatalf("readers see %d docs, want the old 2", n)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("the simulated leftover is gone already: %v", err)
	}
	// The next build works and clears the leftover.
	build(t, dir, "a", "b", "c", "d")
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale %s not cleared: %v", tmp, err)
	}
	if n := count(t, dir); n != 4 {
		t.Errorf("count %d", n)
	}
}

func TestLockConflict(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	w, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The lock is never waited for: were it, this test would hang.
	_, err = Lock(dir)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "another index build or add is writing "+dir) {
		t.Errorf("message: %v", err)
	}
	w.Close()
	w2, err := Lock(dir)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	w2.Close()
}

func TestCloneWhileReaderHoldsIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	build(t, dir, "one", "two")
	reader, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	w, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tmp, err := w.CloneCurrent()
	if err != nil {
		t.Fatal(err)
	}
	// Segments are shared, root.bolt is not.
	zaps, _ := filepath.Glob(filepath.Join(tmp, "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatal("no segment in the clone")
	}
	for _, z := range zaps {
		a, _ := os.Stat(z)
		b, err := os.Stat(filepath.Join(reader.Path, "store", filepath.Base(z)))
		if err != nil || !os.SameFile(a, b) {
			t.Errorf("%s is not a hard link of the current generation's segment", z)
		}
	}
	a, _ := os.Stat(filepath.Join(tmp, "store", "root.bolt"))
	b, _ := os.Stat(filepath.Join(reader.Path, "store", "root.bolt"))
	if os.SameFile(a, b) {
		t.Error("root.bolt is shared")
	}

	done := make(chan error, 1)
	go func() {
		idx, err := OpenWrite(tmp)
		if err != nil {
			done <- err
			return
		}
		indexTitles(t, idx, "three")
		done <- idx.Close()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("writing the clone hangs while a reader holds the current generation")
	}
	if _, err := w.Commit(tmp); err != nil {
		t.Fatal(err)
	}
	// The old reader still reads its snapshot; a new one sees the addition.
	if n, _ := reader.DocCount(); n != 2 {
		t.Errorf("old reader sees %d", n)
	}
	if n := count(t, dir); n != 3 {
		t.Errorf("new reader sees %d", n)
	}
}

func TestVersionMismatch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	w, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	tmp, _ := w.TempPath()
	idx, err := Create(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.SetInternal(schema.VersionKey(), []byte("999")); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if _, err := w.Commit(tmp); err != nil {
		t.Fatal(err)
	}
	w.Close()
	_, err = Open(dir)
	if !errors.Is(err, ErrVersion) {
		t.Fatalf("Open: %v, want ErrVersion", err)
	}
	if !strings.Contains(err.Error(), "mapping version 999") || !strings.Contains(err.Error(), "rebuild it with `index build`") {
		t.Errorf("message: %v", err)
	}
}

func TestPlainIndexAtDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "plain")
	idx, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	indexTitles(t, idx, "one", "two")
	if err := Stamp(idx); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if n := count(t, dir); n != 2 {
		t.Fatalf("plain index: %d docs", n)
	}
	w, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tmp, err := w.CloneCurrent()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(tmp, "write.lock")); err == nil {
		t.Error("the clone copied write.lock")
	}
	idx, err = OpenWrite(tmp)
	if err != nil {
		t.Fatal(err)
	}
	indexTitles(t, idx, "three")
	idx.Close()
	if g, err := w.Commit(tmp); err != nil || g != "gen-000001" {
		t.Fatalf("commit: %q, %v", g, err)
	}
	if n := count(t, dir); n != 3 {
		t.Errorf("after the first generation: %d docs", n)
	}
}

// touch creates the file rel under dir with its folders.
func touch(t *testing.T, dir, rel string) string {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("the user's own file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Issue 13 case 1: a writer pointed at an ordinary folder refuses it and
// deletes nothing, even entries named like its own (tmp-*, gen-*).
func TestNotAnIndexFolderIsLeftAlone(t *testing.T) {
	for _, files := range [][]string{
		{"tmp-photos/a.jpg", "gen-7/notes.txt"},
		{"notes.txt"},
		{"gen-000001/x", "CURRENT"}, // CURRENT naming nothing that is there
	} {
		dir := t.TempDir()
		for _, f := range files {
			touch(t, dir, f)
		}
		before := tree(t, dir)
		w, err := Lock(dir)
		if err == nil {
			w.Close()
			t.Fatalf("%v: Lock took an ordinary folder", files)
		}
		if !errors.Is(err, ErrNotIndex) || !strings.Contains(err.Error(), "not an index folder") ||
			!strings.Contains(err.Error(), dir) {
			t.Errorf("%v: error %v, want ErrNotIndex naming the folder", files, err)
		}
		if after := tree(t, dir); after != before {
			t.Errorf("%v: the folder changed:\nbefore %s\nafter  %s", files, before, after)
		}
	}
	file := touch(t, t.TempDir(), "plain.txt")
	if _, err := Lock(file); !errors.Is(err, ErrNotIndex) {
		t.Errorf("Lock of a file: %v, want ErrNotIndex", err)
	}
}

// tree lists every path under dir.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

func TestMarker(t *testing.T) {
	// A new folder and an empty one become index folders, marked.
	for _, dir := range []string{filepath.Join(t.TempDir(), "new", "idx"), t.TempDir()} {
		build(t, dir, "one")
		if _, err := os.Stat(filepath.Join(dir, MarkerFile)); err != nil {
			t.Errorf("no marker in %s: %v", dir, err)
		}
		// Marked, it takes user-looking leftovers as its own again.
		touch(t, dir, "tmp-left/x")
		build(t, dir, "one", "two")
		if _, err := os.Stat(filepath.Join(dir, "tmp-left")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a stale tmp-* of an index folder was kept: %v", err)
		}
	}

	// An index written before the marker existed is adopted and marked.
	dir := filepath.Join(t.TempDir(), "old")
	build(t, dir, "one")
	if err := os.Remove(filepath.Join(dir, MarkerFile)); err != nil {
		t.Fatal(err)
	}
	build(t, dir, "one", "two")
	if _, err := os.Stat(filepath.Join(dir, MarkerFile)); err != nil {
		t.Errorf("the old index was not marked: %v", err)
	}
	if n := count(t, dir); n != 2 {
		t.Errorf("count %d", n)
	}
}

// A writer that made the folder and committed nothing removes it again.
func TestFailedFirstWriterLeavesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	w, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	tmp, err := w.TempPath()
	if err != nil {
		t.Fatal(err)
	}
	w.Discard(tmp)
	w.Close()
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the folder is left: %v (%s)", err, tree(t, dir))
	}
	// An existing empty folder stays, and stays empty.
	dir = t.TempDir()
	w, err = Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if got := tree(t, dir); got != "." {
		t.Errorf("an empty folder now holds %s", got)
	}
}

// A writer killed inside Commit leaves one of these states; each reads as
// the old generation, and the next writer's commit goes on from it.
func TestKilledInsideCommit(t *testing.T) {
	for _, state := range []string{"renamed, CURRENT not switched", "CURRENT.new written, not renamed"} {
		dir := filepath.Join(t.TempDir(), "idx")
		g1 := build(t, dir, "one", "two")
		// The killed writer's new generation, complete but not current.
		w, err := Lock(dir)
		if err != nil {
			t.Fatal(err)
		}
		tmp, _ := w.TempPath()
		idx, err := Create(tmp)
		if err != nil {
			t.Fatal(err)
		}
		indexTitles(t, idx, "three")
		Stamp(idx)
		idx.Close()
		if err := os.Rename(tmp, filepath.Join(dir, "gen-000002")); err != nil {
			t.Fatal(err)
		}
		if state == "CURRENT.new written, not renamed" {
			if err := os.WriteFile(filepath.Join(dir, CurrentFile+".new"), []byte("gen-0000"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		w.Close()
		if cur, _ := Current(dir); cur != g1 || count(t, dir) != 2 {
			t.Fatalf("%s: readers see %s with %d docs, want %s with 2", state, cur, count(t, dir), g1)
		}
		g3 := build(t, dir, "a", "b", "c", "d")
		if g3 != "gen-000003" || count(t, dir) != 4 {
			t.Errorf("%s: the next commit made %s with %d docs", state, g3, count(t, dir))
		}
		if got := strings.Join(gens(t, dir), " "); got != "gen-000001 gen-000003" {
			t.Errorf("%s: generations %s, want the replaced one and the new one", state, got)
		}
	}
}
