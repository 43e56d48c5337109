package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"newsdex/internal/cli"
	"newsdex/internal/server"
	"newsdex/internal/store"
)

// parseServe runs search serve on args in the process with its run function
// replaced, and returns the server configuration it would have served.
func parseServe(t *testing.T, args ...string) (*serveOptions, int, string) {
	t.Helper()
	ios, _, stderr := testIO("")
	var got *serveOptions
	root := newCmdSearch(ios, nil)
	root.AddCommand(newCmdServe(ios, func(_ context.Context, o *serveOptions) error { got = o; return nil }))
	code := cli.Run(context.Background(), root, ios, append([]string{"serve"}, args...))
	return got, code, stderr.String()
}

func TestServeFlags(t *testing.T) {
	t.Setenv(store.EnvDir, "env.bleve")
	tests := []struct {
		args []string
		want server.Config
	}{
		{nil, server.Config{Dir: "env.bleve", Addr: "127.0.0.1:8080", ReloadInterval: 2 * time.Second, ShutdownTimeout: 10 * time.Second}},
		{[]string{"--index", "ix", "--addr", "127.0.0.1:0", "--cors-origin", "*", "--reload-interval", "1h", "--shutdown-timeout", "1m"},
			server.Config{Dir: "ix", Addr: "127.0.0.1:0", CORSOrigin: "*", ReloadInterval: time.Hour, ShutdownTimeout: time.Minute}},
		{[]string{"--addr=:9000", "--cors-origin", "https://example.org", "--log-format", "json"},
			server.Config{Dir: "env.bleve", Addr: ":9000", CORSOrigin: "https://example.org", ReloadInterval: 2 * time.Second, ShutdownTimeout: 10 * time.Second}},
	}
	for _, tt := range tests {
		got, code, stderr := parseServe(t, tt.args...)
		if code != 0 || got == nil {
			t.Errorf("serve %q: exit %d: %s", tt.args, code, stderr)
			continue
		}
		if diff := cmp.Diff(tt.want, got.Config, cmpopts.IgnoreFields(server.Config{}, "Logger", "Announce")); diff != "" {
			t.Errorf("serve %q (-want +got):\n%s", tt.args, diff)
		}
		if got.Config.Logger == nil || got.Config.Announce != got.IO.Err {
			t.Errorf("serve %q: no logger, or the announcement does not go to stderr", tt.args)
		}
	}
}

// TestServeUsage: a bad flag is one line naming it, exit 2, and no server.
func TestServeUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "nonsense"}, "search serve: --addr: address nonsense: missing port in address"},
		{[]string{"extra-argument"}, `search serve: unknown command "extra-argument" for "search serve"`},
		{[]string{"--log-format", "xml"}, `search serve: --log-format: want text or json, not "xml"`},
		{[]string{"--cors-origin", "example.org"}, "search serve: --cors-origin: want an origin such as https://example.org, or *"},
		{[]string{"--reload-interval", "0s"}, "search serve: --reload-interval: must be positive"},
		{[]string{"--shutdown-timeout", "0s"}, "search serve: --shutdown-timeout: must be positive"},
		{[]string{"--reload-interval", "often"}, `search serve: invalid argument "often" for "--reload-interval" flag`},
	}
	for _, tt := range tests {
		got, code, stderr := parseServe(t, tt.args...)
		if code != cli.ExitUsage || got != nil || !strings.HasPrefix(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("serve %q: exit %d, stderr %q; want exit 2 and one line starting %q", tt.args, code, stderr, tt.want)
		}
	}
}

// lockedBuffer is a bytes.Buffer the server's goroutines may write to while
// the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeRun serves an index in the process until the context (what
// SIGINT or SIGTERM cancel) is done: it answers, then stops cleanly.
func TestServeRun(t *testing.T) {
	dir, items := testIndex(t)
	t.Setenv(store.EnvDir, "")
	var errb lockedBuffer
	ios := &cli.IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &errb}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, newCmdRoot(ios), ios, []string{"serve", "--index", dir, "--addr", "127.0.0.1:0", "--log-format", "json"})
	}()
	serving := regexp.MustCompile(`newsdex: serving ` + regexp.QuoteMeta(dir) + ` on (http://127\.0\.0\.1:\d+)/`)
	var base string
	for base == "" {
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d:\n%s", code, errb.String())
		case <-time.After(10 * time.Millisecond):
		}
		if m := serving.FindStringSubmatch(errb.String()); m != nil {
			base = m[1]
		}
	}
	// The index is opened in the background: wait until it is ready.
	for {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get(base + "/api/items/" + items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /api/items/%s: %s", items[0].ID, resp.Status)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve after cancel: exit %d\n%s", code, errb.String())
	}
	if log := errb.String(); !strings.Contains(log, `"msg":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", log)
	}
}
