// Package story decides which news items tell one story: a teaser and its
// article, the versions and re-sends of a wire story ("UPDATE 2-...",
// "RPT-...", the same text re-sent a day later with small edits), the same
// headline from two sources. It knows nothing of the index: the indexer asks
// it for an item's Features, stores their Keys as keyword terms, finds the
// items sharing a key (a term query), and asks Same or Place.
//
// Two items are one story (Same) when they are at most Window apart and
//
//   - one is a teaser whose article_id is the other; or
//   - their headline keys (Headline: the headline without version prefixes,
//     re-send marks and source attributions, folded) are equal and
//     either one has too little text to compare (a headline, a teaser) and
//     they are at most HeadlineWindow apart; or, within HeadlineWindow, the
//     smaller text is mostly contained in the other (SameDayContainment);
//     or, later, nearly wholly (ResendContainment) with the same numbers; or
//   - their headlines differ and both texts are long enough (DupShingles),
//     the smaller mostly contained in the other (DupContainment, with a
//     similarity of at least DupSimilarity) and they agree in their numbers.
//
// Stories are the connected groups of that relation. A story's id is derived
// from its root, its earliest item (by date, then id), so a rebuild gives the
// same ids; Place keeps a story's id when index add grows it.
//
// Similarity is MinHash over word 3-shingles of the title and text, numbers
// included; items compared across days or across headlines must also agree
// in their figures, and short templated texts are compared only under one
// headline, so that boilerplate (dividend notices, "3RD QTR NET" tables,
// daily money-market reports, lists of filings) stays apart.
package story

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"time"

	"github.com/cespare/xxhash/v2"

	"newsdex/internal/item"
)

// The thresholds, chosen by measurement on the shared Reuters-21578 articles
// (TestSharedReuters21578 prints the counts).
const (
	// DupContainment is the least containment of two items with different
	// headline keys that are one story (a story re-sent under a new
	// headline, or a shorter version of it), which must also have a
	// similarity of at least DupSimilarity and agree in their numbers.
	DupContainment = 0.7
	// DupSimilarity is the least shingle similarity (Jaccard) of two items
	// with different headline keys that are one story: one text is not just
	// a paragraph of the other.
	DupSimilarity = 0.4
	// DupShingles is the fewest shingles both items need to be compared
	// across different headlines: shorter texts are templates (dividend
	// notices "Qtly div 20 cts vs 20 cts previously Pay April 15 Record
	// March 23" from two companies) told apart only by their headline.
	DupShingles = 30
	// SameDayContainment is the least containment (the share of the smaller
	// text's shingles in the other) of two items with one headline key,
	// within HeadlineWindow: a longer version of a story contains the
	// shorter; two different lists under one recurring headline ("PROPOSED
	// OFFERINGS RECENTLY FILED WITH THE SEC") do not.
	SameDayContainment = 0.6
	// ResendContainment is the least containment of two items with one
	// headline key more than HeadlineWindow apart (a re-send), which must
	// also agree in their numbers.
	ResendContainment = 0.8
	// Window is how far apart in time two items compared by content may be:
	// re-sends come a day or two later.
	Window = 72 * time.Hour
	// HeadlineWindow is how far apart two items with one headline key may be
	// to be versions of one wire story: the same day (a day's items dated at
	// midnight, or stamped within 24 hours).
	HeadlineWindow = 18 * time.Hour
)

// Reason says why Same found two items one story.
type Reason string

// The reasons.
const (
	None       Reason = ""
	ByArticle  Reason = "article"  // a teaser and its article
	ByHeadline Reason = "headline" // one headline key, no text to compare
	ByContent  Reason = "content"  // similar text (and maybe one headline key)
)

// Features is what deciding stories needs of an item.
type Features struct {
	ID   string
	Kind item.Kind
	Date time.Time
	// Head is the headline key (Headline of the title).
	Head string
	// Version is the number of the title's "UPDATE N-" prefix.
	Version int
	// ArticleID is a teaser's article.
	ArticleID string
	// Content is the item's text to compare, nil when it has too little.
	Content *Content
}

// Of returns the features of an item: its text is the body for an article,
// the summary for a teaser, after the title.
func Of(it *item.Item) Features {
	f := Features{
		ID:        it.ID,
		Kind:      it.Kind,
		Date:      it.Date.UTC(),
		Head:      Headline(it.Title),
		Version:   Version(it.Title),
		ArticleID: it.ArticleID,
	}
	text := it.Body
	if it.Kind == item.Teaser {
		text = it.Summary
	}
	if text != "" {
		f.Content = ContentOf(it.Title, text)
	}
	return f
}

// HeadKey is the keyword term of a headline key: "h." and a hash of it; ""
// for an empty key.
func HeadKey(head string) string {
	if head == "" {
		return ""
	}
	return "h." + strconv.FormatUint(xxhash.Sum64String(head), 36)
}

// Keys returns the keyword terms under which an item is found as a
// candidate for another item's story: its headline key's term and, when it
// has a signature, its band keys. Two items that Same finds one story by
// headline or content share at least one key (by content with the
// probability BandKeys' comment gives); a teaser and its article share their
// headline key whenever the article_id link holds.
func (f *Features) Keys() []string {
	var keys []string
	if k := HeadKey(f.Head); k != "" {
		keys = append(keys, k)
	}
	if f.Content != nil {
		keys = append(keys, f.Content.Sig.BandKeys()...)
	}
	return keys
}

// Same reports whether a and b are one story, and why.
func Same(a, b *Features) (bool, Reason) {
	if a.ID != "" && a.ID == b.ID {
		return true, ByArticle
	}
	if (a.ArticleID != "" && a.ArticleID == b.ID) || (b.ArticleID != "" && b.ArticleID == a.ID) {
		return true, ByArticle
	}
	gap := a.Date.Sub(b.Date)
	if gap < 0 {
		gap = -gap
	}
	if gap > Window {
		return false, None
	}
	ca, cb := a.Content, b.Content
	if a.Head != "" && a.Head == b.Head {
		switch {
		case ca == nil || cb == nil:
			return gap <= HeadlineWindow, reasonIf(gap <= HeadlineWindow, ByHeadline)
		case gap <= HeadlineWindow:
			ok := ca.Containment(cb) >= SameDayContainment
			return ok, reasonIf(ok, ByContent)
		default:
			ok := ca.Containment(cb) >= ResendContainment && ca.NumbersAgree(cb)
			return ok, reasonIf(ok, ByContent)
		}
	}
	if ca == nil || cb == nil || ca.Shingles < DupShingles || cb.Shingles < DupShingles {
		return false, None
	}
	ok := ca.Sig.Similarity(&cb.Sig) >= DupSimilarity && ca.Containment(cb) >= DupContainment && ca.NumbersAgree(cb)
	return ok, reasonIf(ok, ByContent)
}

func reasonIf(ok bool, r Reason) Reason {
	if ok {
		return r
	}
	return None
}

// ID is the story id of a story whose root item has this id: "s" and 15 hex
// digits.
func ID(rootItem string) string {
	h := sha256.Sum256([]byte("story\x00" + rootItem))
	return "s" + hex.EncodeToString(h[:])[:15]
}

// Earlier orders items for choosing a story's root: by date, then id.
func Earlier(a, b *Features) bool {
	if !a.Date.Equal(b.Date) {
		return a.Date.Before(b.Date)
	}
	return a.ID < b.ID
}

// Better reports whether a represents its story better than b: an article
// rather than a teaser, then the later item (the latest version or
// re-send), then the higher "UPDATE N-", then the smaller id.
func Better(a, b *Features) bool {
	if (a.Kind == item.Teaser) != (b.Kind == item.Teaser) {
		return b.Kind == item.Teaser
	}
	if !a.Date.Equal(b.Date) {
		return a.Date.After(b.Date)
	}
	if a.Version != b.Version {
		return a.Version > b.Version
	}
	return a.ID < b.ID
}

// Candidate is an item already placed in a story, found by a key that it
// shares with an item being placed.
type Candidate struct {
	Features
	Story string
}

// Placement says where Place puts an item.
type Placement struct {
	// Story is the item's story id.
	Story string
	// Merged are the ids of other stories that the item joins to Story:
	// their items must be relabelled to Story.
	Merged []string
	// Matches are the candidates that Same found one story with the item.
	Matches int
}

// Place decides the story of a new item from the items found under its keys
// (index add), as Grouper would: the story of the earliest matching
// candidate, or a new story rooted at the item. An item with text joins the
// stories of the candidates with text (or a teaser's article) that it
// matches, which become one under the id of the story with the earliest of
// them; only when it matches none of those does it join the story of the
// closest item without text that it matches. An item without text joins one
// story: that of its article, else of the closest candidate with text, else
// of the earliest without, and joins to it the stories of the other
// candidates without text that it matches.
func Place(f *Features, cands []Candidate) Placement {
	var strong, weak []*Candidate // strong: may merge stories
	for i := range cands {
		c := &cands[i]
		ok, r := Same(f, &c.Features)
		if !ok {
			continue
		}
		switch {
		case r == ByArticle || (f.Content != nil && c.Content != nil):
			strong = append(strong, c)
		case f.Content == nil && c.Content == nil:
			strong = append(strong, c)
		default:
			weak = append(weak, c)
		}
	}
	p := Placement{Matches: len(strong) + len(weak)}
	if f.Content == nil {
		// Without text: its article's story, else the closest story with
		// text; the stories of the matching items without text join it.
		var anchor *Candidate
		for _, c := range append(append([]*Candidate(nil), strong...), weak...) {
			if r := reason(f, c); r == ByArticle {
				anchor = c
				break
			}
		}
		if anchor == nil {
			anchor = closest(f, weak)
		}
		var bare []*Candidate
		for _, c := range strong {
			if c != anchor && c.Content == nil {
				bare = append(bare, c)
			}
		}
		if anchor == nil {
			for _, c := range bare {
				if anchor == nil || Earlier(&c.Features, &anchor.Features) {
					anchor = c
				}
			}
		}
		if anchor == nil {
			p.Story = ID(f.ID)
			return p
		}
		p.Story = anchor.Story
		p.Merged = others(p.Story, bare)
		return p
	}
	if len(strong) == 0 {
		if c := closest(f, weak); c != nil {
			p.Story = c.Story
			return p
		}
		p.Story = ID(f.ID)
		return p
	}
	first := strong[0]
	for _, c := range strong[1:] {
		if Earlier(&c.Features, &first.Features) {
			first = c
		}
	}
	p.Story = first.Story
	p.Merged = others(p.Story, strong)
	return p
}

func reason(f *Features, c *Candidate) Reason {
	_, r := Same(f, &c.Features)
	return r
}

// closest is the candidate nearest in time to f, then the earlier one.
func closest(f *Features, cs []*Candidate) *Candidate {
	var best *Candidate
	var bestGap time.Duration
	for _, c := range cs {
		gap := f.Date.Sub(c.Date)
		if gap < 0 {
			gap = -gap
		}
		if best == nil || gap < bestGap || gap == bestGap && Earlier(&c.Features, &best.Features) {
			best, bestGap = c, gap
		}
	}
	return best
}

// others returns the distinct stories of cs other than story, sorted.
func others(story string, cs []*Candidate) []string {
	seen := map[string]bool{story: true}
	var out []string
	for _, c := range cs {
		if !seen[c.Story] {
			seen[c.Story] = true
			out = append(out, c.Story)
		}
	}
	sort.Strings(out)
	return out
}
