package query

import (
	"html"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/search"
)

// Highlights are made here from the term locations the search itself found
// (the request asks bleve for locations, not for highlights): for each
// shown field, one fragment of about fragmentSize bytes around the densest
// run of matches, cut at word boundaries, HTML-escaped, matches in
// <mark>...</mark>. A short field (a title) is shown whole. Nothing is
// analyzed again and no fragment candidates are scored one by one, which is
// what bleve's highlighter spends its time on.

const (
	fragmentSize = 200
	ellipsis     = "…"
	markOpen     = "<mark>"
	markClose    = "</mark>"
)

// span is one match in a field's text, as byte offsets.
type span struct {
	start, end int
	term       string
}

// spans returns the matches of one field's term locations, those that do
// not fit the text dropped.
func spans(tlm search.TermLocationMap, textLen int) []span {
	var out []span
	for term, locs := range tlm {
		for _, l := range locs {
			if len(l.ArrayPositions) > 0 {
				continue // the fields shown hold one value each
			}
			s, e := int(l.Start), int(l.End)
			if s < 0 || e > textLen || s >= e {
				continue
			}
			out = append(out, span{s, e, term})
		}
	}
	return out
}

// ordered returns matches ordered, overlaps merged.
func ordered(out []span) []span {
	sort.Slice(out, func(i, j int) bool {
		if out[i].start != out[j].start {
			return out[i].start < out[j].start
		}
		return out[i].end > out[j].end
	})
	merged := out[:0]
	for _, sp := range out {
		if n := len(merged); n > 0 && sp.start < merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// highlight returns the fragment of text to show for the matches sps (in
// any order, overlapping or not), or "" when there are none.
func highlight(text string, sps []span) string {
	sps = ordered(sps)
	if len(sps) == 0 {
		return ""
	}
	start, end := 0, len(text)
	if len(text) > fragmentSize {
		start, end = bestWindow(text, sps)
	}
	var b strings.Builder
	b.Grow(end - start + 32)
	if start > 0 {
		b.WriteString(ellipsis)
	}
	pos := start
	for _, sp := range sps {
		if sp.start < start || sp.end > end {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:sp.start]))
		b.WriteString(markOpen)
		b.WriteString(html.EscapeString(text[sp.start:sp.end]))
		b.WriteString(markClose)
		pos = sp.end
	}
	b.WriteString(html.EscapeString(text[pos:end]))
	if end < len(text) {
		b.WriteString(ellipsis)
	}
	return b.String()
}

// bestWindow picks the fragment: of the windows of fragmentSize bytes that
// start at a match, the one holding the most distinct terms, then the most
// matches, then the earliest; its edges moved to word boundaries.
func bestWindow(text string, sps []span) (int, int) {
	best, bestDistinct, bestCount := 0, -1, -1
	seen := map[string]int{}
	j := 0
	for i := range sps {
		for j < len(sps) && sps[j].end <= sps[i].start+fragmentSize {
			seen[sps[j].term]++
			j++
		}
		if j > i {
			if d, c := len(seen), j-i; d > bestDistinct || d == bestDistinct && c > bestCount {
				best, bestDistinct, bestCount = i, d, c
			}
		}
		if j > i {
			if seen[sps[i].term]--; seen[sps[i].term] == 0 {
				delete(seen, sps[i].term)
			}
		} else {
			j = i + 1
		}
		if len(sps)-i <= bestDistinct {
			break // no later window can hold more
		}
	}
	start := sps[best].start
	end := start + fragmentSize
	if end > len(text) {
		end = len(text)
		start = max(0, end-fragmentSize)
	}
	// Keep the last match of the window whole.
	last := sps[best].end
	for _, sp := range sps[best:] {
		if sp.end > end {
			break
		}
		last = sp.end
	}
	return wordEdges(text, start, end, sps[best].start, last)
}

// wordEdges returns start and end moved inwards to the nearest spaces when
// they fall inside a word, never past first (the first match's start) or
// last (the last match's end).
func wordEdges(text string, start, end, first, last int) (int, int) {
	if start < 0 || end > len(text) || start >= end {
		return start, end
	}
	s := start
	if s > 0 && !isSpace(text[s-1]) {
		for s < first && !isSpace(text[s]) {
			s++
		}
	}
	for s < first && isSpace(text[s]) {
		s++
	}
	e := end
	if e < len(text) && !isSpace(text[e]) {
		for e > last && !isSpace(text[e-1]) {
			e--
		}
	}
	for e > last && isSpace(text[e-1]) {
		e--
	}
	if s >= e {
		return start, end
	}
	return s, e
}

func isSpace(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }
