package dates

import (
	"errors"
	"testing"
	"time"

	"newsdex/internal/item"
)

func TestParse(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi, s int) time.Time { return time.Date(y, m, d, h, mi, s, 0, time.UTC) }
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2007-01-15", utc(2007, 1, 15, 0, 0, 0)},
		{"2007-01-15T23:49:00-05:00", utc(2007, 1, 16, 4, 49, 0)},
		{"2007-01-15T23:49:00", utc(2007, 1, 15, 23, 49, 0)},
		{"2020-07-17T19:51:00.000Z", utc(2020, 7, 17, 19, 51, 0)},
		{"2020-07-17T19:51:00+0000", utc(2020, 7, 17, 19, 51, 0)},
		{"2007-01-15 23:49:00", utc(2007, 1, 15, 23, 49, 0)},
		{"Mon, 15 Jan 2007 23:49:00 GMT", utc(2007, 1, 15, 23, 49, 0)},
		{"Mon, 02 Jan 2006 15:04:05 MST", utc(2006, 1, 2, 22, 4, 5)},
		{"Mon, 15 Jan 2007 23:49:00 -0500", utc(2007, 1, 16, 4, 49, 0)},
		{"20070115 11:49 PM EST", utc(2007, 1, 16, 4, 49, 0)},
		{"20160815 4:00AM UTC", utc(2016, 8, 15, 4, 0, 0)},
		{"18-Jul-20", utc(2020, 7, 18, 0, 0, 0)},
		{"1-Mar-18", utc(2018, 3, 1, 0, 0, 0)},
		{"Jul-18", utc(2018, 7, 1, 0, 0, 0)},
		// CNBC, stray spaces and all; ET is EDT in July, EST in February.
		{" 7:51  PM ET Fri, 17 July 2020", utc(2020, 7, 17, 23, 51, 0)},
		{"10:22  AM ET Fri, 28 Feb 2020", utc(2020, 2, 28, 15, 22, 0)},
		{"5:05 PM ET Thu, 26 Sept 2019", utc(2019, 9, 26, 21, 5, 0)},
		{"9:00 AM PT Tue, 3 March 2020", utc(2020, 3, 3, 17, 0, 0)},
		{"9:00 AM PT Tue, 10 March 2020", utc(2020, 3, 10, 16, 0, 0)},
		{"9:00 AM CT Tue, 10 March 2020", utc(2020, 3, 10, 14, 0, 0)},
		{"9:00 AM MT 10 Nov 2020", utc(2020, 11, 10, 16, 0, 0)},
		{"January 15, 2007", utc(2007, 1, 15, 0, 0, 0)},
		{"Jan 15, 2007", utc(2007, 1, 15, 0, 0, 0)},
		{"Jan. 15, 2007", utc(2007, 1, 15, 0, 0, 0)},
		{"15 January 2007", utc(2007, 1, 15, 0, 0, 0)},
		{"Monday, January 15, 2007", utc(2007, 1, 15, 0, 0, 0)},
		{"2007/01/15", utc(2007, 1, 15, 0, 0, 0)},
		{"20070115", utc(2007, 1, 15, 0, 0, 0)},
		{"1168904940", utc(2007, 1, 15, 23, 49, 0)},
		{"1168904940000", utc(2007, 1, 15, 23, 49, 0)},
		{"1168904940.5", time.UnixMilli(1168904940500).UTC()},
		{"1677-12-01T00:00:00Z", item.MinDate()},
	} {
		got, err := Parse(tc.in)
		if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
		msg  string
	}{
		{"", ErrEmpty, "no date"},
		{"   ", ErrEmpty, "no date"},
		{"yesterday", ErrBad, `date not understood: "yesterday"`},
		{"2007-13-45", ErrBad, `date not understood: "2007-13-45"`},
		{"12:00 XT 1 Jan 2020", ErrBad, `date not understood: "12:00 XT 1 Jan 2020"`},
		{"1500-01-01", item.ErrDateRange, "date 1500-01-01T00:00:00Z out of range (1677-12-01 to 2262-04-11)"},
		{"9999-12-31T00:00:00Z", item.ErrDateRange, "date 9999-12-31T00:00:00Z out of range (1677-12-01 to 2262-04-11)"},
		{"1e300", item.ErrDateRange, "date 1e+300 out of range (1677-12-01 to 2262-04-11)"},
		{"-99999999999999", item.ErrDateRange, "date -9.9999999999999e+13 out of range (1677-12-01 to 2262-04-11)"},
	} {
		_, err := Parse(tc.in)
		if !errors.Is(err, tc.want) || err.Error() != tc.msg {
			t.Errorf("Parse(%q) = %v; want %q wrapping %v", tc.in, err, tc.msg, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2007-01-15", " 7:51  PM ET Fri, 17 July 2020", "18-Jul-20", "1e300", "Mon, 02 Jan 2006 15:04:05 MST", "Jul-18", "1168904940000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		if d.Location() != time.UTC || item.CheckDate(d) != nil {
			t.Fatalf("Parse(%q) = %v: not UTC or out of range", s, d)
		}
	})
}
