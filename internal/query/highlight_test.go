package query

import (
	"strings"
	"testing"

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
