package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is the server's Prometheus registry and its collectors. Each Server
// has its own registry, so tests can run several servers in one process.
type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	reloads      prometheus.Counter
	reloadErrors prometheus.Counter
}

func newMetrics(live *Live) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests answered, by route template and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route template and status code.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "code"}),
		reloads: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsdex_index_reloads_total",
			Help: "Index generations opened and swapped in, the first one included.",
		}),
		reloadErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsdex_index_reload_errors_total",
			Help: "Failed attempts to open a new index generation.",
		}),
	}
	docs := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "newsdex_index_documents",
		Help: "Documents in the index being served (0 when none is open).",
	}, func() float64 {
		g, err := live.Acquire()
		if err != nil {
			return 0
		}
		defer g.Release()
		n, err := g.Index.DocCount()
		if err != nil {
			return 0
		}
		return float64(n)
	})
	m.reg.MustRegister(m.requests, m.duration, m.reloads, m.reloadErrors, docs,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route string, code int, d time.Duration) {
	c := strconv.Itoa(code)
	m.requests.WithLabelValues(route, c).Inc()
	m.duration.WithLabelValues(route, c).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
