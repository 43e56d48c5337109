package main

import (
	"github.com/spf13/pflag"

	"newsdex/internal/cli"
	"newsdex/internal/input"
)

// inputFlags are the flags of every command that reads PATH arguments
// (parse, build, add).
type inputFlags struct {
	fields       []string
	maxPageBytes int64
}

func (f *inputFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.fields, "field", nil,
		"map a JSON lines field: ours=theirs, e.g. --field title=headline (repeatable)")
	fs.Int64Var(&f.maxPageBytes, "max-page-bytes", input.DefaultMaxPageBytes,
		"refuse pages larger than this many bytes")
}

// options turns the flags into input.Options; a bad flag is a usage error.
func (f *inputFlags) options() (input.Options, error) {
	fields, err := input.ParseFieldFlags(f.fields)
	if err != nil {
		return input.Options{}, cli.Usage(err)
	}
	if f.maxPageBytes <= 0 {
		return input.Options{}, cli.Usagef("--max-page-bytes %d: want a positive number of bytes", f.maxPageBytes)
	}
	return input.Options{Fields: fields, MaxPageBytes: f.maxPageBytes}, nil
}
