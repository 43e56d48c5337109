package main

import (
	"os"
	"path/filepath"
	"testing"

	"newsdex/internal/testenv"
)

// TestGeneratedFileIsCurrent regenerates the common words from the shared
// corpora and compares them with the committed internal/schema/common_words.go:
// the pairs an index holds depend on that list, so it changes only by
// regenerating it (with a new mapping version).
func TestGeneratedFileIsCurrent(t *testing.T) {
	corpus := filepath.Dir(testenv.Shared(t, "corpus/bbc-news-2004-2005"))
	out := filepath.Join(t.TempDir(), "common_words.go")
	if err := run(corpus, 1000, out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../common_words.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("internal/schema/common_words.go is not what gencommon writes from %s; run go run ./internal/schema/gencommon", corpus)
	}
}
