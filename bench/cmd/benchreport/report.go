package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"sort"
	"strings"
	"time"
)

// The anchors for engines this run does not measure, as ratios to
// plain bleve with default settings (issue 6's table, same corpus and queries).
const (
	xapianBuildRatio = 1.05
	blugeBuildRatio  = 1.35
	xapianQueryRatio = 218.0 / 332.0 // Xapian's geomean p50 over plain bleve's
)

// The editors' topics MAP@100 measured before issue 12's query changes; the
// ranking may not drop below it.
const (
	topicsBaselineMAP    = 0.528
	topicsBaselineCommit = "5b0a278"
)

// notesFile is the hand-written reading of the figures, appended to the
// report; relative to the repository root, where make bench runs.
const notesFile = "bench/NOTES.md"

// renderFile renders the report of the raw figures at resultsPath, with the
// notes at notesPath (none if that file does not exist), as -render does.
func renderFile(resultsPath, notesPath string) (string, error) {
	b, err := os.ReadFile(resultsPath)
	if err != nil {
		return "", err
	}
	res := &Results{}
	if err := json.Unmarshal(b, res); err != nil {
		return "", fmt.Errorf("%s: %v", resultsPath, err)
	}
	notes, err := os.ReadFile(notesPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return renderReport(res, notes), nil
}

// renderReport renders BENCHMARKS.md from one run's figures and the notes.
func renderReport(res *Results, notes []byte) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\n")
	p("Written by `make bench` (`bench/cmd/benchreport`); do not edit by hand. ")
	p("Run started %s at commit `%s`%s and took %s. Raw figures: `bench/results.json`.\n\n",
		res.Started, res.Machine.Commit, map[bool]string{true: " (with local changes)", false: ""}[res.Machine.Dirty],
		(time.Duration(res.TotalSeconds) * time.Second).String())

	goals := evaluate(res)
	p("## Goals (issues 6, 9 and 12)\n\n")
	p("Each goal is a ratio to plain bleve with default settings measured in this run, unless it names a fixed figure.\n\n")
	p("| goal | target | measured | verdict |\n| --- | --- | --- | --- |\n")
	for _, g := range goals {
		p("| %s | %s | %s | %s |\n", g.name, g.target, g.measured, verdict(g))
	}
	p("\n")

	m := res.Machine
	p("## Machine\n\n")
	p("| | |\n| --- | --- |\n")
	p("| CPUs (nproc) | %d |\n| CPU model | %s |\n| memory | %.1f GiB |\n| kernel | %s |\n| Go | %s |\n| load average at start | %s |\n\n",
		m.NumCPU, m.CPUModel, float64(m.MemTotal)/(1<<30), m.Kernel, m.GoVersion, m.LoadAtFrom)

	renderMethod(&b, res)
	renderBuilds(&b, res)
	renderPlot(&b, res)
	renderFull(&b, res)
	renderQueries(&b, res)
	renderBreakdown(&b, res)
	renderProcess(&b, res)
	renderRelevance(&b, res)
	renderTopics(&b, res)
	renderHTTP(&b, res)
	renderHTTPLevers(&b, res)
	renderGrowth(&b, res)
	renderGoBench(&b, res)
	if len(res.Errors) > 0 {
		p("## Errors during the run\n\n")
		for _, e := range res.Errors {
			p("- %s\n", strings.ReplaceAll(e, "\n", " "))
		}
		p("\n")
	}
	if len(notes) > 0 {
		p("%s\n", strings.TrimSpace(string(notes)))
	}
	return b.String()
}

func renderMethod(b *strings.Builder, res *Results) {
	c := res.Config
	fmt.Fprintf(b, `## Method

- **Corpus.** The shared Reuters-21578 articles (%s articles, %s of raw title + body text; %s of JSON lines).
  Scaled corpora (%s) repeat the same articles with other ids (`+"`id-x1`, `id-x2`"+`, ...); every engine reads the
  same uncompressed JSON lines file.
- **Engines, all in this run.** *newsdex*: `+"`bin/index build --index DIR --json FILE`"+`, the whole process.
  *plain bleve*: bleve v2.6.3 with default settings (`+"`NewIndexMapping()`"+`, dynamic mapping, `+"`_all`"+`,
  tf-idf), batches of 1000, `+"`bench/peers/plainbleve`"+`. *plain bleve, force-merged*: the same plus
  `+"`ForceMerge`"+` to one segment inside the timed build. *SQLite FTS5*: modernc.org/sqlite (pure Go), an FTS5 table
  over title and body with the porter tokenizer, id/date/region in a plain table with indexes, one transaction,
  `+"`optimize`"+` at the end, `+"`bench/peers/sqlitefts`"+`. The peers are separate Go modules.
- **Build.** Wall time of the whole process (JSON lines in, index closed on disk), its peak RSS (`+"`VmHWM`"+`: the
  peers report their own at exit, `+"`bin/index`"+`'s is read from `+"`/proc/PID/status`"+` every 20 ms; `+"`wait4`"+`'s
  `+"`ru_maxrss`"+` is not used because Linux carries the spawning harness's peak into it), index size on disk; builds per engine and scale: %v; engines take turns within each
  repetition. Tables give the median, with min-max when there were several runs. newsdex's 1x build runs once more
  right after the largest scale's builds, for the linear build goal at that scale.
- **Queries.** The ten queries of issue 6, in-process on the index just built, sequentially on one goroutine:
  3 warm-up runs, then up to %v timed runs per query at each scale (newsdex stops a query after %s past 20 runs).
  newsdex goes through its real query path: `+"`query.NewSearcher(idx).Search`"+` with the query language, filters,
  stored fields and highlights, no facets (the default request). The peers run bare searches: plain bleve a
  `+"`SearchRequest`"+` of 10 hits without fields or highlights (match queries on `+"`_all`"+`, field queries
  for the filters), SQLite one `+"`count(*)`"+` plus one `+"`ORDER BY bm25(fts) LIMIT 10`"+` query.
  Plain bleve also runs them doing the work of newsdex's default request (*same work*: the same queries with the hits'
  stored fields but the body and html highlights of title and body; `+"`-work hits`"+`). The count-only
  query asks both for 0 hits (newsdex: `+"`limit=0`"+`). Dates are whole UTC days. After the largest scale's queries,
  newsdex's 1x index is searched again in turns with the largest scale's, run by run, for the growth goal.
- **search process.** `+"`bin/search --index DIR QUERY...`"+` end to end (start, open, query, print to a pipe): 5 timed runs
  after one warm-up.
- **Relevance.** For each ranked query, how many of newsdex's top 10 ids are in SQLite FTS5's top 10 by `+"`bm25()`"+`.
- **Editors' topics.** Reuters' own topic labels as relevance: for each topic with at least 20 labelled articles, its plain words
  as the query through newsdex's request (top 100), its labelled articles as the relevant set; mean average precision at 100.
- **HTTP.** `+"`bin/search serve`"+` on 127.0.0.1 over the 1x index. Each query alone: one client, one `+"`GET /api/search`"+`
  after the other on a kept-alive connection, as many runs as in-process at 1x. Load: closed-loop clients (`+"`bench/loadgen`"+`) cycle through
  the ten queries as `+"`GET /api/search`"+`, %.0f s or %d requests per level, whichever comes first, after a 2 s warm-up.
  Client and server share the same %d CPUs.
- **Go benchmarks.** `+"`go test -run '^$' -bench . -benchmem -benchtime %s`"+` over `+"`./internal/... ./cmd/...`"+`.

`, thousands(int64(res.Corpus.Articles)), mb(res.Corpus.TitleBody), mb(res.Corpus.JSONLBytes1x),
		scaleList(c.Scales), c.BuildReps, c.QueryReps, "4s", c.HTTPDurationS, c.HTTPMaxRequests, res.Machine.NumCPU, c.Benchtime)
}

func scaleList(s []int) string {
	var parts []string
	for _, k := range s {
		parts = append(parts, fmt.Sprintf("%dx", k))
	}
	return strings.Join(parts, ", ")
}

// buildStats summarizes the runs of one engine at one scale.
type buildStats struct {
	n                      int
	docs                   int
	wall, wallMin, wallMax float64
	rss, rssMax            int64
	size                   int64
	segments               int
	err                    string
}

func buildsOf(res *Results, engine string, k int) (bs buildStats, ok bool) {
	var walls []float64
	var rss []float64
	for _, r := range res.Builds {
		if r.Engine != engine || r.Scale != k {
			continue
		}
		if r.Error != "" {
			bs.err = r.Error
			continue
		}
		walls = append(walls, r.WallS)
		rss = append(rss, float64(r.MaxRSS))
		bs.docs, bs.size, bs.segments = r.Docs, r.IndexBytes, r.Segments
		bs.rssMax = max(bs.rssMax, r.MaxRSS)
	}
	if len(walls) == 0 {
		return bs, false
	}
	bs.n = len(walls)
	bs.wall, bs.wallMin, bs.wallMax = median(walls), minf(walls), maxf(walls)
	bs.rss = int64(median(rss))
	return bs, true
}

var engines = []string{engNewsdex, engBleve, engMerged, engSQLite}

func renderBuilds(b *strings.Builder, res *Results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Build\n\n")
	p("Whole process, JSON lines in, index out. Ratio: median wall time over plain bleve's at the same scale.\n\n")
	p("| scale | engine | docs | wall (median, min-max) | docs/s | ratio to plain bleve | peak RSS (median / max) | index size | segments |\n")
	p("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, k := range res.Config.Scales {
		base, baseOK := buildsOf(res, engBleve, k)
		for _, e := range engines {
			bs, ok := buildsOf(res, e, k)
			if !ok {
				if bs.err != "" {
					p("| %dx | %s | failed: %s | | | | | | |\n", k, e, oneLine(bs.err))
				}
				continue
			}
			ratio := "-"
			if baseOK {
				ratio = fmt.Sprintf("%.2f", bs.wall/base.wall)
			}
			seg := "-"
			if bs.segments > 0 {
				seg = fmt.Sprint(bs.segments)
			}
			p("| %dx | %s | %s | %s | %s | %s | %s / %s | %s | %s |\n", k, e, thousands(int64(bs.docs)),
				spread(bs.wall, bs.wallMin, bs.wallMax, bs.n, "s"), thousands(int64(float64(bs.docs)/bs.wall)),
				ratio, mib(bs.rss), mib(bs.rssMax), mb(bs.size), seg)
		}
	}
	p("\n")
}

func renderPlot(b *strings.Builder, res *Results) {
	type pt struct {
		x, y float64
		c    byte
	}
	marks := map[string]byte{engNewsdex: 'N', engBleve: 'B', engMerged: 'M', engSQLite: 'S'}
	var pts []pt
	var maxX, maxY float64
	var n1 float64
	var n1docs float64
	for _, e := range engines {
		for _, k := range res.Config.Scales {
			bs, ok := buildsOf(res, e, k)
			if !ok {
				continue
			}
			x := float64(bs.docs)
			if x == 0 {
				x = float64(res.Corpus.Articles * k)
			}
			pts = append(pts, pt{x, bs.wall, marks[e]})
			maxX, maxY = math.Max(maxX, x), math.Max(maxY, bs.wall)
			if e == engNewsdex && k == 1 {
				n1, n1docs = bs.wall, x
			}
		}
	}
	if len(pts) == 0 {
		return
	}
	const W, H = 64, 18
	grid := make([][]byte, H)
	for i := range grid {
		grid[i] = []byte(strings.Repeat(" ", W))
	}
	put := func(x, y float64, c byte, over bool) {
		col := int(math.Round(x / maxX * float64(W-1)))
		row := H - 1 - int(math.Round(y/maxY*float64(H-1)))
		if col < 0 || col >= W || row < 0 || row >= H {
			return
		}
		if over || grid[row][col] == ' ' {
			grid[row][col] = c
		}
	}
	if n1 > 0 {
		for col := 0; col < W; col++ {
			x := float64(col) / float64(W-1) * maxX
			put(x, n1*x/n1docs, '.', false)
		}
	}
	for _, q := range pts {
		put(q.x, q.y, q.c, true)
	}
	fmt.Fprintf(b, "### Build time against corpus size\n\n```\n")
	for i, row := range grid {
		label := "        "
		switch i {
		case 0:
			label = fmt.Sprintf("%6.0fs ", maxY)
		case H / 2:
			label = fmt.Sprintf("%6.0fs ", maxY/2)
		case H - 1:
			label = "     0s "
		}
		fmt.Fprintf(b, "%s|%s\n", label, strings.TrimRight(string(row), " "))
	}
	fmt.Fprintf(b, "        +%s\n", strings.Repeat("-", W))
	fmt.Fprintf(b, "         0%s%s docs\n", strings.Repeat(" ", W-12), thousands(int64(maxX)))
	fmt.Fprintf(b, "```\n\nN newsdex, B plain bleve, M plain bleve force-merged, S SQLite FTS5; dots: newsdex's 1x time grown linearly.\n\n")
}

func renderFull(b *strings.Builder, res *Results) {
	if len(res.Full) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Full builds of the shared corpora\n\n")
	p("`bin/index build --json` of a whole shared corpus, one run each.\n\n")
	p("| input | flags | items indexed | wall | items/s | peak RSS | index size |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, f := range res.Full {
		flags := strings.Join(f.Args[:len(f.Args)-1], " ")
		if flags == "" {
			flags = "-"
		}
		if f.Error != "" {
			p("| %s | `%s` | failed: %s | %.1f s | | %s | |\n", f.Name, flags, oneLine(f.Error), f.WallS, mib(f.MaxRSS))
			continue
		}
		p("| %s | `%s` | %s | %.1f s | %s | %s | %s |\n", f.Name, flags, thousands(f.Items), f.WallS,
			thousands(int64(float64(f.Items)/f.WallS)), mib(f.MaxRSS), mb(f.Index))
	}
	p("\nThe build's own JSON summaries:\n\n")
	for _, f := range res.Full {
		if f.Summary != nil {
			p("- %s: `%s`\n", f.Name, compactJSON(f.Summary))
		}
	}
	p("\n")
}

func querySet(res *Results, engine string, k int) (map[string]QueryStats, bool) {
	for _, qs := range res.Queries {
		if qs.Engine == engine && qs.Scale == k && qs.Error == "" && len(qs.Queries) > 0 {
			m := map[string]QueryStats{}
			for _, q := range qs.Queries {
				m[q.Name] = q
			}
			return m, true
		}
	}
	return nil, false
}

// geomean of the p50s of the ten queries; ok only when all are there.
func geomean(m map[string]QueryStats) (float64, bool) {
	sum, n := 0.0, 0
	for _, bq := range benchQueries {
		q, ok := m[bq.Name]
		if !ok || q.P50us <= 0 {
			return 0, false
		}
		sum += math.Log(q.P50us)
		n++
	}
	return math.Exp(sum / float64(n)), n > 0
}

func renderQueries(b *strings.Builder, res *Results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	cell := func(m map[string]QueryStats, name string) string {
		q, ok := m[name]
		if !ok {
			return "-"
		}
		return fmt.Sprintf("%s / %s", us(q.P50us), us(q.P99us))
	}
	tot := func(m map[string]QueryStats, name string) string {
		q, ok := m[name]
		if !ok {
			return "-"
		}
		return thousands(int64(q.Total))
	}
	ratio := func(a, b map[string]QueryStats, name string) string {
		x, ok1 := a[name]
		y, ok2 := b[name]
		if !ok1 || !ok2 || y.P50us <= 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", x.P50us/y.P50us)
	}
	gm := func(m map[string]QueryStats) string {
		if g, ok := geomean(m); ok {
			return us(g)
		}
		return "-"
	}
	gmRatio := func(a, b map[string]QueryStats) string {
		g1, ok1 := geomean(a)
		g2, ok2 := geomean(b)
		if !ok1 || !ok2 || g2 <= 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", g1/g2)
	}

	if web, ok := querySet(res, engHTTP, 1); ok {
		ours, _ := querySet(res, engNewsdex, 1)
		work, beside := sameWorkBesideHTTP(res)
		p("## The default request through HTTP (1x)\n\n")
		p("p50 / p99 in µs. *newsdex through HTTP*: `GET /api/search` of `bin/search serve` on loopback, one client, one request after the other, ")
		p("the whole exchange timed (request written, response read to its end). *plain bleve, same work*: plain bleve in-process with the work of newsdex's ")
		p("default request: the same query, 10 hits with their stored fields (all but the body) and html highlights of title and body. ")
		if beside {
			p("The two were timed in %d rounds taking turns, the same minutes for both (this machine's speed drifts between minutes); ", besideRounds)
			p("*newsdex in-process* is from the in-process table, timed earlier. ")
		}
		p("Ratio: newsdex through HTTP over plain bleve doing the same work (issue 12's first goal).\n\n")
		facets, _ := querySet(res, engHTTPFacets, 1)
		p("*all facets*: the same through HTTP with `facets=region,kind,month`; its ratio is over the default request through HTTP (issue 12: at most 2x).\n\n")
		p("| query | newsdex through HTTP | newsdex in-process | plain bleve, same work | ratio | all facets, through HTTP | ratio to default |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		for _, bq := range benchQueries {
			p("| `%s` | %s | %s | %s | %s | %s | %s |\n", bq.Name, cell(web, bq.Name), cell(ours, bq.Name), cell(work, bq.Name), ratio(web, work, bq.Name),
				cell(facets, bq.Name), ratio(facets, web, bq.Name))
		}
		p("| **geomean of p50** | **%s** | %s | %s | %s | %s | %s |\n\n", gm(web), gm(ours), gm(work), gmRatio(web, work), gm(facets), gmRatio(facets, web))
	}

	p("## Query latency, in-process\n\n")
	for _, k := range res.Config.Scales {
		ours, ok := querySet(res, engNewsdex, k)
		if !ok {
			continue
		}
		work, _ := querySet(res, engBleveHits, k)
		plain, _ := querySet(res, engBleve, k)
		merged, _ := querySet(res, engMerged, k)
		lite, _ := querySet(res, engSQLite, k)
		p("### %dx (%s articles)\n\n", k, thousands(int64(res.Corpus.Articles*k)))
		p("p50 / p99 in µs; hits: the total each engine found. newsdex: its default request in-process. ")
		p("*same work*: plain bleve with 10 hits, stored fields and html highlights of title and body; *bare*: plain bleve's 10 ids by score, nothing else. ")
		p("Ratios: newsdex's p50 over each.\n\n")
		p("| query | newsdex | plain bleve, same work | plain bleve, bare | force-merged (bare) | SQLite FTS5 | ratio to same work | ratio to bare | hits (newsdex / bleve / SQLite) |\n")
		p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		for _, bq := range benchQueries {
			p("| `%s` | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s |\n", bq.Name, cell(ours, bq.Name), cell(work, bq.Name), cell(plain, bq.Name),
				cell(merged, bq.Name), cell(lite, bq.Name), ratio(ours, work, bq.Name), ratio(ours, plain, bq.Name),
				tot(ours, bq.Name), tot(plain, bq.Name), tot(lite, bq.Name))
		}
		p("| **geomean of p50** | **%s** | %s | %s | %s | %s | %s | %s | |\n\n", gm(ours), gm(work), gm(plain), gm(merged), gm(lite),
			gmRatio(ours, work), gmRatio(ours, plain))
	}
	p("Hit counts differ by design: newsdex and SQLite stem (porter), plain bleve's `_all` does not; newsdex searches title, body, summary and caption; ")
	p("newsdex counts stories (one hit per story), the peers items.\n\n")
	renderCollapse(b, res)
}

// renderCollapse writes the cost of collapsing to one hit per story: the
// default request against the same with expand=true, at each scale.
func renderCollapse(b *strings.Builder, res *Results) {
	var ks []int
	for _, k := range res.Config.Scales {
		if _, ok := querySet(res, engExpanded, k); ok {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("### The cost of collapsing stories\n\n")
	p("newsdex's default request (one hit per story) over the same with `expand=true` (every item): p50 ratio, and the totals (stories / items). ")
	p("The scaled corpora repeat each article, and a repeated article is one story, so a story at k x holds k copies. Issue 9: at 16x, at most 1.5x.\n\n")
	p("| query |")
	for _, k := range ks {
		p(" %dx |", k)
	}
	p("\n| --- |%s\n", strings.Repeat(" ---: |", len(ks)))
	for _, bq := range benchQueries {
		p("| `%s` |", bq.Name)
		for _, k := range ks {
			ours, _ := querySet(res, engNewsdex, k)
			all, _ := querySet(res, engExpanded, k)
			a, ok1 := ours[bq.Name]
			x, ok2 := all[bq.Name]
			if !ok1 || !ok2 || x.P50us <= 0 {
				p(" - |")
				continue
			}
			p(" %.2fx (%s / %s) |", a.P50us/x.P50us, thousands(int64(a.Total)), thousands(int64(x.Total)))
		}
		p("\n")
	}
	p("\n")
}

func renderBreakdown(b *strings.Builder, res *Results) {
	if len(res.Breakdown) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	parts := breakdownParts
	if _, old := res.Breakdown[0].P50us[oldBreakdownParts[0]]; old {
		parts = oldBreakdownParts
	}
	p("### Where newsdex's query time goes (1x)\n\n")
	if parts[0] == oldBreakdownParts[0] {
		p("p50 in µs of the request newsdex's search runs (`query.BleveRequest`), in parts, on the same index: bare (query, filters, sort and paging only), with the ")
		p("hits' stored fields, with highlights (and fields), with the region/kind/month facets alone, and the full query path.\n\n")
	} else {
		p("p50 in µs of `query.Searcher.Search` asked three ways: count only (`limit=0`), the default request (10 hits with stored fields and highlights, no facets), ")
		p("and the same with every facet (`facets=region,kind,month,source`).\n\n")
	}
	p("| query |")
	for _, part := range parts {
		p(" %s |", part)
	}
	p("\n| --- |%s\n", strings.Repeat(" ---: |", len(parts)))
	for _, bd := range res.Breakdown {
		p("| `%s` |", bd.Name)
		for _, part := range parts {
			p(" %s |", us(bd.P50us[part]))
		}
		p("\n")
	}
	p("\n")
}

func renderProcess(b *strings.Builder, res *Results) {
	if len(res.Process) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## `search` process wall time (1x index)\n\n")
	p("| command | median | min-max |\n| --- | ---: | ---: |\n")
	for _, pt := range res.Process {
		cmd := "search " + shellJoin(pt.Args)
		if pt.Error != "" {
			p("| `%s` | failed: %s | |\n", cmd, oneLine(pt.Error))
			continue
		}
		p("| `%s` | %.1f ms | %.1f-%.1f ms |\n", cmd, median(pt.WallsMs), minf(pt.WallsMs), maxf(pt.WallsMs))
	}
	p("\n")
}

// overlaps returns, per ranked query, how many of newsdex's top 10 are in
// SQLite's top 10, out of the size of SQLite's top 10.
func overlaps(res *Results) (rows [][3]any, avg float64, ok bool) {
	rows, avg, _, ok = overlapsBoth(res)
	return rows, avg, ok
}

// overlapsBoth is overlaps with plain bleve's average too.
func overlapsBoth(res *Results) (rows [][3]any, avg, plainAvg float64, ok bool) {
	ours, ok1 := querySet(res, engNewsdex, 1)
	lite, ok2 := querySet(res, engSQLite, 1)
	plain, _ := querySet(res, engBleve, 1)
	if !ok1 || !ok2 {
		return nil, 0, 0, false
	}
	sum, sumPlain, n := 0.0, 0.0, 0
	for _, bq := range benchQueries {
		if bq.CountOnly {
			continue
		}
		// By story when the run has them: newsdex answers one hit a story.
		top := func(q QueryStats) []string {
			if len(lite[bq.Name].TopStories) > 0 {
				return q.TopStories
			}
			return q.Top
		}
		ref := top(lite[bq.Name])
		if len(ref) == 0 {
			continue
		}
		o := overlap(top(ours[bq.Name]), ref)
		ob := overlap(top(plain[bq.Name]), ref)
		rows = append(rows, [3]any{bq.Name, fmt.Sprintf("%d/%d", o, len(ref)), fmt.Sprintf("%d/%d", ob, len(ref))})
		sum += 10 * float64(o) / float64(len(ref))
		sumPlain += 10 * float64(ob) / float64(len(ref))
		n++
	}
	if n == 0 {
		return rows, 0, 0, false
	}
	return rows, sum / float64(n), sumPlain / float64(n), true
}

func overlap(a, b []string) int {
	set := map[string]bool{}
	for _, x := range b {
		set[x] = true
	}
	n := 0
	for _, x := range a {
		if set[x] {
			n++
		}
	}
	return n
}

func renderRelevance(b *strings.Builder, res *Results) {
	rows, avg, plainAvg, ok := overlapsBoth(res)
	if !ok {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Relevance: top 10 shared with SQLite FTS5's bm25() (1x)\n\n")
	if _, plain := querySet(res, engBleve, 1); !plain {
		p("| query | newsdex |\n| --- | ---: |\n")
		for _, r := range rows {
			p("| `%s` | %s |\n", r[0], r[1])
		}
		p("| **average (out of 10)** | **%.1f** |\n\n", avg)
	} else {
		p("| query | newsdex | plain bleve (tf-idf on `_all`, for reference) |\n| --- | ---: | ---: |\n")
		for _, r := range rows {
			p("| `%s` | %s | %s |\n", r[0], r[1], r[2])
		}
		p("| **average (out of 10)** | **%.1f** | %.1f |\n\n", avg, plainAvg)
	}
	p("The count-only query has no ranking and is left out.")
	byStory := false
	if lite, ok := querySet(res, engSQLite, 1); ok {
		for _, q := range lite {
			byStory = byStory || len(q.TopStories) > 0
		}
	}
	if byStory {
		p(" Judged by story: x/y counts newsdex's top 10 stories that hold one of SQLite's top 10 items, out of the y stories those items make.")
	}
	p("\n\n")
}

func renderHTTP(b *strings.Builder, res *Results) {
	if len(res.HTTP) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## HTTP load (`search serve`, 1x index, loopback)\n\n")
	p("| clients | requests | errors | seconds | requests/s | p50 | p99 | max | server peak RSS |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, l := range res.HTTP {
		p("| %d | %s | %d | %.1f | %.0f | %.2f ms | %.2f ms | %.1f ms | %s |\n", l.Clients, thousands(int64(l.Requests)), l.Errors,
			l.Seconds, l.RPS, l.P50ms, l.P99ms, l.MaxMs, mib(l.ServerRSS))
	}
	for _, l := range res.HTTP {
		if l.FirstErr != "" {
			p("\nFirst error at %d clients: `%s`\n", l.Clients, oneLine(l.FirstErr))
		}
	}
	p("\n")
}

func renderGrowth(b *strings.Builder, res *Results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Growth\n\n")
	p("Build wall time, index size and peak RSS of each build, and the p50 of the queries (µs unless marked), at each scale; x of 1x: over the same engine at 1x.\n\n")
	p("| engine | scale | docs | build wall | x of 1x | index size | x of 1x | peak RSS (max) | p50 geomean | x of 1x |\n")
	p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, e := range []string{engNewsdex, engBleve, engSQLite} {
		base, baseOK := buildsOf(res, e, 1)
		baseQ, _ := querySet(res, e, 1)
		baseG, baseGOK := geomean(baseQ)
		for _, k := range res.Config.Scales {
			bs, ok := buildsOf(res, e, k)
			if !ok {
				continue
			}
			grow, growSize, growQ := "-", "-", "-"
			if baseOK && base.wall > 0 && base.size > 0 {
				grow = fmt.Sprintf("%.2f", bs.wall/base.wall)
				growSize = fmt.Sprintf("%.2f", float64(bs.size)/float64(base.size))
			}
			qs, _ := querySet(res, e, k)
			g := "-"
			if v, ok := geomean(qs); ok {
				g = usUnit(v)
				if baseGOK && baseG > 0 {
					growQ = fmt.Sprintf("%.2f", v/baseG)
				}
			}
			p("| %s | %dx | %s | %.1f s | %s | %s | %s | %s | %s | %s |\n", e, k, thousands(int64(bs.docs)), bs.wall, grow, mb(bs.size), growSize,
				mib(bs.rssMax), g, growQ)
		}
	}
	p("\n")

	// Per query class: newsdex's p50 growth against its hits' growth.
	base, ok := querySet(res, engNewsdex, 1)
	if !ok {
		return
	}
	var ks []int
	for _, k := range res.Config.Scales {
		if _, ok := querySet(res, engNewsdex, k); ok && k > 1 {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return
	}
	p("### newsdex: p50 growth per query against its hits' growth\n\n")
	p("For each query and scale: the p50's growth over 1x / the hits' growth over 1x. The hits are the items the query matches (its total with expand=true): the default request's total counts stories, and a scaled corpus's copies of an article are one story, so that total stays put while the items to search grow. Issue 12: at the largest scale, every query's p50 grows at most linearly with its hits (the first figure at most the second).\n\n")
	p("| query | p50 at 1x |")
	for _, k := range ks {
		p(" %dx |", k)
	}
	p("\n| --- | ---: |%s\n", strings.Repeat(" ---: |", len(ks)))
	for _, bq := range benchQueries {
		b1, ok := base[bq.Name]
		if !ok || b1.P50us <= 0 {
			continue
		}
		p("| `%s` | %s |", bq.Name, usUnit(b1.P50us))
		for _, k := range ks {
			qs, _ := querySet(res, engNewsdex, k)
			q, ok := qs[bq.Name]
			h1, hk := matchedItems(res, 1, bq.Name), matchedItems(res, k, bq.Name)
			if !ok || h1 == 0 {
				p(" - |")
				continue
			}
			p(" %.1fx / %.1fx |", q.P50us/b1.P50us, float64(hk)/float64(h1))
		}
		p("\n")
	}
	p("\n")
	renderInTurns(b, res)
}

// renderInTurns is the growth of each query's p50 from 1x to the largest
// scale with the two indexes timed in turns, run by run (the growth goal's
// figures when the run has them).
func renderInTurns(b *strings.Builder, res *Results) {
	one, ok := querySet(res, engInTurns, 1)
	if !ok {
		return
	}
	top := 0
	for _, qs := range res.Queries {
		if qs.Engine == engInTurns && qs.Scale > top && qs.Error == "" {
			top = qs.Scale
		}
	}
	qs, ok := querySet(res, engInTurns, top)
	if !ok || top <= 1 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("### newsdex: 1x and %dx timed in turns\n\n", top)
	p("The table above divides the %dx p50 by the 1x p50 timed at the start of the run, and this machine's speed drifts between minutes. "+
		"Here the 1x index is searched again after the %dx queries, the two indexes taking turns run by run, so that both p50s come from the same seconds; "+
		"the growth goal reads these.\n\n", top, top)
	p("| query | p50 at 1x | p50 at %dx | p50 growth / hits' growth | ratio |\n| --- | ---: | ---: | ---: | ---: |\n", top)
	for _, bq := range benchQueries {
		b1, ok1 := one[bq.Name]
		q, ok2 := qs[bq.Name]
		h1, hk := matchedItems(res, 1, bq.Name), matchedItems(res, top, bq.Name)
		if !ok1 || !ok2 || b1.P50us <= 0 || h1 == 0 {
			continue
		}
		g, hg := q.P50us/b1.P50us, float64(hk)/float64(h1)
		p("| `%s` | %s | %s | %.1fx / %.1fx | %.2f |\n", bq.Name, usUnit(b1.P50us), usUnit(q.P50us), g, hg, g/hg)
	}
	p("\n")
}

func renderGoBench(b *strings.Builder, res *Results) {
	if res.GoBench == "" && res.GoBenchError == "" {
		return
	}
	fmt.Fprintf(b, "## Go benchmarks\n\n`go test -run '^$' -bench . -benchmem -benchtime %s ./internal/... ./cmd/...`", res.Config.Benchtime)
	if res.GoBenchError != "" {
		fmt.Fprintf(b, " (exit: %s)", res.GoBenchError)
	}
	fmt.Fprintf(b, "\n\n```\n%s\n```\n\n", res.GoBench)
}

// goal is one of issue 6's goals with its figure.
type goal struct {
	name, target, measured string
	met, known             bool
}

func verdict(g goal) string {
	switch {
	case !g.known:
		return "not measured"
	case g.met:
		return "**met**"
	default:
		return "**not met**"
	}
}

func evaluate(res *Results) []goal {
	var gs []goal
	add := func(g goal) { gs = append(gs, g) }
	for _, g := range evaluate12(res) {
		add(g)
	}
	for _, k := range []int{1, 4} {
		ours, ok1 := buildsOf(res, engNewsdex, k)
		plain, ok2 := buildsOf(res, engBleve, k)
		lite, ok3 := buildsOf(res, engSQLite, k)
		g := goal{name: fmt.Sprintf("build time at %dx", k), target: "at most 0.5x plain bleve"}
		if ok1 && ok2 {
			r := ours.wall / plain.wall
			g.known, g.met = true, r <= 0.5
			g.measured = fmt.Sprintf("%.2fx (%.1f s vs %.1f s)", r, ours.wall, plain.wall)
		}
		add(g)
		g = goal{name: fmt.Sprintf("build faster than Xapian and bluge at %dx", k), target: fmt.Sprintf("below %.2fx plain bleve (issue's anchors)", xapianBuildRatio)}
		if ok1 && ok2 {
			r := ours.wall / plain.wall
			g.known, g.met = true, r < math.Min(xapianBuildRatio, blugeBuildRatio)
			g.measured = fmt.Sprintf("%.2fx", r)
		}
		add(g)
		g = goal{name: fmt.Sprintf("build within 3x of SQLite FTS5 at %dx", k), target: "at most 3x SQLite"}
		if ok1 && ok3 {
			r := ours.wall / lite.wall
			g.known, g.met = true, r <= 3
			g.measured = fmt.Sprintf("%.2fx (%.1f s vs %.1f s)", r, ours.wall, lite.wall)
		}
		add(g)
		limit := map[int]int64{1: 300 << 20, 4: 500 << 20}[k]
		g = goal{name: fmt.Sprintf("peak RSS at %dx", k), target: fmt.Sprintf("at most %s", mib(limit))}
		if ok1 {
			g.known, g.met = true, ours.rssMax <= limit
			g.measured = fmt.Sprintf("%s (max of %d runs; plain bleve %s)", mib(ours.rssMax), ours.n, mib(plain.rssMax))
		}
		add(g)
		g = goal{name: fmt.Sprintf("index size at %dx", k), target: "at most 2.7x raw title + body"}
		if ok1 && res.Corpus.TitleBody > 0 {
			r := float64(ours.size) / float64(res.Corpus.TitleBody*int64(k))
			g.known, g.met = true, r <= 2.7
			g.measured = fmt.Sprintf("%.2fx (%s for %s)", r, mb(ours.size), mb(res.Corpus.TitleBody*int64(k)))
		}
		add(g)
	}

	ours, ok1 := querySet(res, engNewsdex, 1)
	plain, ok2 := querySet(res, engBleve, 1)
	g := goal{name: "every query at most 2x plain bleve (p50, 1x)", target: "each ratio at most 2"}
	if ok1 && ok2 {
		g.known, g.met = true, true
		worst, worstName := 0.0, ""
		var over []string
		for _, bq := range benchQueries {
			r := ours[bq.Name].P50us / plain[bq.Name].P50us
			if r > worst {
				worst, worstName = r, bq.Name
			}
			if r > 2 {
				g.met = false
				over = append(over, fmt.Sprintf("`%s` %.1fx", bq.Name, r))
			}
		}
		g.measured = fmt.Sprintf("worst `%s` %.2fx", worstName, worst)
		if len(over) > 0 {
			g.measured = "over: " + strings.Join(over, ", ")
		}
	}
	add(g)
	g = goal{name: "query geomean at most Xapian's (1x)", target: fmt.Sprintf("at most %.2fx plain bleve's geomean (issue's anchor)", xapianQueryRatio)}
	if g1, ok := geomean(ours); ok {
		if g2, ok := geomean(plain); ok {
			r := g1 / g2
			g.known, g.met = true, r <= xapianQueryRatio
			g.measured = fmt.Sprintf("%.2fx (%s vs %s)", r, usUnit(g1), usUnit(g2))
		}
	}
	add(g)
	g = goal{name: "phrase query p50 (1x)", target: "at most 1.5 ms"}
	if ok1 {
		for _, bq := range benchQueries {
			if bq.Phrase {
				v := ours[bq.Name].P50us
				g.known, g.met = true, v <= 1500
				g.measured = fmt.Sprintf("`%s` %s", bq.Name, usUnit(v))
			}
		}
	}
	add(g)
	g = goal{name: "relevance: top 10 shared with SQLite FTS5", target: "at least 6 of 10 on average"}
	if _, avg, ok := overlaps(res); ok {
		g.known, g.met = true, avg >= 6
		g.measured = fmt.Sprintf("%.1f of 10", avg)
	}
	add(g)
	g = goal{name: "relevance: the editors' topics", target: fmt.Sprintf("MAP@100 not below %.3f (%s, before issue 12)", topicsBaselineMAP, topicsBaselineCommit)}
	if t := res.Topics; t != nil && len(t.Topics) > 0 {
		g.known, g.met = true, t.MAP >= topicsBaselineMAP-0.0005
		g.measured = fmt.Sprintf("%.3f over %d topics", t.MAP, len(t.Topics))
	}
	add(g)
	g = goal{name: "HTTP at 8 clients", target: "p99 at most 10 ms, no error"}
	for _, l := range res.HTTP {
		if l.Clients == 8 {
			g.known, g.met = true, l.P99ms <= 10 && l.Errors == 0 && l.Requests > 0
			g.measured = fmt.Sprintf("p99 %.2f ms, %d errors, %.0f req/s", l.P99ms, l.Errors, l.RPS)
		}
	}
	add(g)
	g = goal{name: "build time grows at most linearly", target: "time(kx) at most k x time(1x), within the spread of the 1x runs"}
	if base, ok := buildsOf(res, engNewsdex, 1); ok {
		// The 1x median carries the run-to-run noise of a few seconds'
		// process; a growth within k x (max/median of the 1x runs) is
		// linear as far as this run can tell.
		slack := base.wallMax / base.wall
		var parts []string
		g.met = true
		within := false
		for _, k := range res.Config.Scales {
			if k == 1 {
				continue
			}
			if bs, ok := buildsOf(res, engNewsdex, k); ok {
				g.known = true
				r := bs.wall / base.wall
				label := fmt.Sprintf("%dx: %.2fx", k, r)
				if after, ok := buildsOf(res, engBuildAfter, 1); ok && k == res.Config.Scales[len(res.Config.Scales)-1] && after.wall > 0 {
					r = bs.wall / after.wall
					label += fmt.Sprintf(" (%.2fx the 1x build right after it)", r)
				}
				switch {
				case r <= float64(k):
				case r <= float64(k)*slack:
					within = true
				default:
					g.met = false
				}
				parts = append(parts, label)
			}
		}
		g.measured = strings.Join(parts, ", ")
		if g.met && within {
			g.measured += fmt.Sprintf(" (the 1x runs spread %.0f%% above their median)", (slack-1)*100)
		}
	}
	add(g)
	return gs
}

// sameWorkBesideHTTP is plain bleve doing the same work as newsdex's
// default request, for the comparison with it through HTTP: timed beside
// it (beside true) when the run did, else the in-process table's (runs
// before the rounds taken in turns).
func sameWorkBesideHTTP(res *Results) (qs map[string]QueryStats, beside bool) {
	if qs, ok := querySet(res, engBleveBeside, 1); ok {
		return qs, true
	}
	qs, _ = querySet(res, engBleveHits, 1)
	return qs, false
}

// evaluate12 is issue 12's goals (fast at any size), first in the table.
func evaluate12(res *Results) []goal {
	var gs []goal
	add := func(g goal) { gs = append(gs, g) }
	web, okWeb := querySet(res, engHTTP, 1)
	work, _ := sameWorkBesideHTTP(res)
	okWork := work != nil
	g := goal{name: "default request through HTTP, geomean (1x)", target: "at most 1.0x plain bleve in-process doing the same work"}
	if okWeb && okWork {
		g1, ok1 := geomean(web)
		g2, ok2 := geomean(work)
		if ok1 && ok2 {
			r := g1 / g2
			g.known, g.met = true, r <= 1
			g.measured = fmt.Sprintf("%.2fx (%s vs %s)", r, usUnit(g1), usUnit(g2))
		}
	}
	add(g)
	g = goal{name: "default request through HTTP, each query (1x)", target: "each at most 2x plain bleve doing the same work"}
	if okWeb && okWork {
		g.known, g.met = true, true
		worst, worstName := 0.0, ""
		var over []string
		for _, bq := range benchQueries {
			a, ok1 := web[bq.Name]
			b, ok2 := work[bq.Name]
			if !ok1 || !ok2 || b.P50us <= 0 {
				g.known = false
				continue
			}
			r := a.P50us / b.P50us
			if r > worst {
				worst, worstName = r, bq.Name
			}
			if r > 2 {
				g.met = false
				over = append(over, fmt.Sprintf("`%s` %.1fx", bq.Name, r))
			}
		}
		g.measured = fmt.Sprintf("worst `%s` %.2fx", worstName, worst)
		if len(over) > 0 {
			g.measured = "over: " + strings.Join(over, ", ")
		}
	}
	add(g)
	if gg, ok := growthGoal(res); ok {
		add(gg)
	}
	g = goal{name: "collapse cost at 16x (issue 9)", target: "each query at most 1.5x the same with expand=true"}
	if ours, ok := querySet(res, engNewsdex, 16); ok {
		if all, ok := querySet(res, engExpanded, 16); ok {
			g.known, g.met = true, true
			worst, worstName := 0.0, ""
			for _, bq := range benchQueries {
				a, ok1 := ours[bq.Name]
				x, ok2 := all[bq.Name]
				if !ok1 || !ok2 || x.P50us <= 0 {
					g.known = false
					continue
				}
				if r := a.P50us / x.P50us; r > worst {
					worst, worstName = r, bq.Name
				}
			}
			g.met = worst <= 1.5
			g.measured = fmt.Sprintf("worst `%s` %.2fx", worstName, worst)
		}
	}
	add(g)
	g = goal{name: "all facets through HTTP, each query (1x)", target: "each at most 2x the default request through HTTP"}
	if facets, ok := querySet(res, engHTTPFacets, 1); ok && okWeb {
		g.known, g.met = true, true
		worst, worstName := 0.0, ""
		for _, bq := range benchQueries {
			a, ok1 := facets[bq.Name]
			b, ok2 := web[bq.Name]
			if !ok1 || !ok2 || b.P50us <= 0 {
				g.known = false
				continue
			}
			if r := a.P50us / b.P50us; r > worst {
				worst, worstName = r, bq.Name
			}
		}
		g.met = worst <= 2
		g.measured = fmt.Sprintf("worst `%s` %.2fx", worstName, worst)
	}
	add(g)
	return gs
}

// growthGoal is issue 12's scale goal at the largest scale newsdex ran
// (64x in make bench): every query's p50 grows at most linearly with its
// hits from 1x, that is p50(k)/p50(1) at most hits(k)/hits(1), with 10%
// slack for a single run's noise.
func growthGoal(res *Results) (goal, bool) {
	base, ok := querySet(res, engNewsdex, 1)
	top := 0
	for _, k := range res.Config.Scales {
		if _, ok := querySet(res, engNewsdex, k); ok && k > top {
			top = k
		}
	}
	if !ok || top <= 1 {
		return goal{}, false
	}
	g := goal{name: fmt.Sprintf("p50 growth at %dx", top), target: "every query at most linear in its hits from 1x (10% slack)"}
	qs, _ := querySet(res, engNewsdex, top)
	inTurns := false
	if one, ok := querySet(res, engInTurns, 1); ok {
		if t, ok := querySet(res, engInTurns, top); ok {
			base, qs, inTurns = one, t, true
		}
	}
	g.known, g.met = true, true
	worst, worstName := 0.0, ""
	var over []string
	for _, bq := range benchQueries {
		b1, ok1 := base[bq.Name]
		q, ok2 := qs[bq.Name]
		h1, hk := matchedItems(res, 1, bq.Name), matchedItems(res, top, bq.Name)
		if !ok1 || !ok2 || b1.P50us <= 0 || h1 == 0 || hk == 0 {
			g.known = false
			continue
		}
		r := (q.P50us / b1.P50us) / (float64(hk) / float64(h1))
		if r > worst {
			worst, worstName = r, bq.Name
		}
		if r > 1.1 {
			g.met = false
			over = append(over, fmt.Sprintf("`%s` %.2f", bq.Name, r))
		}
	}
	g.measured = fmt.Sprintf("worst `%s`: p50 grew %.2f times as fast as its hits", worstName, worst)
	if len(over) > 0 {
		g.measured = "faster than the hits: " + strings.Join(over, ", ")
	}
	if inTurns {
		g.measured += fmt.Sprintf(" (1x and %dx timed in turns)", top)
	}
	return g, true
}

// matchedItems is the number of items a query matches at a scale: its
// total with expand=true where that was measured, else the default
// request's.
func matchedItems(res *Results, k int, name string) uint64 {
	if qs, ok := querySet(res, engExpanded, k); ok {
		if q, ok := qs[name]; ok && q.Total > 0 {
			return uint64(q.Total)
		}
	}
	if qs, ok := querySet(res, engNewsdex, k); ok {
		if q, ok := qs[name]; ok {
			return uint64(q.Total)
		}
	}
	return 0
}

// formatting helpers

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func minf(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = math.Min(m, x)
	}
	return m
}

func maxf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}

func spread(med, lo, hi float64, n int, unit string) string {
	if n <= 1 {
		return fmt.Sprintf("%.2f %s", med, unit)
	}
	return fmt.Sprintf("%.2f %s (%.2f-%.2f)", med, unit, lo, hi)
}

func mib(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
func mb(n int64) string  { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func us(v float64) string {
	if v >= 10000 {
		return fmt.Sprintf("%.1f ms", v/1000)
	}
	return fmt.Sprintf("%.0f", v)
}

// usUnit is us with its unit.
func usUnit(v float64) string {
	if v >= 10000 {
		return us(v)
	}
	return us(v) + " µs"
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []string
	for len(s) > 3 {
		out = append([]string{s[len(s)-3:]}, out...)
		s = s[:len(s)-3]
	}
	out = append([]string{s}, out...)
	r := strings.Join(out, ",")
	if neg {
		r = "-" + r
	}
	return r
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

func shellJoin(args []string) string {
	var out []string
	for _, a := range args {
		if strings.ContainsAny(a, " \"*()") {
			a = "'" + a + "'"
		}
		out = append(out, a)
	}
	return strings.Join(out, " ")
}

func compactJSON(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %v", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
