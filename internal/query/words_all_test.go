package query

import (
	"context"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"

	"newsdex/internal/schema"
)

// wordsMust is the must clauses of a query of free words, as compile
// makes them: each word's anyField over the text fields.
func wordsMust(words ...string) []bq.Query {
	var must []bq.Query
	for _, w := range words {
		must = append(must, compileTerm(&Term{Text: w}, nil))
	}
	return must
}

// allWordsCases are queries of free words, each checked against bleve's
// conjunction of the same clauses.
var allWordsCases = [][]string{
	{"crude", "prices"},
	{"oil", "prices", "rose"},
	{"rise", "oil"},          // g holds both in four fields, others in fewer
	{"crude", "zzzzunknown"}, // a word in no field: nothing matches
	{"prices", "prices"},
	{"bank", "england"},
	{"dry", "weather", "plains"},
	{"cold", "good"},
}

func TestAllWordsMatchesBleveConjunction(t *testing.T) {
	idx := memIndex(t, phraseDocs...)
	matched := 0
	for _, words := range allWordsCases {
		t.Run(strings.Join(words, " "), func(t *testing.T) {
			must := wordsMust(words...)
			q := newAllWords(must)
			if _, ok := q.(allWords); !ok {
				t.Fatalf("newAllWords(%v) is %T, want allWords", words, q)
			}
			bleveConj := bq.NewConjunctionQuery(must)
			uses := []struct {
				name string
				of   func(bq.Query) bq.Query
			}{
				{"alone", func(q bq.Query) bq.Query { return q }},
				// The must side of a query with its adjacency clause.
				{"with an optional phrase", func(q bq.Query) bq.Query {
					b := bq.NewBooleanQuery(nil, []bq.Query{newPositional(slotsOfWords(words), schema.FieldWords)}, nil)
					b.Must = q
					return b
				}},
				// Advanced to each document in turn, as an optional clause.
				{"beside every document", func(q bq.Query) bq.Query {
					return bq.NewBooleanQuery([]bq.Query{bleve.NewMatchAllQuery()}, []bq.Query{q}, nil)
				}},
				// Advanced by a conjunction with a rarer clause.
				{"beside a rarer word", func(q bq.Query) bq.Query {
					return bq.NewConjunctionQuery([]bq.Query{q, compileTerm(&Term{Text: "crude"}, nil)})
				}},
			}
			for _, use := range uses {
				want := phraseMatches(t, idx, use.of(bleveConj))
				got := phraseMatches(t, idx, use.of(q))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: allWords differs from bleve's conjunction (-bleve +allWords):\n%s", use.name, diff)
				}
				if use.name == "alone" {
					matched += len(want)
				}
			}
		})
	}
	if matched < 8 {
		t.Errorf("the cases matched %d documents in all: the fixture no longer exercises the conjunction", matched)
	}
}

// slotsOfWords is a phrase of words as typed, one a place.
func slotsOfWords(words []string) [][]string {
	var slots [][]string
	for _, w := range words {
		slots = append(slots, []string{w})
	}
	return slots
}

// TestAllWordsSearchers: the words' readers are walked directly only for a
// scored search without explanations, of words that are each an anyField
// of terms; everything else is bleve's conjunction, which the test above
// compares them with.
func TestAllWordsSearchers(t *testing.T) {
	idx := memIndex(t)
	r := reader(t, idx)
	for _, c := range []struct {
		name   string
		must   []bq.Query
		opt    search.SearcherOptions
		direct bool
	}{
		{"words", wordsMust("crude", "prices"), search.SearcherOptions{}, true},
		{"words with locations", wordsMust("crude", "prices"), search.SearcherOptions{IncludeTermVectors: true}, true},
		{"explained", wordsMust("crude", "prices"), search.SearcherOptions{Explain: true}, false},
		{"not scored", wordsMust("crude", "prices"), search.SearcherOptions{Score: "none"}, false},
		{"a prefix", append(wordsMust("crude"), compileTerm(&Term{Text: "pri", Prefix: true}, nil)), search.SearcherOptions{}, false},
		{"a field", append(wordsMust("crude"), compileTerm(&Term{Text: "prices", Field: schema.FieldTitle}, nil)), search.SearcherOptions{}, false},
	} {
		s, err := newAllWords(c.must).Searcher(context.Background(), r, idx.Mapping(), c.opt)
		if err != nil {
			t.Fatal(err)
		}
		if _, direct := s.(*wordsSearcher); direct != c.direct {
			t.Errorf("%s: searcher %T, want the direct one %v", c.name, s, c.direct)
		}
		s.Close()
	}
}

// TestAllWordsOnCorpus checks allWords against bleve's conjunction for
// queries of the shared articles.
func TestAllWordsOnCorpus(t *testing.T) {
	idx := benchIndex(t)
	for _, text := range []string{
		"crude prices", "oil prices opec", "bank england", "money supply growth",
		"interest rates cut", "wheat export china", "cocoa zzzzunknown", "trade deficit japan",
	} {
		t.Run(text, func(t *testing.T) {
			must := wordsMust(strings.Fields(text)...)
			want := phraseMatches(t, idx, bq.NewConjunctionQuery(must))
			got := phraseMatches(t, idx, newAllWords(must))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("allWords differs from bleve's conjunction (-bleve +allWords):\n%s", diff)
			}
			if len(want) == 0 && !strings.Contains(text, "zzzz") {
				t.Errorf("%q matched nothing: not a useful case", text)
			}
		})
	}
}
