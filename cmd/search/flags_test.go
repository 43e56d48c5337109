package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/cli"
	"newsdex/internal/query"
)

func TestFlagsToRequest(t *testing.T) {
	tests := []struct {
		args []string
		want query.Request
	}{
		{nil, query.Request{Limit: 10, Page: 1}},
		{[]string{"oil"}, query.Request{Query: "oil", Limit: 10, Page: 1}},
		{[]string{"crude", "prices"}, query.Request{Query: "crude prices", Limit: 10, Page: 1}},
		{[]string{"opec AND (output OR production)", "NOT", "saudi"}, query.Request{Query: "opec AND (output OR production) NOT saudi", Limit: 10, Page: 1}},
		{[]string{"--", "-saudi", "oil"}, query.Request{Query: "-saudi oil", Limit: 10, Page: 1}},
		{[]string{"--from", "1987-03-01", "--to=1987-03-31", "x"}, query.Request{Query: "x", From: "1987-03-01", To: "1987-03-31", Limit: 10, Page: 1}},
		{[]string{"--region", "Europe", "--region", "Asia Pacific"}, query.Request{Regions: []string{"Europe", "Asia Pacific"}, Limit: 10, Page: 1}},
		{[]string{"--region", "a,b"}, query.Request{Regions: []string{"a,b"}, Limit: 10, Page: 1}},
		{[]string{"--kind", "teaser", "--sort", "oldest", "--limit", "50", "--page", "3"}, query.Request{Kind: "teaser", Sort: "oldest", Limit: 50, Page: 3}},
		{[]string{"--after", readmeCursor, "ferry OR harbour"}, query.Request{Query: "ferry OR harbour", After: readmeCursor, Limit: 10, Page: 1}},
		{[]string{"--facets"}, query.Request{Limit: 10, Page: 1, Facets: query.FacetNames()}},
		{[]string{"--facets=month,kind", "--limit", "0"}, query.Request{CountOnly: true, Page: 1, Facets: []string{"month", "kind"}}},
	}
	for _, tt := range tests {
		got, code, stderr := parseSearch(t, tt.args...)
		if code != 0 {
			t.Errorf("%q: exit %d: %s", tt.args, code, stderr)
			continue
		}
		if diff := cmp.Diff(tt.want, got.Request); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, diff)
		}
	}
	got, _, _ := parseSearch(t, "--json", "--index", "d")
	if !got.JSON || got.Dir != "d" {
		t.Errorf("json %v index %q", got.JSON, got.Dir)
	}
}

// parseSearch runs the search command on args in the process with its run
// function replaced, and returns the options it would have run with.
func parseSearch(t *testing.T, args ...string) (searchOptions, int, string) {
	t.Helper()
	ios, _, stderr := testIO("")
	var got searchOptions
	cmd := newCmdSearch(ios, func(_ context.Context, o *searchOptions) error { got = *o; return nil })
	code := cli.Run(context.Background(), cmd, ios, args)
	return got, code, stderr.String()
}

// testIO is streams for a command run in the process: stdin, and buffers
// for stdout and stderr.
func testIO(stdin string) (*cli.IO, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &cli.IO{In: strings.NewReader(stdin), Out: &out, Err: &errb}, &out, &errb
}

// TestBadFlags runs the command in the process: each bad input is one line
// on stderr naming the flag, exit 2, and nothing on stdout. Validation comes
// before the index is opened, so no index is needed.
func TestBadFlags(t *testing.T) {
	t.Setenv("NEWSDEX_INDEX", t.TempDir())
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--from", "yesterday"}, `search: --from: invalid date "yesterday"`},
		{[]string{"--to", "1987-02-30"}, `search: --to: invalid date "1987-02-30"`},
		{[]string{"--from", "1987-04-01", "--to", "1987-03-01"}, "search: --from: 1987-04-01 is after to (1987-03-01)"},
		{[]string{"--from", "1500-01-01"}, "search: --from: date 1500-01-01T00:00:00Z out of range (1677-12-01 to 2262-04-11)"},
		{[]string{"--to", "20000w"}, "search: --to: date 1643-"},
		{[]string{"--kind", "video"}, `search: --kind: unknown kind "video" (want article or teaser)`},
		{[]string{"--sort", "date"}, `search: --sort: unknown sort "date"`},
		{[]string{"--limit", "-1"}, "search: --limit: -1 is out of range (0 to 1000; 0 asks for the count only)"},
		{[]string{"--limit", "1001"}, "search: --limit: 1001 is out of range (0 to 1000; 0 asks for the count only)"},
		{[]string{"--limit", "ten"}, `search: invalid argument "ten" for "--limit" flag`},
		{[]string{"--page", "-1"}, "search: --page: -1 is out of range"},
		{[]string{"--page", "0"}, "search: --page: 0 is out of range (pages start at 1)"},
		{[]string{"--after", readmeCursor, "oil"}, "search: --after: this cursor continues another search (its query, filters or sort differ)"},
		{[]string{"--after", readmeCursor, "ferry OR harbour", "--region", "Europe"}, "search: --after: this cursor continues another search"},
		{[]string{"--after", "garbage"}, "search: --after: invalid cursor"},
		{[]string{"--region", ""}, "search: --region: empty region"},
		{[]string{"(oil OR) gas"}, "search: QUERY: unexpected ')' at column 8"},
		{[]string{"colour:x"}, `search: QUERY: unknown field "colour"`},
		{[]string{"--bogus"}, "search: unknown flag: --bogus"},
		{[]string{"-saudi"}, "search: unknown shorthand flag: 's' in -saudi"},
		{[]string{"get"}, "search get: accepts 1 arg(s), received 0"},
	}
	for _, tt := range tests {
		ios, out, errb := testIO("")
		code := cli.Run(context.Background(), newCmdRoot(ios), ios, tt.args)
		if code != cli.ExitUsage {
			t.Errorf("%q: exit %d, want %d (stderr %q)", tt.args, code, cli.ExitUsage, errb.String())
		}
		if out.Len() != 0 {
			t.Errorf("%q: stdout %q", tt.args, out.String())
		}
		msg := errb.String()
		if !strings.HasPrefix(msg, tt.want) || strings.Count(msg, "\n") != 1 {
			t.Errorf("%q: stderr %q, want one line starting %q", tt.args, msg, tt.want)
		}
	}
}

func TestFragment(t *testing.T) {
	p := &printer{}
	if got, want := p.fragment("AT&amp;T <mark>bids</mark>\n\nfor &lt;b&gt;"), "AT&T bids for <b>"; got != want {
		t.Errorf("plain: %q, want %q", got, want)
	}
	p.bold = true
	if got, want := p.fragment("a <mark>b</mark> c <mark>d</mark>"), "a \x1b[1mb\x1b[0m c \x1b[1md\x1b[0m"; got != want {
		t.Errorf("bold: %q, want %q", got, want)
	}
}

// readmeCursor is the next cursor of README's example search.
const readmeCursor = "eyJzIjoicmVsZXZhbmNlIiwiayI6WyIwLjA5NTgxMzc3OTY3MTQ0MzE0IiwidDljODQ3MTc2ZmRkMTJmNCJdLCJmIjoiMTZsbzhsbm9xc2tvOSJ9"

// TestFacetLines: the top values, "and N more", wrapped at the width under
// the first value; months over years add up to years.
func TestFacetLines(t *testing.T) {
	var regions []query.FacetValue
	for i := range 395 {
		regions = append(regions, query.FacetValue{Value: fmt.Sprintf("Region %03d", i), Count: 1000 - i})
	}
	var months []query.FacetValue
	for y := 2007; y <= 2016; y++ {
		for m := 1; m <= 12; m++ {
			months = append(months, query.FacetValue{Value: fmt.Sprintf("%d-%02d", y, m), Count: 10})
		}
	}
	months = append(months, query.FacetValue{Value: "undated", Count: 3})
	tests := []struct {
		name  string
		title string
		vs    []query.FacetValue
		width int
		want  string
	}{
		{"short", "Kinds", []query.FacetValue{{Value: "article", Count: 4}, {Value: "teaser", Count: 2}}, 80, "Kinds:   article 4, teaser 2\n"},
		{"none", "Regions", nil, 80, "Regions: none\n"},
		{"top ten and more, wrapped at 80", "Regions", regions, 80,
			"Regions: Region 000 1000, Region 001 999, Region 002 998, Region 003 997,\n" +
				"         Region 004 996, Region 005 995, Region 006 994, Region 007 993,\n" +
				"         Region 008 992, Region 009 991 and 385 more\n"},
		{"narrow", "Regions", regions[:3], 30, "Regions: Region 000 1000,\n         Region 001 999,\n         Region 002 998\n"},
		{"ten years of months", "Months", months, 80,
			"Years:   2007 120, 2008 120, 2009 120, 2010 120, 2011 120, 2012 120, 2013 120,\n" +
				"         2014 120, 2015 120, 2016 120, undated 3\n"},
		{"a year of months, all of them", "Months", months[:12], 80,
			"Months:  2007-01 10, 2007-02 10, 2007-03 10, 2007-04 10, 2007-05 10, 2007-06 10,\n" +
				"         2007-07 10, 2007-08 10, 2007-09 10, 2007-10 10, 2007-11 10, 2007-12 10\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		p := &printer{w: &b, width: tt.width}
		p.facet(tt.title, tt.vs)
		if b.String() != tt.want {
			t.Errorf("%s:\n%s\nwant\n%s", tt.name, b.String(), tt.want)
		}
		for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			if len(l) > tt.width {
				t.Errorf("%s: line of %d columns: %q", tt.name, len(l), l)
			}
		}
	}
}
