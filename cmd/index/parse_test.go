package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newsdex/internal/item"
	"newsdex/internal/testenv"
)

// runParse runs "index parse args..." in the process, in the repository root.
func runParse(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	r := runIndex(t, stdin, append([]string{"parse"}, args...)...)
	return r.stdout, r.stderr, r.code
}

// TestParseTestdata: the output over testdata is the golden files, in order.
func TestParseTestdata(t *testing.T) {
	root := testenv.Root(t)
	var want strings.Builder
	goldens, _ := filepath.Glob(filepath.Join(root, "testdata/pages/*.golden"))
	goldens = append(goldens, filepath.Join(root, "testdata/jsonl/items.golden"))
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		want.Write(b)
	}
	out, errs, code := runParse(t, "", "testdata/pages", "testdata/jsonl")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if out != want.String() {
		t.Errorf("stdout is not the golden files of testdata/pages then testdata/jsonl/items.golden:\n%s", out)
	}
}

func TestParseBad(t *testing.T) {
	out, errs, code := runParse(t, "", "testdata/pages/2021-10-05-orbis-noteasers.txt", "testdata/bad")
	if code != 3 {
		t.Errorf("exit %d, want 3 (records skipped)", code)
	}
	if n := strings.Count(out, "\n"); n != 3 || !strings.Contains(out, "Orbis rail line") {
		t.Errorf("stdout has %d items, want the page's and the two good lines:\n%s", n, out)
	}
	wantErr := `bad-lines.jsonl:2: bad JSON: unexpected end of JSON input
bad-lines.jsonl:3: no title
bad-lines.jsonl:4: date 1500-01-01T00:00:00Z out of range (1677-12-01 to 2262-04-11)
bad-lines.jsonl:5: kind is neither article nor teaser: "rumour"
bad-lines.jsonl:6: date not understood: "the fifth of October"
bad-lines.jsonl:7: not a JSON object
binary.txt:1: binary data, not a page
empty.txt:1: empty page
no-body.txt:9: no body
no-date.txt:1: no "date YYYY-MM-DD" first line
index parse: 10 skipped
`
	if errs != wantErr {
		t.Errorf("stderr:\n%s\nwant:\n%s", errs, wantErr)
	}
}

func TestParseStdinAndFields(t *testing.T) {
	in := `{"headline":"Choir sings","category":"ARTS","date":"20070115 11:49 PM EST","link":"https://example.com/c"}` + "\n"
	out, errs, code := runParse(t, in, "--field", "title=headline", "--field", "region=category", "--field=url=link", "-")
	want := `{"id":"` + item.ArticleID("2007-01-16", "Choir sings", "") + `","kind":"article","title":"Choir sings","region":"ARTS","date":"2007-01-16T04:49:00Z","url":"https://example.com/c"}` + "\n"
	if code != 0 || errs != "" || out != want {
		t.Errorf("exit %d, stderr %q, stdout\n%s\nwant\n%s", code, errs, out, want)
	}
	out, errs, code = runParse(t, "", "--field", "title=headline", "--field", "region=category", "--field", "summary=short_description",
		"--field", "url=link", "testdata/jsonl/huffpost-shape.json")
	if code != 0 || errs != "" || strings.Count(out, `"kind":"article"`) != 2 || !strings.Contains(out, `"region":"ARTS"`) {
		t.Errorf("huffpost shape: exit %d, stderr %q, stdout\n%s", code, errs, out)
	}
}

func TestParseExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{nil, 2, "index parse: no PATH given"},
		{[]string{"--field", "title", "testdata/pages"}, 2, `--field "title": want ours=theirs`},
		{[]string{"--field", "headline=title", "testdata/pages"}, 2, `"headline" is not one of ours`},
		{[]string{"--max-page-bytes", "0", "testdata/pages"}, 2, "--max-page-bytes 0"},
		{[]string{"--max-page-bytes", "lots", "testdata/pages"}, 2, "invalid argument"},
		{[]string{"--nope", "testdata/pages"}, 2, "unknown flag"},
		{[]string{"testdata/no-such-file.txt"}, 1, "no such file or directory"},
		{[]string{"--max-page-bytes", "100", "testdata/pages/2021-10-05-orbis-noteasers.txt"}, 3,
			"2021-10-05-orbis-noteasers.txt:1: page too large"},
	}
	for _, tt := range tests {
		out, errs, code := runParse(t, "", tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.err) {
			t.Errorf("parse %q: exit %d, stderr %q; want exit %d and %q", tt.args, code, errs, tt.code, tt.err)
		}
		if out != "" {
			t.Errorf("parse %q: stdout %q", tt.args, out)
		}
		if strings.Count(strings.TrimSpace(errs), "\n") > 1 {
			t.Errorf("parse %q: more than a line or two on stderr: %q", tt.args, errs)
		}
	}
}
