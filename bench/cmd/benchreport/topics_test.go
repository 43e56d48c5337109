package main

import (
	"math"
	"testing"
)

func TestAveragePrecision(t *testing.T) {
	rel := map[string]bool{"a": true, "b": true, "c": true}
	for _, tc := range []struct {
		name   string
		ranked []string
		depth  int
		want   float64
	}{
		{"all first", []string{"a", "b", "c", "x"}, 100, 1},
		{"none", []string{"x", "y"}, 100, 0},
		{"empty", nil, 100, 0},
		// found at ranks 2 and 4: (1/2 + 2/4) / 3
		{"some", []string{"x", "a", "y", "b"}, 100, (0.5 + 0.5) / 3},
		// depth 2 cuts b; out of min(3, 2) relevant
		{"cut at depth", []string{"x", "a", "y", "b"}, 2, 0.5 / 2},
	} {
		if got := averagePrecision(tc.ranked, rel, tc.depth); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
