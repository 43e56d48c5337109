package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 13 case 3: one exit-code policy for build, add and parse: 0 every
// record read, 3 finished but records skipped, 1 failure (the index left as
// it was), 2 usage.
func TestExitCodePolicy(t *testing.T) {
	tmp := t.TempDir()
	good := filepath.Join(tmp, "good.jsonl")
	mixed := filepath.Join(tmp, "mixed.jsonl")
	line := `{"id":"%s","kind":"article","title":"Ferry %s","date":"2021-10-04","body":"b"}` + "\n"
	if err := os.WriteFile(good, []byte(strings.ReplaceAll(line, "%s", "g1")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mixed, []byte(strings.ReplaceAll(line, "%s", "m1")+"{not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "idx")
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"build", "--index", dir, good}, 0, " 0 skipped"},
		{[]string{"build", "--index", dir, mixed}, 3, "mixed.jsonl:2: bad JSON"},
		{[]string{"build", "--strict", "--index", dir, mixed}, 1, "left as it was"},
		{[]string{"build", "--index", dir, filepath.Join(tmp, "missing")}, 1, "no such file"},
		{[]string{"build", "--index", dir}, 2, "no PATH given"},
		{[]string{"add", "--index", dir, good}, 0, " 0 skipped"},
		{[]string{"add", "--index", dir, mixed}, 3, "1 skipped"},
		{[]string{"add", "--strict", "--index", dir, mixed}, 1, "left as it was"},
		{[]string{"parse", good}, 0, ""},
		{[]string{"parse", mixed}, 3, "index parse: 1 skipped"},
		{[]string{"parse", filepath.Join(tmp, "missing")}, 1, "no such file"},
		{[]string{"parse", "--bogus", good}, 2, "unknown flag"},
	}
	for _, tt := range tests {
		r := runIndex(t, "", tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
			t.Errorf("index %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.code, tt.stderr)
		}
	}
}

// Issue 13 cases 1 and 9 as the user meets them: index build pointed at an
// ordinary folder refuses it with a clear message (exit 1) and leaves every
// file; a build of a missing path creates no index folder.
func TestBuildTouchesOnlyIndexFolders(t *testing.T) {
	u := t.TempDir()
	for _, f := range []string{"tmp-photos/a.jpg", "gen-7/notes.txt"} {
		p := filepath.Join(u, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range []string{"build", "add"} {
		r := runIndex(t, "", cmd, "--index", u, "testdata/pages")
		want := "index " + cmd + ": not an index folder: " + u + " holds other files (gen-7, tmp-photos) and no NEWSDEX-INDEX"
		if r.code != 1 || !strings.HasPrefix(r.stderr, want) {
			t.Errorf("%s into an ordinary folder: exit %d, stderr %q; want exit 1 and %q", cmd, r.code, r.stderr, want)
		}
	}
	for _, f := range []string{"tmp-photos/a.jpg", "gen-7/notes.txt"} {
		if _, err := os.Stat(filepath.Join(u, f)); err != nil {
			t.Errorf("the user's %s: %v", f, err)
		}
	}

	dir := filepath.Join(t.TempDir(), "new.bleve")
	r := runIndex(t, "", "build", "--index", dir, "testdata/no-such-folder")
	if r.code != 1 || !strings.Contains(r.stderr, "no such file or directory") || strings.Contains(r.stderr, "indexing started") {
		t.Errorf("build of a missing path: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("build of a missing path left %s: %v", dir, err)
	}
}
