// Package dates reads the dates news items carry, in the many forms publishers
// and datasets print them, and returns them in UTC:
//
//	2007-01-15                          the day at 00:00:00Z
//	2007-01-15T23:49:00-05:00           RFC 3339 (also without zone: UTC)
//	2007-01-15 23:49:00                 date and time, UTC
//	Mon, 15 Jan 2007 23:49:00 GMT       RFC 1123, with a named or numeric zone
//	20070115 11:49 PM EST               Reuters' archive stamps
//	18-Jul-20                           the Guardian's DD-Mon-YY ("Jul-18": the month's first day)
//	7:51 PM ET Fri, 17 July 2020        CNBC's stamps
//	January 15, 2007                    also "Jan 15, 2007", "15 January 2007", "2007/01/15", "20070115"
//	1168904940, 1168904940000           Unix seconds, or milliseconds (as text or a JSON number)
//
// Month names may be full, three letters or "Sept"; a weekday name is
// ignored. Time zones are numeric or named: UTC, GMT, the US zones (ET, EST,
// EDT, CT, CST, CDT, MT, MST, MDT, PT, PST, PDT, AKST, AKDT, HST; ET, CT, MT
// and PT follow daylight saving time on the day), and a few others (BST, CET,
// CEST, EET, EEST, IST, JST, HKT, SGT, AEST, AEDT). A time without a zone is UTC.
//
// Every date returned lies within item.MinDate..item.MaxDate; one outside is
// an error wrapping item.ErrDateRange.
package dates

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // ET, CT, MT and PT need the US rules wherever newsdex runs

	"newsdex/internal/item"
)

// Errors of Parse.
var (
	ErrEmpty = errors.New("no date")
	ErrBad   = errors.New("date not understood")
)

// Fixed offsets, in minutes, of the zone names with one offset.
var fixedZones = map[string]int{
	"UTC": 0, "GMT": 0, "Z": 0, "UT": 0,
	"EST": -5 * 60, "EDT": -4 * 60, "CST": -6 * 60, "CDT": -5 * 60, "MST": -7 * 60, "MDT": -6 * 60,
	"PST": -8 * 60, "PDT": -7 * 60, "AKST": -9 * 60, "AKDT": -8 * 60, "HST": -10 * 60,
	"BST": 60, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "IST": 5*60 + 30, "JST": 9 * 60,
	"HKT": 8 * 60, "SGT": 8 * 60, "AEST": 10 * 60, "AEDT": 11 * 60,
}

// Zone names whose offset depends on the day: the US zones as people write
// them without saying standard or daylight time.
var ruledZones = map[string]string{
	"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles",
}

// layouts are tried in order on the text left once weekday names and the
// zone name are taken out and month names are shortened to three letters.
var layouts = []string{
	time.DateOnly, time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04",
	"2006-01-02 15:04:05 -0700", "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05.999999999-0700",
	"2006-01-02 15:04:05.999999999 -0700", "2006-01-02 3:04 PM", "2006-01-02 3:04PM",
	"2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04 -0700", "2 Jan 2006 15:04:05", "2 Jan 2006 15:04",
	"20060102 3:04 PM", "20060102 3:04PM", "20060102 15:04", "20060102",
	"2006/01/02", "2006/01/02 15:04:05", "2006.01.02",
	"Jan 2, 2006", "Jan 2 2006", "2 Jan 2006", "2 Jan, 2006", "Jan 2006",
	"Jan 2, 2006 3:04 PM", "Jan 2, 2006 3:04PM", "Jan 2, 2006 15:04", "Jan 2, 2006, 3:04 PM",
	"3:04 PM 2 Jan 2006", "3:04PM 2 Jan 2006", "15:04 2 Jan 2006", "3:04 PM Jan 2, 2006", "3:04 PM, Jan 2, 2006",
	"2-Jan-06", "2-Jan-2006", "Jan-06", "2006-Jan-02",
	"Jan 2 15:04:05 2006", // ANSI C
}

var months = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
var monthNames = []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
var weekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// Parse reads s in one of the forms of the package comment.
func Parse(s string) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}, ErrEmpty
	}
	if t, ok, err := unix(s); ok {
		return t, err
	}
	for _, l := range layouts[:11] { // the ISO forms, as given
		if t, err := time.Parse(l, s); err == nil {
			return Check(t)
		}
	}
	rest, loc, offset, named := normalize(s)
	for _, l := range layouts {
		t, err := time.Parse(l, rest)
		if err != nil {
			continue
		}
		if named {
			if loc == nil {
				loc = time.FixedZone("", offset*60)
			}
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
		}
		return Check(t)
	}
	return time.Time{}, fmt.Errorf("%w: %q", ErrBad, s)
}

// Check returns t in UTC, or an error wrapping item.ErrDateRange when the
// index cannot hold it.
func Check(t time.Time) (time.Time, error) {
	if err := item.CheckDate(t); err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// Unix reads a Unix time in seconds, or in milliseconds when its magnitude is
// over 1e11 (which as seconds would be beyond the year 5000).
func Unix(f float64) (time.Time, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, fmt.Errorf("%w: %v", ErrBad, f)
	}
	ms := f
	if math.Abs(f) <= 1e11 {
		ms = f * 1000
	}
	// Beyond what int64 milliseconds (or the index) hold: out of range.
	if ms < float64(item.MinDate().UnixMilli()) || ms > float64(item.MaxDate().UnixMilli()) {
		return time.Time{}, fmt.Errorf("date %s %w (%s to %s)", strconv.FormatFloat(f, 'g', -1, 64), item.ErrDateRange,
			item.MinDate().Format(time.DateOnly), item.MaxDate().Format(time.DateOnly))
	}
	return time.UnixMilli(int64(math.Round(ms))).UTC(), nil
}

// unix reads s as a Unix time when it is all digits (with an optional sign,
// fraction or exponent) and not a YYYYMMDD day.
func unix(s string) (time.Time, bool, error) {
	digits := strings.TrimLeft(s, "+-")
	if digits == "" || len(digits) == 8 && isDigits(digits) {
		return time.Time{}, false, nil
	}
	for _, r := range digits {
		if !(r >= '0' && r <= '9' || r == '.' || r == 'e' || r == 'E' || r == '+' || r == '-') {
			return time.Time{}, false, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}, false, nil
	}
	t, err := Unix(f)
	return t, true, err
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// normalize takes weekday names and a zone name out of s and shortens month
// names to three letters, capitalized as Go's layouts want them. It returns
// the zone: a location (ET), or a fixed offset in minutes; named says one was
// found.
func normalize(s string) (rest string, loc *time.Location, offset int, named bool) {
	words := strings.Split(s, " ")
	out := words[:0]
	for _, w := range words {
		bare := strings.Trim(w, ",.()")
		lower := strings.ToLower(bare)
		if !named {
			if name, ok := ruledZones[strings.ToUpper(bare)]; ok && bare == strings.ToUpper(bare) {
				if l, err := time.LoadLocation(name); err == nil {
					loc, named = l, true
					continue
				}
			}
			if off, ok := fixedZones[strings.ToUpper(bare)]; ok && bare == strings.ToUpper(bare) {
				offset, named = off, true
				continue
			}
		}
		if isWeekday(lower) {
			continue
		}
		if m := monthIndex(lower); m >= 0 {
			abbr := strings.ToUpper(months[m][:1]) + months[m][1:]
			w = strings.Replace(strings.Replace(w, bare, abbr, 1), abbr+".", abbr, 1) // "Jan." is "Jan"
		}
		out = append(out, w)
	}
	rest = strings.Trim(strings.Join(out, " "), " ,")
	return rest, loc, offset, named
}

func isWeekday(w string) bool {
	if len(w) < 3 {
		return false
	}
	for _, d := range weekdays {
		if w == d || w == d[:3] || len(w) == 4 && w == d[:4] { // "Tues", "Thur"
			return true
		}
	}
	return false
}

// monthIndex is the 0-based month of a month word (full, three letters or
// "sept"), or -1.
func monthIndex(w string) int {
	for i, m := range monthNames {
		if w == m || w == months[i] || w == "sept" && i == 8 {
			return i
		}
	}
	return -1
}
