package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"newsdex/internal/cli"
	"newsdex/internal/server"
	"newsdex/internal/store"
)

func init() { commandFiles = append(commandFiles, newServeCmd) }

type serveOptions struct {
	index      string
	addr       string
	corsOrigin string
	reload     time.Duration
	logFormat  string
}

func newServeCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve [--index DIR] [--addr HOST:PORT] [--cors-origin ORIGIN]",
		Short: "Serve search over HTTP: a JSON API and a search page",
		Long: `serve answers searches over HTTP until interrupted:

  GET /                 the search page
  GET /api/search       the search command's flags as parameters (q, from, to,
                        region (repeatable), kind, sort, limit, page, after);
                        the body is exactly what search --json prints
  GET /api/items/{id}   one whole item
  GET /api/stats        what index stats --json prints
  GET /healthz, /readyz liveness, and readiness (503 until an index is open)
  GET /metrics          Prometheus metrics

It follows the index folder: a new generation written by index build or index
add is served within seconds (at once on SIGHUP), and requests running on the
old one finish on it. With no index yet it serves 503s until one appears.
It binds to localhost unless --addr says otherwise; SIGINT or SIGTERM stop it
gracefully. The index folder comes from --index DIR, else $NEWSDEX_INDEX, else
./newsdex.bleve. Access logs go to stderr, one line per request.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), o, cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.index, "index", "", "index folder (default $NEWSDEX_INDEX, else ./newsdex.bleve)")
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	f.StringVar(&o.corsOrigin, "cors-origin", "", "let this browser origin call the API (\"*\" for any); CORS is off without it")
	f.DurationVar(&o.reload, "reload-interval", 2*time.Second, "how often to look for a new index generation")
	f.StringVar(&o.logFormat, "log-format", "text", "log format on stderr: text or json")
	return cmd
}

func runServe(ctx context.Context, o serveOptions, stderr io.Writer) error {
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return cli.Usagef("--addr: %v", err)
	}
	if o.reload <= 0 {
		return cli.Usagef("--reload-interval: must be positive")
	}
	if o.corsOrigin != "" && o.corsOrigin != "*" && !strings.Contains(o.corsOrigin, "://") {
		return cli.Usagef("--cors-origin: want an origin such as https://example.org, or *")
	}
	var handler slog.Handler
	switch o.logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, nil)
	case "json":
		handler = slog.NewJSONHandler(stderr, nil)
	default:
		return cli.Usagef("--log-format: want text or json, not %q", o.logFormat)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return server.Run(ctx, server.Config{
		Dir:            store.ResolveDir(o.index),
		Addr:           o.addr,
		CORSOrigin:     o.corsOrigin,
		ReloadInterval: o.reload,
		Logger:         slog.New(handler),
		Announce:       stderr,
	})
}
