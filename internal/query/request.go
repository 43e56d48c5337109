package query

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"newsdex/internal/item"
	"newsdex/internal/schema"
)

// Request is one search, as the CLI flags and the HTTP parameters give it.
// The comments name the HTTP parameters.
type Request struct {
	Query string // "q": the query language (see Parse); empty matches everything
	// "from", "to": inclusive bounds. YYYY-MM-DD (whole UTC days: "to" takes in
	// its whole day), YYYY-MM (whole months), RFC 3339 instants, or a duration
	// back from now: 7d, 2w, 24h, 90m. Either may be empty.
	From, To string
	Regions  []string // "region", repeatable: any of them matches; exact, case-insensitive
	Sources  []string // "source", repeatable: any of them matches; exact, case-insensitive
	Kind     string   // "kind": "", "article" or "teaser"
	Sort     string   // "sort": "", "relevance", "newest", "oldest" (default relevance with a query, newest without)
	Limit    int      // "limit": 0 means 10; 1..1000
	// CountOnly is "limit=0": the total (and the facets asked for), no hits.
	CountOnly bool
	Page      int    // "page": 0 means 1; 1-based
	After     string // "after": the Next cursor of an earlier response
	// Facets is "facets": the facets to count over the whole result set,
	// any of FacetNames(); none when empty.
	Facets []string
	// Expand is "expand=true": every matching item. Without it a search
	// answers one hit per story (its representative), and the total, the
	// facets and the pages count stories.
	Expand bool
}

// ParamError is a bad request parameter, named by its HTTP name: q, from, to,
// region, kind, sort, limit, page, after or facets.
type ParamError struct {
	Param string
	Msg   string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Msg }

// Sort orders.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest"
	SortOldest    = "oldest"
)

// Sorts returns the sort orders.
func Sorts() []string { return []string{SortRelevance, SortNewest, SortOldest} }

// FacetNames returns the facets a request may ask for.
func FacetNames() []string {
	return []string{schema.FacetRegion, schema.FacetKind, schema.FacetMonth, schema.FacetSource}
}

// Limits on paging.
const (
	DefaultLimit = 10
	MaxLimit     = 1000
	// MaxWindow caps page*limit: deeper pages go through after cursors, whose
	// cost does not grow with depth.
	MaxWindow = 10000
)

// plan is a validated request.
type plan struct {
	node      Node
	query     bq.Query
	from, to  time.Time // zero when absent; to is inclusive
	regions   []string  // lower case, deduplicated
	sources   []string  // lower case, deduplicated
	kind      string
	sort      string
	limit     int  // hits to return; 0 with countOnly
	countOnly bool // the total and facets, no hits
	offset    int
	after     []string // bleve search_after keys
	search    string   // the fingerprint of the search, in its cursors
	facets    map[string]bool
	expand    bool
	marks     *marks                     // what highlights mark, once the query is compiled
	dates     *snapshotCache[*dateTable] // the searcher's date table, for date filters (nil: bleve's range)
	terms     *snapshotCache[*termSets]  // the searcher's filter terms' sets (nil: bleve's terms)
}

// Validate checks r and returns the first problem as a *ParamError, or nil.
func (r Request) Validate() error {
	_, err := r.plan(time.Now())
	return err
}

func (r Request) plan(now time.Time) (*plan, error) {
	p := &plan{}
	q := strings.TrimSpace(r.Query)
	node, err := Parse(q)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			return nil, &ParamError{"q", fmt.Sprintf("%s at column %d", se.Msg, se.Column)}
		}
		return nil, &ParamError{"q", err.Error()}
	}
	p.node = node
	p.query = Compile(node)
	p.expand = r.Expand

	if p.from, err = parseTime(r.From, false, now); err != nil {
		return nil, &ParamError{"from", err.Error()}
	}
	if p.to, err = parseTime(r.To, true, now); err != nil {
		return nil, &ParamError{"to", err.Error()}
	}
	for _, b := range []struct {
		name string
		t    time.Time
	}{{"from", p.from}, {"to", p.to}} {
		if b.t.IsZero() {
			continue
		}
		if err := item.CheckDate(b.t); err != nil {
			return nil, &ParamError{b.name, err.Error()}
		}
	}
	if !p.from.IsZero() && !p.to.IsZero() && p.from.After(p.to) {
		return nil, &ParamError{"from", fmt.Sprintf("%s is after to (%s)", r.From, r.To)}
	}

	if p.regions, err = labels("region", r.Regions); err != nil {
		return nil, err
	}
	if p.sources, err = labels("source", r.Sources); err != nil {
		return nil, err
	}

	p.kind = strings.ToLower(strings.TrimSpace(r.Kind))
	if p.kind != "" && !item.Kind(p.kind).Valid() {
		return nil, &ParamError{"kind", fmt.Sprintf("unknown kind %q (want article or teaser)", r.Kind)}
	}

	p.sort = strings.ToLower(strings.TrimSpace(r.Sort))
	switch p.sort {
	case "":
		p.sort = SortNewest
		if _, all := node.(*All); !all {
			p.sort = SortRelevance
		}
	case SortRelevance, SortNewest, SortOldest:
	default:
		return nil, &ParamError{"sort", fmt.Sprintf("unknown sort %q (want relevance, newest or oldest)", r.Sort)}
	}

	for _, f := range r.Facets {
		f = strings.ToLower(strings.TrimSpace(f))
		if !slices.Contains(FacetNames(), f) {
			return nil, &ParamError{"facets", fmt.Sprintf("unknown facet %q (want %s)", f, strings.Join(FacetNames(), ", "))}
		}
		if p.facets == nil {
			p.facets = map[string]bool{}
		}
		p.facets[f] = true
	}

	switch {
	case r.CountOnly:
		if r.Limit != 0 {
			return nil, &ParamError{"limit", "count only (limit 0) cannot be combined with another limit"}
		}
		p.countOnly = true
	case r.Limit == 0:
		p.limit = DefaultLimit
	case r.Limit < 0 || r.Limit > MaxLimit:
		return nil, &ParamError{"limit", fmt.Sprintf("%d is out of range (0 to %d; 0 asks for the count only)", r.Limit, MaxLimit)}
	default:
		p.limit = r.Limit
	}
	page := r.Page
	switch {
	case page == 0:
		page = 1
	case page < 0:
		return nil, &ParamError{"page", fmt.Sprintf("%d is out of range (pages start at 1)", r.Page)}
	}
	if p.countOnly && page > 1 {
		return nil, &ParamError{"page", "count only (limit 0) has no pages"}
	}
	if page > MaxWindow || (page-1)*p.limit+p.limit > MaxWindow {
		return nil, &ParamError{"page", fmt.Sprintf("page %d of %d hits goes past hit %d; continue with after cursors instead", page, p.limit, MaxWindow)}
	}
	p.offset = (page - 1) * p.limit

	p.search = fingerprint(r, p)
	if r.After != "" {
		if page > 1 {
			return nil, &ParamError{"after", "cannot be combined with page"}
		}
		c, err := decodeCursor(r.After)
		if err != nil {
			return nil, &ParamError{"after", err.Error()}
		}
		if c.Sort != p.sort {
			return nil, &ParamError{"after", fmt.Sprintf("cursor continues sort %s, not %s", c.Sort, p.sort)}
		}
		if c.For != p.search {
			return nil, &ParamError{"after", errCursorElsewhere}
		}
		p.after = searchAfter(c)
	}
	return p, nil
}

// searchAfter is bleve's search_after keys of a cursor. After an item
// without a date, its date key is "": bleve sorts such items by a stand-in,
// last either way.
func searchAfter(c cursor) []string {
	if c.Keys[0] != "" || c.Sort == SortRelevance {
		return c.Keys
	}
	missing := search.HighTerm // oldest first: ascending, missing last
	if c.Sort == SortNewest {
		missing = search.LowTerm
	}
	return []string{missing, c.Keys[1]}
}

// labels folds label filters (region, source) to lower case with spaces
// collapsed, and drops repeats.
func labels(param string, vs []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, v := range vs {
		v = strings.ToLower(strings.Join(strings.Fields(v), " "))
		if v == "" {
			return nil, &ParamError{param, "empty " + param}
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out, nil
}

var errDate = "want YYYY-MM-DD, YYYY-MM, an RFC 3339 time (1987-03-01T12:00:00Z) or a duration back from now (7d, 24h)"

// parseTime parses a from or to bound. For end, whole days and months take in
// their last instant.
func parseTime(s string, end bool, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, ok := parseAgo(s, now); ok {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		if end {
			t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		return t, nil
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		if end {
			t = t.AddDate(0, 1, 0).Add(-time.Nanosecond)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("invalid date %q: %s", s, errDate)
}

// parseAgo parses 7d, 2w, 24h, 90m, 30s and Go durations such as 1h30m, and
// returns that long before now. Days and weeks count calendar days, so that
// no count overflows a time.Duration: 20000w is a date out of range, not a
// wrapped-around one.
func parseAgo(s string, now time.Time) (time.Time, bool) {
	now = now.UTC()
	if len(s) >= 2 {
		unit := s[len(s)-1]
		if n, err := strconv.Atoi(s[:len(s)-1]); err == nil && n >= 0 && n <= 10000000 {
			switch unit {
			case 'd':
				return now.AddDate(0, 0, -n), true
			case 'w':
				return now.AddDate(0, 0, -7*n), true
			}
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), true
	}
	return time.Time{}, false
}
