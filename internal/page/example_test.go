package page_test

import (
	"fmt"

	"newsdex/internal/page"
)

// A page as scraped: the date line, the section, the headline, the reading
// time, the body after its dateline, the credits and the "More from Reuters"
// teasers.
const scraped = `date 1987-03-02 Skip to main content

Europe

Orvandi grain cooperative lifts barley quota

2 minute read

VELMORA, March 2 (Reuters) - The Orvandi grain cooperative said it would raise its barley delivery quota by 40,000 tonnes.

Reporting by Reuters Staff; Editing by Desk Editor

More from Reuters

Business

Business · 10:05 AM UTC

Kessal port opens new grain terminal

The terminal doubles the port's grain capacity.

Europe
Velmora council approves harbour dredging
`

func ExampleParse() {
	p, err := page.Parse("orvandi.txt", []byte(scraped))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range p.Items() {
		fmt.Printf("%s %s | %s | %s\n", it.Kind, it.Date.Format("2006-01-02 15:04"), it.Region, it.Title)
	}
	fmt.Println(p.Items()[0].Body)

	_, err = page.Parse("empty.txt", nil)
	fmt.Println(err)
	// Output:
	// article 1987-03-02 00:00 | Europe | Orvandi grain cooperative lifts barley quota
	// teaser 1987-03-02 10:05 | Business | Kessal port opens new grain terminal
	// teaser 1987-03-02 00:00 | Europe | Velmora council approves harbour dredging
	// The Orvandi grain cooperative said it would raise its barley delivery quota by 40,000 tonnes.
	// empty.txt:1: empty page
}
