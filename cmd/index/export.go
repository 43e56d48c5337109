package main

import (
	"context"

	"github.com/spf13/cobra"

	"newsdex/internal/catalog"
	"newsdex/internal/cli"
	"newsdex/internal/store"
)

type exportOptions struct {
	IO  *cli.IO
	Dir string
}

func newCmdExport(ios *cli.IO, runF func(context.Context, *exportOptions) error) *cobra.Command {
	opts := &exportOptions{IO: ios}
	var dir string
	cmd := &cobra.Command{
		Use:   "export [--index DIR]",
		Short: "Print every item of the index as JSON lines",
		Long: `export prints every item of the index in DIR as JSON lines in the item shape,
ordered by id. "index build" of that output makes an index with the same ids,
counts and fields.`,
		Example: `  index export --index news.bleve | gzip > news.jsonl.gz`,
		Args:    cli.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Dir = store.ResolveDir(dir)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return exportRun(cmd.Context(), opts)
		},
	}
	indexFlag(cmd, &dir)
	return cmd
}

func exportRun(ctx context.Context, opts *exportOptions) error {
	ix, err := store.Open(opts.Dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	_, err = catalog.Export(ctx, ix, opts.IO.Out)
	return err
}
