package readme

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"newsdex/internal/testenv"
)

// marker is the line before a code block the test runs.
const marker = "<!-- example -->"

// example is one command of a marked block and what it prints.
type example struct {
	line int      // README line of the command
	env  []string // VAR=value prefixes
	args []string // the command, args[0] is bin/index or bin/search
	want []string // expected output lines
	exit int      // expected exit status
}

// block is one marked code block.
type block struct {
	line     int
	examples []example
}

var exitRE = regexp.MustCompile(`\s{2,}\(exit (\d+)\)$`)

// parseREADME returns the marked blocks of a README.
func parseREADME(text string) ([]block, error) {
	var blocks []block
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != marker {
			continue
		}
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "```") {
			return nil, fmt.Errorf("README.md:%d: %s is not followed by a code block", i+1, marker)
		}
		b := block{line: i + 2}
		j := i + 2
		var cur *example
		for ; j < len(lines) && !strings.HasPrefix(lines[j], "```"); j++ {
			l := lines[j]
			if cmdText, ok := strings.CutPrefix(l, "$ "); ok {
				start := j
				for strings.HasSuffix(cmdText, `\`) && j+1 < len(lines) {
					j++
					cmdText = strings.TrimSuffix(cmdText, `\`) + " " + strings.TrimSpace(lines[j])
				}
				words, err := splitWords(cmdText)
				if err != nil {
					return nil, fmt.Errorf("README.md:%d: %v", start+1, err)
				}
				ex := example{line: start + 1}
				for len(words) > 0 && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(words[0]) {
					ex.env = append(ex.env, words[0])
					words = words[1:]
				}
				if len(words) == 0 || (words[0] != "bin/index" && words[0] != "bin/search") {
					return nil, fmt.Errorf("README.md:%d: a marked example runs bin/index or bin/search, not %q", start+1, cmdText)
				}
				ex.args = words
				b.examples = append(b.examples, ex)
				cur = &b.examples[len(b.examples)-1]
				continue
			}
			if cur == nil {
				if strings.TrimSpace(l) != "" {
					return nil, fmt.Errorf("README.md:%d: output before the first \"$ \" command", j+1)
				}
				continue
			}
			cur.want = append(cur.want, l)
		}
		if j == len(lines) {
			return nil, fmt.Errorf("README.md:%d: unterminated code block", i+2)
		}
		for k := range b.examples {
			ex := &b.examples[k]
			ex.want = trimBlank(ex.want)
			if n := len(ex.want); n > 0 {
				if m := exitRE.FindStringSubmatch(ex.want[n-1]); m != nil {
					ex.exit, _ = strconv.Atoi(m[1])
					ex.want[n-1] = strings.TrimRight(ex.want[n-1][:len(ex.want[n-1])-len(m[0])], " ")
				}
			}
		}
		if len(b.examples) == 0 {
			return nil, fmt.Errorf("README.md:%d: a marked block without a \"$ \" command", b.line)
		}
		blocks = append(blocks, b)
		i = j
	}
	return blocks, nil
}

// splitWords splits a command line as a shell would for plain words, 'single'
// and "double" quotes (with \" and \\ inside double quotes).
func splitWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		case c == '\'':
			k := strings.IndexByte(s[i+1:], '\'')
			if k < 0 {
				return nil, errors.New("unterminated ' quote")
			}
			w.WriteString(s[i+1 : i+1+k])
			i += k + 1
			in = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				w.WriteByte(s[i])
			}
			if i == len(s) {
				return nil, errors.New("unterminated \" quote")
			}
			in = true
		case strings.IndexByte("|&;<>()$`*?", c) >= 0:
			return nil, fmt.Errorf("%q: marked examples are single commands without shell syntax", c)
		default:
			w.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words, nil
}

func trimBlank(ls []string) []string {
	for len(ls) > 0 && strings.TrimSpace(ls[len(ls)-1]) == "" {
		ls = ls[:len(ls)-1]
	}
	for len(ls) > 0 && strings.TrimSpace(ls[0]) == "" {
		ls = ls[1:]
	}
	return ls
}

// volatile are the parts of the output that change from run to run or from
// machine to machine; they compare as placeholders.
var volatile = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`\b\d+(\.\d+)? ms\b`), "N ms"},
	{regexp.MustCompile(`\bin \d+(\.\d+)?s\b`), "in Ns"},
	{regexp.MustCompile(`\b[\d,]+ items/s\b`), "N items/s"},
	{regexp.MustCompile(`\b\d+(\.\d+)? (B|KiB|MiB|GiB)\b`), "N KiB"},
}

func normalize(l string) string {
	l = strings.TrimRight(l, " \t")
	for _, v := range volatile {
		l = v.re.ReplaceAllString(l, v.repl)
	}
	return l
}

func normalizeAll(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = normalize(l)
	}
	return out
}

// match reports whether got matches want, where a want line "..." stands for
// any number of lines.
func match(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if want[0] == "..." {
		for k := 0; k <= len(got); k++ {
			if match(want[1:], got[k:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && normalize(want[0]) == normalize(got[0]) && match(want[1:], got[1:])
}

var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

// demoIndex builds demo.bleve from testdata/ once, as make run does, and
// returns the folder holding it.
func demoIndex(t *testing.T, indexBin, root string) string {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "newsdex-readme-demo-")
		if demoErr != nil {
			return
		}
		cmd := exec.Command(indexBin, "build", "--index", "demo.bleve",
			filepath.Join(root, "testdata", "pages"), filepath.Join(root, "testdata", "jsonl"))
		cmd.Dir = demoDir
		if out, err := cmd.CombinedOutput(); err != nil {
			demoErr = fmt.Errorf("building the demo index: %v\n%s", err, out)
		}
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return filepath.Join(demoDir, "demo.bleve")
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestREADMEExamples runs every marked example of README.md against the demo
// index of testdata/ and compares what it prints with what the README shows.
func TestREADMEExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test; -short")
	}
	root := testenv.Root(t)
	text, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := parseREADME(string(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) == 0 {
		t.Fatalf("README.md has no %s blocks", marker)
	}
	bins := map[string]string{
		"bin/index":  testenv.Binary(t, "index"),
		"bin/search": testenv.Binary(t, "search"),
	}
	demo := demoIndex(t, bins["bin/index"], root)
	for _, b := range blocks {
		t.Run(fmt.Sprintf("line%d", b.line), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Symlink(filepath.Join(root, "testdata"), filepath.Join(dir, "testdata")); err != nil {
				t.Fatal(err)
			}
			builds := false
			for _, ex := range b.examples {
				if len(ex.args) > 2 && ex.args[0] == "bin/index" && ex.args[1] == "build" && strings.Contains(strings.Join(ex.args, " "), "--index demo.bleve") {
					builds = true
				}
			}
			if !builds {
				copyDir(t, demo, filepath.Join(dir, "demo.bleve"))
			}
			for _, ex := range b.examples {
				cmd := exec.Command(bins[ex.args[0]], ex.args[1:]...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "NO_COLOR=1", "COLUMNS=80", "NEWSDEX_INDEX=")
				cmd.Env = append(cmd.Env, ex.env...)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				code := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					code = ee.ExitCode()
				} else if err != nil {
					t.Fatalf("README.md:%d: %v", ex.line, err)
				}
				got := lines(stdout.String())
				for _, l := range lines(stderr.String()) {
					if !strings.HasPrefix(l, "time=") {
						got = append(got, l)
					}
				}
				got = trimBlank(got)
				if code != ex.exit || !match(ex.want, got) {
					t.Errorf("README.md:%d: $ %s\nexit %d (README says %d); output differs (-README +got):\n%s",
						ex.line, shellLine(ex), code, ex.exit,
						cmp.Diff(normalizeAll(ex.want), normalizeAll(got)))
				}
			}
		})
	}
}

// shellLine shows an example's command as the README would write it.
func shellLine(ex example) string {
	words := append([]string{}, ex.env...)
	for _, a := range ex.args {
		if a == "" || strings.ContainsAny(a, " \t'\"") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}

func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// TestParseREADME checks the example syntax on a README of its own.
func TestParseREADME(t *testing.T) {
	text := "intro\n\n" + marker + "\n```\n$ bin/search 'ferry OR harbour' \\\n    --limit 2\n2 hits\n\n$ X=1 bin/search --from \"1987 05\"\nsearch: bad      (exit 2)\n```\n\n```\n$ bin/search unmarked\n```\n"
	blocks, err := parseREADME(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []block{{line: 4, examples: []example{
		{line: 5, args: []string{"bin/search", "ferry OR harbour", "--limit", "2"}, want: []string{"2 hits"}},
		{line: 9, env: []string{"X=1"}, args: []string{"bin/search", "--from", "1987 05"}, want: []string{"search: bad"}, exit: 2},
	}}}
	if diff := cmp.Diff(want, blocks, cmp.AllowUnexported(block{}, example{})); diff != "" {
		t.Errorf("parseREADME (-want +got):\n%s", diff)
	}
	for _, bad := range []string{
		marker + "\ntext\n",
		marker + "\n```\n$ rm -rf /\n```\n",
		marker + "\n```\n$ bin/search a | head\n```\n",
		marker + "\n```\noutput\n```\n",
		marker + "\n```\n$ bin/search 'open\n```\n",
	} {
		if _, err := parseREADME(bad); err == nil {
			t.Errorf("parseREADME(%q) succeeded", bad)
		}
	}
	if !match([]string{"a", "...", "d"}, []string{"a", "b", "c", "d"}) || match([]string{"a", "...", "d"}, []string{"a", "b"}) {
		t.Error("match with ... is wrong")
	}
	if !match([]string{"6 hits in 0.2 ms"}, []string{"6 hits in 13.75 ms"}) {
		t.Error("timings do not compare as placeholders")
	}
}
