// Package textpage reads a plain-text article of the common dataset layout
// (the BBC News set, for one): the headline on the first line that is not
// blank, then the body, paragraphs separated by blank lines. Such a file
// carries no date, so the item is undated. Text that is not valid UTF-8 is
// read as windows-1252 (the BBC set's one "£" byte).
package textpage

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"newsdex/internal/item"
	"newsdex/internal/page"
)

// Errors wrapped by *page.ParseError.
var (
	ErrEmpty  = errors.New("empty file")
	ErrBinary = errors.New("binary data, not text")
	ErrNoBody = errors.New("a headline but no body")
)

// Parse reads one article; file names it in errors and item.File. Errors are
// *page.ParseError (FILE:LINE: what).
func Parse(file string, data []byte) (item.Item, error) {
	fail := func(line int, err error) (item.Item, error) {
		return item.Item{}, &page.ParseError{File: file, Line: line, Err: err}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return fail(1, ErrBinary)
	}
	if !utf8.Valid(data) {
		if d, err := charmap.Windows1252.NewDecoder().Bytes(data); err == nil {
			data = d
		}
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i == len(lines) {
		return fail(1, ErrEmpty)
	}
	title := item.FoldSpace(lines[i])
	headLine := i + 1
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, item.FoldSpace(strings.Join(cur, " ")))
			cur = nil
		}
	}
	for _, l := range lines[i+1:] {
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		cur = append(cur, l)
	}
	flush()
	if len(paras) == 0 {
		return fail(headLine, ErrNoBody)
	}
	it := item.Item{Kind: item.Article, Title: title, Body: strings.Join(paras, "\n\n"), File: file}
	it.EnsureID()
	return it, nil
}
