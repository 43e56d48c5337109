// Command index reads news pages and JSON lines and builds, updates and
// inspects the newsdex index.
package main

import (
	"github.com/spf13/cobra"

	"newsdex/internal/cli"
)

func main() { cli.Main(newRootCmd()) }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "index",
		Short: "Read news pages and JSON lines into a newsdex index",
		Long: `index reads news pages scraped as plain text and news items as JSON lines,
and builds, updates and inspects the bleve index that search reads.

The index folder comes from --index DIR, else $NEWSDEX_INDEX, else ./newsdex.bleve.`,
	}
	root.AddCommand(subcommands()...)
	return root
}

// subcommands lists the commands; each lives in its own file.
func subcommands() []*cobra.Command {
	var cmds []*cobra.Command
	for _, f := range commandFiles {
		cmds = append(cmds, f())
	}
	return cmds
}

// commandFiles is filled by each command file's init, so that command files
// can be added without touching this one.
var commandFiles []func() *cobra.Command
