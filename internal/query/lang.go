package query

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"newsdex/internal/schema"
)

// The query language, as people know it from news search APIs and Lucene:
//
//	oil prices            both words (AND is implied)
//	"interest rates"      an exact phrase
//	oil OR gas            either; AND binds tighter than OR: a b OR c = (a AND b) OR c
//	oil NOT saudi         NOT, or -saudi: without
//	opec AND (output OR production)
//	title:opec            one field: title, body, summary, caption, region,
//	                      dateline, source, byline (or author)
//	title:"crude oil"     a phrase in one field
//	export*               a prefix
//	ex*rt  wh?t           a wildcard: * any characters, ? one
//	opek~ opek~2          fuzzy, at most 1 or 2 edits (~ alone is 1)
//	oil^2                 a boost
//
// AND, OR and NOT are operators only in upper case. Unfielded words search
// title (boosted), body, summary and caption.

// Node is a parsed query. String prints it unambiguously, for tests and logs.
type Node interface {
	String() string
	node()
}

// Term is one word or phrase, possibly with a field, prefix, fuzziness and boost.
type Term struct {
	Field  string // "" for the text fields together
	Text   string // as typed, without quotes and suffixes
	Phrase bool   // "quoted"
	Prefix bool   // word*
	// Wildcard is a word with * or ? inside (Text keeps them): ex*rt, wh?t.
	Wildcard bool
	Fuzzy    int     // edits for word~N; 0 for none
	Boost    float64 // word^N; 0 for none
}

// And matches what all its nodes match.
type And struct{ Nodes []Node }

// Or matches what any of its nodes match.
type Or struct{ Nodes []Node }

// Not matches what its node does not.
type Not struct{ Node Node }

// All matches every item: the empty query.
type All struct{}

func (*Term) node() {}
func (*And) node()  {}
func (*Or) node()   {}
func (*Not) node()  {}
func (*All) node()  {}

func (t *Term) String() string {
	var b strings.Builder
	if t.Field != "" {
		b.WriteString(t.Field)
		b.WriteByte(':')
	}
	if t.Phrase {
		b.WriteString(strconv.Quote(t.Text))
	} else {
		b.WriteString(t.Text)
	}
	if t.Prefix {
		b.WriteByte('*')
	}
	if t.Fuzzy > 0 {
		fmt.Fprintf(&b, "~%d", t.Fuzzy)
	}
	if t.Boost != 0 {
		b.WriteByte('^')
		b.WriteString(strconv.FormatFloat(t.Boost, 'g', -1, 64))
	}
	return b.String()
}

func (a *And) String() string { return listString("AND", a.Nodes) }
func (o *Or) String() string  { return listString("OR", o.Nodes) }
func (n *Not) String() string { return "(NOT " + n.Node.String() + ")" }
func (*All) String() string   { return "*" }

func listString(op string, nodes []Node) string {
	var b strings.Builder
	b.WriteByte('(')
	b.WriteString(op)
	for _, n := range nodes {
		b.WriteByte(' ')
		b.WriteString(n.String())
	}
	b.WriteByte(')')
	return b.String()
}

// SyntaxError is a query that does not parse. Column counts characters from 1.
type SyntaxError struct {
	Column int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("query: %s at column %d", e.Msg, e.Column)
}

// Fields returns the field names a query may name, as field:word.
func Fields() []string {
	return []string{
		schema.FieldTitle, schema.FieldBody, schema.FieldSummary, schema.FieldCaption,
		schema.FieldRegion, schema.FieldDateline, schema.FieldSource, schema.FieldByline,
		fieldAuthor,
	}
}

// fieldAuthor is another name of byline.
const fieldAuthor = "author"

func knownField(name string) bool { return slices.Contains(Fields(), name) }

// canonicalField is the field a query's field name searches.
func canonicalField(name string) string {
	if name == fieldAuthor {
		return schema.FieldByline
	}
	return name
}

// MaxQueryLength caps the length of a query, in bytes.
const MaxQueryLength = 4096

// maxDepth caps the nesting of parentheses and NOTs, so that no query can
// exhaust the stack.
const maxDepth = 100

type tokKind int

const (
	tokEOF tokKind = iota
	tokWord
	tokPhrase
	tokLParen
	tokRParen
	tokAnd
	tokOr
	tokNot
	tokMinus
)

type token struct {
	kind   tokKind
	text   string // word or phrase text; for a phrase, without quotes
	field  string // for words and phrases: the field before ':'
	suffix string // for phrases: what follows the closing quote (^2)
	col    int    // 1-based column of the token's first character
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of query"
	case tokLParen:
		return "'('"
	case tokRParen:
		return "')'"
	case tokAnd:
		return "AND"
	case tokOr:
		return "OR"
	case tokNot:
		return "NOT"
	case tokMinus:
		return "'-'"
	case tokPhrase:
		return "phrase"
	}
	return strconv.Quote(t.text)
}

// lex splits the query into tokens.
func lex(s string) ([]token, error) {
	var toks []token
	rs := []rune(s)
	i := 0
	isBreak := func(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' }
	for i < len(rs) {
		r := rs[i]
		col := i + 1
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			toks = append(toks, token{kind: tokLParen, col: col})
			i++
		case r == ')':
			toks = append(toks, token{kind: tokRParen, col: col})
			i++
		case r == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) && rs[i+1] != ')' && (i == 0 || isBreak(rs[i-1])):
			toks = append(toks, token{kind: tokMinus, col: col})
			i++
		case r == '+' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) && rs[i+1] != ')' && (i == 0 || isBreak(rs[i-1])):
			i++ // +word: required, which every word is by default
		case r == '"':
			t, n, err := lexPhrase(rs, i, "", col)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i = n
		default:
			j := i
			for j < len(rs) && !isBreak(rs[j]) {
				j++
			}
			word := string(rs[i:j])
			// field:"phrase"
			if j < len(rs) && rs[j] == '"' && strings.HasSuffix(word, ":") && len(word) > 1 {
				field := strings.ToLower(strings.TrimSuffix(word, ":"))
				if !knownField(field) {
					return nil, fieldError(field, col)
				}
				t, n, err := lexPhrase(rs, j, canonicalField(field), col)
				if err != nil {
					return nil, err
				}
				toks = append(toks, t)
				i = n
				continue
			}
			i = j
			switch word {
			case "AND", "&&":
				toks = append(toks, token{kind: tokAnd, col: col})
				continue
			case "OR", "||":
				toks = append(toks, token{kind: tokOr, col: col})
				continue
			case "NOT":
				toks = append(toks, token{kind: tokNot, col: col})
				continue
			}
			t := token{kind: tokWord, text: word, col: col}
			if k := strings.IndexByte(word, ':'); k > 0 {
				name := word[:k]
				if isFieldName(name) {
					field := strings.ToLower(name)
					if !knownField(field) {
						return nil, fieldError(field, col)
					}
					t.field = canonicalField(field)
					t.text = word[k+1:]
					if t.text == "" {
						return nil, &SyntaxError{Column: col + utf8.RuneCountInString(word), Msg: fmt.Sprintf("nothing after %q", word)}
					}
				}
			}
			toks = append(toks, t)
		}
	}
	toks = append(toks, token{kind: tokEOF, col: len(rs) + 1})
	return toks, nil
}

// isFieldName reports whether s looks like a field name: letters and '_' only.
func isFieldName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return false
		}
	}
	return s != ""
}

func fieldError(field string, col int) error {
	return &SyntaxError{Column: col, Msg: fmt.Sprintf("unknown field %q (fields: %s)", field, strings.Join(Fields(), ", "))}
}

// lexPhrase reads the phrase whose opening quote is at rs[i], and its suffix.
func lexPhrase(rs []rune, i int, field string, col int) (token, int, error) {
	j := i + 1
	for j < len(rs) && rs[j] != '"' {
		j++
	}
	if j == len(rs) {
		return token{}, 0, &SyntaxError{Column: i + 1, Msg: "unterminated phrase"}
	}
	t := token{kind: tokPhrase, text: string(rs[i+1 : j]), field: field, col: col}
	j++
	k := j
	for k < len(rs) && !unicode.IsSpace(rs[k]) && rs[k] != '(' && rs[k] != ')' && rs[k] != '"' {
		k++
	}
	t.suffix = string(rs[j:k])
	return t, k, nil
}

type parser struct {
	toks  []token
	pos   int
	depth int
}

// Parse parses a query. The empty query (or one of spaces) is All.
// Errors are *SyntaxError.
func Parse(s string) (Node, error) {
	if len(s) > MaxQueryLength {
		return nil, &SyntaxError{Column: MaxQueryLength + 1, Msg: fmt.Sprintf("longer than %d bytes", MaxQueryLength)}
	}
	if !utf8.ValidString(s) {
		return nil, &SyntaxError{Column: 1, Msg: "not valid UTF-8"}
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if p.peek().kind == tokEOF {
		return &All{}, nil
	}
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.unexpected(t)
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func (p *parser) unexpected(t token) error {
	return &SyntaxError{Column: t.col, Msg: "unexpected " + t.describe()}
}

func (p *parser) parseOr() (Node, error) {
	first, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	nodes := []Node{first}
	for p.peek().kind == tokOr {
		p.next()
		n, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	if len(nodes) == 1 {
		return first, nil
	}
	return &Or{Nodes: flatten(nodes, func(n Node) []Node {
		if o, ok := n.(*Or); ok {
			return o.Nodes
		}
		return nil
	})}, nil
}

func startsUnary(k tokKind) bool {
	switch k {
	case tokWord, tokPhrase, tokLParen, tokNot, tokMinus:
		return true
	}
	return false
}

func (p *parser) parseAnd() (Node, error) {
	first, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	nodes := []Node{first}
	for {
		t := p.peek()
		if t.kind == tokAnd {
			p.next()
		} else if !startsUnary(t.kind) {
			break
		}
		n, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	if len(nodes) == 1 {
		return first, nil
	}
	return &And{Nodes: flatten(nodes, func(n Node) []Node {
		if a, ok := n.(*And); ok {
			return a.Nodes
		}
		return nil
	})}, nil
}

// flatten splices the children of nested nodes of the same operator.
func flatten(nodes []Node, children func(Node) []Node) []Node {
	var out []Node
	for _, n := range nodes {
		if c := children(n); c != nil {
			out = append(out, c...)
		} else {
			out = append(out, n)
		}
	}
	return out
}

func (p *parser) parseUnary() (Node, error) {
	p.depth++
	defer func() { p.depth-- }()
	t := p.peek()
	if p.depth > maxDepth {
		return nil, &SyntaxError{Column: t.col, Msg: "parentheses or NOTs nested too deeply"}
	}
	switch t.kind {
	case tokNot, tokMinus:
		p.next()
		if !startsUnary(p.peek().kind) {
			return nil, &SyntaxError{Column: p.peek().col, Msg: "nothing to negate after " + t.describe()}
		}
		n, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		if inner, ok := n.(*Not); ok { // NOT NOT x = x
			return inner.Node, nil
		}
		return &Not{Node: n}, nil
	case tokLParen:
		p.next()
		if p.peek().kind == tokRParen {
			return nil, &SyntaxError{Column: p.peek().col, Msg: "empty parentheses"}
		}
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c.kind != tokRParen {
			if c.kind == tokEOF {
				return nil, &SyntaxError{Column: t.col, Msg: "unclosed '('"}
			}
			return nil, p.unexpected(c)
		}
		p.next()
		return n, nil
	case tokWord:
		p.next()
		return parseWord(t)
	case tokPhrase:
		p.next()
		return parsePhrase(t)
	}
	return nil, p.unexpected(t)
}

// parseWord reads word, word*, word~N, word^N and their combinations.
func parseWord(t token) (Node, error) {
	term := &Term{Field: t.field}
	text := t.text
	col := t.col + utf8.RuneCountInString(t.field)
	if t.field != "" {
		col++ // the ':'
	}
	var err error
	if text, term.Boost, err = cutBoost(text, col); err != nil {
		return nil, err
	}
	if k := strings.LastIndexByte(text, '~'); k > 0 {
		n := 1
		if rest := text[k+1:]; rest != "" {
			n, err = strconv.Atoi(rest)
			if err != nil || n < 0 || n > 2 {
				return nil, &SyntaxError{Column: col + utf8.RuneCountInString(text[:k]), Msg: fmt.Sprintf("fuzziness %q must be 0, 1 or 2", rest)}
			}
		}
		term.Fuzzy = n
		text = text[:k]
	}
	if strings.HasSuffix(text, "*") {
		term.Prefix = true
		text = strings.TrimRight(text, "*")
		if term.Fuzzy > 0 {
			return nil, &SyntaxError{Column: col, Msg: "a prefix* cannot also be fuzzy~"}
		}
	}
	if strings.ContainsAny(text, "*~^") && strings.Trim(text, "*~^") == "" || text == "" {
		if term.Prefix && text == "" && t.field == "" && term.Boost == 0 {
			return &All{}, nil // a lone *
		}
		return nil, &SyntaxError{Column: t.col, Msg: fmt.Sprintf("no word in %q", t.text)}
	}
	if strings.ContainsAny(text, "*?") {
		term.Wildcard = true
		if term.Fuzzy > 0 {
			return nil, &SyntaxError{Column: col, Msg: "a wildcard cannot also be fuzzy~"}
		}
		if term.Prefix { // ex*rt*: the trailing * is part of the pattern
			term.Prefix = false
			text += "*"
		}
	}
	term.Text = text
	return term, nil
}

func parsePhrase(t token) (Node, error) {
	term := &Term{Field: t.field, Text: t.text, Phrase: true}
	col := t.col + utf8.RuneCountInString(t.field) + 2 + utf8.RuneCountInString(t.text)
	if t.field != "" {
		col++
	}
	rest, boost, err := cutBoost(t.suffix, col)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, &SyntaxError{Column: col, Msg: fmt.Sprintf("unexpected %q after phrase (only ^N may follow a phrase)", rest)}
	}
	term.Boost = boost
	if strings.TrimSpace(t.text) == "" {
		return nil, &SyntaxError{Column: t.col, Msg: "empty phrase"}
	}
	return term, nil
}

// cutBoost splits "word^2" into "word" and 2.
func cutBoost(s string, col int) (string, float64, error) {
	k := strings.LastIndexByte(s, '^')
	if k < 0 {
		return s, 0, nil
	}
	b, err := strconv.ParseFloat(s[k+1:], 64)
	if err != nil || b <= 0 || b > 1e6 || b != b {
		return "", 0, &SyntaxError{Column: col + utf8.RuneCountInString(s[:k]), Msg: fmt.Sprintf("boost %q must be a positive number", s[k+1:])}
	}
	return s[:k], b, nil
}
