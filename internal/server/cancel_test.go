package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

type bleveIndex = bleve.Index

// blockingIndex is an index whose searches with hits wait until their
// context ends, and report how it ended.
type blockingIndex struct {
	bleveIndex // not bleve.Index: a field named Index would hide its method Index
	once       sync.Once
	entered    chan struct{}
	ended      chan error
}

func (b *blockingIndex) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	b.once.Do(func() { close(b.entered) })
	<-ctx.Done()
	b.ended <- ctx.Err()
	return nil, ctx.Err()
}

// blockingOpener opens the memOpener's generations wrapped in blockingIndex.
type blockingOpener struct {
	*memOpener
	ix *blockingIndex
}

func (o *blockingOpener) Open(dir string) (Opened, error) {
	op, err := o.memOpener.Open(dir)
	if err != nil {
		return op, err
	}
	o.ix.bleveIndex = op.Index
	op.Index = o.ix
	return op, nil
}

// TestClientGoneCancelsSearch: when the client of GET /api/search goes away,
// the request's context reaches bleve's SearchInContext cancelled (not only
// at the search timeout), so the search stops working for nobody.
func TestClientGoneCancelsSearch(t *testing.T) {
	ix := &blockingIndex{entered: make(chan struct{}), ended: make(chan error, 1)}
	op := &blockingOpener{memOpener: newMemOpener(t), ix: ix}
	op.set("gen-1", fixture())
	live := NewLive("/test/index", op, nil)
	if _, err := live.Reload(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = live.Close(context.Background()) })
	// A search timeout far beyond the test's guard below: only the client
	// going away can end the search in time.
	srv := httptest.NewServer(New(live, Options{SearchTimeout: time.Hour}))
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/search?q=oil", nil)
	if err != nil {
		t.Fatal(err)
	}
	clientErr := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		clientErr <- err
	}()
	guard := time.After(time.Minute) // a hang guard, not a speed assertion
	select {
	case <-ix.entered:
	case <-guard:
		t.Fatal("the search never started")
	}
	cancel() // the client goes away
	select {
	case err := <-ix.ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the search ended with %v, want context.Canceled", err)
		}
	case <-guard:
		t.Fatal("the search went on after its client left")
	}
	if err := <-clientErr; !errors.Is(err, context.Canceled) {
		t.Errorf("client: %v", err)
	}
}
