// Package app wires configuration, storage and the HTTP API together. Tests drive it through
// New, Handler, Run and Close exactly as main does.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casereview/casereview/api"
	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/config"
	"github.com/casereview/casereview/internal/demo"
	"github.com/casereview/casereview/internal/extract"
	"github.com/casereview/casereview/internal/importer"
	"github.com/casereview/casereview/internal/notify"
	"github.com/casereview/casereview/internal/recurrence/follower"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/store/imports"
	"github.com/casereview/casereview/internal/store/state"
	"github.com/casereview/casereview/internal/store/summaries"
	"github.com/casereview/casereview/internal/suggest"
	"github.com/casereview/casereview/internal/taxonomy"
)

// Version is set at build time with -ldflags "-X github.com/casereview/casereview/internal/app.Version=…".
var Version = "dev"

// App is one running instance of the service.
type App struct {
	cfg     config.Config
	log     *slog.Logger
	lock    *folderLock // the data folder's, held while the search index is open
	metrics *metrics
	store   *store.Store
	imports *importer.Jobs // import jobs, run for the API and the web UI alike
	auth    *auth.Service
	search  *searcher
	handler http.Handler
	// indexPoll is how often the index follower polls the journal (Options.IndexPoll).
	indexPoll time.Duration
	// noRecurrence: Start does not follow the recurrence clusters (Options.NoRecurrence).
	noRecurrence bool
	// indexOpts are how the search index is opened (Options.IndexMergeFloor).
	indexOpts bleveindex.Options
	api       http.Handler // the JSON API alone (inside handler)
	now       func() time.Time
	// checkpointOnce starts the audit checkpoints with the first Start; checkpointDone
	// closes when the last one (at shutdown) is written.
	checkpointOnce sync.Once
	checkpointDone chan struct{}

	// summaries are the store's summaries (casereview.SummaryService), for both front ends.
	summaries *summaries.Service
	// notify runs the reminder ladder, the digests and the email sender (notifications.go).
	notify *notify.Scheduler
	// recur keeps the recurrence clusters (internal/recurrence/follower); nil until it has
	// loaded, after Start.
	recur atomic.Pointer[follower.Follower]
}

// Options adjust New for tests.
type Options struct {
	Now func() time.Time
	// Unauthenticated, when set, is who callers without credentials act as. Only tests of the
	// data rules use it (with casereview.System); a deployment cannot set it.
	Unauthenticated *casereview.Actor
	// NoSearch leaves the search index closed: the administrative commands need only the
	// database, and must not wait for the index a running server holds locked.
	NoSearch bool
	// SearchGate replaces the admission control of searches (search.DefaultGate).
	SearchGate *search.Gate
	// ImportGate replaces the bound on import jobs the configuration sets
	// (CASEREVIEW_IMPORT_CONCURRENCY and CASEREVIEW_IMPORT_QUEUE).
	ImportGate *importer.Gate
	// NoRecurrence leaves the recurrence clusters unloaded (the recurring pages then say so):
	// the benchmark measures a server in its steady state, and on a new database the follower's
	// first placing of every recommendation is long (docs/performance.md).
	NoRecurrence bool
	// IndexPoll replaces how often the index follower polls the journal when nothing wakes it
	// (indexer.DefaultPollInterval).
	IndexPoll time.Duration
	// IndexMergeFloor replaces the search index's merge floor (bleveindex.Options.MergeFloor):
	// test harnesses set 1, as their small indexes take thousands of single writes.
	IndexMergeFloor int64
	// PasswordParams replaces the argon2id parameters new password hashes are made with
	// (auth.DefaultParams). Only test harnesses lower them, so that signing in costs
	// microseconds; hashes record their parameters, so each still verifies with its own.
	PasswordParams *auth.Params
}

// AuthConfig turns the configuration into sign-in rules.
func AuthConfig(cfg config.Config) auth.Config {
	ac := auth.DefaultConfig()
	ac.IdleTimeout, ac.AbsoluteTimeout, ac.LockAfter, ac.LockFor = cfg.SessionIdle, cfg.SessionMax, cfg.LockAfter, cfg.LockFor
	ac.MFARequiredRoles = nil
	for _, r := range cfg.MFARequiredRoles {
		ac.MFARequiredRoles = append(ac.MFARequiredRoles, casereview.Role(r))
	}
	return ac
}

// New opens the database, applies migrations, seeds the taxonomy, loads the demo data when
// asked to and the database is empty, and builds the HTTP handler.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, o Options) (*App, error) {
	box, err := secretBox(cfg, log) // before anything else: without a key, nothing starts
	if err != nil {
		return nil, err
	}
	var lock *folderLock
	if !o.NoSearch {
		// Before anything else touches the folder: a second server fails here, at once.
		if lock, err = lockFolder(cfg.DataDir); err != nil {
			return nil, err
		}
	}
	s, err := openMigrated(ctx, cfg, log, o.Now)
	if err != nil {
		lock.Close()
		return nil, err
	}
	ac := AuthConfig(cfg)
	if o.PasswordParams != nil {
		ac.Params = *o.PasswordParams
	}
	a := &App{cfg: cfg, log: log, store: s, summaries: summaries.New(s), auth: auth.NewService(s, ac, o.Now), now: o.Now, lock: lock, indexPoll: o.IndexPoll, noRecurrence: o.NoRecurrence,
		indexOpts: bleveindex.Options{MergeFloor: o.IndexMergeFloor}}
	started := false
	defer func() {
		if !started { // New failed after this point and closed the store
			lock.Close()
		}
	}()
	a.auth.UseSecretBox(box)
	a.metrics = newMetrics(a)
	a.auth.OnFailure(a.metrics.observeLoginFailure)
	if n, err := a.auth.SealSecrets(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("second-factor secrets: %w", err)
	} else if n > 0 {
		log.Info("encrypted second-factor secrets under the current key", "count", n)
	}
	if a.now == nil {
		a.now = time.Now
	}
	// Import jobs whose process died (a crash, kill -9) would show "running" for ever; what
	// they wrote was rolled back with their transaction.
	imp := imports.New(s)
	if n, err := imp.FailOrphanedImportJobs(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("orphaned import jobs: %w", err)
	} else if n > 0 {
		log.Warn("marked import jobs failed: their process stopped before they finished", "count", n)
	}
	suggester, err := suggest.Default()
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("theme suggestions: %w", err)
	}
	s.UseThemeSuggester(suggester)
	pdf := extract.FindPDFReader("")
	s.UsePDFReader(pdf)
	if a.notify, err = a.newScheduler(); err != nil {
		s.Close()
		return nil, fmt.Errorf("notifications: %w", err)
	}
	if cfg.Demo {
		if err := a.loadDemo(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	if !o.NoSearch {
		if err := a.openSearch(ctx); err != nil {
			s.Close()
			return nil, fmt.Errorf("search index: %w", err)
		}
	}
	opts := api.Options{Service: s, Summaries: a.summaries, State: state.New(s), Logger: log, MaxBodyBytes: cfg.MaxBodyBytes, Version: Version, Now: o.Now,
		Auth: a.auth, CookieSecure: api.CookieSecure(cfg.CookieSecure), Unauthenticated: o.Unauthenticated, TrustedProxies: cfg.TrustedProxies,
		Heads: s, SDCThreshold: cfg.SDCThreshold, Observe: a.metrics.observeRequest, ImportGate: o.ImportGate,
		PDFText: pdf.Describe()}
	if opts.ImportGate == nil {
		opts.ImportGate = importer.NewGate(cfg.ImportConcurrency, cfg.ImportQueue)
	}
	// One runner of import jobs for both front ends, so the gate bounds them together.
	opts.Imports = importer.NewJobs(s, imp, opts.State, opts.ImportGate, a.now)
	a.imports = opts.Imports
	opts.Nearest = nearestFinder{a}
	if a.search != nil {
		opts.Search, opts.Indexer, opts.SearchControl = a.search.live, a.search, a
	}
	// One search for both front ends: the API's GET /api/v1/search and the search page.
	opts.Finder = search.NewFinder(s, opts.Search, opts.Indexer, o.Now)
	opts.Finder.Threshold(cfg.SDCThreshold)
	if o.SearchGate != nil {
		opts.Finder.Admit(o.SearchGate)
	}
	opts.Finder.Observe(a.metrics.observeSearch)
	// Watched saved searches are evaluated against this process's index (issue 18 §3).
	a.notify.Alerts = &notify.Alerts{Store: s}
	if a.search != nil {
		a.notify.Alerts.Finder, a.notify.Alerts.Index = opts.Finder, a.search.live
	}
	a.useReports(opts.Finder)
	opts.Reports = a.notify.Reports
	pages, err := a.webHandler(opts.Finder)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.api = api.NewRouter(opts)
	a.handler = splitHandler(a.api, pages)
	started = true
	return a, nil
}

func openMigrated(ctx context.Context, cfg config.Config, log *slog.Logger, now func() time.Time) (*store.Store, error) {
	keys, err := auditKeyring(cfg, log)
	if errors.Is(err, errNoKey) {
		// migrate, import and reindex may run without the key (New refuses earlier): the
		// store then writes only to a chain that was never keyed, and refuses, naming the
		// key, to write to one that was.
		keys = nil
	} else if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	s, err := store.Open(ctx, store.Options{DatabaseURL: cfg.DatabaseURL, DatabasePassword: cfg.DatabasePassword, SQLitePath: cfg.SQLitePath(), Now: now, Logger: log})
	if err != nil {
		return nil, err
	}
	v, err := s.Migrate(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	// Every event from here on is keyed: the first write of a database keyed no earlier is the
	// marker that starts the keyed chain (see casereview/auditkeys.go).
	if keys != nil {
		s.UseAuditKeys(keys, filepath.Join(cfg.DataDir, checkpointFile))
		if err := s.KeyAuditChain(ctx); err != nil {
			s.Close()
			return nil, fmt.Errorf("key the audit chain: %w", err)
		}
	}
	tax, err := taxonomy.Default()
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	changed, err := s.SeedTaxonomy(ctx, tax)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("seed taxonomy: %w", err)
	}
	log.Info("database ready", "dialect", s.Dialect(), "schema_version", v, "taxonomy_version", tax.Version, "taxonomy_updated", changed)
	return s, nil
}

func (a *App) loadDemo(ctx context.Context) error {
	existing, err := a.store.ListReviews(ctx, casereview.ReviewFilter{}, casereview.PageRequest{Limit: 1})
	if err != nil {
		return err
	}
	if existing.Total > 0 {
		return nil
	}
	ds, err := demo.Load()
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	sys := casereview.WithActor(ctx, casereview.System)
	// The demo users are created between the records and their tracking, so that the police
	// editor records the police's responses, the oversight officer assesses, and so on.
	var path string
	st, err := demo.InstallWith(sys, a.store, ds, demo.Options{People: func(ctx context.Context) ([]casereview.Actor, error) {
		p, people, err := a.createDemoUsers(ctx)
		if err != nil {
			return nil, fmt.Errorf("demo users: %w", err)
		}
		path = p
		return people, nil
	}})
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	if err := a.installDemoBaselines(sys); err != nil {
		return fmt.Errorf("demo baselines: %w", err)
	}
	a.log.Info("loaded the fictional demo dataset", "reviews", st.Reviews, "recommendations", st.Recommendations, "actions", st.Actions,
		"responses", st.Responses, "evidence", st.Evidence, "assessments", st.Assessments, "links", st.Links)
	if err := a.demoReportSchedule(ctx); err != nil {
		return err
	}
	a.log.Warn("DEMO ONLY: sign-in details for the demo users are in " + path)
	return nil
}

// Handler is the HTTP handler, for tests that serve it with httptest.
func (a *App) Handler() http.Handler { return a.handler }

// APIHandler is the JSON API's router alone, for tests that list its routes.
func (a *App) APIHandler() http.Handler { return a.api }

// Auth exposes the sign-in service to tests and subcommands.
func (a *App) Auth() *auth.Service { return a.auth }

// Store exposes the store to tests and subcommands.
func (a *App) Store() *store.Store { return a.store }

// Run serves HTTP on the configured address until ctx is cancelled, then drains in-flight
// requests for up to the shutdown timeout. ready, when not nil, receives the bound address.
func (a *App) Run(ctx context.Context, ready chan<- string) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	if a.cfg.MetricsAddr != "" {
		addr, err := a.serveMetrics(ctx)
		if err != nil {
			ln.Close()
			return err
		}
		a.log.Info("serving metrics", "url", "http://"+addr+"/metrics", "token_required", a.cfg.MetricsToken != "")
	}
	a.Start(ctx)
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	a.log.Info("listening", "url", "http://"+ln.Addr().String(), "version", Version)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down", "timeout", a.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close stops the search index (after the context given to Start has ended) and releases the
// database.
func (a *App) Close() error {
	if a.checkpointDone != nil {
		select {
		case <-a.checkpointDone: // the shutdown checkpoint is written
		case <-time.After(15 * time.Second):
			a.log.Warn("the shutdown audit checkpoint was not written in time")
		}
	}
	return errors.Join(a.closeSearch(), a.store.Close(), a.lock.Close())
}

// NewLogger builds the process logger from the configuration.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Now is the application's clock (tests fix it).
func (a *App) Now() time.Time { return a.now() }
