// Package indexer gets items into a newsdex index: Build (a new generation
// from scratch) and Add (the next generation from the current one, with
// upserts). Reading an index back (stats, export) is package catalog's.
//
// What goes in:
//
//   - One document per distinct article: its id is the given one (JSON lines)
//     or its identity's (item.ArticleID). Repeats add nothing.
//   - One document per distinct teaser (item.TeaserID: folded headline, region
//     and day). Its pages counts the distinct pages listing it, distinct by the
//     listing page's article id; the page ids are kept in the stored-only
//     page_keys field so that index add recounts distinctly. A teaser from JSON
//     lines listed once (pages 0 or 1, as index parse prints it) counts its
//     file as the listing page, so parse | build counts as build of the pages;
//     one with a larger pages count (index export) brings that count (the
//     largest, when it comes several times), so export then build round-trips;
//     pages counted so, with no known page, add to the keyed ones. Index add raises pages by the new distinct
//     pages only.
//   - A teaser's article_id is the id of the indexed article with the same
//     folded headline and day (item.HeadlineKey); when several articles qualify,
//     the smallest id, so the link does not depend on input order. Index add
//     also relinks stored teasers to the articles it adds.
//   - Within one run, the first copy of an item wins; index add replaces stored
//     items with the same id.
//
// Articles are indexed as they stream in, in batches handed to other
// goroutines: two or more for Build (batches of distinct ids, in any order),
// one for Add (its upserts stay in input order). Teasers are written at the
// end, when every article is known. What stays in memory meanwhile is compact:
// a set of 64-bit hashes of the article ids, a map from a 64-bit hash of each
// headline key to its article id, and per distinct teaser its item and its page
// ids. The rest of the memory is bleve's.
//
// # Finishing a build
//
// Build writes with bleve's offline builder (bleve.NewBuilder), one per
// indexing goroutine (builders.go): index-once, each writes a segment file
// per 250 documents into a folder inside the new generation and merges them
// into one on Close, all at once; their segments are then merged into one
// with zap's merge, and the index is opened once to check that it holds
// every document and to stamp the mapping version (the builder cannot store
// it); its generation then replaces the current one (package store). A build that read nothing, or skipped anything with Strict, leaves
// the index as it was. Add cannot use the builder: it updates a writable clone
// of the current generation with ordinary batches, and scorch merges in the
// background as usual.
//
// Until issue 14 a build wrote unsafe batches into a live scorch index, then
// force-merged it, polled scorch's StatsMap by its string keys until the
// merged root was persisted, and re-stamped the index to nudge scorch into
// deleting the merged-away segment files. Measured on the shared Reuters-21578
// articles (15,996, and 4x: 63,984) on the 2-core machine while it ran
// several other sessions (load 18 to 35: one build's wall time varied up to
// 2.7x from run to run, so only the ratio to the run beside it counts):
//
//	                      force merge              builder
//	1x wall               32-87 s (5 runs)         32-63 s, 0.73-1.0x the run beside it
//	1x peak RSS           186-193 MiB              133-162 MiB (0.71-0.86x)
//	1x CPU (user)         10.0, 11.8 s             8.5, 9.7 s (0.82-0.86x)
//	4x wall               185, 220 s               208, 232 s (1.05-1.12x)
//	4x peak RSS           265, 263 MiB             182, 182 MiB (0.69x)
//	4x CPU (user)         38.6, 40.2 s             32.4, 32.8 s (0.82-0.84x)
//	index                 33.6 / 127.2 MiB, 1 segment, both
//	queries (best of 60)  8.2-8.8 / 42-48 ms       8.5-8.9 / 44-48 ms (sum of issue 6's ten)
//
// The builder is kept: it is the simpler code (no polling, no nudging, no
// background write errors to collect), it uses less memory and CPU, and the
// result answers as fast. Its one cost was that it analyses documents under
// one lock, so a build used less than two cores: the 4x wall time was 5-12%
// longer on the loaded machine. Since session 3 a build runs a builder per
// indexing goroutine, which uses both cores. bench/NOTES.md has the figures.
//
// A build's garbage is mostly analysed documents; run lowers GOGC to
// buildGCPercent for its duration (unless the environment sets GOGC), which
// keeps a 1x build's peak memory under 300 MiB.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"newsdex/internal/input"
	"newsdex/internal/item"
	"newsdex/internal/schema"
	"newsdex/internal/store"
	"newsdex/internal/story"
)

// Options tune Build and Add.
type Options struct {
	Input input.Options
	// Strict fails the run when any record is skipped; the index folder is
	// left as it was.
	Strict bool
	// Skipped is called for every skipped record (its Err says FILE:LINE: why).
	// nil: skipped records are written to Progress.
	Skipped func(input.Record)
	// Progress receives the progress bar or log lines and the summary line;
	// nil: nothing is written.
	Progress io.Writer
	// Terminal says Progress is a terminal: draw a bar rather than log lines.
	Terminal bool
	// BatchSize is the number of documents handed to an indexing goroutine
	// at a time (one bleve batch for Add); 0: 500 for Build, 1000 for Add.
	BatchSize int
	// Workers is the number of goroutines indexing Build's batches, each
	// into an offline builder of its own (builders.go); 0: GOMAXPROCS, at
	// least 2 and at most 4. Add always uses one, so that its upserts are
	// applied in input order.
	Workers int
}

// Batch sizes and the bound on Build's indexing goroutines. Each goroutine
// holds one batch being indexed, one more waits in the queue and one is being
// filled, so memory stays bounded by (workers+2) batches.
const (
	defaultBatch    = 500
	defaultAddBatch = 1000
	maxWorkers      = 4
)

// Summary says what a run did.
type Summary struct {
	Index      string  `json:"index"`
	Generation string  `json:"generation"`
	Files      int     `json:"files"`
	Pages      int     `json:"pages"`
	Records    int     `json:"records"` // items read: articles, and teasers once per listing
	Articles   int     `json:"articles"`
	Teasers    int     `json:"teasers"`
	Merged     int     `json:"duplicates_merged"` // records that were an item already read: Records - Articles - Teasers
	Skipped    int     `json:"skipped"`
	Seconds    float64 `json:"seconds"`
	ItemsPerS  float64 `json:"items_per_s"`
}

// Line is the one-line summary for people, e.g. "news.bleve gen-000001: 3
// files, 0 pages, 216,726 records, 199,906 items (199,906 articles, 0
// distinct teasers), 16,820 duplicates merged, 0 skipped in 41.0s (4,875
// items/s)".
func (s Summary) Line() string {
	return fmt.Sprintf("%s %s: %s, %s, %s, %s (%s, %s), %s merged, %s skipped in %.1fs (%s items/s)",
		s.Index, s.Generation, count(s.Files, "file", "files"), count(s.Pages, "page", "pages"),
		count(s.Records, "record", "records"), count(s.Articles+s.Teasers, "item", "items"),
		count(s.Articles, "article", "articles"), count(s.Teasers, "distinct teaser", "distinct teasers"),
		count(s.Merged, "duplicate", "duplicates"), thousands(s.Skipped), s.Seconds, thousands(int(math.Round(s.ItemsPerS))))
}

// count is "1 file", "2 files", "16,820 duplicates".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands writes n with commas between thousands: 216,726.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ErrSkipped is wrapped by the error of a --strict run that skipped something.
var ErrSkipped = errors.New("input skipped")

// ErrEmpty is wrapped by the error of a build that read no item: it does not
// replace an index with an empty one.
var ErrEmpty = errors.New("nothing to index")

// Build reads paths and builds a new generation of the index at dir from
// scratch, switching to it only when everything succeeded.
func Build(ctx context.Context, dir string, paths []string, opt Options) (Summary, error) {
	return run(ctx, dir, readPaths(paths, opt), opt, false)
}

// Add reads paths and upserts their items into the next generation of the
// index at dir, made from the current one (a new index when there is none).
func Add(ctx context.Context, dir string, paths []string, opt Options) (Summary, error) {
	return run(ctx, dir, readPaths(paths, opt), opt, true)
}

// source feeds records to fn in input order.
type source struct {
	paths []string     // the PATH arguments
	check func() error // nil, or fails when the input cannot be read at all
	read  func(ctx context.Context, fn func(input.Record) error) error
	// readInput, when set, is used instead of read: it reads with the
	// options given, input with the progress hooks added.
	readInput func(ctx context.Context, in input.Options, fn func(input.Record) error) error
	input     input.Options
	// again says the input can be read twice (no stdin): a build reads it
	// once to decide the stories, then to index (stories.go).
	again bool
}

// each reads the input without the progress hooks.
func (src source) each(ctx context.Context, fn func(input.Record) error) error {
	if src.readInput != nil {
		return src.readInput(ctx, src.input, fn)
	}
	return src.read(ctx, fn)
}

func readPaths(paths []string, opt Options) source {
	again := true
	for _, p := range paths {
		again = again && p != "-"
	}
	return source{paths: paths, again: again, check: func() error {
		for _, p := range paths {
			if p == "-" {
				continue
			}
			if _, err := os.Stat(p); err != nil {
				return err
			}
		}
		return nil
	}, input: opt.Input, readInput: func(ctx context.Context, in input.Options, fn func(input.Record) error) error {
		return input.Read(ctx, paths, in, fn)
	}}
}

// buildGCPercent is GOGC during a run unless the environment sets one: with
// Go's 100 a 1x build peaked at 310 MiB, with 70 at 270 MiB, for the same CPU
// within the noise (by hand, bench/NOTES.md).
const buildGCPercent = 70

func run(ctx context.Context, dir string, src source, opt Options, add bool) (sum Summary, err error) {
	start := time.Now()
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(buildGCPercent))
	}
	if src.check != nil {
		// A missing PATH fails the run before the index folder is touched.
		if err := src.check(); err != nil {
			return sum, err
		}
	}
	w, err := store.Lock(dir)
	if err != nil {
		return sum, err
	}
	defer w.Close()

	var tmp string
	var idx bleve.Index
	if add {
		tmp, err = w.CloneCurrent()
		switch {
		case errors.Is(err, store.ErrNoIndex):
			add = false // nothing to add to: a first build
		case err != nil:
			return sum, err
		default:
			idx, err = store.OpenWrite(tmp)
			if err == nil {
				if err = store.CheckVersion(idx, dir); err != nil {
					idx.Close()
				}
			}
			if err != nil {
				w.Discard(tmp)
				return sum, err
			}
		}
	}
	// A build writes with bleve's offline builder (its segments go to a
	// folder inside tmp, so that a killed build leaves them where the next
	// one clears them); an add updates the clone of the current generation.
	workers := workersFor(opt, add)
	var bld *builders
	var write func(int, []doc) error
	if idx == nil {
		if tmp, err = w.TempPath(); err != nil {
			return sum, err
		}
		bld = newBuilders(tmp, workers)
		write = bld.write
	} else {
		write = batchWriter(idx)
	}
	closed := false
	defer func() {
		if !closed && idx != nil {
			idx.Close()
		}
		if err != nil {
			w.Discard(tmp)
		}
	}()

	r := newRunner(ctx, idx, write, opt, add, workers)
	defer r.prog.stop()
	if !add {
		r.prog.phase("stories")
		if !src.again {
			// stdin is read once: its records are kept for the second pass.
			if src, err = replay(ctx, src); err != nil {
				return sum, err
			}
		}
		if err = r.prepass(ctx, src); err != nil {
			return sum, err
		}
		r.prog.phase("reading")
	}
	var readErr error
	if src.readInput != nil {
		in := src.input
		in.Planned, in.Ignored = r.prog.plan, r.prog.ignored
		readErr = src.readInput(ctx, in, r.record)
	} else {
		readErr = src.read(ctx, r.record)
	}
	err = r.finish(readErr)
	sum = r.summary()
	sum.Index = dir
	sum.Seconds = time.Since(start).Seconds()
	if err != nil {
		r.prog.stop()
		return sum, err
	}
	if r.skipped > 0 && opt.Strict {
		r.prog.stop()
		return sum, fmt.Errorf("%w: %d skipped with --strict; the index at %s is left as it was", ErrSkipped, r.skipped, dir)
	}
	if sum.Articles+sum.Teasers == 0 {
		r.prog.stop()
		if add {
			sum.Generation, _ = store.Current(dir)
			closed = true
			idx.Close()
			w.Discard(tmp)
			return sum, nil // nothing to add: no new generation
		}
		return sum, fmt.Errorf("%w: no items read; the index at %s is left as it was", ErrEmpty, dir)
	}
	r.prog.phase("finishing")
	if bld != nil {
		// The builders merge their segments into one and write the index;
		// a builder cannot store the mapping version, so the index is
		// opened once more to stamp it (and to check that it holds every
		// document written).
		if err = bld.closeAll(); err != nil {
			return sum, fmt.Errorf("writing the index: %w", err)
		}
		if idx, err = store.OpenWrite(tmp); err != nil {
			return sum, err
		}
		var n uint64
		if n, err = idx.DocCount(); err == nil && n != bld.docs.Load() {
			err = fmt.Errorf("writing the index: it holds %d documents of the %d written", n, bld.docs.Load())
		}
		if err != nil {
			return sum, err
		}
	}
	if err = store.Stamp(idx); err != nil {
		return sum, err
	}
	closed = true
	if err = idx.Close(); err != nil {
		return sum, fmt.Errorf("closing the new index: %w", err)
	}
	if sum.Generation, err = w.Commit(tmp); err != nil {
		return sum, err
	}
	el := time.Since(start)
	sum.Seconds = el.Seconds()
	if el > 0 {
		sum.ItemsPerS = float64(sum.Articles+sum.Teasers) / el.Seconds()
	}
	r.prog.stop()
	if opt.Progress != nil {
		fmt.Fprintln(opt.Progress, sum.Line())
	}
	return sum, nil
}

// teaser is what is kept of one distinct teaser until the end of a run.
type teaser struct {
	it    item.Item
	pages []string // distinct ids of the pages listing it, in order seen
	given int      // pages counted without a known page (JSON lines)
}

func (t *teaser) addPage(key string) {
	for _, k := range t.pages {
		if k == key {
			return
		}
	}
	t.pages = append(t.pages, key)
}

// doc is one document for the index.
type doc struct {
	id   string
	data map[string]any
}

// batchWriter writes batches of documents to idx.
func batchWriter(idx bleve.Index) func(int, []doc) error {
	return func(_ int, ds []doc) error {
		b := idx.NewBatch()
		for _, d := range ds {
			if err := b.Index(d.id, d.data); err != nil {
				return err
			}
		}
		return idx.Batch(b)
	}
}

// newArticle is an article of an Add run, for relinking stored teasers.
type newArticle struct{ id, day, title string }

type runner struct {
	ctx   context.Context
	idx   bleve.Index
	opt   Options
	add   bool
	prog  *progress
	batch []doc
	size  int
	// write applies one batch to the index (Add) or, for Build, to the
	// builder of the indexing goroutine given.
	write func(int, []doc) error

	workers int // indexing goroutines: 1 for Add, whose upserts must stay in order
	work    chan []doc
	workErr chan error    // one result per indexing goroutine, sent when work is closed
	stopped chan struct{} // closed when an indexing goroutine failed
	stopErr error         // its error, set before stopped is closed
	stop    sync.Once
	failed  error // first indexing error, seen by the producer

	articles map[uint64]struct{} // 64-bit hashes of the article ids seen
	heads    map[uint64]string   // hash of HeadlineKey -> smallest article id
	teasers  map[string]*teaser
	added    []newArticle // Add only

	// Stories (stories.go): the features of every item of the run, the
	// story ids articles came with, and the items to write once their
	// stories are known.
	group      *story.Grouper
	given      map[string]string // article id -> story id given with it
	pending    []pendingDoc
	pendingIDs map[string]bool
	final      map[string]finalStory // Build: the stories decided by prepass

	files, pages, skipped int
	records               int // items read, duplicates included
	nTeasers              int
	lastFile              string
	done                  int64 // input bytes read, as the last record said
	stopIndexing          bool
}

// workersFor is the number of indexing goroutines of a run: one for Add,
// whose upserts must stay in input order.
func workersFor(opt Options, add bool) int {
	if add {
		return 1
	}
	if opt.Workers > 0 {
		return opt.Workers
	}
	return min(max(runtime.GOMAXPROCS(0), 2), maxWorkers)
}

func newRunner(ctx context.Context, idx bleve.Index, write func(int, []doc) error, opt Options, add bool, workers int) *runner {
	if opt.BatchSize <= 0 {
		opt.BatchSize = defaultBatch
		if add {
			opt.BatchSize = defaultAddBatch
		}
	}
	r := &runner{
		ctx: ctx, idx: idx, opt: opt, add: add, workers: workers,
		batch:    make([]doc, 0, opt.BatchSize),
		write:    write,
		articles: map[uint64]struct{}{},
		heads:    map[uint64]string{},
		teasers:  map[string]*teaser{},
		group:    story.NewGrouper(),
		given:    map[string]string{},
	}
	r.prog = newProgress(opt.Progress, opt.Terminal)
	r.startWorker()
	return r
}

// startWorker starts the goroutines that index the batches handed to them.
// With more than one, batches are applied in any order: that is only right
// when no two batches in flight hold the same id (Build: every article and
// every teaser is written once, and the workers are drained in between).
func (r *runner) startWorker() {
	n := r.workers
	work, errc := make(chan []doc, 1), make(chan error, n)
	stopped := make(chan struct{})
	r.work, r.workErr, r.stopped, r.stopErr, r.stop = work, errc, stopped, nil, sync.Once{}
	stop := &r.stop
	for w := range n {
		go func() {
			var err error
			for b := range work {
				if err == nil {
					if err = r.write(w, b); err != nil {
						stop.Do(func() { r.stopErr = err; close(stopped) })
					}
				}
			}
			errc <- err
		}()
	}
}

func idHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

func headHash(day, title string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(item.HeadlineKey(day, title)))
	return h.Sum64()
}

// record takes one input record.
func (r *runner) record(rec input.Record) error {
	r.done = rec.Done
	if rec.File != r.lastFile {
		r.files++
		r.lastFile = rec.File
	}
	if rec.Err == nil {
		rec.Err = r.admit(rec)
	}
	if rec.Err != nil {
		r.skipped++
		if r.opt.Strict {
			r.stopIndexing = true
		}
		r.prog.skip(rec, r.opt.Skipped)
		return nil
	}
	if rec.Page {
		r.pages++
	}
	if r.stopIndexing {
		r.prog.update(r.done, r.files, len(r.articles)+r.nTeasers)
		return nil
	}
	pageKey := ""
	for i := range rec.Items {
		it := rec.Items[i]
		it.EnsureID()
		r.records++
		if rec.Page && i == 0 {
			pageKey = it.ID
		}
		if it.Kind == item.Teaser {
			r.teaser(it, rec.Page, pageKey)
			continue
		}
		if err := r.article(it); err != nil {
			return err
		}
	}
	r.prog.update(r.done, r.files, len(r.articles)+r.nTeasers)
	return nil
}

// admit checks the items of a record before any of them reaches the index:
// an id that /api/items could not serve back, a date out of the index's
// range, or an id that this run has already given an item of the other kind
// skips the whole record, as "FILE:LINE: what is wrong". It sets the ids
// that were not given.
func (r *runner) admit(rec input.Record) error {
	line := max(rec.Line, 1)
	for i := range rec.Items {
		it := &rec.Items[i]
		it.EnsureID()
		if err := item.CheckID(it.ID); err != nil {
			return fmt.Errorf("%s:%d: %w", rec.File, line, err)
		}
		if !it.Date.IsZero() {
			if err := item.CheckDate(it.Date); err != nil {
				return fmt.Errorf("%s:%d: %w", rec.File, line, err)
			}
		}
		// One id is one item: an article and a teaser cannot share it (the
		// later would replace the earlier in the index). The first wins.
		_, isTeaser := r.teasers[it.ID]
		if it.Kind == item.Teaser {
			if _, isArticle := r.articles[idHash(it.ID)]; isArticle && !isTeaser {
				return fmt.Errorf("%s:%d: id %q is an article's already; a teaser needs its own id", rec.File, line, it.ID)
			}
		} else if isTeaser {
			return fmt.Errorf("%s:%d: id %q is a teaser's already; an article needs its own id", rec.File, line, it.ID)
		}
	}
	return nil
}

func (r *runner) article(it item.Item) error {
	key := idHash(it.ID)
	if _, dup := r.articles[key]; dup {
		return nil
	}
	r.articles[key] = struct{}{}
	h := headHash(it.Day(), it.Title)
	if cur, ok := r.heads[h]; !ok || it.ID < cur {
		r.heads[h] = it.ID
	}
	if r.add {
		r.added = append(r.added, newArticle{it.ID, it.Day(), it.Title})
	}
	it.Kind = item.Article
	it.Pages, it.ArticleID = 0, ""
	// Written now under a story of its own (or the one it came with); the
	// story step rewrites the few whose story turns out otherwise.
	f := story.Of(&it)
	member := false
	if r.final != nil {
		it.StoryID, member = r.finalStory(it.ID, it.StoryID)
	} else {
		r.group.Add(f, it.StoryID)
		if it.StoryID != "" {
			r.given[it.ID] = it.StoryID
		} else {
			it.StoryID = story.ID(it.ID)
		}
	}
	return r.index(it.ID, schema.StoryDocument(&it, &f, member), len(it.Body)+len(it.Title)+len(it.Caption)+len(it.Byline))
}

func (r *runner) teaser(it item.Item, fromPage bool, pageKey string) {
	t, ok := r.teasers[it.ID]
	if !ok {
		t = &teaser{it: it}
		t.it.Pages, t.it.ArticleID = 0, ""
		r.teasers[it.ID] = t
		r.nTeasers++
	}
	switch {
	case fromPage:
		t.addPage(pageKey)
	case it.Pages <= 1 && it.File != "":
		// One listing, as index parse prints it: distinct by the page file
		// that listed it, so parse | build counts as build of the pages does.
		t.addPage(fileKey(it.File))
	case it.Pages > t.given:
		t.given = it.Pages
	}
}

// fileKey is the page key of a listing known only by its page's file name
// (page keys are space-separated, file names may hold spaces).
func fileKey(file string) string { return fmt.Sprintf("f%016x", idHash(file)) }

// index adds a document to the current batch, handing full batches to the
// indexing goroutine.
func (r *runner) index(id string, data map[string]any, bytes int) error {
	r.batch = append(r.batch, doc{id, data})
	r.size += bytes
	if len(r.batch) >= r.opt.BatchSize || r.size >= 16<<20 {
		return r.flush()
	}
	return nil
}

func (r *runner) flush() error {
	if len(r.batch) == 0 {
		return nil
	}
	select {
	case r.work <- r.batch:
	case <-r.stopped:
		// an indexing goroutine failed: stop reading
		r.failed = r.stopErr
		return r.failed
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	r.batch = make([]doc, 0, r.opt.BatchSize)
	r.size = 0
	return nil
}

// drain closes the work queue and waits for the indexing goroutines.
func (r *runner) drain() error {
	if r.work == nil {
		return r.failed
	}
	close(r.work)
	r.work = nil
	err := r.failed
	for range r.workers {
		if werr := <-r.workErr; err == nil {
			err = werr
		}
	}
	return err
}

// finish indexes the teasers once every article is in, and waits for the
// indexing goroutine.
func (r *runner) finish(readErr error) error {
	err := readErr
	if err == nil && !r.stopIndexing {
		err = r.flush()
	}
	if derr := r.drain(); err == nil {
		err = derr
	}
	if err != nil || r.stopIndexing {
		return err
	}
	r.prog.last = time.Time{}
	r.prog.update(r.done, r.files, len(r.articles)+r.nTeasers)
	r.prog.phase("teasers")
	r.startWorker()
	err = r.writeTeasers()
	if err == nil && r.add {
		err = r.relink()
	}
	if err == nil {
		err = r.writeStories()
	}
	if err == nil {
		err = r.flush()
	}
	if derr := r.drain(); err == nil {
		err = derr
	}
	return err
}

func (r *runner) writeTeasers() error {
	ids := make([]string, 0, len(r.teasers))
	for id := range r.teasers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t := r.teasers[id]
		it := t.it
		keys := t.pages
		extra := t.given
		link := r.heads[headHash(it.Day(), it.Title)]
		if r.add {
			old, oldKeys, found, err := r.stored(id)
			if err != nil {
				return err
			}
			if found {
				if e := old.Pages - len(oldKeys); e > extra {
					extra = e
				}
				merged := &teaser{pages: oldKeys}
				for _, k := range keys {
					merged.addPage(k)
				}
				keys = merged.pages
			}
			other, err := r.linkInIndex(it.Day(), it.Title)
			if err != nil {
				return err
			}
			if other != "" && (link == "" || other < link) {
				link = other
			}
		}
		it.Pages = extra + len(keys)
		if it.Pages == 0 {
			it.Pages = 1 // a teaser is listed at least once
		}
		it.ArticleID = link
		r.later(it, keys)
		delete(r.teasers, id) // free it as we go
	}
	return nil
}

func teaserDoc(it *item.Item, f *story.Features, member bool, keys []string) map[string]any {
	doc := schema.StoryDocument(it, f, member)
	if len(keys) > 0 {
		doc[schema.FieldPageKeys] = strings.Join(keys, " ")
	}
	return doc
}

// stored returns the stored item of id and its page keys.
func (r *runner) stored(id string) (item.Item, []string, bool, error) {
	req := bleve.NewSearchRequest(query.NewDocIDQuery([]string{id}))
	req.Fields = []string{"*"}
	res, err := r.idx.SearchInContext(r.ctx, req)
	if err != nil {
		return item.Item{}, nil, false, err
	}
	if len(res.Hits) == 0 {
		return item.Item{}, nil, false, nil
	}
	h := res.Hits[0]
	keys, _ := h.Fields[schema.FieldPageKeys].(string)
	return schema.FromFields(h.ID, h.Fields), strings.Fields(keys), true, nil
}

// headlineHits finds the stored items of kind with the same day and folded
// headline, searching the index as it is now.
func (r *runner) headlineHits(kind item.Kind, day, title string) ([]item.Item, [][]string, error) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil || item.CheckDate(d) != nil { // undated: no day to match
		return nil, nil, nil
	}
	end := d.AddDate(0, 0, 1)
	incl, excl := true, false
	dq := bleve.NewDateRangeInclusiveQuery(d, end, &incl, &excl)
	dq.SetField(schema.FieldDate)
	kq := bleve.NewTermQuery(string(kind))
	kq.SetField(schema.FieldKind)
	// The headline as a phrase of the words as written (the title field
	// keeps no positions); the exact title is checked below.
	pq := bleve.NewMatchPhraseQuery(title)
	pq.Analyzer = schema.WordsQueryAnalyzer
	pq.SetField(schema.FieldWords)
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(dq, kq, pq), 1000, 0, false)
	req.Fields = []string{"*"}
	res, err := r.idx.SearchInContext(r.ctx, req)
	if err != nil {
		return nil, nil, err
	}
	want := item.Fold(title)
	var items []item.Item
	var keys [][]string
	for _, h := range res.Hits {
		it := schema.FromFields(h.ID, h.Fields)
		if item.Fold(it.Title) != want {
			continue
		}
		k, _ := h.Fields[schema.FieldPageKeys].(string)
		items = append(items, it)
		keys = append(keys, strings.Fields(k))
	}
	return items, keys, nil
}

// linkInIndex is the smallest id of a stored article with this headline and day.
func (r *runner) linkInIndex(day, title string) (string, error) {
	arts, _, err := r.headlineHits(item.Article, day, title)
	if err != nil {
		return "", err
	}
	best := ""
	for _, a := range arts {
		if best == "" || a.ID < best {
			best = a.ID
		}
	}
	return best, nil
}

// relink points stored teasers that this Add did not touch at its new
// articles, where one is now the teaser's article (none linked, or a larger id).
func (r *runner) relink() error {
	done := map[string]bool{}
	for _, a := range r.added {
		if done[item.HeadlineKey(a.day, a.title)] {
			continue
		}
		done[item.HeadlineKey(a.day, a.title)] = true
		link := r.heads[headHash(a.day, a.title)]
		teasers, keys, err := r.headlineHits(item.Teaser, a.day, a.title)
		if err != nil {
			return err
		}
		for i, t := range teasers {
			if (t.ArticleID != "" && t.ArticleID <= link) || r.isPending(t.ID) {
				continue
			}
			t.ArticleID = link
			r.later(t, keys[i])
		}
	}
	return nil
}

func (r *runner) summary() Summary {
	return Summary{
		Files:    r.files,
		Pages:    r.pages,
		Records:  r.records,
		Articles: len(r.articles),
		Teasers:  r.nTeasers,
		Merged:   r.records - len(r.articles) - r.nTeasers,
		Skipped:  r.skipped,
	}
}
