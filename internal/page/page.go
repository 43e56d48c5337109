// Package page parses scraped news pages. (Stub; the full parser follows.)
package page

import (
	"errors"
	"fmt"

	"newsdex/internal/item"
)

// ErrTooLarge is wrapped by the error for a page over the size limit.
var ErrTooLarge = errors.New("page too large")

// ParseError is the error for a page that cannot be parsed.
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

func (e *ParseError) Unwrap() error { return e.Err }

// Page is one parsed page.
type Page struct {
	Article item.Item
	Teasers []item.Item
}

// Items returns the article, then the teasers in page order.
func (p *Page) Items() []item.Item {
	return append([]item.Item{p.Article}, p.Teasers...)
}

// Parse parses the page data of the file name.
func Parse(name string, data []byte) (*Page, error) {
	return nil, &ParseError{name, 1, errors.New("not implemented")}
}
