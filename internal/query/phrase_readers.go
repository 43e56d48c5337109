package query

import (
	"context"
	"math"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
)

// readersPhrase is the searcher of a phrase whose places each hold one
// word, no word twice (the adjacency clause of every query of plain words,
// "crude prices"; most quoted phrases as typed). It walks the words' term
// readers itself: positionalSearcher's conjunction of term searchers built
// a document match for every word of every candidate, copied each
// location into it and merged them, only for most candidates to lack the
// phrase; here a candidate is checked on the readers' own term vectors,
// and only a match is scored, by the same term scorers in the same order
// as bleve's conjunction, so its score is the same to the bit.
type readersPhrase struct {
	ctx   context.Context // the search's: a long scan stops with it
	field string
	// terms in the order bleve's conjunction sorts its searchers (fewest
	// documents first, stable), which is the order it sums their scores.
	terms         []phraseTerm
	anchor        int // the term at the phrase's first place
	keepLocations bool
	done          bool // a reader ran out: no match is left
	checked       int
	hits          []bool // scratch: the vectors of an occurrence
}

// phraseTerm is one word of a readersPhrase at its place.
type phraseTerm struct {
	word   string
	offset uint64 // its place, counted from the phrase's first
	reader index.TermFieldReader
	scorer *scorer.TermQueryScorer
	tfd    index.TermFieldDoc
	cur    *index.TermFieldDoc // where the reader stands; nil before the first move
}

// newReadersPhrase opens the term readers of words (one a place) in field,
// or returns ok false when the phrase needs positionalSearcher: a word
// twice, a place of several words or of any word, explanations asked for,
// or a scoring other than bleve's tf-idf.
func newReadersPhrase(ctx context.Context, r index.IndexReader, slots [][]string, field string, boost float64, opt search.SearcherOptions) (s *readersPhrase, ok bool, err error) {
	if !directScoring(ctx, opt) || len(slots) < 2 || len(slots) > maxSlots {
		return nil, false, nil
	}
	seen := map[string]bool{}
	for _, slot := range slots {
		if len(slot) != 1 || slot[0] == "" || seen[slot[0]] {
			return nil, false, nil
		}
		seen[slot[0]] = true
	}
	docs, err := r.DocCount()
	if err != nil {
		return nil, false, err
	}
	s = &readersPhrase{ctx: ctx, field: field, keepLocations: opt.IncludeTermVectors}
	freqNorm := opt.Score != "none"
	for i, slot := range slots {
		// Each reader counts against the query's limit of term searchers,
		// as bleve's term searcher does.
		if err := search.RecordTermSearcher(ctx); err != nil {
			s.Close()
			return nil, false, err
		}
		tr, err := r.TermFieldReader(ctx, []byte(slot[0]), field, freqNorm, freqNorm, true)
		if err != nil {
			s.Close()
			return nil, false, err
		}
		sc := scorer.NewTermQueryScorer([]byte(slot[0]), field, boost, docs, tr.Count(), 0, opt)
		s.terms = append(s.terms, phraseTerm{word: slot[0], offset: uint64(i), reader: tr, scorer: sc})
	}
	sort.SliceStable(s.terms, func(i, j int) bool { return s.terms[i].reader.Count() < s.terms[j].reader.Count() })
	s.anchor = slices.IndexFunc(s.terms, func(t phraseTerm) bool { return t.offset == 0 })
	if err := s.intersect(); err != nil {
		s.Close()
		return nil, false, err
	}
	s.SetQueryNorm(1 / math.Sqrt(s.Weight())) // as bleve's phrase searcher
	return s, true, nil
}

// intersect lets the index narrow every reader to the documents that hold
// all the words (scorch ANDs their postings' bitmaps), as bleve's
// conjunction of term searchers asks it to.
func (s *readersPhrase) intersect() error {
	var octx index.OptimizableContext
	for i := range s.terms {
		o, ok := s.terms[i].reader.(index.Optimizable)
		if !ok {
			return nil
		}
		var err error
		if octx, err = o.Optimize("conjunction", octx); err != nil || octx == nil {
			return err
		}
	}
	_, err := octx.Finish()
	return err
}

// move brings t to its first document at or after id (nil: the one after
// where it stands); a reader already there stays. The document it stood
// on is reset first, as bleve's term searcher resets it: some readers
// append the next id to the one there (upsidedown's).
func (t *phraseTerm) move(id index.IndexInternalID) (err error) {
	switch {
	case id == nil:
		t.cur, err = t.reader.Next(t.tfd.Reset())
	case t.cur != nil && t.cur.ID.Compare(id) >= 0:
	default:
		t.cur, err = t.reader.Advance(id, t.tfd.Reset())
	}
	return err
}

// find returns the first document at or after id (nil: after the current
// one) that holds the phrase.
func (s *readersPhrase) find(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	lead := &s.terms[0]
	for !s.done {
		if err := lead.move(id); err != nil {
			return nil, err
		}
		if lead.cur == nil {
			s.done = true
			break
		}
		id = nil
		all := true
		for i := 1; i < len(s.terms); i++ {
			t := &s.terms[i]
			if err := t.move(lead.cur.ID); err != nil {
				return nil, err
			}
			if t.cur == nil {
				s.done = true
				return nil, nil
			}
			if t.cur.ID.Compare(lead.cur.ID) > 0 {
				id, all = t.cur.ID, false
				break
			}
		}
		if all {
			if dm := s.match(ctx); dm != nil {
				return dm, nil
			}
		}
		if s.checked++; s.checked%checkEvery == 0 && s.ctx != nil {
			if err := s.ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	return nil, nil
}

// match returns the scored match of the document every reader stands on
// if it holds the phrase, with the term locations of its occurrences when
// they were asked for; nil if it does not.
func (s *readersPhrase) match(ctx *search.SearchContext) *search.DocumentMatch {
	n := 0
	for i := range s.terms {
		n += len(s.terms[i].cur.Vectors)
	}
	s.hits = slices.Grow(s.hits[:0], n)[:n]
	clear(s.hits)
	found := false
	for _, v := range s.terms[s.anchor].cur.Vectors {
		if s.occursAt(v) {
			found = true
		}
	}
	if !found {
		return nil
	}
	var rv *search.DocumentMatch
	var sum float64
	for i := range s.terms {
		t := &s.terms[i]
		vectors := t.cur.Vectors
		t.cur.Vectors = nil // the score needs none; the kept locations are added below
		dm := t.scorer.Score(ctx, t.cur)
		t.cur.Vectors = vectors
		sum += dm.Score
		if rv == nil {
			rv = dm
		} else {
			ctx.DocumentMatchPool.Put(dm)
		}
	}
	rv.Score = sum
	rv.FieldTermLocations = rv.FieldTermLocations[:0]
	if s.keepLocations {
		k := 0
		for i := range s.terms {
			for _, v := range s.terms[i].cur.Vectors {
				if s.hits[k] {
					rv.FieldTermLocations = append(rv.FieldTermLocations, search.FieldTermLocation{
						Field: s.field,
						Term:  s.terms[i].word,
						Location: search.Location{
							Pos: v.Pos, Start: v.Start, End: v.End,
							ArrayPositions: slices.Clone(search.ArrayPositions(v.ArrayPositions)),
						},
					})
				}
				k++
			}
		}
	}
	return rv
}

// occursAt reports whether the phrase starts at the anchor's vector a, and
// marks in hits the vectors of that occurrence.
func (s *readersPhrase) occursAt(a *index.TermFieldVector) bool {
	var at [maxSlots]int // the index in hits of each term's vector
	k := 0
	for i := range s.terms {
		t := &s.terms[i]
		at[i] = -1
		for j, v := range t.cur.Vectors {
			if v.Pos == a.Pos+t.offset && slices.Equal(v.ArrayPositions, a.ArrayPositions) {
				at[i] = k + j
				break
			}
		}
		if at[i] < 0 {
			return false
		}
		k += len(t.cur.Vectors)
	}
	for i := range s.terms {
		s.hits[at[i]] = true
	}
	return true
}

func (s *readersPhrase) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.find(ctx, nil)
}

func (s *readersPhrase) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	return s.find(ctx, id)
}

// Weight is the sum of the words' weights, as bleve's conjunction's.
func (s *readersPhrase) Weight() float64 {
	var w float64
	for i := range s.terms {
		w += s.terms[i].scorer.Weight()
	}
	return w
}

func (s *readersPhrase) SetQueryNorm(qnorm float64) {
	for i := range s.terms {
		s.terms[i].scorer.SetQueryNorm(qnorm)
	}
}

// Count is the sum of the words' document counts, the bound bleve's
// conjunction reports.
func (s *readersPhrase) Count() uint64 {
	var n uint64
	for i := range s.terms {
		n += s.terms[i].reader.Count()
	}
	return n
}

func (s *readersPhrase) Min() int { return 0 }

func (s *readersPhrase) Close() error {
	var first error
	for i := range s.terms {
		if err := s.terms[i].reader.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *readersPhrase) Size() int {
	n := 64 + len(s.hits)
	for i := range s.terms {
		n += 64 + s.terms[i].reader.Size() + s.terms[i].tfd.Size()
	}
	return n
}

func (s *readersPhrase) DocumentMatchPoolSize() int { return len(s.terms) }
