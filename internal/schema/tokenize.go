package schema

import (
	"github.com/blevesearch/bleve/v2/analysis"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// words splits input into its words as Unicode's word boundaries (UAX #29)
// do, the way bleve's unicode tokenizer does: for text of ASCII only (most
// news), by a direct scan of the rules that ASCII meets, which costs a
// fraction of the general segmenter's state machine; otherwise, and for
// text holding '_' (whose lone segments the general segmenter types on its
// own), by bleve's tokenizer. TestASCIIWords and FuzzASCIIWords hold the
// two to the same tokens.
func words(input []byte) analysis.TokenStream {
	for _, c := range input {
		if c >= 0x80 || c == '_' {
			return unicodetok.NewUnicodeTokenizer().Tokenize(input)
		}
	}
	return asciiWords(input)
}

// asciiWords is the words of ASCII text by UAX #29: letters and digits
// run together (WB5, WB8-10); '.' and the apostrophe join letters to letters
// (WB6-7, MidNumLet and Single_Quote) and digits to digits (WB11-12), ':'
// letters only (MidLetter), ',' and ';' digits only (MidNum). A word of
// digits alone (and the marks between them) is numeric.
func asciiWords(input []byte) analysis.TokenStream {
	var toks []analysis.Token
	for pass := 0; pass < 2; pass++ {
		n, pos := 0, 1
		for i := 0; i < len(input); {
			c := input[i]
			if !isASCIIAlnum(c) {
				i++
				continue
			}
			start, letters := i, false
			for i < len(input) {
				c := input[i]
				if isASCIILetter(c) {
					letters = true
					i++
					continue
				}
				if isASCIIDigit(c) {
					i++
					continue
				}
				if i+1 < len(input) && i > start {
					prev, next := input[i-1], input[i+1]
					if joinsLetters(c) && isASCIILetter(prev) && isASCIILetter(next) ||
						joinsDigits(c) && isASCIIDigit(prev) && isASCIIDigit(next) {
						i++
						continue
					}
				}
				break
			}
			if pass == 1 {
				typ := analysis.Numeric
				if letters {
					typ = analysis.AlphaNumeric
				}
				toks[n] = analysis.Token{Term: input[start:i], Start: start, End: i, Position: pos, Type: typ}
			}
			n++
			pos++
		}
		if pass == 0 {
			if n == 0 {
				return analysis.TokenStream{}
			}
			toks = make([]analysis.Token, n)
		}
	}
	out := make(analysis.TokenStream, len(toks))
	for i := range toks {
		out[i] = &toks[i]
	}
	return out
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isASCIIDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isASCIIAlnum(c byte) bool  { return isASCIILetter(c) || isASCIIDigit(c) }

// joinsLetters reports whether c joins two letters into one word
// (MidLetter, MidNumLet, Single_Quote).
func joinsLetters(c byte) bool { return c == '.' || c == '\'' || c == ':' }

// joinsDigits reports whether c joins two digits into one number (MidNum,
// MidNumLet, Single_Quote).
func joinsDigits(c byte) bool { return c == '.' || c == '\'' || c == ',' || c == ';' }
