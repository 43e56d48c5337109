package catalog

import (
	"bufio"
	"context"
	"encoding/json"
	"io"

	"github.com/blevesearch/bleve/v2"

	"newsdex/internal/schema"
)

// exportPage is how many items Export reads per search.
const exportPage = 1000

// Export writes every item of idx to w as JSON lines in the item shape,
// ordered by id; `index build` of the output gives the same ids, counts and
// fields. It pages with search_after on _id, so memory stays flat.
func Export(ctx context.Context, idx bleve.Index, w io.Writer) (int, error) {
	out := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	n := 0
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), exportPage, 0, false)
		req.SortBy([]string{"_id"})
		req.Fields = []string{"*"}
		if after != nil {
			req.SearchAfter = after
		}
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return n, err
		}
		for _, h := range res.Hits {
			it := schema.FromFields(h.ID, h.Fields)
			if err := enc.Encode(&it); err != nil {
				return n, err
			}
			n++
		}
		if len(res.Hits) < exportPage {
			break
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
	return n, out.Flush()
}
