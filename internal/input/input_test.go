package input_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"newsdex/internal/input"
	"newsdex/internal/jsonl"
	"newsdex/internal/page"
	"newsdex/internal/testenv"
)

func testdata(t *testing.T, rel string) string {
	return filepath.Join(testenv.Root(t), "testdata", rel)
}

func readAll(t *testing.T, paths []string, opt input.Options) []input.Record {
	t.Helper()
	var recs []input.Record
	err := input.Read(context.Background(), paths, opt, func(r input.Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func page1(day, title string) string {
	return fmt.Sprintf("date %s Skip to main content\n\nEurope\n\n%s\n\n1 minute read\n\nVELMORA, Oct 4 (Reuters) - Words about %s.\n", day, title, title)
}

// TestFolder reads testdata/pages and testdata/jsonl: pages in name order, each
// page's article first, JSON lines in line order; other files skipped.
func TestFolder(t *testing.T) {
	recs := readAll(t, []string{testdata(t, "pages"), testdata(t, "jsonl")}, input.Options{})
	txt, _ := filepath.Glob(testdata(t, "pages/*.txt"))
	var files []string
	pages := 0
	for _, r := range recs {
		if r.Err != nil {
			t.Errorf("%v", r.Err)
			continue
		}
		if r.Page {
			pages++
			files = append(files, r.File)
			if r.Line != 0 || r.Items[0].Kind != "article" || r.Items[0].File != r.File {
				t.Errorf("%s: page record %+v", r.File, r)
			}
			for _, it := range r.Items[1:] {
				if it.Kind != "teaser" || it.Pages != 1 || it.File != r.File {
					t.Errorf("%s: teaser %+v", r.File, it)
				}
			}
		} else if r.File != "items.jsonl" || len(r.Items) != 1 {
			t.Errorf("JSON lines record %+v", r)
		}
	}
	if pages != len(txt) {
		t.Errorf("%d pages, want %d", pages, len(txt))
	}
	if !sort.StringsAreSorted(files) {
		t.Errorf("pages out of order: %v", files)
	}
	last := recs[len(recs)-1]
	if last.File != "items.jsonl" || last.Line != 6 {
		t.Errorf("last record %s:%d, want items.jsonl:6 (a blank line 5 skipped)", last.File, last.Line)
	}
}

// TestOrder checks that many workers give exactly what one gives.
func TestOrder(t *testing.T) {
	dir := t.TempDir()
	var lines strings.Builder
	for i := range 300 {
		name := filepath.Join(dir, fmt.Sprintf("sub%d", i%3), fmt.Sprintf("p%03d.txt", i))
		os.MkdirAll(filepath.Dir(name), 0o755)
		if err := os.WriteFile(name, []byte(page1("2021-10-04", fmt.Sprintf("Story %d", i))), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&lines, "{\"title\":\"Line %d\",\"date\":\"2021-10-04\"}\n", i)
	}
	for i := range 3 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("sub%d", i), "z.ndjson"), []byte(strings.Repeat(lines.String(), 3)), 0o644)
	}
	one := readAll(t, []string{dir}, input.Options{Workers: 1})
	many := readAll(t, []string{dir}, input.Options{Workers: 8})
	if len(one) != 300+3*900 {
		t.Fatalf("%d records, want %d", len(one), 300+3*900)
	}
	if !reflect.DeepEqual(one, many) {
		t.Fatal("8 workers gave other records than 1")
	}
	if one[0].File != "sub0/p000.txt" || one[100].File != "sub0/z.ndjson" || one[100].Line != 1 || one[999].Line != 900 {
		t.Errorf("order: %s, %s:%d, %s:%d", one[0].File, one[100].File, one[100].Line, one[999].File, one[999].Line)
	}
}

func gz(t *testing.T, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tarball(t *testing.T, files ...string) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		if strings.HasSuffix(files[i], "/") {
			tw.WriteHeader(&tar.Header{Name: files[i], Typeflag: tar.TypeDir, Mode: 0o755})
			continue
		}
		tw.WriteHeader(&tar.Header{Name: files[i], Size: int64(len(files[i+1])), Mode: 0o644, Typeflag: tar.TypeReg})
		tw.Write([]byte(files[i+1]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func summary(recs []input.Record) []string {
	var s []string
	for _, r := range recs {
		switch {
		case r.Err != nil:
			s = append(s, "error "+r.Err.Error())
		case r.Page:
			s = append(s, fmt.Sprintf("page %s %s", r.File, r.Items[0].Title))
		default:
			s = append(s, fmt.Sprintf("line %s:%d %s", r.File, r.Line, r.Items[0].Title))
		}
	}
	return s
}

// TestCompressed reads gzip files and tar archives in place.
func TestCompressed(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jl := `{"title":"J1","date":"2021-10-04"}` + "\n" + `{"title":"J2","date":"2021-10-04"}` + "\n"
	a := write("a.txt.gz", gz(t, []byte(page1("2021-10-04", "Gz page"))))
	b := write("b.jsonl.gz", gz(t, []byte(jl)))
	tarData := tarball(t,
		"pages/", "",
		"pages/2.txt", page1("2021-10-05", "Tar page two"),
		"pages/1.txt", page1("2021-10-05", "Tar page one"),
		"README.md", "not read",
		"pages/3.txt.gz", string(gz(t, []byte(page1("2021-10-05", "Tar gz page")))),
		"lines/x.ndjson", jl,
		"./pages/bad.txt", "no date here\n",
	)
	c := write("c.tar.gz", gz(t, tarData))
	d := write("d.tar", tarData)
	e := write("e.tgz", gz(t, tarData))
	recs := readAll(t, []string{a, b, c}, input.Options{})
	want := []string{
		"page a.txt.gz Gz page",
		"line b.jsonl.gz:1 J1",
		"line b.jsonl.gz:2 J2",
		"page c.tar.gz:pages/2.txt Tar page two",
		"page c.tar.gz:pages/1.txt Tar page one",
		"page c.tar.gz:pages/3.txt.gz Tar gz page",
		"line c.tar.gz:lines/x.ndjson:1 J1",
		"line c.tar.gz:lines/x.ndjson:2 J2",
		"error c.tar.gz:pages/bad.txt:1: " + page.ErrNoDate.Error(),
	}
	if got := summary(recs); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if f := recs[3].Items[1:]; len(f) != 0 {
		t.Errorf("teasers %v", f)
	}
	if recs[3].Items[0].File != "c.tar.gz:pages/2.txt" {
		t.Errorf("item file %q, want ARCHIVE:MEMBER", recs[3].Items[0].File)
	}
	for _, p := range []string{d, e} {
		var w []string
		for _, s := range want[3:] {
			w = append(w, strings.Replace(s, "c.tar.gz:", filepath.Base(p)+":", 1))
		}
		if got := summary(readAll(t, []string{p}, input.Options{})); !reflect.DeepEqual(got, w) {
			t.Errorf("%s: got\n%s", filepath.Base(p), strings.Join(got, "\n"))
		}
	}
	// A corrupt archive is one error, and reading goes on.
	bad := write("bad.tar.gz", []byte("not gzip at all"))
	got := summary(readAll(t, []string{bad, a}, input.Options{}))
	if len(got) != 2 || !strings.HasPrefix(got[0], "error bad.tar.gz:1: not gzip data") || got[1] != want[0] {
		t.Errorf("corrupt archive: %q", got)
	}
}

func TestStdin(t *testing.T) {
	in := strings.NewReader(`{"title":"S1","date":"2021-10-04"}` + "\n" + `{"headline":"S2","date":"2021-10-04"}` + "\n")
	recs := readAll(t, []string{"-"}, input.Options{Stdin: in})
	got := summary(recs)
	want := []string{"line stdin:1 S1", "error stdin:2: no title"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	in = strings.NewReader(`{"headline":"S2","date":"2021-10-04"}`)
	recs = readAll(t, []string{"-"}, input.Options{Stdin: in, Fields: map[string]string{"title": "headline"}})
	if got := summary(recs); !reflect.DeepEqual(got, []string{"line stdin:1 S2"}) {
		t.Errorf("mapped: %q", got)
	}
}

// TestBad reads testdata/bad: every bad unit is a record with an error, the
// good lines between them are read, and Read itself succeeds.
func TestBad(t *testing.T) {
	got := summary(readAll(t, []string{testdata(t, "bad")}, input.Options{}))
	want := []string{
		"line bad-lines.jsonl:1 Velbrook tram depot opens",
		"error bad-lines.jsonl:2: bad JSON: unexpected end of JSON input",
		"error bad-lines.jsonl:3: no title",
		"error bad-lines.jsonl:4: date 1500-01-01T00:00:00Z out of range (1677-12-01 to 2262-04-11)",
		`error bad-lines.jsonl:5: kind is neither article nor teaser: "rumour"`,
		`error bad-lines.jsonl:6: date not understood: "the fifth of October"`,
		"error bad-lines.jsonl:7: not a JSON object",
		"line bad-lines.jsonl:8 Velbrook tram depot opens",
		"error binary.txt:1: binary data, not a page",
		"error empty.txt:1: empty page",
		"error no-body.txt:9: no body",
		`error no-date.txt:1: no "date YYYY-MM-DD" first line`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	recs := readAll(t, []string{testdata(t, "bad/empty.txt")}, input.Options{})
	var pe *page.ParseError
	if len(recs) != 1 || !errors.As(recs[0].Err, &pe) || !errors.Is(recs[0].Err, page.ErrEmpty) || !recs[0].Page {
		t.Errorf("empty page: %+v", recs)
	}
	recs = readAll(t, []string{testdata(t, "bad/bad-lines.jsonl")}, input.Options{})
	var je *jsonl.ParseError
	if !errors.As(recs[2].Err, &je) || je.Line != 3 || recs[2].Line != 3 {
		t.Errorf("bad line: %+v", recs[2])
	}
}

func TestSizeCap(t *testing.T) {
	dir := t.TempDir()
	big := page1("2021-10-04", "Big") + strings.Repeat("More words.\n\n", 100)
	p := filepath.Join(dir, "big.txt")
	os.WriteFile(p, []byte(big), 0o644)
	pz := filepath.Join(dir, "bigz.txt.gz")
	os.WriteFile(pz, gz(t, []byte(big)), 0o644)
	pt := filepath.Join(dir, "big.tar")
	os.WriteFile(pt, tarball(t, "in/big.txt", big, "in/small.txt", page1("2021-10-04", "Small")), 0o644)
	recs := readAll(t, []string{p, pz, pt}, input.Options{MaxPageBytes: 500})
	got := summary(recs)
	want := []string{
		fmt.Sprintf("error big.txt:1: page too large: %d bytes, over the limit of 500 bytes (--max-page-bytes)", len(big)),
		"error bigz.txt.gz:1: page too large: over the limit of 500 bytes (--max-page-bytes)",
		fmt.Sprintf("error big.tar:in/big.txt:1: page too large: %d bytes, over the limit of 500 bytes (--max-page-bytes)", len(big)),
		"page big.tar:in/small.txt Small",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !errors.Is(recs[0].Err, page.ErrTooLarge) {
		t.Errorf("%v does not wrap page.ErrTooLarge", recs[0].Err)
	}
	if got := summary(readAll(t, []string{p}, input.Options{})); got[0] != "page big.txt Big" {
		t.Errorf("default limit: %q", got)
	}
}

// TestExplicit: in a folder, files of no known type are passed over and
// named through Options.Ignored; named on the command line, a file of no known
// name is read by its content, or is one error.
func TestExplicit(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "shape.json"), []byte(`{"title":"J","date":"2021-10-04"}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "page.html"), []byte(page1("2021-10-04", "H")), 0o644)
	os.WriteFile(filepath.Join(dir, "reuters.page"), []byte(page1("2021-10-04", "R")), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.md"), []byte("# Notes\n"), 0o644)
	var ignored []string
	var plan input.Plan
	got := summary(readAll(t, []string{dir}, input.Options{
		Ignored: func(err error) { ignored = append(ignored, err.Error()) },
		Planned: func(p input.Plan) { plan = p },
	}))
	if want := []string{"error page.html:1: not an HTML page"}; !reflect.DeepEqual(got, want) {
		t.Errorf("folder: %q, want %q", got, want)
	}
	wantIgnored := []string{
		"notes.md: not a page, JSON lines, CSV, HTML or WARC file",
		"reuters.page: not a page, JSON lines, CSV, HTML or WARC file",
		"shape.json: not a page, JSON lines, CSV, HTML or WARC file",
	}
	if !reflect.DeepEqual(ignored, wantIgnored) || plan.Files != 1 || plan.Ignored != 3 {
		t.Errorf("ignored %q, plan %+v; want %q, 1 file, 3 ignored", ignored, plan, wantIgnored)
	}
	got = summary(readAll(t, []string{
		filepath.Join(dir, "shape.json"), filepath.Join(dir, "reuters.page"), filepath.Join(dir, "notes.md")}, input.Options{}))
	want := []string{"line shape.json:1 J", "page reuters.page R", "error notes.md: not a page, JSON lines, CSV, HTML or WARC file"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMissing(t *testing.T) {
	called := false
	err := input.Read(context.Background(), []string{testdata(t, "pages"), "/no/such/file.txt"}, input.Options{},
		func(input.Record) error { called = true; return nil })
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "/no/such/file.txt") {
		t.Errorf("error %v, want one naming the missing file", err)
	}
	if called {
		t.Error("records were read before the missing path was reported")
	}
}

func TestStop(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := input.Read(context.Background(), []string{testdata(t, "pages")}, input.Options{Workers: 2}, func(input.Record) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Errorf("error %v after %d records, want stop after 3", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = input.Read(ctx, []string{testdata(t, "pages"), testdata(t, "pages")}, input.Options{}, func(input.Record) error {
		n++
		if n == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n > 2+8 {
		t.Errorf("error %v after %d records, want context.Canceled soon after 2", err, n)
	}
}

// TestStopWhileStdinBlocks: fn's error returns at once even though stdin
// has not ended.
func TestStopWhileStdinBlocks(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() {
		for i := range linesBeforeBlock {
			fmt.Fprintf(pw, "{\"title\":\"L%d\",\"date\":\"2021-10-04\"}\n", i)
		}
	}()
	stop := errors.New("stop")
	done := make(chan error, 1)
	go func() {
		done <- input.Read(context.Background(), []string{"-"}, input.Options{Stdin: pr}, func(input.Record) error { return stop })
	}()
	select {
	case err := <-done:
		if err != stop {
			t.Errorf("error %v, want stop", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Read did not return while stdin was still open")
	}
}

const linesBeforeBlock = 300

func TestParseFieldFlags(t *testing.T) {
	m, err := input.ParseFieldFlags([]string{"title=headline", " region = category ", "url=link"})
	if err != nil || !reflect.DeepEqual(m, map[string]string{"title": "headline", "region": "category", "url": "link"}) {
		t.Errorf("got %v, %v", m, err)
	}
	if m, err := input.ParseFieldFlags(nil); m != nil || err != nil {
		t.Errorf("nil: %v, %v", m, err)
	}
	for _, bad := range []string{"title", "=headline", "title=", "headline=title", "title=a,title=b"} {
		_, err := input.ParseFieldFlags(strings.Split(bad, ","))
		if err == nil || !strings.Contains(err.Error(), strings.Split(bad, ",")[len(strings.Split(bad, ","))-1]) {
			t.Errorf("%q: error %v, want one naming the value", bad, err)
		}
	}
}

// TestSymlinks: a symlinked file is read, a symlinked folder followed, a link
// back to a folder being walked reported and not followed.
func TestSymlinks(t *testing.T) {
	root := t.TempDir()
	other := t.TempDir()
	os.MkdirAll(filepath.Join(root, "a"), 0o755)
	os.WriteFile(filepath.Join(root, "a", "1.txt"), []byte(page1("2021-10-04", "One")), 0o644)
	os.WriteFile(filepath.Join(other, "2.txt"), []byte(page1("2021-10-04", "Two")), 0o644)
	os.WriteFile(filepath.Join(other, "3.txt"), []byte(page1("2021-10-04", "Three")), 0o644)
	for _, l := range [][2]string{
		{filepath.Join(other, "2.txt"), filepath.Join(root, "a", "2.txt")}, // a file
		{other, filepath.Join(root, "b")},                                  // a folder
		{root, filepath.Join(root, "a", "loop")},                           // back up: a loop
		{filepath.Join(root, "nowhere"), filepath.Join(root, "dangling.txt")},
	} {
		if err := os.Symlink(l[0], l[1]); err != nil {
			t.Skipf("symlinks: %v", err)
		}
	}
	var ignored []string
	got := summary(readAll(t, []string{root}, input.Options{Ignored: func(err error) { ignored = append(ignored, err.Error()) }}))
	want := []string{"page a/1.txt One", "page a/2.txt Two", "page b/2.txt Two", "page b/3.txt Three"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(ignored) != 2 || ignored[0] != "a/loop: symlink loop, not followed" || !strings.HasPrefix(ignored[1], "dangling.txt: ") {
		t.Errorf("ignored %q", ignored)
	}
}

// TestFormat: --format forces one reader for files and stdin alike.
func TestFormat(t *testing.T) {
	in := strings.NewReader("A plain headline\n\nA body.\n")
	if got := summary(readAll(t, []string{"-"}, input.Options{Format: "text", Stdin: in})); !reflect.DeepEqual(got, []string{"page stdin A plain headline"}) {
		t.Errorf("text on stdin: %q", got)
	}
	in = strings.NewReader("title,date\nT,2021-10-04\n")
	if got := summary(readAll(t, []string{"-"}, input.Options{Format: "csv", Stdin: in})); !reflect.DeepEqual(got, []string{"line stdin:2 T"}) {
		t.Errorf("csv on stdin: %q", got)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "story.txt")
	os.WriteFile(p, []byte("Not a Reuters page\n\nJust text.\n"), 0o644)
	if got := summary(readAll(t, []string{p}, input.Options{})); len(got) != 1 || !strings.HasPrefix(got[0], "error story.txt:1:") {
		t.Errorf("auto: %q, want the Reuters parser's error", got)
	}
	if got := summary(readAll(t, []string{p}, input.Options{Format: "text"})); !reflect.DeepEqual(got, []string{"page story.txt Not a Reuters page"}) {
		t.Errorf("text: %q", got)
	}
	if err := input.Read(context.Background(), []string{p}, input.Options{Format: "pdf"}, func(input.Record) error { return nil }); err == nil ||
		err.Error() != `format "pdf" is not one of auto, reuters, text, jsonl, csv, html, warc` {
		t.Errorf("bad format: %v", err)
	}
}

// TestPlanAndDone: the walk's plan counts the bytes; records say how much was read.
func TestPlanAndDone(t *testing.T) {
	var plan input.Plan
	recs := readAll(t, []string{testdata(t, "pages")}, input.Options{Planned: func(p input.Plan) { plan = p }})
	txt, _ := filepath.Glob(testdata(t, "pages/*.txt"))
	var size int64
	for _, f := range txt {
		st, _ := os.Stat(f)
		size += st.Size()
	}
	if plan.Files != len(txt) || plan.Bytes != size || plan.Ignored == 0 {
		t.Errorf("plan %+v, want %d files, %d bytes, the .golden files ignored", plan, len(txt), size)
	}
	var last int64
	for _, r := range recs {
		if r.Done < last || r.Done > size {
			t.Fatalf("%s: done %d after %d (of %d)", r.File, r.Done, last, size)
		}
		last = r.Done
	}
	if last == 0 {
		t.Error("no progress reported")
	}
}
