package input_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"newsdex/internal/input"
	"newsdex/internal/testenv"
)

// TestGolden reads the small files of internal/input/testdata/html, csv, text and warc with
// each reader and compares the items and errors with the .golden beside
// them (go test -update rewrites them, testenv.Golden).
func TestGolden(t *testing.T) {
	tests := []struct {
		path   string
		opt    input.Options
		golden string
	}{
		{"html", input.Options{}, "html/html.golden"},
		{"csv/guardian-shape.csv", input.Options{Fields: map[string]string{"title": "Headlines", "date": "Time"}}, ""},
		{"csv/cnbc-shape.csv", input.Options{Fields: map[string]string{"title": "Headlines", "date": "Time", "summary": "Description"}}, ""},
		{"csv/agnews-shape.tsv", input.Options{Fields: map[string]string{"body": "description", "region": "label"}}, ""},
		{"text", input.Options{Format: "text"}, "text/text.golden"},
		{"warc/crawl.warc", input.Options{}, ""},
		{"warc/crawl.warc.gz", input.Options{}, "warc/crawl.warc.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var b strings.Builder
			for _, r := range readAll(t, []string{filepath.Join("testdata", tt.path)}, tt.opt) {
				if r.Err != nil {
					b.WriteString("error: " + r.Err.Error() + "\n")
					continue
				}
				for _, it := range r.Items {
					line, err := json.Marshal(it)
					if err != nil {
						t.Fatal(err)
					}
					b.Write(line)
					b.WriteByte('\n')
				}
			}
			golden := tt.golden
			if golden == "" {
				golden = strings.TrimSuffix(tt.path, filepath.Ext(tt.path)) + ".golden"
			}
			testenv.Golden(t, filepath.Join("testdata", golden), []byte(b.String()))
		})
	}
}
