package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casereview/casereview/internal/app"
	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/config"
)

// Loaded describes what set-up put in the database and how long it took.
type Loaded struct {
	Reviews, Recommendations, Actions int
	ImportTook, IndexTook             time.Duration
	Reference                         Reference
	PanelPartnership                  string // the partnership the benchmark user is on the panel of
	Server                            *httptest.Server
}

const defaultServer = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// freshDatabase drops and creates casereview_bench on the local server and returns its URL.
func freshDatabase(ctx context.Context) (string, error) {
	conn, err := pgx.Connect(ctx, defaultServer)
	if err != nil {
		return "", fmt.Errorf("connect to %s (set BENCH_DATABASE_URL to use another database): %w", defaultServer, err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{`DROP DATABASE IF EXISTS casereview_bench WITH (FORCE)`, `CREATE DATABASE casereview_bench`} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return "", fmt.Errorf("%s: %w", q, err)
		}
	}
	return strings.Replace(defaultServer, "/postgres?", "/casereview_bench?", 1), nil
}

func setUp(ctx context.Context, cfg Config, out io.Writer) (*Env, func(), error) {
	env := &Env{Ctx: ctx, Out: out, Config: cfg}
	start := time.Now()
	c, err := ReadCorpus(cfg.CorpusPath)
	if err != nil {
		return nil, nil, err
	}
	env.Corpus = c
	env.Printf("corpus: %d PFD reports -> %d concern items (%d words), read from %s at run time\n", c.Reports, len(c.Items), c.Words, cfg.CorpusPath)
	env.Printf("AMPLIFIED: %d recommendations = the %d real items reused %.1f times each, with invented metadata (review types, partnerships, years, addressees, themes, statuses, dates)\n",
		cfg.Scale, len(c.Items), float64(cfg.Scale)/float64(len(c.Items)))

	env.DBURL = cfg.DatabaseURL
	if env.DBURL == "" {
		if env.DBURL, err = freshDatabase(ctx); err != nil {
			return nil, nil, err
		}
	}
	if env.DataDir, err = os.MkdirTemp("", "casereview-bench-"); err != nil {
		return nil, nil, err
	}
	acfg, err := config.Load(func(string) string { return "" }, nil)
	if err != nil {
		return nil, nil, err
	}
	acfg.DataDir, acfg.DatabaseURL = env.DataDir, env.DBURL
	if acfg.SecretKey, err = auth.NewSecretKey(); err != nil { // the bench database is thrown away
		return nil, nil, err
	}
	acfg.Reconcile = 0         // a full comparison of index and database at start would run during the measurements
	acfg.Notifications = false // nor the first daily notification run, writing during the measurements
	// The application's log: errors only, and nothing while the index is first built (searches
	// answer 503 then, and each is logged).
	level := &slog.LevelVar{}
	level.Set(slog.LevelError + 8)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	// The recurrence follower is left off: on a new database it first places every recommendation
	// in its clusters, for many minutes of one core at 100k (docs/performance.md), and measuring
	// beside that would time it too. A restarted server loads its stored clusters instead.
	a, err := app.New(ctx, acfg, log, app.Options{NoRecurrence: true})
	if err != nil {
		os.RemoveAll(env.DataDir)
		return nil, nil, fmt.Errorf("start the application: %w", err)
	}
	bg, stop := context.WithCancel(ctx)
	env.App, env.Store, env.Handler = a, a.Store(), a.Handler()
	cleanup := func() {
		if env.Loaded.Server != nil {
			env.Loaded.Server.Close()
		}
		stop()
		a.Close()
		os.RemoveAll(env.DataDir)
	}
	sys := casereview.WithActor(ctx, casereview.System)
	if err := env.load(sys); err != nil {
		return env, cleanup, err
	}
	// Start the background work: the index is new, so the indexer rebuilds it from the database
	// first, then follows the journal.
	t0 := time.Now()
	a.Start(bg)
	env.Loaded.Server = httptest.NewServer(env.Handler)
	if err := env.signIn(sys); err != nil {
		return env, cleanup, err
	}
	if err := env.waitSearchable(4 * time.Hour); err != nil { // a rebuild of 1M takes well over half an hour here
		return env, cleanup, err
	}
	env.Loaded.IndexTook = time.Since(t0)
	level.Set(slog.LevelError)
	env.Printf("indexing: the indexer rebuilt the bleve index from PostgreSQL in %s (%.0f recommendations/s)\n",
		env.Loaded.IndexTook.Round(time.Millisecond), float64(env.Loaded.Recommendations)/env.Loaded.IndexTook.Seconds())
	env.Printf("searching as: %s (a real panel user signed in with a password; sees public and shared reviews and its partnership's restricted ones)\n", env.User.Email)
	env.Printf("set-up took %s\n", time.Since(start).Round(time.Millisecond))
	return env, cleanup, nil
}

// waitSearchable waits until the search endpoint answers (it says 503 while the index is built).
func (e *Env) waitSearchable(max time.Duration) error {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		st, body, err := e.User.Get("/api/v1/search?q=police&limit=1&facets=none")
		if err != nil {
			return err
		}
		var a searchAnswer
		if st == http.StatusOK && json.Unmarshal(body, &a) == nil && (a.Source == "" || a.Source == "index") {
			return nil
		}
		if st != http.StatusOK && st != http.StatusServiceUnavailable {
			return fmt.Errorf("search answered %d: %s", st, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the index was not ready after %s", max)
}

// signIn creates a panel member of one partnership and signs in through the API.
func (e *Env) signIn(sys context.Context) error {
	var err error
	e.User, err = e.signInAs(sys, "bench-panel@bench.casereview.invalid", "Benchmark panel member",
		casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: e.Loaded.PanelPartnership})
	return err
}

// Base is the URL of the running server.
func (e *Env) Base() string { return e.Loaded.Server.URL }

// Escape is url.QueryEscape.
func Escape(s string) string { return url.QueryEscape(s) }
