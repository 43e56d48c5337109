// Package loadgen drives a running newsdex server with concurrent searches
// and reports throughput and latency. It is what `make bench` uses for the
// HTTP load figures; it talks only to loopback addresses, and every run is
// bounded both in requests and in time.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"newsdex/bench/internal/latency"
)

// Option changes how Load's clients ask.
type Option func(*options)

type options struct{ identity, proxied bool }

// WithoutCompression makes the clients ask for uncompressed answers.
func WithoutCompression() Option { return func(o *options) { o.identity = true } }

// AsProxied makes each request say it was passed on by a reverse proxy for
// a remote client (X-Forwarded-For: 192.0.2.1, a documentation address), so
// that the server answers as it answers remote clients: search serve gzips
// for them, and not for loopback clients.
func AsProxied() Option { return func(o *options) { o.proxied = true } }

// MaxDuration bounds every run, whatever Limit says.
const MaxDuration = 5 * time.Minute

// Limit says when a run stops: after Requests requests or after Duration,
// whichever comes first. At least one of them must be set.
type Limit struct {
	Requests int
	Duration time.Duration
}

// Result is what a run measured. Latencies are of successful and failed
// requests alike, from sending the request to reading the whole body.
type Result struct {
	Requests int           // requests completed
	Errors   int           // of which failed: transport errors and non-200 answers
	Elapsed  time.Duration // wall time of the run
	RPS      float64       // Requests / Elapsed
	P50      time.Duration
	P90      time.Duration
	P99      time.Duration
	Max      time.Duration
	// FirstError describes the first failure, for the report.
	FirstError string
}

// String is a one-line summary: "8 clients: 12345 requests, 0 errors, 1234.5 req/s, p50 1.2ms, p99 8.9ms".
func (r Result) String() string {
	return fmt.Sprintf("%d requests, %d errors, %.1f req/s, p50 %s, p90 %s, p99 %s, max %s",
		r.Requests, r.Errors, r.RPS, round(r.P50), round(r.P90), round(r.P99), round(r.Max))
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	default:
		return d.Round(time.Microsecond)
	}
}

// Load sends GET baseURL/api/search requests from clients concurrent
// clients until lim is reached or ctx is done. Each entry of queries is the
// query string of one request without the "?" (for example
// url.Values{"q": {"oil"}, "region": {"Europe"}}.Encode(), or "" for all
// items); the clients take them in turn, so the mix is the list's. baseURL
// must be a loopback http URL such as http://127.0.0.1:8080.
//
// Like a browser, the clients ask for gzip (and undo it) unless
// WithoutCompression is given.
func Load(ctx context.Context, baseURL string, queries []string, clients int, lim Limit, opts ...Option) (Result, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	base, err := checkBase(baseURL)
	if err != nil {
		return Result{}, err
	}
	if len(queries) == 0 {
		return Result{}, errors.New("loadgen: no queries")
	}
	if clients < 1 || clients > 256 {
		return Result{}, fmt.Errorf("loadgen: %d clients (want 1 to 256)", clients)
	}
	if lim.Requests < 0 || lim.Duration < 0 || (lim.Requests == 0 && lim.Duration == 0) {
		return Result{}, errors.New("loadgen: set a request count, a duration or both")
	}
	d := lim.Duration
	if d == 0 || d > MaxDuration {
		d = MaxDuration
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()

	tr := &http.Transport{
		Proxy:               nil, // loopback only: never through a proxy
		MaxIdleConns:        clients,
		MaxIdleConnsPerHost: clients,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  o.identity,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	urls := make([]string, len(queries))
	for i, q := range queries {
		urls[i] = base + "/api/search"
		if q != "" {
			urls[i] += "?" + strings.TrimPrefix(q, "?")
		}
	}

	var (
		next     atomic.Int64 // the next request's number
		mu       sync.Mutex
		lat      []time.Duration
		errs     int
		firstErr string
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var myErrs int
			var myFirst string
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if lim.Requests > 0 && n >= int64(lim.Requests) {
					break
				}
				t0 := time.Now()
				err := get(ctx, client, urls[n%int64(len(urls))], o.proxied)
				el := time.Since(t0)
				if err != nil && ctx.Err() != nil {
					break // cut off by the deadline: not the server's failure
				}
				mine = append(mine, el)
				if err != nil {
					myErrs++
					if myFirst == "" {
						myFirst = err.Error()
					}
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += myErrs
			if firstErr == "" {
				firstErr = myFirst
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	res := Result{Requests: len(lat), Errors: errs, Elapsed: elapsed, FirstError: firstErr}
	if elapsed > 0 {
		res.RPS = float64(len(lat)) / elapsed.Seconds()
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		res.P50 = latency.Percentile(lat, 0.50)
		res.P90 = latency.Percentile(lat, 0.90)
		res.P99 = latency.Percentile(lat, 0.99)
		res.Max = lat[len(lat)-1]
	}
	return res, nil
}

func get(ctx context.Context, c *http.Client, u string, proxied bool) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if proxied {
		req.Header.Set("X-Forwarded-For", "192.0.2.1")
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return nil
}

// checkBase accepts http URLs of loopback hosts only, and returns the URL
// without a trailing slash.
func checkBase(baseURL string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", fmt.Errorf("loadgen: base URL: %w", err)
	}
	if u.Scheme != "http" || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return "", fmt.Errorf("loadgen: base URL %q: want http://HOST:PORT", baseURL)
	}
	host := u.Hostname()
	if host != "localhost" {
		ip := net.ParseIP(host)
		if ip == nil || !ip.IsLoopback() {
			return "", fmt.Errorf("loadgen: base URL %q: only loopback addresses are allowed", baseURL)
		}
	}
	return strings.TrimSuffix(u.Scheme+"://"+u.Host, "/"), nil
}
