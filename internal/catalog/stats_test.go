package catalog

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestWriteTable: the header aligned with the rows, the top regions and "and
// N more", months or, over more than two years, years.
func TestWriteTable(t *testing.T) {
	few := IndexStats{
		Total: 38, ByKind: map[string]uint64{"article": 19, "teaser": 19},
		ByRegion:  map[string]uint64{"Americas": 12, "Europe": 7, "World": 2},
		ByMonth:   map[string]uint64{"1987-03": 10, "1987-04": 15, "2021-10": 13},
		FirstDate: "1987-03-02T00:00:00Z", LastDate: "2021-10-11T00:00:00Z", SizeBytes: 198484,
	}
	many := IndexStats{Total: 2400, ByKind: map[string]uint64{"article": 2400}, ByRegion: map[string]uint64{}, ByMonth: map[string]uint64{},
		FirstDate: "2007-01-01T00:00:00Z", LastDate: "2016-12-31T00:00:00Z", SizeBytes: 5 << 20}
	for i := range 395 {
		many.ByRegion[fmt.Sprintf("Region %03d", i)] = uint64(1000 - i)
	}
	for y := 2007; y <= 2016; y++ {
		for m := 1; m <= 12; m++ {
			many.ByMonth[fmt.Sprintf("%d-%02d", y, m)] = 20
		}
	}
	tests := []struct {
		name  string
		st    IndexStats
		index string
		want  string
	}{
		{"few", few, "demo.bleve (gen-000001)", `index       demo.bleve (gen-000001)
items       38
  articles  19
  teasers   19
dates       1987-03-02 to 2021-10-11
size        193.8 KiB

region    items
Americas  12
Europe    7
World     2

month    items
1987-03  10
1987-04  15
2021-10  13
`},
		{"many", many, "", `items       2400
  articles  2400
  teasers   0
dates       2007-01-01 to 2016-12-31
size        5.0 MiB

region      items
Region 000  1000
Region 001  999
Region 002  998
Region 003  997
Region 004  996
Region 005  995
Region 006  994
Region 007  993
Region 008  992
Region 009  991
and 385 more (--json lists them all)

year  items
2007  240
2008  240
2009  240
2010  240
2011  240
2012  240
2013  240
2014  240
2015  240
2016  240
`},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := tt.st.WriteTable(&b, tt.index); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("%s:\n%s\nwant\n%s", tt.name, b.String(), tt.want)
		}
		if strings.Contains(b.String(), "\t") || strings.Contains(b.String(), " \n") {
			t.Errorf("%s: a tab or trailing space:\n%q", tt.name, b.String())
		}
	}
}
