package main

import (
	"github.com/spf13/cobra"

	"newsdex/internal/indexer"
)

func init() { commandFiles = append(commandFiles, newAddCmd) }

func newAddCmd() *cobra.Command {
	var (
		in      inputFlags
		dir     string
		strict  bool
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "add [--index DIR] PATH...",
		Short: "Add or replace items in the index, while it may be served",
		Long: `add reads PATH like "index parse" and upserts its items into the index in DIR:
an item with an id already indexed is replaced, and a teaser seen on new pages
gets its pages count raised. It writes the next generation of DIR beside the
current one (sharing its segment files) and switches to it, so it works while
"search serve" is serving DIR. With no index in DIR it builds one.

Exit status: 0 on success, 1 on failure, 2 on usage errors.`,
		Example: `  index add --index news.bleve today/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIndexer(cmd, args, &in, dir, strict, jsonOut, indexer.Add)
		},
	}
	indexFlag(cmd, &dir)
	cmd.Flags().BoolVar(&strict, "strict", false, "fail, leaving DIR untouched, when any file is skipped")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the summary as JSON on stdout")
	in.register(cmd.Flags())
	return cmd
}
