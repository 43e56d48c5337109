package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"newsdex/internal/cli"
	"newsdex/internal/input"
)

type parseOptions struct {
	IO    *cli.IO
	Input input.Options
	Paths []string
}

func newCmdParse(ios *cli.IO, runF func(context.Context, *parseOptions) error) *cobra.Command {
	opts := &parseOptions{IO: ios}
	var in inputFlags
	cmd := &cobra.Command{
		Use:   "parse [--field ours=theirs]... PATH...",
		Short: "Print the items pages and JSON lines give, as JSON lines, without indexing",
		Long: `parse reads pages (.txt), JSON lines (.jsonl, .ndjson), gzip-compressed files
and tar archives of them, or folders holding them, and prints the items they give
as JSON lines on stdout, in input order: each page's article, then its teasers.
It is exactly what "index build" indexes. PATH "-" reads JSON lines from stdin.

A file or line that cannot be read is reported on stderr as FILE:LINE: what is
wrong, and skipped. Exit status: 0 when every record was read, 3 when records
were skipped (the others are printed), 1 on failure, 2 on usage errors.`,
		Example: `  index parse testdata/pages/
  index parse --field title=headline --field region=category \
      --field summary=short_description --field url=link news_category.jsonl`,
		Args: needPaths,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Input, err = in.options(ios); err != nil {
				return err
			}
			opts.Paths = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return parseRun(cmd.Context(), opts)
		},
	}
	in.register(cmd.Flags())
	return cmd
}

// parseRun prints the items of opts.Paths as JSON lines, reporting what it
// skips.
func parseRun(ctx context.Context, opts *parseOptions) error {
	out := bufio.NewWriterSize(opts.IO.Out, 64<<10)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	skipped := 0
	err := input.Read(ctx, opts.Paths, opts.Input, func(r input.Record) error {
		if r.Err != nil {
			skipped++
			fmt.Fprintln(opts.IO.Err, r.Err)
			return nil
		}
		for i := range r.Items {
			if err := enc.Encode(&r.Items[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if skipped > 0 {
		fmt.Fprintf(opts.IO.Err, "index parse: %d skipped\n", skipped)
		return cli.SilentError{Code: cli.ExitSkipped}
	}
	return nil
}
