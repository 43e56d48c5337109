package query

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"

	"newsdex/internal/indexer"
	"newsdex/internal/store"
	"newsdex/internal/testenv"
)

// The checks of issue 10 run over an index of the shared Reuters-21578
// pages (articles and their teasers), built once per test binary, with the
// articles' own text (articles.jsonl.gz) as the truth to sample from.

var (
	pagesOnce sync.Once
	pagesIdx  bleve.Index
	pagesErr  error
	pagesTmp  string
)

func pagesIndex(t *testing.T) bleve.Index {
	t.Helper()
	src := testenv.Shared(t, "corpus/reuters21578/pages.tar.gz")
	pagesOnce.Do(func() {
		// NEWSDEX_TEST_PAGES_INDEX keeps the index between runs (delete it
		// when the mapping changes).
		dir := os.Getenv("NEWSDEX_TEST_PAGES_INDEX")
		if dir != "" {
			if ix, err := store.Open(dir); err == nil {
				pagesIdx = ix
				return
			}
		} else {
			pagesTmp, pagesErr = os.MkdirTemp("", "newsdex-query-pages-")
			if pagesErr != nil {
				return
			}
			dir = filepath.Join(pagesTmp, "ix")
		}
		start := time.Now()
		if _, pagesErr = indexer.Build(context.Background(), dir, []string{src}, indexer.Options{}); pagesErr != nil {
			return
		}
		var ix *store.Index
		if ix, pagesErr = store.Open(dir); pagesErr != nil {
			return
		}
		pagesIdx = ix
		n, _ := ix.DocCount()
		t.Logf("built an index of the shared pages: %d items in %v", n, time.Since(start).Round(time.Millisecond))
	})
	if pagesErr != nil {
		t.Fatal(pagesErr)
	}
	return pagesIdx
}

type sharedArticle struct {
	Title string   `json:"title"`
	Body  string   `json:"body"`
	words []string // lower-case words of title and body (letters and digits)
	norm  string   // " " + the body's words joined by spaces + " "
}

var (
	articlesOnce sync.Once
	articlesList []*sharedArticle
	articlesErr  error
)

func splitWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func sharedArticles(t *testing.T) []*sharedArticle {
	t.Helper()
	src := testenv.Shared(t, "corpus/reuters21578/articles.jsonl.gz")
	articlesOnce.Do(func() {
		f, err := os.Open(src)
		if err != nil {
			articlesErr = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			articlesErr = err
			return
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			a := &sharedArticle{}
			if articlesErr = json.Unmarshal(sc.Bytes(), a); articlesErr != nil {
				return
			}
			a.words = splitWords(a.Title + " " + a.Body)
			a.norm = " " + strings.Join(splitWords(a.Body), " ") + " "
			articlesList = append(articlesList, a)
		}
		articlesErr = sc.Err()
	})
	if articlesErr != nil {
		t.Fatal(articlesErr)
	}
	return articlesList
}

var alpha = regexp.MustCompile(`^[A-Za-z]+$`)

// hasStory reports whether the hits hold the story with this headline: its
// article, or a teaser of it (a teaser is the story's headline, linked to
// its article).
func hasStory(r *Response, title string) bool {
	for _, h := range r.Hits {
		if h.Title == title {
			return true
		}
	}
	return false
}

func TestIssue10Phrases(t *testing.T) {
	s := NewSearcher(pagesIndex(t))
	arts := sharedArticles(t)
	rng := rand.New(rand.NewPCG(10, 1))
	ctx := context.Background()
	quoted, unquoted, n := 0, 0, 0
	for tries := 0; n < 100 && tries < 5000; tries++ {
		a := arts[rng.IntN(len(arts))]
		raw := strings.Fields(a.Body)
		if len(raw) < 8 {
			continue
		}
		i := rng.IntN(len(raw) - 4)
		ws := raw[i : i+4]
		ok := true
		for _, w := range ws {
			ok = ok && alpha.MatchString(w)
		}
		if !ok {
			continue
		}
		phrase := strings.ToLower(strings.Join(ws, " "))
		holders := 0
		for _, b := range arts {
			if strings.Contains(b.norm, " "+phrase+" ") {
				holders++
			}
		}
		if holders != 1 {
			continue // not unique to one story
		}
		var title []string
		for _, w := range strings.Fields(a.Title) {
			if alpha.MatchString(w) {
				title = append(title, w)
			}
		}
		if len(title) < 3 {
			continue
		}
		rng.Shuffle(len(title), func(i, j int) { title[i], title[j] = title[j], title[i] })
		n++
		r, err := s.Search(ctx, Request{Query: `"` + phrase + `"`, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if hasStory(r, a.Title) {
			quoted++
		} else {
			t.Logf("phrase %q: not in the top 3 of %d", phrase, r.Total)
		}
		q := phrase + " " + strings.Join(title[:3], " ")
		r, err = s.Search(ctx, Request{Query: q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if hasStory(r, a.Title) {
			unquoted++
		} else {
			t.Logf("unquoted %q: not in the top 10 of %d", q, r.Total)
		}
	}
	t.Logf("four-word phrases unique to one story: %d of %d in the top 3", quoted, n)
	t.Logf("the same words and three title words, unquoted: %d of %d in the top 10", unquoted, n)
	if n < 100 || quoted < 100 || unquoted < 98 {
		t.Errorf("phrases: %d/%d quoted in the top 3 (want all), %d unquoted in the top 10 (want at least 98)", quoted, n, unquoted)
	}
}

func TestIssue10Prefixes(t *testing.T) {
	s := NewSearcher(pagesIndex(t))
	arts := sharedArticles(t)
	rng := rand.New(rand.NewPCG(10, 2))
	ctx := context.Background()
	full, n := 0, 0
	for tries := 0; n < 30 && tries < 2000; tries++ {
		a := arts[rng.IntN(len(arts))]
		w := a.words[rng.IntN(len(a.words))]
		if len(w) < 5 || !alpha.MatchString(w) {
			continue
		}
		want := map[string]bool{}
		for _, b := range arts {
			for _, x := range b.words {
				if strings.HasPrefix(x, w) {
					want[b.Title] = true
					break
				}
			}
		}
		if len(want) > 2000 {
			continue // more than the pages read below could hold
		}
		n++
		got := map[string]bool{}
		for page := 1; ; page++ {
			r, err := s.Search(ctx, Request{Query: w + "*", Kind: "article", Limit: 1000, Page: page, Expand: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range r.Hits {
				got[h.Title] = true
			}
			if len(r.Hits) < 1000 || page == 10 {
				break
			}
		}
		missing := 0
		for title := range want {
			if !got[title] {
				missing++
			}
		}
		if missing == 0 {
			full++
		} else {
			t.Logf("%s*: %d of %d articles with such a word missing", w, missing, len(want))
		}
	}
	t.Logf("prefixes: %d of %d find every article holding a word that starts with them", full, n)
	if n < 30 || full < n {
		t.Errorf("prefixes: %d of %d complete", full, n)
	}
}

var tickerRe = regexp.MustCompile(`<([A-Z]{2,6})(?:\.[A-Z]{1,2})?>`)

func TestIssue10Tickers(t *testing.T) {
	s := NewSearcher(pagesIndex(t))
	arts := sharedArticles(t)
	ctx := context.Background()
	uses := map[string]int{} // articles naming each ticker symbol as a word
	for _, a := range arts {
		seen := map[string]bool{}
		for _, w := range a.words {
			if !seen[w] {
				seen[w] = true
				uses[w]++
			}
		}
	}
	rng := rand.New(rand.NewPCG(10, 3))
	top3, n := 0, 0
	tried := map[string]bool{}
	for tries := 0; n < 30 && tries < 20000; tries++ {
		a := arts[rng.IntN(len(arts))]
		m := tickerRe.FindStringSubmatch(a.Title)
		if m == nil || tried[m[1]] || uses[strings.ToLower(m[1])] != 1 {
			continue // a symbol of one story (with its teasers, one headline)
		}
		tried[m[1]] = true
		n++
		r, err := s.Search(ctx, Request{Query: m[1], Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if hasStory(r, a.Title) {
			top3++
		} else {
			t.Logf("ticker %s: %q not in the top 3 of %d", m[1], a.Title, r.Total)
		}
	}
	t.Logf("tickers alone: %d of %d ticker headlines in the top 3", top3, n)
	if n < 30 || top3 < n {
		t.Errorf("tickers: %d of %d in the top 3", top3, n)
	}
}

func TestIssue10DidYouMean(t *testing.T) {
	s := NewSearcher(pagesIndex(t))
	arts := sharedArticles(t)
	ctx := context.Background()
	docs := map[string]int{}
	for _, a := range arts {
		seen := map[string]bool{}
		for _, w := range a.words {
			if !seen[w] {
				seen[w] = true
				docs[w]++
			}
		}
	}
	rng := rand.New(rand.NewPCG(10, 4))
	held, n := 0, 0
	tried := map[string]bool{}
	for tries := 0; n < 30 && tries < 20000; tries++ {
		a := arts[rng.IntN(len(arts))]
		w := a.words[rng.IntN(len(a.words))]
		if len(w) < 7 || !alpha.MatchString(w) || tried[w] || docs[w] < 5 {
			continue
		}
		i := 1 + rng.IntN(len(w)-2)
		if w[i] == w[i+1] {
			continue
		}
		typo := w[:i] + string(w[i+1]) + string(w[i]) + w[i+2:]
		if docs[typo] > 0 {
			continue
		}
		tried[w] = true
		n++
		r, err := s.Search(ctx, Request{Query: typo})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(r.DidYouMean), w) {
			held++
		} else {
			t.Logf("%s (for %s): did_you_mean %q, %d hits", typo, w, r.DidYouMean, r.Total)
		}
	}
	t.Logf("did_you_mean: %d of %d swapped-letter words of 7+ letters", held, n)
	if n < 30 || held < n {
		t.Errorf("did_you_mean: %d of %d", held, n)
	}
}

// TestAnalysisRules counts, in the shared articles, the tokens the analysis
// rules of schema are about: what the tokenizer alone would miss.
func TestAnalysisRules(t *testing.T) {
	arts := sharedArticles(t)
	counts := map[string]int{}
	amp := regexp.MustCompile(`\b[A-Za-z0-9]+&[A-Za-z0-9]+\b`)
	dotted := regexp.MustCompile(`\b[A-Za-z](?:\.[A-Za-z])+\.?`)
	num := regexp.MustCompile(`\b\d+[.,]\d+\b`)
	for _, a := range arts {
		text := a.Title + "\n" + a.Body
		counts["tickers <X.Y>"] += len(tickerRe.FindAllString(text, -1))
		counts["words joined by & (AT&T)"] += len(amp.FindAllString(text, -1))
		counts["dotted abbreviations (U.S.)"] += len(dotted.FindAllString(text, -1))
		counts["numbers with . or , (kept whole)"] += len(num.FindAllString(text, -1))
	}
	for k, v := range counts {
		t.Logf("%-36s %d", k, v)
	}
}
