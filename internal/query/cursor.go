package query

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"newsdex/internal/item"
)

// cursor is what an after cursor holds: the sort it continues, the sort
// keys of the last hit returned (for relevance the score, for newest and
// oldest the date; then the id) and the search it belongs to (For, a
// fingerprint of the query, filters and sort), so that a cursor is refused
// by any other search. On the wire it is base64url of its JSON.
type cursor struct {
	Sort string   `json:"s"`
	Keys []string `json:"k"`
	For  string   `json:"f"`
}

// errCursorElsewhere refuses a cursor of another search.
const errCursorElsewhere = "this cursor continues another search (its query, filters or sort differ); pass the next value of this search's last response"

// fingerprint names the search of a plan for its cursors: the parsed query,
// the filters as given (a relative date such as 7d stays the same words, not
// the same instant) and the sort; not the page, limit or facets. A filter
// added to Request belongs here too.
func fingerprint(r Request, p *plan) string {
	h := fnv.New64a()
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	// Any of the regions (sources) matches: their order does not matter.
	regions := slices.Sorted(slices.Values(p.regions))
	sources := slices.Sorted(slices.Values(p.sources))
	for _, part := range []string{p.node.String(), norm(r.From), norm(r.To), strings.Join(regions, "\x1f"), strings.Join(sources, "\x1f"), p.kind, p.sort} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return strconv.FormatUint(h.Sum64(), 36)
}

const maxCursorLength = 1024

var errCursor = errors.New("invalid cursor (pass the next value of an earlier response as is)")

func (c cursor) encode() string {
	b, _ := json.Marshal(c) // strings only: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	if len(s) > maxCursorLength {
		return c, errCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, errCursor
	}
	if err := json.Unmarshal(b, &c); err != nil || len(c.Keys) != 2 || c.Keys[1] == "" {
		return cursor{}, errCursor
	}
	switch c.Sort {
	case SortRelevance:
		if _, err := strconv.ParseFloat(c.Keys[0], 64); err != nil {
			return cursor{}, errCursor
		}
	case SortNewest, SortOldest:
		// The date goes to bleve as a search_after key: in the index's
		// range, or "" after an item without a date (searchAfter).
		if c.Keys[0] == "" {
			break
		}
		if t, err := time.Parse(time.RFC3339Nano, c.Keys[0]); err != nil || item.CheckDate(t) != nil {
			return cursor{}, errCursor
		}
	default:
		return cursor{}, errCursor
	}
	return c, nil
}
