package main

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"newsdex/internal/cli"
	"newsdex/internal/server"
	"newsdex/internal/store"
)

// serveOptions are what search serve does: server.Config from the flags.
type serveOptions struct {
	IO     *cli.IO
	Config server.Config
}

func newCmdServe(ios *cli.IO, runF func(context.Context, *serveOptions) error) *cobra.Command {
	opts := &serveOptions{IO: ios}
	var (
		dir, addr, corsOrigin, logFormat string
		reload, grace                    time.Duration
	)
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
gracefully: running requests get --shutdown-timeout to finish and are cut
after it, and serve exits 0 after logging "stopped". The index folder comes from --index DIR, else $NEWSDEX_INDEX, else
./newsdex.bleve. Access logs go to stderr, one line per request.`,
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, _, err := net.SplitHostPort(addr); err != nil {
				return cli.Usagef("--addr: %v", err)
			}
			if reload <= 0 {
				return cli.Usagef("--reload-interval: must be positive")
			}
			if grace <= 0 {
				return cli.Usagef("--shutdown-timeout: must be positive")
			}
			if corsOrigin != "" && corsOrigin != "*" && !strings.Contains(corsOrigin, "://") {
				return cli.Usagef("--cors-origin: want an origin such as https://example.org, or *")
			}
			var handler slog.Handler
			switch logFormat {
			case "text":
				handler = slog.NewTextHandler(ios.Err, nil)
			case "json":
				handler = slog.NewJSONHandler(ios.Err, nil)
			default:
				return cli.Usagef("--log-format: want text or json, not %q", logFormat)
			}
			opts.Config = server.Config{
				Dir:             store.ResolveDir(dir),
				Addr:            addr,
				CORSOrigin:      corsOrigin,
				ReloadInterval:  reload,
				ShutdownTimeout: grace,
				Logger:          slog.New(handler),
				Announce:        ios.Err,
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "index", "", "index folder (default $NEWSDEX_INDEX, else ./newsdex.bleve)")
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	f.StringVar(&corsOrigin, "cors-origin", "", "let this browser origin call the API (\"*\" for any); CORS is off without it")
	f.DurationVar(&reload, "reload-interval", 2*time.Second, "how often to look for a new index generation")
	f.StringVar(&logFormat, "log-format", "text", "log format on stderr: text or json")
	f.DurationVar(&grace, "shutdown-timeout", 10*time.Second, "at SIGINT/SIGTERM, how long running requests may take before they are cut")
	return cmd
}

// serveRun serves until ctx is cancelled (SIGINT or SIGTERM, see
// cli.SignalContext), then shuts down gracefully.
func serveRun(ctx context.Context, opts *serveOptions) error {
	return server.Run(ctx, opts.Config)
}
