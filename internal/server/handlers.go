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
	"newsdex/internal/store"
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
		writeError(w, http.StatusInternalServerError, "internal error", "") // a value that cannot be JSON: a bug
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if len(path) > 200 {
		path = path[:200] + "..."
	}
	s.fail(w, r, &Error{Status: http.StatusNotFound, Msg: fmt.Sprintf("no such path %q", path)})
}

func (s *Server) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	s.fail(w, r, &Error{Status: http.StatusMethodNotAllowed,
		Msg: fmt.Sprintf("method %s not allowed on %s: use GET", r.Method, r.URL.Path)})
}

// acquire takes the live index for one request, or answers 503 saying why
// no index is open, in words that hold no path (the log has the cause).
func (s *Server) acquire(w http.ResponseWriter, r *http.Request) (*Generation, bool) {
	g, err := s.live.Acquire()
	if err != nil {
		w.Header().Set("Retry-After", "5")
		s.fail(w, r, s.unavailable(err))
		return nil, false
	}
	return g, true
}

// unavailable is the 503 of a request that found no open index: why the
// last attempt to open one failed, as far as a client needs to know.
func (s *Server) unavailable(err error) *Error {
	why := s.live.LastErr()
	e := asError(why)
	switch {
	case why == nil || errors.Is(why, store.ErrNoIndex):
		return &Error{Status: http.StatusServiceUnavailable, Msg: "no index is open yet: none has been built in the index folder"}
	case e.Status == http.StatusServiceUnavailable:
		return &Error{Status: e.Status, Msg: e.Msg}
	default:
		// Logged by the Live when it failed; not again per request.
		return &Error{Status: http.StatusServiceUnavailable, Msg: "no index is open: it could not be opened (the server log says why)"}
	}
}

// isSearchParam reports whether name is a parameter /api/search takes; each
// maps to a flag of the search command.
func isSearchParam(name string) bool {
	switch name {
	case "q", "from", "to", "region", "source", "kind", "sort", "limit", "page", "after", "facets", "expand":
		return true
	}
	return false
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
		if !isSearchParam(name) {
			return req, &query.ParamError{Param: name, Msg: "unknown parameter (want q, from, to, region, source, kind, sort, limit, page, after, facets or expand)"}
		}
		if name != "region" && name != "source" && len(vs) > 1 {
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
	req.Sources = vals["source"]
	req.Kind = vals.Get("kind")
	req.Sort = vals.Get("sort")
	req.After = vals.Get("after")
	switch e := vals.Get("expand"); e {
	case "", "false", "0":
	case "true", "1":
		req.Expand = true
	default:
		return req, &query.ParamError{Param: "expand", Msg: fmt.Sprintf("must be true or false, not %q", e)}
	}
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
	for _, src := range req.Sources {
		if len(src) > 200 {
			return req, &query.ParamError{Param: "source", Msg: "longer than 200 bytes"}
		}
	}
	if len(req.Sources) > 100 {
		return req, &query.ParamError{Param: "source", Msg: "more than 100 sources"}
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
	if _, ok := vals["page"]; ok && req.Page < 1 {
		// Absent means page 1; page=0 is a mistake, as --page 0 is.
		return req, &query.ParamError{Param: "page", Msg: fmt.Sprintf("%d is out of range (pages start at 1)", req.Page)}
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

// handleSearch answers GET /api/search with exactly the bytes `search
// --json` prints for the same request.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	req, pe := s.parseSearch(r.URL.RawQuery)
	if pe != nil {
		s.fail(w, r, pe)
		return
	}
	g, err := s.live.Acquire()
	if err != nil {
		// A bad parameter is a 400 with or without an index; checked here
		// only, as Search checks it again.
		if verr := req.Validate(); verr != nil {
			s.fail(w, r, verr)
			return
		}
		w.Header().Set("Retry-After", "5")
		s.fail(w, r, s.unavailable(err))
		return
	}
	defer g.Release()
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	resp, err := g.Searcher.Search(ctx, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	buf := s.buffer()
	defer s.recycle(buf)
	if err := resp.WriteJSON(buf); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Newsdex-Generation", g.Name)
	_, _ = w.Write(buf.Bytes())
}

// handleItem answers GET /api/items/{id} with the whole item, as
// `search get --json` prints it.
func (s *Server) handleItem(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if r.URL.RawQuery != "" {
		s.fail(w, r, badParam("", "this route takes no parameters"))
		return
	}
	s.byID(w, r, "item", id, func(ctx context.Context, g *Generation) error {
		it, err := g.Searcher.Get(ctx, id)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := query.WriteItemJSON(&buf, it); err != nil {
			return err
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Newsdex-Generation", g.Name)
		_, _ = w.Write(buf.Bytes())
		return nil
	})
}

// byID answers a route of one item or story (what: "item" or "story"): a 400
// for an id no index can hold (index build skips them), a 404 when find
// returns query.ErrNotFound. find writes the answer, within the search
// timeout, while the generation g is held.
func (s *Server) byID(w http.ResponseWriter, r *http.Request, what, id string, find func(ctx context.Context, g *Generation) error) {
	if err := item.CheckID(id); err != nil {
		s.fail(w, r, badParam("id", "id: not a valid "+what+" id"))
		return
	}
	g, ok := s.acquire(w, r)
	if !ok {
		return
	}
	defer g.Release()
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.SearchTimeout)
	defer cancel()
	err := find(ctx, g)
	if errors.Is(err, query.ErrNotFound) {
		s.fail(w, r, &Error{Status: http.StatusNotFound, Param: "id", Msg: fmt.Sprintf("no %s with id %q", what, id)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
	}
}

// handleStats answers GET /api/stats with the `index stats --json` object,
// computed once per generation.
func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	if s.opts.Stats == nil {
		s.fail(w, r, &Error{Status: http.StatusNotImplemented, Msg: "stats are not available"})
		return
	}
	g, ok := s.acquire(w, r)
	if !ok {
		return
	}
	defer g.Release()
	body, err := g.stats(s.opts.Stats)
	if err != nil {
		s.fail(w, r, fmt.Errorf("stats: %w", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Newsdex-Generation", g.Name)
	_, _ = w.Write(body)
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
		s.fail(w, r, s.unavailable(err))
		return
	}
	defer g.Release()
	n, err := g.Index.DocCount()
	if err != nil {
		s.fail(w, r, &Error{Status: http.StatusServiceUnavailable, Msg: "the index does not answer", Err: err})
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Status     string `json:"status"`
		Generation string `json:"generation"`
		Documents  uint64 `json:"documents"`
	}{"ready", g.Name, n})
}

// handleStory answers GET /api/stories/{id} with the story's timeline, as
// `search story ID --json` prints it.
func (s *Server) handleStory(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	if r.URL.RawQuery != "" {
		s.fail(w, r, badParam("", "this route takes no parameters"))
		return
	}
	s.byID(w, r, "story", id, func(ctx context.Context, g *Generation) error {
		st, err := g.Searcher.Story(ctx, id)
		if err != nil {
			return err
		}
		w.Header().Set("X-Newsdex-Generation", g.Name)
		writeJSON(w, http.StatusOK, st)
		return nil
	})
}

// handleRelated answers GET /api/items/{id}/related?limit=N with the
// stories most like the item, as `search related ID --json` prints them.
func (s *Server) handleRelated(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, badParam("", "malformed query string"))
		return
	}
	limit := 0
	for name, vs := range vals {
		if name != "limit" {
			s.fail(w, r, badParam(name, name+": unknown parameter (want limit)"))
			return
		}
		if len(vs) > 1 {
			s.fail(w, r, badParam(name, "limit: given more than once"))
			return
		}
		n, err := strconv.Atoi(vs[0])
		if err != nil {
			s.fail(w, r, badParam("limit", fmt.Sprintf("limit: must be a whole number, not %q", vs[0])))
			return
		}
		if n < 1 || n > s.opts.MaxLimit {
			s.fail(w, r, badParam("limit", fmt.Sprintf("limit: %d is out of range (1 to %d)", n, s.opts.MaxLimit)))
			return
		}
		limit = n
	}
	s.byID(w, r, "item", id, func(ctx context.Context, g *Generation) error {
		rel, err := g.Searcher.Related(ctx, id, limit)
		if err != nil {
			return err
		}
		w.Header().Set("X-Newsdex-Generation", g.Name)
		writeJSON(w, http.StatusOK, rel)
		return nil
	})
}
