package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"newsdex/internal/cli"
	"newsdex/internal/item"
	"newsdex/internal/query"
	"newsdex/internal/store"
)

type getOptions struct {
	IO   *cli.IO
	Dir  string
	ID   string
	JSON bool
}

func newCmdGet(ios *cli.IO, runF func(context.Context, *getOptions) error) *cobra.Command {
	opts := &getOptions{IO: ios}
	var dir string
	cmd := &cobra.Command{
		Use:   "get ID",
		Short: "Print one whole item by its id",
		Long: `get prints the item with this id, body included: the id search prints with each hit.

The index folder comes from --index DIR, else $NEWSDEX_INDEX, else ./newsdex.bleve.`,
		Args: cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = store.ResolveDir(dir)
			opts.ID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return getRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&dir, "index", "", "index folder (default $NEWSDEX_INDEX, else ./newsdex.bleve)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the item as JSON")
	return cmd
}

func getRun(ctx context.Context, opts *getOptions) error {
	idx, err := store.Open(opts.Dir)
	if err != nil {
		return err
	}
	defer idx.Close()
	it, err := query.NewSearcher(idx).Get(ctx, opts.ID)
	if errors.Is(err, query.ErrNotFound) {
		return fmt.Errorf("no item with id %q", opts.ID)
	}
	if err != nil {
		return err
	}
	if opts.JSON {
		return query.WriteItemJSON(opts.IO.Out, it)
	}
	p := newPrinter(opts.IO)
	printItem(p, it)
	return p.err
}
func printItem(p *printer, it *item.Item) {
	p.printf("%s\n\n", it.Title)
	field := func(name, v string) {
		if v != "" {
			p.printf("%-10s %s\n", name+":", v)
		}
	}
	field("id", it.ID)
	field("kind", string(it.Kind))
	if it.Date.IsZero() {
		field("date", "undated")
	} else {
		field("date", it.Date.UTC().Format("2006-01-02 15:04 MST"))
	}
	field("region", it.Region)
	field("dateline", it.Dateline)
	field("source", it.Source)
	field("url", it.URL)
	field("file", it.File)
	if it.ReadMinutes > 0 {
		field("read", fmt.Sprintf("%d min", it.ReadMinutes))
	}
	if it.Pages > 0 {
		field("pages", fmt.Sprint(it.Pages))
	}
	field("article", it.ArticleID)
	if it.Caption != "" {
		field("caption", it.Caption)
	}
	for _, text := range []string{it.Summary, it.Body} {
		if text != "" {
			p.printf("\n%s\n", strings.TrimRight(text, "\n"))
		}
	}
	if it.Byline != "" {
		p.printf("\n%s\n", it.Byline)
	}
}
