package indexer

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"newsdex/internal/input"
)

// progress reports a run: a bar on a terminal, slog lines every few seconds
// elsewhere, nothing when w is nil. Its total comes from the walk package
// input does before reading (input.Plan): the bytes of the files to read, so
// the bar shows a percentage and the time left; without a total (stdin
// only) it counts items. Each phase is named: "reading", then "teasers" and
// "finishing" (the merge).
type progress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	log   *slog.Logger
	start time.Time
	last  time.Time
	every time.Duration
	mu    sync.Mutex
	once  sync.Once
	total int64 // planned bytes; 0: unknown
	name  string
	other []string // files of no known type, passed over by the walk
}

func newProgress(w io.Writer, terminal bool) *progress {
	p := &progress{w: w, start: time.Now(), name: "reading"}
	switch {
	case w == nil:
	case terminal:
		p.every = 150 * time.Millisecond
	default:
		p.every = 5 * time.Second
		p.log = slog.New(slog.NewTextHandler(w, nil))
	}
	return p
}

// plan is input.Options.Planned: it learns the total and draws the bar.
func (p *progress) plan(pl input.Plan) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = pl.Bytes
	if n := len(p.other); n > 0 {
		names := p.other[:min(n, 5)]
		more := ""
		if n > len(names) {
			more = fmt.Sprintf(" and %d more", n-len(names))
		}
		fmt.Fprintf(p.w, "ignored %d files of no known type (%v): %s%s\n", n, input.ErrUnknownType, strings.Join(names, ", "), more)
	}
	if p.log != nil {
		p.log.Info("reading", "files", pl.Files, "bytes", pl.Bytes, "ignored", pl.Ignored)
		return
	}
	max := pl.Bytes
	if max <= 0 {
		max = -1 // a spinner: the size of stdin is not known
	}
	p.bar = progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(p.name),
		progressbar.OptionShowBytes(pl.Bytes > 0),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)
}

// ignored is input.Options.Ignored: a file passed over is named, files of
// no known type all in one line when the walk is done.
func (p *progress) ignored(err error) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if errors.Is(err, input.ErrUnknownType) {
		p.other = append(p.other, strings.TrimSuffix(err.Error(), ": "+input.ErrUnknownType.Error()))
		return
	}
	if p.bar != nil {
		p.bar.Clear()
	}
	fmt.Fprintf(p.w, "%v (ignored)\n", err)
}

// update reports bytes read, files and items so far, at most every p.every.
func (p *progress) update(done int64, files, items int) {
	if p.w == nil {
		return
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	el := now.Sub(p.start)
	rate := float64(items) / el.Seconds()
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s: %s, %s (%s/s)", p.name, count(files, "file", "files"), count(items, "item", "items"), thousands(int(rate))))
		if p.total > 0 {
			p.bar.Set64(min(done, p.total))
		} else {
			p.bar.Set64(int64(items))
		}
		return
	}
	if p.log == nil {
		return
	}
	args := []any{"files", files, "items", items, "items_per_s", int(rate)}
	if p.total > 0 && done > 0 {
		frac := float64(min(done, p.total)) / float64(p.total)
		left := time.Duration(float64(el) * (1 - frac) / frac).Round(time.Second)
		args = append(args, "percent", int(100*frac), "eta", left.String())
	}
	p.log.Info(p.name, args...)
}

// phase names what the run does now.
func (p *progress) phase(what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.name = what
	switch {
	case p.bar != nil:
		if p.total > 0 {
			p.bar.Set64(p.total)
		}
		p.bar.Describe(what)
	case p.log != nil:
		p.log.Info(what)
	}
}

// skip reports a skipped record.
func (p *progress) skip(rec input.Record, fn func(input.Record)) {
	p.mu.Lock()
	if p.bar != nil {
		p.bar.Clear()
	}
	p.mu.Unlock()
	if fn != nil {
		fn(rec)
	} else if p.w != nil {
		fmt.Fprintln(p.w, rec.Err)
	}
}

// stop removes the bar.
func (p *progress) stop() {
	p.once.Do(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.bar != nil {
			p.bar.Finish()
			p.bar.Clear()
		}
	})
}
