package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// httpLoad serves the 1x index with bin/search serve on a loopback port and
// runs the query mix at 1 and 8 concurrent clients, each level bounded in
// time and in requests.
func (r *runner) httpLoad() {
	if r.index1x == "" {
		r.errorf("HTTP load: no 1x index")
		return
	}
	addr, err := freeAddr()
	if err != nil {
		r.errorf("HTTP load: %v", err)
		return
	}
	logPath := filepath.Join(r.work, "serve.log")
	logf, err := os.Create(logPath)
	if err != nil {
		r.errorf("HTTP load: %v", err)
		return
	}
	defer logf.Close()
	cmd := exec.Command(r.abs(filepath.Join(r.c.bin, "search")), "serve", "--index", r.index1x, "--addr", addr)
	cmd.Stdout = logf
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		r.errorf("HTTP load: starting the server: %v", err)
		return
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	base := "http://" + addr
	if err := waitReady(base, done); err != nil {
		r.errorf("HTTP load: %v: %s", err, lastLines(readTail(logPath), 3))
		stop()
		return
	}

	var urls []string
	for _, bq := range benchQueries {
		urls = append(urls, base+"/api/search?"+bq.HTTP.Encode())
	}
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64},
	}
	log.Printf("HTTP load: warming up")
	runLoad(client, urls, 2, 2*time.Second, 1000)
	for _, clients := range []int{1, 8} {
		log.Printf("HTTP load: %d clients", clients)
		lvl := runLoad(client, urls, clients, r.c.httpDuration, r.c.httpMaxRequests)
		log.Printf("HTTP load: %d clients: %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors", clients, lvl.RPS, lvl.P50ms, lvl.P99ms, lvl.Errors)
		r.res.HTTP = append(r.res.HTTP, lvl)
	}
	stop()
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			for i := range r.res.HTTP {
				r.res.HTTP[i].ServerRSS = ru.Maxrss * 1024
			}
		}
	}
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

// runLoad runs clients closed-loop workers over urls in turn until d has
// passed or maxReq requests were sent.
func runLoad(client *http.Client, urls []string, clients int, d time.Duration, maxReq int) HTTPLevel {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var sent atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	var firstErr string
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var mine []time.Duration
			var myErrs int
			var myFirst string
			for i := w; ctx.Err() == nil; i++ {
				if sent.Add(1) > int64(maxReq) {
					break
				}
				u := urls[i%len(urls)]
				t := time.Now()
				err := get(client, u)
				el := time.Since(t)
				if err != nil {
					if ctx.Err() != nil && strings.Contains(err.Error(), "context") {
						break
					}
					myErrs++
					if myFirst == "" {
						myFirst = err.Error()
					}
					continue
				}
				mine = append(mine, el)
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += myErrs
			if firstErr == "" {
				firstErr = myFirst
			}
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	lvl := HTTPLevel{Clients: clients, Requests: len(lat) + errs, Errors: errs, FirstErr: firstErr, Seconds: el.Seconds()}
	if len(lat) > 0 {
		p50, p99 := percentiles(lat)
		lvl.P50ms, lvl.P99ms = p50/1e3, p99/1e3
		lvl.MaxMs = float64(lat[len(lat)-1].Microseconds()) / 1e3
		lvl.RPS = float64(len(lat)) / el.Seconds()
	}
	return lvl
}

func get(client *http.Client, u string) error {
	resp, err := client.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", u, resp.StatusCode)
	}
	return nil
}
