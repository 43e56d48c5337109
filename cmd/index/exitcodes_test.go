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
