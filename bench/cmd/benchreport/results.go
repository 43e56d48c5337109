package main

// Results holds every figure of one run; it is saved as JSON and rendered
// into BENCHMARKS.md.
type Results struct {
	Started      string         `json:"started"`
	TotalSeconds float64        `json:"total_seconds"`
	Machine      Machine        `json:"machine"`
	Config       RunConfig      `json:"config"`
	Corpus       CorpusInfo     `json:"corpus"`
	Builds       []BuildRun     `json:"builds"`
	Queries      []QuerySet     `json:"queries"`
	Breakdown    []Breakdown    `json:"breakdown"`
	Topics       *TopicsResult  `json:"topics,omitempty"`
	Process      []ProcessTime  `json:"process"`
	Full         []FullBuild    `json:"full"`
	HTTP         []HTTPLevel    `json:"http"`
	HTTPLevers   []HTTPLever    `json:"http_levers,omitempty"`
	GoBench      string         `json:"gobench"`
	GoBenchError string         `json:"gobench_error,omitempty"`
	Errors       []string       `json:"errors,omitempty"`
	Summaries    map[string]any `json:"summaries,omitempty"`
}

// Machine describes where the run happened.
type Machine struct {
	NumCPU     int    `json:"num_cpu"`
	CPUModel   string `json:"cpu_model"`
	MemTotal   int64  `json:"mem_total_bytes"`
	GoVersion  string `json:"go_version"`
	Kernel     string `json:"kernel"`
	Commit     string `json:"commit"`
	Dirty      bool   `json:"dirty"`
	LoadAtFrom string `json:"loadavg_at_start"`
}

// RunConfig is what the run was asked to do.
type RunConfig struct {
	Scales           []int   `json:"scales"`
	BuildReps        []int   `json:"build_reps"`
	QueryReps        []int   `json:"query_reps"`
	HTTPDurationS    float64 `json:"http_duration_s"`
	HTTPMaxRequests  int     `json:"http_max_requests"`
	HTTPLeverRounds  int     `json:"http_lever_rounds,omitempty"`
	HTTPLeverSeconds float64 `json:"http_lever_seconds,omitempty"`
	Benchtime        string  `json:"benchtime"`
}

// CorpusInfo describes the 1x corpus.
type CorpusInfo struct {
	Articles     int   `json:"articles"`
	TitleBody    int64 `json:"title_body_bytes"` // raw title + body text, UTF-8
	JSONLBytes1x int64 `json:"jsonl_bytes_1x"`
}

// Engines, as named in the report and by the peers.
const (
	engNewsdex = "newsdex"
	engBleve   = "plain bleve"
	engMerged  = "plain bleve, force-merged"
	engSQLite  = "SQLite FTS5"
	// plain bleve doing the work of newsdex's default request: the same
	// queries, 10 hits with stored fields and html highlights of title and body.
	engBleveHits = "plain bleve, same work"
	// the same, timed in turns with newsdex through HTTP (besideRounds).
	engBleveBeside = "plain bleve, same work, beside HTTP"
	// newsdex's default request through GET /api/search, one client, one
	// query after the other.
	engHTTP = "newsdex through HTTP"
	// newsdex's request with expand=true: every item, not one hit per story.
	engExpanded = "newsdex, expand=true"
	// the same with every facet asked for (facets=region,kind,month).
	engHTTPFacets = "newsdex through HTTP, all facets"
	// newsdex's default request on the 1x index and on the largest
	// scale's, the two taking turns run by run (the growth goal's figures).
	engInTurns = "newsdex, 1x and the largest scale in turns"
	// newsdex's 1x build once more, right after the largest scale's builds
	// (the linear build goal's base for that scale).
	engBuildAfter = "newsdex, 1x after the largest scale"
)

// BuildRun is one build: a whole process, JSON lines in, index out.
type BuildRun struct {
	Engine     string  `json:"engine"`
	Scale      int     `json:"scale"`
	Docs       int     `json:"docs"`
	WallS      float64 `json:"wall_s"`
	MaxRSS     int64   `json:"max_rss_bytes"` // wait4 rusage of the child
	IndexBytes int64   `json:"index_bytes"`
	Segments   int     `json:"segments,omitempty"`
	Error      string  `json:"error,omitempty"`
}

// QuerySet is one engine's in-process run of the ten queries on one index.
type QuerySet struct {
	Engine  string       `json:"engine"`
	Scale   int          `json:"scale"`
	Queries []QueryStats `json:"queries"`
	Error   string       `json:"error,omitempty"`
}

// QueryStats is one query's latency over its runs, its total and top 10.
type QueryStats struct {
	Name  string   `json:"name"`
	Reps  int      `json:"reps"`
	P50us float64  `json:"p50_us"`
	P99us float64  `json:"p99_us"`
	Total uint64   `json:"total"`
	Top   []string `json:"top"`
	// TopStories are the stories of Top, in order, each once (1x only: the
	// relevance test judges by story, as newsdex answers one hit a story).
	TopStories []string `json:"top_stories,omitempty"`
}

// ProcessTime is the wall time of whole `search` processes for one query.
type ProcessTime struct {
	Name    string    `json:"name"`
	Args    []string  `json:"args"`
	WallsMs []float64 `json:"walls_ms"`
	Error   string    `json:"error,omitempty"`
}

// FullBuild is a build of a whole shared corpus by bin/index.
type FullBuild struct {
	Name    string         `json:"name"`
	Args    []string       `json:"args"`
	WallS   float64        `json:"wall_s"`
	MaxRSS  int64          `json:"max_rss_bytes"`
	Items   int64          `json:"items"`
	Summary map[string]any `json:"summary"`
	Index   int64          `json:"index_bytes"`
	Error   string         `json:"error,omitempty"`
}

// HTTPLevel is the load test at one number of concurrent clients.
type HTTPLevel struct {
	Clients   int     `json:"clients"`
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	FirstErr  string  `json:"first_error,omitempty"`
	Seconds   float64 `json:"seconds"`
	RPS       float64 `json:"rps"`
	P50ms     float64 `json:"p50_ms"`
	P99ms     float64 `json:"p99_ms"`
	MaxMs     float64 `json:"max_ms"`
	ServerRSS int64   `json:"server_max_rss_bytes,omitempty"`
	// CPU time a request (the levers only): the server's and the load
	// generator's, in µs.
	ServerCPUus float64 `json:"server_cpu_us_per_request,omitempty"`
	ClientCPUus float64 `json:"client_cpu_us_per_request,omitempty"`
}

// TopicsResult is the editors' topics test on the 1x index: per topic, the
// average precision of newsdex's top Depth for the topic's plain words,
// against the articles Reuters' editors labelled with it.
type TopicsResult struct {
	Depth       int       `json:"depth"`
	MinArticles int       `json:"min_articles"`
	MAP         float64   `json:"map"`
	Topics      []TopicAP `json:"topics"`
}

// TopicAP is one topic's query and score.
type TopicAP struct {
	Topic         string  `json:"topic"`
	Query         string  `json:"query"`
	Relevant      int     `json:"relevant"`
	Hits          uint64  `json:"hits"`
	RelevantTop10 int     `json:"relevant_top10"`
	AP            float64 `json:"ap"`
}
