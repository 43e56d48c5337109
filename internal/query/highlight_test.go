package query

import (
	"testing"

	"github.com/blevesearch/bleve/v2/search/highlight"
)

func TestWordEdges(t *testing.T) {
	orig := []byte("The ferry link between Larkmoor and the islands will reopen")
	loc := func(word string) *highlight.TermLocation {
		for i := 0; i+len(word) <= len(orig); i++ {
			if string(orig[i:i+len(word)]) == word {
				return &highlight.TermLocation{Start: i, End: i + len(word)}
			}
		}
		t.Fatalf("no %q", word)
		return nil
	}
	ferry, islands := loc("ferry"), loc("islands")
	for _, tc := range []struct {
		name       string
		start, end int
		ot         highlight.TermLocations
		want       string
	}{
		{"inside words at both edges", 2, 33, highlight.TermLocations{ferry}, "ferry link between Larkmoor"},
		{"on boundaries already", 4, 14, highlight.TermLocations{ferry}, "ferry link"},
		{"never past a match", 5, 11, highlight.TermLocations{{Start: 5, End: 9}}, "erry"},
		{"whole text", 0, len(orig), highlight.TermLocations{islands}, string(orig)},
		{"leading space skipped", 3, 20, highlight.TermLocations{ferry}, "ferry link"},
		{"no matches", 1, 20, nil, "ferry link"},
	} {
		s, e := wordEdges(orig, tc.start, tc.end, tc.ot)
		if got := string(orig[s:e]); got != tc.want {
			t.Errorf("%s: [%d,%d) gives %q, want %q", tc.name, tc.start, tc.end, got, tc.want)
		}
	}
}
