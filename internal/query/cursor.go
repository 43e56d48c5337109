package query

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// cursor is what an after cursor holds: the sort it continues and the sort
// keys of the last hit returned (for relevance the score, for newest and
// oldest the date; then the id). On the wire it is base64url of its JSON.
type cursor struct {
	Sort string   `json:"s"`
	Keys []string `json:"k"`
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
		if _, err := time.Parse(time.RFC3339Nano, c.Keys[0]); err != nil {
			return cursor{}, errCursor
		}
	default:
		return cursor{}, errCursor
	}
	return c, nil
}
