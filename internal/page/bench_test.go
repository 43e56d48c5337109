package page_test

import (
	"path"
	"testing"

	"newsdex/internal/page"
)

// BenchmarkParse parses the 15,996 shared Reuters-21578 pages, one page an
// iteration, and reports pages/s and MB/s.
func BenchmarkParse(b *testing.B) {
	type doc struct {
		name string
		data []byte
	}
	var docs []doc
	var total int64
	eachSharedPage(b, func(name string, data []byte) {
		docs = append(docs, doc{path.Base(name), data})
		total += int64(len(data))
	})
	b.SetBytes(total / int64(len(docs)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d := docs[i%len(docs)]
		if _, err := page.Parse(d.name, d.data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
