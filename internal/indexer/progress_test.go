package indexer

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"newsdex/internal/input"
)

// TestProgressBar draws the bar the walk's plan sizes: a percentage of the
// bytes (drawn a step behind: the bar throttles its drawing), the rate and
// the time, the phase by name; files of no known type in one line.
func TestProgressBar(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, true)
	p.every = 0
	for i := range 7 {
		p.ignored(fmt.Errorf("notes%d.md: %w", i, input.ErrUnknownType))
	}
	p.ignored(errors.New("a/loop: symlink loop, not followed"))
	p.plan(input.Plan{Files: 4, Bytes: 4000, Ignored: 8})
	p.start = time.Now().Add(-10 * time.Second)
	p.update(1000, 1, 250)
	time.Sleep(120 * time.Millisecond) // the bar's own throttle
	p.update(2000, 2, 500)
	p.phase("teasers")
	p.stop()
	got := out.String()
	for _, want := range []string{
		"a/loop: symlink loop, not followed (ignored)",
		"ignored 7 files of no known type (not a page, JSON lines, CSV, HTML or WARC file): notes0.md, notes1.md, notes2.md, notes3.md, notes4.md and 2 more",
		"reading: 2 files, 500 items", "25% |", "kB/s",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("bar output lacks %q:\n%q", want, got)
		}
	}
}

// TestProgressLog: off a terminal, slog lines with percent and eta.
func TestProgressLog(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, false)
	p.plan(input.Plan{Files: 4, Bytes: 4000})
	p.start = time.Now().Add(-10 * time.Second)
	p.update(1000, 1, 250)
	got := out.String()
	for _, want := range []string{"msg=reading files=4 bytes=4000", "msg=reading files=1 items=250", "percent=25", "eta=30s"} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
}
