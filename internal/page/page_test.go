package page_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdex/internal/item"
	"newsdex/internal/page"
	"newsdex/internal/testenv"
)

// encode gives items as "index parse" prints them: JSON lines.
func encode(t testing.TB, items []item.Item) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := range items {
		if err := enc.Encode(&items[i]); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func testPages(t testing.TB) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(testenv.Root(t), "testdata", "pages", "*.txt"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages in testdata/pages: %v", err)
	}
	return pages
}

// TestGolden parses every page of testdata/pages and compares its items with
// the .golden file beside it (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, path := range testPages(t) {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			p, err := page.Parse(name, data)
			if err != nil {
				t.Fatal(err)
			}
			got := encode(t, p.Items())
			testenv.Golden(t, strings.TrimSuffix(path, ".txt")+".golden", got)
		})
	}
}

// TestSeed checks every field of the seed page's article and its five teasers.
func TestSeed(t *testing.T) {
	const name = "000_50daa5a507398577.txt"
	data, err := os.ReadFile(testenv.Shared(t, "corpus/seed/"+name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := page.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2021, 10, 4, 0, 0, 0, 0, time.UTC)
	a := p.Article
	check := func(field string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	check("kind", a.Kind, item.Article)
	check("title", a.Title, "U.S. team led by Blinken to hold security talks in Mexico on Friday")
	check("region", a.Region, "Americas")
	check("date", a.Date, day)
	check("dateline", a.Dateline, "WASHINGTON")
	check("read_minutes", a.ReadMinutes, 1)
	check("source", a.Source, "Reuters")
	check("file", a.File, name)
	check("byline", a.Byline, "Reporting by Mohammad Zargham, Editing by Rosalba O'Brien and Sandra Maler")
	check("id", a.ID, item.ArticleID("2021-10-04", a.Title, a.Body))
	if !strings.HasPrefix(a.Caption, "Secretary of State Antony Blinken, speaks in the Benjamin Franklin room") ||
		!strings.HasSuffix(a.Caption, "Manuel Balce Ceneta/Pool via REUTERS") {
		t.Errorf("caption = %q", a.Caption)
	}
	if !strings.HasPrefix(a.Body, "U.S. Secretary of State Antony Blinken will travel to Mexico City on Friday") ||
		!strings.HasSuffix(a.Body, "taking special interest in the countries anti-drug initiatives.") {
		t.Errorf("body = %q", a.Body)
	}
	if n := strings.Count(a.Body, "\n\n") + 1; n != 6 {
		t.Errorf("body has %d paragraphs, want 6", n)
	}
	for _, not := range []string{"Reuters) -", "Reporting by", "Our Standards", "More from Reuters", "Hapvida"} {
		if strings.Contains(a.Body, not) {
			t.Errorf("body holds %q", not)
		}
	}
	check("summary", a.Summary, "")
	check("pages", a.Pages, 0)

	type teaser struct {
		title   string
		date    time.Time
		summary string // prefix
	}
	want := []teaser{
		{"Brazil's Hapvida admits to prescribing ineffective medicine to COVID patients", day.Add(16*time.Hour + 24*time.Minute),
			"Brazilian healthcare company Hapvida Participacoes said in a securities filing late on Sunday"},
		{"Brazil eliminates import tariffs on certain I.T. and telecom equipment", day, ""},
		{"Fire devastates Honduras' Caribbean resort island of Guanaja", day, ""},
		{"U.S. charges Canadian man, alleging he's an Islamic State fighter, propagandist", day, ""},
		{"Payments tech firm Nuvei files for U.S. IPO a year after Toronto listing", day,
			"Canada's payments technology company Nuvei Corp on Monday filed for an initial public offering"},
	}
	if len(p.Teasers) != len(want) {
		t.Fatalf("%d teasers, want %d: %+v", len(p.Teasers), len(want), p.Teasers)
	}
	for i, w := range want {
		got := p.Teasers[i]
		check("teaser kind", got.Kind, item.Teaser)
		check("teaser title", got.Title, w.title)
		check("teaser region", got.Region, "Americas")
		check("teaser date", got.Date, w.date)
		check("teaser source", got.Source, "Reuters")
		check("teaser file", got.File, name)
		check("teaser pages", got.Pages, 1)
		check("teaser id", got.ID, item.TeaserID("2021-10-04", w.title, "Americas"))
		if (w.summary == "") != (got.Summary == "") || !strings.HasPrefix(got.Summary, w.summary) {
			t.Errorf("teaser %d summary = %q, want it to start %q", i, got.Summary, w.summary)
		}
		for _, empty := range []string{got.Body, got.Dateline, got.Caption, got.Byline, got.ArticleID} {
			check("teaser article field", empty, "")
		}
	}
}

// TestErrors checks that what is not a page is an error naming the line.
func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		err  error
		line int
	}{
		{"empty", "", page.ErrEmpty, 1},
		{"blank", " \n\r\n\t\n", page.ErrEmpty, 1},
		{"bom only", "\ufeff\n", page.ErrEmpty, 1},
		{"binary", "date 2021-10-04\n\nx\x00y", page.ErrBinary, 3},
		{"control bytes", strings.Repeat("\x01\x02\x03\x04", 50), page.ErrBinary, 1},
		{"no date", "Americas\n\nHeadline\n\nBody.\n", page.ErrNoDate, 1},
		{"date later", "\n\nhello\ndate 2021-10-04\n", page.ErrNoDate, 3},
		{"bad date", "date 2021-13-04\n\nAmericas\n\nHeadline\n\nBody.\n", page.ErrNoDate, 1},
		{"date glued", "date 2021-10-045\n\nAmericas\n\nHeadline\n\nBody.\n", page.ErrNoDate, 1},
		{"date only", "date 2021-10-04 Skip to main content\n", page.ErrNoHeadline, 2},
		{"read line only", "date 2021-10-04\n\n1 minute read\n", page.ErrNoHeadline, 3},
		{"headline only", "date 2021-10-04\n\nAmericas\n\nHeadline\n\n1 minute read\n", page.ErrNoBody, 6},
		{"credits only", "date 2021-10-04\n\nAmericas\n\nHeadline\n\n1 minute read\n\nReporting by A; Editing by B\n", page.ErrNoBody, 9},
		{"no body before teasers", "date 2021-10-04\n\nAmericas\n\nHeadline\n\nMore from Reuters\n\nEurope\nOther\n", page.ErrNoBody, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := page.Parse("x.txt", []byte(tt.data))
			if err == nil {
				t.Fatalf("no error; items %+v", p.Items())
			}
			var pe *page.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tt.err) {
				t.Fatalf("error %v (%T), want a *ParseError wrapping %v", err, err, tt.err)
			}
			if pe.File != "x.txt" || pe.Line != tt.line {
				t.Errorf("error at %s:%d, want x.txt:%d (%v)", pe.File, pe.Line, tt.line, err)
			}
			if !strings.HasPrefix(err.Error(), "x.txt:") {
				t.Errorf("error %q does not start with FILE:LINE", err)
			}
		})
	}
}

// TestVariants checks small layout variations not covered by the golden pages.
func TestVariants(t *testing.T) {
	tests := []struct {
		name string
		data string
		want func(p *page.Page) string // "" when fine
	}{
		{"invalid utf-8 repaired", "date 2021-10-04\n\nAmericas\n\nCaf\xe9 opens\n\n1 minute read\n\nLONDON, Oct 4 (Reuters) - A caf\xe9.\n", func(p *page.Page) string {
			if p.Article.Title != "Caf\uFFFD opens" || p.Article.Body != "A caf\uFFFD." {
				return p.Article.Title + " / " + p.Article.Body
			}
			return ""
		}},
		{"no read line", "date 2021-10-04\n\nAmericas\n\nHeadline\n\nLONDON (Reuters) - Text.\n", func(p *page.Page) string {
			a := p.Article
			if a.Region != "Americas" || a.Title != "Headline" || a.Dateline != "LONDON" || a.Body != "Text." || a.ReadMinutes != 0 {
				return a.Region + "|" + a.Title + "|" + a.Dateline + "|" + a.Body
			}
			return ""
		}},
		{"no region", "date 2021-10-04\n\nHeadline\n\n2 min read\n\nNo lead at all.\n", func(p *page.Page) string {
			a := p.Article
			if a.Region != "" || a.Title != "Headline" || a.Body != "No lead at all." || a.ReadMinutes != 2 || a.Dateline != "" {
				return a.Region + "|" + a.Title + "|" + a.Body
			}
			return ""
		}},
		{"lead on its own line", "date 2021-10-04\n\nA\n\nH\n\n1 minute read\n\nPARIS, Oct 4 (Reuters) -\nText here.\n", func(p *page.Page) string {
			if p.Article.Body != "Text here." || p.Article.Dateline != "PARIS" {
				return p.Article.Dateline + "|" + p.Article.Body
			}
			return ""
		}},
		{"teaser without headline at end", "date 2021-10-04\n\nA\n\nH\n\nB.\n\nMore from Reuters\n\nEurope · 4:24 PM UTC\n", func(p *page.Page) string {
			if len(p.Teasers) != 0 {
				return "teasers"
			}
			return ""
		}},
		{"24-hour teaser time", "date 2021-10-04\n\nA\n\nH\n\nB.\n\nMore from Reuters\n\nEurope · 16:24 UTC\n\nT\n", func(p *page.Page) string {
			if len(p.Teasers) != 1 || p.Teasers[0].Date.Hour() != 16 || p.Teasers[0].Region != "Europe" || p.Teasers[0].Title != "T" {
				return "bad teaser"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := page.Parse("x.txt", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if msg := tt.want(p); msg != "" {
				t.Errorf("got %s", msg)
			}
		})
	}
}
