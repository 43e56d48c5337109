// Package htmlpage reads a saved or crawled HTML page into one news item, with
// go-trafilatura (github.com/markusmobius/go-trafilatura), the open-source
// article extractor with the best published article-body F1 on the Scrapinghub
// article-extraction benchmark.
//
// From a page it takes the title, the article body (paragraphs joined by one
// blank line), the publication date (go-htmldate, in UTC; none: undated), the
// byline, the site name as source, the canonical URL as url, and the summary
// the page describes itself with. Bytes are decoded to UTF-8 first, by the
// charset the HTTP header declares (for a WARC record), else a byte order mark,
// else a <meta charset> or http-equiv tag, else UTF-8 when the bytes are valid
// UTF-8, else windows-1252 (golang.org/x/net/html/charset).
package htmlpage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"newsdex/internal/item"
)

// Errors wrapped by ParseError.
var (
	ErrEmpty   = errors.New("empty page")
	ErrNotHTML = errors.New("not an HTML page")
	ErrNoText  = errors.New("no article text found")
	ErrNoTitle = errors.New("no title found")
)

// ParseError is the error for a page that gives no item.
type ParseError struct {
	File string
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:1: %v", e.File, e.Err) }

func (e *ParseError) Unwrap() error { return e.Err }

// minWords is how many words beyond the headline's an article body has at least.
const minWords = 8

// Page says where a page came from; every field may be empty.
type Page struct {
	File        string    // its name in errors and item.File
	URL         string    // where it was fetched from (WARC-Target-URI)
	ContentType string    // the HTTP Content-Type header, for its charset
	Fetched     time.Time // when it was fetched (WARC-Date): the date of a page that states none
}

// Parse extracts the article of the HTML page data. Errors are *ParseError.
func Parse(p Page, data []byte) (item.Item, error) {
	fail := func(err error) (item.Item, error) { return item.Item{}, &ParseError{File: p.File, Err: err} }
	if len(bytes.TrimSpace(data)) == 0 {
		return fail(ErrEmpty)
	}
	if !LooksLikeHTML(data) {
		return fail(ErrNotHTML)
	}
	doc, err := parseHTML(data, p.ContentType)
	if err != nil {
		return fail(fmt.Errorf("%w: %v", ErrNotHTML, err))
	}
	opts := trafilatura.Options{
		EnableFallback:  true,
		ExcludeComments: true,
		Deduplicate:     false,
	}
	// p.URL is not passed as OriginalURL: go-trafilatura then judges links
	// and boilerplate by it, and the text of a page would differ between a
	// saved file and the same page in a WARC.
	res, err := trafilatura.ExtractDocument(doc, opts)
	if err != nil {
		return fail(fmt.Errorf("%w: %v", ErrNoText, err))
	}
	body := Paragraphs(blockText(res.ContentNode))
	if body == "" || len(strings.Fields(body)) < len(strings.Fields(res.ContentText))*9/10 {
		body = Paragraphs(res.ContentText) // the node lost text: keep the extractor's own
	}
	if body == "" {
		return fail(ErrNoText)
	}
	md := res.Metadata
	title := oneLine(md.Title)
	if title == "" {
		return fail(ErrNoTitle)
	}
	// A page of links and a headline (a section front, a menu) is no article.
	if len(strings.Fields(body)) < len(strings.Fields(title))+minWords {
		return fail(ErrNoText)
	}
	it := item.Item{
		Kind:     item.Article,
		Title:    title,
		Body:     body,
		Summary:  oneLine(md.Description),
		Byline:   oneLine(md.Author),
		Source:   oneLine(md.Sitename),
		URL:      md.URL,
		Language: md.Language,
		File:     p.File,
	}
	if it.URL == "" {
		it.URL = p.URL
	}
	if it.Source == "" {
		it.Source = md.Hostname
	}
	if it.Summary != "" && strings.HasPrefix(item.FoldSpace(body), item.FoldSpace(it.Summary)) {
		it.Summary = "" // the first paragraph, said again
	}
	switch d := md.Date; {
	case !d.IsZero() && item.CheckDate(d) == nil:
		it.Date = d.UTC()
	case !p.Fetched.IsZero() && item.CheckDate(p.Fetched) == nil:
		it.Date = p.Fetched.UTC()
	}
	it.EnsureID()
	return it, nil
}

// parseHTML decodes data by its charset and parses it.
func parseHTML(data []byte, contentType string) (*html.Node, error) {
	return html.Parse(Decode(data, contentType))
}

// Decode returns a reader of data as UTF-8. A byte order mark decides; else
// bytes that are valid UTF-8 are UTF-8, whatever a tag says (pages saved by a
// browser or a headless crawler are written in UTF-8 but keep their original
// <meta charset>, and valid multi-byte UTF-8 does not happen by chance in
// legacy encodings); else the charset of contentType, else that of a <meta>
// tag in the first 1024 bytes, else windows-1252, as browsers do.
func Decode(data []byte, contentType string) io.Reader {
	for _, bom := range [][]byte{{0xef, 0xbb, 0xbf}, {0xfe, 0xff}, {0xff, 0xfe}} {
		if bytes.HasPrefix(data, bom) {
			if r, err := charset.NewReader(bytes.NewReader(data), ""); err == nil {
				return r
			}
		}
	}
	_, name, _ := charset.DetermineEncoding(data, contentType)
	if utf8.Valid(data) && !strings.HasPrefix(name, "utf-16") {
		return bytes.NewReader(data)
	}
	r, err := charset.NewReaderLabel(name, bytes.NewReader(data))
	if err != nil {
		return bytes.NewReader(data) // an unknown charset: the bytes as they are
	}
	return r
}

// LooksLikeHTML reports whether data starts (after white space, a byte order
// mark and comments) like an HTML document or fragment.
func LooksLikeHTML(data []byte) bool {
	b := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	b = bytes.TrimPrefix(b, []byte("\xff\xfe"))
	b = bytes.TrimPrefix(b, []byte("\xfe\xff"))
	b = bytes.TrimLeft(b, " \t\r\n\f\x00")
	if len(b) == 0 || b[0] != '<' {
		return false
	}
	head := bytes.ToLower(b[:min(len(b), 4096)])
	for _, tag := range []string{"<!doctype html", "<html", "<head", "<body", "<meta", "<title", "<!--", "<div", "<article", "<p>", "<?xml"} {
		if bytes.Contains(head, []byte(tag)) {
			return true
		}
	}
	return false
}

// Paragraphs turns extracted text into paragraphs joined by one blank line,
// spacing inside each folded.
func Paragraphs(text string) string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	text = strings.ReplaceAll(text, "\u00ad", "") // soft hyphens: invisible, and they split words
	var paras []string
	for _, line := range strings.Split(text, "\n") {
		if p := item.FoldSpace(line); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}

func oneLine(s string) string { return item.FoldSpace(s) }

// blockTags end a paragraph.
var blockTags = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"li": true, "ul": true, "ol": true, "dl": true, "dt": true, "dd": true, "blockquote": true, "pre": true,
	"table": true, "tr": true, "td": true, "th": true, "section": true, "article": true, "figure": true,
	"figcaption": true, "header": true, "footer": true, "hr": true, "br": true, "head": true, "body": true,
	"caption": true, "details": true, "summary": true,
}

// blockText is the text of n, a line break at each block element's edges,
// so that its paragraphs stay paragraphs.
func blockText(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if n.Data == "script" || n.Data == "style" {
				return
			}
		}
		block := n.Type == html.ElementNode && blockTags[n.Data]
		if block {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte('\n')
		}
	}
	walk(n)
	return b.String()
}
