package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"newsdex/internal/cli"
)

func TestCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, cli.ExitOK},
		{errors.New("disk full"), cli.ExitFailure},
		{cli.Usagef("--limit: too big"), cli.ExitUsage},
		{fmt.Errorf("wrapped: %w", cli.Usage(errors.New("x"))), cli.ExitUsage},
		{cli.SilentError{Code: 3}, 3},
		{cli.Usage(nil), cli.ExitOK},
	}
	for _, tt := range tests {
		if got := cli.Code(tt.err); got != tt.want {
			t.Errorf("Code(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// TestRun: usage errors are marked where they arise (Args validators, flag
// parsing, Usage in RunE) and give exit 2; other errors exit 1; each is one
// line "command: message" on stderr; a SilentError prints nothing.
func TestRun(t *testing.T) {
	newRoot := func() *cobra.Command {
		root := &cobra.Command{Use: "tool", Args: cli.NoCommand, RunE: func(cmd *cobra.Command, _ []string) error { return nil }}
		var n int
		one := &cobra.Command{Use: "one ARG", Args: cli.ExactArgs(1), RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case n < 0:
				return cli.Usagef("--n: %d is negative", n)
			case args[0] == "fail":
				return errors.New("it failed")
			case args[0] == "quiet":
				fmt.Fprintln(cmd.ErrOrStderr(), "said already")
				return cli.SilentError{Code: cli.ExitFailure}
			}
			fmt.Fprintln(cmd.OutOrStdout(), "ran", args[0], cmd.Context().Value(ctxKey{}))
			return nil
		}}
		one.Flags().IntVar(&n, "n", 0, "a number")
		none := &cobra.Command{Use: "none", Args: cli.NoArgs, RunE: func(*cobra.Command, []string) error { return nil }}
		root.AddCommand(one, none)
		return root
	}
	tests := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"one", "x"}, 0, "ran x v\n", ""},
		{[]string{"one"}, 2, "", "tool one: accepts 1 arg(s), received 0\n"},
		{[]string{"one", "--n", "-1", "x"}, 2, "", "tool one: --n: -1 is negative\n"},
		{[]string{"one", "--n", "many", "x"}, 2, "", `tool one: invalid argument "many" for "--n" flag: strconv.ParseInt: parsing "many": invalid syntax` + "\n"},
		{[]string{"one", "--bogus", "x"}, 2, "", "tool one: unknown flag: --bogus\n"},
		{[]string{"none", "x"}, 2, "", `tool none: unknown command "x" for "tool none"` + "\n"},
		{[]string{"nonsense"}, 2, "", `tool: unknown command "nonsense" for "tool"` + "\n"},
		{[]string{"one", "fail"}, 1, "", "tool one: it failed\n"},
		{[]string{"one", "quiet"}, 1, "", "said already\n"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		ios := &cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb}
		ctx := context.WithValue(context.Background(), ctxKey{}, "v")
		code := cli.Run(ctx, newRoot(), ios, tt.args)
		if code != tt.code || out.String() != tt.out || errb.String() != tt.err {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out.String(), errb.String(), tt.code, tt.out, tt.err)
		}
	}
}

type ctxKey struct{}
