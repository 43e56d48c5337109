package server

import (
	"net/http"

	"github.com/gorilla/mux"
)

// routes lists every route the server answers. All are GET (HEAD too);
// any other method on a known path is a 405, an unknown path a 404, both
// with a JSON error.
func (s *Server) routes() http.Handler {
	r := mux.NewRouter()
	// Paths are routed as sent: an item id with "." or ".." segments gets
	// its 400 from handleItem, not a redirect to another path.
	r.SkipClean(true)
	r.NotFoundHandler = http.HandlerFunc(s.handleNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.handleMethodNotAllowed)
	get := func(path string, h http.HandlerFunc) {
		r.Handle(path, h).Methods(http.MethodGet, http.MethodHead)
	}

	get("/", s.handlePage)
	get("/static/{file}", s.handleStatic)

	get("/api/search", s.handleSearch)
	get("/api/items/{id:.+}/related", s.handleRelated)
	get("/api/items/{id:.+}", s.handleItem)
	get("/api/stories/{id:.+}", s.handleStory)
	get("/api/stats", s.handleStats)

	get("/healthz", s.handleHealth)
	get("/readyz", s.handleReady)
	r.Handle("/metrics", s.metrics.handler()).Methods(http.MethodGet, http.MethodHead)

	r.Use(recordRoute)
	return r
}
