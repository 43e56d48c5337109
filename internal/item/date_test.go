package item

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestCheckDate(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string // "" for no error
	}{
		{time.Date(1987, 3, 2, 0, 0, 0, 0, time.UTC), ""},
		{MinDate(), ""},
		{MaxDate(), ""},
		{MinDate().Add(-time.Second), "date 1677-11-30T23:59:59Z out of range (1677-12-01 to 2262-04-11)"},
		{MaxDate().Add(time.Second), "date 2262-04-11T12:00:00Z out of range (1677-12-01 to 2262-04-11)"},
		{time.Time{}, "date 0001-01-01T00:00:00Z out of range (1677-12-01 to 2262-04-11)"},
		{time.Unix(math.MaxInt64/2, 0), "date year 146138514283 out of range (1677-12-01 to 2262-04-11)"},
	} {
		err := CheckDate(tc.t)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckDate(%v) = %v, want nil", tc.t, err)
		case tc.want != "" && (err == nil || err.Error() != tc.want || !errors.Is(err, ErrDateRange)):
			t.Errorf("CheckDate(%v) = %v, want %q wrapping ErrDateRange", tc.t, err, tc.want)
		}
	}
	if got := MinDate().Format(time.RFC3339); got != "1677-12-01T00:00:00Z" {
		t.Errorf("MinDate = %s", got)
	}
	if got := MaxDate().Format(time.RFC3339); got != "2262-04-11T11:59:59Z" {
		t.Errorf("MaxDate = %s", got)
	}
}
