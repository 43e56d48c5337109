package query

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/google/go-cmp/cmp"

	"newsdex/internal/item"
	"newsdex/internal/schema"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err)
		}
	}
	return t.UTC()
}

// fixture is a small news collection whose every count the tests know.
var fixture = []item.Item{
	{ID: "a1", Kind: item.Article, Region: "Europe", Date: day("1987-03-02"), Dateline: "LONDON",
		Title: "Bank of England cuts interest rates",
		Body:  "The Bank of England cut its interest rates by half a point on Monday, the first cut this year.\n\nDealers said sterling held firm."},
	{ID: "a2", Kind: item.Article, Region: "Americas", Date: day("1987-03-15"), Dateline: "NEW YORK",
		Title: "OPEC output rises as oil prices fall",
		Body:  "OPEC output rose in March while crude oil prices fell, analysts said. Saudi Arabia kept its production unchanged."},
	{ID: "a3", Kind: item.Article, Region: "Middle East", Date: day("1987-03-16"), Dateline: "RIYADH",
		Title: "OPEC production steady",
		Body:  "OPEC production held steady in March, oil ministers said, and output quotas will stay."},
	{ID: "a4", Kind: item.Article, Region: "Asia Pacific", Date: day("1987-04-01"), Dateline: "TOKYO",
		Title: "Japan trade surplus widens",
		Body:  "Japan's trade surplus with the United States widened as exports rose and imports fell."},
	{ID: "a5", Kind: item.Article, Region: "Europe", Date: day("1987-02-20"), Dateline: "PARIS",
		Title: "French wheat exports climb",
		Body:  "French wheat exports climbed in February, the farm ministry said, with record shipments of wheat."},
	{ID: "a6", Kind: item.Article, Region: "Americas", Date: day("1987-04-10"), Dateline: "NEW YORK",
		Title: "Cocoa prices hit low",
		Body:  "Cocoa futures hit a two-year low as traders showed little interest in cocoa."},
	{ID: "a7", Kind: item.Article, Region: "Europe", Date: day("1987-03-20"), Dateline: "LONDON",
		Title:   "Crude oil falls in London trading",
		Body:    "Brent crude oil prices fell in London trading on Friday.",
		Caption: "An oil platform in the North Sea"},
	{ID: "a8", Kind: item.Article, Date: day("1987-03-15"),
		Title: "Markets quiet",
		Body:  "Trading was quiet and rates were unchanged."},
	{ID: "t1", Kind: item.Teaser, Region: "Europe", Date: day("1987-03-02T10:30:00Z"),
		Title: "Rates cut in London", Summary: "The Bank of England lowered interest rates."},
	{ID: "t2", Kind: item.Teaser, Region: "Asia Pacific", Date: day("1987-04-02T08:00:00Z"),
		Title: "Exporters cheer weaker yen", Summary: "Japanese exporters welcomed the weaker yen."},
}

func newIndex(t testing.TB, items []item.Item) bleve.Index {
	t.Helper()
	idx, err := bleve.NewUsing("", schema.Mapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	b := idx.NewBatch()
	for i := range items {
		if err := b.Index(items[i].ID, schema.Document(&items[i])); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	return idx
}

func fixtureSearcher(t testing.TB) *Searcher {
	s := NewSearcher(newIndex(t, fixture))
	s.now = func() time.Time { return day("1987-04-11T12:00:00Z") }
	return s
}

func ids(r *Response) []string {
	out := []string{}
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func sorted(s []string) []string {
	s = append([]string{}, s...)
	sort.Strings(s)
	return s
}

func mustSearch(t *testing.T, s *Searcher, r Request) *Response {
	t.Helper()
	resp, err := s.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("Search(%+v): %v", r, err)
	}
	return resp
}

// TestSearchMatches checks which items each query and filter finds.
func TestSearchMatches(t *testing.T) {
	s := fixtureSearcher(t)
	tests := []struct {
		name string
		req  Request
		want []string
	}{
		{"all", Request{}, []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "t1", "t2"}},
		{"word stems", Request{Query: "rate"}, []string{"a1", "a8", "t1"}},
		{"two words both match", Request{Query: "crude prices"}, []string{"a2", "a7"}},
		{"AND", Request{Query: "oil AND london"}, []string{"a7"}},
		{"OR", Request{Query: "cocoa OR wheat"}, []string{"a5", "a6"}},
		{"NOT", Request{Query: "opec NOT saudi"}, []string{"a3"}},
		{"minus", Request{Query: "opec -saudi"}, []string{"a3"}},
		{"only NOT", Request{Query: "-oil -rates"}, []string{"a4", "a5", "a6", "t2"}},
		{"parentheses", Request{Query: "opec AND (output OR production) NOT saudi"}, []string{"a3"}},
		{"phrase", Request{Query: `"interest rates"`}, []string{"a1", "t1"}},
		{"phrase with stop word", Request{Query: `"bank of england"`}, []string{"a1", "t1"}},
		{"phrase order matters", Request{Query: `"rates interest"`}, []string{}},
		{"field title", Request{Query: "title:oil"}, []string{"a2", "a7"}},
		{"field body phrase", Request{Query: `body:"crude oil prices"`}, []string{"a2", "a7"}},
		{"field summary", Request{Query: "summary:yen"}, []string{"t2"}},
		{"field caption", Request{Query: "caption:platform"}, []string{"a7"}},
		{"field region", Request{Query: "region:europe"}, []string{"a1", "a5", "a7", "t1"}},
		{"field region phrase", Request{Query: `region:"asia pacific"`}, []string{"a4", "t2"}},
		{"field dateline", Request{Query: `dateline:"new york"`}, []string{"a2", "a6"}},
		{"prefix", Request{Query: "export*"}, []string{"a4", "a5", "t2"}},
		{"fuzzy", Request{Query: "cocao~"}, []string{"a6"}},
		{"fuzzy 2", Request{Query: "wehat~2"}, []string{"a5"}},
		{"boost keeps matches", Request{Query: "oil^3"}, []string{"a2", "a3", "a7"}},
		{"stop word alone", Request{Query: "the"}, []string{"a1", "a4", "a5", "a7", "t1", "t2"}},
		{"stop word optional beside others", Request{Query: "the cocoa"}, []string{"a6"}},
		{"stop words only, all required", Request{Query: "the of"}, []string{"a1", "a5", "t1"}},
		{"phrase of stop words", Request{Query: `"of england"`}, []string{"a1", "t1"}},
		{"phrase is exact", Request{Query: `"the bank of"`}, []string{"a1", "t1"}},
		{"stemmed word", Request{Query: "exporter"}, []string{"a4", "a5", "t2"}},
		{"prefix on words as written", Request{Query: "export*"}, []string{"a4", "a5", "t2"}},
		{"prefix matches as the stems of its words", Request{Query: "exporte*"}, []string{"a4", "a5", "t2"}},
		{"prefix of nothing", Request{Query: "zebr*"}, []string{}},
		{"fuzzy", Request{Query: "yeen~1"}, []string{"t2"}},
		{"wildcard", Request{Query: "wid?ned"}, []string{"a4"}},
		{"source field", Request{Query: "source:\"velbrook gazette\""}, []string{}},
		{"AT&T whole", Request{Query: "AT&T"}, []string{}},
		{"no match", Request{Query: "zebra"}, []string{}},
		{"region filter", Request{Regions: []string{"EUROPE"}}, []string{"a1", "a5", "a7", "t1"}},
		{"regions any", Request{Regions: []string{"europe", "Asia Pacific"}}, []string{"a1", "a4", "a5", "a7", "t1", "t2"}},
		{"region and query", Request{Query: "oil", Regions: []string{"Europe"}}, []string{"a7"}},
		{"kind teaser", Request{Kind: "teaser"}, []string{"t1", "t2"}},
		{"kind article query", Request{Query: "rates", Kind: "Article"}, []string{"a1", "a8"}},
		{"from day", Request{From: "1987-04-01"}, []string{"a4", "a6", "t2"}},
		{"to day inclusive", Request{To: "1987-03-02"}, []string{"a1", "a5", "t1"}},
		{"from to same day", Request{From: "1987-03-15", To: "1987-03-16"}, []string{"a2", "a3", "a8"}},
		{"month", Request{From: "1987-02", To: "1987-02"}, []string{"a5"}},
		{"rfc3339", Request{From: "1987-03-02T10:00:00Z", To: "1987-03-02T11:00:00Z"}, []string{"t1"}},
		{"relative", Request{From: "2d"}, []string{"a6"}},
		{"date and region and query", Request{Query: "oil", From: "1987-03-16", Regions: []string{"europe"}}, []string{"a7"}},
		{"everything filtered", Request{Query: "oil", Kind: "teaser", Regions: []string{"Europe"}, From: "1987-01-01"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Limit = 100
			tt.req.Facets = []string{"kind", "month"}
			r := mustSearch(t, s, tt.req)
			if diff := cmp.Diff(tt.want, sorted(ids(r))); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			if r.Total != uint64(len(tt.want)) {
				t.Errorf("total %d, want %d", r.Total, len(tt.want))
			}
			// Facets add up to the total.
			for name, vs := range r.Facets {
				n := 0
				for _, v := range vs {
					n += v.Count
				}
				if uint64(n) != r.Total {
					t.Errorf("facet %s adds up to %d, total %d: %v", name, n, r.Total, vs)
				}
			}
		})
	}
}

func TestSearchSorts(t *testing.T) {
	s := fixtureSearcher(t)
	r := mustSearch(t, s, Request{Limit: 100})
	want := []string{"a6", "t2", "a4", "a7", "a3", "a2", "a8", "t1", "a1", "a5"} // newest first, ties by id
	if diff := cmp.Diff(want, ids(r)); diff != "" {
		t.Errorf("default sort without query (-want +got):\n%s", diff)
	}
	r = mustSearch(t, s, Request{Sort: "oldest", Limit: 100})
	wantOld := []string{"a5", "a1", "t1", "a2", "a8", "a3", "a7", "a4", "t2", "a6"}
	if diff := cmp.Diff(wantOld, ids(r)); diff != "" {
		t.Errorf("oldest (-want +got):\n%s", diff)
	}
	// Relevance: the title boost puts the headline match first.
	r = mustSearch(t, s, Request{Query: "cocoa OR wheat OR japan"})
	if r.Hits[0].Score < r.Hits[len(r.Hits)-1].Score {
		t.Errorf("relevance not descending: %v", r.Hits)
	}
	for i := 1; i < len(r.Hits); i++ {
		if r.Hits[i].Score > r.Hits[i-1].Score {
			t.Errorf("hit %d scores above hit %d", i, i-1)
		}
	}
	r = mustSearch(t, s, Request{Query: "oil"})
	if r.Hits[len(r.Hits)-1].ID != "a3" {
		t.Errorf("oil: a3 (oil only in the body) should rank last: %v", ids(r))
	}
	r = mustSearch(t, s, Request{Query: "oil", Sort: "newest"})
	if diff := cmp.Diff([]string{"a7", "a3", "a2"}, ids(r)); diff != "" {
		t.Errorf("oil newest (-want +got):\n%s", diff)
	}
}

func TestSearchPaging(t *testing.T) {
	s := fixtureSearcher(t)
	for _, sortName := range []string{"newest", "oldest", "relevance"} {
		q := ""
		if sortName == "relevance" {
			q = "the OR oil OR rates OR exports OR opec OR cocoa OR wheat OR markets OR yen"
		}
		all := ids(mustSearch(t, s, Request{Query: q, Sort: sortName, Limit: 100}))
		// Pages.
		var paged []string
		for page := 1; ; page++ {
			r := mustSearch(t, s, Request{Query: q, Sort: sortName, Limit: 3, Page: page})
			paged = append(paged, ids(r)...)
			if r.Next == "" {
				if len(paged) != len(all) {
					t.Errorf("%s: no next on page %d after %d of %d hits", sortName, page, len(paged), len(all))
				}
				break
			}
			if page > 10 {
				t.Fatal("too many pages")
			}
		}
		if diff := cmp.Diff(all, paged); diff != "" {
			t.Errorf("%s: pages differ from one long page (-want +got):\n%s", sortName, diff)
		}
		// Cursors.
		var cursored []string
		after := ""
		for i := 0; ; i++ {
			r := mustSearch(t, s, Request{Query: q, Sort: sortName, Limit: 4, After: after})
			if r.Total != uint64(len(all)) {
				t.Errorf("%s: total %d with after, want %d", sortName, r.Total, len(all))
			}
			cursored = append(cursored, ids(r)...)
			if r.Next == "" {
				break
			}
			after = r.Next
			if i > 10 {
				t.Fatal("too many pages")
			}
		}
		if diff := cmp.Diff(all, cursored); diff != "" {
			t.Errorf("%s: after pages differ from one long page (-want +got):\n%s", sortName, diff)
		}
	}
	// Exactly one full page: no next.
	r := mustSearch(t, s, Request{Kind: "teaser", Limit: 2})
	if r.Next != "" {
		t.Errorf("next %q on the only page", r.Next)
	}
	r = mustSearch(t, s, Request{Kind: "teaser", Limit: 1})
	r = mustSearch(t, s, Request{Kind: "teaser", Limit: 1, After: r.Next})
	if len(r.Hits) != 1 || r.Next != "" {
		t.Errorf("last page by cursor: %v next %q", ids(r), r.Next)
	}
	// Past the end.
	r = mustSearch(t, s, Request{Limit: 5, Page: 7})
	if len(r.Hits) != 0 || r.Total != 10 || r.Next != "" {
		t.Errorf("past the end: %v total %d next %q", ids(r), r.Total, r.Next)
	}
}

func TestSearchHighlights(t *testing.T) {
	s := fixtureSearcher(t)
	r := mustSearch(t, s, Request{Query: "cocoa"})
	if len(r.Hits) != 1 {
		t.Fatalf("hits %v", ids(r))
	}
	h := r.Hits[0].Highlights
	if got, want := h["title"], []string{"<mark>Cocoa</mark> prices hit low"}; !cmp.Equal(got, want) {
		t.Errorf("title highlight %q, want %q", got, want)
	}
	if len(h["body"]) != 1 || !strings.Contains(h["body"][0], "<mark>Cocoa</mark> futures") || !strings.Contains(h["body"][0], "in <mark>cocoa</mark>") {
		t.Errorf("body highlight %q", h["body"])
	}
	r = mustSearch(t, s, Request{Query: "yen"})
	if got := r.Hits[0].Highlights["summary"]; len(got) != 1 || !strings.Contains(got[0], "weaker <mark>yen</mark>") {
		t.Errorf("teaser summary highlight %q", got)
	}
	if _, ok := r.Hits[0].Highlights["body"]; ok {
		t.Errorf("teaser has a body highlight")
	}
	// HTML in the text is escaped.
	s2 := NewSearcher(newIndex(t, []item.Item{{ID: "x", Kind: item.Article, Date: day("2020-01-01"), Title: "AT&T <b>bids</b>", Body: "AT&T bids"}}))
	r = mustSearch(t, s2, Request{Query: "bids"})
	if got, want := r.Hits[0].Highlights["title"], []string{"AT&amp;T &lt;b&gt;<mark>bids</mark>&lt;/b&gt;"}; !cmp.Equal(got, want) {
		t.Errorf("escaped title %q, want %q", got, want)
	}
}

func TestSearchFacets(t *testing.T) {
	s := fixtureSearcher(t)
	all := []string{"region", "kind", "month"}
	r := mustSearch(t, s, Request{Limit: 1, Facets: all})
	want := Facets{
		"region": []FacetValue{{"Europe", 4}, {"Americas", 2}, {"Asia Pacific", 2}, {"Middle East", 1}},
		"kind":   []FacetValue{{"article", 8}, {"teaser", 2}},
		"month":  []FacetValue{{"1987-02", 1}, {"1987-03", 6}, {"1987-04", 3}},
	}
	if diff := cmp.Diff(want, r.Facets); diff != "" {
		t.Errorf("facets (-want +got):\n%s", diff)
	}
	// Over the whole result set, whatever the page, and trimmed to the months with hits.
	r = mustSearch(t, s, Request{Query: "oil OR cocoa", Limit: 1, Page: 2, Facets: all})
	want = Facets{
		"region": []FacetValue{{"Americas", 2}, {"Europe", 1}, {"Middle East", 1}},
		"kind":   []FacetValue{{"article", 4}},
		"month":  []FacetValue{{"1987-03", 3}, {"1987-04", 1}},
	}
	if diff := cmp.Diff(want, r.Facets); diff != "" {
		t.Errorf("facets (-want +got):\n%s", diff)
	}
	// Months without hits are left out.
	r = mustSearch(t, s, Request{Query: "wheat OR cocoa", Facets: []string{"Month"}})
	if diff := cmp.Diff(Facets{"month": {{"1987-02", 1}, {"1987-04", 1}}}, r.Facets); diff != "" {
		t.Errorf("months (-want +got):\n%s", diff)
	}
	r = mustSearch(t, s, Request{Query: "zebra", Facets: all})
	if diff := cmp.Diff(Facets{"region": []FacetValue{}, "kind": []FacetValue{}, "month": []FacetValue{}}, r.Facets); diff != "" {
		t.Errorf("empty facets (-want +got):\n%s", diff)
	}
	// None asked for, none computed.
	if r := mustSearch(t, s, Request{Query: "oil"}); r.Facets != nil {
		t.Errorf("facets not asked for: %v", r.Facets)
	}
	// Count only: the total and the facets asked for, no hits.
	r = mustSearch(t, s, Request{Query: "oil", CountOnly: true, Facets: []string{"kind"}})
	if r.Total != 3 || len(r.Hits) != 0 || r.Next != "" {
		t.Errorf("count only: total %d, %d hits, next %q", r.Total, len(r.Hits), r.Next)
	}
	if diff := cmp.Diff(Facets{"kind": {{"article", 3}}}, r.Facets); diff != "" {
		t.Errorf("count-only facets (-want +got):\n%s", diff)
	}
}

func TestResponseJSON(t *testing.T) {
	s := fixtureSearcher(t)
	r := mustSearch(t, s, Request{Query: "yen"})
	r.TookMs = 1.5
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	hit := got["hits"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "kind", "title", "region", "date", "summary", "score", "highlights"} {
		if _, ok := hit[k]; !ok {
			t.Errorf("hit lacks %q: %s", k, b.String())
		}
	}
	for _, k := range []string{"body", "dateline", "pages", "url"} {
		if _, ok := hit[k]; ok {
			t.Errorf("hit has %q: %s", k, b.String())
		}
	}
	if !strings.Contains(b.String(), `"summary":["Japanese exporters welcomed the weaker <mark>yen</mark>."]`) {
		t.Errorf("summary highlight not plain <mark>: %s", b.String())
	}
	if _, ok := got["next"]; ok {
		t.Errorf("next present without more hits")
	}
	if !strings.HasSuffix(b.String(), "}\n") || strings.Count(b.String(), "\n") != 1 {
		t.Errorf("not one line: %q", b.String())
	}
	// Empty result: hits is [], not null.
	r = mustSearch(t, s, Request{Query: "zebra"})
	b.Reset()
	r.TookMs = 0
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), `{"total":0,"took_ms":0,"hits":[]}`+"\n"; got != want {
		t.Errorf("empty response\n got %s\nwant %s", got, want)
	}
}

func TestGet(t *testing.T) {
	s := fixtureSearcher(t)
	it, err := s.Get(context.Background(), "a7")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fixture[6], *it); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	for _, id := range []string{"nope", ""} {
		if _, err := s.Get(context.Background(), id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q) = %v, want ErrNotFound", id, err)
		}
	}
}

func TestSearchCancelled(t *testing.T) {
	s := fixtureSearcher(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Search(ctx, Request{Query: "oil"}); err == nil {
		t.Errorf("no error from a cancelled search")
	}
}

func TestSearchEmptyIndex(t *testing.T) {
	s := NewSearcher(newIndex(t, nil))
	r := mustSearch(t, s, Request{Query: "oil", From: "2020-01-01", Facets: []string{"month"}})
	if r.Total != 0 || len(r.Hits) != 0 || r.Facets["month"] == nil {
		t.Errorf("empty index: %+v", r)
	}
}

func TestMonthFacetSpansCenturies(t *testing.T) {
	s := NewSearcher(newIndex(t, []item.Item{
		{ID: "old", Kind: item.Article, Title: "x", Date: day("1912-04-15")},
		{ID: "new", Kind: item.Article, Title: "y", Date: day("2024-01-31T23:59:59Z")},
	}))
	r := mustSearch(t, s, Request{Facets: []string{"month"}})
	if diff := cmp.Diff([]FacetValue{{"1912-04", 1}, {"2024-01", 1}}, r.Facets["month"]); diff != "" {
		t.Errorf("months (-want +got):\n%s", diff)
	}
}

func TestSearchSourcesAndBylines(t *testing.T) {
	s := NewSearcher(newIndex(t, []item.Item{
		{ID: "r1", Kind: item.Article, Date: day("2021-10-04"), Source: "Reuters", Byline: "Reporting by Jane Doe; Editing by Sam Roe",
			Title: "AT&T bids for GANDER MOUNTAIN <GNDR.O>", Body: "The U.S. company said it would bid."},
		{ID: "v1", Kind: item.Article, Date: day("2021-10-05"), Source: "Velbrook Gazette", Byline: "By John Smith",
			Title: "The Who play Velbrook", Body: "To be or not to be, the band said."},
		{ID: "n1", Kind: item.Article, Date: day("2021-10-06"), Title: "Who said what", Body: "Nobody knows, he said."},
	}))
	for _, tc := range []struct {
		name string
		r    Request
		want []string
	}{
		{"source filter, any case", Request{Sources: []string{"reuters"}}, []string{"r1"}},
		{"source filter repeated", Request{Sources: []string{"REUTERS", "velbrook gazette"}}, []string{"r1", "v1"}},
		{"source field", Request{Query: `source:"Velbrook Gazette"`}, []string{"v1"}},
		{"byline", Request{Query: "byline:doe"}, []string{"r1"}},
		{"author alias, phrase", Request{Query: `author:"john smith"`}, []string{"v1"}},
		{"ticker part", Request{Query: "GNDR"}, []string{"r1"}},
		{"ticker whole", Request{Query: "gndr.o"}, []string{"r1"}},
		{"AT&T whole", Request{Query: "AT&T"}, []string{"r1"}},
		{"dotted abbreviation", Request{Query: "U.S."}, []string{"r1"}},
		{"phrase of stop words", Request{Query: `"to be or not to be"`}, []string{"v1"}},
		{"the who", Request{Query: `"the who"`}, []string{"v1"}},
		{"who alone", Request{Query: "who"}, []string{"n1", "v1"}},
	} {
		tc.r.Limit = 10
		r := mustSearch(t, s, tc.r)
		if diff := cmp.Diff(tc.want, sorted(ids(r))); diff != "" {
			t.Errorf("%s: hits (-want +got):\n%s", tc.name, diff)
		}
	}
	r := mustSearch(t, s, Request{Facets: []string{"source"}})
	if diff := cmp.Diff(Facets{"source": {{"Reuters", 1}, {"Velbrook Gazette", 1}}}, r.Facets); diff != "" {
		t.Errorf("source facet (-want +got):\n%s", diff)
	}
	// The ticker's part is marked alone in the highlight.
	r = mustSearch(t, s, Request{Query: "GNDR"})
	if got := r.Hits[0].Highlights["title"]; len(got) != 1 || !strings.Contains(got[0], "<mark>GNDR</mark>.O") {
		t.Errorf("ticker highlight %q", got)
	}
}

func TestSearchExpansionsBounded(t *testing.T) {
	var items []item.Item
	for i := 0; i < 300; i++ {
		items = append(items, item.Item{ID: fmt.Sprintf("x%d", i), Kind: item.Article, Date: day("2021-01-01"),
			Title: fmt.Sprintf("w%03d a%d b%d", i, i%7, i%11)})
	}
	s := NewSearcher(newIndex(t, items))
	// Within the budget: a prefix over 300 words.
	if r := mustSearch(t, s, Request{Query: "w*"}); r.Total != 300 {
		t.Errorf("w* found %d, want 300", r.Total)
	}
	// Past it, counted over the whole query: a 400 naming the term.
	_, err := s.Search(context.Background(), Request{Query: strings.Repeat("a~2 ", 300)})
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "q" || !strings.Contains(pe.Msg, "a~2 matches more than") {
		t.Errorf("a~2 x300: %v, want a q error naming a~2", err)
	}
	// Expansion stops when the search is cancelled.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Search(ctx, Request{Query: "w*"}); err == nil || errors.As(err, &pe) {
		t.Errorf("cancelled expansion: %v", err)
	}
}

func TestDidYouMeanAndNotes(t *testing.T) {
	var items []item.Item
	for i := 0; i < 12; i++ {
		items = append(items, item.Item{ID: fmt.Sprintf("b%d", i), Kind: item.Article, Region: "Europe", Date: day("1987-03-02"),
			Title: "Bundesbank holds rates", Body: "The Bundesbank said on Monday it kept its rates."})
	}
	s := NewSearcher(newIndex(t, items))
	r := mustSearch(t, s, Request{Query: "bundesbnak rates"})
	if r.Total != 0 || r.DidYouMean != "bundesbank rates" {
		t.Errorf("did_you_mean %q (total %d), want \"bundesbank rates\"", r.DidYouMean, r.Total)
	}
	if r := mustSearch(t, s, Request{Query: "bundesbank"}); r.DidYouMean != "" {
		t.Errorf("did_you_mean %q for a query with hits", r.DidYouMean)
	}
	r = mustSearch(t, s, Request{Query: "rates or monday &", Regions: []string{"europ"}, Page: 3})
	want := []string{
		`"or" was searched as a word; write OR for the operator`,
		`"&" has no letters or digits and was left out`,
		`no item has region "europ"; the closest known: Europe`,
	}
	if diff := cmp.Diff(want, r.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	r = mustSearch(t, s, Request{Query: "rates", Page: 3})
	if diff := cmp.Diff([]string{"page 3 is past the end: the last page is 2"}, r.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

// TestSearchPhrasePairs checks phrases of two common words, which match one
// term of the pairs field, against longer phrases and phrases with a rarer
// word, which match by the words field's positions: the same semantics
// (words side by side, in order, in any form of their stem) and the same
// highlights.
func TestSearchPhrasePairs(t *testing.T) {
	items := []item.Item{
		{ID: "p1", Kind: item.Article, Date: day("2020-01-01"), Title: "Markets", Body: "Interest rates rose."},
		{ID: "p2", Kind: item.Article, Date: day("2020-01-02"), Title: "Markets", Body: "The interest rate was cut."},
		{ID: "p3", Kind: item.Article, Date: day("2020-01-03"), Title: "Markets", Body: "Little interest in rates."},
		{ID: "p4", Kind: item.Article, Date: day("2020-01-04"), Title: "Rates of interest", Body: "Rates, interest."},
		{ID: "p5", Kind: item.Article, Date: day("2020-01-05"), Title: "Zoology", Body: "A zyzzyva interest grew."},
		// The pair across two fields is no phrase.
		{ID: "p6", Kind: item.Article, Date: day("2020-01-06"), Title: "Interest", Body: "Rates held."},
	}
	s := NewSearcher(newIndex(t, items))
	for _, tc := range []struct {
		q    string
		want []string
		mark map[string]string // id: its body highlight
	}{
		{`"interest rates"`, []string{"p1", "p2"}, map[string]string{
			"p1": "<mark>Interest rates</mark> rose.",
			"p2": "The <mark>interest rate</mark> was cut.",
		}},
		{`"rates interest"`, []string{"p4"}, map[string]string{"p4": "<mark>Rates, interest</mark>."}},
		{`"interest rate was"`, []string{"p2"}, map[string]string{"p2": "The <mark>interest</mark> <mark>rate</mark> <mark>was</mark> cut."}},
		{`"zyzzyva interest"`, []string{"p5"}, map[string]string{"p5": "A <mark>zyzzyva</mark> <mark>interest</mark> grew."}},
		{`"interest in rates"`, []string{"p3"}, nil},
	} {
		r := mustSearch(t, s, Request{Query: tc.q})
		if got := sorted(ids(r)); !cmp.Equal(got, tc.want) {
			t.Errorf("%s: hits %v, want %v", tc.q, got, tc.want)
		}
		for _, h := range r.Hits {
			if want, ok := tc.mark[h.ID]; ok {
				if got := h.Highlights["body"]; !cmp.Equal(got, []string{want}) {
					t.Errorf("%s: %s's body highlight %q, want %q", tc.q, h.ID, got, want)
				}
			}
		}
	}
}
