package main

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCommittedReport checks that the committed BENCHMARKS.md is exactly what
// `go run ./bench/cmd/benchreport -render bench/results.json -out FILE` makes
// of the committed raw figures and notes. After a renderer or NOTES.md
// change, regenerate it with that command and -out BENCHMARKS.md.
func TestCommittedReport(t *testing.T) {
	got, err := renderFile("../../results.json", "../../NOTES.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../../BENCHMARKS.md")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		d := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n"))
		t.Errorf("BENCHMARKS.md is not what the renderer makes of bench/results.json and bench/NOTES.md; regenerate it with\n"+
			"\tgo run ./bench/cmd/benchreport -render bench/results.json -out BENCHMARKS.md\n(-committed +rendered):\n%s", d)
	}
}
