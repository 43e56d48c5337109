package query

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidateErrors(t *testing.T) {
	good := cursorOf(t, Request{}, "1987-03-02T00:00:00Z", "a1")
	tests := []struct {
		name  string
		req   Request
		param string
		msg   string // a part of the message
	}{
		{"parse error", Request{Query: "(oil OR) gas"}, "q", "unexpected ')' at column 8"},
		{"unknown field", Request{Query: "colour:x"}, "q", `unknown field "colour"`},
		{"bad from", Request{From: "yesterday"}, "from", `invalid date "yesterday"`},
		{"bad to", Request{To: "1987-02-30"}, "to", `invalid date "1987-02-30"`},
		{"bad month", Request{To: "1987-13"}, "to", "invalid date"},
		{"negative duration", Request{From: "-7d"}, "from", "invalid date"},
		{"from after to", Request{From: "1987-03-20", To: "1987-03-01"}, "from", "1987-03-20 is after to (1987-03-01)"},
		{"empty region", Request{Regions: []string{"Europe", " "}}, "region", "empty region"},
		{"kind", Request{Kind: "video"}, "kind", `unknown kind "video" (want article or teaser)`},
		{"sort", Request{Sort: "date"}, "sort", `unknown sort "date" (want relevance, newest or oldest)`},
		{"negative limit", Request{Limit: -1}, "limit", "-1 is out of range (0 to 1000; 0 asks for the count only)"},
		{"large limit", Request{Limit: 1001}, "limit", "1001 is out of range (0 to 1000; 0 asks for the count only)"},
		{"negative page", Request{Page: -2}, "page", "-2 is out of range"},
		{"deep page", Request{Page: 11, Limit: 1000}, "page", "continue with after cursors"},
		{"huge page", Request{Page: 1 << 60}, "page", "continue with after cursors"},
		{"after not base64", Request{After: "!!"}, "after", "invalid cursor"},
		{"after not json", Request{After: "bm90IGpzb24"}, "after", "invalid cursor"},
		{"after bad sort", Request{After: cursor{Sort: "x", Keys: []string{"1", "a"}}.encode()}, "after", "invalid cursor"},
		{"after bad date", Request{After: cursor{Sort: SortNewest, Keys: []string{"x", "a"}}.encode()}, "after", "invalid cursor"},
		{"after bad score", Request{Query: "oil", After: cursor{Sort: SortRelevance, Keys: []string{"x", "a"}}.encode()}, "after", "invalid cursor"},
		{"after one key", Request{After: cursor{Sort: SortNewest, Keys: []string{"1987-03-02T00:00:00Z"}}.encode()}, "after", "invalid cursor"},
		{"after too long", Request{After: strings.Repeat("a", 2000)}, "after", "invalid cursor"},
		{"after other sort", Request{Sort: "oldest", After: good}, "after", "cursor continues sort newest, not oldest"},
		{"after default sort with query", Request{Query: "oil", After: good}, "after", "not relevance"},
		{"after with page", Request{Page: 2, After: good}, "after", "cannot be combined with page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.Validate()
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("Validate(%+v) = %v, want a *ParamError", tt.req, err)
			}
			if pe.Param != tt.param || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("got %s=%q, want %s containing %q", pe.Param, pe.Msg, tt.param, tt.msg)
			}
			if got := pe.Error(); got != pe.Param+": "+pe.Msg {
				t.Errorf("Error() = %q", got)
			}
			// Search says the same, without touching the index.
			s := &Searcher{now: time.Now}
			if _, err := s.Search(context.Background(), tt.req); !errors.As(err, &pe) {
				t.Errorf("Search: %v, want a *ParamError", err)
			}
		})
	}
}

func TestPlan(t *testing.T) {
	now := day("1987-04-11T12:00:00Z")
	after := cursorOf(t, Request{Query: "oil"}, "1.25", "a1")
	tests := []struct {
		name  string
		req   Request
		check func(t *testing.T, p *plan)
	}{
		{"defaults without query", Request{}, func(t *testing.T, p *plan) {
			if p.sort != SortNewest || p.limit != 10 || p.offset != 0 || !p.from.IsZero() || !p.to.IsZero() || p.after != nil {
				t.Errorf("%+v", p)
			}
		}},
		{"relevance with query", Request{Query: "oil"}, func(t *testing.T, p *plan) {
			if p.sort != SortRelevance {
				t.Errorf("sort %s", p.sort)
			}
		}},
		{"spaces are no query", Request{Query: "  "}, func(t *testing.T, p *plan) {
			if p.sort != SortNewest {
				t.Errorf("sort %s", p.sort)
			}
		}},
		{"sort case", Request{Sort: " Oldest"}, func(t *testing.T, p *plan) {
			if p.sort != SortOldest {
				t.Errorf("sort %s", p.sort)
			}
		}},
		{"page offset", Request{Limit: 20, Page: 3}, func(t *testing.T, p *plan) {
			if p.offset != 40 || p.limit != 20 {
				t.Errorf("offset %d limit %d", p.offset, p.limit)
			}
		}},
		{"last allowed page", Request{Limit: 1000, Page: 10}, func(t *testing.T, p *plan) {
			if p.offset != 9000 {
				t.Errorf("offset %d", p.offset)
			}
		}},
		{"days", Request{From: "1987-03-01", To: "1987-03-31"}, func(t *testing.T, p *plan) {
			if !p.from.Equal(day("1987-03-01")) || !p.to.Equal(day("1987-04-01").Add(-time.Nanosecond)) {
				t.Errorf("from %v to %v", p.from, p.to)
			}
		}},
		{"months", Request{From: "1987-02", To: "1987-02"}, func(t *testing.T, p *plan) {
			if !p.from.Equal(day("1987-02-01")) || !p.to.Equal(day("1987-03-01").Add(-time.Nanosecond)) {
				t.Errorf("from %v to %v", p.from, p.to)
			}
		}},
		{"rfc3339 with offset", Request{From: "1987-03-01T12:00:00+02:00", To: "1987-03-01T12:00:00.5Z"}, func(t *testing.T, p *plan) {
			if !p.from.Equal(day("1987-03-01T10:00:00Z")) || !p.to.Equal(day("1987-03-01T12:00:00Z").Add(500*time.Millisecond)) {
				t.Errorf("from %v to %v", p.from, p.to)
			}
		}},
		{"relative", Request{From: "7d", To: "24h"}, func(t *testing.T, p *plan) {
			if !p.from.Equal(now.AddDate(0, 0, -7)) || !p.to.Equal(now.Add(-24*time.Hour)) {
				t.Errorf("from %v to %v", p.from, p.to)
			}
		}},
		{"relative weeks and minutes", Request{From: "2w", To: "90m"}, func(t *testing.T, p *plan) {
			if !p.from.Equal(now.AddDate(0, 0, -14)) || !p.to.Equal(now.Add(-90*time.Minute)) {
				t.Errorf("from %v to %v", p.from, p.to)
			}
		}},
		{"same instant", Request{From: "1987-03-01", To: "1987-03-01T00:00:00Z"}, func(t *testing.T, p *plan) {}},
		{"regions folded and deduplicated", Request{Regions: []string{"Europe", " EUROPE ", "Asia  Pacific"}}, func(t *testing.T, p *plan) {
			if strings.Join(p.regions, "|") != "europe|asia pacific" {
				t.Errorf("regions %q", p.regions)
			}
		}},
		{"kind case", Request{Kind: "Teaser"}, func(t *testing.T, p *plan) {
			if p.kind != "teaser" {
				t.Errorf("kind %q", p.kind)
			}
		}},
		{"after", Request{Query: "oil", After: after}, func(t *testing.T, p *plan) {
			if strings.Join(p.after, "|") != "1.25|a1" {
				t.Errorf("after %q", p.after)
			}
		}},
		{"after with page 1", Request{Query: "oil", After: after, Page: 1}, func(t *testing.T, p *plan) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.req.plan(now)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
}

// cursorOf is a cursor of the search r with these sort keys, as a response
// to r would carry it.
func cursorOf(t *testing.T, r Request, keys ...string) string {
	t.Helper()
	p, err := r.plan(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return cursor{Sort: p.sort, Keys: keys, For: p.search}.encode()
}

// TestCursorBelongsToItsSearch: a cursor continues the search it came from,
// whatever its page, limit or facets and however the same search is
// spelled, and is refused by any other.
func TestCursorBelongsToItsSearch(t *testing.T) {
	from := Request{Query: "oil  AND gas", From: "1987-03-01", To: "7d", Regions: []string{"Europe", "Asia"}, Sources: []string{"Reuters"}, Kind: "article", Sort: "newest"}
	c := cursorOf(t, from, "1987-03-02T00:00:00Z", "a1")
	same := []Request{
		from,
		{Query: "oil AND gas", From: "1987-03-01", To: " 7d", Regions: []string{"asia", "EUROPE"}, Sources: []string{"reuters"}, Kind: "Article", Sort: "newest", Limit: 50, Facets: []string{"region"}},
		{Query: "oil gas", From: "1987-03-01", To: "7d", Regions: []string{"Europe", "Asia", "europe"}, Sources: []string{"Reuters"}, Kind: "article", Sort: "newest"},
	}
	for _, r := range same {
		r.After = c
		if err := r.Validate(); err != nil {
			t.Errorf("%+v refuses its own cursor: %v", r, err)
		}
	}
	other := map[string]Request{
		"query":  {Query: "oil OR gas"},
		"from":   {From: "1987-03-02"},
		"to":     {To: "8d"},
		"region": {Regions: []string{"Europe"}},
		"kind":   {Kind: "teaser"},
		"source": {Sources: []string{"AP"}},
		"none":   {Query: "", From: "", To: "", Regions: nil, Kind: ""},
	}
	for name, diff := range other {
		r := from
		switch name {
		case "query":
			r.Query = diff.Query
		case "from":
			r.From = diff.From
		case "to":
			r.To = diff.To
		case "region":
			r.Regions = diff.Regions
		case "kind":
			r.Kind = diff.Kind
		case "source":
			r.Sources = diff.Sources
		case "none":
			r = Request{Sort: "newest"}
		}
		r.After = c
		err := r.Validate()
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != "after" || !strings.Contains(pe.Msg, "continues another search") {
			t.Errorf("another %s: %v, want an after error", name, err)
		}
	}
	// A cursor of before cursors named their search is refused too.
	old := cursor{Sort: SortNewest, Keys: []string{"1987-03-02T00:00:00Z", "a1"}}.encode()
	if err := (Request{After: old}).Validate(); err == nil {
		t.Error("a cursor without its search accepted")
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := cursor{Sort: SortOldest, Keys: []string{"1987-03-02T10:30:00Z", "t/1"}}
	got, err := decodeCursor(c.encode())
	if err != nil || got.Sort != c.Sort || got.Keys[0] != c.Keys[0] || got.Keys[1] != c.Keys[1] {
		t.Errorf("round trip: %+v %v", got, err)
	}
	if strings.ContainsAny(c.encode(), "+/=") {
		t.Errorf("cursor %q is not URL-safe", c.encode())
	}
}
