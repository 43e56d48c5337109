package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"newsdex/internal/query"
	"newsdex/internal/store"
)

// The editors' topics test (issues 9 and 12): Reuters' editors labelled each
// Reuters-21578 article with its topics (the "topics" field of
// articles.jsonl.gz). For each topic with at least minTopicArticles labelled
// articles, the topic's plain words are the query and its labelled articles
// the relevant set; the figure is the mean over the topics of the average
// precision of the top 100 (MAP@100).
//
// The plain words are the topic's name in Reuters' category descriptions
// (cat-descriptions_120396.txt of the distribution), written as a reader
// would type it: "nat-gas" is "natural gas", "bop" "balance of payments".
// Topics whose code is already a word keep it.
const (
	minTopicArticles = 20
	topicDepth       = 100
)

// topicWords maps a topic code to its plain words. Every topic with at least
// minTopicArticles articles in the corpus must be here: topicsOf fails
// otherwise, so a changed corpus cannot silently shrink the test.
func topicWords() map[string]string {
	return map[string]string{
		"earn":            "earnings",
		"acq":             "acquisition",
		"money-fx":        "foreign exchange",
		"grain":           "grain",
		"trade":           "trade",
		"crude":           "crude oil",
		"interest":        "interest rates",
		"wheat":           "wheat",
		"ship":            "shipping",
		"corn":            "corn",
		"oilseed":         "oilseed",
		"sugar":           "sugar",
		"dlr":             "dollar",
		"gnp":             "gross national product",
		"coffee":          "coffee",
		"gold":            "gold",
		"money-supply":    "money supply",
		"veg-oil":         "vegetable oil",
		"nat-gas":         "natural gas",
		"livestock":       "livestock",
		"soybean":         "soybeans",
		"cpi":             "consumer prices",
		"bop":             "balance of payments",
		"copper":          "copper",
		"carcass":         "meat",
		"reserves":        "reserves",
		"cocoa":           "cocoa",
		"rice":            "rice",
		"iron-steel":      "steel",
		"jobs":            "unemployment",
		"cotton":          "cotton",
		"yen":             "yen",
		"ipi":             "industrial production",
		"gas":             "gasoline",
		"alum":            "aluminium",
		"meal-feed":       "feed",
		"barley":          "barley",
		"rubber":          "rubber",
		"palm-oil":        "palm oil",
		"sorghum":         "sorghum",
		"silver":          "silver",
		"pet-chem":        "petrochemicals",
		"zinc":            "zinc",
		"tin":             "tin",
		"strategic-metal": "strategic metals",
		"rapeseed":        "rapeseed",
		"orange":          "orange juice",
		"wpi":             "wholesale prices",
		"lead":            "lead",
		"soy-oil":         "soybean oil",
		"retail":          "retail sales",
		"hog":             "hogs",
		"heat":            "heating oil",
		"soy-meal":        "soybean meal",
		"fuel":            "fuel oil",
	}
}

// editorsTopic is one topic of the test: its query and relevant articles.
type editorsTopic struct {
	Topic    string
	Query    string
	Relevant map[string]bool
}

// topicsOf reads the labelled articles of the 1x corpus and returns the
// topics of the test, most articles first.
func topicsOf(articles string) ([]editorsTopic, error) {
	rc, err := openJSONL(articles)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	rel := map[string]map[string]bool{}
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		var a struct {
			ID     string   `json:"id"`
			Topics []string `json:"topics"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", articles, line, err)
		}
		for _, t := range a.Topics {
			if rel[t] == nil {
				rel[t] = map[string]bool{}
			}
			rel[t][a.ID] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", articles, err)
	}
	words := topicWords()
	var out []editorsTopic
	for t, ids := range rel {
		if len(ids) < minTopicArticles {
			continue
		}
		w, ok := words[t]
		if !ok {
			return nil, fmt.Errorf("topic %q has %d articles but no plain words in topicWords", t, len(ids))
		}
		out = append(out, editorsTopic{Topic: t, Query: w, Relevant: ids})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no topic has %d labelled articles", articles, minTopicArticles)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Relevant) != len(out[j].Relevant) {
			return len(out[i].Relevant) > len(out[j].Relevant)
		}
		return out[i].Topic < out[j].Topic
	})
	return out, nil
}

// averagePrecision is the average precision of ranked at depth: the mean,
// over the relevant documents, of the precision at the rank where each was
// found (0 for those not found in the top depth), out of at most depth
// relevant documents.
func averagePrecision(ranked []string, relevant map[string]bool, depth int) float64 {
	if len(relevant) == 0 {
		return 0
	}
	found, sum := 0, 0.0
	for i, id := range ranked {
		if i >= depth {
			break
		}
		if relevant[id] {
			found++
			sum += float64(found) / float64(i+1)
		}
	}
	return sum / float64(min(len(relevant), depth))
}

// productTopics runs each topic's query through newsdex's own query path on
// the index at dir and scores its top 100.
func productTopics(dir string, topics []editorsTopic) (*TopicsResult, error) {
	ix, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	s := query.NewSearcher(ix)
	res := &TopicsResult{Depth: topicDepth, MinArticles: minTopicArticles}
	ctx := context.Background()
	// The default request answers one hit per story, so the judging is by
	// story: a hit is relevant when its story holds a labelled article, and
	// the relevant set is those stories.
	storyOf := map[string]string{}
	story := func(id string) (string, error) {
		if st, ok := storyOf[id]; ok {
			return st, nil
		}
		it, err := s.Get(ctx, id)
		if err != nil {
			return "", fmt.Errorf("article %s: %w", id, err)
		}
		st := it.StoryID
		if st == "" {
			st = id
		}
		storyOf[id] = st
		return st, nil
	}
	sum := 0.0
	for _, t := range topics {
		relevant := map[string]bool{}
		for id := range t.Relevant {
			st, err := story(id)
			if err != nil {
				return nil, fmt.Errorf("topic %s: %w", t.Topic, err)
			}
			relevant[st] = true
		}
		resp, err := s.Search(ctx, query.Request{Query: t.Query, Limit: topicDepth})
		if err != nil {
			return nil, fmt.Errorf("topic %s (%q): %w", t.Topic, t.Query, err)
		}
		ids := make([]string, 0, len(resp.Hits))
		for _, h := range resp.Hits {
			st := h.StoryID
			if st == "" {
				st = h.ID
			}
			ids = append(ids, st)
		}
		ta := TopicAP{Topic: t.Topic, Query: t.Query, Relevant: len(relevant), Hits: resp.Total,
			AP: averagePrecision(ids, relevant, topicDepth)}
		for _, id := range ids[:min(10, len(ids))] {
			if relevant[id] {
				ta.RelevantTop10++
			}
		}
		sum += ta.AP
		res.Topics = append(res.Topics, ta)
	}
	res.MAP = sum / float64(len(topics))
	return res, nil
}

// relevanceOnly is -only relevance: it builds the 1x index with bin/index
// and SQLite FTS5's peer, and prints the two relevance figures (the top-10
// overlap with FTS5 and the editors' topics MAP@100) and their tables, in
// about a minute, without the rest of the benchmarks.
func relevanceOnly(c *config) (*Results, error) {
	start := time.Now()
	res := &Results{Started: start.UTC().Format(time.RFC3339), Machine: machineInfo()}
	work, err := os.MkdirTemp("", "newsdex-relevance-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	peers, err := buildPeers(work, engSQLite)
	if err != nil {
		return nil, err
	}
	articles := filepath.Join(c.corpus, "reuters21578", "articles.jsonl.gz")
	topics, err := topicsOf(articles)
	if err != nil {
		return nil, err
	}
	ours, err := build1x(c, work)
	if err != nil {
		return nil, err
	}
	input := filepath.Join(work, "articles-1x.jsonl")
	ctx := context.Background()
	lite := filepath.Join(work, "sqlite")
	log.Printf("building the 1x SQLite FTS5 index")
	if p := runProc(ctx, "", peers[engSQLite], "-input", input, "-index", lite); p.err != nil {
		return nil, fmt.Errorf("sqlitefts build: %v", p.err)
	}
	r := &runner{c: c, work: work, peers: peers, res: res}
	qs, err := productQueries(ours, 1, time.Second)
	if err != nil {
		return nil, err
	}
	res.Queries = append(res.Queries, QuerySet{Engine: engNewsdex, Scale: 1, Queries: qs})
	if qs, err = r.peerQueries(engSQLite, lite, 1); err != nil {
		return nil, err
	}
	res.Queries = append(res.Queries, QuerySet{Engine: engSQLite, Scale: 1, Queries: qs})
	if err := storyTops(res, ours); err != nil {
		return nil, err
	}
	log.Printf("editors' topics: %d topics", len(topics))
	if res.Topics, err = productTopics(ours, topics); err != nil {
		return nil, err
	}
	res.TotalSeconds = time.Since(start).Seconds()
	return res, nil
}

// build1x writes the 1x corpus into work (articles-1x.jsonl) and builds
// newsdex's index of it there with bin/index; it returns the index folder.
func build1x(c *config, work string) (string, error) {
	indexBin, err := filepath.Abs(filepath.Join(c.bin, "index"))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(indexBin); err != nil {
		return "", fmt.Errorf("%s is missing: run make build first", indexBin)
	}
	input := filepath.Join(work, "articles-1x.jsonl")
	if err := writeScaled(filepath.Join(c.corpus, "reuters21578", "articles.jsonl.gz"), input, 1); err != nil {
		return "", err
	}
	dir := filepath.Join(work, "newsdex")
	log.Printf("building the 1x index")
	if p := runProc(context.Background(), "", indexBin, "build", "--index", dir, "--json", input); p.err != nil {
		return "", fmt.Errorf("bin/index build: %v", p.err)
	}
	return dir, nil
}

// renderTopics writes the editors' topics table.
func renderTopics(b *strings.Builder, res *Results) {
	t := res.Topics
	if t == nil || len(t.Topics) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Relevance: the editors' topics, mean average precision at %d (1x)\n\n", t.Depth)
	p("Reuters' editors labelled each article with its topics. For each of the %d topics with at least %d labelled articles, "+
		"the topic's plain words (its name in Reuters' category descriptions) are the query, through newsdex's own request "+
		"(default ranking, one hit per story, top %d), and the stories holding its labelled articles the relevant set "+
		"(labelled: those stories). AP: average precision of the top %d, out of at most %d relevant stories; MAP: their mean.\n\n",
		len(t.Topics), t.MinArticles, t.Depth, t.Depth, t.Depth)
	p("**MAP@%d: %.3f** over %d topics.\n\n", t.Depth, t.MAP, len(t.Topics))
	p("| topic | query | labelled | hits | relevant in top 10 | AP@%d |\n| --- | --- | ---: | ---: | ---: | ---: |\n", t.Depth)
	for _, x := range t.Topics {
		p("| %s | `%s` | %s | %s | %d | %.3f |\n", x.Topic, x.Query, thousands(int64(x.Relevant)), thousands(int64(x.Hits)), x.RelevantTop10, x.AP)
	}
	p("\n")
}

// storyTops fills TopStories of the 1x query sets of newsdex and the peers
// with the stories, in newsdex's index at dir, of their top ids.
func storyTops(res *Results, dir string) error {
	ix, err := store.Open(dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	s := query.NewSearcher(ix)
	memo := map[string]string{}
	story := func(id string) string {
		if st, ok := memo[id]; ok {
			return st
		}
		st := id
		if it, err := s.Get(context.Background(), id); err == nil && it.StoryID != "" {
			st = it.StoryID
		}
		memo[id] = st
		return st
	}
	for i := range res.Queries {
		qs := &res.Queries[i]
		if qs.Scale != 1 || (qs.Engine != engNewsdex && qs.Engine != engSQLite && qs.Engine != engBleve) {
			continue
		}
		for j := range qs.Queries {
			q := &qs.Queries[j]
			q.TopStories = nil
			seen := map[string]bool{}
			for _, id := range q.Top {
				if st := story(id); !seen[st] {
					seen[st] = true
					q.TopStories = append(q.TopStories, st)
				}
			}
		}
	}
	return nil
}
