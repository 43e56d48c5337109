// Package cli holds what both binaries share about running a cobra command:
// exit codes (0 success, 1 failure, 2 usage) and one-line error messages on
// stderr, never a stack trace.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// Usage marks err as a usage error: bad flags or arguments, exit code 2.
func Usage(err error) error {
	if err == nil {
		return nil
	}
	return usageError{err}
}

// Usagef is Usage(fmt.Errorf(format, args...)).
func Usagef(format string, args ...any) error { return Usage(fmt.Errorf(format, args...)) }

// SilentError is an error whose message has already been printed; it only
// sets the exit code.
type SilentError struct{ Code int }

func (e SilentError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Code is the exit code err calls for.
func Code(err error) int {
	var s SilentError
	var u usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &s):
		return s.Code
	case errors.As(err, &u):
		return ExitUsage
	default:
		return ExitFailure
	}
}

// Run executes root with args and returns the exit code, printing any error as
// one line "name: message" on stderr.
func Run(root *cobra.Command, args []string, stdout, stderr io.Writer) int {
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SilenceUsage = true
	root.SilenceErrors = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return Usage(err) })
	cmd, err := root.ExecuteC()
	if err != nil {
		var s SilentError
		if !errors.As(err, &s) {
			fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), err)
		}
		// cobra's own argument and unknown-command errors are usage errors too.
		if Code(err) == ExitFailure && isCobraUsage(err) {
			return ExitUsage
		}
	}
	return Code(err)
}

func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// Main runs root with the process's arguments and exits.
func Main(root *cobra.Command) {
	os.Exit(Run(root, os.Args[1:], os.Stdout, os.Stderr))
}
