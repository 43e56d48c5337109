package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"newsdex/internal/item"
)

// benchCorpus is a few thousand generated items over ten regions and five
// years, enough for facets and highlights to cost what they do.
func benchCorpus() []item.Item {
	regions := []string{"Europe", "Americas", "Asia", "Africa", "Middle East", "Japan", "China", "India", "UK", "Markets"}
	words := []string{"oil", "prices", "bank", "rates", "wheat", "harvest", "opec", "output", "shares", "fall", "rise", "talks", "government", "election", "trade", "deficit"}
	var items []item.Item
	for i := range 3000 {
		w := func(k int) string { return words[(i*7+k*3)%len(words)] }
		items = append(items, item.Item{
			Kind:   item.Article,
			Title:  fmt.Sprintf("%s %s %s in %s", w(0), w(1), w(2), regions[i%len(regions)]),
			Region: regions[i%len(regions)],
			Date:   day("1987-01-01").AddDate(0, 0, i%1800),
			Body: fmt.Sprintf("Traders said %s %s on Monday while %s %s. Officials discussed %s and %s at length, and analysts expect %s.",
				w(3), w(4), w(5), w(6), w(7), w(8), w(9)),
		})
	}
	return items
}

// BenchmarkSearchHandler measures GET /api/search through the whole handler
// stack (middleware, routing, validation, search, JSON) on an in-memory index.
func BenchmarkSearchHandler(b *testing.B) {
	s := newTestServer(b, Options{}, benchCorpus())
	for _, bc := range []struct{ name, params string }{
		{"term", "q=oil"},
		{"phrase", "q=%22oil+prices%22"},
		{"boolean", "q=bank+AND+(rates+OR+shares)+NOT+wheat"},
		{"term+date+region", "q=oil&from=1988-01-01&to=1989-12-31&region=Europe"},
		{"all/newest", ""},
		{"term/gzip", "q=oil&limit=50"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, "/api/search?"+bc.params, nil)
			if bc.name == "term/gzip" {
				r.Header.Set("Accept-Encoding", "gzip")
			}
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

// BenchmarkBadRequest measures a request refused before any search.
func BenchmarkBadRequest(b *testing.B) {
	s := newTestServer(b, Options{}, benchCorpus()[:10])
	r := httptest.NewRequest(http.MethodGet, "/api/search?limit=x", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
	}
}
