package jsonl_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/item"
	"newsdex/internal/jsonl"
	"newsdex/internal/testenv"
)

// readAll reads a file with a Reader and writes what it gives as "index parse"
// would: items as JSON lines, and errors as "error: FILE:LINE: ..." lines.
func readAll(t *testing.T, r io.Reader, name string, fields map[string]string) []byte {
	t.Helper()
	jr := jsonl.NewReader(r, name)
	jr.Fields = fields
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for {
		it, err := jr.Read()
		if err == io.EOF {
			return buf.Bytes()
		}
		var pe *jsonl.ParseError
		if errors.As(err, &pe) {
			fmt.Fprintf(&buf, "error: %v\n", err)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := enc.Encode(&it); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGolden(t *testing.T) {
	root := testenv.Root(t)
	tests := []struct {
		file   string
		fields map[string]string
	}{
		{"testdata/jsonl/items.jsonl", nil},
		{"testdata/jsonl/huffpost-shape.json", map[string]string{
			"title": "headline", "region": "category", "summary": "short_description", "url": "link", "byline": "authors"}},
		{"testdata/jsonl/headlines-shape.json", map[string]string{"date": "ts", "url": "href", "region": "url_section"}},
		{"testdata/jsonl/newsapi-shape.json", map[string]string{
			"source": "source.name", "byline": "author", "summary": "description", "date": "publishedAt", "body": "content"}},
		{"testdata/bad/bad-lines.jsonl", nil},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			path := filepath.Join(root, tt.file)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := readAll(t, f, filepath.Base(path), tt.fields)
			testenv.Golden(t, strings.TrimSuffix(path, filepath.Ext(path))+".golden", got)
		})
	}
}

// TestRoundTrip checks that items written as JSON lines read back as they were.
func TestRoundTrip(t *testing.T) {
	in := []item.Item{
		{ID: "a1", Kind: item.Article, Title: "T <b> & \"q\"", Region: "Europe", Date: time.Date(1987, 3, 2, 0, 0, 0, 0, time.UTC),
			Dateline: "VELMORA", Body: "One.\n\nTwo.", Caption: "C", Byline: "Reporting by A\nEditing by B", ReadMinutes: 2,
			Source: "Reuters", URL: "https://example.com/a?b=1&c=2", File: "p.txt"},
		{ID: "t1", Kind: item.Teaser, Title: "Teaser", Region: "Americas", Date: time.Date(2021, 10, 4, 16, 24, 0, 0, time.UTC),
			Summary: "S", Source: "Reuters", File: "p.txt", Pages: 3, ArticleID: "a1"},
	}
	var buf bytes.Buffer
	for _, it := range in {
		b, err := json.Marshal(it)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteString("\r\n")
	}
	jr := jsonl.NewReader(&buf, "x.jsonl")
	var out []item.Item
	for {
		it, err := jr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, it)
	}
	if d := cmp.Diff(in, out); d != "" {
		t.Errorf("(-wrote +read):\n%s", d)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		line string
		err  error
		msg  string
	}{
		{`{"title":"T","date":"1500-01-01"}`, item.ErrDateRange, "x.jsonl:7: date 1500-01-01T00:00:00Z out of range (1677-12-01 to 2262-04-11)"},
		{`{"title":"T","date":1e300}`, item.ErrDateRange, "x.jsonl:7: date 1e+300 out of range (1677-12-01 to 2262-04-11)"},
		{`{"title":"T","date":"2021-10-04","source":{"name":"BBC"}}`, nil, "x.jsonl:7: source: an object, not a string (name one of its members with a dotted path, as in source=source.name)"},
		{`{"date":"2021-10-04"}`, jsonl.ErrNoTitle, "x.jsonl:7: no title"},
		{`{"title":"  ","date":"2021-10-04"}`, jsonl.ErrNoTitle, ""},
		{`{"title":null,"date":"2021-10-04"}`, jsonl.ErrNoTitle, ""},
		{`{"title":"T","date":"yesterday"}`, jsonl.ErrBadDate, `x.jsonl:7: date not understood: "yesterday"`},
		{`{"title":"T","date":true}`, jsonl.ErrBadDate, ""},
		{`{"title":"T","date":"2021-10-04","kind":"opinion"}`, jsonl.ErrBadKind, ""},
		{`[1,2]`, jsonl.ErrNotObject, ""},
		{`"text"`, jsonl.ErrNotObject, ""},
		{`null`, jsonl.ErrNotObject, ""},
		{`{"title":"T","date":"2021-10-04","read_minutes":"x"}`, nil, `x.jsonl:7: read_minutes: not a number: "x"`},
		{`{"title":"T","date":"2021-10-04","pages":-1}`, nil, ""},
		{`{"title":7,"date":"2021-10-04"}`, nil, `x.jsonl:7: title: not a string`},
		{`{"title":"T","date":"2021-10-04"`, nil, "x.jsonl:7: bad JSON: unexpected end of JSON input"},
	}
	for _, tt := range tests {
		_, err := jsonl.Parse("x.jsonl", 7, []byte(tt.line), nil)
		var pe *jsonl.ParseError
		if !errors.As(err, &pe) || pe.Line != 7 || pe.File != "x.jsonl" {
			t.Errorf("%s: error %v, want a *ParseError at x.jsonl:7", tt.line, err)
			continue
		}
		if tt.err != nil && !errors.Is(err, tt.err) {
			t.Errorf("%s: error %v, want %v", tt.line, err, tt.err)
		}
		if tt.msg != "" && err.Error() != tt.msg {
			t.Errorf("%s: error %q, want %q", tt.line, err, tt.msg)
		}
	}
}

func TestMapping(t *testing.T) {
	fields := map[string]string{"title": "headline", "date": "ts", "kind": "type"}
	it, err := jsonl.Parse("x", 1, []byte(`{"headline":"H","title":"ignored","ts":"20160815 4:00AM UTC","type":"Teaser","region":"R"}`), fields)
	if err != nil {
		t.Fatal(err)
	}
	if it.Title != "H" || it.Kind != item.Teaser || it.Region != "R" || !it.Date.Equal(time.Date(2016, 8, 15, 4, 0, 0, 0, time.UTC)) {
		t.Errorf("got %+v", it)
	}
	if it.ID != item.TeaserID("2016-08-15", "H", "R") {
		t.Errorf("id %q, want the teaser's identity", it.ID)
	}
	_, err = jsonl.Parse("x", 1, []byte(`{"title":"T","ts":"2016-08-15"}`), map[string]string{"title": "headline", "date": "ts"})
	if err == nil || err.Error() != `x:1: no title (field "headline")` {
		t.Errorf("error %v, want the mapped field named", err)
	}
}

// TestUndated reads items without a date: absent, null or empty.
func TestUndated(t *testing.T) {
	for _, line := range []string{`{"title":"T"}`, `{"title":"T","date":null}`, `{"title":"T","date":""}`, `{"title":"T","date":[]}`} {
		it, err := jsonl.Parse("x", 1, []byte(line), nil)
		if err != nil || !it.Date.IsZero() || it.ID == "" {
			t.Errorf("%s: %+v, %v; want an undated item", line, it, err)
		}
	}
}

// TestNested reads dotted paths, arrays and nulls, and NewsAPI's article shape.
func TestNested(t *testing.T) {
	newsapi := map[string]string{"source": "source.name", "byline": "author", "summary": "description",
		"date": "publishedAt", "body": "content"}
	line := `{"source":{"id":null,"name":"BBC News"},"author":"Jane Doe","title":"Stocks rally",` +
		`"description":"Markets rose.","url":"https://bbc.co.uk/x","urlToImage":null,` +
		`"publishedAt":"2020-07-17T19:51:00Z","content":"Markets rose on Friday. [+1200 chars]"}`
	it, err := jsonl.Parse("x", 1, []byte(line), newsapi)
	if err != nil {
		t.Fatal(err)
	}
	want := item.Item{Kind: item.Article, Title: "Stocks rally", Source: "BBC News", Byline: "Jane Doe",
		Summary: "Markets rose.", URL: "https://bbc.co.uk/x", Date: time.Date(2020, 7, 17, 19, 51, 0, 0, time.UTC),
		Body: "Markets rose on Friday. [+1200 chars]"}
	want.EnsureID()
	if d := cmp.Diff(want, it); d != "" {
		t.Errorf("NewsAPI (-want +got):\n%s", d)
	}
	for _, tc := range []struct {
		line   string
		fields map[string]string
		want   string // the source read
	}{
		{`{"title":"T","source":{"id":null,"name":null}}`, newsapi, ""},
		{`{"title":"T","source":null}`, newsapi, ""},
		{`{"title":"T","src":["A","B"]}`, map[string]string{"source": "src"}, "A"},
		{`{"title":"T","src":[null,"B"]}`, map[string]string{"source": "src"}, "B"},
		{`{"title":"T","pub":[{"name":"A"},{"name":"B"}]}`, map[string]string{"source": "pub.name"}, "A"},
		{`{"title":"T","pub":[{"name":"A"},{"name":"B"}]}`, map[string]string{"source": "pub.1.name"}, "B"},
		{`{"title":"T","pub":[{"name":"A"}]}`, map[string]string{"source": "pub.5.name"}, ""},
		{`{"title":"T","a.b":"dotted name"}`, map[string]string{"source": "a.b"}, "dotted name"},
		{`{"title":"T","a":{"b":{"c":"deep"}}}`, map[string]string{"source": "a.b.c"}, "deep"},
	} {
		it, err := jsonl.Parse("x", 1, []byte(tc.line), tc.fields)
		if err != nil || it.Source != tc.want {
			t.Errorf("%s with %v: source %q, %v; want %q", tc.line, tc.fields, it.Source, err, tc.want)
		}
	}
	it, err = jsonl.Parse("x", 1, []byte(`{"title":"T","authors":["A. One"," B. Two",null]}`), map[string]string{"byline": "authors"})
	if err != nil || it.Byline != "A. One\nB. Two" {
		t.Errorf("byline from an array: %q, %v", it.Byline, err)
	}
	it, err = jsonl.Parse("x", 1, []byte(`{"title":"T","dates":["2020-01-02","2021-01-01"]}`), map[string]string{"date": "dates"})
	if err != nil || !it.Date.Equal(time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date from an array: %v, %v", it.Date, err)
	}
}

func TestParseDate(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, time.UTC) }
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2007-01-15", utc(2007, 1, 15, 0, 0)},
		{" 2007-01-15 ", utc(2007, 1, 15, 0, 0)},
		{"2007-01-15T23:49:00Z", utc(2007, 1, 15, 23, 49)},
		{"2007-01-15T23:49:00-05:00", utc(2007, 1, 16, 4, 49)},
		{"2007-01-15T23:49:00.123Z", time.Date(2007, 1, 15, 23, 49, 0, 123e6, time.UTC)},
		{"2007-01-15T23:49:00", utc(2007, 1, 15, 23, 49)},
		{"2007-01-15 23:49:00", utc(2007, 1, 15, 23, 49)},
		{"2007-01-15 23:49", utc(2007, 1, 15, 23, 49)},
		{"20070115 11:49 PM EST", utc(2007, 1, 16, 4, 49)},
		{"20070715 09:05 AM EDT", utc(2007, 7, 15, 13, 5)},
		{"20160815 4:00AM UTC", utc(2016, 8, 15, 4, 0)},
		{"20160815 12:30PM UTC", utc(2016, 8, 15, 12, 30)},
		{"20160815 12:30AM UTC", utc(2016, 8, 15, 0, 30)},
		{"Mon, 15 Jan 2007 23:49:00 GMT", utc(2007, 1, 15, 23, 49)},
		{"Mon, 15 Jan 2007 23:49:00 -0500", utc(2007, 1, 16, 4, 49)},
		{"January 15, 2007", utc(2007, 1, 15, 0, 0)},
		{"Jan 15, 2007", utc(2007, 1, 15, 0, 0)},
		{"15 January 2007", utc(2007, 1, 15, 0, 0)},
		{"2007/01/15", utc(2007, 1, 15, 0, 0)},
		{"20070115", utc(2007, 1, 15, 0, 0)},
		{"2021-10-04 10:00 IST", utc(2021, 10, 4, 4, 30)},
	}
	for _, tt := range tests {
		got, err := jsonl.ParseDate(tt.in)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2007-13-01", "20070115 11:49 PM XYZ", "15/01/2007"} {
		if got, err := jsonl.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", bad, got)
		}
	}
	// A JSON number is Unix time.
	it, err := jsonl.Parse("x", 1, []byte(`{"title":"T","date":1168904940}`), nil)
	if err != nil || !it.Date.Equal(utc(2007, 1, 15, 23, 49)) {
		t.Errorf("unix seconds: %v %v", it.Date, err)
	}
}

// TestLongLines reads lines far longer than bufio's default buffer, and skips
// one over the limit with an error, going on after it.
func TestLongLines(t *testing.T) {
	body := strings.Repeat("word ", 200_000) // 1 MB
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "\ufeff{\"title\":\"Long\",\"date\":\"2021-10-04\",\"body\":%q}\n\n   \n", body)
	fmt.Fprintf(&buf, "{\"title\":\"Too long\",\"date\":\"2021-10-04\",\"body\":%q}\n", body+body+body)
	fmt.Fprintf(&buf, "{\"title\":\"After\",\"date\":\"2021-10-04\"}")
	jr := jsonl.NewReader(&buf, "long.jsonl")
	jr.MaxLineBytes = 2 << 20
	it, err := jr.Read()
	if err != nil || it.Title != "Long" || len(it.Body) != len(body) {
		t.Fatalf("first line: %v %q", err, it.Title)
	}
	_, err = jr.Read()
	if !errors.Is(err, jsonl.ErrLineTooLong) || !strings.HasPrefix(err.Error(), "long.jsonl:4: line too long") {
		t.Fatalf("second line: %v", err)
	}
	it, err = jr.Read()
	if err != nil || it.Title != "After" || jr.Line() != 5 {
		t.Fatalf("third line: %v %q at line %d", err, it.Title, jr.Line())
	}
	if _, err := jr.Read(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

// FuzzParse checks that a line gives an item or a *ParseError, never a panic,
// and that an item has a title, a kind, an id and a UTC date.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"title":"T","date":"2021-10-04"}`,
		`{"kind":"teaser","title":"T","region":"R","date":"2021-10-04T16:24:00Z","pages":2}`,
		`{"headline":"H","ts":"20070115 11:49 PM EST"}`,
		`{"title":"T","date":1168904940,"read_minutes":"3"}`,
		`{"source":{"id":null,"name":"BBC News"},"author":"A","title":"T","publishedAt":"2020-07-17T19:51:00Z"}`,
	} {
		f.Add([]byte(s))
	}
	fields := map[string]string{"title": "headline", "date": "ts", "source": "source.name", "byline": "a.b.0"}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, m := range []map[string]string{nil, fields} {
			it, err := jsonl.Parse("f", 1, data, m)
			if err != nil {
				var pe *jsonl.ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error %v is not a *ParseError", err)
				}
				continue
			}
			if strings.TrimSpace(it.Title) == "" || !it.Kind.Valid() || it.ID == "" || it.Date.Location() != time.UTC ||
				!it.Date.IsZero() && item.CheckDate(it.Date) != nil {
				t.Fatalf("bad item %+v", it)
			}
		}
	})
}
