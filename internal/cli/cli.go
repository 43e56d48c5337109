// Package cli holds what both binaries share about running a cobra command:
// the streams a command reads and writes (IO, injected so that tests run
// commands in the process), exit codes (0 success, 1 failure, 2 usage),
// one-line error messages on stderr and never a stack trace, and the one
// place that turns SIGINT and SIGTERM into a cancelled context.
//
// A command marks its usage errors where they arise: Usage and Usagef for
// bad flag values, NoArgs, ExactArgs and NoCommand as cobra's Args
// validators, and Run makes every flag parsing error one too.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
	// ExitSkipped: index build, add and parse did their work but skipped
	// records, each reported on stderr as FILE:LINE.
	ExitSkipped = 3
)

// IO is where a command reads and writes: the process's streams (System), or
// buffers in tests.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// Bold says Out is a terminal that shows ANSI bold: not redirected, no
	// $NO_COLOR, $TERM not "dumb".
	Bold bool
	// ErrTerminal says Err is a terminal, where progress can redraw a line.
	ErrTerminal bool
	// Width is the number of columns output for people wraps at: the
	// terminal's when Out is one, else 80 (as is 0).
	Width int
}

// Columns is ios.Width, 80 when unset.
func (ios *IO) Columns() int {
	if ios.Width <= 0 {
		return 80
	}
	return ios.Width
}

// System is the process's standard streams.
func System() *IO {
	return &IO{
		In:          os.Stdin,
		Out:         os.Stdout,
		Err:         os.Stderr,
		Bold:        isTerminal(os.Stdout) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb",
		ErrTerminal: isTerminal(os.Stderr),
		Width:       terminalWidth(os.Stdout),
	}
}

// terminalWidth is f's width in columns when it is a terminal, else 80.
func terminalWidth(f *os.File) int {
	if isTerminal(f) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return 80
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

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

// NoArgs is cobra.NoArgs, its error a usage error.
func NoArgs(cmd *cobra.Command, args []string) error { return Usage(cobra.NoArgs(cmd, args)) }

// ExactArgs is cobra.ExactArgs(n), its error a usage error.
func ExactArgs(n int) cobra.PositionalArgs {
	check := cobra.ExactArgs(n)
	return func(cmd *cobra.Command, args []string) error { return Usage(check(cmd, args)) }
}

// NoCommand is the Args of a command that only groups subcommands: an
// argument that names none of them is a usage error.
func NoCommand(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return Usagef("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return nil
}

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

// Run executes root with args under ctx, its output and errors on ios, and
// returns the exit code. An error is printed as one line "command: message"
// on ios.Err.
func Run(ctx context.Context, root *cobra.Command, ios *IO, args []string) int {
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.Err)
	root.SilenceUsage = true
	root.SilenceErrors = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return Usage(err) })
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		var s SilentError
		if !errors.As(err, &s) {
			fmt.Fprintf(ios.Err, "%s: %v\n", cmd.CommandPath(), err)
		}
	}
	return Code(err)
}

// SignalContext is parent, cancelled at the first SIGINT or SIGTERM. Both
// binaries run every command under it: a build that is interrupted leaves
// the index as it was, a server shuts down gracefully. stop releases the
// signals.
func SignalContext(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// Main runs the command newRoot makes with the process's arguments and
// streams, under SignalContext, and exits with its code.
func Main(newRoot func(*IO) *cobra.Command) {
	ctx, stop := SignalContext(context.Background())
	ios := System()
	code := Run(ctx, newRoot(ios), ios, os.Args[1:])
	stop()
	os.Exit(code)
}
