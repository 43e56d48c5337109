package item

import (
	"errors"
	"fmt"
	"time"
)

// ErrDateRange is wrapped by CheckDate's error for a date the index cannot hold.
var ErrDateRange = errors.New("out of range")

// The range of dates an index holds, inclusive. bleve keeps a date as int64
// nanoseconds since 1970 (about 1677-09-21 to 2262-04-11) and its date range
// queries accept 1677-12-01T00:00:00Z to 2262-04-11T11:59:59Z; every date that
// reaches the index or a query lies within the latter, so every indexed date can
// be found by a range.
const (
	minDateUnix = -9217238400 // 1677-12-01T00:00:00Z
	maxDateUnix = 9223329599  // 2262-04-11T11:59:59Z
)

// MinDate is the earliest date an item or a query may carry.
func MinDate() time.Time { return time.Unix(minDateUnix, 0).UTC() }

// MaxDate is the latest date an item or a query may carry.
func MaxDate() time.Time { return time.Unix(maxDateUnix, 0).UTC() }

// CheckDate returns an error wrapping ErrDateRange when t lies outside
// MinDate..MaxDate, as in "date 1500-01-01T00:00:00Z out of range (1677-12-01
// to 2262-04-11)". The zero time (0001-01-01) is out of range too: an undated
// item has a zero Date and is not checked.
func CheckDate(t time.Time) error {
	if t.Before(MinDate()) || t.After(MaxDate()) {
		return fmt.Errorf("date %s %w (%s to %s)", formatAny(t), ErrDateRange,
			MinDate().Format(time.DateOnly), MaxDate().Format(time.DateOnly))
	}
	return nil
}

// formatAny formats t as RFC 3339 in UTC, also for years Go's RFC 3339 cannot
// print (beyond 9999).
func formatAny(t time.Time) string {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return fmt.Sprintf("year %d", y)
	}
	return t.Format(time.RFC3339)
}
