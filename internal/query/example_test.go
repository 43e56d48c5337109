package query_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"

	"newsdex/internal/item"
	"newsdex/internal/query"
	"newsdex/internal/schema"
)

func ExampleParse() {
	for _, s := range []string{`opec AND (output OR production) -saudi`, `title:"crude oil" export*`, `oil OR`} {
		n, err := query.Parse(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(n)
	}
	// Output:
	// (AND opec (OR output production) (NOT saudi))
	// (AND title:"crude oil" export*)
	// query: unexpected end of query at column 7
}

// A request is checked whole before it is searched; a bad parameter is a
// *query.ParamError naming it (an HTTP 400, a usage error on the command line).
func ExampleRequest_Validate() {
	for _, r := range []query.Request{
		{Query: "bank", From: "1987-03-01", To: "1987-03-31", Regions: []string{"Europe"}},
		{Query: "bank", Kind: "video"},
		{From: "1987-04-01", To: "1987-03-01"},
	} {
		err := r.Validate()
		var pe *query.ParamError
		if errors.As(err, &pe) {
			fmt.Printf("%s: %s\n", pe.Param, pe.Msg)
			continue
		}
		fmt.Println("ok", err)
	}
	// Output:
	// ok <nil>
	// kind: unknown kind "video" (want article or teaser)
	// from: 1987-04-01 is after to (1987-03-01)
}

func ExampleSearcher_Search() {
	idx, err := bleve.NewMemOnly(schema.Mapping())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer idx.Close()
	day := time.Date(1987, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, it := range []item.Item{
		{Kind: item.Article, Title: "Orvandi lifts barley quota", Region: "Europe", Date: day, Body: "The grain cooperative raised its barley quota."},
		{Kind: item.Article, Title: "Kessal port opens grain terminal", Region: "Business", Date: day.AddDate(0, 0, 1), Body: "A new terminal for grain and barley."},
		{Kind: item.Teaser, Title: "Coffee prices fall", Region: "Americas", Date: day},
	} {
		it.EnsureID()
		if err := idx.Index(it.ID, schema.Document(&it)); err != nil {
			fmt.Println(err)
			return
		}
	}
	resp, err := query.NewSearcher(idx).Search(context.Background(), query.Request{Query: "barley", Regions: []string{"europe"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Total, "hit")
	for _, h := range resp.Hits {
		fmt.Println(h.Kind, h.Region, h.Title)
	}
	// Output:
	// 1 hit
	// article Europe Orvandi lifts barley quota
}
