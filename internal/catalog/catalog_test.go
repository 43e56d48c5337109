package catalog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/google/go-cmp/cmp"

	"newsdex/internal/catalog"
	"newsdex/internal/item"
	"newsdex/internal/schema"
)

func memIndex(t *testing.T, its []item.Item) bleve.Index {
	t.Helper()
	idx, err := bleve.NewMemOnly(schema.Mapping())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	for i := range its {
		its[i].EnsureID()
		if err := idx.Index(its[i].ID, schema.Document(&its[i])); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

func TestStatsAndExport(t *testing.T) {
	day := time.Date(1987, 3, 2, 0, 0, 0, 0, time.UTC)
	its := []item.Item{
		{Kind: item.Article, Title: "Orvandi lifts barley quota", Region: "Europe", Date: day, Body: "The cooperative said.", Source: "Reuters"},
		{Kind: item.Article, Title: "Kessal port opens terminal", Region: "Business", Date: day.AddDate(0, 1, 3), Body: "A new terminal.", Source: "Reuters"},
		{Kind: item.Teaser, Title: "Coffee prices fall", Region: "Europe", Date: day.Add(10 * time.Hour), Pages: 2, Source: "Reuters"},
	}
	idx := memIndex(t, its)

	st, err := catalog.Stats(idx)
	if err != nil {
		t.Fatal(err)
	}
	st.SizeBytes = 0 // scorch's own figure for an in-memory index
	want := catalog.IndexStats{
		Total:     3,
		ByKind:    map[string]uint64{"article": 2, "teaser": 1},
		ByRegion:  map[string]uint64{"Europe": 2, "Business": 1},
		ByMonth:   map[string]uint64{"1987-03": 2, "1987-04": 1},
		FirstDate: "1987-03-02T00:00:00Z",
		LastDate:  "1987-04-05T00:00:00Z",
	}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	var table bytes.Buffer
	if err := st.WriteTable(&table, ""); err != nil || !bytes.Contains(table.Bytes(), []byte("1987-03-02")) || !bytes.Contains(table.Bytes(), []byte("Europe")) {
		t.Errorf("table: %v\n%s", err, table.String())
	}

	// Export: every item, in id order, as it went in.
	var out bytes.Buffer
	n, err := catalog.Export(context.Background(), idx, &out)
	if err != nil || n != len(its) {
		t.Fatalf("export: %d items, %v", n, err)
	}
	var got []item.Item
	dec := json.NewDecoder(&out)
	for dec.More() {
		var it item.Item
		if err := dec.Decode(&it); err != nil {
			t.Fatal(err)
		}
		got = append(got, it)
	}
	byID := map[string]item.Item{}
	for _, it := range its {
		byID[it.ID] = it
	}
	for i, it := range got {
		if i > 0 && got[i-1].ID >= it.ID {
			t.Errorf("export not in id order: %s after %s", it.ID, got[i-1].ID)
		}
		if diff := cmp.Diff(byID[it.ID], it); diff != "" {
			t.Errorf("exported %s (-indexed +exported):\n%s", it.ID, diff)
		}
	}
}
