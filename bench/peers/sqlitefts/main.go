// Command sqlitefts is the SQLite FTS5 peer of newsdex's benchmarks
// (modernc.org/sqlite: pure Go, FTS5 compiled in). An FTS5 table with the
// porter tokenizer holds title and body; a plain table with the same rowid
// holds the id, date and region, indexed, for the filters. Results are
// ranked by bm25() with equal column weights.
//
// It reads JSON lines (optionally gzipped) of the Reuters-21578 articles,
// builds the database and/or runs the ten benchmark queries of issue 6
// in-process, then prints one JSON object on stdout.
package main

import (
	"bufio"
	"compress/gzip"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite"
)

type article struct {
	ID     string `json:"id"`
	Date   string `json:"date"`
	Region string `json:"region"`
	Title  string `json:"title"`
	Body   string `json:"body"`
}

type result struct {
	Engine        string        `json:"engine"`
	SQLiteVersion string        `json:"sqlite_version"`
	Docs          int           `json:"docs,omitempty"`
	BuildSeconds  float64       `json:"build_seconds,omitempty"`
	PeakRSSBytes  int64         `json:"peak_rss_bytes"`
	IndexBytes    int64         `json:"index_bytes,omitempty"`
	OpenSeconds   float64       `json:"open_seconds,omitempty"`
	Queries       []queryResult `json:"queries,omitempty"`
}

// queryResult is one query's raw timings (the harness computes the
// percentiles, with the same function for every engine), total and top 10.
type queryResult struct {
	Name      string   `json:"name"`
	SamplesNs []int64  `json:"samples_ns"`
	Total     uint64   `json:"total"`
	Top       []string `json:"top"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sqlitefts:", err)
		os.Exit(1)
	}
}

func run() error {
	input := flag.String("input", "", "JSON lines of articles (.jsonl or .jsonl.gz); empty: only query an existing -index")
	scale := flag.Int("scale", 1, "read the input this many times, with other ids from the second copy on")
	dir := flag.String("index", "", "folder for the database file news.db (default: a temporary folder, removed at the end)")
	reps := flag.Int("reps", 0, "run each benchmark query this many times (0: no queries)")
	flag.Parse()

	res := result{Engine: "SQLite FTS5"}
	path := *dir
	if path == "" {
		tmp, err := os.MkdirTemp("", "sqlitefts-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		path = tmp
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return err
	}
	dbPath := filepath.Join(path, "news.db")

	if *input != "" {
		if err := build(&res, *input, *scale, dbPath); err != nil {
			return err
		}
	}
	if *reps > 0 {
		if err := queries(&res, dbPath, *reps); err != nil {
			return err
		}
	}
	res.PeakRSSBytes = peakRSS()
	return json.NewEncoder(os.Stdout).Encode(res)
}

const schema = `
CREATE TABLE meta(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, date TEXT NOT NULL, region TEXT NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize = 'porter unicode61');
`

const indexes = `
CREATE INDEX meta_date ON meta(date);
CREATE INDEX meta_region_date ON meta(region, date);
`

func build(res *result, input string, scale int, dbPath string) error {
	start := time.Now()
	_ = os.Remove(dbPath)
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		return err
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	insMeta, err := tx.Prepare(`INSERT INTO meta(rowid, id, date, region) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insFTS, err := tx.Prepare(`INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	rowid := int64(0)
	for k := 0; k < scale; k++ {
		err := readArticles(input, func(a *article) error {
			if k > 0 {
				a.ID = a.ID + "-x" + strconv.Itoa(k)
			}
			rowid++
			if _, err := insMeta.Exec(rowid, a.ID, a.Date, a.Region); err != nil {
				return err
			}
			if _, err := insFTS.Exec(rowid, a.Title, a.Body); err != nil {
				return err
			}
			res.Docs++
			return nil
		})
		if err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := db.Exec(indexes); err != nil {
		return err
	}
	// Merge the FTS5 b-trees into one, as a finished offline build would.
	if _, err := db.Exec(`INSERT INTO fts(fts) VALUES ('optimize')`); err != nil {
		return err
	}
	if err := db.QueryRow(`SELECT sqlite_version()`).Scan(&res.SQLiteVersion); err != nil {
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	res.BuildSeconds = time.Since(start).Seconds()
	if fi, err := os.Stat(dbPath); err == nil {
		res.IndexBytes = fi.Size()
	}
	return nil
}

func readArticles(path string, fn func(*article) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<20)
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return err
		}
		defer gz.Close()
		r = gz
	}
	dec := json.NewDecoder(r)
	for {
		var a article
		if err := dec.Decode(&a); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
}

// benchQuery is one of the ten queries of issue 6 in FTS5 terms: the MATCH
// expression (empty: none) and the SQL filter on meta. A unary + on a filtered
// column keeps SQLite from driving a full-text query by the meta indexes
// (which made "trade in Asia Pacific in April" 30x slower): FTS5 finds the
// matches, the filter checks them.
type benchQuery struct {
	name   string
	match  string
	filter string
	args   []any
}

func benchQueries() []benchQuery {
	return []benchQuery{
		{name: "oil", match: "oil"},
		{name: "cocoa", match: "cocoa"},
		{name: "crude prices", match: "crude prices"},
		{name: `"interest rates"`, match: `"interest rates"`},
		{name: "opec AND (output OR production) NOT saudi", match: "opec AND (output OR production) NOT saudi"},
		{name: "bank, region Europe", match: "bank", filter: "+m.region = ?", args: []any{"Europe"}},
		{name: "wheat, March 1987", match: "wheat", filter: "+m.date BETWEEN ? AND ?", args: []any{"1987-03-01T00:00:00Z", "1987-03-31T23:59:59Z"}},
		{name: "trade, Asia Pacific, April 1987", match: "trade", filter: "+m.region = ? AND +m.date BETWEEN ? AND ?", args: []any{"Asia Pacific", "1987-04-01T00:00:00Z", "1987-04-30T23:59:59Z"}},
		{name: "all of 15-16 March 1987 (count)", filter: "m.date BETWEEN ? AND ?", args: []any{"1987-03-15T00:00:00Z", "1987-03-16T23:59:59Z"}},
		{name: "export*", match: "export*"},
	}
}

// statements returns the SQL that counts the matches and the SQL that lists
// the ids of the top 10 by bm25() (empty for a count-only query).
func (q benchQuery) statements() (count, top string) {
	if q.match == "" {
		return "SELECT count(*) FROM meta m WHERE " + q.filter, ""
	}
	where := "fts MATCH ?"
	if q.filter != "" {
		where += " AND " + q.filter
	}
	from := " FROM fts JOIN meta m ON m.rowid = fts.rowid WHERE " + where
	return "SELECT count(*)" + from, "SELECT m.id" + from + " ORDER BY bm25(fts), m.rowid LIMIT 10"
}

func (q benchQuery) queryArgs() []any {
	if q.match == "" {
		return q.args
	}
	return append([]any{q.match}, q.args...)
}

func queries(res *result, dbPath string, reps int) error {
	start := time.Now()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := db.QueryRow(`SELECT sqlite_version()`).Scan(&res.SQLiteVersion); err != nil {
		return err
	}
	res.OpenSeconds = time.Since(start).Seconds()
	for _, bq := range benchQueries() {
		countSQL, topSQL := bq.statements()
		countStmt, err := db.Prepare(countSQL)
		if err != nil {
			return fmt.Errorf("%s: %w", bq.name, err)
		}
		var topStmt *sql.Stmt
		if topSQL != "" {
			if topStmt, err = db.Prepare(topSQL); err != nil {
				return fmt.Errorf("%s: %w", bq.name, err)
			}
		}
		args := bq.queryArgs()
		var total uint64
		var top []string
		// One run answers what a search engine's one request answers: the
		// total and the top 10.
		do := func() error {
			if err := countStmt.QueryRow(args...).Scan(&total); err != nil {
				return err
			}
			top = top[:0]
			if topStmt == nil {
				return nil
			}
			rows, err := topStmt.Query(args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					return err
				}
				top = append(top, id)
			}
			return rows.Err()
		}
		for i := 0; i < 3; i++ {
			if err := do(); err != nil {
				return fmt.Errorf("%s: %w", bq.name, err)
			}
		}
		times := make([]time.Duration, reps)
		for i := range times {
			t := time.Now()
			if err := do(); err != nil {
				return fmt.Errorf("%s: %w", bq.name, err)
			}
			times[i] = time.Since(t)
		}
		qr := queryResult{Name: bq.name, SamplesNs: nanos(times), Total: total, Top: append([]string{}, top...)}
		res.Queries = append(res.Queries, qr)
		countStmt.Close()
		if topStmt != nil {
			topStmt.Close()
		}
	}
	return nil
}

func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// nanos is d in nanoseconds, for the JSON output.
func nanos(d []time.Duration) []int64 {
	out := make([]int64, len(d))
	for i, x := range d {
		out[i] = x.Nanoseconds()
	}
	return out
}
