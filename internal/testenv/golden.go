package testenv

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update is the -update flag of every test binary that imports testenv.
var update = flag.Bool("update", false, "rewrite the golden files (testenv.Golden) with what the tests got")

// Golden compares got with the golden file at path and reports the
// difference. With -update (go test ./PKG -run TEST -update) it writes got to
// path instead, creating its folder. A missing golden file is a failure,
// never a skip.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; if the change is right, go test -update rewrites it):\n%s", path, diff)
	}
}
