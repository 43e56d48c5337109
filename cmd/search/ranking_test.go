package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"newsdex/internal/testenv"
)

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
	// A change in ranking shows as a diff; if for the better, accept it with
	// go test ./cmd/search -run TestRanking -update.
	testenv.Golden(t, filepath.Join(testenv.Root(t), "testdata", "ranking.golden"), []byte(b.String()))
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
