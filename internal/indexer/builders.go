package indexer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"

	"newsdex/internal/schema"
)

// builders are the offline builders of one Build, one per indexing
// goroutine. bleve's builder analyses documents and writes its segments
// under one lock, so one builder keeps one core busy; each goroutine writes
// its batches to a builder of its own, all of them at once.
//
// Each builder writes an index of its own in a folder inside the build's
// (created at its first document, so that none is empty). On close every
// builder merges its segments into one, all builders at once; the other
// builders' segments are then merged into the first's with zap's merge (the
// segment format the builders are made to write, so that the merged file is
// what the index's root expects). The root names its segment by file name
// only, so the merged file takes the first builder's segment's name, and
// that index is moved up into the build's folder; the caller then opens it
// to check that it holds every document written. Everything stays inside
// the build's folder until the generation is committed: a failed or killed
// build leaves only what the next run clears.
type builders struct {
	dir  string
	b    []bleve.Builder // per indexing goroutine; nil until its first document
	docs atomic.Uint64   // documents written
}

// builderBatch is the number of documents a builder analyses at a time
// and writes as one segment (bleve's default is 1000). The analysed
// documents of the batches being written are most of a build's memory: with
// two builders at 1000 each, a 1x build peaked at 630-730 MiB; at 250,
// 270-310 MiB, for about the same CPU (measured by hand, bench/NOTES.md).
const builderBatch = 250

// builderMergeMax is the most segments a builder merges into one at a time
// on Close (bleve's default is 10): a 1x build's 32 segments a builder in
// one merge, a 4x build's 128 in four and one more. Merging all 128 at once
// took the 4x build to 478 MiB.
const builderMergeMax = 32

// segmentName is the file name of the one segment an offline builder
// writes (scorch's name for the segment of an index's first batch).
const segmentName = "000000000002.zap"

// The segment format the builders write and the final merge reads.
const (
	segmentType    = "zap"
	segmentVersion = 17
)

func newBuilders(dir string, n int) *builders {
	return &builders{dir: dir, b: make([]bleve.Builder, n)}
}

func (bs *builders) part(w int) string { return filepath.Join(bs.dir, fmt.Sprintf("part-%d", w)) }

// write is the writer of indexing goroutine w (only that goroutine uses
// bs.b[w]).
func (bs *builders) write(w int, ds []doc) error {
	if bs.b[w] == nil {
		path := bs.part(w)
		if err := os.MkdirAll(path, 0o755); err != nil {
			return err
		}
		b, err := bleve.NewBuilder(path, schema.Mapping(), map[string]any{
			"buildPathPrefix":     path,
			"forceSegmentType":    segmentType,
			"forceSegmentVersion": segmentVersion,
			"mergeMax":            builderMergeMax,
			"batchSize":           builderBatch,
		})
		if err != nil {
			return err
		}
		bs.b[w] = b
	}
	for _, d := range ds {
		if err := bs.b[w].Index(d.id, d.data); err != nil {
			return err
		}
	}
	bs.docs.Add(uint64(len(ds)))
	return nil
}

// closeAll closes every builder at once, merges their indexes into one and
// moves it to dir. A build that failed never calls it: its builders hold
// nothing but memory and files inside dir, which the caller discards.
func (bs *builders) closeAll() error {
	var parts []string
	var used []bleve.Builder
	for w, b := range bs.b {
		if b != nil {
			parts = append(parts, bs.part(w))
			used = append(used, b)
		}
	}
	if len(used) == 0 {
		return errors.New("no documents to write")
	}
	errs := make([]error, len(used))
	var wg sync.WaitGroup
	for i, b := range used {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.Close()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if len(parts) > 1 {
		if err := mergeParts(parts); err != nil {
			return err
		}
	}
	for _, name := range []string{"index_meta.json", "store"} {
		if err := os.Rename(filepath.Join(parts[0], name), filepath.Join(bs.dir, name)); err != nil {
			return err
		}
	}
	for _, p := range parts {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}

// mergeParts merges the segments of the parts' indexes into one file that
// replaces the first one's segment.
func mergeParts(parts []string) error {
	var plugin zap.ZapPlugin
	var segs []segment.Segment
	defer func() {
		for _, s := range segs {
			s.Close()
		}
	}()
	for _, p := range parts {
		s, err := plugin.Open(filepath.Join(p, "store", segmentName))
		if err != nil {
			return fmt.Errorf("opening a part of the index: %w", err)
		}
		segs = append(segs, s)
	}
	store := filepath.Join(parts[0], "store")
	merged := filepath.Join(store, "merged.zap")
	if _, _, err := plugin.Merge(segs, make([]*roaring.Bitmap, len(segs)), merged, nil, nil); err != nil {
		return fmt.Errorf("merging the parts of the index: %w", err)
	}
	for _, s := range segs {
		if err := s.Close(); err != nil {
			return err
		}
	}
	segs = nil
	return os.Rename(merged, filepath.Join(store, segmentName))
}
