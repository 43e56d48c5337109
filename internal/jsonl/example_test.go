package jsonl_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"newsdex/internal/jsonl"
)

func ExampleReader() {
	in := `{"title":"Orvandi lifts barley quota","date":"1987-03-02","region":"Europe","body":"The cooperative said..."}
{"kind":"teaser","title":"Kessal port opens grain terminal","date":"1987-03-02T10:05:00Z","summary":"A new terminal..."}
{"title":"Rumour","kind":"rumour","date":"1987-03-02"}
`
	r := jsonl.NewReader(strings.NewReader(in), "items.jsonl")
	for {
		it, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err) // FILE:LINE: what is wrong; the next Read goes on
			continue
		}
		fmt.Println(it.Kind, it.Date.Format("2006-01-02 15:04"), it.Title)
	}
	// Output:
	// article 1987-03-02 00:00 Orvandi lifts barley quota
	// teaser 1987-03-02 10:05 Kessal port opens grain terminal
	// items.jsonl:3: kind is neither article nor teaser: "rumour"
}

// Other shapes of JSON are mapped field by field: ours=theirs.
func ExampleReader_fields() {
	in := `{"headline":"Choir sings","category":"ARTS","date":"20070115 11:49 PM EST","link":"https://example.com/c"}`
	r := jsonl.NewReader(strings.NewReader(in), "huffpost.json")
	r.Fields = map[string]string{"title": "headline", "region": "category", "url": "link"}
	it, err := r.Read()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(it.Title, "|", it.Region, "|", it.Date.Format("2006-01-02T15:04Z07:00"), "|", it.URL)
	// Output:
	// Choir sings | ARTS | 2007-01-16T04:49Z | https://example.com/c
}

func ExampleParseDate() {
	for _, s := range []string{"1987-03-02", "1987-03-02T10:05:00+01:00", "20070115 11:49 PM EST", "the fifth of October"} {
		t, err := jsonl.ParseDate(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(t.UTC().Format("2006-01-02T15:04:05Z"))
	}
	// Output:
	// 1987-03-02T00:00:00Z
	// 1987-03-02T09:05:00Z
	// 2007-01-16T04:49:00Z
	// date not understood: "the fifth of October"
}
