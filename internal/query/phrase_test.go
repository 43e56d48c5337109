package query

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"

	"newsdex/internal/item"
	"newsdex/internal/schema"
)

// phraseMatch is what a phrase query gives for one document: its score
// and the words field locations of the phrase's occurrences.
type phraseMatch struct {
	Score float64
	Locs  []string
}

// phraseMatches runs q for every match, with locations.
func phraseMatches(t *testing.T, idx bleve.Index, q bq.Query) map[string]phraseMatch {
	t.Helper()
	req := bleve.NewSearchRequestOptions(q, 100000, 0, false)
	req.IncludeLocations = true
	res, err := idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]phraseMatch{}
	for _, h := range res.Hits {
		var locs []string
		for field, tlm := range h.Locations {
			for term, ls := range tlm {
				for _, l := range ls {
					locs = append(locs, fmt.Sprintf("%s %s %v %d %d-%d", field, term, l.ArrayPositions, l.Pos, l.Start, l.End))
				}
			}
		}
		sort.Strings(locs)
		out[h.ID] = phraseMatch{Score: h.Score, Locs: locs}
	}
	return out
}

// phraseCases are phrases as slots, each checked against bleve's own
// MultiPhraseQuery.
var phraseCases = []struct {
	name  string
	slots [][]string
}{
	{"two words", [][]string{{"crude"}, {"prices"}}},
	{"forms", [][]string{{"crude"}, {"price", "prices", "priced"}}},
	{"stop words", [][]string{{"dry"}, {"weather"}, {"over"}, {"the"}}},
	{"a word twice", [][]string{{"to"}, {"be"}, {"or"}, {"not"}, {"to"}, {"be"}}},
	{"the same word side by side", [][]string{{"very"}, {"very"}}},
	{"any word between", [][]string{{"bank"}, nil, {"england"}}},
	{"any word first", [][]string{{""}, {"prices"}, {"rose"}}},
	{"compound and parts", [][]string{{"u.s", "u"}, {"prices"}}},
	{"one word", [][]string{{"prices"}}},
	{"no such word", [][]string{{"crude"}, {"zzzzunknown"}}},
	{"across fields", [][]string{{"rise"}, {"oil"}}},
}

var phraseDocs = []item.Item{
	{ID: "a", Kind: item.Article, Title: "Crude prices rise", Body: "Crude prices rose again. Crude oil prices and crude prices fell."},
	{ID: "b", Kind: item.Article, Title: "Prices of crude", Body: "The crude was priced low; crude priced at 18 dlrs. U.S. prices rose."},
	{ID: "c", Kind: item.Article, Title: "Dry weather over the plains", Body: "Dry weather over the weekend, and dry weather over the plains."},
	{ID: "d", Kind: item.Article, Title: "Hamlet", Body: "To be or not to be or not to be, that is the question: to be."},
	{ID: "e", Kind: item.Article, Title: "Very very good", Body: "It was very very very cold, very good."},
	{ID: "f", Kind: item.Article, Title: "Bank of England", Body: "The Bank of England and the bank in England; bank of new England."},
	{ID: "g", Kind: item.Article, Title: "Prices rose", Body: "Oil prices rose. Oil", Summary: "oil prices rose", Caption: "rise"},
	{ID: "h", Kind: item.Article, Title: "Nothing here", Body: "crude words, prices elsewhere"},
}

// memIndex is an in-memory index of docs, closed when the test ends.
func memIndex(t *testing.T, docs ...item.Item) bleve.Index {
	t.Helper()
	idx, err := bleve.NewMemOnly(schema.Mapping())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	for i := range docs {
		if err := idx.Index(docs[i].ID, schema.Document(&docs[i])); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

func TestPositionalMatchesBlevePhrase(t *testing.T) {
	idx := memIndex(t, phraseDocs...)
	matched := 0
	for _, c := range phraseCases {
		t.Run(c.name, func(t *testing.T) {
			want := phraseMatches(t, idx, bq.NewMultiPhraseQuery(c.slots, schema.FieldWords))
			got := phraseMatches(t, idx, newPositional(c.slots, schema.FieldWords))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("positional differs from bleve's phrase (-bleve +positional):\n%s", diff)
			}
			matched += len(want)
			// As the optional clause beside every document, the phrase is
			// advanced to each in turn (the adjacency clause's use).
			beside := func(phrase bq.Query) bq.Query {
				return bq.NewBooleanQuery([]bq.Query{bleve.NewMatchAllQuery()}, []bq.Query{phrase}, nil)
			}
			want = phraseMatches(t, idx, beside(bq.NewMultiPhraseQuery(c.slots, schema.FieldWords)))
			got = phraseMatches(t, idx, beside(newPositional(c.slots, schema.FieldWords)))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("advanced to each document, positional differs from bleve's phrase (-bleve +positional):\n%s", diff)
			}
		})
	}
	if matched < 10 {
		t.Errorf("the cases matched %d documents in all: the fixture no longer exercises the phrases", matched)
	}
}

// TestPositionalSearchers: a phrase of one distinct word a place is read
// straight from its words' term readers (readersPhrase); any other phrase
// by positionalSearcher. The phrase tests above compare both with bleve's
// phrase, so each must be the one they run.
func TestPositionalSearchers(t *testing.T) {
	idx := memIndex(t)
	r := reader(t, idx)
	for _, c := range []struct {
		slots   [][]string
		opt     search.SearcherOptions
		readers bool
	}{
		{[][]string{{"crude"}, {"prices"}}, search.SearcherOptions{}, true},
		{[][]string{{"dry"}, {"weather"}, {"over"}, {"the"}}, search.SearcherOptions{IncludeTermVectors: true}, true},
		{[][]string{{"crude"}, {"prices"}}, search.SearcherOptions{Score: "none"}, true},
		{[][]string{{"crude"}, {"prices"}}, search.SearcherOptions{Explain: true}, false},
		{[][]string{{"crude"}, {"price", "prices"}}, search.SearcherOptions{}, false},
		{[][]string{{"very"}, {"very"}}, search.SearcherOptions{}, false},
		{[][]string{{"bank"}, nil, {"england"}}, search.SearcherOptions{}, false},
		{[][]string{{""}, {"prices"}}, search.SearcherOptions{}, false},
	} {
		s, err := newPositional(c.slots, schema.FieldWords).Searcher(context.Background(), r, idx.Mapping(), c.opt)
		if err != nil {
			t.Fatal(err)
		}
		_, readers := s.(*readersPhrase)
		if _, old := s.(*positionalSearcher); readers == old {
			t.Errorf("%v: searcher %T", c.slots, s)
		}
		if readers != c.readers {
			t.Errorf("%v with %+v: searcher %T, want readersPhrase %v", c.slots, c.opt, s, c.readers)
		}
		s.Close()
	}
}

// TestPositionalOnCorpus checks positional against bleve's phrase for
// phrases of the shared articles, as typed and with each word's forms.
func TestPositionalOnCorpus(t *testing.T) {
	idx := benchIndex(t)
	ex := newExpander(context.Background(), idx)
	for _, text := range []string{
		"crude prices", "oil prices", "the who", "bank of england", "the company said",
		"u.s. prices", "one of the", "money supply", "said it would", "gndr.o",
		"a year ago", "15 pct", "interest rates", "central bank",
	} {
		t.Run(text, func(t *testing.T) {
			ts, err := textMapping.AnalyzeText(schema.WordsQueryAnalyzer, []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			slots := slotsOf(ts)
			want := phraseMatches(t, idx, bq.NewMultiPhraseQuery(slots, schema.FieldWords))
			got := phraseMatches(t, idx, newPositional(slots, schema.FieldWords))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("as typed: positional differs from bleve's phrase (-bleve +positional):\n%s", diff)
			}
			formed, ok := ex.phraseQuery(text).(*positional)
			if !ok {
				t.Fatalf("the expander's phrase of %q is %T", text, ex.phraseQuery(text))
			}
			want = phraseMatches(t, idx, bq.NewMultiPhraseQuery(formed.slots, schema.FieldWords))
			got = phraseMatches(t, idx, formed)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("with forms: positional differs from bleve's phrase (-bleve +positional):\n%s", diff)
			}
			if len(want) == 0 && text != "the who" {
				t.Errorf("%q matched nothing: not a useful case", text)
			}
		})
	}
}

// BenchmarkPhraseSearch compares bleve's phrase searcher with positional
// on a phrase of a rare and a common word (the adjacency clause of `crude
// prices`).
func BenchmarkPhraseSearch(b *testing.B) {
	idx := benchIndex(b)
	slots := [][]string{{"crude"}, {"prices"}}
	for _, c := range []struct {
		name string
		q    bq.Query
	}{
		{"bleve", bq.NewMultiPhraseQuery(slots, schema.FieldWords)},
		{"positional", newPositional(slots, schema.FieldWords)},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := bleve.NewSearchRequestOptions(c.q, 10, 0, false)
			req.IncludeLocations = true
			b.ReportAllocs()
			for b.Loop() {
				if _, err := idx.Search(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var _ search.Searcher = (*positionalSearcher)(nil)

// TestPositionalStopsWithItsContext: a phrase whose words are in many
// documents but never side by side stops scanning when its search is
// cancelled, instead of walking every candidate in one call.
func TestPositionalStopsWithItsContext(t *testing.T) {
	idx, err := bleve.NewMemOnly(schema.Mapping())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	b := idx.NewBatch()
	for i := range 3 * checkEvery {
		it := item.Item{ID: fmt.Sprintf("d%05d", i), Kind: item.Article, Title: "Apart", Body: "alpha and beta"}
		if err := b.Index(it.ID, schema.Document(&it)); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	r := reader(t, idx)
	for _, c := range []struct {
		name    string
		slots   [][]string
		cancel  bool
		wantErr error
	}{
		{"running", [][]string{{"alpha"}, {"beta"}}, false, nil},
		{"cancelled", [][]string{{"alpha"}, {"beta"}}, true, context.Canceled},
		{"forms, running", [][]string{{"alpha", "alphas"}, {"beta"}}, false, nil},
		{"forms, cancelled", [][]string{{"alpha", "alphas"}, {"beta"}}, true, context.Canceled},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := newPositional(c.slots, schema.FieldWords).Searcher(ctx, r, idx.Mapping(), search.SearcherOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if c.cancel {
				cancel()
			}
			sc := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
			dm, err := s.Next(sc)
			if dm != nil || !errors.Is(err, c.wantErr) {
				t.Errorf("Next = %v, %v; want no match and %v", dm, err, c.wantErr)
			}
		})
	}
}
