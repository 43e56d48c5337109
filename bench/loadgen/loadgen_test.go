package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/api/search" {
			t.Errorf("path %q", r.URL.Path)
		}
		if r.URL.Query().Get("q") == "fail" {
			http.Error(w, "no", http.StatusBadRequest)
			return
		}
		_, _ = w.Write([]byte(`{"total":0}`))
	}))
	defer srv.Close()

	res, err := Load(context.Background(), srv.URL, []string{"q=oil", "q=gas&region=Europe", ""}, 4, Limit{Requests: 200})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 200 || res.Errors != 0 || hits.Load() != 200 {
		t.Errorf("result %+v, server saw %d", res, hits.Load())
	}
	if res.RPS <= 0 || res.P50 <= 0 || res.P99 < res.P50 || res.Max < res.P99 {
		t.Errorf("figures %+v", res)
	}
	t.Log(res)

	res, err = Load(context.Background(), srv.URL, []string{"q=oil", "q=fail"}, 2, Limit{Requests: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 5 || !strings.Contains(res.FirstError, "400") {
		t.Errorf("errors: %+v", res)
	}

	// A run bound by a duration alone ends (were it not, this test would hang).
	res, err = Load(context.Background(), srv.URL, []string{"q=oil"}, 2, Limit{Duration: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Errors != 0 {
		t.Errorf("duration-bound run: %+v", res)
	}
}

// TestLoadOptions: the clients ask for gzip unless WithoutCompression, and
// say they come through a proxy with AsProxied only.
func TestLoadOptions(t *testing.T) {
	for _, tc := range []struct {
		name          string
		opts          []Option
		gzip, proxied bool
	}{
		{"default", nil, true, false},
		{"WithoutCompression", []Option{WithoutCompression()}, false, false},
		{"AsProxied", []Option{AsProxied()}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var bad atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gz := strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
				proxied := r.Header.Get("X-Forwarded-For") != ""
				if gz != tc.gzip || proxied != tc.proxied {
					bad.Add(1)
				}
				_, _ = w.Write([]byte(`{"total":0}`))
			}))
			defer srv.Close()
			res, err := Load(context.Background(), srv.URL, []string{"q=oil"}, 2, Limit{Requests: 10}, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests != 10 || res.Errors != 0 || bad.Load() != 0 {
				t.Errorf("result %+v; %d requests with the wrong headers (want gzip %v, proxied %v)", res, bad.Load(), tc.gzip, tc.proxied)
			}
		})
	}
}

func TestLoadRefuses(t *testing.T) {
	for _, c := range []struct {
		base    string
		queries []string
		clients int
		lim     Limit
	}{
		{"http://example.org", []string{"q=x"}, 1, Limit{Requests: 1}},
		{"http://10.0.0.1:80", []string{"q=x"}, 1, Limit{Requests: 1}},
		{"https://127.0.0.1:8080", []string{"q=x"}, 1, Limit{Requests: 1}},
		{"http://127.0.0.1:8080/api", []string{"q=x"}, 1, Limit{Requests: 1}},
		{"http://127.0.0.1:8080", nil, 1, Limit{Requests: 1}},
		{"http://127.0.0.1:8080", []string{"q=x"}, 0, Limit{Requests: 1}},
		{"http://127.0.0.1:8080", []string{"q=x"}, 1, Limit{}},
	} {
		if _, err := Load(context.Background(), c.base, c.queries, c.clients, c.lim); err == nil {
			t.Errorf("Load(%q, %q, %d, %+v) did not refuse", c.base, c.queries, c.clients, c.lim)
		}
	}
	for _, ok := range []string{"http://127.0.0.1:1", "http://localhost:1/", "http://[::1]:1"} {
		if _, err := checkBase(ok); err != nil {
			t.Errorf("checkBase(%q): %v", ok, err)
		}
	}
}
