package query

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"newsdex/internal/testenv"
)

func TestParse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "*"},
		{"   ", "*"},
		{"*", "*"},
		{"oil", "oil"},
		{"crude prices", "(AND crude prices)"},
		{"crude AND prices", "(AND crude prices)"},
		{"crude && prices", "(AND crude prices)"},
		{"oil OR gas", "(OR oil gas)"},
		{"oil || gas", "(OR oil gas)"},
		{"a b OR c", "(OR (AND a b) c)"},
		{"a OR b c", "(OR a (AND b c))"},
		{"a OR b OR c", "(OR a b c)"},
		{"a AND b AND c", "(AND a b c)"},
		{`"interest rates"`, `"interest rates"`},
		{`"interest rates"^2`, `"interest rates"^2`},
		{"opec AND (output OR production) NOT saudi", "(AND opec (OR output production) (NOT saudi))"},
		{"oil -saudi", "(AND oil (NOT saudi))"},
		{"-saudi", "(NOT saudi)"},
		{"NOT saudi", "(NOT saudi)"},
		{"NOT NOT saudi", "saudi"},
		{"+oil +gas", "(AND oil gas)"},
		{"oil-rich", "oil-rich"},
		{"u.s. trade", "(AND u.s. trade)"},
		{"title:opec", "title:opec"},
		{"TITLE:opec", "title:opec"},
		{`title:"crude oil"`, `title:"crude oil"`},
		{`region:"Asia Pacific"`, `region:"Asia Pacific"`},
		{"region:europe bank", "(AND region:europe bank)"},
		{"dateline:london", "dateline:london"},
		{"export*", "export*"},
		{"title:export*", "title:export*"},
		{"opek~", "opek~1"},
		{"opek~2", "opek~2"},
		{"opek~0", "opek"},
		{"oil^2", "oil^2"},
		{"oil^0.5", "oil^0.5"},
		{"export*^3", "export*^3"},
		{"opek~1^2", "opek~1^2"},
		{"(oil)", "oil"},
		{"((a OR b))", "(OR a b)"},
		{"(a b) (c d)", "(AND a b c d)"},
		{"(a OR b) OR c", "(OR a b c)"},
		{"a AND NOT b", "(AND a (NOT b))"},
		{"a OR -b", "(OR a (NOT b))"},
		{"-(a OR b)", "(NOT (OR a b))"},
		{"and or not", "(AND and or not)"},
		{"10:30 gmt", "(AND 10:30 gmt)"},
		{"a - b", "(AND a - b)"},
		{"Zürich", "Zürich"},
		{"author:smith", "byline:smith"},
		{`byline:"jane doe"`, `byline:"jane doe"`},
		{`source:reuters`, `source:reuters`},
		{"ex*rt", "ex*rt"},
		{"wh?t*", "wh?t*"},
		{"AT&T", "AT&T"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := n.String(); got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"(oil OR) gas", "query: unexpected ')' at column 8"},
		{"oil)", "query: unexpected ')' at column 4"},
		{"(oil", "query: unclosed '(' at column 1"},
		{"()", "query: empty parentheses at column 2"},
		{"oil AND", "query: unexpected end of query at column 8"},
		{"OR oil", "query: unexpected OR at column 1"},
		{"oil OR OR gas", "query: unexpected OR at column 8"},
		{"NOT", "query: nothing to negate after NOT at column 4"},
		{"oil NOT", "query: nothing to negate after NOT at column 8"},
		{`"interest rates`, "query: unterminated phrase at column 1"},
		{`oil "`, "query: unterminated phrase at column 5"},
		{`""`, "query: empty phrase at column 1"},
		{`"a b"~2`, `query: unexpected "~2" after phrase (only ^N may follow a phrase) at column 6`},
		{"headline:oil", `query: unknown field "headline" (fields: title, body, summary, caption, region, dateline, source, byline, author) at column 1`},
		{`writer:"x y"`, `query: unknown field "writer" (fields: title, body, summary, caption, region, dateline, source, byline, author) at column 1`},
		{"title:", `query: nothing after "title:" at column 7`},
		{"oil~3", `query: fuzziness "3" must be 0, 1 or 2 at column 4`},
		{"oil~x", `query: fuzziness "x" must be 0, 1 or 2 at column 4`},
		{"oil^", `query: boost "" must be a positive number at column 4`},
		{"oil^-1", `query: boost "-1" must be a positive number at column 4`},
		{"oil^x", `query: boost "x" must be a positive number at column 4`},
		{"title:oil^x", `query: boost "x" must be a positive number at column 10`},
		{"oil*~", "query: a prefix* cannot also be fuzzy~ at column 1"},
		{"~", `query: no word in "~" at column 1`},
		{"^2", `query: no word in "^2" at column 1`},
		{"title:*", `query: no word in "*" at column 1`},
		{strings.Repeat("(", 200) + "a" + strings.Repeat(")", 200), "query: parentheses or NOTs nested too deeply at column 101"},
		{strings.Repeat("a ", MaxQueryLength), "query: longer than 4096 bytes at column 4097"},
		{"\xff", "query: not valid UTF-8 at column 1"},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %s, want error %q", tt.in, n, tt.want)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q): error %T, want *SyntaxError", tt.in, err)
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tt.in, err, tt.want)
		}
	}
}

// TestParseRoundTrip checks that a printed parse of a term parses to itself.
func TestParseRoundTrip(t *testing.T) {
	for _, in := range []string{"oil", `title:"crude oil"^2`, "export*", "opek~2", "region:europe", "oil^1.5"} {
		n, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		n2, err := Parse(n.String())
		if err != nil {
			t.Fatalf("reparse %s: %v", n, err)
		}
		if n.String() != n2.String() {
			t.Errorf("%q: %s reparses as %s", in, n, n2)
		}
	}
}

// compileCases are the queries whose bleve query is kept in
// testdata/query/compile.golden.
var compileCases = []string{
	"",
	"oil",
	"crude prices",
	`"interest rates"`,
	"opec AND (output OR production) NOT saudi",
	"oil OR gas",
	"-saudi",
	"the",
	"the oil",
	`"the"`,
	"oil-rich",
	"title:opec",
	`title:"crude oil"`,
	`body:"bank of england"`,
	"region:Europe",
	`region:"Asia Pacific"`,
	"dateline:london",
	"export*",
	"title:Export*",
	"region:asia*",
	"opek~",
	"opek~2",
	"oil^2",
	`"interest rates"^3`,
	"title:oil^2",
	"the who",
	"bank of england",
	`"to be or not to be"`,
	"GNDR",
	"ex*rt",
	"author:smith",
	"&",
}

func TestCompileGolden(t *testing.T) {
	var b strings.Builder
	for _, in := range compileCases {
		n, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		js, err := json.MarshalIndent(Compile(n), "", "  ")
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		b.WriteString("### " + in + "\n" + string(js) + "\n\n")
	}
	testenv.Golden(t, filepath.Join(testenv.Root(t), "testdata", "query", "compile.golden"), []byte(b.String()))
}

func FuzzParse(f *testing.F) {
	for _, s := range append(compileCases,
		"(oil OR) gas", `title:"a`, "a^", "~~", "-(-(-a))", "NOT NOT", "a:b:c", `"x"^2^3`, "((", "))",
		"region:\"\"", "a~2^3*", "+-+a", "𝔘nicode:x") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): error %T", s, err)
			}
			if se.Column < 1 {
				t.Fatalf("Parse(%q): column %d", s, se.Column)
			}
			return
		}
		// Whatever parses compiles and prints.
		_ = n.String()
		if Compile(n) == nil {
			t.Fatalf("Compile(%q) = nil", s)
		}
	})
}

// BenchmarkParseLargeInputs watches for quadratic parsing: a query of the
// longest allowed size, in many shapes, parsed and compiled. Each shape
// should take well under a millisecond.
func BenchmarkParseLargeInputs(b *testing.B) {
	for _, p := range []string{"a~ ", `"`, "(", "-", "a:b ", "NOT ", "x", "ééé", "a^2 ", "a* ", `title:"a" `, `"a b" `, "-a ", "( a ) ", "a OR ", "ion ", "a-b-"} {
		s := strings.Repeat(p, MaxQueryLength/len(p))
		b.Run(fmt.Sprintf("%q", p), func(b *testing.B) {
			for b.Loop() {
				if n, err := Parse(s); err == nil {
					Compile(n)
				}
			}
		})
	}
}
