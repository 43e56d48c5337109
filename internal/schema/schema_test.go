package schema

import (
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"

	"newsdex/internal/item"
)

func TestRoundTripThroughIndex(t *testing.T) {
	m := Mapping()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	want := []item.Item{
		{Kind: item.Article, Title: "Grain silos fill early", Region: "Asia Pacific",
			Date: time.Date(1987, 3, 2, 0, 0, 0, 0, time.UTC), Dateline: "SYDNEY",
			Body: "Farmers filled silos.\n\nPrices fell.", Caption: "A silo.", Byline: "Reporting by A",
			ReadMinutes: 2, Source: "Reuters", File: "a.txt"},
		{Kind: item.Teaser, Title: "Ports reopen", Region: "Europe",
			Date: time.Date(1987, 3, 2, 16, 24, 0, 0, time.UTC), Summary: "Ports reopened.",
			Source: "Reuters", File: "a.txt", Pages: 3, ArticleID: "a123"},
		{Kind: item.Article, Title: "Undated story", Body: "No date was printed.", File: "business/001.txt"},
	}
	for i := range want {
		want[i].EnsureID()
		if err := idx.Index(want[i].ID, Document(&want[i])); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range want {
		req := bleve.NewSearchRequest(bleve.NewDocIDQuery([]string{w.ID}))
		req.Fields = []string{"*"}
		res, err := idx.Search(req)
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("search %s: %v, %v", w.ID, res, err)
		}
		got := FromFields(res.Hits[0].ID, res.Hits[0].Fields)
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
	// An undated item matches no date range and sorts last both ways.
	from, to := item.MinDate(), item.MaxDate()
	dq := bleve.NewDateRangeQuery(from, to)
	dq.SetField(FieldDate)
	if res, err := idx.Search(bleve.NewSearchRequest(dq)); err != nil || res.Total != 2 {
		t.Errorf("date range over all time: %v hits, %v; want the 2 dated items", res.Total, err)
	}
	for _, desc := range []bool{false, true} {
		req := bleve.NewSearchRequest(bleve.NewMatchAllQuery())
		req.SortByCustom(search.SortOrder{&search.SortField{Field: FieldDateKey, Type: search.SortFieldAsString,
			Desc: desc, Missing: search.SortFieldMissingLast}})
		res, err := idx.Search(req)
		if err != nil || len(res.Hits) != 3 || res.Hits[2].ID != want[2].ID {
			t.Errorf("date sort desc=%v: %v, %v; want the undated item last", desc, res, err)
		}
	}
	// Keyword fields match case-insensitively.
	for _, q := range []string{"europe", "EUROPE", "asia pacific"} {
		tq := bleve.NewTermQuery(q)
		if q == "EUROPE" {
			mq := bleve.NewMatchQuery(q)
			mq.SetField(FieldRegion)
			req := bleve.NewSearchRequest(mq)
			res, _ := idx.Search(req)
			if res.Total != 1 {
				t.Errorf("match region %q: %d hits", q, res.Total)
			}
			continue
		}
		tq.SetField(FieldRegion)
		res, _ := idx.Search(bleve.NewSearchRequest(tq))
		if res.Total != 1 {
			t.Errorf("term region %q: %d hits", q, res.Total)
		}
	}
}

func TestFacetTerms(t *testing.T) {
	it := item.Item{Kind: item.Teaser, Region: "Markets: Asia", Date: time.Date(1987, 3, 31, 23, 59, 0, 0, time.FixedZone("X", -3600))}
	got := FacetTerms(&it)
	want := []string{"region:Markets: Asia", "kind:teaser", "month:1987-04"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FacetTerms (-want +got):\n%s", diff)
	}
	if name, value, ok := SplitFacetTerm(got[0]); !ok || name != FacetRegion || value != "Markets: Asia" {
		t.Errorf("SplitFacetTerm(%q) = %q, %q, %v", got[0], name, value, ok)
	}
	if terms := FacetTerms(&item.Item{Kind: item.Article}); len(terms) != 2 || terms[1] != "month:"+MonthUndated {
		t.Errorf("no region, no date: %v", terms)
	}
}

// TestPairsAnalyzer checks the pairs field's tokens: the stems of each two
// common words side by side, at the first word's position and from its
// start to the second word's end; a pair with a rarer word or a stop word
// is left out; compound tokens pair whole and by their parts.
func TestPairsAnalyzer(t *testing.T) {
	m := Mapping()
	type tok struct {
		Term       string
		Pos        int
		Start, End int
	}
	for _, tc := range []struct {
		text string
		want []tok
	}{
		// "rose" is no common word.
		{"Interest rates rose", []tok{{"interest rate", 1, 0, 14}}},
		// "zyzzyva" is no common word and "of", "the" are stop words.
		{"the zyzzyva of the central bank", []tok{{"central bank", 5, 19, 31}}},
		// Possessives dropped, lower case.
		{"The Company's shares", []tok{{"compani share", 2, 4, 20}}},
		// A compound pairs whole (the stem of "u.s" is "u.") and by its
		// common parts ("s" is, from "U.S." and the like; "u" is not).
		{"U.S. oil prices", []tok{{"u. oil", 1, 0, 8}, {"s oil", 1, 2, 8}, {"oil price", 2, 5, 15}}},
		{"oil", nil},
		{"", nil},
	} {
		ts, err := m.AnalyzeText(PairsAnalyzer, []byte(tc.text))
		if err != nil {
			t.Fatal(err)
		}
		var got []tok
		for _, x := range ts {
			got = append(got, tok{string(x.Term), x.Position, x.Start, x.End})
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.text, diff)
		}
	}
	for _, tc := range []struct {
		word, key string
		pairs     bool
	}{
		{"interest", "interest", true}, {"rates", "rate", true}, {"bank", "bank", true}, {"oil", "oil", true},
		{"zyzzyva", "zyzzyva", false}, {"the", "", false}, {"of", "", false},
	} {
		if key, ok := PairKey(tc.word); key != tc.key || ok != tc.pairs {
			t.Errorf("PairKey(%q) = %q, %t; want %q, %t", tc.word, key, ok, tc.key, tc.pairs)
		}
	}
}

// TestNoCompositeField: no field is copied to _all, so a document has no
// composite field at all (bleve would add an empty one to every document,
// which zap then processes: 10% of a batch's build time).
func TestNoCompositeField(t *testing.T) {
	it := item.Item{ID: "a", Kind: item.Article, Title: "Crude prices rise", Body: "Crude prices rose.", Region: "Europe"}
	d := document.NewDocument(it.ID)
	if err := Mapping().MapDocument(d, Document(&it)); err != nil {
		t.Fatal(err)
	}
	if d.HasComposite() {
		var names []string
		d.VisitComposite(func(c index.CompositeField) { names = append(names, c.Name()) })
		t.Errorf("the document has composite fields %v, want none", names)
	}
	fields := 0
	d.VisitFields(func(index.Field) { fields++ })
	if fields < 5 {
		t.Errorf("the document has %d fields: the mapping dropped its fields too", fields)
	}
}
