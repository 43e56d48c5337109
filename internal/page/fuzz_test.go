package page_test

import (
	"errors"
	"os"
	"testing"
	"time"
	"unicode/utf8"

	"newsdex/internal/item"
	"newsdex/internal/page"
)

// FuzzParse checks that Parse never panics, and that every input gives either
// a *ParseError or items with a kind, a title, a valid date, an id and valid
// UTF-8, the article first.
func FuzzParse(f *testing.F) {
	for _, path := range testPages(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("date 2021-10-04\n\nA\n\nH\n\nB.\n\nMore from Reuters\n\nX · 1:02 PM UTC\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := page.Parse("fuzz.txt", data)
		if err != nil {
			var pe *page.ParseError
			if !errors.As(err, &pe) || pe.File != "fuzz.txt" || pe.Line < 1 {
				t.Fatalf("error %v (%T) is not a *ParseError with a line", err, err)
			}
			return
		}
		items := p.Items()
		if items[0].Kind != item.Article || items[0].Body == "" {
			t.Fatalf("first item %+v is not an article with a body", items[0])
		}
		for _, it := range items {
			if !it.Kind.Valid() || it.Title == "" || it.ID == "" || it.Date.IsZero() || it.Date.Location() != time.UTC {
				t.Fatalf("bad item %+v", it)
			}
			for _, s := range []string{it.Title, it.Region, it.Body, it.Summary, it.Caption, it.Byline, it.Dateline} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 in %+v", it)
				}
			}
		}
	})
}
