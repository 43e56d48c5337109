package query

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"

	"newsdex/internal/schema"
)

func TestWordEdges(t *testing.T) {
	text := "The ferry link between Larkmoor and the islands will reopen"
	loc := func(word string) (int, int) {
		i := strings.Index(text, word)
		if i < 0 {
			t.Fatalf("no %q", word)
		}
		return i, i + len(word)
	}
	fs, fe := loc("ferry")
	is, ie := loc("islands")
	for _, tc := range []struct {
		name        string
		start, end  int
		first, last int
		want        string
	}{
		{"inside words at both edges", 2, 33, fs, fe, "ferry link between Larkmoor"},
		{"on boundaries already", 4, 14, fs, fe, "ferry link"},
		{"never past a match", 5, 11, 5, 9, "erry"},
		{"whole text", 0, len(text), is, ie, text},
		{"leading space skipped", 3, 20, fs, fe, "ferry link"},
	} {
		s, e := wordEdges(text, tc.start, tc.end, tc.first, tc.last)
		if got := text[s:e]; got != tc.want {
			t.Errorf("%s: [%d,%d) gives %q, want %q", tc.name, tc.start, tc.end, got, tc.want)
		}
	}
}

func TestHighlight(t *testing.T) {
	locs := func(text string, words ...string) search.TermLocationMap {
		tlm := search.TermLocationMap{}
		for _, w := range words {
			for i := 0; ; {
				k := strings.Index(strings.ToLower(text[i:]), w)
				if k < 0 {
					break
				}
				tlm[w] = append(tlm[w], &search.Location{Start: uint64(i + k), End: uint64(i + k + len(w))})
				i += k + len(w)
			}
		}
		return tlm
	}
	long := strings.Repeat("filler words here and there. ", 10) + "The cocoa crop and the cocoa price rose. " + strings.Repeat("more filler text follows. ", 10) + "cocoa again."
	for _, tc := range []struct {
		name, text string
		words      []string
		want       string
	}{
		{"short text whole", "Cocoa prices hit low", []string{"cocoa"}, "<mark>Cocoa</mark> prices hit low"},
		{"escaped", "AT&T <b>bids</b>", []string{"bids"}, "AT&amp;T &lt;b&gt;<mark>bids</mark>&lt;/b&gt;"},
		{"no match", "nothing here", []string{"cocoa"}, ""},
		{"densest window of a long text", long, []string{"cocoa", "price"},
			"…<mark>cocoa</mark> crop and the <mark>cocoa</mark> <mark>price</mark> rose. more filler text follows. more filler text follows. more filler text follows. more filler text follows. more filler text follows. more filler text follows. more…"},
	} {
		if got := highlight(tc.text, spans(locs(tc.text, tc.words...), len(tc.text))); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestMarksSpansIn(t *testing.T) {
	m := &marks{stems: map[string]map[string]bool{}}
	for _, w := range []string{"prices", "happy", "gndr", "u.s", "oil"} {
		m.put("", schema.Stem(w)) // as the query analyzer gives them
	}
	m.put("title", "bank")
	for _, tc := range []struct {
		field, text string
		want        []string
	}{
		{"body", "Prices rose; the price of OIL and oils", []string{"Prices", "price", "OIL", "oils"}},
		{"body", "a happy, happier crowd", []string{"happy"}},
		{"body", "GANDER MOUNTAIN <GNDR.O> and U.S. banks", []string{"GNDR", "U.S"}},
		{"title", "Bank banks banking", []string{"Bank", "banks", "banking"}},
		{"body", "Bank banks", nil},
		{"body", "", nil},
	} {
		var got []string
		for _, sp := range m.spansIn(tc.field, tc.text) {
			got = append(got, tc.text[sp.start:sp.end])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s %q: marks %q, want %q", tc.field, tc.text, got, tc.want)
		}
	}
	var none *marks
	if got := none.spansIn("body", "oil"); got != nil {
		t.Errorf("nil marks: %v", got)
	}
}

// TestEachWord: the highlights' word scan splits text as the index's
// tokenizer does for the words that matter (letters and digits joined by
// '.', '&' and apostrophes between them), and with firsts calls back for
// those words only that begin with one of its bytes, and compound words.
func TestEachWord(t *testing.T) {
	for c := 0; c < 256; c++ {
		want := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if isASCIIWord(byte(c)) != want {
			t.Errorf("isASCIIWord(%#x) = %v", c, !want)
		}
	}
	var oOnly [256]bool // as spansIn makes firsts: every byte of a rune past ASCII
	oOnly['o'], oOnly['O'] = true, true
	for c := utf8.RuneSelf; c < len(oOnly); c++ {
		oOnly[c] = true
	}
	for _, tc := range []struct {
		text      string
		all, only string // words, compound ones with a +; only: with oOnly
	}{
		{"Oil, oils and OPEC's output.", "Oil oils and OPEC's output", "Oil oils OPEC's output"},
		{"U.S. and AT&T rose; it’s over", "U.S+ and AT&T+ rose it’s over", "U.S+ AT&T+ over"},
		{"a-b x. .y 'q' o&", "a b x y q o", "o"},
		{"naïve café über ömer", "naïve café über ömer", "über ömer"},
		{"", "", ""},
	} {
		scan := func(firsts *[256]bool) string {
			var ws []string
			eachWord(tc.text, firsts, func(start, end int, compound bool) {
				w := tc.text[start:end]
				if compound {
					w += "+"
				}
				ws = append(ws, w)
			})
			return strings.Join(ws, " ")
		}
		if got := scan(nil); got != tc.all {
			t.Errorf("%q: words %q, want %q", tc.text, got, tc.all)
		}
		if got := scan(&oOnly); got != tc.only {
			t.Errorf("%q with firsts o: words %q, want %q", tc.text, got, tc.only)
		}
	}
}

// FuzzEachWord: the words come in order, apart, each beginning and ending
// with a letter or digit; with firsts, exactly those of them that begin
// with one of its bytes or are compound.
func FuzzEachWord(f *testing.F) {
	for _, s := range []string{"Oil, oils and OPEC's output.", "U.S. AT&T it’s", "naïve ömer x.", "a'b'c .&. 1.2.3", "ticket cocoa. Cocoa&co u.s.cocoa"} {
		f.Add(s, "o")
		f.Add(s, "cC1.")
	}
	f.Fuzz(func(t *testing.T, text string, first string) {
		type word struct {
			start, end int
			compound   bool
		}
		var all, only []word
		eachWord(text, nil, func(start, end int, compound bool) { all = append(all, word{start, end, compound}) })
		var firsts [256]bool
		for i := range len(first) {
			firsts[first[i]] = true
		}
		eachWord(text, &firsts, func(start, end int, compound bool) { only = append(only, word{start, end, compound}) })
		prev := 0
		var want []word
		for _, w := range all {
			if w.start < prev || w.end <= w.start || w.end > len(text) {
				t.Fatalf("%q: word [%d,%d) after %d", text, w.start, w.end, prev)
			}
			prev = w.end
			r, _ := utf8.DecodeRuneInString(text[w.start:])
			l, _ := utf8.DecodeLastRuneInString(text[:w.end])
			if !isWordRune(r) || !isWordRune(l) {
				t.Fatalf("%q: word %q does not begin and end with a letter or digit", text, text[w.start:w.end])
			}
			if w.compound || firsts[text[w.start]] {
				want = append(want, w)
			}
		}
		if !slices.Equal(want, only) {
			t.Fatalf("%q with firsts %q: %v, want %v", text, first, only, want)
		}
	})
}
