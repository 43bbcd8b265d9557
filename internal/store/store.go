// Package store implements the domain services on gorm over PostgreSQL or embedded SQLite. It
// owns every transaction: each write appends its change-journal rows inside the transaction that
// makes the change, so the search index can never miss or invent a change.
package store

import (
	"context"
	cryptorand "crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/migrations"
)

// Options configures Open.
type Options struct {
	// DatabaseURL selects PostgreSQL when it starts with postgres:// or postgresql://; when empty
	// the store uses SQLite at SQLitePath.
	DatabaseURL string
	// DatabasePassword, when set, is the PostgreSQL password, kept out of the URL: a password
	// holding @, / or % breaks a URL, and a URL ends up in error messages.
	DatabasePassword string
	SQLitePath       string
	// Now is the clock; tests fix it. Defaults to time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Store is the gorm implementation of casereview.Service.
type Store struct {
	read    *gorm.DB
	write   *gorm.DB // on SQLite a single connection, so writers queue instead of failing busy
	dialect string
	now     func() time.Time
	log     *slog.Logger
	// mergeStep, when set (by tests), runs after each step of MergeOrganisations and may fail it.
	mergeStep func(step string) error
	// onCommit hears the journal head after each write that journaled something.
	onCommit func(seq int64)
	pgConfig *pgx.ConnConfig // for the PostgreSQL journal listener
	// suggester proposes themes from a recommendation's text (see suggestions.go).
	suggester casereview.ThemeSuggester
	// auditKeys key the audit chain and sign its checkpoints (audit_anchor.go); nil leaves
	// the chain unkeyed.
	auditKeys *casereview.AuditKeyring
	// reportRunHold, when set (the kill test, report_schedules.go), runs inside a report run's
	// transaction after its run row and documents are written and before its emails are.
	reportRunHold func(ctx context.Context)
	// checkpoints is the checkpoint file ("" writes none).
	checkpoints   string
	checkpointsMu sync.Mutex
}

var _ casereview.Service = (*Store)(nil)

// Open connects to the database. It does not migrate: call Migrate.
func Open(ctx context.Context, o Options) (*Store, error) {
	s := &Store{now: o.Now, log: o.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	cfg := &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true, // every write already runs in an explicit transaction
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return s.now().UTC() },
	}
	var err error
	switch {
	case IsPostgresURL(o.DatabaseURL):
		s.dialect = migrations.Postgres
		if s.pgConfig, err = PostgresConfig(o.DatabaseURL, o.DatabasePassword); err != nil {
			return nil, err
		}
		s.write, err = gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDB(*s.pgConfig.Copy())}), cfg)
		if err == nil {
			s.read = s.write
			err = setPool(s.write, 20)
		}
	case o.DatabaseURL != "":
		return nil, fmt.Errorf("database URL must start with postgres:// (or be empty for embedded SQLite)")
	default:
		s.dialect = migrations.SQLite
		err = s.openSQLite(o.SQLitePath, cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", s.dialect, err)
	}
	if err := s.ping(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to %s database: %w", s.dialect, err)
	}
	return s, nil
}

// PostgresConfig parses a PostgreSQL URL and sets password, when given, as its password. Its
// errors never quote the URL: pgx's own would, with the password masked only on a best-effort
// basis when the URL is malformed.
func PostgresConfig(url, password string) (*pgx.ConnConfig, error) {
	c, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, errors.New("the PostgreSQL URL does not parse (a password holding @, / or % must be percent-encoded, or given separately in CASEREVIEW_DATABASE_PASSWORD)")
	}
	if password != "" {
		c.Password = password
	}
	return c, nil
}

// IsPostgresURL reports whether url selects PostgreSQL.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

func (s *Store) openSQLite(path string, cfg *gorm.Config) error {
	if path == "" {
		return errors.New("no SQLite path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	// WAL lets readers run beside the writer; immediate transactions take the write lock at
	// BEGIN so two writers never deadlock upgrading from a read lock.
	pragmas := "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
	var err error
	s.write, err = gorm.Open(sqlite.Open("file:"+path+"?"+pragmas+"&_txlock=immediate"), cfg)
	if err != nil {
		return err
	}
	if err := setPool(s.write, 1); err != nil {
		return err
	}
	s.read, err = gorm.Open(sqlite.Open("file:"+path+"?"+pragmas), cfg)
	if err != nil {
		return err
	}
	return setPool(s.read, 4)
}

func setPool(db *gorm.DB, n int) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(n)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return nil
}

// Dialect names the database in use: "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.dialect }

// Close releases the connections.
func (s *Store) Close() error {
	var errs []error
	for _, db := range []*gorm.DB{s.write, s.read} {
		if db == nil {
			continue
		}
		if sqlDB, err := db.DB(); err == nil {
			errs = append(errs, sqlDB.Close())
		}
		if s.read == s.write {
			break
		}
	}
	return errors.Join(errs...)
}

func (s *Store) ping(ctx context.Context) error {
	sqlDB, err := s.write.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

func (s *Store) provider() (*goose.Provider, error) {
	fsys, err := migrations.FS(s.dialect)
	if err != nil {
		return nil, err
	}
	sqlDB, err := s.write.DB()
	if err != nil {
		return nil, err
	}
	d := goose.DialectPostgres
	if s.dialect == migrations.SQLite {
		d = goose.DialectSQLite3
	}
	var opts []goose.ProviderOption
	if s.dialect == migrations.Postgres {
		// Replicas starting together each migrate: PostgreSQL's session advisory lock lets one
		// apply the migrations while the others wait, then find nothing left to do. Checked
		// every second for up to ten minutes.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 600))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	// Never Close the provider: it would close the store's connection pool.
	return goose.NewProvider(d, sqlDB, fsys, opts...)
}

// Migrate applies every pending migration, each in its own transaction, and returns the schema
// version reached.
func (s *Store) Migrate(ctx context.Context) (int64, error) {
	p, err := s.provider()
	if err != nil {
		return 0, err
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	if err := s.fillNameKeys(ctx); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// Ready reports whether the database answers and its schema is fully migrated.
func (s *Store) Ready(ctx context.Context) (casereview.Health, error) {
	h := casereview.Health{Dialect: s.dialect}
	if err := s.ping(ctx); err != nil {
		return h, &casereview.Error{Code: casereview.CodeUnavailable, Message: "database unreachable", Err: err}
	}
	p, err := s.provider()
	if err != nil {
		return h, err
	}
	current, target, err := p.GetVersions(ctx)
	h.SchemaVersion = current
	if err != nil {
		return h, &casereview.Error{Code: casereview.CodeUnavailable, Message: "schema version unknown", Err: err}
	}
	if current != target {
		return h, &casereview.Error{Code: casereview.CodeUnavailable,
			Message: fmt.Sprintf("schema at version %d, want %d: run `casereview migrate`", current, target)}
	}
	return h, nil
}

// SQLDB exposes the write pool for tests and tools that must bypass the domain (for example to
// prove that the schema itself refuses bad rows).
func (s *Store) SQLDB() (*sql.DB, error) { return s.write.DB() }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func (s *Store) today() casereview.Date { return casereview.DateOf(s.now()) }

// newRecordKey draws a recommendation's record key for the cell key method (casereview/cellkey.go).
func newRecordKey() int {
	var b [1]byte
	if _, err := cryptorand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on the systems we run on
	}
	return int(b[0]) % casereview.RecordKeyModulus
}
