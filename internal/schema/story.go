package schema

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"newsdex/internal/item"
	"newsdex/internal/story"
)

// The story fields (package story decides the stories).
const (
	// FieldStoryID is the item's story id: a keyword, stored, with doc values
	// so that a facet counts the items of the stories on a page.
	FieldStoryID = "story_id"
	// FieldStoryMember is "1" on every item of a story but its
	// representative (story.Better than the others): a search collapsed to
	// one hit per story leaves these out. Indexed only.
	FieldStoryMember = "story_member"
	// FieldStoryKeys holds the item's story keys (story.Features.Keys): the
	// items that may share its story are found by a term query on them.
	// Indexed only. What a new item is compared with (its story.Content)
	// is not stored: index add recomputes it from the stored title and
	// body or summary of the few candidates (StoryFeatures).
	FieldStoryKeys = "story_keys"
)

// MemberValue is FieldStoryMember's one term.
const MemberValue = "1"

func addStoryFields(doc *mapping.DocumentMapping) {
	id := bleve.NewKeywordFieldMapping()
	id.Store = true
	id.IncludeTermVectors = false
	id.IncludeInAll = false
	id.DocValues = true
	doc.AddFieldMappingsAt(FieldStoryID, id)
	for _, name := range []string{FieldStoryMember, FieldStoryKeys} {
		f := bleve.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		doc.AddFieldMappingsAt(name, f)
	}
}

// StoryDocument is the bleve document of an item in a story: Document with
// the item's story id (it.StoryID), whether it is a member other than the
// representative, and its story keys.
func StoryDocument(it *item.Item, f *story.Features, member bool) map[string]any {
	d := Document(it)
	if member {
		d[FieldStoryMember] = MemberValue
	}
	if keys := f.Keys(); len(keys) > 0 {
		d[FieldStoryKeys] = keys
	}
	return d
}

// StoryFields are the stored fields that StoryFeatures reads.
func StoryFields() []string {
	return []string{FieldKind, FieldTitle, FieldDate, FieldArticleID, FieldStoryID, FieldBody, FieldSummary}
}

// StoryFeatures rebuilds an indexed item's story features from its stored
// fields (StoryFields): story.Of of the stored item, which holds the title,
// body and summary the features were computed from when it was written.
// It returns them with the item's story id.
func StoryFeatures(id string, fields map[string]any) (story.Features, string) {
	it := FromFields(id, fields)
	return story.Of(&it), it.StoryID
}
