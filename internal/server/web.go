package server

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"

	"github.com/gorilla/mux"
)

// The search page: plain HTML, CSS and JavaScript, no build step.
//
//go:embed web
var webFS embed.FS

type asset struct {
	body  []byte
	etag  string
	ctype string
}

// assets holds the files of web/ by base name, each with a content hash
// for ETag revalidation.
var assets = func() map[string]asset {
	m := map[string]asset{}
	entries, err := fs.ReadDir(webFS, "web")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	for _, e := range entries {
		b, err := webFS.ReadFile("web/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(e.Name()))
		if ct == "" {
			ct = "application/octet-stream"
		}
		m[e.Name()] = asset{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: ct}
	}
	return m
}()

// contentSecurityPolicy allows only the page's own files: hits are inserted
// as text and marks, never as markup, and this is the second line of defence.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := assets[name]
	if !ok {
		writeError(w, http.StatusNotFound, "no such file", "")
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}

// handlePage answers GET / with the search page.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	serveAsset(w, r, "index.html")
}

// handleStatic answers GET /static/{file} with the page's CSS, JS and icon.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["file"]
	if name == "index.html" {
		writeError(w, http.StatusNotFound, "no such file", "")
		return
	}
	serveAsset(w, r, name)
}
