// Package server serves a newsdex index over HTTP: the JSON API
// (/api/search, /api/items/{id}, /api/stats), health and readiness probes,
// Prometheus metrics and the search page, all routed in routes.go.
//
// The index comes from a Live, which follows the index folder and swaps in
// each new generation that `index build` or `index add` writes, without
// failing a request. Searching, validation and the JSON shape of results
// belong to package query. Run puts it all together: the listener, its
// timeouts, SIGHUP reloads and graceful shutdown.
package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"newsdex/internal/query"
)

// Defaults for Options.
const (
	DefaultMaxQueryLen   = query.MaxQueryLength
	DefaultMaxLimit      = query.MaxLimit
	DefaultSearchTimeout = 10 * time.Second
	DefaultGzipMinSize   = 1400 // about one TCP segment: smaller is not worth compressing
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Logger receives the access log (one line per request) and errors.
	Logger *slog.Logger
	// CORSOrigin, when set, is the one origin allowed to call the API from a
	// browser ("*" allows any). CORS headers are sent only when it is set.
	CORSOrigin string
	// MaxQueryLen caps the length in bytes of the q parameter.
	MaxQueryLen int
	// MaxLimit caps the limit parameter.
	MaxLimit int
	// SearchTimeout bounds one search.
	SearchTimeout time.Duration
	// GzipMinSize is the response size from which responses are gzipped for
	// clients that accept it.
	GzipMinSize int
	// CompressLoopback gzips for clients on the same host too (loopback
	// peers not behind a proxy), which otherwise get answers uncompressed.
	CompressLoopback bool
	// Stats computes the /api/stats object (`index stats --json`) of an
	// index generation. Without it /api/stats answers 501.
	Stats func(g *Generation) (any, error)
}

// Server is the HTTP handler of newsdex. Create it with New.
type Server struct {
	live    *Live
	opts    Options
	log     *slog.Logger
	metrics *metrics
	handler http.Handler
	bufs    sync.Pool // *bytes.Buffer for answers (buffer, recycle)
}

// maxPooledBuffer is the largest answer buffer kept for reuse: a page of
// hits is a few KB, a page of 1000 hits about 1 MB.
const maxPooledBuffer = 1 << 20

// buffer returns an empty buffer for an answer; recycle takes it back once
// the answer was written.
func (s *Server) buffer() *bytes.Buffer {
	if b, ok := s.bufs.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

func (s *Server) recycle(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	s.bufs.Put(b)
}

// New returns a Server answering from live. It registers itself for live's
// reload notifications, so create it before the first live.Reload or
// live.Watch for the reload counter to count the first generation.
func New(live *Live, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxQueryLen <= 0 {
		opts.MaxQueryLen = DefaultMaxQueryLen
	}
	if opts.MaxLimit <= 0 {
		opts.MaxLimit = DefaultMaxLimit
	}
	if opts.SearchTimeout <= 0 {
		opts.SearchTimeout = DefaultSearchTimeout
	}
	if opts.GzipMinSize <= 0 {
		opts.GzipMinSize = DefaultGzipMinSize
	}
	s := &Server{live: live, opts: opts, log: opts.Logger}
	s.metrics = newMetrics(live)
	live.Notify(func(*Generation) { s.metrics.reloads.Inc() },
		func(error) { s.metrics.reloadErrors.Inc() })
	s.handler = s.middleware(s.routes())
	return s
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
