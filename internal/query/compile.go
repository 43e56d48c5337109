package query

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
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
	q := compile(n, nil)
	if q == nil {
		return bleve.NewMatchNoneQuery()
	}
	return q
}

// compile returns nil for a node that cannot constrain anything. With an
// expander, prefix, wildcard and fuzzy terms are expanded against the index;
// without, they are bleve's own queries.
func compile(n Node, ex *expander) bq.Query {
	switch n := n.(type) {
	case *All:
		return bleve.NewMatchAllQuery()
	case *Term:
		return compileTerm(n, ex)
	case *Not:
		inner := compile(n.Node, ex)
		if inner == nil {
			return nil
		}
		return bq.NewBooleanQuery(nil, nil, []bq.Query{inner})
	case *Or:
		var qs []bq.Query
		for _, c := range n.Nodes {
			if q := compile(c, ex); q != nil {
				qs = append(qs, q)
			}
		}
		return anyOf(qs)
	case *And:
		// A stop word beside words that are not is optional: it adds to the
		// score where it is, as a search engine's users expect of "bank of
		// england", without demanding it of a headline that lacks it.
		hasContent := false
		for _, c := range n.Nodes {
			if t, ok := c.(*Term); !ok || !isStopWord(t) {
				if _, not := c.(*Not); !not {
					hasContent = true
				}
			}
		}
		var must, should, mustNot []bq.Query
		for _, c := range n.Nodes {
			if not, ok := c.(*Not); ok {
				if q := compile(not.Node, ex); q != nil {
					mustNot = append(mustNot, q)
				}
				continue
			}
			if t, ok := c.(*Term); ok && hasContent && isStopWord(t) {
				// Weighed down so that it breaks ties and no more.
				light := *t
				light.Boost = stopWordBoost * max(t.Boost, 1)
				if q := compile(&light, ex); q != nil {
					should = append(should, q)
				}
				continue
			}
			q := compile(c, ex)
			if q == nil {
				continue
			}
			must = append(must, q)
		}
		if len(mustNot) == 0 && len(should) == 0 {
			switch len(must) {
			case 0:
				return nil
			case 1:
				return must[0]
			}
			return bleve.NewConjunctionQuery(must...)
		}
		if len(must) == 0 && len(should) == 0 {
			return bq.NewBooleanQuery(nil, nil, mustNot)
		}
		b := bq.NewBooleanQuery(must, should, mustNot)
		if len(must) == 0 {
			b.SetMinShould(1)
		}
		return b
	}
	return nil
}

// stopWordBoost weighs an optional stop word (TestStopWordDrift).
const stopWordBoost = 0.01

// isStopWord reports whether t is a plain word that the English stop list
// holds ("the", "of", "it").
func isStopWord(t *Term) bool {
	if t.Field != "" || t.Phrase || t.Prefix || t.Wildcard || t.Fuzzy > 0 {
		return false
	}
	return tokenCount(en.AnalyzerName, t.Text) == 0 && tokenCount(schema.QueryAnalyzer, t.Text) > 0
}

// compileTerm compiles a word or phrase. Without a field it is the
// disjunction of its queries in schema.TextFields() (title, body, summary,
// caption), so a headline-only item is found by its title. (One combined
// field for all four, Lucene's copy_to, was measured for mapping version 6
// and ranked worse: editors' topics MAP@100 0.311 against 0.332.) bleve scores
// a disjunction as the sum of the matching clauses times matched/all
// clauses, so a title match doubles a document's score, and the title's own
// weight is kept small (0.01) so that its short field does not outweigh the
// text.
func compileTerm(t *Term, ex *expander) bq.Query {
	boost := t.Boost
	if boost == 0 {
		boost = 1
	}
	if t.Field != "" {
		return fieldQuery(t, t.Field, boost, ex)
	}
	var qs []bq.Query
	for _, tf := range schema.TextFields() {
		if q := fieldQuery(t, tf.Name, boost*tf.Boost, ex); q != nil {
			qs = append(qs, q)
		}
	}
	return anyOf(qs)
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

// fieldQuery is the query of one term in one field.
func fieldQuery(t *Term, field string, boost float64, ex *expander) bq.Query {
	type boosted interface {
		bq.Query
		SetBoost(float64)
	}
	var q boosted
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
		n := tokenCount(an, t.Text)
		switch {
		case n == 0:
			return nil
		case t.Phrase && n > 1:
			m := bleve.NewMatchPhraseQuery(t.Text)
			m.Analyzer = an
			q = field1(m, field)
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
