package query

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search/highlight"
	htmlformat "github.com/blevesearch/bleve/v2/search/highlight/format/html"
	simplefrag "github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simplehl "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
)

// highlightStyle is bleve's html highlighter (fragments of about 200
// characters, <mark> around matches) with fragment edges on word
// boundaries: "…the ferry link" rather than "…e ferry link".
const highlightStyle = "newsdex_html"

const fragmentSize = 200

func init() {
	if err := registry.RegisterHighlighter(highlightStyle, newHighlighter); err != nil {
		panic(fmt.Sprintf("query: %v", err)) // a name clash at start-up: a programming error
	}
}

func newHighlighter(_ map[string]any, cache *registry.Cache) (highlight.Highlighter, error) {
	formatter, err := cache.FragmentFormatterNamed(htmlformat.Name)
	if err != nil {
		return nil, err
	}
	frag := wordFragmenter{simplefrag.NewFragmenter(fragmentSize)}
	return simplehl.NewHighlighter(frag, formatter, simplehl.DefaultSeparator), nil
}

// wordFragmenter moves the edges of the simple fragmenter's fragments to
// word boundaries, never past a match inside the fragment.
type wordFragmenter struct{ simple *simplefrag.Fragmenter }

func (w wordFragmenter) Fragment(orig []byte, ot highlight.TermLocations) []*highlight.Fragment {
	frags := w.simple.Fragment(orig, ot)
	for _, f := range frags {
		f.Start, f.End = wordEdges(orig, f.Start, f.End, ot)
	}
	return frags
}

// wordEdges returns start and end moved inwards to the nearest spaces when
// they fall inside a word, keeping every match that lies within [start, end).
func wordEdges(orig []byte, start, end int, ot highlight.TermLocations) (int, int) {
	if start < 0 || end > len(orig) || start >= end {
		return start, end
	}
	first, last := end, start // the first match's start and the last match's end inside
	for _, tl := range ot {
		if tl.Start >= start && tl.End <= end {
			first = min(first, tl.Start)
			last = max(last, tl.End)
		}
	}
	s := start
	if s > 0 && !isSpace(orig[s-1]) {
		for s < first && !isSpace(orig[s]) {
			s++
		}
	}
	for s < first && isSpace(orig[s]) {
		s++
	}
	e := end
	if e < len(orig) && !isSpace(orig[e]) {
		for e > last && !isSpace(orig[e-1]) {
			e--
		}
	}
	for e > last && isSpace(orig[e-1]) {
		e--
	}
	if s >= e {
		return start, end
	}
	return s, e
}

func isSpace(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }
