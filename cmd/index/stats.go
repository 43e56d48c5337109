package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"newsdex/internal/indexer"
	"newsdex/internal/store"
)

func init() { commandFiles = append(commandFiles, newStatsCmd) }

func newStatsCmd() *cobra.Command {
	var (
		dir     string
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "stats [--index DIR] [--json]",
		Short: "Show what the index holds: items by kind, region and month, dates, size",
		Long: `stats prints a table of the index in DIR: items by kind, region and month,
the first and last dates and the size on disk. --json prints one JSON object:
{"total":N,"by_kind":{...},"by_region":{...},"by_month":{"1987-03":N,...},
"first_date":"...","last_date":"...","size_bytes":N}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, err := store.Open(store.ResolveDir(dir))
			if err != nil {
				return err
			}
			defer ix.Close()
			st, err := indexer.Stats(ix)
			if err != nil {
				return err
			}
			if jsonOut {
				b, err := st.JSON()
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(b))
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "index\t%s (%s)\n", ix.Dir, ix.Gen)
			return st.WriteTable(cmd.OutOrStdout())
		},
	}
	indexFlag(cmd, &dir)
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the stats as one JSON object")
	return cmd
}
