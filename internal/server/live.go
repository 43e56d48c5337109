package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"

	"newsdex/internal/query"
	"newsdex/internal/store"
)

// ErrNoIndex is returned by Live.Acquire when no index is open yet.
var ErrNoIndex = errors.New("no index is open yet")

// Opener opens the current generation of the index folder dir and says which
// generation it is. The name is only compared for equality: when it changes,
// the live index opens the new generation.
type Opener interface {
	// Current returns the name of the current generation without opening it.
	Current(dir string) (string, error)
	// Open opens the current generation read-only.
	Open(dir string) (Opened, error)
}

// Opened is an index generation an Opener opened.
type Opened struct {
	Index bleve.Index
	Name  string       // the generation's name, as Current gives it
	Store *store.Index // the store's handle, when opened through package store
}

// StoreOpener opens index folders laid out by package store: generations
// named by the folder's CURRENT pointer.
type StoreOpener struct{}

// Current returns the folder's current generation.
func (StoreOpener) Current(dir string) (string, error) { return store.Current(dir) }

// Open opens the current generation read-only. The index it returns is the
// *store.Index, which also reports its size.
func (StoreOpener) Open(dir string) (Opened, error) {
	ix, err := store.Open(dir)
	if err != nil {
		return Opened{}, err
	}
	return Opened{Index: ix, Name: ix.Gen, Store: ix}, nil
}

// Generation is one opened index and its searcher. It is reference counted:
// the Live holds one reference while the generation is current, and every
// request holds one from Acquire until Release. The index is closed when the
// last reference goes.
type Generation struct {
	Name     string
	Index    bleve.Index
	Store    *store.Index // nil when not opened through package store
	Searcher *query.Searcher
	Opened   time.Time

	refs   atomic.Int64
	closed chan struct{}
	log    *slog.Logger

	// stats is the /api/stats body of this generation, encoded once: a
	// generation never changes, and computing it reads the whole index.
	statsMu   sync.Mutex
	statsJSON []byte
}

// stats returns the generation's /api/stats body, computing it with
// compute on the first call that succeeds; concurrent first calls wait for
// one computation instead of each running their own. A failure is not kept:
// the next call tries again.
func (g *Generation) stats(compute func(*Generation) (any, error)) ([]byte, error) {
	g.statsMu.Lock()
	defer g.statsMu.Unlock()
	if g.statsJSON != nil {
		return g.statsJSON, nil
	}
	v, err := compute(g)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as writeJSON
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	g.statsJSON = buf.Bytes()
	return g.statsJSON, nil
}

func newGeneration(op Opened, log *slog.Logger) *Generation {
	g := &Generation{
		Name:     op.Name,
		Index:    op.Index,
		Store:    op.Store,
		Searcher: query.NewSearcher(op.Index),
		Opened:   time.Now(),
		closed:   make(chan struct{}),
		log:      log,
	}
	g.refs.Store(1) // the Live's reference
	return g
}

// tryAcquire takes a reference unless the generation is already retired.
func (g *Generation) tryAcquire() bool {
	for {
		n := g.refs.Load()
		if n <= 0 {
			return false
		}
		if g.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// Release gives back a reference taken by Live.Acquire.
func (g *Generation) Release() {
	if g.refs.Add(-1) == 0 {
		if err := g.Index.Close(); err != nil {
			g.log.Warn("closing index generation", "generation", g.Name, "err", err)
		}
		close(g.closed)
	}
}

// Live is the index a server answers from. It follows an index folder: when
// the folder's current generation changes (index build, index add), Reload
// opens the new one and swaps it in atomically; requests already running on
// the old generation finish on it, and the old index is closed once the last
// of them has released it. Acquire never blocks on a reload.
type Live struct {
	dir    string
	opener Opener
	log    *slog.Logger

	cur     atomic.Pointer[Generation]
	lastErr atomic.Pointer[error] // why the last Reload failed; nil after a success

	mu       sync.Mutex // serializes Reload and Close
	closed   bool
	logged   string // last reload error logged, to log each distinct one once
	onReload func(g *Generation)
	onError  func(err error)
}

// NewLive returns a Live for the index folder dir. It opens nothing: call
// Reload (and Watch) to open the current generation.
func NewLive(dir string, opener Opener, log *slog.Logger) *Live {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Live{dir: dir, opener: opener, log: log}
}

// Dir is the index folder the Live follows.
func (l *Live) Dir() string { return l.dir }

// Notify sets functions called after each generation is swapped in and after
// each failed attempt to open one. Call it before Reload; either may be nil.
func (l *Live) Notify(reloaded func(g *Generation), failed func(err error)) {
	l.onReload, l.onError = reloaded, failed
}

// Acquire returns the current generation with a reference taken; the caller
// must Release it. It returns ErrNoIndex when no index is open.
func (l *Live) Acquire() (*Generation, error) {
	for {
		g := l.cur.Load()
		if g == nil {
			return nil, ErrNoIndex
		}
		if g.tryAcquire() {
			return g, nil
		}
		// g was retired between Load and tryAcquire: a newer one is in
		// place (or the Live is closing); load again.
		if l.cur.Load() == g {
			return nil, ErrNoIndex
		}
	}
}

// LastErr says why the last reload failed, or nil when it succeeded. It
// may name paths: it is for logs, not for clients.
func (l *Live) LastErr() error {
	if p := l.lastErr.Load(); p != nil {
		return *p
	}
	return nil
}

// Current returns the name of the generation being served, or "".
func (l *Live) Current() string {
	if g := l.cur.Load(); g != nil {
		return g.Name
	}
	return ""
}

// Reload opens the folder's current generation when it differs from the one
// being served, and swaps it in. It reports whether it swapped. An error
// leaves the served generation in place.
func (l *Live) Reload() (swapped bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	defer func() {
		if err != nil {
			e := err
			l.lastErr.Store(&e)
		} else {
			l.lastErr.Store(nil)
		}
	}()
	if l.closed {
		return false, errors.New("live index is closed")
	}
	name, err := l.opener.Current(l.dir)
	if err != nil {
		return false, err
	}
	if old := l.cur.Load(); old != nil && old.Name == name {
		return false, nil
	}
	op, err := l.opener.Open(l.dir)
	if err != nil {
		if l.onError != nil {
			l.onError(err)
		}
		return false, fmt.Errorf("open index %s: %w", l.dir, err)
	}
	// CURRENT may have moved on between Current and Open (another build
	// finished); Open names what it opened, which may even be the one being
	// served already.
	if old := l.cur.Load(); old != nil && old.Name == op.Name {
		if err := op.Index.Close(); err != nil {
			l.log.Warn("closing index", "err", err)
		}
		return false, nil
	}
	g := newGeneration(op, l.log)
	old := l.cur.Swap(g)
	if old != nil {
		old.Release()
	}
	if l.onReload != nil {
		l.onReload(g)
	}
	return true, nil
}

// reloadAndLog runs Reload and logs what happened; errors repeated on every
// poll are logged once.
func (l *Live) reloadAndLog(why string) {
	swapped, err := l.Reload()
	switch {
	case err != nil:
		msg := err.Error()
		if msg != l.logged {
			if errors.Is(err, ErrNoIndex) || l.cur.Load() == nil {
				l.log.Warn("index not available", "dir", l.dir, "err", err)
			} else {
				l.log.Error("reloading index", "dir", l.dir, "err", err)
			}
			l.logged = msg
		}
	case swapped:
		l.logged = ""
		g := l.cur.Load()
		var docs uint64
		if g != nil {
			docs, _ = g.Index.DocCount()
		}
		l.log.Info("index opened", "dir", l.dir, "generation", l.Current(), "documents", docs, "trigger", why)
	}
}

// Watch reloads every interval and whenever hup receives, until ctx is done.
// It reloads once at the start.
func (l *Live) Watch(ctx context.Context, interval time.Duration, hup <-chan struct{}) {
	l.reloadAndLog("start")
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			l.reloadAndLog("poll")
		case <-hup:
			l.reloadAndLog("signal")
		}
	}
}

// Close retires the current generation; its index closes once in-flight
// requests have released it. Close waits for that, or for ctx.
func (l *Live) Close(ctx context.Context) error {
	l.mu.Lock()
	l.closed = true
	g := l.cur.Swap(nil)
	l.mu.Unlock()
	if g == nil {
		return nil
	}
	g.Release()
	select {
	case <-g.closed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
