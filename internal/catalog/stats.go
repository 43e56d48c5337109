package catalog

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"

	"newsdex/internal/item"
	"newsdex/internal/schema"
)

// IndexStats describes an index; its JSON is the `index stats --json` object and
// the HTTP server's /api/stats.
type IndexStats struct {
	Total     uint64            `json:"total"`
	ByKind    map[string]uint64 `json:"by_kind"`
	ByRegion  map[string]uint64 `json:"by_region"`
	ByMonth   map[string]uint64 `json:"by_month"`   // "1987-03": the months that hold items
	Undated   uint64            `json:"undated"`    // items without a date (not in by_month)
	FirstDate string            `json:"first_date"` // RFC 3339, UTC; "" for an index without dated items
	LastDate  string            `json:"last_date"`
	SizeBytes int64             `json:"size_bytes"`
}

// sizer is what store.Index offers: the size of its files.
type sizer interface{ SizeBytes() (int64, error) }

// Stats computes the IndexStats of idx. The size comes from idx's SizeBytes
// method when it has one (a *store.Index), else from scorch's own figures.
func Stats(idx bleve.Index) (IndexStats, error) {
	st := IndexStats{
		ByKind:   map[string]uint64{string(item.Article): 0, string(item.Teaser): 0},
		ByRegion: map[string]uint64{},
		ByMonth:  map[string]uint64{},
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 0, 0, false)
	req.AddFacet(schema.FieldFacets, schema.FacetRequest())
	res, err := idx.Search(req)
	if err != nil {
		return st, err
	}
	st.Total = res.Total
	counts := map[string]map[string]uint64{
		schema.FacetKind: st.ByKind, schema.FacetRegion: st.ByRegion, schema.FacetMonth: st.ByMonth,
	}
	for _, t := range terms(res.Facets[schema.FieldFacets]) {
		if name, value, ok := schema.SplitFacetTerm(t.Term); ok && counts[name] != nil {
			counts[name][value] = uint64(t.Count)
		}
	}
	st.Undated = st.ByMonth[schema.MonthUndated]
	delete(st.ByMonth, schema.MonthUndated)

	first, err := edgeDate(idx, false)
	if err != nil {
		return st, err
	}
	last, err := edgeDate(idx, true)
	if err != nil {
		return st, err
	}
	if !first.IsZero() {
		st.FirstDate = first.Format(time.RFC3339)
		st.LastDate = last.Format(time.RFC3339)
	}

	if s, ok := idx.(sizer); ok {
		if st.SizeBytes, err = s.SizeBytes(); err != nil {
			return st, err
		}
	} else if m, ok := idx.StatsMap()["index"].(map[string]any); ok {
		if n, ok := m["CurOnDiskBytes"].(uint64); ok {
			st.SizeBytes = int64(n)
		}
	}
	return st, nil
}

func terms(f *search.FacetResult) []*search.TermFacet {
	if f == nil || f.Terms == nil {
		return nil
	}
	return f.Terms.Terms()
}

// edgeDate is the earliest (or, with desc, the latest) date in idx.
func edgeDate(idx bleve.Index, desc bool) (time.Time, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1, 0, false)
	req.SortByCustom(search.SortOrder{&search.SortField{
		Field: schema.FieldDateKey, Type: search.SortFieldAsString, Desc: desc, Missing: search.SortFieldMissingLast,
	}})
	req.Fields = []string{schema.FieldDate}
	res, err := idx.Search(req)
	if err != nil || len(res.Hits) == 0 {
		return time.Time{}, err
	}
	s, _ := res.Hits[0].Fields[schema.FieldDate].(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, nil
	}
	return t.UTC(), nil
}

// TableRegions is how many regions WriteTable lists, most items first,
// before "and N more" (the JSON has them all).
const TableRegions = 10

// WriteTable writes st for people, under a first line naming the index
// (when index is not ""): the top TableRegions regions, and the months, or
// over more than two years the years.
func (st IndexStats) WriteTable(w io.Writer, index string) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	if index != "" {
		fmt.Fprintf(tw, "index\t%s\n", index)
	}
	fmt.Fprintf(tw, "items\t%d\n", st.Total)
	fmt.Fprintf(tw, "  articles\t%d\n", st.ByKind[string(item.Article)])
	fmt.Fprintf(tw, "  teasers\t%d\n", st.ByKind[string(item.Teaser)])
	if st.FirstDate != "" {
		fmt.Fprintf(tw, "dates\t%s to %s\n", st.FirstDate[:10], st.LastDate[:10])
	}
	if st.Undated > 0 {
		fmt.Fprintf(tw, "undated\t%d\n", st.Undated)
	}
	fmt.Fprintf(tw, "size\t%s\n", humanBytes(st.SizeBytes))
	if len(st.ByRegion) > 0 {
		fmt.Fprintf(tw, "\nregion\titems\n")
		type kv struct {
			k string
			v uint64
		}
		var rs []kv
		for k, v := range st.ByRegion {
			rs = append(rs, kv{k, v})
		}
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].v != rs[j].v {
				return rs[i].v > rs[j].v
			}
			return rs[i].k < rs[j].k
		})
		for i, r := range rs {
			if i == TableRegions {
				fmt.Fprintf(tw, "and %d more (--json lists them all)\n", len(rs)-i)
				break
			}
			fmt.Fprintf(tw, "%s\t%d\n", r.k, r.v)
		}
	}
	if len(st.ByMonth) > 0 {
		months := make([]string, 0, len(st.ByMonth))
		for m := range st.ByMonth {
			months = append(months, m)
		}
		sort.Strings(months)
		if len(months) > 24 {
			fmt.Fprintf(tw, "\nyear\titems\n")
			var year string
			var n uint64
			for i, m := range months {
				if y := m[:min(4, len(m))]; y != year && i > 0 {
					fmt.Fprintf(tw, "%s\t%d\n", year, n)
					n = 0
				}
				year = m[:min(4, len(m))]
				n += st.ByMonth[m]
			}
			fmt.Fprintf(tw, "%s\t%d\n", year, n)
		} else {
			fmt.Fprintf(tw, "\nmonth\titems\n")
			for _, m := range months {
				fmt.Fprintf(tw, "%s\t%d\n", m, st.ByMonth[m])
			}
		}
	}
	return tw.Flush()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// JSON is st as one line of JSON.
func (st IndexStats) JSON() ([]byte, error) { return json.Marshal(st) }
