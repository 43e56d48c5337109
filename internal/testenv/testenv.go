// Package testenv finds what tests need outside the package: the repository
// root, the shared corpora beside it, and the built binaries.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Root is the repository root (the folder holding go.mod).
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testenv: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Shared returns the path of rel inside ../shared beside the repository, or
// skips the test with a message saying what is missing.
func Shared(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(filepath.Dir(Root(t)), "shared", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("skipping: shared corpus %s is absent (tests that read ../shared need it beside the repository)", p)
	}
	return p
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
	buildOut  []byte
)

// Binary builds cmd/index and cmd/search once per test process and returns the
// path of the named one ("index" or "search").
func Binary(t testing.TB, name string) string {
	t.Helper()
	root := Root(t)
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "newsdex-bin-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", binDir+string(os.PathSeparator), "./cmd/index", "./cmd/search")
		cmd.Dir = root
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("building binaries: %v\n%s", buildErr, buildOut)
	}
	return filepath.Join(binDir, name)
}
