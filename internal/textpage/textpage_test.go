package textpage

import (
	"errors"
	"strings"
	"testing"

	"newsdex/internal/page"
)

func TestParse(t *testing.T) {
	it, err := Parse("business/001.txt", []byte("\ufeffAd sales boost profit\r\n\r\nFirst paragraph\r\nwraps.\r\n\r\n\r\nSecond.\r\n"))
	if err != nil || it.Title != "Ad sales boost profit" || it.Body != "First paragraph wraps.\n\nSecond." || it.File != "business/001.txt" || !it.Date.IsZero() || it.ID == "" {
		t.Errorf("got %+v, %v", it, err)
	}
	it, err = Parse("sport/199.txt", []byte("Pound\n\nIt cost \xa3600m.\n"))
	if err != nil || it.Body != "It cost £600m." {
		t.Errorf("latin-1: %q, %v", it.Body, err)
	}
	for _, tc := range []struct {
		in   string
		want error
		msg  string
	}{
		{"", ErrEmpty, "x.txt:1: empty file"},
		{"\n \n", ErrEmpty, "x.txt:1: empty file"},
		{"\n\nHeadline only\n\n", ErrNoBody, "x.txt:3: a headline but no body"},
		{"a\x00b", ErrBinary, "x.txt:1: binary data, not text"},
	} {
		_, err := Parse("x.txt", []byte(tc.in))
		var pe *page.ParseError
		if !errors.Is(err, tc.want) || !errors.As(err, &pe) || err.Error() != tc.msg {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.msg)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"Headline\n\nBody.\n", "\n\nH\n\nB\n\nC", "H\n", "\xa3\n\n\xa3", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := Parse("f.txt", data)
		if err != nil {
			var pe *page.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *page.ParseError", err)
			}
			return
		}
		if strings.TrimSpace(it.Title) == "" || it.Body == "" || it.ID == "" || strings.Contains(it.Title, "\n") {
			t.Fatalf("bad item %+v", it)
		}
	})
}
