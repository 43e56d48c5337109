// Package csvfile reads news items from CSV and TSV files with a header row:
// one item a row, columns mapped to our fields (package jsonl's names) by the
// same ours=theirs mapping as JSON lines. Without a mapping for a field, a
// column of that name (in any case) is taken: a header "title,date,body" needs
// none. For example the Guardian headlines (header "Time,Headlines") read with
// title=Headlines and date=Time.
//
// Quoted fields, embedded newlines and a byte order mark are handled; an empty
// cell is absent. A row that cannot be read (a stray quote, a row longer than
// the header) is reported as "FILE:LINE: ..." and skipped; the next row is read.
package csvfile

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"newsdex/internal/item"
	"newsdex/internal/jsonl"
)

// ErrNoHeader is the error of a file without a header row.
var ErrNoHeader = errors.New("no header row")

// Row is one row read: its item, or Err (a *jsonl.ParseError naming FILE:LINE).
type Row struct {
	Line int // the row's first physical line
	Item item.Item
	Err  error
}

// Reader reads the rows of one CSV or TSV file.
type Reader struct {
	name   string
	cr     *csv.Reader
	header []string
	fields map[string]string // ours -> the header name it reads
	err    error
}

// NewReader returns a Reader of r, named name in errors, with the field mapping
// fields (ours -> theirs; nil for none); tab reads TSV. The header is read at
// once; its error, if any, is given by the first Read.
func NewReader(r io.Reader, name string, fields map[string]string, tab bool) *Reader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	if tab {
		cr.Comma = '\t'
		cr.LazyQuotes = true // TSV rarely quotes; a quote is a character
	}
	rd := &Reader{name: name, cr: cr}
	header, err := cr.Read()
	switch {
	case err == io.EOF:
		rd.err = &jsonl.ParseError{File: name, Line: 1, Err: ErrNoHeader}
		return rd
	case err != nil:
		rd.err = &jsonl.ParseError{File: name, Line: 1, Err: fmt.Errorf("header: %v", csvError(err))}
		return rd
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	rd.header = header
	rd.fields = map[string]string{}
	for _, ours := range jsonl.Fields() {
		want, mapped := fields[ours]
		if !mapped {
			want = ours
		}
		for _, h := range header {
			if h == want {
				rd.fields[ours] = h
				break
			}
		}
		if _, ok := rd.fields[ours]; ok {
			continue
		}
		for _, h := range header {
			if strings.EqualFold(h, want) {
				rd.fields[ours] = h
				break
			}
		}
		if _, ok := rd.fields[ours]; !ok && mapped {
			rd.fields[ours] = want // absent from the header: the field is missing in every row
		}
	}
	return rd
}

// Read returns the next row; io.EOF at the end. A header that cannot be read
// is returned once, then io.EOF.
func (r *Reader) Read() (Row, error) {
	if r.err != nil {
		err := r.err
		r.err = io.EOF
		if err == io.EOF {
			return Row{}, io.EOF
		}
		return Row{Line: 1, Err: err}, nil
	}
	for {
		rec, err := r.cr.Read()
		if err == io.EOF {
			return Row{}, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(err, csv.ErrFieldCount) {
			return Row{Line: pe.StartLine, Err: &jsonl.ParseError{File: r.name, Line: pe.StartLine, Err: csvError(err)}}, nil
		}
		if err != nil && !errors.Is(err, csv.ErrFieldCount) {
			return Row{}, err
		}
		if len(rec) == 0 {
			continue
		}
		line, _ := r.cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) > len(r.header) {
			return Row{Line: line, Err: &jsonl.ParseError{File: r.name, Line: line,
				Err: fmt.Errorf("%d fields, the header has %d", len(rec), len(r.header))}}, nil
		}
		it, err := r.item(line, rec)
		return Row{Line: line, Item: it, Err: err}, nil
	}
}

// item maps one row through package jsonl, so that CSV and JSON lines read
// fields, dates and errors alike.
func (r *Reader) item(line int, rec []string) (item.Item, error) {
	obj := make(map[string]string, len(rec))
	for i, v := range rec {
		if strings.TrimSpace(v) != "" {
			obj[r.header[i]] = v
		}
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return item.Item{}, &jsonl.ParseError{File: r.name, Line: line, Err: err}
	}
	it, err := jsonl.Parse(r.name, line, data, r.fields)
	it.Title = item.FoldSpace(it.Title) // a headline is one line, whatever the cell held
	return it, err
}

// csvError words encoding/csv's error without its own position prefix.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
