// Package warcfile reads the HTML pages of a WARC file (.warc, or .warc.gz
// with one gzip member a record, as Heritrix, wget --warc-file and Common
// Crawl's CC-NEWS write), with github.com/nlnwa/gowarc.
//
// Each response record (or resource record) whose payload is HTML is one page:
// its URL is WARC-Target-URI, its charset comes from the HTTP Content-Type
// header, and WARC-Date is its date when the page states none. Other records
// (requests, metadata, warcinfo, images, redirects) are passed over.
package warcfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"newsdex/internal/htmlpage"
)

// Page is one HTML page found in a WARC file.
type Page struct {
	Record  int    // 1-based number of the record in the file
	Offset  int64  // its byte offset in the file
	URL     string // WARC-Target-URI
	Type    string // the HTTP Content-Type (or the record's, for a resource)
	Fetched time.Time
	Body    []byte // the HTTP payload, de-chunked as recorded
	Err     error  // the record could not be read; the others still can
}

// ErrNotWARC is the error of data that holds no WARC record.
var ErrNotWARC = errors.New("not a WARC file")

// Read calls fn for every HTML page of the WARC stream r, in file order, with
// at most maxBytes of payload each (a longer one is reported in Page.Err).
// It returns fn's error, or an error when r holds no WARC record at all or
// ends in the middle of one.
func Read(r io.Reader, maxBytes int64, fn func(Page) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	// Findings are collected (ErrWarn) and not acted on: a crawl with a
	// wrong digest or a stray byte is still read. (ErrIgnore for syntax
	// errors would cut payloads short in gowarc v3.1.0.)
	wr, err := gowarc.NewWarcFileReaderFromStream(br, 0,
		gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn),
		gowarc.WithSpecViolationPolicy(gowarc.ErrWarn),
		gowarc.WithUnknownRecordTypePolicy(gowarc.ErrWarn),
		gowarc.WithAddMissingDigest(false))
	if err != nil {
		return err
	}
	defer wr.Close()
	n := 0
	for {
		rec, err := wr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if n == 0 {
				return fmt.Errorf("%w: %v", ErrNotWARC, err)
			}
			return fmt.Errorf("record %d at byte %d: %v", n+1, rec.Offset, err)
		}
		n++
		p, ok := page(rec, maxBytes)
		rec.Close()
		if !ok {
			continue
		}
		p.Record = n
		if err := fn(p); err != nil {
			return err
		}
	}
}

// page reads one record's HTML page, if it holds one.
func page(rec gowarc.Record, maxBytes int64) (Page, bool) {
	wr := rec.WarcRecord
	if wr == nil {
		return Page{}, false
	}
	p := Page{Offset: rec.Offset, URL: strings.Trim(wr.WarcHeader().Get(gowarc.WarcTargetURI), "<>")}
	if d, err := wr.Date(); err == nil {
		p.Fetched = d.UTC()
	}
	var payload io.Reader
	switch wr.Type() {
	case gowarc.Response:
		hb, ok := wr.Block().(gowarc.HttpResponseBlock)
		if !ok {
			return Page{}, false
		}
		if code := hb.HttpStatusCode(); code < 200 || code > 299 {
			return Page{}, false // redirects, errors
		}
		if h := hb.HttpHeader(); h != nil {
			p.Type = h.Get("Content-Type")
		}
		pr, err := hb.PayloadBytes()
		if err != nil {
			p.Err = err
			return p, true
		}
		payload = pr
	case gowarc.Resource:
		p.Type = wr.WarcHeader().Get(gowarc.ContentType)
		if !htmlType(p.Type) {
			return Page{}, false
		}
		pr, err := wr.Block().RawBytes()
		if err != nil {
			p.Err = err
			return p, true
		}
		payload = pr
	default:
		return Page{}, false
	}
	if !htmlType(p.Type) {
		return Page{}, false
	}
	body, err := io.ReadAll(io.LimitReader(payload, maxBytes+1))
	switch {
	case err != nil:
		p.Err = err
	case int64(len(body)) > maxBytes:
		p.Err = fmt.Errorf("payload over the limit of %d bytes", maxBytes)
	default:
		p.Body = body
	}
	if p.Err == nil && p.Type == "" && !htmlpage.LooksLikeHTML(p.Body) {
		return Page{}, false
	}
	return p, true
}

// htmlType reports whether a Content-Type may be an HTML page: text/html,
// application/xhtml+xml, or none said.
func htmlType(ct string) bool {
	if strings.TrimSpace(ct) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}
