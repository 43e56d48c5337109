package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newsdex/internal/item"
	"newsdex/internal/query"
)

func oneItem(title string) []item.Item {
	return []item.Item{{Kind: item.Article, Title: title, Region: "Europe", Date: day("1990-01-01"), Body: title + " body"}}
}

func TestLiveSwapWaitsForInFlight(t *testing.T) {
	op := newMemOpener(t)
	op.set("gen-1", oneItem("first"))
	live := NewLive("/x", op, nil)
	if swapped, err := live.Reload(); err != nil || !swapped {
		t.Fatalf("first reload: %v %v", swapped, err)
	}
	if swapped, err := live.Reload(); err != nil || swapped {
		t.Fatalf("reload with nothing new: swapped=%v err=%v", swapped, err)
	}
	g1, err := live.Acquire() // an in-flight request on gen-1
	if err != nil {
		t.Fatal(err)
	}
	op.set("gen-2", oneItem("second"))
	if swapped, err := live.Reload(); err != nil || !swapped {
		t.Fatalf("second reload: %v %v", swapped, err)
	}
	if live.Current() != "gen-2" {
		t.Errorf("current = %q", live.Current())
	}
	select {
	case <-g1.closed:
		t.Fatal("gen-1 closed while a request still holds it")
	default:
	}
	// The request on gen-1 still searches it.
	res, err := g1.Searcher.Search(context.Background(), queryReq("first"))
	if err != nil || res.Total != 1 {
		t.Fatalf("search on the retired generation: %v %+v", err, res)
	}
	g1.Release()
	select {
	case <-g1.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("gen-1 not closed after its last request")
	}
	g2, err := live.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := g2.Searcher.Search(context.Background(), queryReq("second")); res == nil || res.Total != 1 {
		t.Errorf("gen-2 does not serve the new item")
	}
	g2.Release()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := live.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := live.Acquire(); err == nil {
		t.Error("Acquire after Close succeeded")
	}
	if _, err := live.Reload(); err == nil {
		t.Error("Reload after Close succeeded")
	}
}

func TestLiveOpenFailureKeepsServing(t *testing.T) {
	s := newTestServer(t, Options{}, oneItem("first"))
	s.opener.set("gen-2", oneItem("second"))
	s.opener.mu.Lock()
	s.opener.failing = true
	s.opener.mu.Unlock()
	if _, err := s.live.Reload(); err == nil {
		t.Fatal("reload of a broken generation succeeded")
	}
	if s.live.Current() != "gen-1" {
		t.Errorf("current = %q after a failed reload", s.live.Current())
	}
	if w := s.get("/api/search?q=first"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"total":1`) {
		t.Errorf("after a failed reload: %d %s", w.Code, w.Body)
	}
	if !strings.Contains(s.get("/metrics").Body.String(), "newsdex_index_reload_errors_total 1") {
		t.Error("reload error not counted")
	}
}

// Requests run without pause while generations are swapped under them:
// none fails, and each sees one whole generation.
func TestLiveSwapUnderLoad(t *testing.T) {
	s := newTestServer(t, Options{}, oneItem("gen1"))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var requests, failures atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				w := s.get("/api/search")
				requests.Add(1)
				if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"total":1,`) {
					failures.Add(1)
					t.Errorf("status %d: %.200s", w.Code, w.Body)
				}
			}
		}()
	}
	hup := make(chan struct{})
	go s.live.Watch(ctx, time.Hour, hup)
	for i := 2; i <= 20; i++ {
		name := "gen" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		s.opener.set(name, oneItem(name))
		hup <- struct{}{}
		deadline := time.Now().Add(5 * time.Second)
		for s.live.Current() != name {
			if time.Now().After(deadline) {
				t.Fatalf("generation %s not swapped in", name)
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	if failures.Load() != 0 || requests.Load() == 0 {
		t.Errorf("%d of %d requests failed", failures.Load(), requests.Load())
	}
	var ready struct{ Generation string }
	_ = json.Unmarshal(s.get("/readyz").Body.Bytes(), &ready)
	if ready.Generation != "gen20" {
		t.Errorf("readyz generation %q", ready.Generation)
	}
	// Every retired generation was closed: each opened index but the
	// current one answers no more.
	s.opener.mu.Lock()
	opened := s.opener.opened
	s.opener.mu.Unlock()
	closed := 0
	for _, idx := range opened {
		if _, err := idx.DocCount(); err != nil {
			closed++
		}
	}
	if closed != len(opened)-1 {
		t.Errorf("%d of %d opened generations closed, want all but the current one", closed, len(opened))
	}
	t.Logf("%d requests across 19 swaps", requests.Load())
}

func TestWatchPolls(t *testing.T) {
	s := newTestServer(t, Options{}, oneItem("first"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.live.Watch(ctx, 20*time.Millisecond, nil)
	s.opener.set("gen-2", oneItem("second"))
	deadline := time.Now().Add(5 * time.Second)
	for s.live.Current() != "gen-2" {
		if time.Now().After(deadline) {
			t.Fatal("poll did not pick up gen-2")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(s.get("/metrics").Body.String(), "newsdex_index_reloads_total 2") {
		t.Error("reload not counted")
	}
}

func queryReq(q string) query.Request { return query.Request{Query: q} }
