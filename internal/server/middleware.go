package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"
)

// middleware wraps the router, outermost first: access log and metrics
// (so they see every answer, panics included), panic recovery, the URL
// length cap, CORS, gzip.
func (s *Server) middleware(h http.Handler) http.Handler {
	h = s.gzip(h)
	if s.opts.CORSOrigin != "" {
		h = s.cors(h)
	}
	h = limitURL(h)
	h = s.recover(h)
	return s.observe(h)
}

// maxURLBytes caps the request target (path and query). The longest request
// the API takes is well below it: q of query.MaxQueryLength, 100 regions of
// 200 bytes, an after cursor, each percent-encoded.
const maxURLBytes = 128 << 10

// limitURL answers a URL longer than maxURLBytes with a 400 JSON error
// naming the parameter that makes it long: the longest in all (region
// repeated 10,000 times is region), or id for a long /api/items path.
func limitURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := len(r.URL.EscapedPath()) + len(r.URL.RawQuery)
		if n <= maxURLBytes {
			next.ServeHTTP(w, r)
			return
		}
		param := ""
		if len(r.URL.RawQuery) > len(r.URL.EscapedPath()) {
			sizes := map[string]int{}
			for kv := range strings.SplitSeq(r.URL.RawQuery, "&") {
				name, _, _ := strings.Cut(kv, "=")
				if un, err := url.QueryUnescape(name); err == nil {
					name = un
				}
				sizes[name] += len(kv) + 1
			}
			for name, size := range sizes {
				if param == "" || size > sizes[param] || (size == sizes[param] && name < param) {
					param = name
				}
			}
			if len(param) > 40 {
				param = param[:40]
			}
		} else if strings.HasPrefix(r.URL.Path, "/api/items/") {
			param = "id"
		}
		msg := fmt.Sprintf("the URL is %d bytes, longer than the %d this server takes", n, maxURLBytes)
		if param != "" {
			msg = param + ": too long: " + msg
		}
		writeError(w, http.StatusBadRequest, msg, param)
	})
}

// reqInfo is filled in by inner layers for the outer ones.
type reqInfo struct {
	route string // the matched route template; "" when none matched
}

type reqInfoKey struct{}

// recordRoute runs inside the router once a route matched, and notes its
// template for the access log and the metrics labels.
func recordRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
			if t, err := mux.CurrentRoute(r).GetPathTemplate(); err == nil {
				info.route = t
			}
		}
		next.ServeHTTP(w, r)
	})
}

// statusWriter records the status code and the bytes written.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe writes one access-log line per request and counts it in the
// metrics, labelled by route template (never by raw path or query, whose
// values are unbounded).
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			d := time.Since(start)
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			route := info.route
			if route == "" {
				route = "unmatched"
			}
			s.metrics.observe(route, status, d)
			q := r.URL.RawQuery
			if len(q) > 300 {
				q = q[:300] + "..."
			}
			s.log.Info("request",
				"method", r.Method,
				"path", r.URL.Path,
				"query", q,
				"route", route,
				"status", status,
				"bytes", sw.bytes,
				"duration_ms", float64(d.Microseconds())/1000,
				"remote", r.RemoteAddr,
			)
		}()
		next.ServeHTTP(sw, r)
	})
}

// recover turns a panic in a handler into a 500 with a JSON error and a
// logged stack, as a last resort: no user input is meant to reach one.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
				"query", r.URL.RawQuery, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw, ok := w.(*statusWriter); ok && sw.status != 0 {
				return // too late for a clean error; the client sees a cut response
			}
			writeError(w, http.StatusInternalServerError, "internal error", "")
		}()
		next.ServeHTTP(w, r)
	})
}

// cors allows the configured origin to call the server from a browser, and
// answers preflight requests.
func (s *Server) cors(next http.Handler) http.Handler {
	allowed := s.opts.CORSOrigin
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		if allowed != "*" && origin != allowed {
			next.ServeHTTP(w, r) // no CORS headers: the browser refuses the answer
			return
		}
		if allowed == "*" {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Accept, Content-Type")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// gzip compresses responses of at least GzipMinSize bytes for clients that
// accept gzip. Responses that set their own Content-Encoding (/metrics)
// pass through untouched.
func (s *Server) gzip(next http.Handler) http.Handler {
	minSize := s.opts.GzipMinSize
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r.Header.Get("Accept-Encoding")) || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{w: w, min: minSize}
		next.ServeHTTP(gw, r)
		// Not deferred: after a panic, what is held back must not go out
		// as a 200, so that recover can still answer 500.
		gw.finish()
	})
}

func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.TrimSpace(name) != "*" {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		if params == "q=0" || params == "q=0.0" || params == "q=0.00" || params == "q=0.000" {
			return false
		}
		return true
	}
	return false
}

// gzipWriter holds back the first min bytes of a response to decide whether
// to compress it.
type gzipWriter struct {
	w       http.ResponseWriter
	min     int
	status  int
	buf     bytes.Buffer
	zw      *gzip.Writer
	decided bool // true once headers went out, compressed (zw != nil) or not
}

func (g *gzipWriter) Header() http.Header { return g.w.Header() }

func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.w }

func (g *gzipWriter) WriteHeader(code int) {
	if g.status != 0 || g.decided {
		return
	}
	g.status = code
	if code < 200 || code == http.StatusNoContent || code == http.StatusNotModified ||
		g.w.Header().Get("Content-Encoding") != "" {
		g.passThrough()
	}
}

func (g *gzipWriter) Write(p []byte) (int, error) {
	if g.status == 0 {
		g.status = http.StatusOK
	}
	if !g.decided && g.w.Header().Get("Content-Encoding") != "" {
		g.passThrough()
	}
	if g.decided {
		if g.zw != nil {
			return g.zw.Write(p)
		}
		return g.w.Write(p)
	}
	g.buf.Write(p)
	if g.buf.Len() >= g.min {
		if err := g.startGzip(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// passThrough sends the headers and whatever is buffered, uncompressed.
func (g *gzipWriter) passThrough() {
	g.decided = true
	if g.status == 0 {
		g.status = http.StatusOK
	}
	g.w.WriteHeader(g.status)
	if g.buf.Len() > 0 {
		_, _ = g.w.Write(g.buf.Bytes())
		g.buf.Reset()
	}
}

func (g *gzipWriter) startGzip() error {
	g.decided = true
	h := g.w.Header()
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	g.w.WriteHeader(g.status)
	g.zw = gzipPool.Get().(*gzip.Writer)
	g.zw.Reset(g.w)
	_, err := g.zw.Write(g.buf.Bytes())
	g.buf.Reset()
	return err
}

// Flush sends what is buffered, compressed if compression started.
func (g *gzipWriter) Flush() {
	if !g.decided {
		if g.status == 0 {
			return
		}
		g.passThrough()
	}
	if g.zw != nil {
		_ = g.zw.Flush()
	}
	_ = http.NewResponseController(g.w).Flush()
}

func (g *gzipWriter) finish() {
	if !g.decided {
		if g.status == 0 && g.buf.Len() == 0 {
			return // nothing written: let net/http send its 200
		}
		g.passThrough()
		return
	}
	if g.zw != nil {
		_ = g.zw.Close() // an error means the client went away: nothing to do
		g.zw.Reset(nil)
		gzipPool.Put(g.zw)
		g.zw = nil
	}
}
