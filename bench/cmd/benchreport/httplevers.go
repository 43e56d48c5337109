package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"newsdex/bench/loadgen"
)

// HTTPLever is one way of running the server or its clients under the
// 8-client load, measured in rounds that take turns with the others, so a
// slow phase of the machine spreads over all of them.
type HTTPLever struct {
	Name   string      `json:"name"`
	Env    []string    `json:"env,omitempty"`
	Rounds []HTTPLevel `json:"rounds"`
}

// httpLevers are the levers measured: the Go runtime's GC (GOGC,
// GOMEMLIMIT) and the response encoding on the wire (gzip, which the server
// does for remote and proxied clients only).
func httpLevers() []HTTPLever {
	return []HTTPLever{
		{Name: "as shipped (serve's GOGC 400; clients ask for gzip, loopback answers are not gzipped)"},
		{Name: "GOGC=100 (Go's default)", Env: []string{"GOGC=100"}},
		{Name: "GOGC=200", Env: []string{"GOGC=200"}},
		{Name: "GOGC=off GOMEMLIMIT=256MiB", Env: []string{"GOGC=off", "GOMEMLIMIT=256MiB"}},
		{Name: "clients as if through a proxy (X-Forwarded-For: answers gzipped, as for remote clients)"},
	}
}

// measureHTTPLevers runs rounds of the 8-client load for d against a fresh
// server for each lever, over the index at dir.
func measureHTTPLevers(searchBin, dir, work string, rounds int, d time.Duration) []HTTPLever {
	var queries []string
	for _, bq := range benchQueries {
		queries = append(queries, bq.HTTP.Encode())
	}
	levers := httpLevers()
	for round := 0; round < rounds; round++ {
		for j := range levers {
			// Each round starts with another lever, so none is always first.
			lv := &levers[(j+round)%len(levers)]
			var opts []loadgen.Option
			if strings.HasPrefix(lv.Name, "clients as if through a proxy") {
				opts = append(opts, loadgen.AsProxied())
			}
			base, pid, stop, err := startServer(searchBin, dir, filepath.Join(work, "serve-lever.log"), lv.Env)
			if err != nil {
				lv.Rounds = append(lv.Rounds, HTTPLevel{Clients: 8, Errors: 1, FirstErr: err.Error()})
				continue
			}
			runLoad(base, queries, 2, time.Second, 500, opts...)
			srv0, cli0 := cpuTime(pid), cpuTime(os.Getpid())
			lvl := runLoad(base, queries, 8, d, 1<<30, opts...)
			srv1, cli1 := cpuTime(pid), cpuTime(os.Getpid())
			if lvl.Requests > 0 {
				lvl.ServerCPUus = float64((srv1 - srv0).Microseconds()) / float64(lvl.Requests)
				lvl.ClientCPUus = float64((cli1 - cli0).Microseconds()) / float64(lvl.Requests)
			}
			lvl.ServerRSS = vmHWM(fmt.Sprintf("/proc/%d/status", pid))
			stop()
			log.Printf("HTTP lever %-45s round %d: p50 %.2f ms, p99 %.2f ms, %.0f req/s, CPU a request: server %.0f µs, client %.0f µs, %d errors, %d MiB",
				lv.Name, round+1, lvl.P50ms, lvl.P99ms, lvl.RPS, lvl.ServerCPUus, lvl.ClientCPUus, lvl.Errors, lvl.ServerRSS>>20)
			lv.Rounds = append(lv.Rounds, lvl)
		}
	}
	return levers
}

// renderHTTPLevers writes the levers' medians over their rounds.
func renderHTTPLevers(b *strings.Builder, res *Results) {
	if len(res.HTTPLevers) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("### What moves the 8-client figure (1x)\n\n")
	p("Each lever: a fresh `search serve` with the environment shown, 8 closed-loop clients for %.0f s after a 1 s warm-up; ", res.Config.HTTPLeverSeconds)
	p("%d rounds in which the levers take turns. Median over the rounds (min-max of the p99).\n\n", len(res.HTTPLevers[0].Rounds))
	p("CPU a request: the server's (user + system, from `/proc/PID/stat`) and the load generator's, over the requests served; ")
	p("on a busy machine these move less than the latencies.\n\n")
	p("| lever | requests/s | p50 | p99 (min-max) | server CPU a request | client CPU a request | errors | server peak RSS |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, lv := range res.HTTPLevers {
		var rps, p50, p99, scpu, ccpu []float64
		errs := 0
		var rss int64
		for _, r := range lv.Rounds {
			rps, p50, p99 = append(rps, r.RPS), append(p50, r.P50ms), append(p99, r.P99ms)
			scpu, ccpu = append(scpu, r.ServerCPUus), append(ccpu, r.ClientCPUus)
			errs += r.Errors
			rss = max(rss, r.ServerRSS)
		}
		sort.Float64s(p99)
		p("| %s | %.0f | %.2f ms | %.2f ms (%.2f-%.2f) | %.0f µs | %.0f µs | %d | %s |\n", lv.Name, median(rps), median(p50), median(p99), minf(p99), maxf(p99),
			median(scpu), median(ccpu), errs, mib(rss))
	}
	p("\n")
}

// httpOnly is -only http: the HTTP load at 1 and 8 clients and the levers,
// over the index at c.index (or a 1x index it builds).
func httpOnly(c *config) (*Results, error) {
	start := time.Now()
	res := &Results{Started: start.UTC().Format(time.RFC3339), Machine: machineInfo()}
	res.Config = RunConfig{HTTPLeverRounds: c.httpLeverRounds, HTTPLeverSeconds: c.httpLeverDuration.Seconds()}
	work, err := os.MkdirTemp("", "newsdex-http-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	dir := c.index
	if dir == "" {
		if dir, err = build1x(c, work); err != nil {
			return nil, err
		}
	}
	r := &runner{c: c, work: work, res: res, index1x: dir}
	r.httpLoad()
	res.TotalSeconds = time.Since(start).Seconds()
	return res, nil
}

// cpuTime is the user + system CPU time of process pid so far, from
// /proc/PID/stat (clock ticks of 10 ms); 0 when it cannot be read.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: fields count from
	// after its closing parenthesis (state is field 3, utime 14, stime 15).
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}
