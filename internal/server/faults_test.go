package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"newsdex/internal/store"
)

// Issue 13 case 5: error answers never carry the index folder's path or a
// raw error; the log has them.
func TestErrorBodiesHoldNoInternals(t *testing.T) {
	dir := t.TempDir()
	var logBuf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &logBuf, mu: &mu}, nil))
	live := NewLive(dir, StoreOpener{}, log)
	s := New(live, Options{Logger: log, Stats: func(*Generation) (any, error) { return nil, errors.New("stats broke at " + dir) }})
	t.Cleanup(func() { _ = live.Close(context.Background()) })

	check := func(state string, wantMsg string) {
		t.Helper()
		live.reloadAndLog("test")
		for _, target := range []string{"/api/search?q=oil", "/api/items/abc", "/api/stats", "/readyz"} {
			w := httptestGet(s, target)
			if w.Code != http.StatusServiceUnavailable {
				t.Errorf("%s: %s: status %d, want 503", state, target, w.Code)
			}
			body := w.Body.String()
			if strings.Contains(body, dir) || strings.Contains(body, "/tmp") || strings.Contains(body, "gen-0") ||
				strings.Contains(body, "too small") || strings.Contains(body, "opening") {
				t.Errorf("%s: %s: the body leaks internals: %s", state, target, body)
			}
			if !strings.Contains(body, wantMsg) {
				t.Errorf("%s: %s: body %s, want it to say %q", state, target, body, wantMsg)
			}
		}
	}
	check("no index", "no index is open yet: none has been built in the index folder")

	// A generation that cannot be opened: root.bolt cut short.
	if err := os.MkdirAll(filepath.Join(dir, "gen-000002", "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"CURRENT": "gen-000002\n", store.MarkerFile: "newsdex index folder 1\n",
		"gen-000002/index_meta.json": `{"storage":"boltdb","index_type":"scorch"}`,
		"gen-000002/store/root.bolt": strings.Repeat("\x00", 4096),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	check("broken generation", "it could not be opened (the server log says why)")
	mu.Lock()
	logged := logBuf.String()
	mu.Unlock()
	if !strings.Contains(logged, dir) {
		t.Errorf("the log does not have the cause:\n%s", logged)
	}
}

func httptestGet(h http.Handler, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	return w
}

// runServer runs Run on a free port over dir and returns its base URL, its
// log, and a function that stops it and returns Run's error.
func runServer(t *testing.T, dir string, grace time.Duration) (string, *bytes.Buffer, func() error) {
	t.Helper()
	var logBuf bytes.Buffer
	var mu sync.Mutex
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Dir: dir, Addr: "127.0.0.1:0", ReloadInterval: time.Hour, ShutdownTimeout: grace,
			Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logBuf, mu: &mu}, nil)), Announce: pw,
		})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no announce line: %v", err)
	}
	go io.Copy(io.Discard, pr)
	m := regexp.MustCompile(`http://[^/]+`).FindString(line)
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			return errors.New("Run did not return")
		}
	}
	t.Cleanup(func() { _ = stop() })
	return m, &logBuf, stop
}

// Issue 13 case 6: URLs over the old 64 KiB header limit get a 400 JSON
// error naming the parameter, not Go's plain-text 431.
func TestLongURLs(t *testing.T) {
	base, _, _ := runServer(t, t.TempDir(), time.Second)
	regions := strings.Repeat("region=Europe&", 10000)
	tests := []struct {
		target, param string
	}{
		{"/api/search?q=" + strings.Repeat("a", 1<<20), "q"},
		{"/api/search?" + regions + "q=oil", "region"},
		{"/api/items/" + strings.Repeat("x", 100<<10), "id"},
		{"/api/search?q=" + strings.Repeat("%C3%A9", 100<<10), "q"},
		{"/api/search?after=" + strings.Repeat("A", 200<<10), "after"},
		{"/" + strings.Repeat("p", 300<<10), ""},
	}
	for _, tt := range tests {
		resp, err := http.Get(base + tt.target)
		if err != nil {
			t.Fatalf("%.60s: %v", tt.target, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e errorBody
		jerr := json.Unmarshal(b, &e)
		if resp.StatusCode != http.StatusBadRequest && !(tt.param == "" && resp.StatusCode == http.StatusNotFound) {
			t.Errorf("%.60s: status %d: %.200s", tt.target, resp.StatusCode, b)
		}
		if jerr != nil || e.Error == "" || e.Param != tt.param || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%.60s: body %.200s (%v), want a JSON error naming %q", tt.target, b, jerr, tt.param)
		}
	}
}

// Issue 13 case 7: a request running past the grace period is cut, and Run
// still returns nil after logging "stopped" (search serve exits 0).
func TestShutdownPastGrace(t *testing.T) {
	base, logBuf, stop := runServer(t, t.TempDir(), 100*time.Millisecond)
	u, _ := url.Parse(base)
	// A request whose headers never end is active until ReadHeaderTimeout
	// (5 s), far past the 100 ms grace.
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /api/search?q=oil HTTP/1.1\r\nHost: x\r\n")
	time.Sleep(50 * time.Millisecond) // let the server read it
	if err := stop(); err != nil {
		t.Errorf("Run after a shutdown past the grace period: %v, want nil", err)
	}
	if !strings.Contains(logBuf.String(), "msg=stopped") {
		t.Errorf("no stopped line in the log:\n%s", logBuf)
	}
}
