// Package item defines the one news item type that every part of newsdex reads,
// indexes and prints: an article, or a teaser listed under "More from Reuters".
//
// Its JSON names are the contract for every JSON newsdex reads or writes (index
// parse, index export, search results, the HTTP API). Optional fields that are
// empty are left out.
package item

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind says whether an item is an article or a teaser.
type Kind string

// The kinds of item.
const (
	Article Kind = "article"
	Teaser  Kind = "teaser"
)

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool { return k == Article || k == Teaser }

// Item is one article or one distinct teaser.
type Item struct {
	// ID is given by JSON lines, or derived from the item's identity (see ArticleID, TeaserID).
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	// Title is the headline as printed.
	Title string `json:"title"`
	// Region is the section line of a page ("Americas"), or the region printed with a teaser.
	Region string `json:"region,omitempty"`
	// Date is in UTC: the page's day at 00:00:00Z, or the teaser's printed time of day.
	// The zero time means undated (AG News, the BBC set): "date" is then left out.
	Date time.Time `json:"date,omitzero"`
	// Dateline is the city of "WASHINGTON, Oct 4 (Reuters) -", as printed.
	Dateline string `json:"dateline,omitempty"`
	// Body is the article's paragraphs joined by one blank line.
	Body string `json:"body,omitempty"`
	// Summary is a teaser's one-line summary.
	Summary string `json:"summary,omitempty"`
	// Caption is the article's photo caption.
	Caption string `json:"caption,omitempty"`
	// Byline holds the credit lines ("Reporting by ...; Editing by ..."), one a line.
	Byline string `json:"byline,omitempty"`
	// ReadMinutes is N of "N minute read".
	ReadMinutes int    `json:"read_minutes,omitempty"`
	Source      string `json:"source,omitempty"`
	URL         string `json:"url,omitempty"`
	// Language is the ISO 639-1 code of the article's language, when its
	// reader tells it (an HTML page). The index does not keep it yet.
	Language string `json:"language,omitempty"`
	// File is the page file's base name, or its path inside an archive.
	File string `json:"file,omitempty"`
	// Pages counts the distinct pages that list a teaser.
	Pages int `json:"pages,omitempty"`
	// ArticleID links a teaser to the indexed article with the same headline and day.
	ArticleID string `json:"article_id,omitempty"`
	// StoryID is the story the item belongs to (package story): its teasers,
	// versions and re-sends share it.
	StoryID string `json:"story_id,omitempty"`
}

// Day is the item's date as YYYY-MM-DD in UTC.
func (it *Item) Day() string { return it.Date.UTC().Format(time.DateOnly) }

// Identity returns the ID the item's identity gives: for an article its day,
// folded headline and folded body; for a teaser its day, folded headline and
// folded region.
func (it *Item) Identity() string {
	if it.Kind == Teaser {
		return TeaserID(it.Day(), it.Title, it.Region)
	}
	return ArticleID(it.Day(), it.Title, it.Body)
}

// EnsureID sets ID from the item's identity when it has none.
func (it *Item) EnsureID() {
	if it.ID == "" {
		it.ID = it.Identity()
	}
}

// Fold folds case and spacing: lower case, runs of white space as one space,
// none at the ends. Two headlines that fold alike are the same headline.
func Fold(s string) string {
	var b strings.Builder
	writeFolded(&b, s, true)
	return b.String()
}

// FoldSpace folds spacing only.
func FoldSpace(s string) string {
	var b strings.Builder
	writeFolded(&b, s, false)
	return b.String()
}

// writeFolded writes s to w with runs of white space as one space and none at
// the ends, lower-cased when lower is set, in one pass without building
// intermediate strings.
func writeFolded(w io.Writer, s string, lower bool) {
	var buf [256]byte
	out := buf[:0]
	space, started := false, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = started
			continue
		}
		started = true
		if space {
			out = append(out, ' ')
			space = false
		}
		if lower {
			r = unicode.ToLower(r)
		}
		out = utf8.AppendRune(out, r)
		if len(out) >= len(buf)-utf8.UTFMax-1 {
			w.Write(out)
			out = out[:0]
		}
	}
	w.Write(out)
}

// ArticleID is the id of the article with this day (YYYY-MM-DD), headline and body.
// The same story scraped twice gets the same id on every machine.
func ArticleID(day, title, body string) string {
	return hashID("a", day, folded{title, true}, folded{body, false})
}

// TeaserID is the id of the teaser with this day, headline and region.
func TeaserID(day, title, region string) string {
	return hashID("t", day, folded{title, true}, folded{region, true})
}

// HeadlineKey is what links a teaser to an article: the day and the folded headline.
func HeadlineKey(day, title string) string { return day + "\x00" + Fold(title) }

type folded struct {
	s     string
	lower bool
}

func hashID(prefix, day string, parts ...folded) string {
	h := sha256.New()
	io.WriteString(h, prefix)
	h.Write([]byte{0})
	io.WriteString(h, day)
	for _, p := range parts {
		h.Write([]byte{0})
		writeFolded(h, p.s, p.lower)
	}
	return prefix + hex.EncodeToString(h.Sum(nil))[:15]
}
