package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"newsdex/internal/catalog"
)

// Timeouts of the HTTP server. A search is bounded by DefaultSearchTimeout,
// well inside the write timeout.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 10 * time.Second
	closeTimeout      = 2 * time.Second
	// maxHeaderBytes bounds the request line and headers. It is well above
	// maxURLBytes, so that a long URL reaches the middleware and gets its
	// 400 JSON error; only beyond it does net/http answer 431 itself.
	maxHeaderBytes = 2 << 20
)

// serveGCPercent is the server's GOGC unless the environment sets one. A
// request allocates a few hundred KB against a live heap of a few tens of
// MB, so at Go's default of 100 the collector runs every few dozen requests;
// at 400 it runs a quarter as often, for about 20 MB more heap. Measured in
// make bench ("What moves the 8-client figure", bench/NOTES.md).
const serveGCPercent = 400

// Config is what Run serves and how.
type Config struct {
	Dir            string        // the index folder
	Addr           string        // host:port to listen on; port 0 picks a free one
	CORSOrigin     string        // see Options.CORSOrigin
	ReloadInterval time.Duration // how often to look for a new generation
	// ShutdownTimeout is the grace period of requests running at shutdown;
	// 0: 10 s. Requests still running then are cut.
	ShutdownTimeout time.Duration
	Logger          *slog.Logger
	// Announce receives one line saying where the server listens.
	Announce io.Writer
}

// Run serves cfg.Dir on cfg.Addr until ctx is done, then shuts down
// gracefully: in-flight requests get up to cfg.ShutdownTimeout (10 s), are
// cut after that, and the index is closed; Run returns nil and logs
// "stopped" either way.
// It follows the index folder, polling every cfg.ReloadInterval and at once
// on SIGHUP.
func Run(ctx context.Context, cfg Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	live := NewLive(cfg.Dir, StoreOpener{}, log)
	srv := New(live, Options{Logger: log, CORSOrigin: cfg.CORSOrigin, Stats: generationStats})

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := make(chan struct{}, 1)
	go func() {
		for range hup {
			select {
			case reload <- struct{}{}:
			default:
			}
		}
	}()

	watchCtx, stopWatch := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		live.Watch(watchCtx, cfg.ReloadInterval, reload) // opens the index first, if there is one
	}()

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	if cfg.Announce != nil {
		fmt.Fprintf(cfg.Announce, "newsdex: serving %s on http://%s/\n", cfg.Dir, ln.Addr())
	}

	select {
	case err = <-served:
		// Serve failed on its own (it never returns nil).
	case <-ctx.Done():
		grace := cfg.ShutdownTimeout
		if grace <= 0 {
			grace = shutdownTimeout
		}
		log.Info("shutting down", "grace", grace)
		sctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		if serr := hs.Shutdown(sctx); serr != nil {
			// Cutting what still runs after the grace period is the
			// shutdown working as meant, not a failure of the server.
			log.Warn("requests still running after the grace period were cut", "grace", grace, "err", serr)
			_ = hs.Close()
		}
		err = <-served
	}
	stopWatch()
	<-watched
	cctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	if cerr := live.Close(cctx); cerr != nil {
		log.Warn("closing index", "err", cerr)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// generationStats is the /api/stats object: what index stats --json prints.
func generationStats(g *Generation) (any, error) { return catalog.Stats(g.Index) }
