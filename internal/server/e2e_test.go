package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/testenv"
)

// The end-to-end tests run the built binaries: index build and index add
// write the index, search serve answers over HTTP, and search --json is
// what /api/search must answer byte for byte (took_ms aside).

// server is a running `search serve`.
type server struct {
	base string
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  bytes.Buffer
	done chan error
}

var servingLine = regexp.MustCompile(`^newsdex: serving .* on (http://127\.0\.0\.1:\d+)/$`)

// startServer runs search serve on a free loopback port (--addr
// 127.0.0.1:0; the address comes from the line it prints) and stops it
// with SIGTERM at the end of the test, checking that it exits cleanly
// within the 10 s it is given.
func startServer(t *testing.T, dir string, args ...string) *server {
	t.Helper()
	args = append([]string{"serve", "--index", dir, "--addr", "127.0.0.1:0"}, args...)
	cmd := exec.Command(testenv.Binary(t, "search"), args...)
	cmd.Env = append(os.Environ(), "NEWSDEX_INDEX=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	baseCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			s.mu.Unlock()
			if m := servingLine.FindStringSubmatch(line); m != nil {
				baseCh <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case s.base = <-baseCh:
	case err := <-s.done:
		t.Fatalf("search serve exited: %v\n%s", err, s.logText())
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("search serve printed no URL within 20 s:\n%s", s.logText())
	}
	t.Cleanup(func() { s.stop(t, syscall.SIGTERM) })
	return s
}

func (s *server) logText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// stop signals the server and checks it exits with status 0 within 10 s.
func (s *server) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(sig)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("search serve after %v: %v\n%s", sig, err, s.logText())
		}
	case <-time.After(12 * time.Second):
		_ = s.cmd.Process.Kill()
		t.Errorf("search serve did not stop within 12 s of %v", sig)
	}
}

// get fetches base+path and returns the status and body.
func (s *server) get(t testing.TB, path string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(s.base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, b
}

// waitFor polls cond every 50 ms until it holds or d passes, and returns
// how long it took.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(start)
}

// runBin runs a built binary and returns its stdout; it fails the test on
// a non-zero exit, but for exit 3 of index build (records skipped: testdata/
// holds testdata/bad on purpose).
func runBin(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(testenv.Binary(t, name), args...)
	cmd.Env = append(os.Environ(), "NEWSDEX_INDEX=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil && !(name == "index" && cmd.ProcessState.ExitCode() == 3) {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test; -short")
	}
}

func zeroTook(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	m["took_ms"] = 0.0
	return m
}

// cliArgs turns /api/search parameters into search's arguments.
func cliArgs(v url.Values) []string {
	var args []string
	for _, name := range []string{"from", "to", "kind", "sort", "limit", "page", "after"} {
		if x := v.Get(name); x != "" {
			args = append(args, "--"+name, x)
		}
	}
	for _, r := range v["region"] {
		args = append(args, "--region", r)
	}
	if q := v.Get("q"); q != "" {
		args = append(args, "--", q)
	}
	return args
}

func TestServeMatchesCLI(t *testing.T) {
	skipShort(t)
	dir := filepath.Join(t.TempDir(), "ix")
	runBin(t, "index", "build", "--index", dir, filepath.Join(testenv.Root(t), "testdata"))
	s := startServer(t, dir)
	waitFor(t, 15*time.Second, "readyz", func() bool { c, _ := s.get(t, "/readyz"); return c == 200 })

	// A region and an id to ask for, from the index itself.
	var all struct {
		Total uint64
		Hits  []struct{ ID, Title, Region string }
	}
	_, b := s.get(t, "/api/search?limit=1000")
	if err := json.Unmarshal(b, &all); err != nil || all.Total < 10 {
		t.Fatalf("all items: %v, total %d", err, all.Total)
	}
	region, word := "", ""
	for _, h := range all.Hits {
		if h.Region != "" && region == "" {
			region = h.Region
		}
		if f := strings.Fields(h.Title); word == "" && len(f) > 0 && len(f[0]) > 3 {
			word = strings.Trim(strings.ToLower(f[0]), `"',.:`)
		}
	}

	cases := []url.Values{
		{},
		{"q": {word}},
		{"q": {word + " OR bank"}, "sort": {"newest"}},
		{"q": {"bank"}, "region": {region}},
		{"region": {region, "Europe"}, "kind": {"article"}, "sort": {"oldest"}},
		{"from": {"1987-03-01"}, "to": {"1987-04-30"}},
		{"limit": {"3"}, "page": {"2"}},
		{"q": {`"old notes"`}},
		{"q": {"-bank"}, "limit": {"5"}},
		{"kind": {"teaser"}, "limit": {"50"}},
	}
	var next string
	for _, v := range cases {
		status, got := s.get(t, "/api/search?"+v.Encode())
		if status != 200 {
			t.Errorf("%s: status %d: %s", v.Encode(), status, got)
			continue
		}
		want := runBin(t, "search", append([]string{"--index", dir, "--json"}, cliArgs(v)...)...)
		if diff := cmp.Diff(zeroTook(t, want), zeroTook(t, got)); diff != "" {
			t.Errorf("/api/search?%s differs from search --json (-cli +http):\n%s", v.Encode(), diff)
		}
		// Byte for byte, but for took_ms.
		re := regexp.MustCompile(`"took_ms":[0-9.e+-]+`)
		if !bytes.Equal(re.ReplaceAll(want, nil), re.ReplaceAll(got, nil)) {
			t.Errorf("/api/search?%s: bytes differ from search --json", v.Encode())
		}
		if v.Get("limit") == "3" {
			var r struct{ Next string }
			_ = json.Unmarshal(got, &r)
			next = r.Next
		}
	}
	if next == "" {
		t.Fatal("no next cursor on a partial page")
	}
	v := url.Values{"limit": {"3"}, "after": {next}}
	_, got := s.get(t, "/api/search?"+v.Encode())
	want := runBin(t, "search", append([]string{"--index", dir, "--json"}, cliArgs(v)...)...)
	if diff := cmp.Diff(zeroTook(t, want), zeroTook(t, got)); diff != "" {
		t.Errorf("after cursor: (-cli +http):\n%s", diff)
	}

	// One whole item, as search get --json prints it.
	id := all.Hits[0].ID
	status, gotItem := s.get(t, "/api/items/"+url.PathEscape(id))
	wantItem := runBin(t, "search", "get", "--index", dir, "--json", id)
	if status != 200 || !bytes.Equal(gotItem, wantItem) {
		t.Errorf("/api/items/%s: %d\n got %s\nwant %s", id, status, gotItem, wantItem)
	}
	if status, b := s.get(t, "/api/items/no-such-id"); status != 404 || !bytes.Contains(b, []byte(`"error"`)) {
		t.Errorf("unknown item: %d %s", status, b)
	}

	// The stats, as index stats --json prints them.
	status, gotStats := s.get(t, "/api/stats")
	wantStats := runBin(t, "index", "stats", "--index", dir, "--json")
	if status != 200 {
		t.Fatalf("/api/stats: %d %s", status, gotStats)
	}
	var gs, ws map[string]any
	if err := json.Unmarshal(gotStats, &gs); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(wantStats, &ws); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ws, gs); diff != "" {
		t.Errorf("/api/stats differs from index stats --json (-cli +http):\n%s", diff)
	}
	if gs["size_bytes"] == 0.0 {
		t.Errorf("stats without size_bytes: %s", gotStats)
	}

	// A bad parameter is a 400 naming it, as the CLI's usage error names the flag.
	if status, b := s.get(t, "/api/search?limit=ten"); status != 400 || !bytes.Contains(b, []byte(`"error":"limit: `)) {
		t.Errorf("bad limit: %d %s", status, b)
	}
	// The access log has a line per request.
	if n := strings.Count(s.logText(), "msg=request"); n < len(cases) {
		t.Errorf("%d access-log lines for %d+ requests", n, len(cases))
	}
}

// items writes n JSON lines of articles, each with the word tag in its
// title and body, to a new file and returns its path.
func items(t *testing.T, tag string, n int) string {
	t.Helper()
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"id":"%s-%d","kind":"article","title":"%s story number %d","region":"Europe","date":"1999-0%d-1%dT00:00:00Z","body":"The %s report %d said markets moved.","source":"Test"}`+"\n",
			tag, i, tag, i, 1+i%9, i%10, tag, i)
	}
	p := filepath.Join(t.TempDir(), tag+".jsonl")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// total asks the server how many items match q; -1 when it did not answer 200.
func (s *server) total(t testing.TB, q string) int {
	status, b := s.get(t, "/api/search?limit=1&q="+url.QueryEscape(q))
	if status != 200 {
		return -1
	}
	var r struct{ Total int }
	if err := json.Unmarshal(b, &r); err != nil {
		return -1
	}
	return r.Total
}

// hammer runs clients goroutines that search s without pause until stop is
// closed, and reports requests and failures (anything but a 200 with a
// total).
func hammer(s *server, clients int, queries []string) (stop func() (requests, failures int64, firstFailure string)) {
	var reqs, fails atomic.Int64
	var first atomic.Value
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; ctx.Err() == nil; i++ {
				u := s.base + "/api/search?q=" + url.QueryEscape(queries[i%len(queries)])
				resp, err := client.Get(u)
				reqs.Add(1)
				if err != nil {
					fails.Add(1)
					first.CompareAndSwap(nil, err.Error())
					continue
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || !bytes.HasPrefix(b, []byte(`{"total":`)) {
					fails.Add(1)
					first.CompareAndSwap(nil, fmt.Sprintf("%s: %d %.200s %v", u, resp.StatusCode, b, err))
				}
			}
		}()
	}
	return func() (int64, int64, string) {
		cancel()
		wg.Wait()
		f, _ := first.Load().(string)
		return reqs.Load(), fails.Load(), f
	}
}

// TestServeLiveReload rebuilds and extends the index under a running server
// while clients search it without pause: no request fails, and the new
// documents are served within 15 s (at once on SIGHUP).
func TestServeLiveReload(t *testing.T) {
	skipShort(t)
	dir := filepath.Join(t.TempDir(), "ix")
	runBin(t, "index", "build", "--index", dir, items(t, "alphaword", 30))
	s := startServer(t, dir, "--reload-interval", "1h") // only SIGHUP reloads
	waitFor(t, 15*time.Second, "ready", func() bool { return s.total(t, "alphaword") == 30 })

	stop := hammer(s, 4, []string{"alphaword", "betaword", "gammaword", "", "story"})

	// Rebuild with other items, then SIGHUP.
	runBin(t, "index", "build", "--index", dir, items(t, "betaword", 20))
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	took := waitFor(t, 15*time.Second, "rebuilt index after SIGHUP", func() bool { return s.total(t, "betaword") == 20 })
	t.Logf("rebuild served %v after SIGHUP", took)
	if n := s.total(t, "alphaword"); n != 0 {
		t.Errorf("after the rebuild, %d old items still served", n)
	}

	// index add while serving, then SIGHUP.
	runBin(t, "index", "add", "--index", dir, items(t, "gammaword", 10))
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	took = waitFor(t, 15*time.Second, "added items after SIGHUP", func() bool { return s.total(t, "gammaword") == 10 })
	t.Logf("index add served %v after SIGHUP", took)
	if n := s.total(t, "betaword"); n != 20 {
		t.Errorf("after index add, %d of the 20 earlier items served", n)
	}

	// A few rebuilds in a row, each swapped in while requests run.
	for i := range 3 {
		runBin(t, "index", "build", "--index", dir, items(t, "betaword", 20+i))
		_ = s.cmd.Process.Signal(syscall.SIGHUP)
		waitFor(t, 15*time.Second, "rebuild", func() bool { return s.total(t, "betaword") == 20+i })
	}

	reqs, fails, first := stop()
	if fails != 0 {
		t.Errorf("%d of %d requests failed during the swaps; first: %s", fails, reqs, first)
	}
	if reqs < 20 {
		t.Errorf("only %d requests ran during the swaps", reqs)
	}
	t.Logf("%d requests, %d failed, across 5 index swaps", reqs, fails)

	_, metrics := s.get(t, "/metrics")
	if !bytes.Contains(metrics, []byte("newsdex_index_reloads_total 6")) {
		t.Errorf("reload counter: %s", regexp.MustCompile(`(?m)^newsdex_index_reloads_total.*$`).Find(metrics))
	}
	if !bytes.Contains(metrics, []byte("newsdex_index_documents 22")) {
		t.Errorf("document gauge: %s", regexp.MustCompile(`(?m)^newsdex_index_documents.*$`).Find(metrics))
	}
}

// TestServePolls checks that without SIGHUP a new generation is still
// served within 15 s, and that a server started before any index exists
// answers 503 until one appears.
func TestServePolls(t *testing.T) {
	skipShort(t)
	dir := filepath.Join(t.TempDir(), "ix")
	s := startServer(t, dir) // no index yet; the default poll interval
	if status, b := s.get(t, "/readyz"); status != 503 {
		t.Errorf("readyz without an index: %d %s", status, b)
	}
	if status, b := s.get(t, "/api/search?q=x"); status != 503 || !bytes.Contains(b, []byte(`"error"`)) {
		t.Errorf("search without an index: %d %s", status, b)
	}
	if status, _ := s.get(t, "/healthz"); status != 200 {
		t.Errorf("healthz without an index: %d", status)
	}

	runBin(t, "index", "build", "--index", dir, items(t, "alphaword", 5))
	took := waitFor(t, 15*time.Second, "first index by polling", func() bool { return s.total(t, "alphaword") == 5 })
	t.Logf("first index served %v after its build", took)

	stop := hammer(s, 2, []string{"alphaword", "deltaword"})
	runBin(t, "index", "add", "--index", dir, items(t, "deltaword", 7))
	took = waitFor(t, 15*time.Second, "index add by polling", func() bool { return s.total(t, "deltaword") == 7 })
	t.Logf("index add served %v after it finished, by polling", took)
	reqs, fails, first := stop()
	if fails != 0 {
		t.Errorf("%d of %d requests failed; first: %s", fails, reqs, first)
	}
	s.stop(t, syscall.SIGINT) // SIGINT stops it as cleanly as SIGTERM
}

// TestServeLoad runs 8 clients against the built server on an index of
// testdata/, each sending 100 searches in turn: no request may fail. (The
// load generator of the benchmarks is bench/loadgen.)
func TestServeLoad(t *testing.T) {
	skipShort(t)
	dir := filepath.Join(t.TempDir(), "ix")
	runBin(t, "index", "build", "--index", dir, filepath.Join(testenv.Root(t), "testdata"))
	s := startServer(t, dir, "--log-format", "json")
	waitFor(t, 15*time.Second, "readyz", func() bool { c, _ := s.get(t, "/readyz"); return c == 200 })
	queries := []string{
		"q=bank", "q=ferry+OR+tram", "q=%22central+bank%22", "q=rail&region=Africa", "",
		"q=bank&from=2021-10-01&to=2021-10-31", "sort=oldest&limit=20", "q=port*", "kind=teaser", "q=-bank&region=Americas",
	}
	const clients, perClient = 8, 100
	var failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for i := range perClient {
				q := queries[(c+i)%len(queries)]
				resp, err := http.Get(s.base + "/api/search?" + q)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("%s: %s", q, resp.Status)
					}
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		})
	}
	wg.Wait()
	if n := failed.Load(); n != 0 {
		t.Errorf("%d of %d requests failed; first: %v", n, clients*perClient, firstErr.Load())
	}
}

// Issue 13 case 7, as a process: SIGTERM with a request running past the
// grace period exits 0 with a "stopped" line.
func TestServeShutdownExitStatus(t *testing.T) {
	skipShort(t)
	s := startServer(t, t.TempDir(), "--shutdown-timeout", "100ms")
	c, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Headers that never end keep the request active for the 5 s header
	// timeout, far past the 100 ms grace.
	fmt.Fprintf(c, "GET /api/search?q=oil HTTP/1.1\r\nHost: x\r\n")
	time.Sleep(100 * time.Millisecond)
	s.stop(t, syscall.SIGTERM) // fails the test unless the exit status is 0
	if log := s.logText(); !strings.Contains(log, "msg=stopped") || !strings.Contains(log, "were cut") {
		t.Errorf("log has no cut requests and stopped line:\n%s", log)
	}
}
