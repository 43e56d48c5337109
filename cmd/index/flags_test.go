package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/cobra"

	"newsdex/internal/cli"
	"newsdex/internal/indexer"
	"newsdex/internal/input"
	"newsdex/internal/store"
)

// TestBuildFlags: what build and add make of their flags and arguments,
// with the run function replaced.
func TestBuildFlags(t *testing.T) {
	t.Setenv(store.EnvDir, "from-env")
	tests := []struct {
		args []string
		want indexOptions
	}{
		{[]string{"a.txt"}, indexOptions{Dir: "from-env", Paths: []string{"a.txt"}}},
		{[]string{"--index", "ix", "--strict", "--json", "a", "b"}, indexOptions{Dir: "ix", Paths: []string{"a", "b"}, Strict: true, JSON: true}},
		{[]string{"--field", "title=headline", "--field=url=link", "-"}, indexOptions{Dir: "from-env", Paths: []string{"-"},
			Input: input.Options{Fields: map[string]string{"title": "headline", "url": "link"}}}},
		{[]string{"--max-page-bytes", "100", "x"}, indexOptions{Dir: "from-env", Paths: []string{"x"}, Input: input.Options{MaxPageBytes: 100}}},
	}
	for _, newCmd := range []func(*cli.IO, func(context.Context, *indexOptions) error) *cobra.Command{newCmdBuild, newCmdAdd} {
		for _, tt := range tests {
			var out, errb strings.Builder
			ios := &cli.IO{In: strings.NewReader("stdin"), Out: &out, Err: &errb}
			var got *indexOptions
			cmd := newCmd(ios, func(_ context.Context, o *indexOptions) error { got = o; return nil })
			if code := cli.Run(context.Background(), cmd, ios, tt.args); code != 0 || got == nil {
				t.Errorf("%s %q: exit %d: %s", cmd.Name(), tt.args, code, errb.String())
				continue
			}
			if got.IO != ios || got.Input.Stdin != ios.In || got.Index == nil {
				t.Errorf("%s %q: streams or indexer not passed on", cmd.Name(), tt.args)
			}
			want := tt.want
			if want.Input.MaxPageBytes == 0 {
				want.Input.MaxPageBytes = input.DefaultMaxPageBytes
			}
			if diff := cmp.Diff(want, *got, cmpopts.IgnoreFields(indexOptions{}, "IO", "Index"), cmpopts.IgnoreFields(input.Options{}, "Stdin")); diff != "" {
				t.Errorf("%s %q (-want +got):\n%s", cmd.Name(), tt.args, diff)
			}
		}
	}
}

// TestUsageErrors: every bad flag or argument of every command is one line on
// stderr naming it, exit 2, nothing on stdout, and nothing run.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"nonsense"}, `index: unknown command "nonsense" for "index"`},
		{[]string{"build"}, "index build: no PATH given"},
		{[]string{"add"}, "index add: no PATH given"},
		{[]string{"parse"}, "index parse: no PATH given"},
		{[]string{"build", "--bogus", "x"}, "index build: unknown flag: --bogus"},
		{[]string{"add", "-q", "x"}, "index add: unknown shorthand flag: 'q' in -q"},
		{[]string{"build", "--field", "nonsense", "x"}, `index build: --field "nonsense": want ours=theirs`},
		{[]string{"add", "--max-page-bytes", "-5", "x"}, "index add: --max-page-bytes -5: want a positive number of bytes"},
		{[]string{"parse", "--max-page-bytes", "lots", "x"}, `index parse: invalid argument "lots" for "--max-page-bytes" flag`},
		{[]string{"stats", "extra"}, `index stats: unknown command "extra" for "index stats"`},
		{[]string{"export", "extra"}, `index export: unknown command "extra" for "index export"`},
		{[]string{"stats", "--json=maybe"}, `index stats: invalid argument "maybe" for "--json" flag`},
	}
	for _, tt := range tests {
		r := runIndex(t, "", tt.args...)
		if r.code != cli.ExitUsage || r.stdout != "" || !strings.HasPrefix(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("index %q: exit %d, stdout %q, stderr %q; want exit 2 and one line starting %q", tt.args, r.code, r.stdout, r.stderr, tt.want)
		}
	}
}

// TestIndexRunInterrupted: a build cancelled by a signal says the index is
// left as it was; --json prints a summary only for a build that ended.
func TestIndexRunInterrupted(t *testing.T) {
	tests := []struct {
		name    string
		cancel  bool
		err     error
		wantErr string
		wantOut bool
	}{
		{"ok", false, nil, "", true},
		{"skipped", false, fmt.Errorf("2 files: %w", indexer.ErrSkipped), "2 files", true},
		{"interrupted", true, context.Canceled, "interrupted: the index at ix is left as it was", false},
		{"failed", false, fmt.Errorf("disk full"), "disk full", false},
	}
	for _, tt := range tests {
		var out, errb strings.Builder
		ctx, cancel := context.WithCancel(context.Background())
		if tt.cancel {
			cancel()
		}
		opts := &indexOptions{
			IO: &cli.IO{Out: &out, Err: &errb}, Dir: "ix", Paths: []string{"p"}, JSON: true,
			Index: func(context.Context, string, []string, indexer.Options) (indexer.Summary, error) {
				return indexer.Summary{Index: "ix", Articles: 3}, tt.err
			},
		}
		err := indexRun(ctx, opts)
		cancel()
		if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
		}
		if got := strings.Contains(out.String(), `"articles":3`); got != tt.wantOut {
			t.Errorf("%s: stdout %q", tt.name, out.String())
		}
	}
}
