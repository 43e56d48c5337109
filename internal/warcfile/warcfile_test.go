package warcfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func record(typ, uri, ctype string, block []byte) []byte {
	return []byte(fmt.Sprintf("WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"+
		"WARC-Date: 2021-10-08T12:00:00Z\r\nWARC-Target-URI: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n",
		typ, uri, ctype, len(block), block))
}

func response(status, ctype, body string) []byte {
	return []byte(fmt.Sprintf("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s", status, ctype, len(body), body))
}

func TestRead(t *testing.T) {
	var w bytes.Buffer
	w.Write(record("response", "https://a/1", "application/http;msgtype=response", response("200 OK", "text/html; charset=utf-8", "<html><p>one</p></html>")))
	w.Write(record("response", "https://a/2", "application/http;msgtype=response", response("404 Not Found", "text/html", "gone")))
	w.Write(record("response", "https://a/3", "application/http;msgtype=response", response("200 OK", "image/png", "PNG")))
	w.Write(record("resource", "https://a/4", "text/html", []byte("<html><p>four</p></html>")))
	w.Write(record("request", "https://a/5", "application/http;msgtype=request", []byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n")))
	var got []string
	err := Read(&w, 1<<20, func(p Page) error {
		got = append(got, fmt.Sprintf("%d %s %s %s %v %s", p.Record, p.URL, p.Type, p.Fetched.Format("2006-01-02T15:04:05Z"), p.Err, p.Body))
		return nil
	})
	want := []string{
		"1 https://a/1 text/html; charset=utf-8 2021-10-08T12:00:00Z <nil> <html><p>one</p></html>",
		"4 https://a/4 text/html 2021-10-08T12:00:00Z <nil> <html><p>four</p></html>",
	}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
	if err := Read(bytes.NewReader([]byte("not a warc at all")), 1<<20, func(Page) error { return nil }); err == nil {
		t.Error("not a WARC: no error")
	}
	// A payload over the limit is reported, and the next record read.
	var big bytes.Buffer
	big.Write(record("resource", "https://a/big", "text/html", bytes.Repeat([]byte("x"), 5000)))
	big.Write(record("resource", "https://a/small", "text/html", []byte("<p>s</p>")))
	got = nil
	Read(&big, 1000, func(p Page) error { got = append(got, fmt.Sprintf("%s %v", p.URL, p.Err)); return nil })
	if fmt.Sprint(got) != "[https://a/big payload over the limit of 1000 bytes https://a/small <nil>]" {
		t.Errorf("limit: %q", got)
	}
}

// FuzzRead: any bytes end in pages and an error or nil, never a panic or a
// hang; seeded with the golden crawls of package input.
func FuzzRead(f *testing.F) {
	f.Add(record("resource", "https://a/4", "text/html", []byte("<html><p>four</p></html>")))
	f.Add(record("response", "https://a/1", "application/http;msgtype=response", response("200 OK", "text/html", "<p>x</p>")))
	for _, name := range []string{"crawl.warc", "crawl.warc.gz"} {
		if b, err := os.ReadFile(filepath.Join("..", "input", "testdata", "warc", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		Read(bytes.NewReader(data), 1<<16, func(p Page) error {
			n++
			if p.Err == nil && int64(len(p.Body)) > 1<<16 {
				t.Fatalf("payload of %d bytes over the limit", len(p.Body))
			}
			return nil
		})
	})
}
