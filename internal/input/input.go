// Package input walks the PATH arguments of "index parse", "index build" and
// "index add" and turns what it finds into items.
//
// A PATH is a file or a folder. A folder is walked recursively in lexical
// order, so that every run reads the same files in the same order; symlinked
// files are read and symlinked folders followed, each folder once (a link
// back to a folder being walked is a loop, reported and not followed). By
// name (Format "auto"):
//
//	*.txt                  a scraped Reuters page (package page)
//	*.jsonl, *.ndjson      JSON lines (package jsonl)
//	*.csv, *.tsv           CSV or TSV with a header row (package csvfile)
//	*.html, *.htm, *.xhtml an HTML page (package htmlpage)
//	*.warc, *.warc.gz      a WARC crawl: each HTML response a page (package warcfile)
//	*.gz                   any of these, gzip-compressed (news.jsonl.gz)
//	*.tar, *.tar.gz, *.tgz an archive of any of these, read in place as a stream
//	-                      standard input: JSON lines, or the forced Format
//
// Another Format ("reuters", "text", "jsonl", "csv", "html", "warc") reads
// every file, archive member and standard input with that reader; "text" is
// a plain-text article, headline first (package textpage). In a folder, files
// of no known type are passed over and reported through Options.Ignored; one
// named on the command line is read by its content when it starts like JSON,
// HTML, WARC or a Reuters page, else it is a record with the error "FILE: not
// a page, JSON lines, CSV, HTML or WARC file".
//
// Records name their file by its path below the PATH argument
// ("business/001.txt" below "bbc/"; the base name of a file given itself),
// archive members as ARCHIVE:MEMBER, and WARC pages as WARC:URL.
//
// Units are parsed in parallel, one worker per core, but records reach the
// caller in input order, one at a time; at most a small window of units is in
// memory at once, whatever the size of the input.
package input

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"newsdex/internal/csvfile"
	"newsdex/internal/htmlpage"
	"newsdex/internal/item"
	"newsdex/internal/jsonl"
	"newsdex/internal/page"
	"newsdex/internal/textpage"
	"newsdex/internal/warcfile"
)

// DefaultMaxPageBytes is the largest page read unless Options says otherwise.
const DefaultMaxPageBytes = 16 << 20

// formats are the values of Options.Format ("" is "auto").
var formats = [...]string{"auto", "reuters", "text", "jsonl", "csv", "html", "warc"}

// ErrUnknownType is wrapped by the error for a file of no known type.
var ErrUnknownType = errors.New("not a page, JSON lines, CSV, HTML or WARC file")

// CheckFormat returns an error naming the formats when f is none of them.
func CheckFormat(f string) error {
	if f == "" {
		return nil
	}
	for _, ok := range formats {
		if f == ok {
			return nil
		}
	}
	return fmt.Errorf("format %q is not one of %s", f, strings.Join(formats[:], ", "))
}

// Options tune Read.
type Options struct {
	Fields       map[string]string // ours -> theirs, for JSON lines and CSV
	Format       string            // "" or "auto": by file name; else one reader for all
	MaxPageBytes int64             // 0: 16 MiB
	Workers      int               // 0: GOMAXPROCS
	Stdin        io.Reader         // for "-"; nil: os.Stdin
	// Planned, when set, is called once before the first record with what
	// the walk found to read.
	Planned func(Plan)
	// Ignored, when set, is called for every file passed over in a folder
	// walk, with why ("FILE: not a page, ..."; "FILE: symlink loop, not followed").
	Ignored func(error)
}

// Plan is what one walk of the PATH arguments found to read.
type Plan struct {
	Files   int   // files to read (an archive counts once; stdin too)
	Bytes   int64 // their size on disk (stdin: 0)
	Ignored int   // files passed over
}

// Record is what one unit of input gives: one page (its article first, then
// its teasers in page order), or one JSON line or CSV row (one item). Err !=
// nil means the unit was skipped; Err's text is "FILE:LINE: what is wrong".
type Record struct {
	File  string // as reported in errors and in item.File
	Line  int    // JSON or CSV line number; 0 for a page
	Page  bool   // true when the record is a parsed page (any kind of page)
	Items []item.Item
	Err   error
	// Done is how many bytes of the planned input had been read when this
	// record's unit was taken (for progress: Plan.Bytes is the whole).
	Done int64
}

// linesPerJob is how many JSON lines or CSV rows one worker job decodes.
const linesPerJob = 256

// Read reads paths and calls fn for every record in input order (fn is never
// called concurrently). It returns fn's first error, ctx's error, or an error
// for a path that cannot be read at all (missing file); paths are all checked
// and walked before anything is read.
func Read(ctx context.Context, paths []string, opt Options, fn func(Record) error) error {
	if opt.MaxPageBytes <= 0 {
		opt.MaxPageBytes = DefaultMaxPageBytes
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Stdin == nil {
		opt.Stdin = os.Stdin
	}
	if opt.Format == "auto" {
		opt.Format = ""
	}
	if err := CheckFormat(opt.Format); err != nil {
		return err
	}
	entries, plan, err := walk(ctx, paths, opt.Ignored)
	if err != nil {
		return err
	}
	if opt.Planned != nil {
		opt.Planned(plan)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := &reader{ctx: ctx, opt: opt, work: make(chan *job), order: make(chan *job, 4*opt.Workers)}
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range r.work {
				recs := j.run()
				for i := range recs {
					recs[i].Done = j.done
				}
				j.out <- recs
			}
		}()
	}
	prodErr := make(chan error, 1)
	go func() {
		defer close(r.order)
		defer close(r.work)
		prodErr <- r.entries(entries)
	}()

	// On an error, return at once: the deferred cancel stops the producer and
	// the workers, which never block on a job's buffered out channel. Waiting
	// for them could hang on a producer blocked reading stdin.
	for j := range r.order {
		var recs []Record
		select {
		case recs = <-j.out:
		case <-ctx.Done():
			return ctx.Err()
		}
		for _, rec := range recs {
			if err := fn(rec); err != nil {
				return err
			}
		}
	}
	wg.Wait()
	if err := <-prodErr; err != nil {
		return err
	}
	return ctx.Err()
}

// entry is one file to read, found by the walk.
type entry struct {
	path     string // to open; "-" for stdin
	name     string // as reported
	explicit bool   // named on the command line
	size     int64
}

// walk lists the files of paths in reading order, following symlinks with
// loop detection. A missing PATH argument is an error.
func walk(ctx context.Context, paths []string, ignored func(error)) ([]entry, Plan, error) {
	var plan Plan
	var out []entry
	ignore := func(err error) {
		plan.Ignored++
		if ignored != nil {
			ignored(err)
		}
	}
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return nil, plan, err
		}
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, plan, err
		}
		if p == "-" {
			out = append(out, entry{path: "-", name: "stdin", explicit: true})
			plan.Files++
			continue
		}
		st, _ := os.Stat(p)
		if !st.IsDir() {
			out = append(out, entry{path: p, name: filepath.Base(p), explicit: true, size: st.Size()})
			plan.Files++
			plan.Bytes += st.Size()
			continue
		}
		w := &walker{ctx: ctx, root: p, ignore: ignore}
		if err := w.dir(p, "", []os.FileInfo{st}); err != nil {
			return nil, plan, err
		}
		for _, e := range w.out {
			plan.Files++
			plan.Bytes += e.size
		}
		out = append(out, w.out...)
	}
	return out, plan, nil
}

type walker struct {
	ctx    context.Context
	root   string
	ignore func(error)
	out    []entry
}

// dir walks the folder at full (rel below the root), whose ancestors
// (itself included) are stack.
func (w *walker) dir(full, rel string, stack []os.FileInfo) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	des, err := os.ReadDir(full)
	if err != nil {
		if rel == "" {
			return err
		}
		w.ignore(fmt.Errorf("%s: %w", rel, err))
		return nil
	}
	sort.Slice(des, func(i, j int) bool { return des[i].Name() < des[j].Name() })
	for _, de := range des {
		name := path.Join(rel, de.Name())
		p := filepath.Join(full, de.Name())
		st, err := os.Stat(p) // follows symlinks
		if err != nil {
			w.ignore(fmt.Errorf("%s: %w", name, err))
			continue
		}
		switch {
		case st.IsDir():
			loop := false
			for _, a := range stack {
				if os.SameFile(a, st) {
					loop = true
				}
			}
			if loop {
				w.ignore(fmt.Errorf("%s: symlink loop, not followed", name))
				continue
			}
			if err := w.dir(p, name, append(stack, st)); err != nil {
				return err
			}
		case !st.Mode().IsRegular():
			w.ignore(fmt.Errorf("%s: not a regular file", name))
		case kindOf(name) == unknown:
			w.ignore(fmt.Errorf("%s: %w", name, ErrUnknownType))
		default:
			w.out = append(w.out, entry{path: p, name: name, size: st.Size()})
		}
	}
	return nil
}

type job struct {
	run  func() []Record
	out  chan []Record
	done int64
}

type reader struct {
	ctx   context.Context
	opt   Options
	work  chan *job
	order chan *job
	done  atomic.Int64 // bytes of planned files read so far
}

// emit queues a unit of work; the consumer will take its records in order.
func (r *reader) emit(run func() []Record) error {
	j := &job{run: run, out: make(chan []Record, 1), done: r.done.Load()}
	select {
	case r.order <- j:
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	select {
	case r.work <- j:
	case <-r.ctx.Done():
		j.out <- nil
		return r.ctx.Err()
	}
	return nil
}

// fail queues a record that says the unit could not be read.
func (r *reader) fail(rec Record) error {
	return r.emit(func() []Record { return []Record{rec} })
}

func (r *reader) entries(es []entry) error {
	for _, e := range es {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		var err error
		if e.path == "-" {
			k := r.forced()
			if k == unknown {
				k = jsonlFile
			}
			err = r.stream("stdin", "stdin", r.opt.Stdin, k, -1, false, true)
		} else {
			err = r.file(e)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

type kind int

const (
	unknown kind = iota
	pageFile
	textFile
	jsonlFile
	csvFile
	tsvFile
	htmlFile
	warcFile
	tarFile
)

// kindOf tells a file's kind by its name, looking through ".gz".
func kindOf(name string) kind {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, ".tgz") {
		return tarFile
	}
	n = strings.TrimSuffix(n, ".gz")
	switch path.Ext(n) {
	case ".txt":
		return pageFile
	case ".jsonl", ".ndjson":
		return jsonlFile
	case ".csv":
		return csvFile
	case ".tsv", ".tab":
		return tsvFile
	case ".html", ".htm", ".xhtml", ".shtml":
		return htmlFile
	case ".warc":
		return warcFile
	case ".tar":
		return tarFile
	}
	return unknown
}

// forced is the kind Options.Format forces, or unknown for "auto".
func (r *reader) forced() kind {
	switch r.opt.Format {
	case "reuters":
		return pageFile
	case "text":
		return textFile
	case "jsonl":
		return jsonlFile
	case "csv":
		return csvFile
	case "html":
		return htmlFile
	case "warc":
		return warcFile
	}
	return unknown
}

// kind is the kind a file is read as: a forced format (archives still open,
// and a forced csv reads *.tsv with tabs), else by name.
func (r *reader) kind(name string) kind {
	k := kindOf(name)
	if f := r.forced(); f != unknown && k != tarFile {
		if f == csvFile && k == tsvFile {
			return tsvFile
		}
		return f
	}
	return k
}

func isGzip(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".gz") || strings.HasSuffix(n, ".tgz")
}

// file reads one file from disk.
func (r *reader) file(e entry) error {
	k := r.kind(e.name)
	f, err := os.Open(e.path)
	if err != nil {
		if e.explicit {
			return err
		}
		return r.fail(Record{File: e.name, Page: isPage(k), Err: fmt.Errorf("%s:1: %w", e.name, err)})
	}
	defer f.Close()
	var size int64 = -1
	if !isGzip(e.name) {
		size = e.size
	}
	cr := &countingReader{r: f, n: &r.done}
	return r.stream(e.name, e.name, cr, k, size, isGzip(e.name), e.explicit)
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func isPage(k kind) bool { return k == pageFile || k == textFile || k == htmlFile }

// stream reads one file's content. name is how it is reported, base the name
// its kind was told by; size is the content's size when known, else -1.
func (r *reader) stream(name, base string, rd io.Reader, k kind, size int64, gz, explicit bool) error {
	if gz && k != warcFile { // gowarc reads gzip members itself
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return r.fail(Record{File: name, Page: isPage(k), Err: fmt.Errorf("%s:1: not gzip data: %w", name, err)})
		}
		defer zr.Close()
		rd = zr
		size = -1
	}
	if k == unknown && explicit {
		br := bufio.NewReader(rd)
		b, _ := br.Peek(4096)
		k = sniff(b)
		rd = br
		if k == unknown {
			return r.fail(Record{File: name, Err: fmt.Errorf("%s: %w", name, ErrUnknownType)})
		}
	}
	switch k {
	case pageFile, textFile, htmlFile:
		return r.page(name, rd, size, k)
	case jsonlFile:
		return r.jsonl(name, rd)
	case csvFile, tsvFile:
		return r.csv(name, rd, k == tsvFile)
	case warcFile:
		return r.warc(name, rd)
	case tarFile:
		return r.tar(name, rd)
	}
	return nil
}

// sniff tells the kind of a file of no known name by its first bytes.
func sniff(b []byte) kind {
	t := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(t) == 0:
		return unknown
	case t[0] == '{':
		return jsonlFile
	case bytes.HasPrefix(t, []byte("WARC/")) || bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return warcFile
	case htmlpage.LooksLikeHTML(b):
		return htmlFile
	case bytes.HasPrefix(t, []byte("date ")):
		return pageFile
	}
	return unknown
}

func (r *reader) page(name string, rd io.Reader, size int64, k kind) error {
	max := r.opt.MaxPageBytes
	if size > max {
		return r.fail(tooLarge(name, size, max))
	}
	data, err := io.ReadAll(io.LimitReader(rd, max+1))
	if err != nil {
		return r.fail(Record{File: name, Page: true, Err: &page.ParseError{File: name, Line: 1, Err: fmt.Errorf("read: %w", err)}})
	}
	if int64(len(data)) > max {
		return r.fail(tooLarge(name, -1, max))
	}
	return r.emit(func() []Record { return []Record{parsePage(name, data, k)} })
}

func parsePage(name string, data []byte, k kind) Record {
	switch k {
	case textFile:
		it, err := textpage.Parse(name, data)
		if err != nil {
			return Record{File: name, Page: true, Err: err}
		}
		return Record{File: name, Page: true, Items: []item.Item{it}}
	case htmlFile:
		it, err := htmlpage.Parse(htmlpage.Page{File: name}, data)
		if err != nil {
			return Record{File: name, Page: true, Err: err}
		}
		return Record{File: name, Page: true, Items: []item.Item{it}}
	}
	p, err := page.Parse(name, data)
	if err != nil {
		return Record{File: name, Page: true, Err: err}
	}
	return Record{File: name, Page: true, Items: p.Items()}
}

func tooLarge(name string, size, max int64) Record {
	what := "over"
	if size >= 0 {
		what = fmt.Sprintf("%d bytes, over", size)
	}
	return Record{File: name, Page: true, Err: &page.ParseError{File: name, Line: 1,
		Err: fmt.Errorf("%w: %s the limit of %d bytes (--max-page-bytes)", page.ErrTooLarge, what, max)}}
}

func (r *reader) jsonl(name string, rd io.Reader) error {
	jr := jsonl.NewReader(rd, name)
	jr.MaxLineBytes = int(min(r.opt.MaxPageBytes, 1<<30))
	fields := r.opt.Fields
	type line struct {
		n    int
		data []byte
		err  error
	}
	var batch []line
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		b := batch
		batch = nil
		return r.emit(func() []Record {
			recs := make([]Record, len(b))
			for i, l := range b {
				recs[i] = Record{File: name, Line: l.n, Err: l.err}
				if l.err == nil {
					it, err := jsonl.Parse(name, l.n, l.data, fields)
					if err != nil {
						recs[i].Err = err
					} else {
						recs[i].Items = []item.Item{it}
					}
				}
			}
			return recs
		})
	}
	for {
		n, data, err := jr.ReadRaw()
		if err == io.EOF {
			break
		}
		var pe *jsonl.ParseError
		switch {
		case errors.As(err, &pe):
			batch = append(batch, line{n: n, err: err})
		case err != nil:
			batch = append(batch, line{n: n + 1, err: &jsonl.ParseError{File: name, Line: n + 1, Err: fmt.Errorf("read: %w", err)}})
			return flush()
		default:
			batch = append(batch, line{n: n, data: bytes.Clone(data)})
		}
		if len(batch) == linesPerJob {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func (r *reader) csv(name string, rd io.Reader, tab bool) error {
	cr := csvfile.NewReader(rd, name, r.opt.Fields, tab)
	var batch []Record
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		b := batch
		batch = nil
		return r.emit(func() []Record { return b })
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			batch = append(batch, Record{File: name, Line: row.Line, Err: &jsonl.ParseError{File: name, Line: row.Line, Err: fmt.Errorf("read: %w", err)}})
			return flush()
		}
		rec := Record{File: name, Line: row.Line, Err: row.Err}
		if row.Err == nil {
			rec.Items = []item.Item{row.Item}
		}
		batch = append(batch, rec)
		if len(batch) == linesPerJob {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func (r *reader) warc(name string, rd io.Reader) error {
	max := r.opt.MaxPageBytes
	err := warcfile.Read(rd, max, func(p warcfile.Page) error {
		member := name + ":" + p.URL
		if p.URL == "" {
			member = fmt.Sprintf("%s:record-%d", name, p.Record)
		}
		if p.Err != nil {
			return r.fail(Record{File: member, Page: true, Err: &htmlpage.ParseError{File: member, Err: p.Err}})
		}
		return r.emit(func() []Record {
			it, err := htmlpage.Parse(htmlpage.Page{File: member, URL: p.URL, ContentType: p.Type, Fetched: p.Fetched}, p.Body)
			if err != nil {
				return []Record{{File: member, Page: true, Err: err}}
			}
			return []Record{{File: member, Page: true, Items: []item.Item{it}}}
		})
	})
	if err != nil && r.ctx.Err() == nil {
		return r.fail(Record{File: name, Err: fmt.Errorf("%s:1: %w", name, err)})
	}
	return err
}

func (r *reader) tar(name string, rd io.Reader) error {
	tr := tar.NewReader(rd)
	for {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return r.fail(Record{File: name, Err: fmt.Errorf("%s:1: bad archive: %w", name, err)})
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		k := r.kind(h.Name)
		if k == unknown {
			continue
		}
		inner := name + ":" + strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		if err := r.stream(inner, h.Name, tr, k, h.Size, isGzip(h.Name), false); err != nil {
			return err
		}
	}
}

// ParseFieldFlags turns ["title=headline", ...] into Options.Fields, with an
// error naming the bad value. The left side must be one of our JSON names
// (jsonl.Fields); a name given twice is an error. The errors do not name the
// command-line flag: the caller says where the values came from.
func ParseFieldFlags(flags []string) (map[string]string, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(flags))
	for _, f := range flags {
		ours, theirs, ok := strings.Cut(f, "=")
		ours, theirs = strings.TrimSpace(ours), strings.TrimSpace(theirs)
		switch {
		case !ok || ours == "" || theirs == "":
			return nil, fmt.Errorf("%q: want ours=theirs, as in title=headline", f)
		case !jsonl.IsField(ours):
			return nil, fmt.Errorf("%q: %q is not one of ours (%s)", f, ours, strings.Join(jsonl.Fields(), ", "))
		}
		if prev, dup := m[ours]; dup {
			return nil, fmt.Errorf("%q: %s is already mapped to %q", f, ours, prev)
		}
		m[ours] = theirs
	}
	return m, nil
}
