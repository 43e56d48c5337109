package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"newsdex/bench/loadgen"
)

// httpLoad serves the 1x index with bin/search serve on a loopback port and
// runs the query mix at 1 and 8 concurrent clients, each level bounded in
// time and in requests.
func (r *runner) httpLoad() {
	if r.index1x == "" {
		r.errorf("HTTP load: no 1x index")
		return
	}
	base, pid, stop, err := startServer(r.abs(filepath.Join(r.c.bin, "search")), r.index1x, filepath.Join(r.work, "serve.log"), nil)
	if err != nil {
		r.errorf("HTTP load: %v", err)
		return
	}
	var queries []string
	for _, bq := range benchQueries {
		queries = append(queries, bq.HTTP.Encode())
	}
	reps := at(r.c.queryReps, 0)
	log.Printf("HTTP: each query alone, one client, in %d rounds beside plain bleve doing the same work", besideRounds)
	web, work, err := r.besideBleve(base, reps)
	if err != nil {
		r.errorf("HTTP queries: %v", err)
	}
	r.res.Queries = append(r.res.Queries, web)
	if work.Engine != "" {
		r.res.Queries = append(r.res.Queries, work)
	}
	facets := QuerySet{Engine: engHTTPFacets, Scale: 1}
	fs, err := httpQueries(base, func(bq benchQuery) url.Values { _, v := withFacets(bq); return v }, reps, r.c.queryBudget)
	if err != nil {
		facets.Error = err.Error()
		r.errorf("HTTP queries (%s): %v", engHTTPFacets, err)
	}
	for _, s := range fs {
		facets.Queries = append(facets.Queries, s.stats())
	}
	r.res.Queries = append(r.res.Queries, facets)
	log.Printf("HTTP load: warming up")
	runLoad(base, queries, 2, 2*time.Second, 1000)
	for _, clients := range []int{1, 8} {
		log.Printf("HTTP load: %d clients", clients)
		lvl := runLoad(base, queries, clients, r.c.httpDuration, r.c.httpMaxRequests)
		log.Printf("HTTP load: %d clients: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors", clients, lvl.RPS, lvl.P50ms, lvl.P99ms, lvl.Errors)
		r.res.HTTP = append(r.res.HTTP, lvl)
	}
	// The server's own peak (see runProc on why not wait4's ru_maxrss).
	peak := vmHWM(fmt.Sprintf("/proc/%d/status", pid))
	stop()
	for i := range r.res.HTTP {
		r.res.HTTP[i].ServerRSS = peak
	}
	if r.c.httpLeverRounds > 0 {
		log.Printf("HTTP levers: %d rounds", r.c.httpLeverRounds)
		r.res.HTTPLevers = measureHTTPLevers(r.abs(filepath.Join(r.c.bin, "search")), r.index1x, r.work, r.c.httpLeverRounds, r.c.httpLeverDuration)
	}
}

// startServer starts `search serve` over index on a free loopback port,
// with env added to its environment, and waits until it is ready. stop ends
// it (SIGTERM, then a kill after 15 s).
func startServer(searchBin, index, logPath string, env []string) (base string, pid int, stop func(), err error) {
	addr, err := freeAddr()
	if err != nil {
		return "", 0, nil, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return "", 0, nil, err
	}
	cmd := exec.Command(searchBin, "serve", "--index", index, "--addr", addr)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		logf.Close()
		return "", 0, nil, fmt.Errorf("starting the server: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logf.Close()
	}
	base = "http://" + addr
	if err := waitReady(base, done); err != nil {
		stop()
		return "", 0, nil, fmt.Errorf("%v: %s", err, lastLines(readTail(logPath), 3))
	}
	return base, cmd.Process.Pid, stop, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func waitReady(base string, done <-chan error) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			return fmt.Errorf("the server exited: %v", err)
		default:
		}
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("the server was not ready within 60 s")
}

func readTail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// runLoad runs the server package's load generator (closed-loop clients
// taking the queries in turn) until d has passed or maxReq requests were sent.
func runLoad(base string, queries []string, clients int, d time.Duration, maxReq int, opts ...loadgen.Option) HTTPLevel {
	res, err := loadgen.Load(context.Background(), base, queries, clients, loadgen.Limit{Requests: maxReq, Duration: d}, opts...)
	lvl := HTTPLevel{Clients: clients}
	if err != nil {
		lvl.Errors, lvl.FirstErr = 1, err.Error()
		return lvl
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }
	lvl.Requests, lvl.Errors, lvl.FirstErr = res.Requests, res.Errors, res.FirstError
	lvl.Seconds, lvl.RPS = res.Elapsed.Seconds(), res.RPS
	lvl.P50ms, lvl.P99ms, lvl.MaxMs = ms(res.P50), ms(res.P99), ms(res.Max)
	return lvl
}

// httpQueries times each query's GET /api/search alone, one request after
// the other on one kept-alive connection: three warm-up requests, then up to
// reps timed ones (at most budget of time). The time is the whole exchange:
// request written, response read to its end.
// besideRounds is the number of rounds in which the default request
// through HTTP and plain bleve doing the same work take turns: this
// machine's speed drifts by tens of percent between minutes, and the two
// sides of issue 12's first goals are then timed in the same minutes.
const besideRounds = 4

// besideBleve times the default request through HTTP and plain bleve doing
// the same work over its own 1x index, reps runs of each query each, in
// besideRounds turns. work is empty without plain bleve's index.
func (r *runner) besideBleve(base string, reps int) (web, work QuerySet, err error) {
	web = QuerySet{Engine: engHTTP, Scale: 1}
	n := max(1, reps/besideRounds)
	var webS, workS []querySamples
	for round := range besideRounds {
		ws, err := httpQueries(base, func(bq benchQuery) url.Values { return bq.HTTP }, n, r.c.queryBudget/besideRounds)
		if err != nil {
			web.Error = err.Error()
			return web, work, err
		}
		webS = mergeSamples(webS, ws)
		if r.bleve1x == "" {
			continue
		}
		p := runProc(context.Background(), "", r.peers[engBleve], "-index", r.bleve1x, "-reps", strconv.Itoa(n), "-work", "hits")
		var bs []querySamples
		if err = p.err; err == nil {
			bs, err = peerSamples(engBleve, p.stdout)
		}
		if err != nil {
			work = QuerySet{Engine: engBleveBeside, Scale: 1, Error: err.Error()}
			r.errorf("%s, round %d: %v", engBleveBeside, round+1, err)
			r.bleve1x = ""
			continue
		}
		workS = mergeSamples(workS, bs)
	}
	for _, s := range webS {
		web.Queries = append(web.Queries, s.stats())
	}
	if len(workS) > 0 {
		work = QuerySet{Engine: engBleveBeside, Scale: 1}
		for _, s := range workS {
			work.Queries = append(work.Queries, s.stats())
		}
	}
	return web, work, nil
}

// mergeSamples adds the runs of more to those of the same queries in all.
func mergeSamples(all, more []querySamples) []querySamples {
	if all == nil {
		return more
	}
	for _, m := range more {
		for i := range all {
			if all[i].name == m.name {
				all[i].times = append(all[i].times, m.times...)
			}
		}
	}
	return all
}

// httpQueries times each bench query through GET /api/search, reps runs
// each (at most budget a query).
func httpQueries(base string, params func(benchQuery) url.Values, reps int, budget time.Duration) ([]querySamples, error) {
	c := &http.Client{Timeout: 30 * time.Second}
	defer c.CloseIdleConnections()
	var out []querySamples
	for _, bq := range benchQueries {
		u := base + "/api/search?" + params(bq).Encode()
		var body struct {
			Total uint64 `json:"total"`
			Hits  []struct {
				ID string `json:"id"`
			} `json:"hits"`
		}
		get := func(decode bool) error {
			resp, err := c.Get(u)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
				return fmt.Errorf("%s: %s: %s", bq.Name, resp.Status, b)
			}
			if decode {
				return json.NewDecoder(resp.Body).Decode(&body)
			}
			_, err = io.Copy(io.Discard, resp.Body)
			return err
		}
		if err := get(true); err != nil {
			return nil, err
		}
		times, err := timeRuns(func() error { return get(false) }, reps, budget)
		if err != nil {
			return nil, err
		}
		s := querySamples{name: bq.Name, total: body.Total, top: []string{}, times: times}
		if !bq.CountOnly {
			for _, h := range body.Hits {
				s.top = append(s.top, h.ID)
			}
		}
		out = append(out, s)
	}
	return out, nil
}
