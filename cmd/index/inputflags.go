package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"newsdex/internal/cli"
	"newsdex/internal/input"
	"newsdex/internal/store"
)

// inputFlags are the flags of every command that reads PATH arguments
// (parse, build, add).
type inputFlags struct {
	fields       []string
	format       string
	maxPageBytes int64
}

func (f *inputFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.fields, "field", nil,
		"map a JSON lines or CSV field: ours=theirs, e.g. --field title=headline, --field source=source.name (repeatable)")
	fs.StringVar(&f.format, "format", "auto",
		"how to read the input: auto (by file name), reuters, text, jsonl, csv, html or warc")
	fs.Int64Var(&f.maxPageBytes, "max-page-bytes", input.DefaultMaxPageBytes,
		"refuse pages larger than this many bytes")
}

// options turns the flags into input.Options reading "-" from stdin; a bad
// flag is a usage error.
func (f *inputFlags) options(ios *cli.IO) (input.Options, error) {
	fields, err := input.ParseFieldFlags(f.fields)
	if err != nil {
		return input.Options{}, cli.Usagef("--field %v", err)
	}
	if err := input.CheckFormat(f.format); err != nil {
		return input.Options{}, cli.Usagef("--format: %v", err)
	}
	if f.maxPageBytes <= 0 {
		return input.Options{}, cli.Usagef("--max-page-bytes %d: want a positive number of bytes", f.maxPageBytes)
	}
	format := f.format
	if format == "auto" {
		format = "" // the default: by file name
	}
	return input.Options{Fields: fields, Format: format, MaxPageBytes: f.maxPageBytes, Stdin: ios.In}, nil
}

// needPaths is the Args of the commands that read PATH arguments.
func needPaths(_ *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cli.Usagef("no PATH given (a page, JSON lines, CSV, HTML, WARC, an archive, a folder or -)")
	}
	return nil
}

// indexFlag registers --index.
func indexFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "index", "", "index folder (default $"+store.EnvDir+", else ./"+store.DefaultDir+")")
}
