package testenv

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
)

// SharedJSONLines decodes each line of the shared JSON-lines file rel
// (gzip-compressed when its name ends in .gz) into a T and calls fn with
// it, until fn returns false. The test skips when the file is absent (as
// Shared) and fails on a line that does not decode.
func SharedJSONLines[T any](t testing.TB, rel string, fn func(T) bool) {
	t.Helper()
	f, err := os.Open(Shared(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(rel, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s:%d: %v", rel, line, err)
		}
		if !fn(v) {
			return
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}
