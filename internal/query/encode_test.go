package query

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"newsdex/internal/item"
)

// stdJSON is what WriteJSON wrote before it had its own encoder, and must
// still write byte for byte: encoding/json's Encoder, HTML left unescaped.
func stdJSON(r *Response) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(r)
	return b.Bytes(), err
}

// checkSameJSON fails unless WriteJSON writes what encoding/json writes for
// r, or fails where it fails.
func checkSameJSON(t *testing.T, r *Response) {
	t.Helper()
	want, wantErr := stdJSON(r)
	var got bytes.Buffer
	err := r.WriteJSON(&got)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("WriteJSON error %v, encoding/json's %v", err, wantErr)
	}
	if err == nil && !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("WriteJSON differs from encoding/json:\n got %s\nwant %s", got.Bytes(), want)
	}
}

// Every kind of response the searches give, on the fixture: the bytes of
// encoding/json.
func TestWriteJSONSearches(t *testing.T) {
	s := fixtureSearcher(t)
	for _, r := range []Request{
		{},
		{Query: "oil"},
		{Query: `"interest rates"`, Facets: FacetNames()},
		{Query: "opec AND (output OR production) NOT saudi", Expand: true},
		{Query: "rates", Regions: []string{"Europe", "Nowhere"}, Facets: []string{"region", "month"}},
		{Query: "wheat", From: "1987-02-01", To: "1987-02-28", Sort: "newest"},
		{From: "1987-03-15", To: "1987-03-16", CountOnly: true},
		{Query: "exprts"},
		{Query: "export*", Limit: 2},
		{Query: "export*", Limit: 1, Page: 5},
	} {
		resp := mustSearch(t, s, r)
		checkSameJSON(t, resp)
		resp.TookMs = 0.000000123
		checkSameJSON(t, resp)
	}
}

// The values that encoding/json writes in a way of its own: escapes, floats
// in exponent form, omitted and null fields, refused values.
func TestWriteJSONEdges(t *testing.T) {
	strs := []string{"", "plain", `quote " and \ backslash`, "<b>&amp;</b>", "tab\tnl\nlf\rbs\bff\f", "\x00\x01\x1f\x7f",
		"…<mark>ö</mark>", "line\u2028para\u2029", "bad \xff utf-8 \xe2\x80", "emoji 😀"}
	floats := []float64{0, 1, -1, 0.5, 1e-6, 9.99e-7, 1e-7, 1.5e-300, 1e20, 1e21, 123456789.125, -2.5e-9, math.SmallestNonzeroFloat64, math.MaxFloat64}
	for i, s := range strs {
		f := floats[i%len(floats)]
		r := &Response{Total: uint64(i), TookMs: f, Hits: []Hit{
			{Item: item.Item{ID: s, Kind: item.Kind(s), Title: s, Region: s, Date: time.Date(1987, 3, 2, 10, 30, 0, 123, time.UTC),
				Dateline: s, Body: s, Summary: s, Caption: s, Byline: s, ReadMinutes: i, Source: s, URL: s, Language: s,
				File: s, Pages: -i, ArticleID: s, StoryID: s},
				Score: f, Highlights: map[string][]string{"title": {s}, "body": nil, s: {s, s}}, StorySize: i},
			{Item: item.Item{ID: "x", Date: time.Date(2001, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600))}, Score: -f},
		},
			Facets: Facets{"region": {{Value: s, Count: i}}, "month": {}, "kind": nil, s: {{Value: "a", Count: -1}, {Value: "b"}}},
			Next:   s, DidYouMean: s, Notes: []string{s, "note"}}
		checkSameJSON(t, r)
	}
	for _, r := range []*Response{
		{},
		{Hits: []Hit{}},
		{Hits: []Hit{{}}, Facets: Facets{}, Notes: []string{}},
		{Total: math.MaxUint64, Hits: []Hit{{Highlights: map[string][]string{}}}},
	} {
		checkSameJSON(t, r)
	}
	// Refused by encoding/json, so by WriteJSON.
	for _, r := range []*Response{
		{TookMs: math.NaN()},
		{Hits: []Hit{{Score: math.Inf(1)}}},
		{Hits: []Hit{{Item: item.Item{Date: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}},
	} {
		checkSameJSON(t, r)
	}
}

// FuzzWriteJSON: for any strings, numbers and dates, WriteJSON writes what
// encoding/json writes.
func FuzzWriteJSON(f *testing.F) {
	f.Add("oil", "<mark>oil</mark> prices…", 0.25, int64(0), 3)
	f.Add("\u2028\xff\"\\\x00", "\t\n", 1e-9, int64(-62135596800), 0)
	f.Add("", "", math.Inf(-1), int64(253402300800), -1)
	f.Fuzz(func(t *testing.T, a, b string, score float64, unix int64, n int) {
		r := &Response{Total: uint64(n), TookMs: score / 3, Hits: []Hit{{
			Item:  item.Item{ID: a, Kind: item.Kind(b), Title: a + b, Body: b, Date: time.Unix(unix, int64(n)).UTC(), ReadMinutes: n, StoryID: b},
			Score: score, Highlights: map[string][]string{a: {b}, b: {a, strings.ToUpper(a)}}, StorySize: n,
		}}, Facets: Facets{a: {{Value: b, Count: n}}}, Next: b, DidYouMean: a, Notes: []string{a, b}}
		checkSameJSON(t, r)
	})
}

// BenchmarkWriteJSON: a page of ten hits with highlights, as the bench's
// queries give, by WriteJSON and by encoding/json.
func BenchmarkWriteJSON(b *testing.B) {
	body := strings.Repeat("Cocoa buffer stock rules take effect immediately, delegates said… ", 3)
	r := &Response{Total: 80, TookMs: 0.739}
	for i := range 10 {
		r.Hits = append(r.Hits, Hit{Item: item.Item{ID: "reuters21578-10506", Kind: item.Article, Title: "COCOA BUFFER STOCK RULES EFFECTIVE IMMEDIATELY",
			Region: "United Kingdom", Date: time.Date(1987, 3, 27, 11, 51, 33, 0, time.UTC), Dateline: "LONDON", Source: "Reuters", StoryID: "s6004dd91133fc5e"},
			Score: 0.3576596017710462 / float64(i+1), StorySize: 1,
			Highlights: map[string][]string{"body": {"…<mark>cocoa</mark> " + body + "\n\nThat means…"}, "title": {"<mark>COCOA</mark> BUFFER STOCK RULES EFFECTIVE IMMEDIATELY"}}})
	}
	b.Run("WriteJSON", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			_ = r.WriteJSON(&buf)
		}
		b.SetBytes(int64(buf.Len()))
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(r)
		}
		b.SetBytes(int64(buf.Len()))
	})
}
