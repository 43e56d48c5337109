package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/item"
	"newsdex/internal/query"
)

// zeroTook parses a search response and zeroes took_ms, the one field that
// differs between two runs of the same search.
func zeroTook(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("response %q: %v", b, err)
	}
	if _, ok := m["took_ms"]; !ok {
		t.Fatalf("response %q has no took_ms", b)
	}
	m["took_ms"] = 0.0
	return m
}

func TestSearchMatchesQueryPackage(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	cases := []struct {
		params string
		req    query.Request
	}{
		{"", query.Request{}},
		{"q=oil", query.Request{Query: "oil"}},
		{"q=oil+OR+wheat&sort=newest&limit=5&page=2", query.Request{Query: "oil OR wheat", Sort: "newest", Limit: 5, Page: 2}},
		{"q=bank&region=Europe&region=asia", query.Request{Query: "bank", Regions: []string{"Europe", "asia"}}},
		{"from=1987-02-01&to=1987-03-31&kind=teaser", query.Request{From: "1987-02-01", To: "1987-03-31", Kind: "teaser"}},
		{"q=%22oil+prices%22&sort=oldest", query.Request{Query: `"oil prices"`, Sort: "oldest"}},
		{"q=script", query.Request{Query: "script"}},
	}
	g, err := s.live.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Release()
	for _, c := range cases {
		t.Run(c.params, func(t *testing.T) {
			w := s.get("/api/search?" + c.params)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			resp, err := g.Searcher.Search(context.Background(), c.req)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := resp.WriteJSON(&want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(zeroTook(t, want.Bytes()), zeroTook(t, w.Body.Bytes())); diff != "" {
				t.Errorf("GET /api/search?%s differs from Searcher.Search (-want +got):\n%s", c.params, diff)
			}
			if !bytes.HasSuffix(w.Body.Bytes(), []byte("}\n")) {
				t.Errorf("body does not end as WriteJSON's does: %q", w.Body.String())
			}
		})
	}
}

func TestSearchAfterCursor(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	w := s.get("/api/search?q=bank&limit=3")
	var first query.Response
	if err := json.Unmarshal(w.Body.Bytes(), &first); err != nil {
		t.Fatal(err)
	}
	if first.Next == "" || len(first.Hits) != 3 {
		t.Fatalf("first page: %d hits, next %q", len(first.Hits), first.Next)
	}
	w = s.get("/api/search?q=bank&limit=3&after=" + url.QueryEscape(first.Next))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var second query.Response
	if err := json.Unmarshal(w.Body.Bytes(), &second); err != nil {
		t.Fatal(err)
	}
	page2 := s.get("/api/search?q=bank&limit=3&page=2")
	var want query.Response
	_ = json.Unmarshal(page2.Body.Bytes(), &want)
	ids := func(r query.Response) (out []string) {
		for _, h := range r.Hits {
			out = append(out, h.ID)
		}
		return out
	}
	if diff := cmp.Diff(ids(want), ids(second)); diff != "" {
		t.Errorf("after cursor and page 2 differ:\n%s", diff)
	}
}

func TestSearchCountOnlyAndFacets(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	var r query.Response
	w := s.get("/api/search?limit=0&facets=kind,Month")
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Total == 0 || len(r.Hits) != 0 || len(r.Facets) != 2 || r.Facets["kind"] == nil || r.Facets["month"] == nil {
		t.Errorf("count only with two facets: %s", w.Body)
	}
	w = s.get("/api/search?limit=2")
	if strings.Contains(w.Body.String(), `"facets"`) {
		t.Errorf("facets not asked for: %s", w.Body)
	}
}

func TestSearchBadParams(t *testing.T) {
	s := newTestServer(t, Options{MaxQueryLen: 50}, fixture())
	cases := []struct {
		params string
		param  string // the parameter the error must name
	}{
		{"limit=abc", "limit"},
		{"limit=1.5", "limit"},
		{"limit=-1", "limit"},
		{"limit=1001", "limit"},
		{"limit=99999999999999999999999", "limit"},
		{"page=x", "page"},
		{"page=-2", "page"},
		{"page=-1", "page"},
		{"page=0", "page"},
		{"page=100000", "page"},
		{"q=" + strings.Repeat("a", 51), "q"},
		{"q=a&q=b", "q"},
		{"q=(oil", "q"},
		{"q=oil+AND", "q"},
		{"q=%22unclosed", "q"},
		{"from=yesterday", "from"},
		{"from=1987-13-01", "from"},
		{"to=1987-02-30", "to"},
		{"from=1987-03-01&to=1987-02-01", "from"},
		{"kind=video", "kind"},
		{"sort=random", "sort"},
		{"region=", "region"},
		{"after=garbage", "after"},
		{"after=" + strings.Repeat("x", 300), "after"},
		{"colour=red", "colour"},
		{"facets=colour", "facets"},
		{"facets=region&facets=kind", "facets"},
		{"limit=0&page=2", "page"},
		{"q=%ff%fe", "q"},
		{"%zz=1", ""},
		{"q=oil;region=x", ""},
	}
	for _, c := range cases {
		t.Run(c.params, func(t *testing.T) {
			w := s.get("/api/search?" + c.params)
			if w.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", w.Code, w.Body)
			}
			e := errorOf(t, w)
			if e.Param != c.param {
				t.Errorf("param = %q, want %q (%s)", e.Param, c.param, e.Error)
			}
			if c.param != "" && !strings.HasPrefix(e.Error, c.param+": ") {
				t.Errorf("error %q does not name %s", e.Error, c.param)
			}
		})
	}
}

// Odd queries must never be a 500: each is answered or refused with a 400.
func TestSearchNeverFails(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	for _, q := range searchSeeds {
		w := s.get("/api/search?q=" + url.QueryEscape(q))
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Errorf("q=%q: status %d: %s", q, w.Code, w.Body)
		}
	}
}

var searchSeeds = []string{
	`"`, `""`, `(`, `)`, `()`, `((((((((((oil))))))))))`, `*`, `**`, `*oil*`, `?`, `~`, `oil~`, `oil~9`,
	`oil^`, `oil^-1`, `oil^1e400`, `title:`, `:oil`, `nosuch:oil`, `region:"Europe"`, `-`, `--oil`, `NOT`,
	`AND OR NOT`, `oil AND`, `OR oil`, `-oil`, `NOT oil`, `\`, `\"`, "\x00", "oil\x00gas", `日本`, `🛢️`,
	`a*b*c*d*e*f*`, `date:1987`, `title:"oil prices"~3`, `+oil`, `/regex/`, `[1 TO 5]`, `{a TO b}`,
	strings.Repeat("oil OR ", 300) + "gas", strings.Repeat("(", 2000), `<mark>oil</mark>`,
}

func FuzzSearchHandler(f *testing.F) {
	for _, q := range searchSeeds {
		f.Add(q, "", "")
	}
	f.Add("oil", "1987-01-01", "Europe")
	f.Add("", "7d", "")
	s := newTestServer(f, Options{}, fixture())
	f.Fuzz(func(t *testing.T, q, from, region string) {
		v := url.Values{"q": {q}, "from": {from}, "region": {region}}
		w := s.get("/api/search?" + v.Encode())
		if w.Code != http.StatusOK && w.Code != http.StatusBadRequest {
			t.Fatalf("%s: status %d: %s", v.Encode(), w.Code, w.Body)
		}
	})
}

func TestItem(t *testing.T) {
	items := fixture()
	s := newTestServer(t, Options{}, items)
	want := items[0]
	want.EnsureID()
	w := s.get("/api/items/" + want.ID)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var got item.Item
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("item (-want +got):\n%s", diff)
	}
	if !strings.Contains(w.Body.String(), `"body":"Traders said`) {
		t.Errorf("item has no body: %s", w.Body)
	}

	w = s.get("/api/items/id/with/slashes")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Slashed id story") {
		t.Errorf("id with slashes: %d %s", w.Code, w.Body)
	}
	w = s.get("/api/items/id%2Fwith%2Fslashes")
	if w.Code != http.StatusOK {
		t.Errorf("escaped id with slashes: %d %s", w.Code, w.Body)
	}
	w = s.get("/api/items/a-markup")
	if !strings.Contains(w.Body.String(), `<script>`) {
		t.Errorf("markup in the item should be kept as is in JSON (the page inserts it as text): %s", w.Body)
	}

	for _, target := range []string{"/api/items/nosuch", "/api/items/" + url.PathEscape("日本")} {
		w = s.get(target)
		if w.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404: %s", target, w.Code, w.Body)
			continue
		}
		if e := errorOf(t, w); e.Param != "id" || !strings.Contains(e.Error, "no item") {
			t.Errorf("%s: error %+v", target, e)
		}
	}
	// Ids no index holds (index build skips them): a 400 JSON error, never
	// a redirect.
	for _, target := range []string{"/api/items/" + strings.Repeat("x", item.MaxIDLen+1), "/api/items/%00",
		"/api/items/a/../b", "/api/items/..", "/api/items/a//b", "/api/items/%2e%2e/x"} {
		w = s.get(target)
		if w.Code != http.StatusBadRequest || errorOf(t, w).Param != "id" {
			t.Errorf("%.60s: status %d: %s", target, w.Code, w.Body)
		}
	}
	w = s.get("/api/items/" + want.ID + "?full=1")
	if w.Code != http.StatusBadRequest {
		t.Errorf("item with parameters: status %d", w.Code)
	}
	w = s.get("/api/items/")
	if w.Code != http.StatusNotFound {
		t.Errorf("/api/items/: status %d", w.Code)
	}
}

func TestStats(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	w := s.get("/api/stats")
	if w.Code != http.StatusNotImplemented {
		t.Errorf("without Stats: status %d, want 501", w.Code)
	}
	errorOf(t, w)

	var gotGen string
	s = newTestServer(t, Options{Stats: func(g *Generation) (any, error) {
		gotGen = g.Name
		n, err := g.Index.DocCount()
		return map[string]any{"total": n}, err
	}}, fixture())
	w = s.get("/api/stats")
	if w.Code != http.StatusOK || w.Body.String() != `{"total":42}`+"\n" {
		t.Errorf("stats: %d %q", w.Code, w.Body)
	}
	if gotGen != "gen-1" {
		t.Errorf("stats of generation %q", gotGen)
	}

	s = newTestServer(t, Options{Stats: func(*Generation) (any, error) { return nil, errors.New("disk on fire") }}, fixture())
	w = s.get("/api/stats")
	if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), "fire") {
		t.Errorf("failing stats: %d %s (internal errors must not leak)", w.Code, w.Body)
	}
}

// TestStatsOncePerGeneration: /api/stats reads the whole index, so it is
// computed once per generation (a failure is retried), also when many
// clients ask at once, and again for a new generation.
func TestStatsOncePerGeneration(t *testing.T) {
	var calls atomic.Int64
	fail := atomic.Bool{}
	fail.Store(true)
	s := newTestServer(t, Options{Stats: func(g *Generation) (any, error) {
		calls.Add(1)
		if fail.Load() {
			return nil, errors.New("transient")
		}
		n, err := g.Index.DocCount()
		return map[string]any{"generation": g.Name, "total": n}, err
	}}, fixture())
	if w := s.get("/api/stats"); w.Code != http.StatusInternalServerError {
		t.Fatalf("failing stats: status %d", w.Code)
	}
	fail.Store(false)
	var wg sync.WaitGroup
	bodies := make([]string, 8)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := s.get("/api/stats")
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
				t.Errorf("stats: %d %q", w.Code, w.Header().Get("Content-Type"))
			}
			bodies[i] = w.Body.String()
		}()
	}
	wg.Wait()
	if got := calls.Load(); got != 2 {
		t.Errorf("stats computed %d times for one failure and 8 requests on one generation, want 2", got)
	}
	for _, b := range bodies {
		if b != `{"generation":"gen-1","total":42}`+"\n" {
			t.Errorf("stats body %q", b)
		}
	}

	s.opener.set("gen-2", oneItem("second"))
	if swapped, err := s.live.Reload(); err != nil || !swapped {
		t.Fatalf("reload: %v %v", swapped, err)
	}
	for range 3 {
		if w := s.get("/api/stats"); w.Body.String() != `{"generation":"gen-2","total":1}`+"\n" {
			t.Errorf("stats after the swap: %q", w.Body)
		}
	}
	if got := calls.Load(); got != 3 {
		t.Errorf("stats computed %d times in all, want 3 (once more for gen-2)", got)
	}
}

func TestNoIndexYet(t *testing.T) {
	s := newTestServer(t, Options{Stats: func(*Generation) (any, error) { return 1, nil }}, nil)
	for _, target := range []string{"/readyz", "/api/search?q=oil", "/api/items/x", "/api/stats"} {
		w := s.get(target)
		if w.Code != http.StatusServiceUnavailable {
			t.Errorf("%s: status %d, want 503", target, w.Code)
		}
		errorOf(t, w)
	}
	if w := s.get("/healthz"); w.Code != http.StatusOK {
		t.Errorf("healthz: %d", w.Code)
	}
	if w := s.get("/"); w.Code != http.StatusOK {
		t.Errorf("page: %d", w.Code)
	}
	// The bad parameter is reported even without an index.
	for _, target := range []string{"/api/search?limit=x", "/api/search?from=1500-01-01", "/api/search?q=(", "/api/items/a/../b"} {
		if w := s.get(target); w.Code != http.StatusBadRequest {
			t.Errorf("%s without index: %d", target, w.Code)
		}
	}
	s.opener.set("gen-1", fixture())
	if _, err := s.live.Reload(); err != nil {
		t.Fatal(err)
	}
	if w := s.get("/readyz"); w.Code != http.StatusOK {
		t.Errorf("readyz after the index appeared: %d %s", w.Code, w.Body)
	}
}

func TestHealthAndReady(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	w := s.get("/healthz")
	if w.Code != http.StatusOK || w.Body.String() != `{"status":"ok"}`+"\n" {
		t.Errorf("healthz: %d %q", w.Code, w.Body)
	}
	w = s.get("/readyz")
	if w.Code != http.StatusOK || w.Body.String() != `{"status":"ready","generation":"gen-1","documents":42}`+"\n" {
		t.Errorf("readyz: %d %q", w.Code, w.Body)
	}
	w = s.do(http.MethodHead, "/readyz")
	if w.Code != http.StatusOK {
		t.Errorf("HEAD readyz: %d", w.Code)
	}
}

func TestMethodAndPath(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	for _, target := range []string{"/api/search", "/api/items/x", "/api/stats", "/healthz", "/readyz", "/metrics", "/", "/static/app.js"} {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
			w := s.do(m, target)
			if w.Code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: status %d, want 405", m, target, w.Code)
				continue
			}
			if w.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: Allow = %q", m, target, w.Header().Get("Allow"))
			}
			errorOf(t, w)
		}
	}
	for _, target := range []string{"/nope", "/api", "/api/search/x", "/static/nope.js", "/static/index.html", "/api/items"} {
		w := s.get(target)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, w.Code)
			continue
		}
		errorOf(t, w)
	}
}

func TestHead(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	w := s.do(http.MethodHead, "/api/search?q=oil")
	if w.Code != http.StatusOK {
		t.Errorf("HEAD /api/search: %d", w.Code)
	}
}

func TestPage(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	w := s.get("/")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /: %d", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	csp := w.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	body := w.Body.String()
	for _, want := range []string{`<meta name="viewport"`, `src="/static/app.js"`, `href="/static/style.css"`, `<label for="q"`, `role="search"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Errorf("page refers to another site (no CDN allowed)")
	}
	for name, ct := range map[string]string{"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8", "icon.svg": "image/svg+xml"} {
		w := s.get("/static/" + name)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != ct {
			t.Errorf("/static/%s: %d %q", name, w.Code, w.Header().Get("Content-Type"))
		}
		etag := w.Header().Get("ETag")
		w = s.get("/static/"+name, "If-None-Match", etag)
		if w.Code != http.StatusNotModified {
			t.Errorf("/static/%s with its ETag: %d, want 304", name, w.Code)
		}
	}
	if w := s.get("/?q=oil&region=Europe"); w.Code != http.StatusOK {
		t.Errorf("page with a query: %d", w.Code)
	}
}

func TestMetrics(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	s.get("/api/search?q=oil")
	s.get("/api/search?q=oil")
	s.get("/api/search?limit=x")
	s.get("/api/items/nosuch")
	s.get("/nope")
	w := s.get("/metrics")
	if w.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{
		`http_requests_total{code="200",route="/api/search"} 2`,
		`http_requests_total{code="400",route="/api/search"} 1`,
		`http_requests_total{code="404",route="/api/items/{id:.+}"} 1`,
		`http_requests_total{code="404",route="unmatched"} 1`,
		`http_request_duration_seconds_bucket{code="200",route="/api/search",le="+Inf"} 2`,
		`newsdex_index_documents 42`,
		`newsdex_index_reloads_total 1`,
		`newsdex_index_reload_errors_total 0`,
		`go_goroutines `,
		`process_cpu_seconds_total `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "nosuch") || strings.Contains(body, "q=oil") {
		t.Errorf("metrics carry request values")
	}
}

func TestAccessLog(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	s.get("/api/search?q=oil")
	s.get("/api/items/nosuch")
	lines := strings.Split(strings.TrimSpace(s.log.String()), "\n")
	var reqs []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if m["msg"] == "request" {
			reqs = append(reqs, m)
		}
	}
	if len(reqs) != 2 {
		t.Fatalf("%d request lines, want 2:\n%s", len(reqs), s.log)
	}
	if reqs[0]["route"] != "/api/search" || reqs[0]["status"] != 200.0 || reqs[0]["query"] != "q=oil" {
		t.Errorf("first line: %v", reqs[0])
	}
	if reqs[1]["status"] != 404.0 || reqs[1]["path"] != "/api/items/nosuch" {
		t.Errorf("second line: %v", reqs[1])
	}
	for _, k := range []string{"method", "bytes", "duration_ms", "remote"} {
		if _, ok := reqs[0][k]; !ok {
			t.Errorf("log line lacks %s", k)
		}
	}
}

func TestGzip(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	plain := s.get("/api/search?limit=40")
	if plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("gzipped without Accept-Encoding")
	}
	w := s.get("/api/search?limit=40", "Accept-Encoding", "gzip, deflate, br")
	if w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("large response not gzipped (%d bytes)", plain.Body.Len())
	}
	if !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary = %q", w.Header().Get("Vary"))
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(zeroTook(t, plain.Body.Bytes()), zeroTook(t, unzipped)); diff != "" {
		t.Errorf("gzipped body differs:\n%s", diff)
	}
	if w.Body.Len() >= plain.Body.Len() {
		t.Errorf("gzip did not shrink %d bytes (got %d)", plain.Body.Len(), w.Body.Len())
	}
	small := s.get("/healthz", "Accept-Encoding", "gzip")
	if small.Header().Get("Content-Encoding") != "" || small.Body.String() != `{"status":"ok"}`+"\n" {
		t.Errorf("small response gzipped: %q", small.Body)
	}
	refused := s.get("/api/search?limit=40", "Accept-Encoding", "gzip;q=0")
	if refused.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzipped though refused with q=0")
	}
	bad := s.get("/api/search?limit=x", "Accept-Encoding", "gzip")
	if bad.Code != http.StatusBadRequest || bad.Header().Get("Content-Encoding") != "" {
		t.Errorf("small error: %d %q", bad.Code, bad.Header().Get("Content-Encoding"))
	}
	m := s.get("/metrics", "Accept-Encoding", "gzip")
	if m.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("/metrics Content-Encoding = %q", m.Header().Get("Content-Encoding"))
	}
	zr, err = gzip.NewReader(m.Body)
	if err != nil {
		t.Fatalf("/metrics double-compressed or broken: %v", err)
	}
	mb, _ := io.ReadAll(zr)
	if !bytes.Contains(mb, []byte("go_goroutines")) {
		t.Errorf("/metrics body after one gunzip: %.100q", mb)
	}
}

func TestCORS(t *testing.T) {
	off := newTestServer(t, Options{}, fixture())
	w := off.get("/api/search", "Origin", "https://example.org")
	if h := w.Header().Get("Access-Control-Allow-Origin"); h != "" {
		t.Errorf("CORS off, yet Access-Control-Allow-Origin = %q", h)
	}
	w = off.do(http.MethodOptions, "/api/search", "Origin", "https://example.org", "Access-Control-Request-Method", "GET")
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("preflight with CORS off: %d", w.Code)
	}

	on := newTestServer(t, Options{CORSOrigin: "https://example.org"}, fixture())
	w = on.get("/api/search", "Origin", "https://example.org")
	if h := w.Header().Get("Access-Control-Allow-Origin"); h != "https://example.org" {
		t.Errorf("allowed origin: Access-Control-Allow-Origin = %q", h)
	}
	if !strings.Contains(strings.Join(w.Header().Values("Vary"), ","), "Origin") {
		t.Errorf("Vary lacks Origin: %q", w.Header().Values("Vary"))
	}
	w = on.get("/api/search", "Origin", "https://evil.example")
	if h := w.Header().Get("Access-Control-Allow-Origin"); h != "" {
		t.Errorf("other origin: Access-Control-Allow-Origin = %q", h)
	}
	w = on.do(http.MethodOptions, "/api/search", "Origin", "https://example.org", "Access-Control-Request-Method", "GET")
	if w.Code != http.StatusNoContent || w.Header().Get("Access-Control-Allow-Methods") == "" {
		t.Errorf("preflight: %d %v", w.Code, w.Header())
	}

	star := newTestServer(t, Options{CORSOrigin: "*"}, fixture())
	w = star.get("/api/stats", "Origin", "https://anywhere.example")
	if h := w.Header().Get("Access-Control-Allow-Origin"); h != "*" {
		t.Errorf("*: Access-Control-Allow-Origin = %q", h)
	}
}

// TestRecover: a panic before the handler wrote is a 500 with a JSON error,
// gzip or not; one after it wrote cuts the answer (http.ErrAbortHandler), so
// that no truncated answer passes for a complete one. Both are logged.
func TestRecover(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	for _, wrote := range []bool{false, true} {
		h := s.observe(s.gzip(s.recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if wrote {
				_, _ = w.Write(bytes.Repeat([]byte("x"), 100)) // held back by gzip
			}
			panic("boom")
		}))))
		r := httptest.NewRequest(http.MethodGet, "/api/search", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		w := httptest.NewRecorder()
		aborted := func() (v any) {
			defer func() { v = recover() }()
			h.ServeHTTP(w, r)
			return nil
		}()
		if wrote {
			if aborted != http.ErrAbortHandler {
				t.Errorf("panic after writing: %v, want http.ErrAbortHandler", aborted)
			}
			continue
		}
		if aborted != nil || w.Code != http.StatusInternalServerError {
			t.Errorf("panic before writing: status %d, panic %v", w.Code, aborted)
		}
		if e := errorOf(t, w); e.Error != "internal error" {
			t.Errorf("error %q", e.Error)
		}
	}
	if strings.Count(s.log.String(), `"panic":"boom"`) != 2 {
		t.Errorf("panics not logged:\n%s", s.log)
	}
}

// A cursor continues its own search and is a 400 naming after in any other.
func TestCursorOfAnotherSearch(t *testing.T) {
	s := newTestServer(t, Options{}, fixture())
	w := s.get("/api/search?q=oil&limit=2")
	var r struct{ Next string }
	if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil || r.Next == "" {
		t.Fatalf("no next cursor: %s", w.Body)
	}
	if w := s.get("/api/search?q=oil&limit=5&after=" + url.QueryEscape(r.Next)); w.Code != http.StatusOK {
		t.Errorf("its own search: %d %s", w.Code, w.Body)
	}
	for _, other := range []string{"q=bank", "q=oil&region=Europe", "q=oil&kind=teaser", "q=oil&from=1987-02-01"} {
		w := s.get("/api/search?" + other + "&after=" + url.QueryEscape(r.Next))
		if e := errorOf(t, w); w.Code != http.StatusBadRequest || e.Param != "after" || !strings.Contains(e.Error, "continues another search") {
			t.Errorf("%s: %d %s", other, w.Code, w.Body)
		}
	}
}

// TestGzipLoopback: a client on the same host (a loopback peer with no
// proxy's headers) gets answers uncompressed, unless CompressLoopback is
// set; remote peers and proxied requests get them gzipped.
func TestGzipLoopback(t *testing.T) {
	def := newTestServer(t, Options{}, fixture())
	always := newTestServer(t, Options{CompressLoopback: true}, fixture())
	for _, tc := range []struct {
		name   string
		s      *testServer
		remote string
		hdr    []string
		gzip   bool
	}{
		{"IPv4 loopback", def, "127.0.0.1:50000", nil, false},
		{"other 127/8 address", def, "127.1.2.3:50000", nil, false},
		{"IPv6 loopback", def, "[::1]:50000", nil, false},
		{"IPv4-mapped loopback", def, "[::ffff:127.0.0.1]:50000", nil, false},
		{"remote IPv4", def, "192.0.2.1:50000", nil, true},
		{"remote IPv6", def, "[2001:db8::1]:50000", nil, true},
		{"not host:port", def, "127.0.0.1", nil, true},
		{"loopback through a proxy (X-Forwarded-For)", def, "127.0.0.1:50000", []string{"X-Forwarded-For", "198.51.100.7"}, true},
		{"loopback through a proxy (Forwarded)", def, "127.0.0.1:50000", []string{"Forwarded", "for=198.51.100.7"}, true},
		{"loopback through a proxy (X-Real-IP)", def, "127.0.0.1:50000", []string{"X-Real-IP", "198.51.100.7"}, true},
		{"loopback through a proxy (Via)", def, "127.0.0.1:50000", []string{"Via", "1.1 proxy"}, true},
		{"loopback, CompressLoopback", always, "127.0.0.1:50000", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/api/search?limit=40", nil)
			r.RemoteAddr = tc.remote
			r.Header.Set("Accept-Encoding", "gzip")
			for i := 0; i+1 < len(tc.hdr); i += 2 {
				r.Header.Set(tc.hdr[i], tc.hdr[i+1])
			}
			w := httptest.NewRecorder()
			tc.s.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if got := w.Header().Get("Content-Encoding") == "gzip"; got != tc.gzip {
				t.Errorf("gzipped = %v, want %v (%d bytes)", got, tc.gzip, w.Body.Len())
			}
			if !strings.Contains(strings.Join(w.Header().Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("Vary = %q", w.Header().Values("Vary"))
			}
			if !tc.gzip {
				var resp struct {
					Hits []json.RawMessage `json:"hits"`
				}
				if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || len(resp.Hits) == 0 {
					t.Errorf("uncompressed body is not the hits (%v): %.100q", err, w.Body)
				}
			}
		})
	}
}
