// Command index reads news pages and JSON lines and builds, updates and
// inspects the newsdex index.
//
// Each subcommand lives in its own file as a constructor, newCmdX(ios, runF),
// that wires flags into an options struct, and a run function, xRun(ctx,
// opts), that does the work on the injected streams; tests run both in the
// process. runF, when not nil, replaces the run function (tests of flag
// parsing).
package main

import (
	"github.com/spf13/cobra"

	"newsdex/internal/cli"
)

func main() { cli.Main(newCmdRoot) }

// newCmdRoot is the index command with all its subcommands.
func newCmdRoot(ios *cli.IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "index",
		Short: "Read news pages and JSON lines into a newsdex index",
		Long: `index reads news pages scraped as plain text and news items as JSON lines,
and builds, updates and inspects the bleve index that search reads.

The index folder comes from --index DIR, else $NEWSDEX_INDEX, else ./newsdex.bleve.`,
		Args: cli.NoCommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.AddCommand(
		newCmdParse(ios, nil),
		newCmdBuild(ios, nil),
		newCmdAdd(ios, nil),
		newCmdStats(ios, nil),
		newCmdExport(ios, nil),
	)
	return root
}
