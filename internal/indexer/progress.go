package indexer

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"newsdex/internal/input"
)

// IsTerminal reports whether f is a terminal (a character device).
func IsTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// progress reports a run: a bar on a terminal, slog lines every few seconds
// elsewhere, nothing when w is nil.
type progress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	log   *slog.Logger
	start time.Time
	last  time.Time
	every time.Duration
	mu    sync.Mutex // guards bar against the counting goroutine
	done  chan struct{}
	once  sync.Once
}

func newProgress(w io.Writer, terminal bool) *progress {
	p := &progress{w: w, start: time.Now(), done: make(chan struct{})}
	switch {
	case w == nil:
	case terminal:
		p.every = 150 * time.Millisecond
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("indexing"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("files"),
			progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
	default:
		p.every = 5 * time.Second
		p.log = slog.New(slog.NewTextHandler(w, nil))
		p.log.Info("indexing started")
	}
	return p
}

// countFiles counts the input files of paths in the background, so that the
// bar knows its total and can predict the time left.
func (p *progress) countFiles(paths []string) {
	if p.bar == nil {
		return
	}
	go func() {
		n := 0
		for _, path := range paths {
			n += countPath(path, p.done)
		}
		select {
		case <-p.done:
		default:
			p.mu.Lock()
			p.bar.ChangeMax64(int64(n))
			p.mu.Unlock()
		}
	}()
}

func inputName(name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".gz")
	return strings.HasSuffix(name, ".txt") || strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".ndjson")
}

func archiveName(name string) bool {
	name = strings.ToLower(name)
	return strings.HasSuffix(name, ".tar") || strings.HasSuffix(name, ".tar.gz") || strings.HasSuffix(name, ".tgz")
}

func countPath(path string, done <-chan struct{}) int {
	if path == "-" {
		return 1
	}
	n := 0
	filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		select {
		case <-done:
			return filepath.SkipAll
		default:
		}
		switch {
		case d.IsDir():
		case archiveName(p):
			n += countArchive(p, done)
		case inputName(p) || p == path:
			n++
		}
		return nil
	})
	return n
}

func countArchive(path string, done <-chan struct{}) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	var r io.Reader = f
	if !strings.HasSuffix(strings.ToLower(path), ".tar") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return 0
		}
		defer gz.Close()
		r = gz
	}
	tr := tar.NewReader(r)
	n := 0
	for {
		h, err := tr.Next()
		if err != nil {
			return n
		}
		select {
		case <-done:
			return n
		default:
		}
		if h.Typeflag == tar.TypeReg && inputName(h.Name) {
			n++
		}
	}
}

// update reports files read and items so far, at most every p.every.
func (p *progress) update(files, items int) {
	if p.w == nil {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	rate := float64(items) / now.Sub(p.start).Seconds()
	if p.bar != nil {
		p.mu.Lock()
		p.bar.Describe(fmt.Sprintf("%d items, %.0f items/s", items, rate))
		p.bar.Set64(int64(files))
		p.mu.Unlock()
		return
	}
	p.log.Info("indexing", "files", files, "items", items, "items_per_s", int(rate))
}

// phase says what the run does after reading.
func (p *progress) phase(what string) {
	switch {
	case p.bar != nil:
		p.mu.Lock()
		p.bar.Describe(what)
		p.mu.Unlock()
	case p.log != nil:
		p.log.Info(what)
	}
}

// skip reports a skipped record.
func (p *progress) skip(rec input.Record, fn func(input.Record)) {
	if p.bar != nil {
		p.mu.Lock()
		p.bar.Clear()
		p.mu.Unlock()
	}
	if fn != nil {
		fn(rec)
	} else if p.w != nil {
		fmt.Fprintln(p.w, rec.Err)
	}
}

// stop removes the bar.
func (p *progress) stop() {
	p.once.Do(func() {
		close(p.done)
		if p.bar != nil {
			p.mu.Lock()
			p.bar.Finish()
			p.bar.Clear()
			p.mu.Unlock()
		}
	})
}
