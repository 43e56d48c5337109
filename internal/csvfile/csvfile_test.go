package csvfile

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"newsdex/internal/item"
	"newsdex/internal/jsonl"
)

func readRows(t testing.TB, data string, fields map[string]string, tab bool) []Row {
	r := NewReader(strings.NewReader(data), "f.csv", fields, tab)
	var rows []Row
	for i := 0; i < 100000; i++ {
		row, err := r.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		rows = append(rows, row)
	}
	t.Fatal("Read never ended")
	return nil
}

func TestRows(t *testing.T) {
	data := "\ufeffTitle,DATE,Body,extra\n" +
		"\"A, quoted\",2021-10-04,\"two\nlines\",x\n" +
		"\n" +
		"B,,plain,\n" +
		"C,2021-10-04,too,many,fields\n" +
		"D,bad date,b,\n"
	rows := readRows(t, data, nil, false)
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4: %+v", len(rows), rows)
	}
	a := rows[0].Item
	if rows[0].Err != nil || a.Title != "A, quoted" || a.Body != "two\nlines" || !a.Date.Equal(time.Date(2021, 10, 4, 0, 0, 0, 0, time.UTC)) || rows[0].Line != 2 {
		t.Errorf("row 1: %+v", rows[0])
	}
	if rows[1].Err != nil || rows[1].Item.Title != "B" || !rows[1].Item.Date.IsZero() || rows[1].Line != 5 {
		t.Errorf("row 2 (undated, after a blank line): %+v", rows[1])
	}
	if rows[2].Err == nil || rows[2].Err.Error() != "f.csv:6: 5 fields, the header has 4" {
		t.Errorf("row 3: %v", rows[2].Err)
	}
	if !errors.Is(rows[3].Err, jsonl.ErrBadDate) || !strings.HasPrefix(rows[3].Err.Error(), "f.csv:7: date not understood") {
		t.Errorf("row 4: %v", rows[3].Err)
	}
	// Mapped, case-insensitively; TSV.
	rows = readRows(t, "headline\tts\nH\t1168904940\n", map[string]string{"title": "Headline", "date": "TS"}, true)
	if len(rows) != 1 || rows[0].Err != nil || rows[0].Item.Title != "H" || !rows[0].Item.Date.Equal(time.Unix(1168904940, 0)) {
		t.Errorf("tsv: %+v", rows)
	}
	// No header.
	rows = readRows(t, "", nil, false)
	if len(rows) != 1 || !errors.Is(rows[0].Err, ErrNoHeader) {
		t.Errorf("empty file: %+v", rows)
	}
	// A mapped column the header lacks: no title in any row.
	rows = readRows(t, "a,b\n1,2\n", map[string]string{"title": "headline"}, false)
	if len(rows) != 1 || rows[0].Err == nil || rows[0].Err.Error() != `f.csv:2: no title (field "headline")` {
		t.Errorf("missing column: %+v", rows)
	}
}

// FuzzRead: any bytes give rows or errors naming FILE:LINE, never a panic or
// an endless read, and every item has a title and an in-range date.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"Time,Headlines\n18-Jul-20,Johnson\n",
		"Headlines,Time,Description\n\"A\",\" 7:51  PM ET Fri, 17 July 2020\",\"\"\"q\"\"\"\n",
		"title,date\n\"unclosed,2020\n",
		"\ufefftitle\tdate\nT\t2021\n",
		"title,date,body\nT,,\"x\ny\"\nU,1e300,z\n",
	} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, data string, tab bool) {
		for _, row := range readRows(t, data, map[string]string{"title": "Headlines", "date": "Time"}, tab) {
			if row.Err != nil {
				var pe *jsonl.ParseError
				if !errors.As(row.Err, &pe) || pe.Line < 1 {
					t.Fatalf("error %v is not a *jsonl.ParseError with a line", row.Err)
				}
				continue
			}
			it := row.Item
			if strings.TrimSpace(it.Title) == "" || it.ID == "" || !it.Date.IsZero() && item.CheckDate(it.Date) != nil {
				t.Fatalf("bad item %+v", it)
			}
		}
	})
}
