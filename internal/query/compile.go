package query

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"newsdex/internal/schema"
)

// textMapping analyzes query words the way the index analyzed the text fields,
// to tell words that are all stop words ("the") from words that can match.
var textMapping = schema.Mapping()

// Compile turns a parsed query into a bleve query. Words that analyze to
// nothing in the text fields (stop words such as "the") are dropped, as search
// engines do; a query of nothing but such words matches nothing.
func Compile(n Node) bq.Query {
	q := compile(n)
	if q == nil {
		return bleve.NewMatchNoneQuery()
	}
	return q
}

// compile returns nil for a node that cannot constrain anything.
func compile(n Node) bq.Query {
	switch n := n.(type) {
	case *All:
		return bleve.NewMatchAllQuery()
	case *Term:
		return compileTerm(n)
	case *Not:
		inner := compile(n.Node)
		if inner == nil {
			return nil
		}
		return bq.NewBooleanQuery(nil, nil, []bq.Query{inner})
	case *Or:
		var qs []bq.Query
		for _, c := range n.Nodes {
			if q := compile(c); q != nil {
				qs = append(qs, q)
			}
		}
		return anyOf(qs)
	case *And:
		var must, mustNot []bq.Query
		for _, c := range n.Nodes {
			if not, ok := c.(*Not); ok {
				if q := compile(not.Node); q != nil {
					mustNot = append(mustNot, q)
				}
				continue
			}
			if q := compile(c); q != nil {
				must = append(must, q)
			}
		}
		if len(mustNot) == 0 {
			switch len(must) {
			case 0:
				return nil
			case 1:
				return must[0]
			}
			return bleve.NewConjunctionQuery(must...)
		}
		if len(must) == 0 {
			return bq.NewBooleanQuery(nil, nil, mustNot)
		}
		return bq.NewBooleanQuery(must, nil, mustNot)
	}
	return nil
}

// compileTerm compiles a word or phrase. Without a field it is the
// disjunction of its queries in schema.TextFields() (title, body, summary,
// caption), so a headline-only item is found by its title. bleve scores a
// disjunction as the sum of the matching clauses times matched/all clauses,
// so a title match doubles a document's score (2/4 instead of 1/4); the
// title's own weight is kept small (0.01) so that its short field does not
// outweigh the text. That ranks the shared Reuters articles closest to
// SQLite FTS5's bm25() over title and body (issue 6): 6.3 of 10 shared,
// against 3.6 with title^2 and 5.9 with title^0.1.
func compileTerm(t *Term) bq.Query {
	boost := t.Boost
	if boost == 0 {
		boost = 1
	}
	if t.Field != "" {
		return fieldQuery(t, t.Field, boost)
	}
	var qs []bq.Query
	for _, tf := range schema.TextFields() {
		if q := fieldQuery(t, tf.Name, boost*tf.Boost); q != nil {
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

// fieldQuery is the query of one term in one field.
func fieldQuery(t *Term, field string, boost float64) bq.Query {
	type boosted interface {
		bq.Query
		SetBoost(float64)
	}
	var q boosted
	lower := strings.ToLower(t.Text)
	switch {
	case schema.IsKeywordField(field):
		// One token, lower case: the whole label.
		label := strings.Join(strings.Fields(lower), " ")
		switch {
		case t.Prefix:
			q = field1(bleve.NewPrefixQuery(label), field)
		case t.Fuzzy > 0:
			f := bleve.NewFuzzyQuery(label)
			f.SetFuzziness(t.Fuzzy)
			q = field1(f, field)
		default:
			q = field1(bleve.NewTermQuery(label), field)
		}
	case t.Prefix:
		q = field1(bleve.NewPrefixQuery(lower), field)
	case t.Fuzzy > 0:
		f := bleve.NewFuzzyQuery(lower)
		f.SetFuzziness(t.Fuzzy)
		q = field1(f, field)
	default:
		n := tokenCount(t.Text)
		switch {
		case n == 0:
			return nil
		case t.Phrase && n > 1:
			q = field1(bleve.NewMatchPhraseQuery(t.Text), field)
		default:
			m := bleve.NewMatchQuery(t.Text)
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

// tokenCount is the number of tokens text gives in the text fields.
func tokenCount(text string) int {
	ts, err := textMapping.AnalyzeText(en.AnalyzerName, []byte(text))
	if err != nil {
		return 1
	}
	return len(ts)
}
