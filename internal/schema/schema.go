// Package schema says how an item is laid out in the bleve index: the field
// names, the mapping (analyzers, what is stored, term vectors and doc values),
// the mapping version stamped in every index, and the conversion of an item to
// a bleve document and back from stored fields.
//
// # Text analysis (mapping version 9)
//
// The text fields (title, body, summary, caption) are analyzed by
// IndexAnalyzer: stemmed, stop words left out, and ranked by them. Every word
// as written, stop words too, also goes to one field, words (WordsAnalyzer:
// with positions, one array value per text field in the order of
// WordsFields), which exact phrases, stop words, prefixes, wildcards, fuzzy
// terms and did-you-mean read. The rules, each chosen on the shared corpora
// (internal/query's TestAnalysisRules prints the counts; in the Reuters-21578
// articles: 10,484 tickers "<X.Y>", 10,888 dotted abbreviations, 16 words
// joined by '&', 54,235 numbers with '.' or ','):
//
//   - Words are UAX #29 words (bleve's unicode tokenizer; text of ASCII
//     only is split by a direct scan of the same rules, tested to give the
//     same tokens on every Reuters-21578 text and fuzzed), plus one join:
//     words linked by '&' with nothing between are one token ("AT&T", "S&P",
//     "R&D", "P&G"): the unicode rules would split them into "at" and "t".
//   - Compound tokens are kept whole and also split into parts at the same
//     position: a token with '.' or '&' and a letter ("GNDR.O" from the
//     tickers "<GNDR.O>", "U.S", "U.K", "AT&T"), so "GNDR", "gndr.o", "U.S."
//     and "AT&T" all find it. Numbers ("5.93", "155,221") stay whole: split,
//     their parts ("5", "93") would match every figure with those digits.
//   - Possessives are dropped ("Reuters'", "company's"), then everything is
//     folded to lower case.
//   - Stop words (bleve's English list) are left out of the text fields, so
//     that they neither match nor count in a field's length (mapping version
//     6 kept them there and ranked worse: the editors' topics MAP@100 fell
//     by 0.010), and kept in the words field. The text fields keep no
//     positions: a quoted phrase matches in the words field, its words side
//     by side and in order, stop words as written and other words in any
//     form with their stem ("dry weather over the", "interest rates" finds
//     "interest rate"); a query of stop words only ("the who", "IT")
//     searches the words field; a stop word beside other words is left out.
//   - Each two common words side by side (PairKey: the 1,000 most frequent
//     stems of the shared news corpora other than Reuters-21578, stop words
//     left out, listed by gencommon) also go to the pairs field as one term
//     of their stems ("interest rate" for "Interest rates"), without
//     positions. A phrase of two common words is then one term: "interest
//     rates" reads one short posting list instead of the positions of every
//     form of two frequent words (at 15,996 articles 0.15 ms against 5 ms
//     for the count). Other phrases match by the words field's positions,
//     where a rarer word keeps the walk short. Pairs with a rarer word or a
//     stop word are not indexed: at 15,996 articles all pairs made the index
//     40% bigger and its build's CPU 80% more, pairs with one common word
//     35% and 30%; pairs of common words cost 5% in size.
//   - The text fields hold Porter stems, so "updates" finds "updated". A
//     prefix, wildcard or fuzzy term is matched against the words as
//     written (the words field), so "update*" finds updated, updates and
//     updating, and then searches the text fields for those words' stems.
//   - Bylines are words in lower case (NameAnalyzer), not stemmed.
//
// Labels people expect to match exactly (region, kind, source, dateline) are
// single tokens folded to lower case, so "europe" finds "Europe"; the stored
// value keeps the original label. Facets read one keyword field, facets, that
// holds "region:Europe", "kind:article", "month:1987-03" and
// "source:Reuters" for each item.
package schema

import (
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/mapping"

	"newsdex/internal/item"
)

// Version is the mapping version. Bump it whenever the mapping or the document
// layout changes: an index stamped with another version must be rebuilt.
const Version = 9

// versionKey is the bleve internal key that holds the mapping version.
const versionKey = "newsdex.mapping_version"

// VersionKey returns the bleve internal key that holds the mapping version.
func VersionKey() []byte { return []byte(versionKey) }

// Field names in the index.
const (
	FieldKind  = "kind"
	FieldTitle = "title"
	// FieldWords is the words of title, body, summary and caption as written
	// (lower case, not stemmed, stop words kept), one array value each in
	// the order of WordsFields, with positions: phrases other than two
	// common words (PairKey), stop words, and the dictionary of prefixes,
	// wildcards, fuzzy terms and did-you-mean. Indexed only.
	FieldWords = "words"
	// FieldPairs is the pairs of common words (PairKey) side by side in
	// title, body, summary and caption ("interest rate", "central bank"),
	// one array value each in the order of WordsFields, without positions:
	// phrases of two common words, which would be costly to match by the
	// words field's positions. Indexed only.
	FieldPairs       = "pairs"
	FieldRegion      = "region" // lower-cased single token; stores the original label
	FieldDate        = "date"
	FieldFacets      = "facets"   // facet terms: "region:Europe", "kind:article", "month:1987-03"
	FieldDateKey     = "date_key" // the date as an RFC 3339 UTC string, to sort by
	FieldDateline    = "dateline"
	FieldBody        = "body"
	FieldSummary     = "summary"
	FieldCaption     = "caption"
	FieldByline      = "byline"
	FieldReadMinutes = "read_minutes"
	FieldSource      = "source"
	FieldURL         = "url"
	FieldFile        = "file"
	FieldPages       = "pages"
	FieldArticleID   = "article_id"
	// FieldPageKeys is a teaser's listing pages: their article ids, space
	// separated. Stored only, never indexed; index add recounts pages from it.
	// Items do not carry it: Document leaves it out and FromFields ignores it.
	FieldPageKeys = "page_keys"
)

// TextField is an analyzed field a free-text query searches, with its boost.
type TextField struct {
	Name  string
	Boost float64
}

// TextFields returns the analyzed fields a free-text query searches, with
// their boosts (a fresh slice: changing it changes nothing).
func TextFields() []TextField {
	return []TextField{
		{FieldTitle, 0.01}, // a title match still doubles the score: see query.compileTerm
		{FieldBody, 1},
		{FieldSummary, 1},
		{FieldCaption, 1},
	}
}

// WordsFields returns the text fields whose words make the words field, in
// the order of its array values: a location in words with array position i
// lies in the text of field i.
func WordsFields() []string {
	return []string{FieldTitle, FieldBody, FieldSummary, FieldCaption}
}

// IsKeywordField reports whether a field is matched exactly but
// case-insensitively: region, kind, source, dateline.
func IsKeywordField(name string) bool {
	switch name {
	case FieldRegion, FieldKind, FieldSource, FieldDateline:
		return true
	}
	return false
}

// KeywordAnalyzer is the name of the analyzer of the keyword fields: one token, lower case.
const KeywordAnalyzer = "keyword_lower"

// Mapping returns the explicit index mapping: no dynamic fields, no _all field.
func Mapping() *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer(KeywordAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []any{lowercase.Name},
	}); err != nil {
		panic(fmt.Sprintf("schema: %v", err)) // static configuration: cannot fail
	}
	if err := Register(); err != nil {
		panic(err.Error()) // static configuration: a clash of analyzer names at start-up
	}
	m.DefaultAnalyzer = QueryAnalyzer
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = IndexAnalyzer
		f.Store = true
		f.IncludeTermVectors = false // phrases match in words; highlights find the stems again
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	label := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = KeywordAnalyzer
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	storedOnly := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	number := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = false // shown, never sorted or faceted on
		return f
	}

	doc := bleve.NewDocumentStaticMapping()
	for _, tf := range TextFields() {
		doc.AddFieldMappingsAt(tf.Name, text())
	}
	words := bleve.NewTextFieldMapping()
	words.Analyzer = WordsAnalyzer
	words.Store = false
	words.IncludeTermVectors = true // phrases with rarer words, stop words, and their highlights
	words.IncludeInAll = false
	words.DocValues = false
	doc.AddFieldMappingsAt(FieldWords, words)
	pairs := bleve.NewTextFieldMapping()
	pairs.Analyzer = PairsAnalyzer
	pairs.Store = false
	pairs.IncludeTermVectors = false // a pair is its own phrase; highlights find it again
	pairs.IncludeInAll = false
	pairs.DocValues = false
	doc.AddFieldMappingsAt(FieldPairs, pairs)

	doc.AddFieldMappingsAt(FieldRegion, label(true))
	doc.AddFieldMappingsAt(FieldSource, label(true))
	doc.AddFieldMappingsAt(FieldDateline, label(true))
	doc.AddFieldMappingsAt(FieldKind, label(true))

	// Facets read doc values, field by field, for every hit; one field with
	// all three facet terms costs one visit instead of three (and a date field
	// would be worse still: it keeps many prefix-coded terms per document).
	facets := bleve.NewKeywordFieldMapping()
	facets.Store = false
	facets.IncludeTermVectors = false
	facets.IncludeInAll = false
	facets.DocValues = true
	doc.AddFieldMappingsAt(FieldFacets, facets)

	articleID := bleve.NewKeywordFieldMapping()
	articleID.Store = true
	articleID.IncludeTermVectors = false
	articleID.IncludeInAll = false
	articleID.DocValues = false
	doc.AddFieldMappingsAt(FieldArticleID, articleID)

	date := bleve.NewDateTimeFieldMapping()
	date.Store = true
	date.IncludeInAll = false
	date.DocValues = false // ranges read the terms; sorts read date_key
	doc.AddFieldMappingsAt(FieldDate, date)

	// A datetime field's doc values hold every prefix-coded precision term of
	// the date, so sorting on it reads them all for every hit; one string in
	// RFC 3339 UTC (which sorts as the instants do) is read at once.
	dateKey := bleve.NewKeywordFieldMapping()
	dateKey.Store = false
	dateKey.IncludeTermVectors = false
	dateKey.IncludeInAll = false
	dateKey.DocValues = true
	doc.AddFieldMappingsAt(FieldDateKey, dateKey)

	doc.AddFieldMappingsAt(FieldReadMinutes, number())
	doc.AddFieldMappingsAt(FieldPages, number())
	byline := bleve.NewTextFieldMapping()
	byline.Analyzer = NameAnalyzer
	byline.Store = true
	byline.IncludeTermVectors = true // byline:"first last"
	byline.IncludeInAll = false
	byline.DocValues = false
	doc.AddFieldMappingsAt(FieldByline, byline)
	doc.AddFieldMappingsAt(FieldURL, storedOnly())
	doc.AddFieldMappingsAt(FieldFile, storedOnly())
	doc.AddFieldMappingsAt(FieldPageKeys, storedOnly())
	addStoryFields(doc)

	// No _all: nothing is copied there (every field has IncludeInAll
	// false), but bleve would still add the empty composite field to every
	// document and zap would process it.
	all := bleve.NewDocumentDisabledMapping()
	doc.AddSubDocumentMapping("_all", all)
	m.DefaultMapping = doc
	m.DefaultField = FieldBody
	return m
}

// DateKey is the date_key of a date: RFC 3339 in UTC, whole seconds, so that
// keys sort as the instants do.
func DateKey(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// MonthLayout is the layout of month values ("1987-03").
const MonthLayout = "2006-01"

// The facets, as named in facet terms and in search responses.
const (
	FacetRegion = "region"
	FacetKind   = "kind"
	FacetMonth  = "month"
	FacetSource = "source"
)

// MonthUndated is the month facet's value for an item without a date.
const MonthUndated = "undated"

// FacetTerms are the terms of an item's facets field: "region:Europe" (when
// it has a region), "source:Reuters" (when it has a source), "kind:article"
// and "month:1987-03" ("month:undated" for an item without a date).
func FacetTerms(it *item.Item) []string {
	terms := make([]string, 0, 4)
	if it.Region != "" {
		terms = append(terms, FacetRegion+":"+it.Region)
	}
	if it.Source != "" {
		terms = append(terms, FacetSource+":"+it.Source)
	}
	month := MonthUndated
	if !it.Date.IsZero() {
		month = it.Date.UTC().Format(MonthLayout)
	}
	return append(terms, FacetKind+":"+string(it.Kind), FacetMonth+":"+month)
}

// SplitFacetTerm splits a facet term into its facet and value.
func SplitFacetTerm(term string) (facet, value string, ok bool) {
	return strings.Cut(term, ":")
}

// FacetRequest asks for every facet term of the matching items. Their number
// is the number of regions plus two kinds plus the months, far below size.
func FacetRequest() *bleve.FacetRequest { return bleve.NewFacetRequest(FieldFacets, facetTermsMax) }

const facetTermsMax = 100000

// Document is the bleve document of an item: a map of the non-empty fields,
// so that empty optional fields are neither indexed nor stored. An undated
// item (zero Date) has neither date nor date_key: it matches no date range and
// sorts last under date sorts.
func Document(it *item.Item) map[string]any {
	d := map[string]any{
		FieldKind:  string(it.Kind),
		FieldTitle: it.Title,
	}
	if !it.Date.IsZero() {
		d[FieldDate] = it.Date.UTC().Format(time.RFC3339)
		d[FieldDateKey] = DateKey(it.Date)
	}
	put := func(name, v string) {
		if v != "" {
			d[name] = v
		}
	}
	put(FieldRegion, it.Region)
	put(FieldDateline, it.Dateline)
	put(FieldBody, it.Body)
	put(FieldSummary, it.Summary)
	put(FieldCaption, it.Caption)
	put(FieldByline, it.Byline)
	put(FieldSource, it.Source)
	put(FieldURL, it.URL)
	put(FieldFile, it.File)
	put(FieldArticleID, it.ArticleID)
	put(FieldStoryID, it.StoryID)
	d[FieldFacets] = FacetTerms(it)
	// One value for each of WordsFields, empty ones too, so that a value's
	// array position names its field.
	if it.Title != "" || it.Body != "" || it.Summary != "" || it.Caption != "" {
		d[FieldWords] = []any{it.Title, it.Body, it.Summary, it.Caption}
		d[FieldPairs] = []any{it.Title, it.Body, it.Summary, it.Caption}
	}
	if it.ReadMinutes != 0 {
		d[FieldReadMinutes] = float64(it.ReadMinutes)
	}
	if it.Pages != 0 {
		d[FieldPages] = float64(it.Pages)
	}
	return d
}

// FromFields rebuilds an item from its id and stored fields, as bleve returns
// them in a search hit's Fields (with Fields: ["*"]) or from a stored document.
func FromFields(id string, f map[string]any) item.Item {
	str := func(name string) string {
		s, _ := f[name].(string)
		return s
	}
	num := func(name string) int {
		v, _ := f[name].(float64)
		return int(v)
	}
	it := item.Item{
		ID:          id,
		Kind:        item.Kind(str(FieldKind)),
		Title:       str(FieldTitle),
		Region:      str(FieldRegion),
		Dateline:    str(FieldDateline),
		Body:        str(FieldBody),
		Summary:     str(FieldSummary),
		Caption:     str(FieldCaption),
		Byline:      str(FieldByline),
		ReadMinutes: num(FieldReadMinutes),
		Source:      str(FieldSource),
		URL:         str(FieldURL),
		File:        str(FieldFile),
		Pages:       num(FieldPages),
		ArticleID:   str(FieldArticleID),
		StoryID:     str(FieldStoryID),
	}
	if t, err := time.Parse(time.RFC3339, str(FieldDate)); err == nil {
		it.Date = t.UTC()
	}
	return it
}
