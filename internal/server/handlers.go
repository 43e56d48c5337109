package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"newsdex/internal/item"
	"newsdex/internal/query"
)

// errorBody is the JSON of every error answer. Param names the request
// parameter at fault, when one is.
type errorBody struct {
	Error string `json:"error"`
	Param string `json:"param,omitempty"`
}

func writeError(w http.ResponseWriter, status int, msg, param string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Encoding")
	w.WriteHeader(status)
	b, _ := json.Marshal(errorBody{Error: msg, Param: param})
	_, _ = w.Write(append(b, '\n'))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		writeError(w, http.StatusInternalServerError, "internal error", "")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, fmt.Sprintf("no such path %q", r.URL.Path), "")
}

func (s *Server) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	writeError(w, http.StatusMethodNotAllowed,
		fmt.Sprintf("method %s not allowed on %s: use GET", r.Method, r.URL.Path), "")
}

// acquire takes the live index for one request, or answers 503.
func (s *Server) acquire(w http.ResponseWriter) (*Generation, bool) {
	g, err := s.live.Acquire()
	if err != nil {
		w.Header().Set("Retry-After", "5")
		msg := s.live.Err()
		if msg == "" {
			msg = fmt.Sprintf("no index is open yet at %s", s.live.Dir())
		}
		writeError(w, http.StatusServiceUnavailable, msg, "")
		return nil, false
	}
	return g, true
}

// searchParams are the parameters /api/search takes; each maps to a flag of
// the search command.
var searchParams = map[string]bool{
	"q": true, "from": true, "to": true, "region": true, "kind": true,
	"sort": true, "limit": true, "page": true, "after": true, "facets": true,
}

// parseSearch turns the query string of /api/search into a request. Only
// the HTTP-specific checks live here (unknown, repeated, non-integer or
// over-long parameters); query.Searcher validates the values.
func (s *Server) parseSearch(rawQuery string) (query.Request, *query.ParamError) {
	var req query.Request
	vals, err := url.ParseQuery(rawQuery)
	if err != nil {
		return req, &query.ParamError{Param: "", Msg: "malformed query string: " + err.Error()}
	}
	for name, vs := range vals {
		if !searchParams[name] {
			return req, &query.ParamError{Param: name, Msg: "unknown parameter (want q, from, to, region, kind, sort, limit, page, after or facets)"}
		}
		if name != "region" && len(vs) > 1 {
			return req, &query.ParamError{Param: name, Msg: "given more than once"}
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return req, &query.ParamError{Param: name, Msg: "not valid UTF-8"}
			}
		}
	}
	req.Query = vals.Get("q")
	if len(req.Query) > s.opts.MaxQueryLen {
		return req, &query.ParamError{Param: "q", Msg: fmt.Sprintf("longer than %d bytes", s.opts.MaxQueryLen)}
	}
	req.From = vals.Get("from")
	req.To = vals.Get("to")
	req.Regions = vals["region"]
	req.Kind = vals.Get("kind")
	req.Sort = vals.Get("sort")
	req.After = vals.Get("after")
	if len(req.After) > 4*s.opts.MaxQueryLen {
		return req, &query.ParamError{Param: "after", Msg: "too long"}
	}
	for _, r := range req.Regions {
		if len(r) > 200 {
			return req, &query.ParamError{Param: "region", Msg: "longer than 200 bytes"}
		}
	}
	if len(req.Regions) > 100 {
		return req, &query.ParamError{Param: "region", Msg: "more than 100 regions"}
	}
	intParam := func(name string, dst *int, max int) *query.ParamError {
		v, ok := vals[name]
		if !ok {
			return nil
		}
		n, err := strconv.Atoi(v[0])
		if err != nil {
			return &query.ParamError{Param: name, Msg: fmt.Sprintf("must be a whole number, not %q", v[0])}
		}
		// The range is query's to check, as for the CLI; only the server's
		// own cap is checked here.
		if max > 0 && n > max {
			return &query.ParamError{Param: name, Msg: fmt.Sprintf("must be at most %d, not %d", max, n)}
		}
		*dst = n
		return nil
	}
	if pe := intParam("limit", &req.Limit, s.opts.MaxLimit); pe != nil {
		return req, pe
	}
	if pe := intParam("page", &req.Page, 0); pe != nil {
		return req, pe
	}
	if _, ok := vals["limit"]; ok && req.Limit == 0 {
		req.CountOnly = true // limit=0: the total (and facets), no hits
	}
	if f := vals.Get("facets"); f != "" {
		if len(f) > 200 {
			return req, &query.ParamError{Param: "facets", Msg: "longer than 200 bytes"}
		}
		req.Facets = strings.Split(f, ",")
	}
	return req, nil
}

func paramError(w http.ResponseWriter, pe *query.ParamError) {
	msg := pe.Msg
	if pe.Param != "" {
		msg = pe.Param + ": " + pe.Msg
	}
	writeError(w, http.StatusBadRequest, msg, pe.Param)
}

// handleSearch answers GET /api/search with exactly the bytes `search
// --json` prints for the same request.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	req, pe := s.parseSearch(r.URL.RawQuery)
	if pe != nil {
		paramError(w, pe)
		return
	}
	g, ok := s.acquire(w)
	if !ok {
		return
	}
	defer g.Release()
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	resp, err := g.Searcher.Search(ctx, req)
	if err != nil {
		s.searchFailed(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := resp.WriteJSON(&buf); err != nil {
		s.searchFailed(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Newsdex-Generation", g.Name)
	_, _ = w.Write(buf.Bytes())
}

// searchFailed maps a query error: bad parameters are 400, a timeout 503,
// anything else a logged 500.
func (s *Server) searchFailed(w http.ResponseWriter, r *http.Request, err error) {
	var pe *query.ParamError
	switch {
	case errors.As(err, &pe):
		paramError(w, pe)
	case errors.Is(err, query.ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error(), "")
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable,
			fmt.Sprintf("the search took longer than %s; narrow it down", s.opts.SearchTimeout), "")
	case errors.Is(err, context.Canceled) || r.Context().Err() != nil:
		writeError(w, http.StatusServiceUnavailable, "request cancelled", "")
	default:
		s.log.Error("search failed", "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error", "")
	}
}

// handleItem answers GET /api/items/{id} with the whole item, as
// `search get --json` prints it.
func (s *Server) handleItem(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if r.URL.RawQuery != "" {
		writeError(w, http.StatusBadRequest, "this route takes no parameters", "")
		return
	}
	if err := item.CheckID(id); err != nil {
		// No index holds such an id (index build skips them).
		writeError(w, http.StatusBadRequest, "id: not a valid item id", "id")
		return
	}
	g, ok := s.acquire(w)
	if !ok {
		return
	}
	defer g.Release()
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	it, err := g.Searcher.Get(ctx, id)
	if errors.Is(err, query.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no item with id %q", id), "id")
		return
	}
	if err != nil {
		s.searchFailed(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := query.WriteItemJSON(&buf, it); err != nil {
		s.searchFailed(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Newsdex-Generation", g.Name)
	_, _ = w.Write(buf.Bytes())
}

// handleStats answers GET /api/stats with the `index stats --json` object.
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	if s.opts.Stats == nil {
		writeError(w, http.StatusNotImplemented, "stats are not available", "")
		return
	}
	g, ok := s.acquire(w)
	if !ok {
		return
	}
	defer g.Release()
	st, err := s.opts.Stats(g)
	if err != nil {
		s.log.Error("stats failed", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error", "")
		return
	}
	w.Header().Set("X-Newsdex-Generation", g.Name)
	writeJSON(w, http.StatusOK, st)
}

// handleHealth answers GET /healthz: the process is up.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReady answers GET /readyz: 200 when an index is open and answers,
// 503 otherwise.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	g, err := s.live.Acquire()
	if err != nil {
		msg := "no index is open"
		if e := s.live.Err(); e != "" {
			msg += ": " + e
		}
		writeError(w, http.StatusServiceUnavailable, msg, "")
		return
	}
	defer g.Release()
	n, err := g.Index.DocCount()
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "index does not answer: "+err.Error(), "")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Status     string `json:"status"`
		Generation string `json:"generation"`
		Documents  uint64 `json:"documents"`
	}{"ready", g.Name, n})
}
