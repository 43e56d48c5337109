// Package jsonl reads news items written as JSON lines: one JSON object a line.
//
// The native shape is the item's own JSON (see package item), so that the output
// of "index parse" and "index export" reads back exactly as it was written:
//
//	{"id":"a3f0c9e1d2b4a56","kind":"article","title":"Grain silos fill early","date":"1987-03-02T00:00:00Z","body":"..."}
//	{"kind":"teaser","title":"Tin talks resume","region":"Europe","date":"1987-03-02T16:24:00Z","pages":3}
//
// "title" and "date" are required; "kind" defaults to "article"; an item without
// an "id" gets the one its identity gives (item.EnsureID). Unknown names are
// ignored, and null counts as absent.
//
// News JSON of other shapes is read through a field mapping, ours -> theirs,
// given on the command line as --field ours=theirs. For example a line of the
// HuffPost shape
//
//	{"link": "https://...", "headline": "...", "category": "U.S. NEWS", "short_description": "...", "date": "2022-09-23"}
//
// reads with title=headline, region=category, summary=short_description and
// url=link. Dates are understood in the usual forms and normalised to UTC:
//
//	2007-01-15                    the day at 00:00:00Z
//	2007-01-15T23:49:00-05:00     RFC 3339 (also without zone: UTC)
//	2007-01-15 23:49:00           date and time, UTC
//	20070115 11:49 PM EST         Reuters' archive stamps (EST, EDT, GMT, UTC, ...)
//	20160815 4:00AM UTC
//	Mon, 15 Jan 2007 23:49:00 GMT RFC 1123, with a named or numeric zone
//	January 15, 2007              and "Jan 15, 2007", "15 January 2007", "2007/01/15", "20070115"
//	1168904940                    a JSON number: Unix seconds (milliseconds when larger than 1e11)
//
// A line that cannot be read is reported as a *ParseError naming the file and
// the line ("news.jsonl:17: no title"); the Reader goes on with the next line.
// Blank lines are skipped. Invalid UTF-8 inside strings is replaced by U+FFFD.
package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"newsdex/internal/item"
)

// Errors wrapped by ParseError.
var (
	ErrNoTitle     = errors.New("no title")
	ErrNoDate      = errors.New("no date")
	ErrBadDate     = errors.New("date not understood")
	ErrBadKind     = errors.New("kind is neither article nor teaser")
	ErrNotObject   = errors.New("not a JSON object")
	ErrLineTooLong = errors.New("line too long")
)

// ParseError is the error for one line that cannot be read.
type ParseError struct {
	File string // the file's name as reported
	Line int    // 1-based line number
	Err  error  // what is wrong
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

func (e *ParseError) Unwrap() error { return e.Err }

// Fields lists our JSON names, the ones a field mapping may name on its left.
var Fields = []string{
	"id", "kind", "title", "region", "date", "dateline", "body", "summary", "caption",
	"byline", "read_minutes", "source", "url", "file", "pages", "article_id",
}

// IsField reports whether name is one of ours (see Fields).
func IsField(name string) bool {
	for _, f := range Fields {
		if f == name {
			return true
		}
	}
	return false
}

// DefaultMaxLineBytes is the longest line a Reader accepts unless told otherwise.
const DefaultMaxLineBytes = 16 << 20

// Reader reads items from JSON lines, one line at a time.
type Reader struct {
	// Fields maps our names to theirs (title -> headline); nil reads our shape.
	Fields map[string]string
	// MaxLineBytes caps a line's length; 0 means DefaultMaxLineBytes. A longer
	// line is reported and skipped.
	MaxLineBytes int

	name string
	br   *bufio.Reader
	line int
	buf  []byte
}

// NewReader returns a Reader of r; name is the file's name in errors.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, br: bufio.NewReaderSize(r, 64<<10)}
}

// Line is the number of the line last read.
func (r *Reader) Line() int { return r.line }

// ReadRaw returns the next line that is not blank, without its line end, and
// its number. The bytes are valid until the next call. At the end it returns
// io.EOF; a line over the limit gives a *ParseError (and is skipped); a failing
// underlying reader gives its error.
func (r *Reader) ReadRaw() (line int, data []byte, err error) {
	max := r.MaxLineBytes
	if max <= 0 {
		max = DefaultMaxLineBytes
	}
	for {
		r.buf = r.buf[:0]
		tooLong := false
		var rerr error
		for {
			chunk, err := r.br.ReadSlice('\n')
			if !tooLong {
				if len(r.buf)+len(chunk) > max+2 {
					tooLong = true
					r.buf = r.buf[:0]
				} else {
					r.buf = append(r.buf, chunk...)
				}
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			rerr = err
			break
		}
		if rerr != nil && rerr != io.EOF {
			return r.line, nil, rerr
		}
		if rerr == io.EOF && len(r.buf) == 0 && !tooLong {
			return r.line, nil, io.EOF
		}
		r.line++
		if tooLong {
			return r.line, nil, &ParseError{r.name, r.line, fmt.Errorf("%w (over %d bytes)", ErrLineTooLong, max)}
		}
		b := bytes.TrimRight(r.buf, "\r\n")
		if r.line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(b)) > 0 {
			return r.line, b, nil
		}
		if rerr == io.EOF {
			return r.line, nil, io.EOF
		}
	}
}

// Read returns the next item. A bad line gives a *ParseError and the next call
// goes on after it; the end gives io.EOF.
func (r *Reader) Read() (item.Item, error) {
	line, data, err := r.ReadRaw()
	if err != nil {
		return item.Item{}, err
	}
	return Parse(r.name, line, data, r.Fields)
}

// Parse reads one line (data, without its line end) of the file name at line
// number line, with the field mapping fields (ours -> theirs; nil for none).
// Errors are *ParseError.
func Parse(name string, line int, data []byte, fields map[string]string) (item.Item, error) {
	it, err := parse(data, fields)
	if err != nil {
		return item.Item{}, &ParseError{name, line, err}
	}
	return it, nil
}

func parse(data []byte, fields map[string]string) (item.Item, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) || m == nil && len(bytes.TrimSpace(data)) > 0 && bytes.TrimSpace(data)[0] != '{' {
			return item.Item{}, ErrNotObject
		}
		return item.Item{}, fmt.Errorf("bad JSON: %v", err)
	}
	if m == nil {
		return item.Item{}, ErrNotObject
	}
	get := func(ours string) json.RawMessage {
		if theirs, ok := fields[ours]; ok {
			if v, ok := m[theirs]; ok && !isNull(v) {
				return v
			}
			return nil
		}
		if v, ok := m[ours]; ok && !isNull(v) {
			return v
		}
		return nil
	}
	var it item.Item
	var err error
	str := func(ours string, dst *string) {
		if err != nil {
			return
		}
		if v := get(ours); v != nil {
			if e := json.Unmarshal(v, dst); e != nil {
				err = fmt.Errorf("%s: not a string", label(ours, fields))
			}
		}
	}
	num := func(ours string, dst *int) {
		if err != nil {
			return
		}
		if v := get(ours); v != nil {
			n, e := intValue(v)
			if e != nil {
				err = fmt.Errorf("%s: %v", label(ours, fields), e)
			}
			*dst = n
		}
	}
	var kind string
	str("id", &it.ID)
	str("kind", &kind)
	str("title", &it.Title)
	str("region", &it.Region)
	str("dateline", &it.Dateline)
	str("body", &it.Body)
	str("summary", &it.Summary)
	str("caption", &it.Caption)
	str("byline", &it.Byline)
	num("read_minutes", &it.ReadMinutes)
	str("source", &it.Source)
	str("url", &it.URL)
	str("file", &it.File)
	num("pages", &it.Pages)
	str("article_id", &it.ArticleID)
	if err != nil {
		return item.Item{}, err
	}
	switch kind {
	case "":
		it.Kind = item.Article
	default:
		it.Kind = item.Kind(strings.ToLower(strings.TrimSpace(kind)))
		if !it.Kind.Valid() {
			return item.Item{}, fmt.Errorf("%w: %q", ErrBadKind, kind)
		}
	}
	if strings.TrimSpace(it.Title) == "" {
		return item.Item{}, mapped(ErrNoTitle, "title", fields)
	}
	dv := get("date")
	if dv == nil {
		return item.Item{}, mapped(ErrNoDate, "date", fields)
	}
	if it.Date, err = dateValue(dv); err != nil {
		return item.Item{}, mapped(err, "date", fields)
	}
	it.EnsureID()
	return it, nil
}

// label names a field in messages: title, or "headline" (title) when mapped.
func label(ours string, fields map[string]string) string {
	if theirs, ok := fields[ours]; ok && theirs != ours {
		return fmt.Sprintf("%q (%s)", theirs, ours)
	}
	return ours
}

// mapped adds the field's name in their JSON to err when it is mapped.
func mapped(err error, ours string, fields map[string]string) error {
	if theirs, ok := fields[ours]; ok && theirs != ours {
		return fmt.Errorf("%w (field %q)", err, theirs)
	}
	return err
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

func intValue(v json.RawMessage) (int, error) {
	var f float64
	if err := json.Unmarshal(v, &f); err != nil {
		var s string
		if json.Unmarshal(v, &s) != nil {
			return 0, errors.New("not a number")
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("not a number: %q", s)
		}
		return n, nil
	}
	if f != math.Trunc(f) || f < 0 || f > 1e9 {
		return 0, fmt.Errorf("not a count: %v", f)
	}
	return int(f), nil
}

func dateValue(v json.RawMessage) (time.Time, error) {
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		var f float64
		if json.Unmarshal(v, &f) != nil {
			return time.Time{}, fmt.Errorf("%w: %s", ErrBadDate, v)
		}
		if f > 1e11 {
			return time.UnixMilli(int64(f)).UTC(), nil
		}
		return time.Unix(int64(f), 0).UTC(), nil
	}
	return ParseDate(s)
}

// Zone offsets of the abbreviations news time stamps use.
var zones = map[string]int{
	"UTC": 0, "GMT": 0, "Z": 0, "UT": 0,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
	"BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "IST": 5*60 + 30, "JST": 9, "HKT": 8, "SGT": 8,
	"AEST": 10, "AEDT": 11,
}

var zonedLayouts = []string{
	"20060102 3:04 PM", "20060102 3:04PM", "20060102 15:04",
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02 3:04 PM", "2006-01-02 3:04PM",
	"Mon, 2 Jan 2006 15:04:05", "Mon, 2 Jan 2006 15:04", "2 Jan 2006 15:04:05", "2 Jan 2006 15:04",
	"Jan 2, 2006 3:04 PM", "Jan 2, 2006 3:04PM", "January 2, 2006 3:04 PM", "Jan 2, 2006 15:04",
}

var layouts = []string{
	time.DateOnly, time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04",
	"2006-01-02 15:04:05 -0700", "2006-01-02T15:04:05-0700", "2006-01-02 15:04:05.999999999 -0700",
	time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700",
	"20060102", "2006/01/02", "2006/01/02 15:04:05", "2006.01.02",
	"January 2, 2006", "Jan 2, 2006", "Jan. 2, 2006", "2 January 2006", "2 Jan 2006", "Monday, January 2, 2006",
	"January 2 2006", "Jan 2 2006",
}

// ParseDate reads a date string in one of the forms listed in the package
// comment and returns it in UTC. A date without a time is its day at 00:00:00Z;
// a time without a zone is UTC.
func ParseDate(s string) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}, ErrNoDate
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	// A trailing zone abbreviation: Go's parser would invent a zero offset for an
	// unknown one, so they are looked up here.
	if i := strings.LastIndexByte(s, ' '); i > 0 {
		if off, ok := zones[strings.ToUpper(s[i+1:])]; ok && isLetters(s[i+1:]) {
			rest := s[:i]
			if off > 12 || off < -12 {
				off = off * int(time.Minute)
			} else {
				off = off * int(time.Hour)
			}
			for _, l := range zonedLayouts {
				if t, err := time.Parse(l, rest); err == nil {
					return t.Add(-time.Duration(off)).UTC(), nil
				}
			}
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q", ErrBadDate, s)
}

func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}
