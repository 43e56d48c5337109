package htmlpage

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"newsdex/internal/item"
)

const article = `<html><head><title>Harbour line opens</title><meta property="og:site_name" content="Gazette"></head>
<body><article><h1>Harbour line opens</h1><p>The new harbour tram line opened on Tuesday with twelve trams running every ten minutes between the ferry pier and the central station.</p>
<p>Officials said passenger numbers on the first day were higher than expected, and that extra trams would run at weekends.</p></article></body></html>`

func TestParse(t *testing.T) {
	fetched := time.Date(2021, 10, 8, 12, 0, 0, 0, time.UTC)
	it, err := Parse(Page{File: "a.html", URL: "https://example.com/a", Fetched: fetched}, []byte(article))
	if err != nil {
		t.Fatal(err)
	}
	if it.Title != "Harbour line opens" || !strings.Contains(it.Body, "twelve trams") || it.Source != "Gazette" ||
		it.URL != "https://example.com/a" || !it.Date.Equal(fetched) || it.File != "a.html" {
		t.Errorf("got %+v", it)
	}
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"", ErrEmpty},
		{"  \n", ErrEmpty},
		{"date 2021-10-04 a Reuters page", ErrNotHTML},
		{"<html><head><title>Menu</title></head><body><a href=/>Home</a></body></html>", ErrNoText},
	} {
		_, err := Parse(Page{File: "x.html"}, []byte(tc.in))
		var pe *ParseError
		if !errors.Is(err, tc.want) || !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "x.html:1: ") {
			t.Errorf("%q: %v, want %v", tc.in, err, tc.want)
		}
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, ctype string
		data        []byte
		want        string
	}{
		{"utf-8 despite a latin-1 meta", "", []byte(`<meta charset="iso-8859-1">caf` + "\xc3\xa9"), "café"},
		{"meta windows-1252", "", []byte(`<meta charset="windows-1252">caf` + "\xe9 \x80"), "café €"},
		{"header koi8-r", "text/html; charset=koi8-r", []byte("<p>\xd0\xd2\xc9\xd7\xc5\xd4"), "привет"},
		{"undeclared latin-1", "", []byte("<p>F\xe4hre"), "Fähre"},
		{"utf-16 bom", "", []byte("\xff\xfe<\x00p\x00>\x00h\x00i\x00"), "hi"},
		{"unknown charset", "text/html; charset=x-nonesuch", []byte("<p>plain"), "plain"},
	} {
		b, err := io.ReadAll(Decode(tc.data, tc.ctype))
		if err != nil || !strings.HasSuffix(string(b), tc.want) {
			t.Errorf("%s: %q, %v; want it to end in %q", tc.name, b, err, tc.want)
		}
	}
}

// FuzzParse: any bytes give an item or a *ParseError, never a panic; an
// item has a title, a body and a date in range or none.
func FuzzParse(f *testing.F) {
	for _, s := range []string{article, "<html><body><p>x</p></body></html>", "<meta charset=koi8-r><title>\xd0</title>", "<!--", "<html>\xff\xfe"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := Parse(Page{File: "f.html"}, data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		if it.Title == "" || it.Body == "" || it.ID == "" || !it.Date.IsZero() && item.CheckDate(it.Date) != nil {
			t.Fatalf("bad item %+v", it)
		}
	})
}
