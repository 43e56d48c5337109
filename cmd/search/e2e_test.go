package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"newsdex/internal/store"
	"newsdex/internal/testenv"
)

// End-to-end tests of the built binary: what needs a process of its own (exit
// statuses through os.Exit, the environment). Serving under signals is tested
// from internal/server's end-to-end tests.

func TestBinaryExitStatuses(t *testing.T) {
	dir, items := testIndex(t)
	none := filepath.Join(t.TempDir(), "none.bleve")
	tests := []struct {
		env  string // $NEWSDEX_INDEX
		args []string
		code int
		out  string // stdout starts with
		err  string // stderr starts with
	}{
		{"", []string{"--index", dir, "--limit", "1", "--json"}, 0, `{"total":`, ""},
		{dir, []string{"--limit", "1", "--json"}, 0, `{"total":`, ""},
		{dir, []string{"get", items[0].ID, "--json"}, 0, `{"id":"` + items[0].ID + `"`, ""},
		{dir, []string{"--kind", "video"}, 2, "", `search: --kind: unknown kind "video"`},
		{dir, []string{"get"}, 2, "", "search get: accepts 1 arg(s), received 0"},
		{dir, []string{"--nope"}, 2, "", "search: unknown flag: --nope"},
		{none, []string{"oil"}, 1, "", "search: "},
		{dir, []string{"get", "no-such-id"}, 1, "", `search get: no item with id "no-such-id"`},
	}
	for _, tt := range tests {
		cmd := exec.Command(testenv.Binary(t, "search"), tt.args...)
		cmd.Env = append(os.Environ(), store.EnvDir+"="+tt.env)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tt.code || !strings.HasPrefix(out.String(), tt.out) || !strings.HasPrefix(errb.String(), tt.err) {
			t.Errorf("$%s=%s search %q: exit %d, stdout %.60q, stderr %q; want exit %d", store.EnvDir, tt.env, tt.args, code, out.String(), errb.String(), tt.code)
		}
	}
}

// TestLinksNoIngestCode: the search binary reads indexes; it links none of
// the readers of pages and JSON lines, nor the progress bar of builds.
func TestLinksNoIngestCode(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		switch {
		case pkg == "newsdex/internal/input", pkg == "newsdex/internal/page", pkg == "newsdex/internal/jsonl",
			pkg == "newsdex/internal/indexer", strings.Contains(pkg, "progressbar"):
			t.Errorf("cmd/search depends on %s", pkg)
		}
	}
}
