package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/ranking.golden")

// rankingQueries are fixed queries over testdata/ whose top hits are kept in
// testdata/ranking.golden, in the manner of zoekt's ranking tests: a change
// in relevance shows as a diff to review, and -update accepts it.
var rankingQueries = [][]string{
	{"bank"},
	{"rates"},
	{"bank rate"},
	{`"central bank"`},
	{"oil OR coffee"},
	{"storm"},
	{"reopen"},
	{"larkmoor"},
	{"title:larkmoor"},
	{"first"},
	{"higher price"},
	{"export*"},
	{"harbor~"},
	{"grain OR barley^3"},
	{"new NOT code"},
	{"reopen", "--kind", "teaser"},
	{"bank", "--region", "europe"},
	{"--sort", "newest", "--from", "1987-04-07", "--to", "1987-04-08"},
}

const rankingTop = 5

func TestRanking(t *testing.T) {
	dir, _ := testIndex(t)
	var b strings.Builder
	for _, q := range rankingQueries {
		resp := searchJSON(t, dir, append([]string{"--limit", fmt.Sprint(rankingTop)}, q...)...)
		fmt.Fprintf(&b, "### search %s  (%d hits)\n", strings.Join(quoteArgs(q), " "), resp.Total)
		for i, h := range resp.Hits {
			fmt.Fprintf(&b, "%d. %s %-7s %s  %s\n", i+1, h.Date.Format("2006-01-02"), h.Kind, h.ID, h.Title)
		}
		b.WriteString("\n")
	}
	path := filepath.Join(testenv.Root(t), "testdata", "ranking.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run TestRanking -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("ranking changed (-want +got); if for the better, go test ./cmd/search -run TestRanking -update:\n%s", diff)
	}
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \"*~^()") {
			a = "'" + a + "'"
		}
		out[i] = a
	}
	return out
}
