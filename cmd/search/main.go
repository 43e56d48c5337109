// Command search answers keyword, date-range and region queries over a
// newsdex index, from the command line or over HTTP (search serve).
package main

import (
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"newsdex/internal/cli"
	"newsdex/internal/query"
	"newsdex/internal/store"
)

func main() { cli.Main(newRootCmd()) }

// commandFiles is filled by each subcommand file's init (get, serve).
var commandFiles []func() *cobra.Command

func newRootCmd() *cobra.Command {
	root := newSearchCmd()
	for _, f := range commandFiles {
		root.AddCommand(f())
	}
	return root
}

// searchFlags are the search command's flags.
type searchFlags struct {
	index   string
	from    string
	to      string
	regions []string
	kind    string
	sort    string
	limit   int
	page    int
	after   string
	facets  bool
	json    bool
}

// request is the query request the flags and arguments ask for. The words of
// QUERY may come as one argument or several.
func (f *searchFlags) request(args []string) query.Request {
	return query.Request{
		Query:   strings.Join(args, " "),
		From:    f.from,
		To:      f.to,
		Regions: f.regions,
		Kind:    f.kind,
		Sort:    f.sort,
		Limit:   f.limit,
		Page:    f.page,
		After:   f.after,
	}
}

// flagNames maps a request parameter to the flag or argument that sets it.
var flagNames = map[string]string{
	"q": "QUERY", "from": "--from", "to": "--to", "region": "--region", "kind": "--kind",
	"sort": "--sort", "limit": "--limit", "page": "--page", "after": "--after",
}

// usageError turns a *query.ParamError into a usage error naming the flag.
func usageError(err error) error {
	var pe *query.ParamError
	if errors.As(err, &pe) {
		name := flagNames[pe.Param]
		if name == "" {
			name = pe.Param
		}
		return cli.Usagef("%s: %s", name, pe.Msg)
	}
	return err
}

func newSearchCmd() *cobra.Command {
	cmd, _ := newSearchCmdFlags()
	return cmd
}

// newSearchCmdFlags is the search command and the flags it fills.
func newSearchCmdFlags() (*cobra.Command, *searchFlags) {
	f := &searchFlags{}
	cmd := &cobra.Command{
		Use:   "search [QUERY] [flags]",
		Short: "Search a newsdex index",
		Long: `search finds news items in a newsdex index and prints the best matches.

QUERY is words, all of which must match (best matches first), and:
  "exact phrase"          a phrase
  oil OR gas              either (AND binds tighter than OR)
  opec AND (output OR production) NOT saudi
  -saudi, NOT saudi       without
  title:opec              one field: title, body, summary, caption, region, dateline
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
			return runSearch(cmd, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.index, "index", "", "index folder (default $NEWSDEX_INDEX, else ./newsdex.bleve)")
	fl.StringVar(&f.from, "from", "", "earliest date: YYYY-MM-DD, YYYY-MM, RFC 3339, or 7d/24h back from now")
	fl.StringVar(&f.to, "to", "", "latest date, inclusive (same forms as --from)")
	fl.StringArrayVar(&f.regions, "region", nil, "section or region, exact and case-insensitive; repeat for any of several")
	fl.StringVar(&f.kind, "kind", "", "article or teaser (default both)")
	fl.StringVar(&f.sort, "sort", "", "relevance, newest or oldest (default relevance with a QUERY, newest without)")
	fl.IntVar(&f.limit, "limit", query.DefaultLimit, fmt.Sprintf("hits per page, 1 to %d", query.MaxLimit))
	fl.IntVar(&f.page, "page", 1, "page number, from 1")
	fl.StringVar(&f.after, "after", "", "continue after the last hit of an earlier search (its next cursor)")
	fl.BoolVar(&f.facets, "facets", false, "print counts by region, kind and month under the hits")
	fl.BoolVar(&f.json, "json", false, "print the response as JSON, as GET /api/search returns it")
	return cmd, f
}

func runSearch(cmd *cobra.Command, f *searchFlags, args []string) error {
	req := f.request(args)
	if err := req.Validate(); err != nil {
		return usageError(err)
	}
	idx, err := store.Open(store.ResolveDir(f.index))
	if err != nil {
		return err
	}
	defer idx.Close()
	resp, err := query.NewSearcher(idx).Search(cmd.Context(), req)
	if err != nil {
		return usageError(err)
	}
	out := cmd.OutOrStdout()
	if f.json {
		return resp.WriteJSON(out)
	}
	p := newPrinter(out)
	p.response(resp, req, f.facets)
	return p.err
}

// printer writes the output for people, bold highlights on a terminal.
type printer struct {
	w    io.Writer
	bold bool
	err  error
}

func newPrinter(w io.Writer) *printer {
	return &printer{w: w, bold: isTerminal(w)}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
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

func (p *printer) response(r *query.Response, req query.Request, facets bool) {
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
		meta := []string{h.Date.UTC().Format("2006-01-02")}
		if h.Region != "" {
			meta = append(meta, h.Region)
		}
		meta = append(meta, string(h.Kind))
		if h.Dateline != "" {
			meta = append(meta, h.Dateline)
		}
		meta = append(meta, h.ID)
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
	if facets {
		p.printf("\n")
		p.facet("Regions", r.Facets.Region)
		p.facet("Kinds", r.Facets.Kind)
		p.facet("Months", r.Facets.Month)
	}
	if r.Next != "" {
		p.printf("\nmore: --after %s\n", r.Next)
	}
}

func (p *printer) facet(name string, vs []query.FacetValue) {
	parts := make([]string, 0, len(vs))
	for _, v := range vs {
		parts = append(parts, fmt.Sprintf("%s %d", v.Value, v.Count))
	}
	if len(parts) == 0 {
		parts = append(parts, "none")
	}
	p.printf("%-8s %s\n", name+":", strings.Join(parts, ", "))
}
