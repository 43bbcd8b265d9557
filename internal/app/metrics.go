package app

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// metrics are this process's Prometheus metrics, on a registry of their own (not the global
// one), so that tests can build several applications in one process.
type metrics struct {
	reg           *prometheus.Registry
	requests      *prometheus.HistogramVec
	searches      *prometheus.HistogramVec
	loginFailures *prometheus.CounterVec
}

func newMetrics(a *App) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "casereview_http_request_duration_seconds",
		Help: "Time to answer HTTP requests, by route pattern (ids are not labels), method and status code.",
		// From a cached page to a large export.
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route", "method", "code"})
	m.searches = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "casereview_search_duration_seconds",
		Help:    "Time to run a search (API and pages), by where it was answered from: index or database (the fallback while the index is not ready).",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"source", "outcome"})
	m.loginFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "casereview_login_failures_total",
		Help: "Failed sign-in checks: step is password or second_factor; locked is true when the failure locked the account or address out.",
	}, []string{"step", "locked"})
	m.reg.MustRegister(m.requests, m.searches, m.loginFailures, &indexCollector{a: a},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every series exists from the start, so a rate() over them is 0 rather than absent.
	for _, step := range []string{"password", "second_factor"} {
		for _, locked := range []string{"false", "true"} {
			m.loginFailures.WithLabelValues(step, locked)
		}
	}
	return m
}

func (m *metrics) observeRequest(route, method string, status int, took time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Observe(took.Seconds())
}

func (m *metrics) observeSearch(source string, took time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	if source == "" {
		source = "none"
	}
	m.searches.WithLabelValues(source, outcome).Observe(took.Seconds())
}

func (m *metrics) observeLoginFailure(action casereview.AuditAction, locked bool) {
	step := "password"
	if action == casereview.AuditMFAFailed {
		step = "second_factor"
	}
	m.loginFailures.WithLabelValues(step, strconv.FormatBool(locked)).Inc()
}

// indexCollector reads the search index's state and the journal head at each scrape, so the
// numbers are never older than the scrape.
type indexCollector struct{ a *App }

var (
	descHead    = prometheus.NewDesc("casereview_journal_head", "The change journal's last committed sequence number.", nil, nil)
	descApplied = prometheus.NewDesc("casereview_search_index_applied_seq",
		"The last journal sequence this process's search index holds.", nil, nil)
	descLag = prometheus.NewDesc("casereview_search_index_lag",
		"Journal rows this process's search index has still to apply (journal head - applied).", nil, nil)
	descState = prometheus.NewDesc("casereview_search_index_state",
		"1 for the state this process's search index is in (filling, rebuilding, catching_up, following, stalled, stopped), 0 for the others.",
		[]string{"state"}, nil)
	descOutbox = prometheus.NewDesc("casereview_outbox_messages",
		"Emails in the outbox by status: pending (waiting to be sent), sent, failed (given up), withheld.", []string{"status"}, nil)
	descOutboxAge = prometheus.NewDesc("casereview_outbox_oldest_pending_age_seconds",
		"How long the oldest email still waiting to be sent has waited (0 when none waits): a stuck sender shows here.", nil, nil)
	descUp = prometheus.NewDesc("casereview_journal_readable",
		"1 when the journal head could be read at this scrape (the database answers), 0 otherwise.", nil, nil)
)

var indexStates = []search.IndexState{search.StateFilling, search.StateRebuilding, search.StateCatchingUp,
	search.StateFollowing, search.StateStalled, search.StateStopped}

func (c *indexCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descHead, descApplied, descLag, descState, descUp, descOutbox, descOutboxAge} {
		ch <- d
	}
}

func (c *indexCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var st search.Status
	var err error
	if c.a.search != nil {
		st, err = c.a.search.Status(ctx)
	} else {
		st.Head, err = c.a.store.JournalHead(ctx)
	}
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(descHead, prometheus.GaugeValue, float64(st.Head))
	if depth, oldest, err := c.a.store.OutboxDepth(ctx); err == nil {
		for _, s := range casereview.OutboxStatuses {
			ch <- prometheus.MustNewConstMetric(descOutbox, prometheus.GaugeValue, float64(depth[s]), string(s))
		}
		age := 0.0
		if !oldest.IsZero() {
			age = max(0, c.a.now().Sub(oldest).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(descOutboxAge, prometheus.GaugeValue, age)
	}
	if c.a.search == nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(descApplied, prometheus.GaugeValue, float64(st.Applied))
	ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, float64(st.Lag()))
	for _, s := range indexStates {
		v := 0.0
		if s == st.State {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(descState, prometheus.GaugeValue, v, string(s))
	}
}

// MetricsHandler serves /metrics (and nothing else), asking for the bearer token when one is
// configured. It is served on its own address (CASEREVIEW_METRICS_ADDR), never beside the API.
func (a *App) MetricsHandler() http.Handler {
	prom := promhttp.HandlerFor(a.metrics.reg, promhttp.HandlerOpts{ErrorLog: nil})
	token := a.cfg.MetricsToken
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="casereview-metrics"`)
			http.Error(w, "a bearer token is required", http.StatusUnauthorized)
			return
		}
		prom.ServeHTTP(w, r)
	}))
	return mux
}

// serveMetrics listens on the metrics address until ctx ends; it returns once listening.
func (a *App) serveMetrics(ctx context.Context) (string, error) {
	ln, err := net.Listen("tcp", a.cfg.MetricsAddr)
	if err != nil {
		return "", fmt.Errorf("metrics: listen on %s: %w", a.cfg.MetricsAddr, err)
	}
	srv := &http.Server{Handler: a.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("metrics listener stopped", "error", err)
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	return ln.Addr().String(), nil
}
