package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

type runner struct {
	c     *config
	work  string
	peers map[string]string
	res   *Results
	// index1x is the newsdex index of the 1x corpus, kept for the process
	// and HTTP tests.
	index1x string
	// bleve1x is plain bleve's index of the 1x corpus, kept for the HTTP
	// phase's rounds of plain bleve doing the same work beside it.
	bleve1x string
}

func (r *runner) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	log.Print("error: ", msg)
	r.res.Errors = append(r.res.Errors, msg)
}

func (r *runner) abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// scaled builds each engine's index at each scale, then runs the queries on
// the last index built of each engine.
func (r *runner) scaled(articles string) error {
	ctx := context.Background()
	indexBin := r.abs(filepath.Join(r.c.bin, "index"))
	for si, k := range r.c.scales {
		input := filepath.Join(r.work, fmt.Sprintf("articles-%dx.jsonl", k))
		log.Printf("writing the %dx corpus", k)
		if err := writeScaled(articles, input, k); err != nil {
			return err
		}
		engines := enginesAt(k)
		reps := at(r.c.buildReps, si)
		last := map[string]string{}
		for rep := 0; rep < reps; rep++ {
			// Engines take turns within a repetition, so that a slow phase of
			// the machine spreads over all of them.
			for _, eng := range engines {
				dir := filepath.Join(r.work, fmt.Sprintf("%s-%dx-%d", slug(eng), k, rep))
				var p proc
				switch eng {
				case engNewsdex:
					p = runProc(ctx, "", indexBin, "build", "--index", dir, "--json", input)
				case engBleve:
					p = runProc(ctx, "", r.peers[eng], "-input", input, "-index", dir)
				case engMerged:
					p = runProc(ctx, "", r.peers[eng], "-input", input, "-index", dir, "-merge")
				case engSQLite:
					p = runProc(ctx, "", r.peers[eng], "-input", input, "-index", dir)
				}
				br := BuildRun{Engine: eng, Scale: k, WallS: p.wall.Seconds(), MaxRSS: p.maxRSS}
				br.IndexBytes, br.Segments = dirSize(dir)
				if p.err != nil {
					br.Error = p.err.Error()
					r.errorf("build %s %dx: %v", eng, k, p.err)
				} else {
					br.Docs = buildDocs(eng, p.stdout, r.res, k)
					if eng != engNewsdex {
						if v := peerPeakRSS(p.stdout); v > 0 {
							br.MaxRSS = v
						}
					}
				}
				log.Printf("build %-26s %2dx rep %d: %6.2fs %4d MiB %5.1f MB docs %d", eng, k, rep+1, br.WallS, br.MaxRSS>>20, float64(br.IndexBytes)/1e6, br.Docs)
				r.res.Builds = append(r.res.Builds, br)
				if prev, ok := last[eng]; ok {
					os.RemoveAll(prev)
				}
				last[eng] = dir
			}
		}
		os.Remove(input)
		if k > 1 && si == len(r.c.scales)-1 {
			r.buildAfter(ctx, articles, indexBin)
		}

		qreps := at(r.c.queryReps, si)
		for _, eng := range engines {
			dir := last[eng]
			log.Printf("queries %s %dx (%d runs each)", eng, k, qreps)
			qs := QuerySet{Engine: eng, Scale: k}
			var err error
			if eng == engNewsdex {
				// The cost of collapsing to one hit per story: the same
				// requests with expand=true, run by run in turns.
				log.Printf("queries %s %dx, in turns with %s (%d runs each)", eng, k, engExpanded, qreps)
				xs := QuerySet{Engine: engExpanded, Scale: k}
				var sets [][]QueryStats
				if sets, err = productQueriesWith(dir, qreps, r.c.queryBudget, asIs, expanded); err == nil {
					qs.Queries, xs.Queries = sets[0], sets[1]
				} else {
					xs.Error = err.Error()
				}
				r.res.Queries = append(r.res.Queries, xs)
			} else {
				qs.Queries, err = r.peerQueries(eng, dir, qreps)
			}
			if err != nil {
				qs.Error = err.Error()
				r.errorf("queries %s %dx: %v", eng, k, err)
			}
			r.res.Queries = append(r.res.Queries, qs)
			if eng == engNewsdex && k > 1 && si == len(r.c.scales)-1 && r.index1x != "" {
				// The growth goal divides this scale's p50s by 1x's, which
				// were timed many minutes before: timed again in turns.
				log.Printf("queries %s: 1x and %dx in turns (%d runs each)", eng, k, qreps)
				one, top := QuerySet{Engine: engInTurns, Scale: 1}, QuerySet{Engine: engInTurns, Scale: k}
				if sets, err := productQueriesOn([]string{r.index1x, dir}, qreps, r.c.queryBudget); err != nil {
					one.Error, top.Error = err.Error(), err.Error()
					r.errorf("queries %s: %v", engInTurns, err)
				} else {
					one.Queries, top.Queries = sets[0], sets[1]
				}
				r.res.Queries = append(r.res.Queries, one, top)
			}
			if eng == engBleve {
				log.Printf("queries %s %dx (%d runs each)", engBleveHits, k, qreps)
				qs := QuerySet{Engine: engBleveHits, Scale: k}
				if qs.Queries, err = r.peerQueries(eng, dir, qreps, "-work", "hits"); err != nil {
					qs.Error = err.Error()
					r.errorf("queries %s %dx: %v", engBleveHits, k, err)
				}
				r.res.Queries = append(r.res.Queries, qs)
			}
		}
		if k == 1 {
			r.bleve1x = last[engBleve]
		}
		if k == 1 && last[engNewsdex] != "" {
			r.index1x = last[engNewsdex]
			if err := storyTops(r.res, r.index1x); err != nil {
				r.errorf("stories of the top 10s: %v", err)
			}
			log.Printf("query cost breakdown, newsdex 1x")
			bd, err := breakdown(r.index1x, qreps, r.c.queryBudget/2)
			if err != nil {
				r.errorf("breakdown: %v", err)
			}
			r.res.Breakdown = bd
			log.Printf("editors' topics, newsdex 1x")
			if topics, err := topicsOf(articles); err != nil {
				r.errorf("editors' topics: %v", err)
			} else if r.res.Topics, err = productTopics(r.index1x, topics); err != nil {
				r.errorf("editors' topics: %v", err)
			}
			r.processTimes(r.index1x)
		}
		for eng, dir := range last {
			if (eng == engNewsdex || eng == engBleve) && k == 1 {
				continue
			}
			os.RemoveAll(dir)
		}
	}
	return nil
}

// buildAfter builds the 1x corpus with newsdex once more, right after the
// largest scale's builds: the linear build goal divides that scale's time
// by a 1x time of the same minutes (this machine's speed drifts between
// the first minutes of a run and its last).
func (r *runner) buildAfter(ctx context.Context, articles, indexBin string) {
	input := filepath.Join(r.work, "articles-1x-after.jsonl")
	dir := filepath.Join(r.work, "newsdex-1x-after")
	defer os.Remove(input)
	defer os.RemoveAll(dir)
	br := BuildRun{Engine: engBuildAfter, Scale: 1}
	if err := writeScaled(articles, input, 1); err != nil {
		br.Error = err.Error()
	} else {
		p := runProc(ctx, "", indexBin, "build", "--index", dir, "--json", input)
		br.WallS, br.MaxRSS = p.wall.Seconds(), p.maxRSS
		br.IndexBytes, br.Segments = dirSize(dir)
		if p.err != nil {
			br.Error = p.err.Error()
		} else {
			var m map[string]any
			if json.Unmarshal(p.stdout, &m) == nil {
				br.Docs = int(summaryItems(m))
			}
		}
	}
	if br.Error != "" {
		r.errorf("build %s: %s", engBuildAfter, br.Error)
	}
	log.Printf("build %s: %6.2fs", engBuildAfter, br.WallS)
	r.res.Builds = append(r.res.Builds, br)
}

// enginesAt is what is built and queried at scale k. To keep make bench
// within its time, the force-merged plain bleve is measured at 1x and 4x
// only, and plain bleve not past 16x (about 5 minutes and 2.5 GB at 64x;
// the 64x goals are newsdex's own growth).
func enginesAt(k int) []string {
	switch {
	case k < 16:
		return []string{engNewsdex, engBleve, engMerged, engSQLite}
	case k <= 16:
		return []string{engNewsdex, engBleve, engSQLite}
	default:
		return []string{engNewsdex, engSQLite}
	}
}

func slug(engine string) string {
	switch engine {
	case engNewsdex:
		return "newsdex"
	case engBleve:
		return "bleve"
	case engMerged:
		return "bleve-merged"
	case engSQLite:
		return "sqlite"
	}
	return "x"
}

// buildDocs reads the number of documents from a build's JSON output.
func buildDocs(engine string, stdout []byte, res *Results, k int) int {
	var m map[string]any
	if err := json.Unmarshal(stdout, &m); err != nil {
		return 0
	}
	if engine == engNewsdex {
		if res.Summaries == nil {
			res.Summaries = map[string]any{}
		}
		res.Summaries["build-"+strconv.Itoa(k)+"x"] = m
		return int(summaryItems(m))
	}
	n, _ := m["docs"].(float64)
	return int(n)
}

// peerPeakRSS is the peak RSS a peer reported of itself (VmHWM at its end).
func peerPeakRSS(stdout []byte) int64 {
	var m struct {
		Peak int64 `json:"peak_rss_bytes"`
	}
	if json.Unmarshal(stdout, &m) != nil {
		return 0
	}
	return m.Peak
}

// summaryItems finds the number of indexed items in bin/index build's JSON
// summary, whatever its exact names.
func summaryItems(m map[string]any) int64 {
	num := func(k string) (int64, bool) {
		v, ok := m[k].(float64)
		return int64(v), ok
	}
	for _, k := range []string{"items", "indexed", "documents", "docs", "total"} {
		if n, ok := num(k); ok && n > 0 {
			return n
		}
	}
	a, _ := num("articles")
	t, ok := num("teasers")
	if !ok {
		t, _ = num("distinct_teasers")
	}
	return a + t
}

func (r *runner) peerQueries(engine, dir string, reps int, extra ...string) ([]QueryStats, error) {
	args := append([]string{"-index", dir, "-reps", strconv.Itoa(reps)}, extra...)
	p := runProc(context.Background(), "", r.peers[engine], args...)
	if p.err != nil {
		return nil, p.err
	}
	return peerQueryStats(engine, p.stdout)
}

// peerQueryStats reads a peer's queries (raw samples, total, top ids) and
// computes their percentiles.
func peerQueryStats(engine string, stdout []byte) ([]QueryStats, error) {
	ss, err := peerSamples(engine, stdout)
	if err != nil {
		return nil, err
	}
	var qs []QueryStats
	for _, s := range ss {
		qs = append(qs, s.stats())
	}
	return qs, nil
}

// querySamples are the timed runs of one query, with what it found.
type querySamples struct {
	name  string
	total uint64
	top   []string
	times []time.Duration
}

func (s querySamples) stats() QueryStats {
	q := QueryStats{Name: s.name, Reps: len(s.times), Total: s.total, Top: s.top}
	if q.Top == nil {
		q.Top = []string{}
	}
	q.P50us, q.P99us = percentiles(s.times)
	return q
}

// peerSamples reads a peer's queries: raw samples, total, top ids.
func peerSamples(engine string, stdout []byte) ([]querySamples, error) {
	var out struct {
		Queries []struct {
			Name      string   `json:"name"`
			SamplesNs []int64  `json:"samples_ns"`
			Total     uint64   `json:"total"`
			Top       []string `json:"top"`
		} `json:"queries"`
	}
	if err := json.Unmarshal(stdout, &out); err != nil {
		return nil, fmt.Errorf("reading %s's output: %v", engine, err)
	}
	var ss []querySamples
	for _, q := range out.Queries {
		times := make([]time.Duration, len(q.SamplesNs))
		for i, ns := range q.SamplesNs {
			times[i] = time.Duration(ns)
		}
		ss = append(ss, querySamples{name: q.Name, total: q.Total, top: q.Top, times: times})
	}
	return ss, nil
}

// processTimes measures whole `search` processes: open, query, print.
func (r *runner) processTimes(dir string) {
	searchBin := r.abs(filepath.Join(r.c.bin, "search"))
	for _, bq := range benchQueries {
		if !bq.Process {
			continue
		}
		args := append([]string{"--index", dir}, bq.CLI...)
		pt := ProcessTime{Name: bq.Name, Args: bq.CLI}
		for i := 0; i < 6; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			p := runProc(ctx, "", searchBin, args...)
			cancel()
			if p.err != nil {
				pt.Error = p.err.Error()
				r.errorf("search process %s: %v", bq.Name, p.err)
				break
			}
			if i == 0 {
				continue // the first run warms the page cache
			}
			pt.WallsMs = append(pt.WallsMs, float64(p.wall.Microseconds())/1e3)
		}
		r.res.Process = append(r.res.Process, pt)
	}
}

// fullBuilds builds the whole shared pages and headlines.
func (r *runner) fullBuilds() {
	indexBin := r.abs(filepath.Join(r.c.bin, "index"))
	for _, fb := range []struct {
		name string
		args []string
	}{
		{"Reuters-21578 pages (pages.tar.gz)", []string{filepath.Join(r.c.corpus, "reuters21578", "pages.tar.gz")}},
		{"Reuters headlines 2007-2016 (headlines.jsonl.gz)", []string{
			"--field", "date=ts", "--field", "url=href", "--field", "region=url_section",
			filepath.Join(r.c.corpus, "reuters-headlines-2007-2016", "headlines.jsonl.gz")}},
	} {
		dir := filepath.Join(r.work, "full-"+strconv.Itoa(len(r.res.Full)))
		args := append([]string{"build", "--index", dir, "--json"}, fb.args...)
		log.Printf("full build: %s", fb.name)
		ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
		p := runProc(ctx, "", indexBin, args...)
		cancel()
		f := FullBuild{Name: fb.name, Args: fb.args, WallS: p.wall.Seconds(), MaxRSS: p.maxRSS}
		f.Index, _ = dirSize(dir)
		if p.err != nil {
			f.Error = p.err.Error()
			r.errorf("full build %s: %v", fb.name, p.err)
		}
		_ = json.Unmarshal(p.stdout, &f.Summary)
		if f.Summary != nil {
			f.Items = summaryItems(f.Summary)
		}
		log.Printf("full build: %.1fs, %d MiB, %d items", f.WallS, f.MaxRSS>>20, f.Items)
		r.res.Full = append(r.res.Full, f)
		os.RemoveAll(dir)
	}
}
