package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"newsdex/internal/catalog"
	"newsdex/internal/cli"
	"newsdex/internal/store"
)

type statsOptions struct {
	IO   *cli.IO
	Dir  string
	JSON bool
}

func newCmdStats(ios *cli.IO, runF func(context.Context, *statsOptions) error) *cobra.Command {
	opts := &statsOptions{IO: ios}
	var dir string
	cmd := &cobra.Command{
		Use:   "stats [--index DIR] [--json]",
		Short: "Show what the index holds: items by kind, region and month, dates, size",
		Long: `stats prints a table of the index in DIR: items by kind, region and month,
the first and last dates and the size on disk. --json prints one JSON object:
{"total":N,"by_kind":{...},"by_region":{...},"by_month":{"1987-03":N,...},
"first_date":"...","last_date":"...","size_bytes":N}.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Dir = store.ResolveDir(dir)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statsRun(cmd.Context(), opts)
		},
	}
	indexFlag(cmd, &dir)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the stats as one JSON object")
	return cmd
}

func statsRun(_ context.Context, opts *statsOptions) error {
	ix, err := store.Open(opts.Dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	st, err := catalog.Stats(ix)
	if err != nil {
		return err
	}
	if opts.JSON {
		b, err := st.JSON()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(opts.IO.Out, string(b))
		return err
	}
	return st.WriteTable(opts.IO.Out, fmt.Sprintf("%s (%s)", ix.Dir, ix.Gen))
}
