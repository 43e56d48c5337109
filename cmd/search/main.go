// Command search answers keyword, date-range and region queries over a
// newsdex index, from the command line or over HTTP (search serve).
package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"newsdex/internal/cli"
	"newsdex/internal/query"
	"newsdex/internal/store"
)

func main() { cli.Main(newCmdRoot) }

// newCmdRoot is the search command with its subcommands, get and serve.
//
// Each command is a constructor, newCmdX(ios, runF), that wires flags into an
// options struct, and a run function, xRun(ctx, opts), that does the work on
// the injected streams; tests run both in the process. runF, when not nil,
// replaces the run function (tests of flag parsing).
func newCmdRoot(ios *cli.IO) *cobra.Command {
	root := newCmdSearch(ios, nil)
	root.AddCommand(newCmdGet(ios, nil), newCmdStory(ios, nil), newCmdRelated(ios, nil), newCmdServe(ios, nil))
	return root
}

// searchOptions are what the search command does.
type searchOptions struct {
	IO      *cli.IO
	Dir     string // the index folder, resolved
	Request query.Request
	JSON    bool
}

// flagName is the flag or argument that sets a request parameter.
func flagName(param string) string {
	if param == "q" {
		return "QUERY"
	}
	return "--" + param
}

// usageError turns a *query.ParamError into a usage error naming the flag.
func usageError(err error) error {
	var pe *query.ParamError
	if errors.As(err, &pe) {
		return cli.Usagef("%s: %s", flagName(pe.Param), pe.Msg)
	}
	return err
}

func newCmdSearch(ios *cli.IO, runF func(context.Context, *searchOptions) error) *cobra.Command {
	opts := &searchOptions{IO: ios}
	var dir, facets string
	req := &opts.Request
	cmd := &cobra.Command{
		Use:   "search [QUERY] [flags]",
		Short: "Search a newsdex index",
		Long: `search finds news items in a newsdex index and prints the best matches.

QUERY is words, all of which must match (best matches first), and:
  "exact phrase"          a phrase
  oil OR gas              either (AND binds tighter than OR)
  opec AND (output OR production) NOT saudi
  -saudi, NOT saudi       without
  title:opec              one field: title, body, summary, caption, region,
                          dateline, source, byline (or author)
  title:"crude oil"       a phrase in one field
  export*                 a prefix
  opek~  opek~2           fuzzy: at most 1 or 2 edits
  oil^2                   a boost
Words search title (boosted), body, summary and caption. No QUERY matches
everything, newest first. Put -- before a QUERY that starts with '-'.

--from and --to are inclusive: YYYY-MM-DD (whole UTC days), YYYY-MM, RFC 3339
(1987-03-01T12:00:00Z), or a duration back from now (7d, 2w, 24h).

The index folder comes from --index DIR, else $NEWSDEX_INDEX, else ./newsdex.bleve.`,
		Example: `  search opec
  search '"interest rates"' --from 1987-03-01 --to 1987-03-31
  search 'bank' --region Europe --facets
  search --from 1987-03-15 --to 1987-03-16 --limit 0 --json
  search get ID`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// The words of QUERY may come as one argument or several.
			req.Query = strings.Join(args, " ")
			if req.Page < 1 {
				// The flag says 1 when not given: 0 is a mistake, not "the default".
				return cli.Usagef("--page: %d is out of range (pages start at 1)", req.Page)
			}
			req.CountOnly = req.Limit == 0
			req.Facets = nil
			if facets != "" {
				req.Facets = strings.Split(facets, ",")
			}
			if err := req.Validate(); err != nil {
				return usageError(err)
			}
			opts.Dir = store.ResolveDir(dir)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return searchRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&dir, "index", "", "index folder (default $NEWSDEX_INDEX, else ./newsdex.bleve)")
	fl.StringVar(&req.From, "from", "", "earliest date: YYYY-MM-DD, YYYY-MM, RFC 3339, or 7d/24h back from now")
	fl.StringVar(&req.To, "to", "", "latest date, inclusive (same forms as --from)")
	fl.StringArrayVar(&req.Regions, "region", nil, "section or region, exact and case-insensitive; repeat for any of several")
	fl.StringArrayVar(&req.Sources, "source", nil, "source (publisher), exact and case-insensitive; repeat for any of several")
	fl.StringVar(&req.Kind, "kind", "", "article or teaser (default both)")
	fl.StringVar(&req.Sort, "sort", "", "relevance, newest or oldest (default relevance with a QUERY, newest without)")
	fl.IntVar(&req.Limit, "limit", query.DefaultLimit, fmt.Sprintf("hits per page, 1 to %d; 0 prints the count only", query.MaxLimit))
	fl.IntVar(&req.Page, "page", 1, "page number, from 1")
	fl.StringVar(&req.After, "after", "", "continue after the last hit of an earlier search (its next cursor)")
	fl.StringVar(&facets, "facets", "", "print counts by these facets under the hits: "+strings.Join(query.FacetNames(), ",")+" (--facets alone: all)")
	fl.Lookup("facets").NoOptDefVal = strings.Join(query.FacetNames(), ",")
	fl.BoolVar(&req.Expand, "expand", false, "list every matching item (default: one hit per story, its best item)")
	fl.BoolVar(&opts.JSON, "json", false, "print the response as JSON, as GET /api/search returns it")
	return cmd
}

// searchRun answers opts.Request from the index, as JSON or for people.
func searchRun(ctx context.Context, opts *searchOptions) error {
	idx, err := store.Open(opts.Dir)
	if err != nil {
		return err
	}
	defer idx.Close()
	resp, err := query.NewSearcher(idx).Search(ctx, opts.Request)
	if err != nil {
		return usageError(err)
	}
	if opts.JSON {
		return resp.WriteJSON(opts.IO.Out)
	}
	p := newPrinter(opts.IO)
	p.response(resp, opts.Request)
	for _, n := range resp.Notes {
		fmt.Fprintf(opts.IO.Err, "search: %s\n", n)
	}
	if resp.DidYouMean != "" {
		fmt.Fprintf(opts.IO.Err, "Did you mean %s?\n", resp.DidYouMean)
	}
	return p.err
}

// printer writes the output for people, bold highlights on a terminal.
type printer struct {
	w     io.Writer
	bold  bool
	width int // columns to wrap facet lines at
	err   error
}

func newPrinter(ios *cli.IO) *printer {
	return &printer{w: ios.Out, bold: ios.Bold, width: ios.Columns()}
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// fragment renders a highlighted fragment (HTML-escaped, <mark>ed) as text
// on one line, the marks bold on a terminal.
func (p *printer) fragment(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "<mark>")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "</mark>")
		if j < 0 {
			break
		}
		b.WriteString(html.UnescapeString(s[:i]))
		if p.bold {
			b.WriteString("\x1b[1m")
		}
		b.WriteString(html.UnescapeString(s[i+len("<mark>") : i+j]))
		if p.bold {
			b.WriteString("\x1b[0m")
		}
		s = s[i+j+len("</mark>"):]
	}
	b.WriteString(html.UnescapeString(s))
	return strings.Join(strings.Fields(b.String()), " ")
}

func plural(n uint64, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func (p *printer) response(r *query.Response, req query.Request) {
	p.printf("%s in %.1f ms", plural(r.Total, "hit", "hits"), r.TookMs)
	if len(r.Hits) > 0 && uint64(len(r.Hits)) < r.Total {
		limit, page := req.Limit, req.Page
		if limit == 0 {
			limit = query.DefaultLimit
		}
		if page == 0 {
			page = 1
		}
		first := (page-1)*limit + 1
		if req.After != "" {
			p.printf(", %d shown", len(r.Hits))
		} else {
			p.printf(", showing %d-%d", first, first+len(r.Hits)-1)
		}
	}
	p.printf("\n")
	for _, h := range r.Hits {
		p.printf("\n")
		meta := []string{"undated"}
		if !h.Date.IsZero() {
			meta[0] = h.Date.UTC().Format("2006-01-02")
		}
		if h.Region != "" {
			meta = append(meta, h.Region)
		}
		meta = append(meta, string(h.Kind))
		if h.Dateline != "" {
			meta = append(meta, h.Dateline)
		}
		meta = append(meta, h.ID)
		if h.StoryID != "" && h.StorySize > 1 {
			// search story ID opens it.
			meta = append(meta, fmt.Sprintf("story %s (%d items)", h.StoryID, h.StorySize))
		}
		p.printf("%s\n", strings.Join(meta, " · "))
		title := h.Title
		if t := h.Highlights["title"]; len(t) > 0 {
			title = p.fragment(t[0])
		}
		p.printf("%s\n", title)
		for _, field := range []string{"body", "summary"} {
			if frags := h.Highlights[field]; len(frags) > 0 {
				p.printf("    %s\n", p.fragment(frags[0]))
				break
			}
		}
	}
	if len(r.Facets) > 0 {
		p.printf("\n")
		for _, name := range query.FacetNames() {
			if vs, ok := r.Facets[name]; ok {
				p.facet(facetTitle(name), vs)
			}
		}
	}
	if r.Next != "" {
		p.printf("\nmore: --after %s\n", r.Next)
	}
}

// facetTitle is a facet's heading in the text output: Regions, Kinds,
// Months, Sources.
func facetTitle(name string) string {
	if name == "" {
		return ""
	}
	return strings.ToUpper(name[:1]) + name[1:] + "s"
}

// facetShown is how many values a facet line shows before "and N more"
// (--json has them all).
const facetShown = 10

// facet prints one facet line: its top values ("Regions: Americas 4, World
// 2"), "and N more" past facetShown, wrapped at the printer's width under
// the first value. Months are all shown, in order, and over more than two
// years add up to years.
func (p *printer) facet(name string, vs []query.FacetValue) {
	dates := name == facetTitle("month")
	if dates && len(vs) > 24 {
		name, vs = "Years", byYear(vs)
	}
	parts := make([]string, 0, min(len(vs), facetShown)+1)
	for i, v := range vs {
		if i == facetShown && !dates {
			parts = append(parts, fmt.Sprintf("and %d more", len(vs)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", v.Value, v.Count))
	}
	if len(parts) == 0 {
		parts = append(parts, "none")
	}
	p.printf("%s\n", wrapList(fmt.Sprintf("%-8s ", name+":"), parts, p.width))
}

// byYear adds up month facet values ("1987-03") by year, in order; other
// values (undated) stay as they are, at the end.
func byYear(months []query.FacetValue) []query.FacetValue {
	var out, other []query.FacetValue
	for _, m := range months {
		y, _, ok := strings.Cut(m.Value, "-")
		if !ok || len(y) != 4 {
			other = append(other, m)
			continue
		}
		if n := len(out); n > 0 && out[n-1].Value == y {
			out[n-1].Count += m.Count
		} else {
			out = append(out, query.FacetValue{Value: y, Count: m.Count})
		}
	}
	return append(out, other...)
}

// wrapList joins parts with ", " after prefix, breaking lines between parts
// to stay within width columns; continuation lines are indented as far as
// prefix. A part wider than a line has a line of its own.
func wrapList(prefix string, parts []string, width int) string {
	indent := strings.Repeat(" ", utf8.RuneCountInString(prefix))
	var b strings.Builder
	b.WriteString(prefix)
	col := utf8.RuneCountInString(prefix)
	for i, part := range parts {
		if i < len(parts)-1 && !strings.HasPrefix(parts[i+1], "and ") {
			part += ","
		}
		n := utf8.RuneCountInString(part)
		if i > 0 {
			if col+1+n > width {
				b.WriteString("\n" + indent)
				col = len(indent)
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(part)
		col += n
	}
	return b.String()
}
