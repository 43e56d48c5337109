// Command benchreport runs newsdex's benchmarks on this machine and writes
// BENCHMARKS.md (issue 6): builds at 1x, 4x and 16x the Reuters-21578
// articles against plain bleve and SQLite FTS5 in the same run, full builds of
// the shared pages and headlines, in-process query latencies, the search
// process's wall time, a relevance test against SQLite's bm25(), an HTTP load
// test, and the product's Go benchmarks.
//
// It is run by `make bench` from the repository root after `make build`:
//
//	go run ./bench/cmd/benchreport -out BENCHMARKS.md
//
// The peers live in their own Go modules under bench/peers and are built with
// the go command into a temporary folder. Raw figures are saved beside the
// report (-json) so that the report can be rendered again without re-running
// (-render).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type config struct {
	out, jsonOut, render string
	corpus               string
	bin                  string
	scales               []int
	buildReps            []int
	queryReps            []int
	queryBudget          time.Duration
	httpDuration         time.Duration
	httpMaxRequests      int
	httpLeverRounds      int
	httpLeverDuration    time.Duration
	benchtime            string
	skipGoBench          bool
	skipFull             bool
	skipHTTP             bool
	keep                 bool
	breakdownIndex       string
	only                 string
	index                string
}

func main() {
	log.SetFlags(log.Ltime)
	log.SetPrefix("benchreport: ")
	var c config
	var scales, buildReps, queryReps string
	flag.StringVar(&c.out, "out", "BENCHMARKS.md", "the report to write")
	flag.StringVar(&c.jsonOut, "json", "bench/results.json", "where to save the raw figures (empty: nowhere)")
	flag.StringVar(&c.render, "render", "", "only render the report from this raw-figures file")
	flag.StringVar(&c.corpus, "corpus", "../shared/corpus", "the shared corpus folder")
	flag.StringVar(&c.bin, "bin", "bin", "folder of the built index and search binaries")
	flag.StringVar(&scales, "scales", "1,4,16,64", "corpus sizes, as multiples of the 15,996 articles")
	flag.StringVar(&buildReps, "build-reps", "3,2,1,1", "builds per engine at each scale")
	flag.StringVar(&queryReps, "query-reps", "300,150,50,20", "runs of each query at each scale (at most -query-budget per query)")
	flag.DurationVar(&c.queryBudget, "query-budget", 4*time.Second, "time cap for the runs of one query")
	flag.DurationVar(&c.httpDuration, "http-duration", 10*time.Second, "duration of each HTTP load level")
	flag.IntVar(&c.httpMaxRequests, "http-max-requests", 50000, "cap on the requests of each HTTP load level")
	flag.IntVar(&c.httpLeverRounds, "http-lever-rounds", 2, "rounds of the HTTP levers (GC settings, compression) at 8 clients; 0 skips them")
	flag.DurationVar(&c.httpLeverDuration, "http-lever-duration", 5*time.Second, "duration of each HTTP lever's load in each round")
	flag.StringVar(&c.benchtime, "benchtime", "300ms", "go test -benchtime for the product's Go benchmarks")
	flag.BoolVar(&c.skipGoBench, "skip-gobench", false, "skip the product's Go benchmarks")
	flag.BoolVar(&c.skipFull, "skip-full", false, "skip the full builds of the shared pages and headlines")
	flag.BoolVar(&c.skipHTTP, "skip-http", false, "skip the HTTP load test")
	flag.BoolVar(&c.keep, "keep", false, "keep the temporary folder")
	flag.StringVar(&c.only, "only", "", "run only this part and print it: relevance (the 1x index's FTS5 overlap and editors' topics MAP@100), "+
		"or http (each query alone through HTTP, the load at 1 and 8 clients, and the levers: GC settings, compression)")
	flag.StringVar(&c.index, "index", "", "with -only http: the newsdex index to serve (default: build the 1x index)")
	flag.StringVar(&c.breakdownIndex, "breakdown", "", "only print the query cost breakdown of the newsdex index at this folder")
	flag.Parse()
	var err error
	if c.scales, err = ints(scales); err != nil {
		log.Fatalf("-scales: %v", err)
	}
	if c.buildReps, err = ints(buildReps); err != nil {
		log.Fatalf("-build-reps: %v", err)
	}
	if c.queryReps, err = ints(queryReps); err != nil {
		log.Fatalf("-query-reps: %v", err)
	}

	if c.breakdownIndex != "" {
		bd, err := breakdown(c.breakdownIndex, at(c.queryReps, 0), c.queryBudget)
		if err != nil {
			log.Fatal(err)
		}
		var b strings.Builder
		renderBreakdown(&b, &Results{Breakdown: bd})
		fmt.Print(b.String())
		return
	}
	switch c.only {
	case "":
	case "relevance":
		res, err := relevanceOnly(&c)
		if err != nil {
			log.Fatal(err)
		}
		var b strings.Builder
		renderRelevance(&b, res)
		renderTopics(&b, res)
		fmt.Print(b.String())
		_, avg, _ := overlaps(res)
		fmt.Printf("relevance at %s: FTS5 top-10 overlap %.1f of 10; editors' topics MAP@%d %.3f (%d topics); %.0f s\n",
			res.Machine.Commit, avg, res.Topics.Depth, res.Topics.MAP, len(res.Topics.Topics), res.TotalSeconds)
		return
	case "http":
		res, err := httpOnly(&c)
		if err != nil {
			log.Fatal(err)
		}
		for _, e := range res.Errors {
			log.Printf("error: %s", e)
		}
		var b strings.Builder
		renderQueries(&b, res)
		renderHTTP(&b, res)
		renderHTTPLevers(&b, res)
		fmt.Print(b.String())
		return
	default:
		log.Fatalf("-only %q: want relevance or http", c.only)
	}
	var md string
	if c.render != "" {
		if md, err = renderFile(c.render, notesFile); err != nil {
			log.Fatal(err)
		}
	} else {
		res, err := runAll(&c)
		if err != nil {
			log.Fatal(err)
		}
		if c.jsonOut != "" {
			b, _ := json.MarshalIndent(res, "", "  ")
			if err := os.WriteFile(c.jsonOut, append(b, '\n'), 0o644); err != nil {
				log.Fatal(err)
			}
		}
		notes, err := os.ReadFile(notesFile)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			log.Fatal(err)
		}
		md = renderReport(res, notes)
	}
	if err := os.WriteFile(c.out, []byte(md), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", c.out)
}

// at returns the element of xs for the i-th scale, or the last one.
func at(xs []int, i int) int {
	if i < len(xs) {
		return xs[i]
	}
	return xs[len(xs)-1]
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q: want positive integers separated by commas", s)
		}
		out = append(out, n)
	}
	return out, nil
}

func runAll(c *config) (*Results, error) {
	start := time.Now()
	res := &Results{Started: start.UTC().Format(time.RFC3339)}
	res.Machine = machineInfo()
	res.Config = RunConfig{Scales: c.scales, BuildReps: c.buildReps, QueryReps: c.queryReps,
		HTTPDurationS: c.httpDuration.Seconds(), HTTPMaxRequests: c.httpMaxRequests,
		HTTPLeverRounds: c.httpLeverRounds, HTTPLeverSeconds: c.httpLeverDuration.Seconds(), Benchtime: c.benchtime}

	for _, b := range []string{"index", "search"} {
		if _, err := os.Stat(filepath.Join(c.bin, b)); err != nil {
			return nil, fmt.Errorf("%s/%s is missing: run make build first", c.bin, b)
		}
	}
	work, err := os.MkdirTemp("", "newsdex-bench-")
	if err != nil {
		return nil, err
	}
	if c.keep {
		log.Printf("working in %s (kept)", work)
	} else {
		defer os.RemoveAll(work)
	}

	peers, err := buildPeers(work)
	if err != nil {
		return nil, err
	}
	articles := filepath.Join(c.corpus, "reuters21578", "articles.jsonl.gz")
	raw, err := rawTextBytes(articles)
	if err != nil {
		return nil, err
	}
	res.Corpus = raw

	r := &runner{c: c, work: work, peers: peers, res: res}
	if err := r.scaled(articles); err != nil {
		return nil, err
	}
	if !c.skipFull {
		r.fullBuilds()
	}
	if !c.skipHTTP {
		r.httpLoad()
	}
	if !c.skipGoBench {
		r.goBench()
	}
	res.TotalSeconds = time.Since(start).Seconds()
	return res, nil
}
