package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/store"
	"newsdex/internal/testenv"
)

// End-to-end tests of the built binary: what needs a process of its own
// (exit statuses through os.Exit, the environment, being killed).

// runBinary runs the built index binary in the repository root with env
// added to the environment.
func runBinary(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(testenv.Binary(t, "index"), args...)
	cmd.Dir = testenv.Root(t)
	cmd.Env = append(append(os.Environ(), store.EnvDir+"="), env...)
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
	return result{code, out.String(), errb.String()}
}

func TestBinaryExitStatuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	tests := []struct {
		env  []string
		args []string
		code int
		err  string // on stderr
	}{
		{nil, []string{"build", "--index", dir, "testdata/pages"}, 0, "0 skipped"},
		{nil, []string{"build", "--bogus", "x"}, 2, "index build: unknown flag: --bogus"},
		{nil, []string{"nonsense"}, 2, `index: unknown command "nonsense" for "index"`},
		{nil, []string{"parse", "testdata/bad/empty.txt"}, 3, "empty.txt:1: empty page"},
		{nil, []string{"stats", "--index", filepath.Join(dir, "none")}, 1, "index build --index " + filepath.Join(dir, "none")},
		// $NEWSDEX_INDEX names the folder when --index does not.
		{[]string{store.EnvDir + "=" + dir}, []string{"stats", "--json"}, 0, ""},
	}
	for _, tt := range tests {
		r := runBinary(t, tt.env, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.err) {
			t.Errorf("%v index %q: exit %d, stderr %q; want exit %d and %q", tt.env, tt.args, r.code, r.stderr, tt.code, tt.err)
		}
	}
	if r := runBinary(t, nil); r.code != 0 || !strings.Contains(r.stdout, "Available Commands") {
		t.Errorf("index alone: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestBuildKilledLeavesIndexIntact(t *testing.T) {
	pages := testenv.Shared(t, "corpus/reuters21578/pages.tar.gz")
	if testing.Short() {
		t.Skip("-short")
	}
	dir := filepath.Join(t.TempDir(), "idx")
	mustIndex(t, "build", "--index", dir, "testdata/pages")
	before := statsOf(t, dir)
	gen, _ := store.Current(dir)

	cmd := exec.Command(testenv.Binary(t, "index"), "build", "--index", dir, pages)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once it has written part of its index.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		// the builder's segments, in a folder inside tmp-*
		tmps, _ := filepath.Glob(filepath.Join(dir, "tmp-*", "*", "*.zap"))
		if len(tmps) >= 2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if tmps, _ := filepath.Glob(filepath.Join(dir, "tmp-*")); len(tmps) == 0 {
		t.Logf("the build was killed before it wrote anything, or after it finished:\n%s", errb.String())
	}
	if g, _ := store.Current(dir); g != gen {
		t.Fatalf("killed build switched %s to %s (stderr:\n%s)", gen, g, errb.String())
	}
	if diff := cmp.Diff(before, statsOf(t, dir)); diff != "" {
		t.Errorf("index changed by a killed build:\n%s", diff)
	}
	// The next build works and clears the leftovers.
	mustIndex(t, "build", "--index", dir, "testdata/pages", "testdata/jsonl/items.jsonl")
	if tmps, _ := filepath.Glob(filepath.Join(dir, "tmp-*")); len(tmps) != 0 {
		t.Errorf("left behind after the next build: %v", tmps)
	}
	if st := statsOf(t, dir); st.Total <= before.Total {
		t.Errorf("next build: %+v", st)
	}
}
