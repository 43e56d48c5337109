// Command search answers keyword, date-range and region queries over a
// newsdex index, from the command line or over HTTP (search serve).
package main

import (
	"github.com/spf13/cobra"

	"newsdex/internal/cli"
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

// newSearchCmd is the search command itself; the query CLI issue fills it in.
func newSearchCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "search [QUERY]",
		Short: "Search a newsdex index",
	}
}
