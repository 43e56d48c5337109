// Package input walks the PATH arguments of "index parse", "index build" and
// "index add" and turns what it finds into items.
//
// A PATH is a file or a folder. A folder is walked recursively in lexical
// order, so that every run reads the same files in the same order. By name:
//
//	*.txt                  a scraped page (package page)
//	*.jsonl, *.ndjson      JSON lines (package jsonl)
//	*.gz                   any of these, gzip-compressed (news.jsonl.gz)
//	*.tar, *.tar.gz, *.tgz an archive of any of these, read in place as a stream
//	-                      JSON lines from standard input
//
// Other files in a folder or an archive are skipped without a word; a file of
// another kind named on the command line is read as JSON lines when it starts
// with "{", else as a page.
//
// Pages are parsed in parallel, one worker per core, but records reach the
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
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"newsdex/internal/item"
	"newsdex/internal/jsonl"
	"newsdex/internal/page"
)

// DefaultMaxPageBytes is the largest page read unless Options says otherwise.
const DefaultMaxPageBytes = 16 << 20

// Options tune Read.
type Options struct {
	Fields       map[string]string // ours -> theirs, for JSON lines
	MaxPageBytes int64             // 0: 16 MiB
	Workers      int               // 0: GOMAXPROCS
	Stdin        io.Reader         // for "-"; nil: os.Stdin
}

// Record is what one unit of input gives: one page (its article first, then
// its teasers in page order), or one JSON line (one item). Err != nil means the
// unit was skipped; Err's text is "FILE:LINE: what is wrong".
type Record struct {
	File  string // as reported in errors and in item.File
	Line  int    // JSON line number; 0 for a page
	Page  bool   // true when the record is a parsed page
	Items []item.Item
	Err   error
}

// linesPerJob is how many JSON lines one worker job decodes.
const linesPerJob = 256

// Read reads paths and calls fn for every record in input order (fn is never
// called concurrently). It returns fn's first error, ctx's error, or an error
// for a path that cannot be read at all (missing file); paths are all checked
// before anything is read.
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
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return err
		}
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
				j.out <- j.run()
			}
		}()
	}
	prodErr := make(chan error, 1)
	go func() {
		defer close(r.order)
		defer close(r.work)
		prodErr <- r.paths(paths)
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

type job struct {
	run func() []Record
	out chan []Record
}

type reader struct {
	ctx   context.Context
	opt   Options
	work  chan *job
	order chan *job
}

// emit queues a unit of work; the consumer will take its records in order.
func (r *reader) emit(run func() []Record) error {
	j := &job{run: run, out: make(chan []Record, 1)}
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

func (r *reader) paths(paths []string) error {
	for _, p := range paths {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		var err error
		if p == "-" {
			err = r.jsonl("stdin", r.opt.Stdin)
		} else {
			err = r.path(p)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *reader) path(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return r.file(p, true)
	}
	return filepath.WalkDir(p, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == p {
				return err
			}
			return r.fail(Record{File: name, Err: fmt.Errorf("%s:1: %w", name, err)})
		}
		if err := r.ctx.Err(); err != nil {
			return err
		}
		if d.Type().IsRegular() && kindOf(name) != unknown {
			return r.file(name, false)
		}
		return nil
	})
}

type kind int

const (
	unknown kind = iota
	pageFile
	jsonlFile
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
	case ".tar":
		return tarFile
	}
	return unknown
}

func isGzip(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".gz") || strings.HasSuffix(n, ".tgz")
}

// file reads one file from disk; explicit is true when it was named on the
// command line rather than found in a folder.
func (r *reader) file(name string, explicit bool) error {
	base := filepath.Base(name)
	f, err := os.Open(name)
	if err != nil {
		if explicit {
			return err
		}
		return r.fail(Record{File: base, Page: kindOf(name) == pageFile, Err: fmt.Errorf("%s:1: %w", base, err)})
	}
	defer f.Close()
	k := kindOf(name)
	var size int64 = -1
	if st, err := f.Stat(); err == nil && !isGzip(name) {
		size = st.Size()
	}
	return r.stream(base, f, k, size, isGzip(name), explicit)
}

// stream reads one file's content: a page, JSON lines or an archive. size is
// the content's size when known, else -1.
func (r *reader) stream(name string, rd io.Reader, k kind, size int64, gz, explicit bool) error {
	if gz {
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return r.fail(Record{File: name, Page: k == pageFile, Err: fmt.Errorf("%s:1: not gzip data: %w", name, err)})
		}
		defer zr.Close()
		rd = zr
		size = -1
	}
	if k == unknown && explicit {
		br := bufio.NewReader(rd)
		b, _ := br.Peek(512)
		if t := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n"); len(t) > 0 && t[0] == '{' {
			k = jsonlFile
		} else {
			k = pageFile
		}
		rd = br
	}
	switch k {
	case pageFile:
		return r.page(name, rd, size)
	case jsonlFile:
		return r.jsonl(name, rd)
	case tarFile:
		return r.tar(name, rd)
	}
	return nil
}

func (r *reader) page(name string, rd io.Reader, size int64) error {
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
	return r.emit(func() []Record {
		p, err := page.Parse(name, data)
		if err != nil {
			return []Record{{File: name, Page: true, Err: err}}
		}
		return []Record{{File: name, Page: true, Items: p.Items()}}
	})
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
		k := kindOf(h.Name)
		if k == unknown {
			continue
		}
		inner := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		if err := r.stream(inner, tr, k, h.Size, isGzip(h.Name), false); err != nil {
			return err
		}
	}
}

// ParseFieldFlags turns ["title=headline", ...] into Options.Fields, with an
// error naming the bad value. The left side must be one of our JSON names
// (jsonl.Fields); a name given twice is an error.
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
			return nil, fmt.Errorf("--field %q: want ours=theirs, as in title=headline", f)
		case !jsonl.IsField(ours):
			return nil, fmt.Errorf("--field %q: %q is not one of ours (%s)", f, ours, strings.Join(jsonl.Fields, ", "))
		}
		if prev, dup := m[ours]; dup {
			return nil, fmt.Errorf("--field %q: %s is already mapped to %q", f, ours, prev)
		}
		m[ours] = theirs
	}
	return m, nil
}
