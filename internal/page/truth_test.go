package page_test

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"newsdex/internal/page"
	"newsdex/internal/testenv"
)

// truth is one line of reuters21578/truth.jsonl.gz: what a correct parser
// extracts from the page named File.
type truth struct {
	File        string  `json:"file"`
	Date        string  `json:"date"`
	Region      string  `json:"region"`
	Title       string  `json:"title"`
	Dateline    string  `json:"dateline"`
	ReadMinutes int     `json:"read_minutes"`
	Caption     *string `json:"caption"`
	FirstWords  string  `json:"first_words"`
	LastWords   string  `json:"last_words"`
	Teasers     []struct {
		Region  string  `json:"region"`
		Title   string  `json:"title"`
		Time    *string `json:"time"`
		Summary *string `json:"summary"`
	} `json:"teasers"`
}

func readTruth(t *testing.T) map[string]truth {
	t.Helper()
	m := map[string]truth{}
	testenv.SharedJSONLines(t, "corpus/reuters21578/truth.jsonl.gz", func(tr truth) bool {
		m[tr.File] = tr
		return true
	})
	return m
}

// eachSharedPage calls fn with every page of reuters21578/pages.tar.gz.
func eachSharedPage(tb testing.TB, fn func(name string, data []byte)) {
	tb.Helper()
	f, err := os.Open(testenv.Shared(tb, "corpus/reuters21578/pages.tar.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			tb.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg || !strings.HasSuffix(h.Name, ".txt") {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			tb.Fatal(err)
		}
		fn(h.Name, data)
	}
}

// TestTruth parses every page of the shared Reuters-21578 pages and compares
// what it gives with truth.jsonl.gz, field by field. It must be exact.
func TestTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the 15,996-page truth test in -short mode")
	}
	want := readTruth(t)
	fields := map[string]int{} // field -> mismatches
	pages, bad := 0, 0
	eachSharedPage(t, func(name string, data []byte) {
		base := path.Base(name)
		tr, ok := want[base]
		if !ok {
			t.Errorf("%s: not in truth.jsonl.gz", base)
			return
		}
		delete(want, base)
		pages++
		p, err := page.Parse(base, data)
		if err != nil {
			t.Errorf("%v", err)
			bad++
			return
		}
		var diffs []string
		check := func(field string, got, want any) {
			if got != want {
				fields[field]++
				diffs = append(diffs, fmt.Sprintf("%s: got %q, want %q", field, got, want))
			}
		}
		a := p.Article
		check("file", a.File, base)
		check("date", a.Date.Format(time.RFC3339), tr.Date+"T00:00:00Z")
		check("region", a.Region, tr.Region)
		check("title", a.Title, tr.Title)
		check("dateline", a.Dateline, tr.Dateline)
		check("read_minutes", a.ReadMinutes, tr.ReadMinutes)
		caption := ""
		if tr.Caption != nil {
			caption = *tr.Caption
		}
		check("caption", a.Caption, caption)
		check("first_words", a.Body[:min(len(a.Body), len(tr.FirstWords))], tr.FirstWords)
		check("last_words", a.Body[max(0, len(a.Body)-len(tr.LastWords)):], tr.LastWords)
		check("teasers", len(p.Teasers), len(tr.Teasers))
		for i := range min(len(p.Teasers), len(tr.Teasers)) {
			got, want := p.Teasers[i], tr.Teasers[i]
			check("teaser.region", got.Region, want.Region)
			check("teaser.title", got.Title, want.Title)
			wantDate := tr.Date + "T00:00:00Z"
			if want.Time != nil {
				tod, err := time.Parse("3:04 PM UTC", *want.Time)
				if err != nil {
					t.Fatal(err)
				}
				wantDate = fmt.Sprintf("%sT%02d:%02d:00Z", tr.Date, tod.Hour(), tod.Minute())
			}
			check("teaser.date", got.Date.Format(time.RFC3339), wantDate)
			// Lines are trimmed: the truth keeps the space before the cut of a
			// summary cut short even where the page, ending there, has none
			// (14921_fae15f910046f88b.txt), so white space at a line's end is
			// not part of what a page says.
			summary := ""
			if want.Summary != nil {
				summary = strings.TrimSpace(*want.Summary)
			}
			check("teaser.summary", got.Summary, summary)
		}
		if len(diffs) > 0 {
			bad++
			if bad <= 20 {
				t.Errorf("%s:\n\t%s", base, strings.Join(diffs, "\n\t"))
			}
		}
	})
	for f := range want {
		t.Errorf("%s: in truth.jsonl.gz but not in pages.tar.gz", f)
	}
	t.Logf("%d pages, %d exact (%.2f%%); mismatches by field: %v", pages, pages-bad, 100*float64(pages-bad)/float64(max(pages, 1)), fields)
	if pages != 15996 {
		t.Errorf("read %d pages, want 15996", pages)
	}
}
