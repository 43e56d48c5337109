package schema

import (
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/google/go-cmp/cmp"

	"newsdex/internal/testenv"
)

type plainToken struct {
	Term       string
	Start, End int
	Position   int
	Type       analysis.TokenType
}

func plain(ts analysis.TokenStream) []plainToken {
	out := []plainToken{}
	for _, t := range ts {
		out = append(out, plainToken{string(t.Term), t.Start, t.End, t.Position, t.Type})
	}
	return out
}

// sameWords fails t when asciiWords and bleve's unicode tokenizer split
// text differently.
func sameWords(t *testing.T, text string) bool {
	t.Helper()
	want := plain(unicodetok.NewUnicodeTokenizer().Tokenize([]byte(text)))
	got := plain(asciiWords([]byte(text)))
	if equalTokens(want, got) {
		return true
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%q: asciiWords differs from the unicode tokenizer (-unicode +ascii):\n%s", text, diff)
		return false
	}
	return true
}

func equalTokens(a, b []plainToken) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestASCIIWords(t *testing.T) {
	for _, text := range []string{
		"", " ", "oil", "U.S. oil", "GANDER <GNDR.O> rose 5.93 pct to 155,221 dlrs",
		"don't rock'n'roll", "10:30 a:b 1:2", "a.1 1.a 1,a a,1 1;2 a;b", "x.. ..y", "...",
		"AT&T", "end.", "'quoted'", "\"double\"", "1.2.3 a.b.c", "mid-term 3-4",
		"line\nbreak\r\nand\ttab", "1'000 o'neil", "x'", "'x", "12ab ab12 1a2b",
	} {
		sameWords(t, text)
	}
}

// TestASCIIWordsOnCorpus compares the two on every ASCII title and body
// of the shared Reuters-21578 articles.
func TestASCIIWordsOnCorpus(t *testing.T) {
	n := 0
	testenv.SharedJSONLines(t, "corpus/reuters21578/articles.jsonl.gz", func(a struct{ Title, Body string }) bool {
		for _, text := range []string{a.Title, a.Body} {
			if !isASCII(text) {
				continue
			}
			n++
			if !sameWords(t, text) {
				return false
			}
		}
		return true
	})
	if n < 30000 {
		t.Errorf("compared %d texts, want the corpus's 30,000 or more", n)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == '_' {
			return false
		}
	}
	return true
}

// FuzzASCIIWords holds asciiWords to bleve's unicode tokenizer on ASCII
// text made of the characters whose word-boundary rules differ.
func FuzzASCIIWords(f *testing.F) {
	for _, s := range []string{"U.S. oil", "5.93 155,221", "don't", "a:b 1:2", "x.1 1,a"} {
		f.Add(s)
	}
	const alphabet = "aZ09.,;:'\"&- \n\r\t<>()!?/"
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		for i, c := range b {
			b[i] = alphabet[int(c)%len(alphabet)]
		}
		sameWords(t, string(b))
	})
}
