package query

import (
	"context"
	"sync"

	index "github.com/blevesearch/bleve_index_api"
)

// keptSnapshots is how many snapshots' values stay cached: the one searched
// and the one before it, while searches on it finish.
const keptSnapshots = 2

// snapshotCache holds a value computed from an index snapshot (the facet
// table, the story members) for the latest snapshots. A snapshot is known
// by its reader, kept so that its address is not reused.
type snapshotCache[T any] struct {
	build   func(context.Context, index.IndexReader) (T, bool, error)
	mu      sync.Mutex
	entries []*snapshotEntry[T] // newest last
}

type snapshotEntry[T any] struct {
	reader index.IndexReader
	once   sync.Once
	v      T
	ok     bool
	err    error
}

func newSnapshotCache[T any](build func(context.Context, index.IndexReader) (T, bool, error)) *snapshotCache[T] {
	return &snapshotCache[T]{build: build}
}

// get returns the value of r's snapshot, building it on first use. With
// later, a snapshot seen for the first time gets no value (ok false) but is
// remembered: a one-off search (the search command's) does without rather
// than build a value it would use once.
func (c *snapshotCache[T]) get(ctx context.Context, r index.IndexReader, later bool) (T, bool, error) {
	c.mu.Lock()
	var e *snapshotEntry[T]
	for _, x := range c.entries {
		if x.reader == r {
			e = x
		}
	}
	if e == nil {
		e = &snapshotEntry[T]{reader: r}
		c.entries = append(c.entries, e)
		if len(c.entries) > keptSnapshots {
			c.entries = c.entries[1:]
		}
		if later {
			c.mu.Unlock()
			var zero T
			return zero, false, nil
		}
	}
	c.mu.Unlock()
	e.once.Do(func() { e.v, e.ok, e.err = c.build(context.WithoutCancel(ctx), r) })
	return e.v, e.ok, e.err
}
