package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// handlerSeeds are the requests issue 13 found answered with a 5xx, a
// redirect or plain text, and their neighbours: out-of-range dates, ids the
// API cannot serve, long parameters.
var handlerSeeds = []string{
	"/api/search?from=1500-01-01", "/api/search?to=2262-04-11", "/api/search?from=9999-12-31",
	"/api/search?to=0001-01-01", "/api/search?from=1600-01", "/api/search?to=20000w",
	"/api/search?from=100000w", "/api/search?from=1677-12-01&to=2262-04-11T11:59:59Z",
	"/api/search?from=2262-04-11T12:00:00Z", "/api/search?to=1677-11-30T23:59:59Z",
	"/api/search?from=9223372036854775807d", "/api/search?to=-1d", "/api/search?from=1h1h1h",
	"/api/search?from=0000-01-01T00:00:00Z", "/api/search?from=1987-03-01T25:00:00Z",
	"/api/items/a/../b", "/api/items/..", "/api/items/%2e%2e", "/api/items/a//b", "/api/items/%00",
	"/api/items/" + strings.Repeat("x", 513), "/api/items/" + strings.Repeat("x", 100<<10),
	"/api/search?q=" + strings.Repeat("a", 1<<20), "/api/search?" + strings.Repeat("region=Europe&", 10000),
	"/api/search?q=%zz", "/api/search?q=oil&q=gas", "/api/search?limit=1e9", "/api/search?page=-1",
	"/api/search?after=" + strings.Repeat("A", 5000), "/api/search?kind=video&sort=up",
	"/api/search?q=oil&limit=0", "/api/stats?x=1", "/api/items/x?full=1", "//api/search", "/api/search/",
	"/static/..", "/static/%2e%2e", "/static/x", "/nosuch", "/api/search?q=" + "%C0%AF",
	"/api/search?region=" + strings.Repeat("r", 300), "/api/search?q=title:%22oil",
}

var fuzzOptions = Options{Stats: func(*Generation) (any, error) { return map[string]int{"total": 42}, nil }}

// FuzzHandler sends any request target through the whole handler: every
// answer is below 500, and every error answer is a 4xx JSON error.
func FuzzHandler(f *testing.F) {
	for _, target := range handlerSeeds {
		f.Add(target)
	}
	s := newTestServer(f, fuzzOptions, fixture())
	f.Fuzz(func(t *testing.T, target string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		r, err := http.NewRequest(http.MethodGet, "http://x"+target, nil)
		if err != nil {
			return // not a request target a client can send
		}
		r.RequestURI = target
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		checkAnswer(t, target, w)
	})
}

func checkAnswer(t *testing.T, target string, w *httptest.ResponseRecorder) {
	t.Helper()
	short := target
	if len(short) > 80 {
		short = short[:80] + "..."
	}
	switch {
	case w.Code >= 500:
		t.Fatalf("%s: status %d: %.300s", short, w.Code, w.Body)
	case w.Code >= 300 && w.Code < 400:
		t.Fatalf("%s: redirect %d to %s", short, w.Code, w.Header().Get("Location"))
	case w.Code >= 400:
		var e errorBody
		if w.Header().Get("Content-Type") != "application/json" || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error == "" {
			t.Fatalf("%s: status %d with no JSON error: %q %.300s", short, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
	}
}

// TestHandlerSeeds runs the fuzz seeds in make test: the cases stay
// 4xx JSON errors.
func TestHandlerSeeds(t *testing.T) {
	s := newTestServer(t, fuzzOptions, fixture())
	for _, target := range handlerSeeds {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		checkAnswer(t, target, w)
		if strings.Contains(target, "1500-01-01") || strings.Contains(target, "20000w") || strings.Contains(target, "/../") {
			if w.Code != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400", target, w.Code)
			}
		}
	}
}
