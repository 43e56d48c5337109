// Command plainbleve is the plain-bleve peer of newsdex's benchmarks: bleve
// v2.6.3 with default settings (NewIndexMapping, dynamic fields, the _all
// field, the default tf-idf scoring), fed in batches of 1000, as a user who
// reaches for bleve without tuning it would write it.
//
// It reads JSON lines (optionally gzipped) of the Reuters-21578 articles,
// builds an index, optionally force-merges it to one segment, and/or runs the
// ten benchmark queries of issue 6 in-process, then prints one JSON object
// on stdout. See ../../README.md.
package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"
)

// article holds the fields newsdex indexes for an article; topics and places,
// which newsdex does not index, are left out so both index the same text.
type article struct {
	ID       string `json:"id"`
	Date     string `json:"date"`
	Region   string `json:"region"`
	Title    string `json:"title"`
	Dateline string `json:"dateline"`
	Body     string `json:"body"`
	Source   string `json:"source"`
}

type result struct {
	Engine       string        `json:"engine"`
	Docs         int           `json:"docs,omitempty"`
	BuildSeconds float64       `json:"build_seconds,omitempty"`
	MergeSeconds float64       `json:"merge_seconds,omitempty"`
	PeakRSSBytes int64         `json:"peak_rss_bytes"`
	IndexBytes   int64         `json:"index_bytes,omitempty"`
	Segments     int           `json:"segments,omitempty"`
	OpenSeconds  float64       `json:"open_seconds,omitempty"`
	Queries      []queryResult `json:"queries,omitempty"`
}

// queryResult is one query's raw timings (the harness computes the
// percentiles, with the same function for every engine), total and top 10.
type queryResult struct {
	Name      string   `json:"name"`
	SamplesNs []int64  `json:"samples_ns"`
	Total     uint64   `json:"total"`
	Top       []string `json:"top"`
	// Highlighted counts the top hits with a highlight (hits mode).
	Highlighted int `json:"highlighted,omitempty"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "plainbleve:", err)
		os.Exit(1)
	}
}

func run() error {
	input := flag.String("input", "", "JSON lines of articles (.jsonl or .jsonl.gz); empty: only query an existing -index")
	scale := flag.Int("scale", 1, "read the input this many times, with other ids from the second copy on")
	dir := flag.String("index", "", "index folder (default: a temporary folder, removed at the end)")
	merge := flag.Bool("merge", false, "force-merge the index to one segment after the build")
	reps := flag.Int("reps", 0, "run each benchmark query this many times (0: no queries)")
	work := flag.String("work", "bare", "what a query does: bare (10 hits by score, ids only, match queries on _all) or "+
		"hits (the work of newsdex's default request: the same queries, 10 hits with their stored fields "+
		"but body, html highlights of title and body)")
	batchSize := flag.Int("batch", 1000, "documents per batch")
	flag.Parse()

	res := result{Engine: "plain bleve"}
	if *merge {
		res.Engine = "plain bleve, force-merged"
	}
	path := *dir
	if path == "" {
		tmp, err := os.MkdirTemp("", "plainbleve-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, "index.bleve")
	}

	if *input != "" {
		if err := build(&res, *input, *scale, path, *batchSize, *merge); err != nil {
			return err
		}
	}
	if *work != "bare" && *work != "hits" {
		return fmt.Errorf("-work %q: want bare or hits", *work)
	}
	if *reps > 0 {
		if *work == "hits" {
			res.Engine = "plain bleve, same work"
		}
		if err := queries(&res, path, *reps, *work == "hits"); err != nil {
			return err
		}
	}
	res.PeakRSSBytes = peakRSS()
	return json.NewEncoder(os.Stdout).Encode(res)
}

func build(res *result, input string, scale int, path string, batchSize int, merge bool) error {
	start := time.Now()
	idx, err := bleve.New(path, bleve.NewIndexMapping())
	if err != nil {
		return err
	}
	batch := idx.NewBatch()
	for k := 0; k < scale; k++ {
		err := readArticles(input, func(a *article) error {
			if k > 0 {
				a.ID = a.ID + "-x" + strconv.Itoa(k)
			}
			if err := batch.Index(a.ID, a); err != nil {
				return err
			}
			res.Docs++
			if batch.Size() >= batchSize {
				if err := idx.Batch(batch); err != nil {
					return err
				}
				batch.Reset()
			}
			return nil
		})
		if err != nil {
			idx.Close()
			return err
		}
	}
	if batch.Size() > 0 {
		if err := idx.Batch(batch); err != nil {
			idx.Close()
			return err
		}
	}
	if merge {
		mstart := time.Now()
		if err := forceMerge(idx, path); err != nil {
			idx.Close()
			return err
		}
		res.MergeSeconds = time.Since(mstart).Seconds()
	}
	if err := idx.Close(); err != nil {
		return err
	}
	res.BuildSeconds = time.Since(start).Seconds()
	res.IndexBytes, res.Segments = dirSize(path)
	return nil
}

func forceMerge(idx bleve.Index, path string) error {
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("index is %T, not scorch", adv)
	}
	if err := s.ForceMerge(context.Background(), &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		return err
	}
	// Wait until the merged root is persisted and the merged-away segment
	// files are gone, so the size on disk is the merged index's.
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		m := s.StatsMap()
		persisted := asUint(m["LastPersistedEpoch"]) >= asUint(m["CurRootEpoch"])
		_, files := dirSize(path)
		if persisted && uint64(files) <= asUint(m["TotFileSegmentsAtRoot"]) {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

func asUint(v any) uint64 {
	switch n := v.(type) {
	case uint64:
		return n
	case int:
		return uint64(n)
	case float64:
		return uint64(n)
	}
	return 0
}

// readArticles calls fn for each JSON line of path.
func readArticles(path string, fn func(*article) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<20)
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return err
		}
		defer gz.Close()
		r = gz
	}
	dec := json.NewDecoder(r)
	for {
		var a article
		if err := dec.Decode(&a); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
}

// benchQuery is one of the ten queries of issue 6, written as a user of plain
// bleve would: match queries on _all, field queries for the filters.
type benchQuery struct {
	name      string
	q         query.Query
	countOnly bool
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func dateRange(from, to string) query.Query {
	yes := true
	q := bleve.NewDateRangeInclusiveQuery(date(from), date(to), &yes, &yes)
	q.SetField("date")
	return q
}

func region(name string) query.Query {
	q := bleve.NewMatchQuery(name)
	q.SetField("region")
	q.SetOperator(query.MatchQueryOperatorAnd)
	return q
}

func all(words string) query.Query {
	q := bleve.NewMatchQuery(words)
	q.SetOperator(query.MatchQueryOperatorAnd)
	return q
}

func benchQueries() []benchQuery {
	opec := bleve.NewBooleanQuery()
	opec.AddMust(bleve.NewMatchQuery("opec"), bleve.NewDisjunctionQuery(bleve.NewMatchQuery("output"), bleve.NewMatchQuery("production")))
	opec.AddMustNot(bleve.NewMatchQuery("saudi"))
	return []benchQuery{
		{name: "oil", q: all("oil")},
		{name: "cocoa", q: all("cocoa")},
		{name: "crude prices", q: all("crude prices")},
		{name: `"interest rates"`, q: bleve.NewMatchPhraseQuery("interest rates")},
		{name: "opec AND (output OR production) NOT saudi", q: opec},
		{name: "bank, region Europe", q: bleve.NewConjunctionQuery(all("bank"), region("Europe"))},
		{name: "wheat, March 1987", q: bleve.NewConjunctionQuery(all("wheat"), dateRange("1987-03-01T00:00:00Z", "1987-03-31T23:59:59Z"))},
		{name: "trade, Asia Pacific, April 1987", q: bleve.NewConjunctionQuery(all("trade"), region("Asia Pacific"), dateRange("1987-04-01T00:00:00Z", "1987-04-30T23:59:59Z"))},
		{name: "all of 15-16 March 1987 (count)", q: dateRange("1987-03-15T00:00:00Z", "1987-03-16T23:59:59Z"), countOnly: true},
		{name: "export*", q: bleve.NewPrefixQuery("export")},
	}
}

// The stored fields a hit carries in the hits mode: all but the body, as
// newsdex's hits.
var hitFields = []string{"title", "date", "region", "dateline", "source"}

func queries(res *result, path string, reps int, hits bool) error {
	start := time.Now()
	idx, err := bleve.Open(path)
	if err != nil {
		return err
	}
	defer idx.Close()
	res.OpenSeconds = time.Since(start).Seconds()
	for _, bq := range benchQueries() {
		size := 10
		if bq.countOnly {
			size = 0
		}
		var sr *bleve.SearchResult
		do := func() error {
			req := bleve.NewSearchRequestOptions(bq.q, size, 0, false)
			if hits && size > 0 {
				req.Fields = hitFields
				req.Highlight = bleve.NewHighlightWithStyle(html.Name)
				req.Highlight.AddField("title")
				req.Highlight.AddField("body")
			}
			var err error
			sr, err = idx.Search(req)
			return err
		}
		for i := 0; i < 3; i++ { // warm up
			if err := do(); err != nil {
				return fmt.Errorf("%s: %w", bq.name, err)
			}
		}
		times := make([]time.Duration, reps)
		for i := range times {
			t := time.Now()
			if err := do(); err != nil {
				return fmt.Errorf("%s: %w", bq.name, err)
			}
			times[i] = time.Since(t)
		}
		qr := queryResult{Name: bq.name, SamplesNs: nanos(times), Total: sr.Total, Top: []string{}}
		for _, h := range sr.Hits {
			qr.Top = append(qr.Top, h.ID)
			if len(h.Fragments) > 0 {
				qr.Highlighted++
			}
		}
		res.Queries = append(res.Queries, qr)
	}
	return nil
}

// dirSize returns the bytes of the files under dir and the number of zap
// segment files.
func dirSize(dir string) (size int64, segments int) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			size += info.Size()
		}
		if strings.HasSuffix(p, ".zap") {
			segments++
		}
		return nil
	})
	return size, segments
}

// peakRSS is the process's high-water resident set size (VmHWM).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// nanos is d in nanoseconds, for the JSON output.
func nanos(d []time.Duration) []int64 {
	out := make([]int64, len(d))
	for i, x := range d {
		out[i] = x.Nanoseconds()
	}
	return out
}
