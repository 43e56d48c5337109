package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"newsdex/internal/cli"
	"newsdex/internal/indexer"
	"newsdex/internal/input"
	"newsdex/internal/store"
)

// indexOptions are what index build and index add do.
type indexOptions struct {
	IO     *cli.IO
	Dir    string // the index folder, resolved
	Paths  []string
	Input  input.Options
	Strict bool
	JSON   bool
	// Index is indexer.Build or indexer.Add.
	Index func(ctx context.Context, dir string, paths []string, opt indexer.Options) (indexer.Summary, error)
}

func newCmdBuild(ios *cli.IO, runF func(context.Context, *indexOptions) error) *cobra.Command {
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
as JSON on stdout.

Exit status: 0 when every record was read, 3 when it finished but skipped
records (each reported on stderr as FILE:LINE), 1 on failure (DIR is left as
it was), 2 on usage errors.`,
		Example: `  index build --index news.bleve testdata/
  index build --field title=headline --field date=time headlines.jsonl.gz`,
	}
	indexCmd(cmd, ios, indexer.Build, runF)
	return cmd
}

func newCmdAdd(ios *cli.IO, runF func(context.Context, *indexOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add [--index DIR] PATH...",
		Short: "Add or replace items in the index, while it may be served",
		Long: `add reads PATH like "index parse" and upserts its items into the index in DIR:
an item with an id already indexed is replaced, and a teaser seen on new pages
gets its pages count raised. It writes the next generation of DIR beside the
current one (sharing its segment files) and switches to it, so it works while
"search serve" is serving DIR. With no index in DIR it builds one. Files and
lines that cannot be read are reported and skipped as for build (--strict).

Exit status: 0 when every record was read, 3 when it finished but skipped
records (each reported on stderr as FILE:LINE), 1 on failure (DIR is left as
it was), 2 on usage errors.`,
		Example: `  index add --index news.bleve today/`,
	}
	indexCmd(cmd, ios, indexer.Add, runF)
	return cmd
}

// indexCmd gives build or add (cmd) its flags, arguments and run function.
func indexCmd(cmd *cobra.Command, ios *cli.IO, index func(context.Context, string, []string, indexer.Options) (indexer.Summary, error),
	runF func(context.Context, *indexOptions) error) {
	opts := &indexOptions{IO: ios, Index: index}
	var (
		in  inputFlags
		dir string
	)
	cmd.Args = needPaths
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var err error
		if opts.Input, err = in.options(ios); err != nil {
			return err
		}
		opts.Dir = store.ResolveDir(dir)
		opts.Paths = args
		if runF != nil {
			return runF(cmd.Context(), opts)
		}
		return indexRun(cmd.Context(), opts)
	}
	indexFlag(cmd, &dir)
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "fail, leaving DIR untouched, when any file is skipped")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the summary as JSON on stdout")
	in.register(cmd.Flags())
}

// indexRun builds or adds to the index: progress and the summary line on
// stderr, the summary as JSON on stdout with --json.
func indexRun(ctx context.Context, opts *indexOptions) error {
	sum, err := opts.Index(ctx, opts.Dir, opts.Paths, indexer.Options{
		Input:    opts.Input,
		Strict:   opts.Strict,
		Progress: opts.IO.Err,
		Terminal: opts.IO.ErrTerminal,
	})
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		err = fmt.Errorf("interrupted: the index at %s is left as it was", opts.Dir)
	}
	if opts.JSON && (err == nil || errors.Is(err, indexer.ErrSkipped)) {
		b, jerr := json.Marshal(sum)
		if jerr != nil {
			return jerr
		}
		fmt.Fprintln(opts.IO.Out, string(b))
	}
	if err == nil && sum.Skipped > 0 {
		// The summary line on stderr already says how many.
		return cli.SilentError{Code: cli.ExitSkipped}
	}
	return err
}
