package input_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/nlnwa/gowarc/v3"

	"newsdex/internal/catalog"
	"newsdex/internal/indexer"
	"newsdex/internal/input"
	"newsdex/internal/item"
	"newsdex/internal/store"
	"newsdex/internal/testenv"
)

// build indexes paths with opt into a new index and returns the summary and
// every item in it.
func build(t *testing.T, paths []string, opt input.Options) (indexer.Summary, []item.Item) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "idx")
	var skipped []string
	sum, err := indexer.Build(context.Background(), dir, paths, indexer.Options{Input: opt,
		Skipped: func(r input.Record) { skipped = append(skipped, r.Err.Error()) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) > 0 {
		t.Errorf("%d records skipped, first %q", len(skipped), skipped[0])
	}
	ix, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var buf bytes.Buffer
	if _, err := catalog.Export(context.Background(), ix, &buf); err != nil {
		t.Fatal(err)
	}
	var its []item.Item
	dec := json.NewDecoder(&buf)
	for {
		var it item.Item
		if err := dec.Decode(&it); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		its = append(its, it)
	}
	st, err := catalog.Stats(ix)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != uint64(len(its)) {
		t.Errorf("stats total %d, exported %d", st.Total, len(its))
	}
	undated := 0
	for _, it := range its {
		if it.Date.IsZero() {
			undated++
		}
	}
	if st.Undated != uint64(undated) {
		t.Errorf("stats undated %d, exported undated %d", st.Undated, undated)
	}
	return sum, its
}

func csvRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, r := range all[1:] {
		m := map[string]string{}
		for i, h := range all[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// distinct counts the items a set of rows must give: rows alike in the
// fields of the item's identity are one story printed twice.
func distinct(keys []string) int {
	seen := map[string]bool{}
	for _, k := range keys {
		seen[k] = true
	}
	return len(seen)
}

var months = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// TestCorpusGuardianCNBC builds the shared Guardian and CNBC headlines with
// the README's --field sets: every row is indexed, with its date, computed
// here independently of package dates.
func TestCorpusGuardianCNBC(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: builds the shared corpora (-short)")
	}
	dir := testenv.Shared(t, "corpus/financial-headlines-2017-2020")
	fold := item.Fold

	// The Guardian: "18-Jul-20", or "Jul-18" (the month: its first day).
	day := regexp.MustCompile(`^(\d{1,2})-([A-Z][a-z]{2})-(\d{2})$`)
	month := regexp.MustCompile(`^([A-Z][a-z]{2})-(\d{2})$`)
	rows := csvRows(t, filepath.Join(dir, "guardian_headlines.csv"))
	want := map[string][]time.Time{}
	var keys []string
	for _, r := range rows {
		var d time.Time
		if m := day.FindStringSubmatch(r["Time"]); m != nil {
			n, _ := strconv.Atoi(m[1])
			y, _ := strconv.Atoi(m[3])
			d = time.Date(2000+y, months[strings.ToLower(m[2])], n, 0, 0, 0, 0, time.UTC)
		} else if m := month.FindStringSubmatch(r["Time"]); m != nil {
			y, _ := strconv.Atoi(m[2])
			d = time.Date(2000+y, months[strings.ToLower(m[1])], 1, 0, 0, 0, 0, time.UTC)
		} else {
			t.Fatalf("guardian: unexpected time %q", r["Time"])
		}
		want[fold(r["Headlines"])] = append(want[fold(r["Headlines"])], d)
		keys = append(keys, d.Format(time.DateOnly)+"|"+fold(r["Headlines"]))
	}
	sum, its := build(t, []string{filepath.Join(dir, "guardian_headlines.csv")},
		input.Options{Fields: map[string]string{"title": "Headlines", "date": "Time"}})
	checkDates(t, "guardian", its, want)
	t.Logf("guardian: %d rows, %d items indexed (%d distinct by day and headline); %s", len(rows), len(its), distinct(keys), sum.Line())
	if len(rows) != 13350 || len(its) != distinct(keys) {
		t.Errorf("guardian: %d rows, %d items; want 13350 rows, every distinct one indexed (%d)", len(rows), len(its), distinct(keys))
	}

	// CNBC: " 7:51  PM ET Fri, 17 July 2020", ET being EDT or EST on the day.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	stamp := regexp.MustCompile(`^(\d{1,2}):(\d{2}) (AM|PM) ET [A-Z][a-z]{2}, (\d{1,2}) ([A-Za-z]+) (\d{4})$`)
	rows = csvRows(t, filepath.Join(dir, "cnbc_headlines.csv"))
	want = map[string][]time.Time{}
	keys = nil
	for _, r := range rows {
		m := stamp.FindStringSubmatch(strings.Join(strings.Fields(r["Time"]), " "))
		if m == nil {
			t.Fatalf("cnbc: unexpected time %q", r["Time"])
		}
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[4])
		y, _ := strconv.Atoi(m[6])
		h %= 12
		if m[3] == "PM" {
			h += 12
		}
		at := time.Date(y, months[strings.ToLower(m[5][:3])], d, h, mi, 0, 0, ny).UTC()
		want[fold(r["Headlines"])] = append(want[fold(r["Headlines"])], at)
		keys = append(keys, at.Format(time.DateOnly)+"|"+fold(r["Headlines"])+"|"+fold(r["Description"]))
	}
	sum, its = build(t, []string{filepath.Join(dir, "cnbc_headlines.csv")},
		input.Options{Fields: map[string]string{"title": "Headlines", "date": "Time", "summary": "Description"}})
	checkDates(t, "cnbc", its, want)
	t.Logf("cnbc: %d rows, %d items indexed (%d distinct by day, headline and summary); %s", len(rows), len(its), distinct(keys), sum.Line())
	if len(rows) != 2100 || len(its) != distinct(keys) {
		t.Errorf("cnbc: %d rows, %d items; want 2100 rows, every distinct one indexed (%d)", len(rows), len(its), distinct(keys))
	}
}

// checkDates checks that every item has one of the dates its headline has
// in the source.
func checkDates(t *testing.T, name string, its []item.Item, want map[string][]time.Time) {
	t.Helper()
	bad := 0
	for _, it := range its {
		ok := false
		for _, d := range want[item.Fold(it.Title)] {
			ok = ok || d.Equal(it.Date)
		}
		if !ok {
			if bad < 5 {
				t.Errorf("%s: %q dated %v, want one of %v", name, it.Title, it.Date, want[item.Fold(it.Title)])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d items with a wrong date", name, bad)
	}
}

// TestCorpusUndated builds AG News (CSV) and the BBC set (--format text):
// no dates, every record indexed, all undated.
func TestCorpusUndated(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: builds the shared corpora (-short)")
	}
	ag := testenv.Shared(t, "corpus/ag-news-test/test.csv")
	rows := csvRows(t, ag)
	var keys []string
	for _, r := range rows {
		keys = append(keys, item.Fold(r["title"])+"|"+item.FoldSpace(r["description"]))
	}
	sum, its := build(t, []string{ag}, input.Options{Fields: map[string]string{"body": "description"}})
	t.Logf("ag news: %d rows, %d items indexed; %s", len(rows), len(its), sum.Line())
	if len(rows) != 5700 || len(its) != distinct(keys) {
		t.Errorf("ag news: %d rows, %d items; want 5700 rows, every distinct one indexed (%d)", len(rows), len(its), distinct(keys))
	}
	for _, it := range its {
		if !it.Date.IsZero() {
			t.Fatalf("ag news: %q dated %v", it.Title, it.Date)
		}
	}

	bbc := testenv.Shared(t, "corpus/bbc-news-2004-2005")
	files, _ := filepath.Glob(filepath.Join(bbc, "*", "*.txt"))
	keys = nil
	for _, f := range files {
		b, _ := os.ReadFile(f)
		head, body, _ := strings.Cut(strings.TrimLeft(string(b), "\n"), "\n")
		keys = append(keys, item.Fold(head)+"|"+strings.Join(strings.Fields(body), " "))
	}
	sum, its = build(t, []string{bbc}, input.Options{Format: "text"})
	t.Logf("bbc: %d files, %d items indexed (%d distinct); %s", len(files), len(its), distinct(keys), sum.Line())
	if len(files) != 1671 || sum.Pages != 1671 || len(its) != distinct(keys) {
		t.Errorf("bbc: %d files, %d pages read, %d items; want 1671, 1671, every distinct one (%d)", len(files), sum.Pages, len(its), distinct(keys))
	}
	seen := map[string]bool{}
	for _, it := range its {
		if !it.Date.IsZero() || !strings.Contains(it.File, "/") {
			t.Errorf("bbc: %q dated %v, file %q; want undated, section/NNN.txt", it.Title, it.Date, it.File)
		}
		seen[it.File] = true
		if it.File == "sport/199.txt" && !strings.Contains(it.Body, "£") {
			t.Errorf("sport/199.txt: the Latin-1 pound sign is lost")
		}
	}
}

// TestCorpusNewsAPI builds a NewsAPI-shaped file with the README's --field
// set: every article, every date.
func TestCorpusNewsAPI(t *testing.T) {
	var buf bytes.Buffer
	base := time.Date(2020, 7, 17, 19, 51, 0, 0, time.UTC)
	want := map[string][]time.Time{}
	for i := range 200 {
		at := base.Add(-time.Duration(i) * 97 * time.Minute)
		var published any
		switch i % 4 {
		case 0:
			published = at.Format(time.RFC3339)
		case 1:
			published = at.In(time.FixedZone("", 2*3600)).Format("2006-01-02T15:04:05.000-07:00")
		case 2:
			published = at.UnixMilli()
		case 3:
			published = at.Format(time.RFC1123)
		}
		title := fmt.Sprintf("Story number %d", i)
		want[item.Fold(title)] = []time.Time{at}
		line, _ := json.Marshal(map[string]any{
			"source": map[string]any{"id": nil, "name": "Example News"}, "author": "A. Writer",
			"title": title, "description": "A summary.", "url": fmt.Sprintf("https://example.com/%d", i),
			"urlToImage": nil, "publishedAt": published, "content": "Words of the story. [+100 chars]",
		})
		buf.Write(line)
		buf.WriteByte('\n')
	}
	p := filepath.Join(t.TempDir(), "newsapi.jsonl")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, its := build(t, []string{p}, input.Options{Fields: map[string]string{
		"source": "source.name", "byline": "author", "summary": "description", "date": "publishedAt", "body": "content"}})
	if len(its) != 200 {
		t.Errorf("%d items, want 200", len(its))
	}
	checkDates(t, "newsapi", its, want)
	for _, it := range its {
		if it.Source != "Example News" || it.Byline != "A. Writer" || it.Summary != "A summary." || !strings.HasPrefix(it.URL, "https://example.com/") {
			t.Fatalf("item %+v: source, byline, summary or url lost", it)
		}
	}
}

// writeWARC writes pages as WARC response records, each its own gzip member
// when gz is set, as crawlers write .warc.gz.
func writeWARC(t testing.TB, w io.Writer, pages []warcPage, gz bool) {
	t.Helper()
	m := gowarc.NewMarshaler()
	for i, p := range pages {
		rb := gowarc.NewRecordBuilder(gowarc.Response, gowarc.WithNoValidation())
		fmt.Fprintf(rb, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", p.ctype, len(p.body))
		rb.Write(p.body)
		rb.AddWarcHeader(gowarc.WarcRecordID, fmt.Sprintf("<urn:uuid:00000000-0000-0000-0000-%012d>", i))
		rb.AddWarcHeader(gowarc.WarcDate, p.date.UTC().Format(time.RFC3339))
		rb.AddWarcHeader(gowarc.WarcTargetURI, p.url)
		rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
		rec, _, err := rb.Build()
		if err != nil {
			t.Fatal(err)
		}
		out := w
		var zw *gzip.Writer
		if gz {
			zw = gzip.NewWriter(w)
			out = zw
		}
		if _, _, err := m.Marshal(out, rec, 0); err != nil {
			t.Fatal(err)
		}
		if zw != nil {
			zw.Close()
		}
		rec.Close()
	}
}

type warcPage struct {
	url, ctype string
	date       time.Time
	body       []byte
}

// TestCorpusWARC reads the 136 shared HTML pages, then a WARC made of them:
// the same items, with the WARC's URL, and the WARC-Date where a page has no
// date of its own.
func TestCorpusWARC(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: extracts 136 pages twice (-short)")
	}
	dir := testenv.Shared(t, "corpus/article-extraction-benchmark-pages")
	var truth []struct{ ID, URL string }
	data, err := os.ReadFile(filepath.Join(dir, "ground_truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var v struct{ ID, URL string }
		json.Unmarshal([]byte(l), &v)
		truth = append(truth, v)
	}
	fetched := time.Date(2019, 11, 20, 10, 0, 0, 0, time.UTC)
	var pages []warcPage
	urls := map[string]string{}
	for _, tp := range truth {
		b, err := os.ReadFile(filepath.Join(dir, "html", tp.ID+".html.gz"))
		if err != nil {
			t.Fatal(err)
		}
		zr, _ := gzip.NewReader(bytes.NewReader(b))
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, warcPage{url: tp.URL, ctype: "text/html; charset=utf-8", date: fetched, body: body})
		urls[tp.ID+".html.gz"] = tp.URL
	}
	var warc bytes.Buffer
	writeWARC(t, &warc, pages, true)
	wp := filepath.Join(t.TempDir(), "pages.warc.gz")
	os.WriteFile(wp, warc.Bytes(), 0o644)

	fromPages := readAll(t, []string{filepath.Join(dir, "html")}, input.Options{})
	fromWARC := readAll(t, []string{wp}, input.Options{})
	if len(fromPages) != 136 || len(fromWARC) != 136 {
		t.Fatalf("%d records from the pages, %d from the WARC; want 136 each", len(fromPages), len(fromWARC))
	}
	byURL := map[string]item.Item{}
	for _, r := range fromWARC {
		if r.Err != nil {
			t.Errorf("warc: %v", r.Err)
			continue
		}
		byURL[strings.TrimPrefix(r.File, "pages.warc.gz:")] = r.Items[0]
	}
	dated := 0
	for _, r := range fromPages {
		if r.Err != nil {
			t.Errorf("pages: %v", r.Err)
			continue
		}
		p := r.Items[0]
		u := urls[r.File]
		w, ok := byURL[u]
		if !ok {
			t.Errorf("%s (%s): not in the WARC", r.File, u)
			continue
		}
		wantW := p
		wantW.File = "pages.warc.gz:" + u
		if p.URL == "" {
			wantW.URL = u
		}
		if p.Date.IsZero() {
			wantW.Date = fetched
		} else {
			dated++
		}
		wantW.ID = ""
		wantW.EnsureID()
		if d := cmp.Diff(wantW, w, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("%s: the WARC's item differs (-page +warc):\n%s", r.File, d)
		}
	}
	t.Logf("136 pages, %d with a date of their own; the WARC gives the same 136 items", dated)
}
