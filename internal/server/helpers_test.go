package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"newsdex/internal/item"
	"newsdex/internal/schema"
	"newsdex/internal/store"
)

// memIndex builds an in-memory scorch index of items.
func memIndex(t testing.TB, items []item.Item) bleve.Index {
	t.Helper()
	idx, err := bleve.NewUsing("", schema.Mapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := idx.NewBatch()
	for i := range items {
		it := items[i]
		it.EnsureID()
		if err := b.Index(it.ID, schema.Document(&it)); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	return idx
}

// memOpener serves generations of in-memory indexes; each Open builds a
// fresh index of the current generation's items, as opening a folder would.
type memOpener struct {
	t testing.TB

	mu      sync.Mutex
	current string
	gens    map[string][]item.Item
	opened  []bleve.Index
	failing bool
}

func newMemOpener(t testing.TB) *memOpener {
	return &memOpener{t: t, gens: map[string][]item.Item{}}
}

func (o *memOpener) set(name string, items []item.Item) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.gens[name] = items
	o.current = name
}

func (o *memOpener) Current(dir string) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.current == "" {
		return "", fmt.Errorf("no index at %s: %w", dir, store.ErrNoIndex)
	}
	return o.current, nil
}

func (o *memOpener) Open(dir string) (Opened, error) {
	o.mu.Lock()
	name, items, failing := o.current, o.gens[o.current], o.failing
	o.mu.Unlock()
	if failing {
		return Opened{}, fmt.Errorf("cannot open %s", name)
	}
	if name == "" {
		return Opened{}, store.ErrNoIndex
	}
	idx := memIndex(o.t, items)
	o.mu.Lock()
	o.opened = append(o.opened, idx)
	o.mu.Unlock()
	return Opened{Index: idx, Name: name}, nil
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is a small corpus: three regions, both kinds, five months, and a
// title with markup in it.
func fixture() []item.Item {
	var items []item.Item
	regions := []string{"Europe", "Americas", "Asia"}
	subjects := []string{"oil prices rise", "bank shares fall", "OPEC output talks", "wheat harvest", "central bank rates"}
	for i := range 40 {
		it := item.Item{
			Kind:     item.Article,
			Title:    fmt.Sprintf("%s in %s, report %d", subjects[i%len(subjects)], regions[i%len(regions)], i),
			Region:   regions[i%len(regions)],
			Date:     day("1987-01-05").AddDate(0, i%5, i%27),
			Dateline: "LONDON",
			Body:     fmt.Sprintf("Traders said %s on Monday. Analysts expected more of the same in report %d.\n\nMore paragraphs follow about markets.", subjects[i%len(subjects)], i),
			Source:   "Reuters",
		}
		if i%4 == 3 {
			it.Kind = item.Teaser
			it.Body = ""
			it.Summary = "Teaser summary about " + subjects[i%len(subjects)]
			it.Pages = 2
		}
		items = append(items, it)
	}
	items = append(items, item.Item{
		ID:     "a-markup",
		Kind:   item.Article,
		Title:  `Oil <script>alert("x")</script> & "quotes"`,
		Region: "Europe",
		Date:   day("1987-03-02"),
		Body:   `The <b>oil</b> market & its <img src=x onerror=alert(1)> traders.`,
	})
	items = append(items, item.Item{
		ID:     "id/with/slashes",
		Kind:   item.Article,
		Title:  "Slashed id story",
		Region: "Asia",
		Date:   day("1987-02-02"),
		Body:   "A story whose id has slashes.",
	})
	return items
}

// testServer is a Server over the fixture (generation gen-1), with its
// access log captured.
type testServer struct {
	*Server
	live   *Live
	opener *memOpener
	log    *bytes.Buffer
}

func newTestServer(t testing.TB, opts Options, items []item.Item) *testServer {
	t.Helper()
	op := newMemOpener(t)
	if items != nil {
		op.set("gen-1", items)
	}
	var buf bytes.Buffer
	var mu sync.Mutex
	opts.Logger = slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	live := NewLive("/test/index", op, opts.Logger)
	s := New(live, opts)
	if items != nil {
		if _, err := live.Reload(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = live.Close(t.Context()) })
	return &testServer{Server: s, live: live, opener: op, log: &buf}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// get runs one request through the server.
func (s *testServer) do(method, target string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func (s *testServer) get(target string, hdr ...string) *httptest.ResponseRecorder {
	return s.do(http.MethodGet, target, hdr...)
}

// errorOf decodes an error answer.
func errorOf(t testing.TB, w *httptest.ResponseRecorder) errorBody {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("error Content-Type = %q, want application/json", ct)
	}
	var e errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("error body %q: %v", w.Body.String(), err)
	}
	if e.Error == "" {
		t.Errorf("error body %q has no error message", w.Body.String())
	}
	return e
}
