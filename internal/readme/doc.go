// Package readme holds the test that runs the README's marked examples
// against the demo index built from testdata/ and compares their output, so
// that an example that goes stale fails make test. It has no code of its own.
//
// A marked example is a code block right after the line
//
//	<!-- example -->
//
// Inside it, a line "$ COMMAND" runs COMMAND (bin/index or bin/search with
// its arguments, quoted as in a shell; a trailing backslash continues the
// line; VAR=value prefixes set the environment) in a fresh folder holding
// testdata/, bin/ and demo.bleve, the index make run builds. The lines up to
// the next "$ " line are what it prints: stdout, then stderr (without slog
// lines). In the expected text:
//   - a last line ending in "(exit N)" after spaces expects exit status N;
//   - a line "..." stands for any number of lines;
//   - timings, sizes and rates are compared as placeholders (cursors are
//     not: a stale one in the README would be refused).
//
// A block whose commands build demo.bleve themselves starts without it.
package readme
