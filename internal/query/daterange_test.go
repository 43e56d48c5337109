package query

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"newsdex/internal/item"
)

// Issue 13 case 2: from and to out of the index's date range are a
// *ParamError naming the parameter (HTTP 400, CLI exit 2), at both ends; the
// edges themselves are in range and find what lies there; a duration too long
// for time.Duration is out of range, not a match-all.
func TestDateRangeBothEnds(t *testing.T) {
	edges := []item.Item{
		{ID: "first", Kind: item.Article, Title: "First day", Body: "x", Date: item.MinDate()},
		{ID: "last", Kind: item.Article, Title: "Last day", Body: "x", Date: item.MaxDate()},
		{ID: "mid", Kind: item.Article, Title: "Middle", Body: "x", Date: day("1987-03-02T00:00:00Z")},
	}
	s := NewSearcher(newIndex(t, edges))
	now := day("2026-12-01T00:00:00Z")
	s.now = func() time.Time { return now }

	bad := []struct{ from, to, param string }{
		{"1500-01-01", "", "from"},
		{"", "1500-01-01", "to"},
		{"", "2262-04-11", "to"}, // the whole day runs past the last instant
		{"9999-12-31", "", "from"},
		{"", "0001-01-01", "to"},
		{"1600-01", "", "from"},
		{"1677-11-30T23:59:59Z", "", "from"},
		{"", "2262-04-11T12:00:00Z", "to"},
		{"", "20000w", "to"}, // overflowed time.Duration and matched everything
		{"10000000d", "", "from"},
	}
	for _, tt := range bad {
		_, err := s.Search(context.Background(), Request{From: tt.from, To: tt.to})
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != tt.param || !strings.Contains(pe.Msg, "out of range (1677-12-01 to 2262-04-11)") {
			t.Errorf("from=%q to=%q: %v, want a ParamError on %s saying out of range", tt.from, tt.to, err, tt.param)
		}
	}

	good := []struct {
		from, to string
		want     []string
	}{
		{"1677-12-01", "1677-12-01", []string{"first"}},
		{"2262-04-10", "2262-04-11T11:59:59Z", []string{"last"}},
		{"1677-12", "1987-03-02", []string{"first", "mid"}},
		{"", "2262-04-11T11:59:59Z", []string{"first", "last", "mid"}},
	}
	for _, tt := range good {
		resp, err := s.Search(context.Background(), Request{From: tt.from, To: tt.to})
		if err != nil {
			t.Fatalf("from=%q to=%q: %v", tt.from, tt.to, err)
		}
		if got := strings.Join(sorted(ids(resp)), " "); got != strings.Join(tt.want, " ") {
			t.Errorf("from=%q to=%q: %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
	// A long duration that stays in range is a date, not an error.
	resp, err := s.Search(context.Background(), Request{From: "2000w"})
	if err != nil || len(resp.Hits) != 0 {
		t.Errorf("from=2000w (1988): %v, %d hits; want none of the fixtures", err, len(resp.Hits))
	}
	resp, err = s.Search(context.Background(), Request{To: "2000w"})
	if err != nil || strings.Join(sorted(ids(resp)), " ") != "first mid" {
		t.Errorf("to=2000w: %v, %v; want first and mid", err, resp)
	}
}

// An after cursor is a date that reaches bleve too: one out of range is an
// invalid cursor, not a failed search.
func TestCursorDateRange(t *testing.T) {
	s := NewSearcher(newIndex(t, fixture))
	for _, sort := range []string{SortNewest, SortOldest} {
		req := Request{Sort: sort}
		p, err := req.plan(time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"1500-01-01T00:00:00Z", "9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z"} {
			req.After = cursor{Sort: sort, Keys: []string{d, "a1"}, For: fingerprint(req, p)}.encode()
			_, err := s.Search(context.Background(), req)
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param != "after" {
				t.Errorf("sort %s, cursor at %s: %v, want a ParamError on after", sort, d, err)
			}
		}
	}
}
