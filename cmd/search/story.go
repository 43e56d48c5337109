package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"newsdex/internal/cli"
	"newsdex/internal/query"
	"newsdex/internal/store"
)

type storyOptions struct {
	IO   *cli.IO
	Dir  string
	ID   string
	JSON bool
}

func newCmdStory(ios *cli.IO, runF func(context.Context, *storyOptions) error) *cobra.Command {
	opts := &storyOptions{IO: ios}
	var dir string
	cmd := &cobra.Command{
		Use:   "story ID",
		Short: "Print a story's timeline: its items, oldest first",
		Long: `story prints the items of the story with this id, oldest first: its versions,
re-sends and the teasers of the pages that listed it. The story id is the
story_id that search --json gives each hit.

The index folder comes from --index DIR, else $NEWSDEX_INDEX, else ./newsdex.bleve.`,
		Example: `  search story s89ec3c9f79d52bf
  search story s89ec3c9f79d52bf --json`,
		Args: cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = store.ResolveDir(dir)
			opts.ID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return storyRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&dir, "index", "", "index folder (default $NEWSDEX_INDEX, else ./newsdex.bleve)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the story as JSON, as GET /api/stories/{id} returns it")
	return cmd
}

func storyRun(ctx context.Context, opts *storyOptions) error {
	idx, err := store.Open(opts.Dir)
	if err != nil {
		return err
	}
	defer idx.Close()
	st, err := query.NewSearcher(idx).Story(ctx, opts.ID)
	if errors.Is(err, query.ErrNotFound) {
		return fmt.Errorf("no story with id %q (search --json gives each hit's story_id)", opts.ID)
	}
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSONLine(opts.IO, st)
	}
	p := newPrinter(opts.IO)
	p.printf("Story %s: %s, oldest first\n", st.ID, plural(uint64(st.Size), "item", "items"))
	if len(st.Items) < st.Size {
		p.printf("(the first %d shown)\n", len(st.Items))
	}
	for _, it := range st.Items {
		meta := []string{"undated"}
		if !it.Date.IsZero() {
			meta[0] = it.Date.UTC().Format("2006-01-02")
		}
		if it.Source != "" {
			meta = append(meta, it.Source)
		}
		meta = append(meta, string(it.Kind))
		if it.Pages > 0 {
			meta = append(meta, "listed on "+plural(uint64(it.Pages), "page", "pages"))
		}
		meta = append(meta, it.ID)
		p.printf("\n%s\n%s\n", strings.Join(meta, " · "), it.Title)
	}
	return p.err
}

type relatedOptions struct {
	IO    *cli.IO
	Dir   string
	ID    string
	Limit int
	JSON  bool
}

func newCmdRelated(ios *cli.IO, runF func(context.Context, *relatedOptions) error) *cobra.Command {
	opts := &relatedOptions{IO: ios}
	var dir string
	cmd := &cobra.Command{
		Use:   "related ID",
		Short: "Print the stories most like an item",
		Long: `related prints the stories most like the item with this id, one item per
story, best first, the item's own story left out. Likeness is by the item's
most distinctive words (weighed by how rare they are in the index).

The index folder comes from --index DIR, else $NEWSDEX_INDEX, else ./newsdex.bleve.`,
		Example: `  search related a62f1299ab873363
  search related a62f1299ab873363 --limit 3 --json`,
		Args: cli.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Limit < 1 || opts.Limit > query.MaxLimit {
				return cli.Usagef("--limit: %d is out of range (1 to %d)", opts.Limit, query.MaxLimit)
			}
			opts.Dir = store.ResolveDir(dir)
			opts.ID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return relatedRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&dir, "index", "", "index folder (default $NEWSDEX_INDEX, else ./newsdex.bleve)")
	cmd.Flags().IntVar(&opts.Limit, "limit", query.DefaultLimit, fmt.Sprintf("stories to list, 1 to %d", query.MaxLimit))
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the answer as JSON, as GET /api/items/{id}/related returns it")
	return cmd
}

func relatedRun(ctx context.Context, opts *relatedOptions) error {
	idx, err := store.Open(opts.Dir)
	if err != nil {
		return err
	}
	defer idx.Close()
	rel, err := query.NewSearcher(idx).Related(ctx, opts.ID, opts.Limit)
	if errors.Is(err, query.ErrNotFound) {
		return fmt.Errorf("no item with id %q", opts.ID)
	}
	if err != nil {
		return usageError(err)
	}
	if opts.JSON {
		return writeJSONLine(opts.IO, rel)
	}
	p := newPrinter(opts.IO)
	p.printf("%s like %s in %.1f ms\n", plural(uint64(len(rel.Hits)), "story", "stories"), rel.ID, rel.TookMs)
	for _, h := range rel.Hits {
		meta := []string{"undated"}
		if !h.Date.IsZero() {
			meta[0] = h.Date.UTC().Format("2006-01-02")
		}
		if h.Source != "" {
			meta = append(meta, h.Source)
		}
		meta = append(meta, string(h.Kind), h.ID)
		if h.StoryID != "" {
			meta = append(meta, fmt.Sprintf("story %s (%s)", h.StoryID, plural(uint64(max(h.StorySize, 1)), "item", "items")))
		}
		p.printf("\n%s\n%s\n", strings.Join(meta, " · "), h.Title)
	}
	return p.err
}

// writeJSONLine writes v as one line of JSON, HTML characters as they are.
func writeJSONLine(ios *cli.IO, v any) error {
	enc := json.NewEncoder(ios.Out)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
