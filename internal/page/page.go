// Package page parses news pages scraped as plain text: one article, and the
// teasers of other articles listed under it.
//
// # The page layout
//
// A page is UTF-8 text in paragraphs split by blank lines. This is the layout
// of a page as scraped from reuters.com, each part named on the right:
//
//	 date 2021-10-04 Skip to main content        the page's day: the first line, required
//
//	Americas                                     region: the site section
//
//	U.S. team led by ... on Friday               title: the headline, required
//
//	1 minute read                                read_minutes ("2 min read" too)
//
//	Secretary of State ... via REUTERS           caption, when there is a photo
//
//	WASHINGTON, Oct 4 (Reuters) - U.S. ...       the lead: dateline, then the body
//
//	Secretary of Homeland Security ...           body paragraphs
//
//	Reporting by ..., Editing by ...             byline: the credit lines
//
//	Our Standards: The Thomson Reuters Trust Principles.
//
//	More from Reuters                            the teaser list, to the end of the page
//
//	Americas                                     a section heading: not a teaser
//
//	Americas · 4:24 PM UTC                       a teaser: region and time of day,
//
//	Brazil's Hapvida admits to ...               its headline,
//
//	Brazilian healthcare company ...             and its summary (optional)
//
//	Americas                                     teasers as region / headline line pairs,
//	Brazil eliminates import tariffs on ...      without blank lines between them,
//	Americas
//	Payments tech firm Nuvei files for ...
//
//	Canada's payments technology company ...     the last one's summary (optional)
//
// The parser accepts what real pages vary in:
//
//   - white space before the first line, a UTF-8 byte order mark, CRLF or CR line ends;
//   - "date 2021-10-04" alone or followed by other words;
//   - "N minute read" or "N min read", or neither; an "Updated 2 hours ago" line
//     near them; no region line (a single line before the read line is the headline);
//   - a caption or none; a leading "[1/3]" photo counter is dropped from the caption;
//   - the lead "WASHINGTON, Oct 4 (Reuters) - ", its city as printed in capitals
//     or lower case ("des moines, Apr 7 (Reuters) -"), without a city
//     ("Oct 4 (Reuters) -", dateline empty), without a date ("LONDON (Reuters) -"),
//     or no lead at all (body from the first paragraph, dateline empty);
//   - "Advertisement · Scroll to continue", "Report an ad",
//     "Register now for FREE unlimited access to Reuters.com", "Register" and
//     "Sign up here." lines anywhere: dropped;
//   - several credit lines ("Reporting by", "Additional reporting by", "Writing by",
//     "Editing by", ...): the byline, one a line; the "Our Standards:" line is dropped,
//     and anything after it before "More from Reuters";
//   - teasers with or without a time of day ("Europe · 11:02 AM UTC") or a summary,
//     and no "More from Reuters" list at all.
//
// # What a page gives
//
// The article: kind "article", title, region, date (the page's day at 00:00:00Z),
// dateline, body (its paragraphs joined by one blank line, the lines of a paragraph
// by a newline), caption, byline, read_minutes, source "Reuters" and file. Then one
// item a teaser, in page order: kind "teaser", title, region, summary, date (the
// page's day at the printed time of day in UTC, else 00:00:00Z), source, file and
// pages 1. Ids come from item.EnsureID.
//
// # Errors
//
// A page that cannot be parsed gives a *ParseError, "FILE:LINE: what is wrong",
// wrapping one of ErrEmpty, ErrBinary, ErrNoDate, ErrNoHeadline or ErrNoBody.
// Invalid UTF-8 in text is replaced by U+FFFD; data that is mostly not text is
// ErrBinary.
package page

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"newsdex/internal/item"
)

// Source is the source of every item of a page.
const Source = "Reuters"

// Errors wrapped by ParseError.
var (
	ErrEmpty      = errors.New("empty page")
	ErrBinary     = errors.New("binary data, not a page")
	ErrNoDate     = errors.New(`no "date YYYY-MM-DD" first line`)
	ErrNoHeadline = errors.New("no headline")
	ErrNoBody     = errors.New("no body")
	ErrTooLarge   = errors.New("page too large")
)

// ParseError is the error for a page that cannot be parsed.
type ParseError struct {
	File string // the page's name as reported
	Line int    // 1-based line where the problem is seen
	Err  error  // what is wrong
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

func (e *ParseError) Unwrap() error { return e.Err }

// Page is one parsed page.
type Page struct {
	Article item.Item
	Teasers []item.Item // in page order
}

// Items returns the article, then the teasers in page order.
func (p *Page) Items() []item.Item {
	items := make([]item.Item, 0, 1+len(p.Teasers))
	return append(append(items, p.Article), p.Teasers...)
}

// line is one non-blank line of a page, trimmed, with its 1-based number.
type line struct {
	n    int
	text string
	para bool // first line of a paragraph
}

// Parse parses the page data of the file name (its base name, or its path
// inside an archive; it goes into the items' file and into errors).
func Parse(name string, data []byte) (*Page, error) {
	fail := func(n int, err error) (*Page, error) { return nil, &ParseError{name, n, err} }
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, bom))) == 0 {
		return fail(1, ErrEmpty)
	}
	if n, bin := binary(data); bin {
		return fail(n, ErrBinary)
	}
	text := string(data)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	lines := split(text)
	if len(lines) == 0 {
		return fail(1, ErrEmpty)
	}
	day, ok := pageDay(lines[0].text)
	if !ok {
		return fail(lines[0].n, ErrNoDate)
	}
	lines = lines[1:]
	if len(lines) > 0 {
		lines[0].para = true
	}
	article, teasers := lines, []line(nil)
	for i, l := range lines {
		if strings.EqualFold(l.text, "More from Reuters") {
			article, teasers = lines[:i], lines[i+1:]
			if len(teasers) > 0 {
				teasers[0].para = true
			}
			break
		}
	}
	p := &Page{}
	a := &p.Article
	*a = item.Item{Kind: item.Article, Date: day, Source: Source, File: name}
	next := 2 // the line after the date line, for errors
	if len(lines) > 0 {
		next = lines[0].n
	}
	if n, err := parseArticle(a, paragraphs(article), next); err != nil {
		return fail(n, err)
	}
	a.EnsureID()
	p.Teasers = parseTeasers(teasers, day, name)
	return p, nil
}

var bom = []byte("\xef\xbb\xbf")

// binary reports whether data is not text: a NUL byte, or many control bytes
// or invalid UTF-8 sequences; n is the line where it shows.
func binary(data []byte) (n int, bin bool) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return 1 + bytes.Count(data[:i], []byte{'\n'}), true
	}
	sample := data
	if len(sample) > 8192 {
		sample = sample[:8192]
	}
	bad, first := 0, -1
	for i := 0; i < len(sample); {
		r, size := utf8.DecodeRune(sample[i:])
		if (r == utf8.RuneError && size == 1 && len(sample)-i >= utf8.UTFMax) || (r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' && r != '\v') {
			bad++
			if first < 0 {
				first = i
			}
		}
		i += size
	}
	if bad > 0 && bad*10 > len(sample) {
		return 1 + bytes.Count(sample[:first], []byte{'\n'}), true
	}
	return 0, false
}

// split returns the page's non-blank lines, trimmed, marking paragraph starts.
func split(text string) []line {
	text = strings.TrimPrefix(text, "\ufeff")
	var lines []line
	n, blank := 0, true
	for len(text) > 0 {
		n++
		i := strings.IndexAny(text, "\r\n")
		var l string
		if i < 0 {
			l, text = text, ""
		} else {
			l = text[:i]
			if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			text = text[i+1:]
		}
		l = strings.TrimSpace(strings.TrimPrefix(l, "\ufeff"))
		if l == "" {
			blank = true
			continue
		}
		if dropped(l) {
			continue // an ad between two lines does not end their paragraph
		}
		lines = append(lines, line{n: n, text: l, para: blank})
		blank = false
	}
	return lines
}

// dropped reports whether a line is site furniture inside the text: ads and
// sign-up prompts.
func dropped(l string) bool {
	if len(l) > 80 || len(l) < 8 {
		return false
	}
	switch l[0] {
	case 'A', 'a', 'S', 's', 'R', 'r':
	default:
		return false
	}
	switch strings.ToLower(l) {
	case "advertisement", "advertisement · scroll to continue", "scroll to continue", "report an ad",
		"register", "sign up here.", "sign up here":
		return true
	}
	return hasPrefixFold(l, "Register now for FREE unlimited access to Reuters.com")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// pageDay reads "date 2021-10-04 ...".
func pageDay(l string) (time.Time, bool) {
	if !hasPrefixFold(l, "date ") {
		return time.Time{}, false
	}
	rest := strings.TrimSpace(l[len("date "):])
	if len(rest) < len(time.DateOnly) || (len(rest) > len(time.DateOnly) && rest[len(time.DateOnly)] != ' ' && rest[len(time.DateOnly)] != '\t') {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, rest[:len(time.DateOnly)])
	return t, err == nil
}

// paragraph is a run of lines without a blank line between them.
type paragraph []line

func (p paragraph) join(sep string) string {
	if len(p) == 1 {
		return p[0].text
	}
	s := make([]string, len(p))
	for i, l := range p {
		s[i] = l.text
	}
	return strings.Join(s, sep)
}

func paragraphs(lines []line) []paragraph {
	var ps []paragraph
	for i, l := range lines {
		if l.para || i == 0 {
			ps = append(ps, nil)
		}
		ps[len(ps)-1] = append(ps[len(ps)-1], l)
	}
	return ps
}

var (
	readRe    = regexp.MustCompile(`(?i)^(\d{1,4})\s+min(?:ute)?s?\.?\s+read$`)
	updatedRe = regexp.MustCompile(`(?i)^(?:last\s+)?updated\b`)
	counterRe = regexp.MustCompile(`^\[\d+\s*/\s*\d+\]\s*`)
	leadRe    = regexp.MustCompile(`(?i)\((?:Reuters|REUTERS)\)\s*(?:-{1,2}|–|—)\s*`)
	dateRe    = regexp.MustCompile(`(?i)^(.*?)[,\s]*\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}$`)
	creditRe  = regexp.MustCompile(`(?i)^(?:additional\s+)?(?:reporting|writing|editing|compiled|compiling|research|production|graphics|photos?|text)(?:\s+(?:and|&)\s+(?:reporting|writing|editing|production))?\s+by\b`)
	photoRe   = regexp.MustCompile(`REUTERS/|(?i)\bvia reuters$|\breuters$`)
)

// isUpdated reports whether a paragraph is only "Updated ..." lines.
func isUpdated(p paragraph) bool {
	for _, l := range p {
		if !updatedRe.MatchString(l.text) {
			return false
		}
	}
	return true
}

// parseArticle fills a from the paragraphs between the date line and "More
// from Reuters". next is the line after the date line; an error comes with the
// line it is seen at.
func parseArticle(a *item.Item, ps []paragraph, next int) (int, error) {
	if len(ps) == 0 {
		return next, ErrNoHeadline
	}
	// The header: region and headline, up to the read line.
	read := -1
	for i := 0; i < len(ps) && i < 6; i++ {
		for _, l := range ps[i] {
			if m := readRe.FindStringSubmatch(l.text); m != nil {
				a.ReadMinutes, _ = strconv.Atoi(m[1])
				read = i
				break
			}
		}
		if read >= 0 {
			break
		}
	}
	var head []paragraph
	var rest []paragraph
	if read >= 0 {
		for _, p := range ps[:read] {
			if !isUpdated(p) {
				head = append(head, p)
			}
		}
		rest = ps[read+1:]
	} else {
		i := 0
		for ; i < len(ps) && len(head) < 2; i++ {
			if !isUpdated(ps[i]) {
				head = append(head, ps[i])
			}
		}
		rest = ps[i:]
	}
	switch len(head) {
	case 0:
		return ps[0][0].n, ErrNoHeadline
	case 1:
		if read < 0 {
			return head[0][len(head[0])-1].n + 1, ErrNoBody
		}
		a.Title = head[0].join(" ")
	default:
		a.Region = head[0].join(" ")
		a.Title = head[1].join(" ")
	}
	for len(rest) > 0 && isUpdated(rest[0]) {
		rest = rest[1:]
	}

	// The caption and the lead.
	lead := -1
	for i := 0; i < len(rest) && i < 3; i++ {
		if loc := leadRe.FindStringIndex(rest[i][0].text); loc != nil && loc[0] <= 80 {
			lead = i
			break
		}
	}
	var caption []string
	switch {
	case lead > 0:
		for _, p := range rest[:lead] {
			caption = append(caption, p.join(" "))
		}
		rest = rest[lead:]
	case lead < 0 && len(rest) > 1 && (counterRe.MatchString(rest[0][0].text) || photoRe.MatchString(rest[0][len(rest[0])-1].text)):
		caption = append(caption, rest[0].join(" "))
		rest = rest[1:]
	}
	if len(caption) > 0 {
		a.Caption = counterRe.ReplaceAllString(strings.Join(caption, " "), "")
	}
	if lead >= 0 {
		first := rest[0][0].text
		loc := leadRe.FindStringIndex(first)
		prefix := strings.TrimSpace(first[:loc[0]])
		if m := dateRe.FindStringSubmatch(prefix); m != nil {
			prefix = m[1]
		}
		a.Dateline = strings.TrimSpace(strings.TrimRight(prefix, ", "))
		p := append(paragraph{}, rest[0]...)
		p[0].text = first[loc[1]:]
		if p[0].text == "" {
			p = p[1:]
		}
		rest = append([]paragraph{p}, rest[1:]...)
	}

	// The body, the credits, the standards line.
	var body, byline []string
	for _, p := range rest {
		if len(p) > 0 && hasPrefixFold(p[0].text, "Our Standards:") {
			break
		}
		var keep paragraph
		for _, l := range p {
			if creditRe.MatchString(l.text) {
				byline = append(byline, l.text)
			} else {
				keep = append(keep, l)
			}
		}
		if len(keep) > 0 {
			body = append(body, keep.join("\n"))
		}
	}
	if len(body) == 0 {
		n := head[len(head)-1][0].n + 1
		if len(rest) > 0 && len(rest[0]) > 0 {
			n = rest[0][0].n
		}
		return n, ErrNoBody
	}
	a.Body = strings.Join(body, "\n\n")
	a.Byline = strings.Join(byline, "\n")
	return 0, nil
}

var timeRe = regexp.MustCompile(`(?i)^(\d{1,2}):(\d{2})\s*([AP]\.?M\.?)?\s*(?:UTC|GMT|Z)?$`)

// teaserMark reads "Americas · 4:24 PM UTC": the region, and the time of day
// as an offset from midnight (-1 when none is printed or it is not a time).
func teaserMark(l string) (region string, tod time.Duration, ok bool) {
	i := strings.Index(l, "·")
	size := len("·")
	if i < 0 {
		if i = strings.Index(l, "•"); i < 0 {
			return "", 0, false
		}
		size = len("•")
	}
	region = strings.TrimSpace(l[:i])
	m := timeRe.FindStringSubmatch(strings.TrimSpace(l[i+size:]))
	if m == nil {
		return region, -1, true
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	if ampm := strings.ToUpper(strings.ReplaceAll(m[3], ".", "")); ampm != "" {
		if h < 1 || h > 12 {
			return region, -1, true
		}
		h %= 12
		if ampm == "PM" {
			h += 12
		}
	}
	if h > 23 || mi > 59 {
		return region, -1, true
	}
	return region, time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute, true
}

// parseTeasers reads the lines after "More from Reuters".
func parseTeasers(lines []line, day time.Time, name string) []item.Item {
	var out []item.Item
	add := func(region, title string, tod time.Duration) {
		t := item.Item{Kind: item.Teaser, Title: title, Region: region, Date: day, Source: Source, File: name, Pages: 1}
		if tod >= 0 {
			t.Date = day.Add(tod)
		}
		out = append(out, t)
	}
	// sameParagraph reports whether lines i and i+1 both exist, without a
	// blank line between them.
	sameParagraph := func(i int) bool { return i+1 < len(lines) && !lines[i+1].para }
	for i := 0; i < len(lines); {
		l := lines[i].text
		if region, tod, ok := teaserMark(l); ok {
			if i+1 < len(lines) {
				add(region, lines[i+1].text, tod)
			}
			i += 2
			continue
		}
		if sameParagraph(i) {
			add(l, lines[i+1].text, -1)
			i += 2
			continue
		}
		// A line alone: a section heading before the first teaser or before a
		// teaser of its own region, else the summary of the teaser before it.
		heading := len(out) == 0
		if !heading && i+1 < len(lines) {
			if region, _, ok := teaserMark(lines[i+1].text); ok && item.Fold(region) == item.Fold(l) {
				heading = true
			}
		}
		if !heading {
			if t := &out[len(out)-1]; t.Summary == "" {
				t.Summary = l
			} else {
				t.Summary += " " + l
			}
		}
		i++
	}
	for i := range out {
		out[i].EnsureID()
	}
	return out
}
