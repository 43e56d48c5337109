package server

import (
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/klauspost/compress/gzhttp"
)

// middleware wraps the router, outermost first: access log and metrics
// (so they see every answer, panics included), the URL length cap, CORS,
// gzip, panic recovery (inside gzip, so that a 500 can replace what gzip
// holds back).
func (s *Server) middleware(h http.Handler) http.Handler {
	h = s.recover(h)
	h = s.gzip(h)
	if s.opts.CORSOrigin != "" {
		h = s.cors(h)
	}
	h = limitURL(h)
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

// wroteWriter notes whether the handler wrote anything.
type wroteWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *wroteWriter) WriteHeader(code int) { w.wrote = true; w.ResponseWriter.WriteHeader(code) }

func (w *wroteWriter) Write(p []byte) (int, error) { w.wrote = true; return w.ResponseWriter.Write(p) }

func (w *wroteWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recover turns a panic in a handler into a 500 with a JSON error and a
// logged stack, as a last resort: no user input is meant to reach one. A
// handler that panics after it began its answer (handlers write whole
// answers at once, so none does) has the connection cut instead
// (http.ErrAbortHandler), so that the client never sees a truncated answer
// as a complete one.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := &wroteWriter{ResponseWriter: w}
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
			if ww.wrote {
				panic(http.ErrAbortHandler) // too late for a clean error: cut the answer
			}
			writeError(w, http.StatusInternalServerError, "internal error", "")
		}()
		next.ServeHTTP(ww, r)
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

// gzip compresses responses of at least GzipMinSize bytes for clients that
// accept gzip (klauspost/compress's gzhttp). Responses that set their own
// Content-Encoding (/metrics) pass through untouched. A client on the same
// host (a loopback peer, not behind a proxy: loopbackPeer) gets them
// uncompressed unless Options.CompressLoopback is set: on loopback,
// compression saves no time on the wire and costs both ends CPU (about a
// quarter of a millisecond an exchange for a 6 KB page of hits, measured in
// bench/NOTES.md).
func (s *Server) gzip(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(
		gzhttp.MinSize(s.opts.GzipMinSize),
		gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.EnableZstd(false),
	)
	if err != nil {
		panic(err) // only for invalid options, which are constants here
	}
	gz := wrap(next)
	if s.opts.CompressLoopback {
		return gz
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if loopbackPeer(r) {
			// What a remote client gets depends on Accept-Encoding, as
			// gzhttp says for the answers it compresses.
			w.Header().Add("Vary", "Accept-Encoding")
			next.ServeHTTP(w, r)
			return
		}
		gz.ServeHTTP(w, r)
	})
}

// loopbackPeer reports whether r comes from this host itself (127.0.0.0/8,
// ::1) and not through a proxy: it holds none of the headers that reverse
// proxies add (Caddy, Apache, Traefik, and nginx as usually configured),
// since a proxy may pass the answer on to a remote client.
func loopbackPeer(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Unmap().IsLoopback() {
		return false
	}
	for _, h := range [...]string{"X-Forwarded-For", "Forwarded", "X-Real-Ip", "Via"} {
		if _, ok := r.Header[h]; ok {
			return false
		}
	}
	return true
}
