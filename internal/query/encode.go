package query

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"newsdex/internal/item"
)

// WriteJSON writes the response as one line of JSON: the bytes
// encoding/json's Encoder (HTML left unescaped) writes for it, by an encoder
// of these types that needs no reflection (appendResponse; about a fifth of
// the cost for a page of hits). A response it cannot write (a NaN score, a
// date past year 9999) goes to encoding/json, for its error.
//
// Into a bytes.Buffer it encodes in place, in the buffer's spare room.
func (r *Response) WriteJSON(w io.Writer) error {
	size := 1024 + 1024*len(r.Hits) // about what a page takes
	var dst []byte
	if buf, ok := w.(*bytes.Buffer); ok {
		buf.Grow(size)
		dst = buf.AvailableBuffer()
	} else {
		dst = make([]byte, 0, size)
	}
	if b, ok := appendResponse(dst, r); ok {
		_, err := w.Write(append(b, '\n'))
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// appendResponse appends r's JSON to b, field by field as encoding/json
// orders and omits them (the struct tags of Response, Hit, item.Item and
// FacetValue). ok is false for a value encoding/json would refuse.
func appendResponse(b []byte, r *Response) (_ []byte, ok bool) {
	b = append(b, `{"total":`...)
	b = strconv.AppendUint(b, r.Total, 10)
	b = append(b, `,"took_ms":`...)
	if b, ok = appendFloat(b, r.TookMs); !ok {
		return b, false
	}
	b = append(b, `,"hits":`...)
	if r.Hits == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Hits {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendHit(b, &r.Hits[i]); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	if len(r.Facets) > 0 {
		b = append(b, `,"facets":{`...)
		for i, k := range sortedKeys(r.Facets) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			vs := r.Facets[k]
			if vs == nil {
				b = append(b, "null"...)
				continue
			}
			b = append(b, '[')
			for j, v := range vs {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"value":`...)
				b = appendString(b, v.Value)
				b = append(b, `,"count":`...)
				b = strconv.AppendInt(b, int64(v.Count), 10)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	b = appendStringField(b, "next", r.Next)
	b = appendStringField(b, "did_you_mean", r.DidYouMean)
	if len(r.Notes) > 0 {
		b = append(b, `,"notes":`...)
		b = appendStrings(b, r.Notes)
	}
	return append(b, '}'), true
}

func appendHit(b []byte, h *Hit) (_ []byte, ok bool) {
	if b, ok = appendItemFields(b, &h.Item); !ok {
		return b, false
	}
	b = append(b, `,"score":`...)
	if b, ok = appendFloat(b, h.Score); !ok {
		return b, false
	}
	b = append(b, `,"highlights":`...)
	if h.Highlights == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		for i, k := range sortedKeys(h.Highlights) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendStrings(b, h.Highlights[k])
		}
		b = append(b, '}')
	}
	if h.StorySize != 0 {
		b = append(b, `,"story_size":`...)
		b = strconv.AppendInt(b, int64(h.StorySize), 10)
	}
	return append(b, '}'), true
}

// appendItemFields appends "{" and it's fields, without the closing brace
// (Hit goes on with its own).
func appendItemFields(b []byte, it *item.Item) (_ []byte, ok bool) {
	b = append(b, `{"id":`...)
	b = appendString(b, it.ID)
	b = append(b, `,"kind":`...)
	b = appendString(b, string(it.Kind))
	b = append(b, `,"title":`...)
	b = appendString(b, it.Title)
	b = appendStringField(b, "region", it.Region)
	if !it.Date.IsZero() {
		b = append(b, `,"date":`...)
		if y := it.Date.Year(); it.Date.Location() == time.UTC && y >= 0 && y <= 9999 {
			// What MarshalJSON writes, without its allocation.
			b = append(b, '"')
			b = it.Date.AppendFormat(b, time.RFC3339Nano)
			b = append(b, '"')
		} else {
			d, err := it.Date.MarshalJSON()
			if err != nil {
				return b, false
			}
			b = append(b, d...)
		}
	}
	b = appendStringField(b, "dateline", it.Dateline)
	b = appendStringField(b, "body", it.Body)
	b = appendStringField(b, "summary", it.Summary)
	b = appendStringField(b, "caption", it.Caption)
	b = appendStringField(b, "byline", it.Byline)
	b = appendIntField(b, "read_minutes", it.ReadMinutes)
	b = appendStringField(b, "source", it.Source)
	b = appendStringField(b, "url", it.URL)
	b = appendStringField(b, "language", it.Language)
	b = appendStringField(b, "file", it.File)
	b = appendIntField(b, "pages", it.Pages)
	b = appendStringField(b, "article_id", it.ArticleID)
	b = appendStringField(b, "story_id", it.StoryID)
	return b, true
}

// appendStringField appends ,"name":"s" unless s is empty (omitempty).
func appendStringField(b []byte, name, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, s)
}

// appendIntField appends ,"name":n unless n is 0 (omitempty).
func appendIntField(b []byte, name string, n int) []byte {
	if n == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return strconv.AppendInt(b, int64(n), 10)
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendFloat appends f as encoding/json writes a float64: the shortest
// decimal that reads back as f, in exponent form below 1e-6 and from 1e21
// on (e-07, not e-7). ok is false for NaN and the infinities.
func appendFloat(b []byte, f float64) (_ []byte, ok bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string as encoding/json does with HTML
// escaping off: quote, backslash and control bytes escaped (\b \f \n \r \t
// short), invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
