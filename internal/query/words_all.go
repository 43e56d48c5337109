package query

import (
	"context"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
)

// allWords is the conjunction of a query's free words ("crude prices":
// crude in some text field, and prices in some), each word the anyField
// disjunction of its term in each text field. bleve's searcher of it is a
// conjunction of disjunctions of term searchers: at every step each term
// searcher builds a document match and scores it, each disjunction
// merges its fields' matches into one, and the conjunction merges the
// words'. Here the words' term readers are walked directly, and only a
// document that holds every word is scored, by the same term scorers with
// the same sums, coordination factors and norms in the same order, so
// its score is bleve's to the bit (TestAllWordsScores). bleve's
// conjunction answers what this does not: explanations, unscored
// searches, scorings other than tf-idf, synonyms.
type allWords struct {
	*bq.ConjunctionQuery
	words []wordTerms
}

// wordTerms is one word's term in each text field: its anyField's clauses.
type wordTerms struct {
	terms []*bq.TermQuery
}

// newAllWords is the conjunction of must: an allWords when each clause is
// a word's anyField of terms, bleve's conjunction otherwise.
func newAllWords(must []bq.Query) bq.Query {
	conj := bq.NewConjunctionQuery(must)
	words := make([]wordTerms, 0, len(must))
	for _, q := range must {
		af, ok := q.(anyField)
		if !ok {
			return conj
		}
		var w wordTerms
		for _, d := range af.Disjuncts {
			tq, ok := d.(*bq.TermQuery)
			if !ok || tq.FieldVal == "" {
				return conj
			}
			w.terms = append(w.terms, tq)
		}
		words = append(words, w)
	}
	return allWords{ConjunctionQuery: conj, words: words}
}

// Searcher walks the words' readers, or is bleve's conjunction where
// that is what answers (see allWords).
func (q allWords) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if !directScoring(ctx, options) || options.Score == "none" {
		return q.ConjunctionQuery.Searcher(ctx, r, m, options)
	}
	docs, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	s := &wordsSearcher{}
	for _, w := range q.words {
		ws := &wordState{clauses: len(w.terms)}
		s.words = append(s.words, ws)
		for _, tq := range w.terms {
			// Each reader counts against the query's limit of term
			// searchers, as bleve's term searcher does.
			if err := search.RecordTermSearcher(ctx); err != nil {
				s.Close()
				return nil, err
			}
			term := []byte(tq.Term)
			tr, err := r.TermFieldReader(ctx, term, tq.FieldVal, true, true, options.IncludeTermVectors)
			if err != nil {
				s.Close()
				return nil, err
			}
			if tr.Count() == 0 {
				_ = tr.Close() // anyField leaves out a field without the word
				continue
			}
			sc := scorer.NewTermQueryScorer(term, tq.FieldVal, tq.BoostVal.Value(), docs, tr.Count(), 0, options)
			ws.fields = append(ws.fields, &phraseTerm{word: tq.Term, reader: tr, scorer: sc})
		}
		sort.Sort(byReaderCount(ws.fields)) // the order of bleve's disjunction
	}
	sort.Sort(byWordCount(s.words)) // the order of bleve's conjunction
	s.SetQueryNorm(1 / math.Sqrt(s.Weight()))
	return s, nil
}

// directScoring reports whether a searcher may read term readers and
// score them itself with bleve's term scorers, as readersPhrase and
// allWords do: not explained, tf-idf, no synonyms and no kNN score
// breakdown (each of which bleve's own searchers handle).
func directScoring(ctx context.Context, opt search.SearcherOptions) bool {
	if ctx == nil || opt.Explain || ctx.Value(search.FieldTermSynonymMapKey) != nil {
		return false
	}
	if b, _ := ctx.Value(search.IncludeScoreBreakdownKey).(bool); b {
		return false
	}
	if cb, ok := ctx.Value(search.GetScoringModelCallbackKey).(search.GetScoringModelCallbackFn); ok && cb() == index.BM25Scoring {
		return false
	}
	return true
}

// wordState is one word of a wordsSearcher: the readers of the fields
// that hold it, in bleve's disjunction order.
type wordState struct {
	fields  []*phraseTerm
	clauses int // its anyField's clauses, fields without the word too
	lo      index.IndexInternalID
}

func (w *wordState) count() uint64 {
	var n uint64
	for _, f := range w.fields {
		n += f.reader.Count()
	}
	return n
}

// byReaderCount orders a word's fields as bleve's disjunction orders its
// searchers (sort.Sort by count, the same algorithm on the same input).
type byReaderCount []*phraseTerm

func (l byReaderCount) Len() int           { return len(l) }
func (l byReaderCount) Less(i, j int) bool { return l[i].reader.Count() < l[j].reader.Count() }
func (l byReaderCount) Swap(i, j int)      { l[i], l[j] = l[j], l[i] }

// byWordCount orders the words as bleve's conjunction orders its
// disjunctions (whose count is the sum of their fields').
type byWordCount []*wordState

func (l byWordCount) Len() int           { return len(l) }
func (l byWordCount) Less(i, j int) bool { return l[i].count() < l[j].count() }
func (l byWordCount) Swap(i, j int)      { l[i], l[j] = l[j], l[i] }

// wordsSearcher is the searcher of an allWords.
type wordsSearcher struct {
	words   []*wordState
	started bool
	done    bool
	matched bool                  // the readers stand on the last match
	last    index.IndexInternalID // the last match
	target  index.IndexInternalID // scratch
}

func (s *wordsSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.find(ctx, nil)
}

func (s *wordsSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	return s.find(ctx, id)
}

// find returns the first document at or after id (nil: after the last
// match) that holds every word, scored.
func (s *wordsSearcher) find(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	switch {
	case !s.started:
		s.started = true
		for _, w := range s.words {
			for _, f := range w.fields {
				if err := f.move(nil); err != nil {
					return nil, err
				}
			}
		}
	case s.matched:
		// As bleve's conjunction does after a match: the readers on it
		// move on.
		s.matched = false
		for _, w := range s.words {
			for _, f := range w.fields {
				if f.cur != nil && f.cur.ID.Equals(s.last) {
					if err := f.move(nil); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	target := id
	for {
		var hi index.IndexInternalID
		for _, w := range s.words {
			w.lo = nil
			for _, f := range w.fields {
				if target != nil && f.cur != nil { // a reader run out stays out
					if err := f.move(target); err != nil {
						return nil, err
					}
				}
				if f.cur != nil && (w.lo == nil || f.cur.ID.Compare(w.lo) < 0) {
					w.lo = f.cur.ID
				}
			}
			if w.lo == nil {
				s.done = true // a word has no document left
				return nil, nil
			}
			if hi == nil || w.lo.Compare(hi) > 0 {
				hi = w.lo
			}
		}
		all := true
		for _, w := range s.words {
			if !w.lo.Equals(hi) {
				all = false
				break
			}
		}
		if all {
			s.last = append(s.last[:0], hi...)
			s.matched = true
			return s.score(ctx), nil
		}
		s.target = append(s.target[:0], hi...)
		target = s.target
	}
}

// score is the match at s.last: each word's fields there scored and
// summed, times the share of its fields that hold it there and of its
// clauses that hold it anywhere (bleve's disjunction and anyField), the
// words summed (bleve's conjunction), in bleve's order.
func (s *wordsSearcher) score(ctx *search.SearchContext) *search.DocumentMatch {
	var rv *search.DocumentMatch
	var total float64
	for _, w := range s.words {
		var sum float64
		n := 0
		for _, f := range w.fields {
			if f.cur == nil || !f.cur.ID.Equals(s.last) {
				continue
			}
			dm := f.scorer.Score(ctx, f.cur)
			sum += dm.Score
			n++
			if rv == nil {
				rv = dm
				continue
			}
			if len(dm.FieldTermLocations) > 0 {
				rv.FieldTermLocations = append(rv.FieldTermLocations, dm.FieldTermLocations...)
			}
			ctx.DocumentMatchPool.Put(dm)
		}
		score := sum * (float64(n) / float64(len(w.fields)))
		if len(w.fields) != w.clauses {
			score *= float64(len(w.fields)) / float64(w.clauses)
		}
		total += score
	}
	rv.Score = total
	return rv
}

func (s *wordsSearcher) Weight() float64 {
	var rv float64
	for _, w := range s.words {
		var ww float64
		for _, f := range w.fields {
			ww += f.scorer.Weight()
		}
		rv += ww
	}
	return rv
}

func (s *wordsSearcher) SetQueryNorm(qnorm float64) {
	for _, w := range s.words {
		for _, f := range w.fields {
			f.scorer.SetQueryNorm(qnorm)
		}
	}
}

// Count is bleve's conjunction's: the sum of its clauses' counts.
func (s *wordsSearcher) Count() uint64 {
	var n uint64
	for _, w := range s.words {
		n += w.count()
	}
	return n
}

func (s *wordsSearcher) Close() error {
	var first error
	for _, w := range s.words {
		for _, f := range w.fields {
			if err := f.reader.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

func (s *wordsSearcher) Min() int { return 0 }

func (s *wordsSearcher) Size() int {
	n := 64 + len(s.last) + len(s.target)
	for _, w := range s.words {
		for _, f := range w.fields {
			n += f.reader.Size() + f.scorer.Size()
		}
	}
	return n
}

func (s *wordsSearcher) DocumentMatchPoolSize() int {
	n := len(s.words)
	for _, w := range s.words {
		n += len(w.fields)
	}
	return n
}
