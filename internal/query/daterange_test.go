package query

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/google/go-cmp/cmp"

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
	// A long duration that stays in range is a date, not an error; a range
	// without an end takes in the last instant (bleve's range without an
	// end missed it, and so did newsdex until the date table found it).
	resp, err := s.Search(context.Background(), Request{From: "2000w"})
	if err != nil || strings.Join(ids(resp), " ") != "last" {
		t.Errorf("from=2000w (1988): %v, %v; want last", err, resp)
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

// TestDateTableMatchesBleveRange: the date table's items of a range are
// those bleve's date range finds, for ranges of whole days, months and
// seconds, open at either end, empty, and out of the items' dates, over the
// fixture (items on the same day, at midday, undated) and the shared
// articles; and a search with a date filter gives the same page and total
// from bleve's range (a snapshot's first date filter) and from the table.
func TestDateTableMatchesBleveRange(t *testing.T) {
	undated := append(slices.Clone(fixture), item.Item{ID: "u1", Kind: item.Article, Title: "Undated", Body: "oil"})
	for _, c := range []struct {
		name string
		idx  bleve.Index
	}{
		{"fixture", newIndex(t, undated)},
		{"corpus", benchIndex(t)},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := reader(t, c.idx)
			table, ok, err := buildDateTable(context.Background(), r)
			if err != nil || !ok {
				t.Fatalf("no table: %v", err)
			}
			for _, rg := range [][2]string{
				{"1987-03-01", "1987-03-31"}, {"1987-03-02", "1987-03-02"}, {"1987-03", "1987-04"},
				{"", "1987-03-15"}, {"1987-04-01", ""}, {"", ""}, {"1987-03-02T10:30:00Z", "1987-03-02T10:30:00Z"},
				{"1987-03-16", "1987-03-15"}, {"1990-01-01", "1999-12-31"}, {"1677-12-01", "1700-01-01"},
			} {
				from, _ := parseTime(rg[0], false, time.Time{})
				to, _ := parseTime(rg[1], true, time.Time{})
				if rg[1] != "" && to.Nanosecond() == 0 {
					to = to.Add(time.Second - 1) // that second's last instant
				}
				q := dateRange{from: from, to: to} // no table: bleve's range
				req := bleve.NewSearchRequestOptions(q, 100000, 0, false)
				req.Score = "none"
				res, err := c.idx.Search(req)
				if err != nil {
					t.Fatal(err)
				}
				want := map[uint64]bool{}
				for _, h := range res.Hits {
					want[h.IndexInternalID.Value()] = true
				}
				got := map[uint64]bool{}
				s := newSetSearcher(table.within(from, to))
				for n, ok := s.from(0); ok; n, ok = s.from(n + 1) {
					got[n] = true
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s to %s: documents (-bleve +table):\n%s", rg[0], rg[1], diff)
				}
				if s.Count() != uint64(len(want)) {
					t.Errorf("%s to %s: count %d, want %d", rg[0], rg[1], s.Count(), len(want))
				}
			}
			s := NewSearcher(c.idx)
			for _, req := range []Request{
				{Query: "oil", From: "1987-03-01", To: "1987-03-31"},
				{From: "1987-03-15", To: "1987-03-16", Limit: 0},
				{From: "1987-03", Sort: SortNewest},
			} {
				first, err := s.Search(context.Background(), req) // bleve's range: the snapshot's first
				if err != nil {
					t.Fatal(err)
				}
				again, err := s.Search(context.Background(), req) // the table
				if err != nil {
					t.Fatal(err)
				}
				if first.Total != again.Total || !slices.Equal(ids(first), ids(again)) {
					t.Errorf("%+v: %d %v from bleve's range, %d %v from the table", req, first.Total, ids(first), again.Total, ids(again))
				}
				if first.Total == 0 && c.name == "corpus" {
					t.Errorf("%+v: no hits, the case checks nothing", req)
				}
			}
			if !tableBuilt(s) {
				t.Error("the searches built no date table: the table was not checked")
			}
		})
	}
}

// TestFirstDateFilterBuildsNoTable: a snapshot's first search with a date
// filter (the search command's only one) is answered by bleve's range and
// builds no date table (at 1x the table took 50 ms of a 60 ms command);
// the second builds it.
func TestFirstDateFilterBuildsNoTable(t *testing.T) {
	s := NewSearcher(newIndex(t, fixture))
	req := Request{Query: "oil", From: "1987-03-01", To: "1987-03-31"}
	first, err := s.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if tableBuilt(s) {
		t.Fatal("the first date filter built the date table")
	}
	again, err := s.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !tableBuilt(s) {
		t.Error("the second date filter built no date table")
	}
	if first.Total == 0 || !slices.Equal(ids(first), ids(again)) {
		t.Errorf("%v from bleve's range, %v from the table", ids(first), ids(again))
	}
}

// tableBuilt tells whether s built a date table for a snapshot, without
// building one (as asking its cache would).
func tableBuilt(s *Searcher) bool {
	for _, e := range s.dates.entries {
		if e.v != nil {
			return true
		}
	}
	return false
}
