// Package catalog reads what an index holds, for people and for other
// programs: Stats (the `index stats` table and JSON, the server's
// /api/stats) and Export (every item as JSON lines, in id order).
//
// It is the read side of the index next to package query (searches).
// Getting items into an index is package indexer's job; nothing here
// imports it or the readers (input, page, jsonl), so that the search binary
// links no ingest code.
package catalog
