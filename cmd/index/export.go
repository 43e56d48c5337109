package main

import (
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"newsdex/internal/indexer"
	"newsdex/internal/store"
)

func init() { commandFiles = append(commandFiles, newExportCmd) }

func newExportCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "export [--index DIR]",
		Short: "Print every item of the index as JSON lines",
		Long: `export prints every item of the index in DIR as JSON lines in the item shape,
ordered by id. "index build" of that output makes an index with the same ids,
counts and fields.`,
		Example: `  index export --index news.bleve | gzip > news.jsonl.gz`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, err := store.Open(store.ResolveDir(dir))
			if err != nil {
				return err
			}
			defer ix.Close()
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			_, err = indexer.Export(ctx, ix, cmd.OutOrStdout())
			return err
		},
	}
	indexFlag(cmd, &dir)
	return cmd
}
