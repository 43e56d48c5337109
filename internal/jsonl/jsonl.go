// Package jsonl reads news items written as JSON lines: one JSON object a line.
//
// The native shape is the item's own JSON (see package item), so that the output
// of "index parse" and "index export" reads back exactly as it was written:
//
//	{"id":"a3f0c9e1d2b4a56","kind":"article","title":"Grain silos fill early","date":"1987-03-02T00:00:00Z","body":"..."}
//	{"kind":"teaser","title":"Tin talks resume","region":"Europe","date":"1987-03-02T16:24:00Z","pages":3}
//
// "title" is required; an item without "date" is undated (it is indexed, matches
// no date range and sorts last by date); "kind" defaults to "article"; an item
// without an "id" gets the one its identity gives (item.EnsureID). Unknown names
// are ignored, and null counts as absent.
//
// News JSON of other shapes is read through a field mapping, ours -> theirs,
// given on the command line as --field ours=theirs. For example a line of the
// HuffPost shape
//
//	{"link": "https://...", "headline": "...", "category": "U.S. NEWS", "short_description": "...", "date": "2022-09-23"}
//
// reads with title=headline, region=category, summary=short_description and
// url=link. The right side may be a dotted path into nested objects, and an
// array gives its first value (byline: all of them, one a line). NewsAPI's
// articles
//
//	{"source": {"id": null, "name": "BBC News"}, "author": "...", "title": "...", "description": "...",
//	 "url": "https://...", "publishedAt": "2020-07-17T19:51:00Z", "content": "..."}
//
// read with source=source.name, byline=author, summary=description,
// date=publishedAt and body=content. Dates are read by package dates (ISO
// 8601, RFC 1123, US zone names, Unix seconds and milliseconds as JSON
// numbers, ...) and normalised to UTC; one outside the index's range
// (item.CheckDate) is an error.
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

	"newsdex/internal/dates"
	"newsdex/internal/item"
)

// Errors wrapped by ParseError.
var (
	ErrNoTitle     = errors.New("no title")
	ErrBadDate     = dates.ErrBad // a date in no form package dates reads
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

// ourFields lists our JSON names, the ones a field mapping may name on its left.
var ourFields = [...]string{
	"id", "kind", "title", "region", "date", "dateline", "body", "summary", "caption",
	"byline", "read_minutes", "source", "url", "language", "file", "pages", "article_id",
}

// Fields returns our JSON names, the ones a field mapping may name on its
// left, in the order of the item's JSON.
func Fields() []string { return append([]string(nil), ourFields[:]...) }

// IsField reports whether name is one of our JSON names, the ones a field
// mapping may name on its left.
func IsField(name string) bool {
	for _, f := range ourFields {
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
			return lookup(m, theirs)
		}
		return lookup(m, ours)
	}
	var it item.Item
	var err error
	str := func(ours string, dst *string) {
		if err != nil {
			return
		}
		if v := get(ours); v != nil {
			s, e := stringValue(v, ours == "byline")
			if e != nil {
				err = fmt.Errorf("%s: %v", label(ours, fields), e)
			}
			*dst = s
		}
	}
	num := func(ours string, dst *int) {
		if err != nil {
			return
		}
		if v := get(ours); v != nil {
			n, e := intValue(first(v))
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
	str("language", &it.Language)
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
	// No date (absent, null or "") is an undated item.
	if dv := get("date"); dv != nil {
		if it.Date, err = dateValue(first(dv)); err != nil && !errors.Is(err, dates.ErrEmpty) {
			return item.Item{}, mapped(err, "date", fields)
		}
	}
	it.EnsureID()
	return it, nil
}

// lookup finds the value at path in m: a name of m, or a dotted path into
// nested objects (source.name); a step into an array goes into its first
// element unless the step is an index (authors.1). A name that holds dots
// itself is found as it is. Null is absent (nil).
func lookup(m map[string]json.RawMessage, path string) json.RawMessage {
	if v, ok := m[path]; ok {
		if isNull(v) {
			return nil
		}
		return v
	}
	name, rest, dotted := strings.Cut(path, ".")
	if !dotted {
		return nil
	}
	v, ok := m[name]
	if !ok || isNull(v) {
		return nil
	}
	for {
		v = bytes.TrimSpace(v)
		if len(v) > 0 && v[0] == '[' {
			var arr []json.RawMessage
			if json.Unmarshal(v, &arr) != nil || len(arr) == 0 {
				return nil
			}
			step, after, _ := strings.Cut(rest, ".")
			if n, err := strconv.Atoi(step); err == nil {
				if n < 0 || n >= len(arr) {
					return nil
				}
				if after == "" {
					return nullAbsent(arr[n])
				}
				v, rest = arr[n], after
				continue
			}
			v = arr[0]
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(v, &obj) != nil || obj == nil {
			return nil
		}
		return lookup(obj, rest)
	}
}

func nullAbsent(v json.RawMessage) json.RawMessage {
	if isNull(v) {
		return nil
	}
	return v
}

// first is an array's first value that is not null, or v itself.
func first(v json.RawMessage) json.RawMessage {
	t := bytes.TrimSpace(v)
	if len(t) == 0 || t[0] != '[' {
		return v
	}
	var arr []json.RawMessage
	if json.Unmarshal(t, &arr) != nil {
		return v
	}
	for _, e := range arr {
		if !isNull(e) {
			return e
		}
	}
	return json.RawMessage("null")
}

// stringValue reads a string field: a string, or an array of strings, whose
// first value is taken (all of them, one a line, when all is set).
func stringValue(v json.RawMessage, all bool) (string, error) {
	t := bytes.TrimSpace(v)
	if len(t) > 0 && t[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(t, &arr); err != nil {
			return "", errors.New("not a string")
		}
		var parts []string
		for _, e := range arr {
			if isNull(e) {
				continue
			}
			s, err := stringValue(e, false)
			if err != nil {
				return "", err
			}
			if s = strings.TrimSpace(s); s != "" {
				parts = append(parts, s)
			}
			if !all && len(parts) == 1 {
				break
			}
		}
		return strings.Join(parts, "\n"), nil
	}
	var s string
	if err := json.Unmarshal(t, &s); err != nil {
		if len(t) > 0 && t[0] == '{' {
			return "", errors.New("an object, not a string (name one of its members with a dotted path, as in source=source.name)")
		}
		return "", errors.New("not a string")
	}
	return s, nil
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
	if isNull(v) {
		return time.Time{}, dates.ErrEmpty
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		var f float64
		if json.Unmarshal(v, &f) != nil {
			return time.Time{}, fmt.Errorf("%w: %s", ErrBadDate, v)
		}
		return dates.Unix(f)
	}
	return dates.Parse(s)
}

// ParseDate reads a date string in one of the forms of package dates and
// returns it in UTC.
func ParseDate(s string) (time.Time, error) { return dates.Parse(s) }
