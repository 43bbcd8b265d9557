// Package dbtest gives every test one way to get a fresh, migrated database of either dialect.
// SQLite always runs, each test on a copy of a migrated file; PostgreSQL runs when
// CASEREVIEW_TEST_DATABASE_URL is set, each test on a database of its own: a pooled copy of a
// migrated template database, put back to the template's state before each use (pool.go).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for schema set-up

	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/taxonomy"
)

// EnvURL names the variable that points the tests at a PostgreSQL server.
const EnvURL = "CASEREVIEW_TEST_DATABASE_URL"

// EnvMarkerDir, when set, names a folder where a file is written each time a test is given a
// PostgreSQL database, so CI can prove the PostgreSQL suite really ran.
const EnvMarkerDir = "CASEREVIEW_TEST_MARKER_DIR"

// Dialects lists the dialects this run tests: sqlite, and postgres when configured.
func Dialects() []string {
	if os.Getenv(EnvURL) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Each runs fn as a subtest per dialect, in parallel with each other and with the package's
// other parallel tests: every test has databases, folders and servers of its own, so nothing is
// shared but the machine (go test's -parallel bounds how many run at once). A test that must
// run alone (it sets environment variables, or process-wide state) uses EachSerial.
func Each(t *testing.T, fn func(t *testing.T, dialect string)) {
	t.Helper()
	t.Parallel()
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

// EachSerial runs fn as a subtest per dialect, one after the other and alone.
func EachSerial(t *testing.T, fn func(t *testing.T, dialect string)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, d) })
	}
}

// Options for Open.
type Options struct {
	Now func() time.Time
}

// URL returns a database URL for a fresh, empty database of dialect, removed when t ends:
// a SQLite file path marker (empty URL plus a data directory) or a PostgreSQL URL whose
// search_path is a new schema.
func URL(t testing.TB, dialect string) (databaseURL, dataDir string) {
	t.Helper()
	dataDir = t.TempDir()
	if dialect == "sqlite" {
		return "", dataDir
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " is not set")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		t.Fatalf("create schema on %s: %v", EnvURL, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		db.Close()
	})
	markPostgresRan(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	// A test database is thrown away: a commit need not wait for its WAL to reach the disk.
	// (Durability is PostgreSQL's, untouched elsewhere; this cuts each commit's fsync wait.)
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String(), dataDir
}

func markPostgresRan(t testing.TB) {
	dir := os.Getenv(EnvMarkerDir)
	if dir == "" {
		return
	}
	name := filepath.Join(dir, fmt.Sprintf("postgres-%d-%d", os.Getpid(), time.Now().UnixNano()))
	if err := os.WriteFile(name, []byte(t.Name()+"\n"), 0o644); err != nil {
		t.Fatalf("write marker: %v", err)
	}
}

// Open returns a store on a fresh database of dialect, migrated and seeded with the embedded
// taxonomy, closed when t ends.
func Open(t testing.TB, dialect string, o Options) *store.Store {
	t.Helper()
	dbURL, dir := Migrated(t, dialect)
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DatabaseURL: dbURL, SQLitePath: filepath.Join(dir, "casereview.db"), Now: o.Now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatalf("taxonomy: %v", err)
	}
	if _, err := s.SeedTaxonomy(ctx, tax); err != nil {
		t.Fatalf("seed taxonomy: %v", err)
	}
	return s
}
