package indexer

// Benchmarks of batch building, owned by bench/ (issue 6): the whole Build of
// a slice of the shared Reuters-21578 articles, and one bleve batch of 1000
// newsdex documents at a time. Both report documents per second and
// allocations. `make bench` runs them; the end-to-end figures of the whole
// process are in BENCHMARKS.md.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"newsdex/internal/item"
	"newsdex/internal/schema"
	"newsdex/internal/store"
	"newsdex/internal/testenv"
)

const benchBuildDocs = 2000

// benchArticles reads the first n shared articles as items.
func benchArticles(b *testing.B, n int) []item.Item {
	b.Helper()
	var items []item.Item
	testenv.SharedJSONLines(b, "corpus/reuters21578/articles.jsonl.gz", func(it item.Item) bool {
		it.Kind = item.Article
		items = append(items, it)
		return len(items) < n
	})
	return items
}

// BenchmarkBuild is Build (read JSON lines, batch, index, force-merge, switch
// the generation) of the first 2000 shared articles into a new index folder.
func BenchmarkBuild(b *testing.B) {
	items := benchArticles(b, benchBuildDocs)
	tmp := b.TempDir()
	input := filepath.Join(tmp, "articles.jsonl")
	out, err := os.Create(input)
	if err != nil {
		b.Fatal(err)
	}
	enc := json.NewEncoder(out)
	for i := range items {
		if err := enc.Encode(&items[i]); err != nil {
			b.Fatal(err)
		}
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(tmp, fmt.Sprintf("ix%d", i))
		sum, err := Build(context.Background(), dir, []string{input}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if sum.Articles != len(items) {
			b.Fatalf("indexed %d articles, want %d", sum.Articles, len(items))
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkBatch is one bleve batch of 1000 newsdex documents (analysis and
// segment building) applied to an open index, as Build does per batch.
func BenchmarkBatch(b *testing.B) {
	const batchSize = 1000
	items := benchArticles(b, batchSize)
	idx, err := store.Create(filepath.Join(b.TempDir(), "ix"))
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		batch := idx.NewBatch()
		for j := range items {
			if err := batch.Index(fmt.Sprintf("%s-b%d", items[j].ID, i), schema.Document(&items[j])); err != nil {
				b.Fatal(err)
			}
		}
		if err := idx.Batch(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batchSize*b.N)/b.Elapsed().Seconds(), "docs/s")
}
