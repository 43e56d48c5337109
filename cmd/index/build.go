package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"newsdex/internal/cli"
	"newsdex/internal/indexer"
	"newsdex/internal/store"
)

func init() { commandFiles = append(commandFiles, newBuildCmd) }

// indexFlag registers --index.
func indexFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "index", "", "index folder (default $"+store.EnvDir+", else ./"+store.DefaultDir+")")
}

func newBuildCmd() *cobra.Command {
	var (
		in      inputFlags
		dir     string
		strict  bool
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "build [--index DIR] [--strict] [--json] PATH...",
		Short: "Build a new index from pages and JSON lines, replacing the old one atomically",
		Long: `build reads PATH like "index parse" and builds a complete new index beside
the current one in DIR; only when that succeeded does it switch DIR to it, so a
server reading DIR never sees a half-built index and a failed or interrupted
build leaves DIR as it was.

Files that cannot be read are reported on stderr as FILE:LINE: what is wrong and
skipped; with --strict any skipped file fails the build and DIR is untouched.
Progress goes to stderr, then one summary line; --json also prints the summary
as JSON on stdout. Exit status: 0 on success, 1 on failure, 2 on usage errors.`,
		Example: `  index build --index news.bleve testdata/
  index build --field title=headline --field date=time headlines.jsonl.gz`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIndexer(cmd, args, &in, dir, strict, jsonOut, indexer.Build)
		},
	}
	indexFlag(cmd, &dir)
	cmd.Flags().BoolVar(&strict, "strict", false, "fail, leaving DIR untouched, when any file is skipped")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the summary as JSON on stdout")
	in.register(cmd.Flags())
	return cmd
}

type indexFunc func(ctx context.Context, dir string, paths []string, opt indexer.Options) (indexer.Summary, error)

func runIndexer(cmd *cobra.Command, args []string, in *inputFlags, dirFlag string, strict, jsonOut bool, fn indexFunc) error {
	if len(args) == 0 {
		return cli.Usagef("no PATH given (a page, JSON lines, an archive, a folder or -)")
	}
	opt, err := in.options()
	if err != nil {
		return err
	}
	opt.Stdin = cmd.InOrStdin()
	dir := store.ResolveDir(dirFlag)
	stderr := cmd.ErrOrStderr()
	f, isFile := stderr.(*os.File)
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := fn(ctx, dir, args, indexer.Options{
		Input:    opt,
		Strict:   strict,
		Progress: stderr,
		Terminal: isFile && indexer.IsTerminal(f),
	})
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		err = fmt.Errorf("interrupted: the index at %s is left as it was", dir)
	}
	if jsonOut && (err == nil || errors.Is(err, indexer.ErrSkipped)) {
		b, jerr := json.Marshal(sum)
		if jerr != nil {
			return jerr
		}
		fmt.Fprintln(cmd.OutOrStdout(), string(b))
	}
	return err
}
