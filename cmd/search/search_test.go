package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/catalog"
	"newsdex/internal/cli"
	"newsdex/internal/indexer"
	"newsdex/internal/item"
	"newsdex/internal/query"
	"newsdex/internal/store"
	"newsdex/internal/testenv"
)

// Tests of the search command, run in the process (run) on an index of
// testdata/. What they expect comes from the items themselves (catalog.Export),
// so that they hold as testdata grows. e2e_test.go runs the built binary.

var (
	testOnce  sync.Once
	testDir   string
	testItems []item.Item
	testErr   error
)

// testIndex builds an index of testdata/ once and returns its folder and the
// items it holds.
func testIndex(t *testing.T) (string, []item.Item) {
	t.Helper()
	root := testenv.Root(t)
	testOnce.Do(func() {
		testErr = func() error {
			dir, err := os.MkdirTemp("", "newsdex-search-test-")
			if err != nil {
				return err
			}
			testDir = filepath.Join(dir, "ix")
			if _, err := indexer.Build(context.Background(), testDir, []string{filepath.Join(root, "testdata")}, indexer.Options{}); err != nil {
				return fmt.Errorf("building an index of testdata: %w", err)
			}
			ix, err := store.Open(testDir)
			if err != nil {
				return err
			}
			defer ix.Close()
			var out bytes.Buffer
			if _, err := catalog.Export(context.Background(), ix, &out); err != nil {
				return err
			}
			dec := json.NewDecoder(&out)
			for dec.More() {
				var it item.Item
				if err := dec.Decode(&it); err != nil {
					return err
				}
				testItems = append(testItems, it)
			}
			return nil
		}()
	})
	if testErr != nil {
		t.Fatal(testErr)
	}
	if len(testItems) < 10 {
		t.Fatalf("testdata index holds %d items; the tests need more", len(testItems))
	}
	return testDir, testItems
}

type result struct {
	code           int
	stdout, stderr string
}

// run runs "search args..." in the process, $NEWSDEX_INDEX unset.
func run(t *testing.T, args ...string) result {
	t.Helper()
	t.Setenv(store.EnvDir, "")
	ios, out, errb := testIO("")
	code := cli.Run(context.Background(), newCmdRoot(ios), ios, args)
	return result{code, out.String(), errb.String()}
}

// searchJSON runs search --json and decodes the response.
func searchJSON(t *testing.T, dir string, args ...string) *query.Response {
	t.Helper()
	r := run(t, append([]string{"--index", dir, "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("search %q: exit %d: %s", args, r.code, r.stderr)
	}
	var resp query.Response
	if err := json.Unmarshal([]byte(r.stdout), &resp); err != nil {
		t.Fatalf("search %q: %v\n%s", args, err, r.stdout)
	}
	return &resp
}

// hitIDs runs a query for all its hits and returns their ids, sorted.
func hitIDs(t *testing.T, dir string, args ...string) []string {
	t.Helper()
	resp := searchJSON(t, dir, append([]string{"--limit", "1000", "--expand"}, args...)...)
	if resp.Total != uint64(len(resp.Hits)) {
		t.Fatalf("%q: total %d, %d hits", args, resp.Total, len(resp.Hits))
	}
	ids := []string{}
	for _, h := range resp.Hits {
		ids = append(ids, h.ID)
	}
	sort.Strings(ids)
	return ids
}

func idsOf(items []item.Item, keep func(*item.Item) bool) []string {
	ids := []string{}
	for i := range items {
		if keep(&items[i]) {
			ids = append(ids, items[i].ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func text(it *item.Item) string {
	return strings.ToLower(strings.Join([]string{it.Title, it.Body, it.Summary, it.Caption}, "\n"))
}

func hasWord(s, w string) bool {
	return regexp.MustCompile(`\b` + regexp.QuoteMeta(w) + `\b`).MatchString(s)
}

func set(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func subset(a, b []string) bool {
	sb := set(b)
	for _, x := range a {
		if !sb[x] {
			return false
		}
	}
	return true
}

// commonWord is a word that many, but not all, items hold, and a region
// label that several items carry: the tests' probes.
func probes(items []item.Item) (word string, region string) {
	counts := map[string]int{}
	for i := range items {
		seen := map[string]bool{}
		for _, w := range regexp.MustCompile(`[a-z]{4,}`).FindAllString(text(&items[i]), -1) {
			if !seen[w] {
				seen[w] = true
				counts[w]++
			}
		}
	}
	best := 0
	for _, w := range []string{"bank", "said", "rate", "trade", "market", "prices", "first"} {
		if n := counts[w]; n > best && n < len(items) {
			best, word = n, w
		}
	}
	regions := map[string]int{}
	for _, it := range items {
		if it.Region != "" {
			regions[it.Region]++
		}
	}
	for r, n := range regions {
		if n > regions[region] || n == regions[region] && r < region {
			region = r
		}
	}
	return word, region
}

func TestFilterCounts(t *testing.T) {
	dir, items := testIndex(t)
	_, region := probes(items)
	// Dates: the median item's day, and the month of the first.
	days := []string{}
	for _, it := range items {
		days = append(days, it.Day())
	}
	sort.Strings(days)
	mid := days[len(days)/2]
	month := days[0][:7]
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"all", nil, idsOf(items, func(*item.Item) bool { return true })},
		{"region", []string{"--region", strings.ToUpper(region)}, idsOf(items, func(it *item.Item) bool { return strings.EqualFold(it.Region, region) })},
		{"kind article", []string{"--kind", "article"}, idsOf(items, func(it *item.Item) bool { return it.Kind == item.Article })},
		{"kind teaser", []string{"--kind", "teaser"}, idsOf(items, func(it *item.Item) bool { return it.Kind == item.Teaser })},
		{"from", []string{"--from", mid}, idsOf(items, func(it *item.Item) bool { return it.Day() >= mid })},
		{"to", []string{"--to", mid}, idsOf(items, func(it *item.Item) bool { return it.Day() <= mid })},
		{"one day", []string{"--from", mid, "--to", mid}, idsOf(items, func(it *item.Item) bool { return it.Day() == mid })},
		{"month", []string{"--from", month, "--to", month}, idsOf(items, func(it *item.Item) bool { return it.Day()[:7] == month })},
		{"rfc3339", []string{"--from", mid + "T00:00:00Z", "--to", mid + "T23:59:59Z"}, idsOf(items, func(it *item.Item) bool { return it.Day() == mid })},
		{"region kind date", []string{"--region", region, "--kind", "article", "--to", mid}, idsOf(items, func(it *item.Item) bool {
			return strings.EqualFold(it.Region, region) && it.Kind == item.Article && it.Day() <= mid
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, hitIDs(t, dir, tt.args...)); diff != "" {
				t.Errorf("search %q (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestQueries(t *testing.T) {
	dir, items := testIndex(t)
	word, _ := probes(items)
	if word == "" {
		t.Fatal("no probe word in testdata")
	}
	withWord := idsOf(items, func(it *item.Item) bool { return hasWord(text(it), word) })
	withStem := idsOf(items, func(it *item.Item) bool { return strings.Contains(text(it), word) })
	got := hitIDs(t, dir, word)
	if len(got) == 0 || !subset(withWord, got) || !subset(got, withStem) {
		t.Errorf("%s: hits %v; items with the word %v; items with it inside %v", word, got, withWord, withStem)
	}

	// Operators, as set algebra over the binary's own answers.
	a, b := "bank", "rates"
	A, B := set(hitIDs(t, dir, a)), set(hitIDs(t, dir, b))
	var and, or, not []string
	for _, it := range items {
		id := it.ID
		if A[id] && B[id] {
			and = append(and, id)
		}
		if A[id] || B[id] {
			or = append(or, id)
		}
		if A[id] && !B[id] {
			not = append(not, id)
		}
	}
	sort.Strings(and)
	sort.Strings(or)
	sort.Strings(not)
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{a + " " + b, and}, {a + " AND " + b, and}, {a + " OR " + b, or},
		{a + " NOT " + b, not}, {a + " -" + b, not},
		{"(" + a + " OR " + b + ") AND " + a, idsOf(items, func(it *item.Item) bool { return A[it.ID] })},
		{"NOT " + a, idsOf(items, func(it *item.Item) bool { return !A[it.ID] })},
	} {
		if diff := cmp.Diff(nonNil(tc.want), hitIDs(t, dir, "--", tc.q)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.q, diff)
		}
	}

	// A phrase: exactly the items that hold it.
	phrase := "central bank"
	want := idsOf(items, func(it *item.Item) bool {
		return strings.Contains(strings.Join(strings.Fields(text(it)), " "), phrase)
	})
	if len(want) == 0 {
		t.Fatalf("no item holds %q", phrase)
	}
	if diff := cmp.Diff(want, hitIDs(t, dir, `"`+phrase+`"`)); diff != "" {
		t.Errorf("phrase (-want +got):\n%s", diff)
	}
	// The same words, not as a phrase, match at least as much.
	if loose := hitIDs(t, dir, phrase); !subset(want, loose) {
		t.Errorf("words %v do not cover the phrase %v", loose, want)
	}

	// Fields.
	titled := hitIDs(t, dir, "title:"+a)
	if !subset(titled, idsOf(items, func(it *item.Item) bool { return strings.Contains(strings.ToLower(it.Title), a) })) || len(titled) == 0 {
		t.Errorf("title:%s %v", a, titled)
	}
	_, region := probes(items)
	if diff := cmp.Diff(hitIDs(t, dir, "--region", region), hitIDs(t, dir, `region:"`+region+`"`)); diff != "" {
		t.Errorf("region: field and --region differ:\n%s", diff)
	}
	// Prefix and fuzzy.
	pre := hitIDs(t, dir, "rat*")
	if !subset(idsOf(items, func(it *item.Item) bool { return regexp.MustCompile(`\brat`).MatchString(text(it)) }), pre) {
		t.Errorf("rat*: %v", pre)
	}
	if fz := hitIDs(t, dir, "bamk~"); !subset(idsOf(items, func(it *item.Item) bool { return hasWord(text(it), "bank") }), fz) {
		t.Errorf("bamk~: %v", fz)
	}
	// Nothing: total 0, exit 0.
	resp := searchJSON(t, dir, "zzyzxquux")
	if resp.Total != 0 || len(resp.Hits) != 0 {
		t.Errorf("no match: %+v", resp)
	}
	r := run(t, "--index", dir, "zzyzxquux")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "0 hits in ") {
		t.Errorf("no match for people: exit %d %q", r.code, r.stdout)
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestSortsAndPaging(t *testing.T) {
	dir, _ := testIndex(t)
	for _, tc := range []struct {
		sort string
		args []string
	}{
		{"newest", nil}, {"oldest", nil}, {"relevance", []string{"bank OR rates OR oil OR said"}},
	} {
		all := searchJSON(t, dir, append([]string{"--sort", tc.sort, "--limit", "1000"}, tc.args...)...)
		if len(all.Hits) < 5 {
			t.Fatalf("%s: %d hits", tc.sort, len(all.Hits))
		}
		for i := 1; i < len(all.Hits); i++ {
			p, h := all.Hits[i-1], all.Hits[i]
			var cmpKey int // <0: p before h by the sort key, 0: tie
			switch tc.sort {
			case "newest":
				cmpKey = -p.Date.Compare(h.Date)
			case "oldest":
				cmpKey = p.Date.Compare(h.Date)
			case "relevance":
				switch {
				case p.Score > h.Score:
					cmpKey = -1
				case p.Score < h.Score:
					cmpKey = 1
				}
			}
			if cmpKey > 0 || cmpKey == 0 && p.ID >= h.ID {
				t.Errorf("%s: hit %d (%s %v %g) before %d (%s %v %g)", tc.sort, i-1, p.ID, p.Date, p.Score, i, h.ID, h.Date, h.Score)
			}
		}
		want := []string{}
		for _, h := range all.Hits {
			want = append(want, h.ID)
		}
		// Pages of 4.
		var paged []string
		for page := 1; page < 100; page++ {
			resp := searchJSON(t, dir, append([]string{"--sort", tc.sort, "--limit", "4", "--page", strconv.Itoa(page)}, tc.args...)...)
			for _, h := range resp.Hits {
				paged = append(paged, h.ID)
			}
			if resp.Next == "" {
				break
			}
		}
		if diff := cmp.Diff(want, paged); diff != "" {
			t.Errorf("%s: pages (-want +got):\n%s", tc.sort, diff)
		}
		// --after, 5 at a time.
		var after []string
		cursor := ""
		for i := 0; i < 100; i++ {
			args := append([]string{"--sort", tc.sort, "--limit", "5"}, tc.args...)
			if cursor != "" {
				args = append(args, "--after", cursor)
			}
			resp := searchJSON(t, dir, args...)
			if resp.Total != all.Total {
				t.Errorf("%s: total %d with --after, want %d", tc.sort, resp.Total, all.Total)
			}
			for _, h := range resp.Hits {
				after = append(after, h.ID)
			}
			if resp.Next == "" {
				break
			}
			cursor = resp.Next
		}
		if diff := cmp.Diff(want, after); diff != "" {
			t.Errorf("%s: --after pages (-want +got):\n%s", tc.sort, diff)
		}
	}
}

func TestHighlightsAndFacets(t *testing.T) {
	dir, items := testIndex(t)
	resp := searchJSON(t, dir, "--limit", "1000", "bank")
	if len(resp.Hits) == 0 {
		t.Fatal("no hits for bank")
	}
	for _, h := range resp.Hits {
		marked := false
		for f, frags := range h.Highlights {
			if f != "title" && f != "body" && f != "summary" {
				t.Errorf("%s: highlight of field %s", h.ID, f)
			}
			for _, fr := range frags {
				for _, m := range regexp.MustCompile(`<mark>(.*?)</mark>`).FindAllStringSubmatch(fr, -1) {
					marked = true
					if !strings.HasPrefix(strings.ToLower(m[1]), "bank") {
						t.Errorf("%s: marked %q", h.ID, m[1])
					}
				}
			}
		}
		if !marked {
			t.Errorf("%s: no <mark> in %v", h.ID, h.Highlights)
		}
		if h.Kind == item.Teaser && h.Highlights["body"] != nil {
			t.Errorf("%s: a teaser with a body highlight", h.ID)
		}
	}
	// Facets add up to the total, for several result sets.
	noRegion := map[string]bool{}
	for _, it := range items {
		if it.Region == "" {
			noRegion[it.ID] = true
		}
	}
	for _, args := range [][]string{nil, {"bank"}, {"--kind", "teaser"}, {"said", "--limit", "1"}} {
		resp := searchJSON(t, dir, append([]string{"--limit", "1000", "--facets"}, args...)...)
		missing := 0
		for _, h := range resp.Hits {
			if noRegion[h.ID] {
				missing++
			}
		}
		sum := func(vs []query.FacetValue) int {
			n := 0
			for _, v := range vs {
				n += v.Count
			}
			return n
		}
		if uint64(sum(resp.Facets["kind"])) != resp.Total || uint64(sum(resp.Facets["month"])) != resp.Total || uint64(sum(resp.Facets["region"])+missing) != resp.Total {
			t.Errorf("%q: facets %+v do not add up to %d (%d without region)", args, resp.Facets, resp.Total, missing)
		}
	}
	// For people: bold only on a terminal, so plain here; facets under the hits.
	r := run(t, "--index", dir, "--facets", "bank")
	if r.code != 0 || strings.Contains(r.stdout, "\x1b[") || strings.Contains(r.stdout, "<mark>") {
		t.Errorf("human output: exit %d\n%s", r.code, r.stdout)
	}
	lines := strings.Split(r.stdout, "\n")
	if !regexp.MustCompile(`^\d+ hits? in [0-9.]+ ms`).MatchString(lines[0]) {
		t.Errorf("first line %q", lines[0])
	}
	for _, want := range []string{"\nRegions: ", "\nKinds:   ", "\nMonths:  "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %q in\n%s", want, r.stdout)
		}
	}
}

func TestJSONAndGet(t *testing.T) {
	dir, items := testIndex(t)
	r := run(t, "--index", dir, "--json", "--limit", "3", "--facets=kind")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("exit %d: %q", r.code, r.stdout)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"total", "took_ms", "hits", "facets", "next"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("no %q in %s", k, r.stdout)
		}
	}
	if strings.Contains(r.stdout, `"body":"`) {
		t.Errorf("hits carry bodies")
	}
	// The output is exactly the Response's JSON.
	var resp query.Response
	if err := json.Unmarshal([]byte(r.stdout), &resp); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := resp.WriteJSON(&again); err != nil {
		t.Fatal(err)
	}
	if again.String() != r.stdout {
		t.Errorf("search --json is not WriteJSON's:\n%s\n%s", r.stdout, again.String())
	}

	byID := map[string]item.Item{}
	for _, it := range items {
		byID[it.ID] = it
	}
	id := resp.Hits[0].ID
	g := run(t, "get", "--index", dir, "--json", id)
	var it item.Item
	if g.code != 0 || json.Unmarshal([]byte(g.stdout), &it) != nil {
		t.Fatalf("get: exit %d %q %q", g.code, g.stdout, g.stderr)
	}
	if diff := cmp.Diff(byID[id], it); diff != "" {
		t.Errorf("get --json (-export +get):\n%s", diff)
	}
	g = run(t, "get", "--index", dir, id)
	if g.code != 0 || !strings.HasPrefix(g.stdout, it.Title+"\n") || !strings.Contains(g.stdout, "id:        "+id) {
		t.Errorf("get: exit %d\n%s", g.code, g.stdout)
	}
	if it.Body != "" && !strings.Contains(g.stdout, strings.Split(it.Body, "\n")[0]) {
		t.Errorf("get: no body in\n%s", g.stdout)
	}
	g = run(t, "get", "--index", dir, "nosuchid")
	if g.code != 1 || g.stdout != "" || g.stderr != "search get: no item with id \"nosuchid\"\n" {
		t.Errorf("get unknown: exit %d %q %q", g.code, g.stdout, g.stderr)
	}
}

func TestBadInput(t *testing.T) {
	dir, _ := testIndex(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--from", "yesterday"}, 2, `search: --from: invalid date "yesterday"`},
		{[]string{"--to", "1987-13-01"}, 2, `search: --to: invalid date "1987-13-01"`},
		{[]string{"--from", "1987-04-01", "--to", "1987-03-01"}, 2, "search: --from: 1987-04-01 is after to"},
		{[]string{"--kind", "video"}, 2, `search: --kind: unknown kind "video"`},
		{[]string{"--sort", "date"}, 2, `search: --sort: unknown sort "date"`},
		{[]string{"--limit", "-5"}, 2, "search: --limit: -5 is out of range"},
		{[]string{"--limit", "5000"}, 2, "search: --limit: 5000 is out of range"},
		{[]string{"--page", "0x"}, 2, `search: invalid argument "0x" for "--page" flag`},
		{[]string{"--after", "nonsense"}, 2, "search: --after: invalid cursor"},
		{[]string{"--page", "2", "--after", "eyJzIjoibmV3ZXN0IiwiayI6WyIyMDIxLTEwLTA0VDAwOjAwOjAwWiIsImEiXX0"}, 2, "search: --after: cannot be combined with page"},
		{[]string{"opec AND (output OR production"}, 2, "search: QUERY: unclosed '(' at column 10"},
		{[]string{"opec AND (output OR"}, 2, "search: QUERY: unexpected end of query at column 20"},
		{[]string{"oil)"}, 2, "search: QUERY: unexpected ')' at column 4"},
		{[]string{"--nope"}, 2, "search: unknown flag: --nope"},
	}
	for _, tt := range tests {
		r := run(t, append([]string{"--index", dir}, tt.args...)...)
		if r.code != tt.code || r.stdout != "" || !strings.HasPrefix(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%q: exit %d stdout %q stderr %q; want exit %d and %q", tt.args, r.code, r.stdout, r.stderr, tt.code, tt.want)
		}
	}
	// No index: how to build one, exit 1.
	none := filepath.Join(t.TempDir(), "none.bleve")
	for _, args := range [][]string{{"--index", none, "oil"}, {"get", "--index", none, "x"}} {
		r := run(t, args...)
		if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "index build --index "+none) {
			t.Errorf("%q: exit %d stdout %q stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	// $NEWSDEX_INDEX is the default folder.
	t.Setenv(store.EnvDir, dir)
	ios, out, errb := testIO("")
	if code := cli.Run(context.Background(), newCmdRoot(ios), ios, []string{"--limit", "1", "--json"}); code != 0 || !strings.HasPrefix(out.String(), `{"total":`) {
		t.Errorf("with $NEWSDEX_INDEX: exit %d %s %s", code, out, errb)
	}
}

// TestPastTheEnd: a page past the last says which page is the last, in the
// JSON's notes and on stderr, and is no error.
func TestPastTheEnd(t *testing.T) {
	dir, _ := testIndex(t)
	all := searchJSON(t, dir, "--limit", "0")
	last := (all.Total + 2) / 3
	want := fmt.Sprintf("page 500 is past the end: the last page is %d", last)
	resp := searchJSON(t, dir, "--limit", "3", "--page", "500")
	if len(resp.Hits) != 0 || resp.Total != all.Total || !slices.Equal(resp.Notes, []string{want}) {
		t.Errorf("--page 500 --json: %d hits of %d, notes %q; want notes %q", len(resp.Hits), resp.Total, resp.Notes, want)
	}
	r := run(t, "--index", dir, "--limit", "3", "--page", "500")
	if r.code != 0 || r.stderr != "search: "+want+"\n" || !strings.HasPrefix(r.stdout, fmt.Sprintf("%d hits in ", all.Total)) {
		t.Errorf("--page 500: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// The last page itself has hits and no note.
	if resp := searchJSON(t, dir, "--limit", "3", "--page", fmt.Sprint(last)); len(resp.Hits) == 0 || resp.Notes != nil {
		t.Errorf("last page %d: %d hits, notes %q", last, len(resp.Hits), resp.Notes)
	}
}

// TestE2ECollapse: a default search answers one hit per story (no teaser
// whose article is indexed, no two items of one story) with its story_size;
// --expand lists every item; the stories' sizes add up to the items.
func TestE2ECollapse(t *testing.T) {
	dir, items := testIndex(t)
	articles := map[string]bool{}
	for _, it := range items {
		if it.Kind == item.Article {
			articles[it.ID] = true
		}
	}
	for _, q := range []string{"", "bank", "ferry OR harbour", "rates"} {
		resp := searchJSON(t, dir, "--limit", "1000", "--", q)
		all := searchJSON(t, dir, "--limit", "1000", "--expand", "--", q)
		seen := map[string]bool{}
		sizes := 0
		for _, h := range resp.Hits {
			if h.StoryID == "" || h.StorySize < 1 {
				t.Errorf("%q: hit %s has story %q of size %d", q, h.ID, h.StoryID, h.StorySize)
			}
			if seen[h.StoryID] {
				t.Errorf("%q: two hits of story %s", q, h.StoryID)
			}
			seen[h.StoryID] = true
			sizes += h.StorySize
			if h.Kind == item.Teaser && articles[h.ArticleID] {
				t.Errorf("%q: teaser %s shown though its article %s is indexed", q, h.ID, h.ArticleID)
			}
		}
		if resp.Total != uint64(len(resp.Hits)) || all.Total < resp.Total {
			t.Errorf("%q: collapsed total %d (%d hits), expanded %d", q, resp.Total, len(resp.Hits), all.Total)
		}
		if q == "" && sizes != len(items) {
			t.Errorf("story sizes add up to %d, want the %d items", sizes, len(items))
		}
	}
}
