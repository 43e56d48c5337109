package main

import (
	"strings"
	"testing"
)

// goalNamed is the goal of evaluate(res) whose name begins with prefix.
func goalNamed(t *testing.T, res *Results, prefix string) goal {
	t.Helper()
	for _, g := range evaluate(res) {
		if strings.HasPrefix(g.name, prefix) {
			return g
		}
	}
	t.Fatalf("no goal %q", prefix)
	return goal{}
}

// TestGrowthGoalsReadTheSameMinutes: the growth goals divide the largest
// scale's figures by 1x figures of the same minutes when the run has them
// (the 1x queries in turns, the 1x build right after), and by the run's
// first 1x figures otherwise.
func TestGrowthGoalsReadTheSameMinutes(t *testing.T) {
	queries := func(engine string, k int, p50 float64, total uint64) QuerySet {
		qs := QuerySet{Engine: engine, Scale: k}
		for _, bq := range benchQueries {
			qs.Queries = append(qs.Queries, QueryStats{Name: bq.Name, P50us: p50, Total: total})
		}
		return qs
	}
	res := func(sameMinutes bool) *Results {
		r := &Results{Config: RunConfig{Scales: []int{1, 64}}}
		// The early 1x: fast minutes. The largest scale: 64 times the
		// items, 80 times the early p50 and build, 60 times the late.
		r.Queries = append(r.Queries, queries(engNewsdex, 1, 100, 10), queries(engExpanded, 1, 100, 10),
			queries(engNewsdex, 64, 8000, 640), queries(engExpanded, 64, 8000, 640))
		r.Builds = append(r.Builds, BuildRun{Engine: engNewsdex, Scale: 1, WallS: 10}, BuildRun{Engine: engNewsdex, Scale: 64, WallS: 800})
		if sameMinutes {
			r.Queries = append(r.Queries, queries(engInTurns, 1, 133, 10), queries(engInTurns, 64, 8000, 640))
			r.Builds = append(r.Builds, BuildRun{Engine: engBuildAfter, Scale: 1, WallS: 13.3})
		}
		return r
	}
	for _, c := range []struct {
		sameMinutes bool
		met         bool
	}{{false, false}, {true, true}} {
		p50 := goalNamed(t, res(c.sameMinutes), "p50 growth at 64x")
		build := goalNamed(t, res(c.sameMinutes), "build time grows at most linearly")
		if !p50.known || p50.met != c.met || !build.known || build.met != c.met {
			t.Errorf("same minutes %v: p50 growth %+v, build growth %+v; want both met %v", c.sameMinutes, p50, build, c.met)
		}
		if c.sameMinutes && (!strings.Contains(p50.measured, "in turns") || !strings.Contains(build.measured, "right after")) {
			t.Errorf("the goals do not say which 1x they read: %q, %q", p50.measured, build.measured)
		}
	}
}
