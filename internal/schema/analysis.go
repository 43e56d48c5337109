package schema

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/registry"
	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// The analyzers, by the names the mapping gives them.
const (
	// IndexAnalyzer analyzes the text fields when items are indexed: words
	// stemmed, compound tokens whole and as their parts, stop words left out
	// (the words after them keep their positions).
	IndexAnalyzer = "newsdex_index"
	// WordsAnalyzer analyzes the words field: every word of the text fields
	// as written (lower case, stop words too), compound tokens whole and as
	// their parts.
	WordsAnalyzer = "newsdex_words"
	// QueryAnalyzer analyzes query words and phrases for the text fields:
	// stems, compound tokens whole, stop words left out.
	QueryAnalyzer = "newsdex_query"
	// WordsQueryAnalyzer analyzes query words and phrases for the words
	// field: every word as written, compound tokens whole.
	WordsQueryAnalyzer = "newsdex_words_query"
	// PairsAnalyzer analyzes the pairs field: each two common words
	// (PairKey) side by side in the text fields, as one token "w1 w2" of
	// their stems at the first word's position, from the first word's
	// start to the second's end; compound tokens whole and by their parts.
	PairsAnalyzer = "newsdex_pairs"
	// NameAnalyzer analyzes bylines: words in lower case, not stemmed.
	NameAnalyzer = "newsdex_name"
)

var (
	registerOnce sync.Once
	registerErr  error
)

// Register registers newsdex's analyzers with bleve, once per process; an
// index of this mapping cannot be created, opened or searched before.
// Mapping calls it; store calls it before opening an index.
func Register() error {
	registerOnce.Do(func() {
		for name, a := range map[string]analysis.Analyzer{
			IndexAnalyzer:      newAnalyzer(true, true),
			QueryAnalyzer:      newAnalyzer(false, true),
			WordsAnalyzer:      newAnalyzer(true, false),
			WordsQueryAnalyzer: newAnalyzer(false, false),
			PairsAnalyzer:      newPairsAnalyzer(),
			NameAnalyzer: &analysis.DefaultAnalyzer{
				Tokenizer:    wordTokenizer{},
				TokenFilters: []analysis.TokenFilter{lowercase.NewLowerCaseFilter()},
			},
		} {
			a := a
			if err := registry.RegisterAnalyzer(name, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) { return a, nil }); err != nil {
				registerErr = fmt.Errorf("schema: registering analyzer %s: %w", name, err)
				return
			}
		}
	})
	return registerErr
}

// newAnalyzer is the text analyzer: with parts (at index time) or not (a
// query's compound tokens stay whole); stemmed, with stop words left out, or
// every word as written.
func newAnalyzer(parts, stem bool) analysis.Analyzer {
	var fs []analysis.TokenFilter
	if parts {
		fs = append(fs, partsFilter{})
	}
	fs = append(fs, en.NewPossessiveFilter(), lowercase.NewLowerCaseFilter())
	if stem {
		fs = append(fs, stop.NewStopTokensFilter(stopWords()), porter.NewPorterStemmer())
	}
	return &analysis.DefaultAnalyzer{Tokenizer: wordTokenizer{}, TokenFilters: fs}
}

// newPairsAnalyzer is the analyzer of the pairs field: the words as the
// words field has them, compound tokens whole and by their parts, each
// replaced by its pair key, then joined to pairs. (Queries make their pairs
// from the words field's query analysis and PairKey.)
func newPairsAnalyzer() analysis.Analyzer {
	fs := []analysis.TokenFilter{partsFilter{}, en.NewPossessiveFilter(), lowercase.NewLowerCaseFilter(), pairsFilter{}}
	return &analysis.DefaultAnalyzer{Tokenizer: wordTokenizer{}, TokenFilters: fs}
}

// commonStems is the set of commonKeys, read once.
var commonStems = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for _, k := range strings.Fields(commonKeys) {
		set[k] = true
	}
	return set
})

// PairKey is how a lower-case word stands in the pairs field: its Porter
// stem ("rate" for rates), and whether it pairs at all: only the common
// words of news do (commonKeys: the most frequent stems of the shared news
// corpora other than Reuters-21578, stop words left out). Phrases of common
// words are the costly ones to match by positions (their postings are
// long) and the cheap ones to index as pairs (they make few distinct
// pairs); a phrase with a rarer word or a stop word matches by the words
// field's positions, which a rarer word keeps short.
func PairKey(word string) (string, bool) {
	if IsStopWord(word) {
		return "", false
	}
	stem := Stem(word)
	return stem, commonStems()[stem]
}

// maxPairsAt bounds the pairs made at one position: every token there (a
// compound and its parts) with every token at the next.
const maxPairsAt = 16

// pairsFilter turns a stream of words (tokens at the same position are one
// word's forms: a compound and its parts) into the pairs of common words
// side by side (PairKey): for each position, its tokens' keys joined by a
// space to each of the next position's, the pair at the first word's
// position.
type pairsFilter struct{}

func (pairsFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	if len(input) < 2 {
		return input[:0]
	}
	keys := make([]string, len(input)) // "": the token does not pair
	for i, t := range input {
		if k, ok := PairKey(string(t.Term)); ok {
			keys[i] = k
		}
	}
	out := make(analysis.TokenStream, 0, len(input)/2)
	for i := 0; i < len(input); {
		j := i // input[i:j] share a position, input[j:k] the next one
		for j < len(input) && input[j].Position == input[i].Position {
			j++
		}
		k := j
		for k < len(input) && input[k].Position == input[j].Position {
			k++
		}
		if j < len(input) && input[j].Position == input[i].Position+1 {
			n := 0
			for a := i; a < j; a++ {
				if keys[a] == "" {
					continue
				}
				for b := j; b < k && n < maxPairsAt; b++ {
					if keys[b] == "" {
						continue
					}
					n++
					term := make([]byte, 0, len(keys[a])+1+len(keys[b]))
					term = append(append(append(term, keys[a]...), ' '), keys[b]...)
					out = append(out, &analysis.Token{
						Term:     term,
						Start:    input[a].Start,
						End:      input[b].End,
						Position: input[i].Position,
						Type:     analysis.AlphaNumeric,
					})
				}
			}
		}
		i = j
	}
	return out
}

// wordTokenizer is bleve's unicode (UAX #29) tokenizer, which keeps
// "GNDR.O", "U.S" and "5.93" whole, with one addition: words joined by '&'
// with nothing between ("AT&T", "S&P", "R&D") are one token, as people
// write them.
type wordTokenizer struct{}

func (wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	ts := words(input)
	out := ts[:0]
	for i := 0; i < len(ts); i++ {
		t := ts[i]
		for i+1 < len(ts) && t.End < len(input) && input[t.End] == '&' && ts[i+1].Start == t.End+1 && alnumEdge(ts[i+1].Term, false) && alnumEdge(t.Term, true) {
			t.End = ts[i+1].End
			t.Term = input[t.Start:t.End]
			i++
		}
		out = append(out, t)
	}
	for i, t := range out {
		t.Position = i + 1
	}
	return out
}

// alnumEdge reports whether the last (end) or first rune of b is a letter or digit.
func alnumEdge(b []byte, end bool) bool {
	var r rune
	if end {
		r, _ = utf8.DecodeLastRune(b)
	} else {
		r, _ = utf8.DecodeRune(b)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// partsFilter adds, for a token holding '.' or '&' and a letter ("gndr.o",
// "u.s", "at&t", "s&p"), each of its parts as a token at the same position
// (so phrases around the token still match), with the parts' own offsets
// (so highlights mark just the part). Tokens of digits only ("5.93") are
// left whole.
type partsFilter struct{}

func (partsFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for i, t := range input {
		if !compound(t.Term) {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		if out == nil {
			out = append(make(analysis.TokenStream, 0, len(input)+4), input[:i]...)
		}
		out = append(out, t)
		start := 0
		for k := 0; k <= len(t.Term); k++ {
			if k < len(t.Term) && t.Term[k] != '.' && t.Term[k] != '&' {
				continue
			}
			if k > start {
				out = append(out, &analysis.Token{
					Start: t.Start + start, End: t.Start + k, Term: t.Term[start:k],
					Position: t.Position, Type: t.Type,
				})
			}
			start = k + 1
		}
	}
	if out == nil {
		return input
	}
	return out
}

// compound reports whether a token is one to split: it holds '.' or '&'
// between other characters, and a letter.
func compound(term []byte) bool {
	if !bytes.ContainsAny(term, ".&") {
		return false
	}
	for _, r := range string(term) {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// stopWords is bleve's English stop list (stop_en), read once.
var stopWords = sync.OnceValue(func() analysis.TokenMap {
	m := analysis.NewTokenMap()
	if err := m.LoadBytes(en.EnglishStopWords); err != nil {
		panic(fmt.Sprintf("schema: the English stop list: %v", err)) // static data
	}
	return m
})

// IsStopWord reports whether a lower-case word is on the English stop list:
// the text fields leave it out, the words field holds it.
func IsStopWord(word string) bool {
	_, ok := stopWords()[word]
	return ok
}

// Stem is the Porter stem of a lower-case word, as IndexAnalyzer indexes it.
func Stem(word string) string {
	return string(porterstemmer.StemWithoutLowerCasing([]rune(word)))
}

// IsStemmed reports whether a field's words are indexed as their stems: the
// text fields.
func IsStemmed(field string) bool {
	switch field {
	case FieldTitle, FieldBody, FieldSummary, FieldCaption:
		return true
	}
	return false
}
