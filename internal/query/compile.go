package query

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"newsdex/internal/schema"
)

// textMapping analyzes query words as the index does, to tell words that
// give no token at all ("&") and stop words ("the") from other words.
var textMapping = schema.Mapping()

// Compile turns a parsed query into a bleve query. Words that give no token
// (punctuation alone, such as "&") are dropped; a query of nothing but such
// words matches nothing.
func Compile(n Node) bq.Query {
	q := compile(n, nil, true)
	if q == nil {
		return bleve.NewMatchNoneQuery()
	}
	return q
}

// compile returns nil for a node that cannot constrain anything. With an
// expander, prefix, wildcard and fuzzy terms are expanded against the index;
// without, they are bleve's own queries. Unless scored, clauses that only
// rank (adjacent) are left out: a count or a date sort has no use for them.
func compile(n Node, ex *expander, scored bool) bq.Query {
	return compiler{ex: ex, scored: scored}.compile(n)
}

// compiler compiles one query.
type compiler struct {
	ex     *expander
	scored bool
}

func (c compiler) compile(n Node) bq.Query {
	ex := c.ex
	switch n := n.(type) {
	case *All:
		return bleve.NewMatchAllQuery()
	case *Term:
		return compileTerm(n, ex)
	case *Not:
		inner := c.compile(n.Node)
		if inner == nil {
			return nil
		}
		return bq.NewBooleanQuery(nil, nil, []bq.Query{inner})
	case *Or:
		var qs []bq.Query
		for _, k := range n.Nodes {
			if q := c.compile(k); q != nil {
				qs = append(qs, q)
			}
		}
		return anyOf(qs)
	case *And:
		// A stop word beside words that are not is left out, as the text
		// fields leave it out ("bank of england" is bank, england); a query
		// of stop words only keeps them all (they search the words field).
		hasContent := false
		for _, k := range n.Nodes {
			if t, ok := k.(*Term); !ok || !isStopWord(t) {
				if _, not := k.(*Not); !not {
					hasContent = true
				}
			}
		}
		var must, mustNot []bq.Query
		for _, k := range n.Nodes {
			if not, ok := k.(*Not); ok {
				if q := c.compile(not.Node); q != nil {
					mustNot = append(mustNot, q)
				}
				continue
			}
			if t, ok := k.(*Term); ok && hasContent && isStopWord(t) {
				continue
			}
			if q := c.compile(k); q != nil {
				must = append(must, q)
			}
		}
		var should []bq.Query
		if len(must) > 1 && c.scored {
			if near := adjacent(n); near != nil {
				should = append(should, near)
			}
		}
		switch {
		case len(mustNot) > 0 || len(should) > 0:
			b := bq.NewBooleanQuery(must, should, mustNot)
			if len(must) > 1 {
				b.Must = newAllWords(must)
			}
			return b
		case len(must) == 0:
			return nil
		case len(must) == 1:
			return must[0]
		}
		return newAllWords(must)
	}
	return nil
}

// adjacentBoost weighs the words of a query found side by side (adjacent).
const adjacentBoost = 0.3

// adjacent is the optional clause that ranks first the items holding the
// words of a query of plain words side by side, in order ("money supply"):
// the words as a phrase (phraseQuery: two common words as their pair, other
// words as typed, without their forms). Its content words side by side
// count as much whether the query has stop words or not, so that "the
// money of supply" ranks as "money supply" does (TestStopWordDrift); the
// words as typed, stop words too, count besides ("bank of england" ranks
// the Bank of England above the Bank of New England). nil for a query with
// anything else in it (fields, phrases, prefixes, NOT) or fewer than two
// content words.
func adjacent(n *And) bq.Query {
	var words, typed []string
	for _, c := range n.Nodes {
		t, ok := c.(*Term)
		if !ok || t.Field != "" || t.Phrase || t.Prefix || t.Wildcard || t.Fuzzy > 0 || t.Boost != 0 {
			return nil
		}
		typed = append(typed, t.Text)
		if !isStopWord(t) {
			words = append(words, t.Text)
		}
	}
	if len(words) < 2 {
		return nil
	}
	phrase := func(ws []string) bq.Query {
		q := phraseQuery(strings.Join(ws, " "), nil) // forms cost more than they rank
		if q == nil {
			return nil
		}
		q.SetBoost(adjacentBoost)
		return q
	}
	// Stop words at the ends add nothing: "the money supply" is "money supply".
	for len(typed) > 0 && schema.IsStopWord(strings.ToLower(typed[0])) {
		typed = typed[1:]
	}
	for len(typed) > 0 && schema.IsStopWord(strings.ToLower(typed[len(typed)-1])) {
		typed = typed[:len(typed)-1]
	}
	near := phrase(words)
	if len(typed) == len(words) || near == nil {
		return near
	}
	asTyped := phrase(typed)
	if asTyped == nil {
		return near
	}
	return bq.NewBooleanQuery(nil, []bq.Query{near, asTyped}, nil)
}

// phraseQuery is the query of a phrase: its words side by side, in order,
// stop words as written and other words in any form of their stem. Pairs
// of common words are indexed (schema.PairKey), so a phrase of two common
// words is one term of the pairs field ("interest rate" for "interest
// rates"): a phrase of common words would read the long postings of their
// positions. Longer phrases, and phrases with a rarer word or a stop word,
// match by the words field's positions (each word's forms, expanded by ex;
// as written without one). nil for text of fewer than two words.
func phraseQuery(text string, ex *expander) boostable {
	ts, err := textMapping.AnalyzeText(schema.WordsQueryAnalyzer, []byte(text))
	if err != nil || len(ts) < 2 {
		return nil
	}
	if pair, ok := pairOf(ts); ok {
		return field1(bleve.NewTermQuery(pair), schema.FieldPairs)
	}
	if ex != nil {
		return ex.phraseQuery(text).(boostable)
	}
	return newPositional(slotsOf(ts), schema.FieldWords)
}

// commonPair is the pairs field's term of text when text is two common
// words (schema.PairKey): their stems, joined by a space.
func commonPair(text string) (string, bool) {
	ts, err := textMapping.AnalyzeText(schema.WordsQueryAnalyzer, []byte(text))
	if err != nil {
		return "", false
	}
	return pairOf(ts)
}

// pairOf is the pairs field's term of a phrase's words (as the words
// field's query analyzer gives them) when they are two common words.
func pairOf(ts analysis.TokenStream) (string, bool) {
	if len(ts) != 2 {
		return "", false
	}
	a, okA := schema.PairKey(string(ts[0].Term))
	b, okB := schema.PairKey(string(ts[1].Term))
	if !okA || !okB {
		return "", false
	}
	return a + " " + b, true
}

// wordsBoost weighs a phrase's match in the words field beside its words'
// match in the text fields, which ranks it.
const wordsBoost = 0.01

// isStopWord reports whether t is a plain word that the English stop list
// holds ("the", "of", "it"): one the text fields leave out.
func isStopWord(t *Term) bool {
	if (t.Field != "" && !schema.IsStemmed(t.Field)) || t.Phrase || t.Prefix || t.Wildcard || t.Fuzzy > 0 {
		return false
	}
	return tokenCount(schema.QueryAnalyzer, t.Text) == 0 && tokenCount(schema.WordsQueryAnalyzer, t.Text) > 0
}

// compileTerm compiles a word or phrase. Without a field a word is the
// disjunction of its queries in schema.TextFields() (title, body, summary,
// caption), so a headline-only item is found by its title. (One combined
// field for all four, Lucene's copy_to, was measured for mapping version 6
// and ranked worse: editors' topics MAP@100 0.311 against 0.332.) bleve scores
// a disjunction as the sum of the matching clauses times matched/all
// clauses, so a title match doubles a document's score, and the title's own
// weight is kept small (0.01) so that its short field does not outweigh the
// text.
//
// The text fields hold stems without stop words and no positions; the words
// field holds every word as written with positions, and the pairs field
// each two common words side by side (schema's package doc). So a phrase
// matches there (phraseQuery), its words in order ("dry weather over the",
// "to be or not to be", "interest rates" finding "interest rate" too); in
// one field (title:"crude oil") it must also have its words in that field.
// A word of stop words only ("the", "IT") searches the words field, and a
// prefix, wildcard or fuzzy term that expands to stop words finds them
// there.
func compileTerm(t *Term, ex *expander) bq.Query {
	boost := t.Boost
	if boost == 0 {
		boost = 1
	}
	if t.Field != "" && !schema.IsStemmed(t.Field) {
		return fieldQuery(t, t.Field, boost, ex)
	}
	if t.Phrase && tokenCount(schema.WordsQueryAnalyzer, t.Text) > 1 {
		phrase := phraseQuery(t.Text, ex)
		if phrase == nil {
			return bleve.NewMatchNoneQuery()
		}
		// Ranked as its words are in the text fields (the phrase's own
		// score in the one words field would rank it apart from the rest).
		words := *t
		words.Phrase = false
		var in bq.Query
		if t.Field == "" {
			in = compileTerm(&words, ex)
		} else {
			in = fieldQuery(&words, t.Field, boost, ex)
		}
		phrase.SetBoost(boost * wordsBoost)
		if in == nil {
			phrase.SetBoost(boost)
			return phrase
		}
		return bleve.NewConjunctionQuery(phrase, in)
	}
	fields := schema.TextFields()
	if t.Field != "" {
		fields = []schema.TextField{{Name: t.Field, Boost: 1}}
	}
	var qs []bq.Query
	for _, tf := range fields {
		if q := fieldQuery(t, tf.Name, boost*tf.Boost, ex); q != nil {
			qs = append(qs, q)
		}
	}
	text := anyOf(qs)
	if len(qs) > 1 {
		text = newAnyField(qs...)
	}
	words := wordsQuery(t, ex)
	switch {
	case words == nil:
		return text
	case text == nil:
		words.SetBoost(boost)
		return words
	}
	words.SetBoost(boost)
	return bleve.NewDisjunctionQuery(text, words) // a prefix that expands to stop words too
}

// boostable is a query whose boost can be set.
type boostable interface {
	bq.Query
	SetBoost(float64)
}

// wordsQuery is t's query in the words field when the text fields cannot
// answer it: a word of stop words only, or a prefix, wildcard or fuzzy term
// that expands to stop words. Otherwise nil.
func wordsQuery(t *Term, ex *expander) boostable {
	if t.Prefix || t.Wildcard || t.Fuzzy > 0 {
		if ex == nil {
			return nil
		}
		return ex.stopWordsQuery(t, strings.ToLower(t.Text))
	}
	if tokenCount(schema.QueryAnalyzer, t.Text) > 0 || tokenCount(schema.WordsQueryAnalyzer, t.Text) == 0 {
		return nil
	}
	m := bleve.NewMatchQuery(t.Text)
	m.Analyzer = schema.WordsQueryAnalyzer
	m.SetOperator(bq.MatchQueryOperatorAnd)
	return field1(m, schema.FieldWords)
}

// anyOf is the disjunction of qs: nil for none, the query itself for one.
func anyOf(qs []bq.Query) bq.Query {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// analyzerOf is the analyzer of query words in a field.
func analyzerOf(field string) string {
	if field == schema.FieldByline {
		return schema.NameAnalyzer
	}
	return schema.QueryAnalyzer
}

// wordsAnalyzerOf is the analyzer of query words in a field as written:
// every word, stop words too.
func wordsAnalyzerOf(field string) string {
	if schema.IsStemmed(field) || field == "" {
		return schema.WordsQueryAnalyzer
	}
	return analyzerOf(field)
}

// fieldQuery is the query of one term in one field.
func fieldQuery(t *Term, field string, boost float64, ex *expander) bq.Query {
	var q boostable
	lower := strings.ToLower(t.Text)
	if schema.IsKeywordField(field) {
		// One token, lower case: the whole label.
		lower = strings.Join(strings.Fields(lower), " ")
	}
	switch {
	case ex != nil && (t.Prefix || t.Wildcard || t.Fuzzy > 0):
		return ex.query(t, field, lower, boost)
	case t.Prefix:
		q = field1(bleve.NewPrefixQuery(lower), field)
	case t.Wildcard:
		q = field1(bleve.NewWildcardQuery(lower), field)
	case t.Fuzzy > 0:
		f := bleve.NewFuzzyQuery(lower)
		f.SetFuzziness(t.Fuzzy)
		q = field1(f, field)
	case schema.IsKeywordField(field):
		q = field1(bleve.NewTermQuery(lower), field)
	default:
		an := analyzerOf(field)
		ts, err := textMapping.AnalyzeText(an, []byte(t.Text))
		n := len(ts)
		if err != nil {
			n = 1 // the match query's analysis at search time will say
		}
		switch {
		case n == 0:
			return nil
		case t.Phrase && n > 1:
			q = positionalOf(t.Text, an, field)
		case n == 1 && err == nil:
			// The match query's one term without the conjunction of one
			// clause it makes (the same score: a conjunction adds its
			// clauses' scores up), a searcher less at every match.
			q = field1(bleve.NewTermQuery(string(ts[0].Term)), field)
		default:
			m := bleve.NewMatchQuery(t.Text)
			m.Analyzer = an
			m.SetOperator(bq.MatchQueryOperatorAnd)
			q = field1(m, field)
		}
	}
	if boost != 1 {
		q.SetBoost(boost)
	}
	return q
}

// field1 sets the field of a query and returns it.
func field1[Q interface{ SetField(string) }](q Q, field string) Q {
	q.SetField(field)
	return q
}

// tokenCount is the number of tokens text gives with the analyzer.
func tokenCount(analyzer, text string) int {
	ts, err := textMapping.AnalyzeText(analyzer, []byte(text))
	if err != nil {
		return 1
	}
	return len(ts)
}
