package htmlpage

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"newsdex/internal/testenv"
)

// The benchmark's evaluate.py (scrapinghub/article-extraction-benchmark),
// in Go: 4-word shingles of \w+ tokens, each page's true positives, false
// positives and false negatives normalised to sum to 1, precision the mean
// over pages with any predicted shingle, recall the mean over pages with any
// true one, F1 from the two means.

// tokens are the runs of Python's Unicode \w: letters, numbers, underscore.
func tokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_')
	})
}

func shingles(s string) map[string]int {
	toks := tokens(s)
	out := map[string]int{}
	for i := 0; i < max(1, len(toks)-4+1); i++ {
		if len(toks) == 0 {
			break
		}
		out[strings.Join(toks[i:min(i+4, len(toks))], "\x00")]++
	}
	return out
}

type tpFpFn struct{ tp, fp, fn float64 }

func shingleMatch(truth, pred string) tpFpFn {
	ts, ps := shingles(truth), shingles(pred)
	var m tpFpFn
	for k, t := range ts {
		p := ps[k]
		m.tp += float64(min(t, p))
		m.fn += float64(max(0, t-p))
	}
	for k, p := range ps {
		m.fp += float64(max(0, p-ts[k]))
	}
	if s := m.tp + m.fp + m.fn; s > 0 {
		m.tp, m.fp, m.fn = m.tp/s, m.fp/s, m.fn/s
	}
	return m
}

func precision(m tpFpFn) float64 {
	switch {
	case m.fp == 0 && m.fn == 0:
		return 1
	case m.tp == 0 && m.fp == 0:
		return 0
	}
	return m.tp / (m.tp + m.fp)
}

func recall(m tpFpFn) float64 {
	switch {
	case m.fp == 0 && m.fn == 0:
		return 1
	case m.tp == 0 && m.fn == 0:
		return 0
	}
	return m.tp / (m.tp + m.fn)
}

// scores is evaluate.py's metrics_from_tp_fp_fns.
func scores(ms []tpFpFn) (p, r, f1 float64) {
	var np, nr int
	for _, m := range ms {
		if m.tp+m.fp > 0 {
			p += precision(m)
			np++
		}
		if m.tp+m.fn > 0 {
			r += recall(m)
			nr++
		}
	}
	p /= float64(np)
	r /= float64(nr)
	return p, r, 2 * p * r / (p + r)
}

func TestShingleMatch(t *testing.T) {
	for _, tc := range []struct {
		truth, pred string
		want        tpFpFn
	}{
		{"a b c d e", "a b c d e", tpFpFn{1, 0, 0}},
		{"a b c d e", "", tpFpFn{0, 0, 1}},
		{"", "x y z w", tpFpFn{0, 1, 0}},
		{"a b c d e", "a b c d", tpFpFn{0.5, 0, 0.5}},               // shingles abcd, bcde vs abcd
		{"Ein Bär, größer.", "ein bär größer", tpFpFn{0, 0.5, 0.5}}, // case matters, as in evaluate.py
	} {
		if got := shingleMatch(tc.truth, tc.pred); got != tc.want {
			t.Errorf("shingleMatch(%q, %q) = %+v, want %+v", tc.truth, tc.pred, got, tc.want)
		}
	}
}

type truthPage struct {
	ID          string `json:"id"`
	URL         string `json:"url"`
	ArticleBody string `json:"articleBody"`
}

func loadTruth(t testing.TB, dir string) []truthPage {
	f, err := os.Open(filepath.Join(dir, "ground_truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []truthPage
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var p truthPage
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func readGz(t testing.TB, path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBenchmarkF1 extracts the article body of the 136 shared benchmark pages
// and scores it as evaluate.py does: F1 must be at least 0.95. Run with -v
// for precision, recall and F1 per page.
func TestBenchmarkF1(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: extracts 136 pages (-short)")
	}
	dir := testenv.Shared(t, "corpus/article-extraction-benchmark-pages")
	truth := loadTruth(t, dir)
	if len(truth) != 136 {
		t.Fatalf("%d pages in ground_truth.jsonl, want 136", len(truth))
	}
	var ms []tpFpFn
	var report strings.Builder
	for _, tp := range truth {
		data := readGz(t, filepath.Join(dir, "html", tp.ID+".html.gz"))
		it, err := Parse(Page{File: tp.ID + ".html.gz"}, data)
		body := ""
		if err == nil {
			body = it.Body
		} else {
			t.Logf("%s: %v", tp.ID[:12], err)
		}
		m := shingleMatch(tp.ArticleBody, body)
		ms = append(ms, m)
		fmt.Fprintf(&report, "%s  P=%.3f R=%.3f F1=%.3f  %s\n", tp.ID[:12], precision(m), recall(m),
			f1(precision(m), recall(m)), tp.URL)
	}
	p, r, f := scores(ms)
	t.Logf("per page:\n%s", report.String())
	t.Logf("article-body extraction on %d pages: precision=%.3f recall=%.3f F1=%.3f", len(ms), p, r, f)
	if f < 0.95 {
		t.Errorf("F1 %.3f, want at least 0.95", f)
	}
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// BenchmarkBenchmarkPages extracts the 136 shared benchmark pages per
// iteration and reports evaluate.py's precision, recall and F1 as metrics,
// with the per-page figures logged (make bench prints both).
func BenchmarkBenchmarkPages(b *testing.B) {
	dir := testenv.Shared(b, "corpus/article-extraction-benchmark-pages")
	truth := loadTruth(b, dir)
	pages := make([][]byte, len(truth))
	for i, tp := range truth {
		pages[i] = readGz(b, filepath.Join(dir, "html", tp.ID+".html.gz"))
	}
	b.ResetTimer()
	var ms []tpFpFn
	for range b.N {
		ms = ms[:0]
		for i, tp := range truth {
			body := ""
			if it, err := Parse(Page{File: tp.ID + ".html.gz"}, pages[i]); err == nil {
				body = it.Body
			}
			ms = append(ms, shingleMatch(tp.ArticleBody, body))
		}
	}
	b.StopTimer()
	p, r, f := scores(ms)
	b.ReportMetric(p, "precision")
	b.ReportMetric(r, "recall")
	b.ReportMetric(f, "F1")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*len(truth)), "ms/page")
	if b.N == 1 {
		var report strings.Builder
		for i, m := range ms {
			fmt.Fprintf(&report, "%s  P=%.3f R=%.3f F1=%.3f  %s\n", truth[i].ID[:12], precision(m), recall(m), f1(precision(m), recall(m)), truth[i].URL)
		}
		b.Logf("article-body extraction, per page (evaluate.py's shingle matching):\n%s", report.String())
	}
}
