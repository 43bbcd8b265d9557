package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/migrations"
)

// templateVersion changes when what Migrate does in Go (not in the SQL files) changes, so the
// templates made by the old code are not reused.
const templateVersion = 3

// Migrated returns a fresh database of dialect, already migrated (not seeded: the taxonomy's
// seeding is audited at the test's own clock, by Open or the app), given up when t ends: the URL
// (empty for SQLite) and a data folder (holding the SQLite file). Migrating takes 300 ms on
// PostgreSQL and 30 ms on SQLite, so it is done once into a template: each SQLite test copies the
// file, each PostgreSQL test claims a pooled copy of the template database (pool.go). Templates
// are named by a hash of the migrations, so a change to one makes new ones.
func Migrated(t testing.TB, dialect string) (databaseURL, dataDir string) {
	t.Helper()
	dataDir = t.TempDir()
	if dialect == "sqlite" {
		src, err := sqliteTemplate()
		if err != nil {
			t.Fatalf("sqlite template: %v", err)
		}
		if err := copyFile(src, filepath.Join(dataDir, "casereview.db")); err != nil {
			t.Fatalf("copy the sqlite template: %v", err)
		}
		return "", dataDir
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " is not set")
	}
	tmpl, err := postgresTemplate(base)
	if err != nil {
		t.Fatalf("postgres template: %v", err)
	}
	return createFrom(t, base, tmpl), dataDir
}

// createFrom claims a copy of the template tmpl on the server at base from the pool (see
// pool.go), gives it back when t ends, and returns its URL.
func createFrom(t testing.TB, base, tmpl string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p, err := poolFor(ctx, base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	name, err := p.claim(ctx, base, tmpl)
	if err != nil {
		t.Fatalf("a copy of %s: %v", tmpl, err)
	}
	t.Cleanup(func() { p.release(name) })
	markPostgresRan(t)
	return withDatabase(base, name)
}

// withDatabase is base pointed at database name, for throw-away data.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	q := u.Query()
	// A test database is thrown away: a commit need not wait for its WAL to reach the disk.
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

var (
	templateHashOnce sync.Once
	templateHashVal  string

	sqliteOnce sync.Once
	sqlitePath string
	sqliteErr  error

	postgresMu    sync.Mutex
	postgresNames = map[string]string{} // base URL -> template database
)

// templateHash names the templates: the migrations, templateVersion and the seal.
func templateHash() string {
	templateHashOnce.Do(func() {
		h := sha256.New()
		fmt.Fprintf(h, "v%d\n", templateVersion)
		for _, stmt := range sealSQL { // a template carries what seal made
			fmt.Fprintf(h, "%s\n", stmt)
		}
		for _, d := range []string{migrations.SQLite, migrations.Postgres} {
			fsys, err := migrations.FS(d)
			if err != nil {
				panic(err)
			}
			_ = fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
				if err != nil || e.IsDir() {
					return err
				}
				b, err := fs.ReadFile(fsys, p)
				fmt.Fprintf(h, "%s/%s %d\n", d, p, len(b))
				h.Write(b)
				return err
			})
		}
		templateHashVal = hex.EncodeToString(h.Sum(nil))[:16]
	})
	return templateHashVal
}

// migrate migrates the database at dbURL (or the SQLite file at path).
func migrate(dbURL, path string) error {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DatabaseURL: dbURL, SQLitePath: path})
	if err != nil {
		return err
	}
	defer s.Close()
	_, err = s.Migrate(ctx)
	return err
}

// sqliteTemplate returns a migrated SQLite file, shared by the test processes of this machine
// (made once, under a temporary name, then renamed into place).
func sqliteTemplate() (string, error) {
	sqliteOnce.Do(func() {
		sqlitePath = filepath.Join(os.TempDir(), "casereview-dbtest-"+templateHash()+".db")
		if _, err := os.Stat(sqlitePath); err == nil {
			return
		}
		dir, err := os.MkdirTemp("", "casereview-dbtest-")
		if err != nil {
			sqliteErr = err
			return
		}
		defer os.RemoveAll(dir)
		tmp := filepath.Join(dir, "casereview.db")
		if sqliteErr = migrate("", tmp); sqliteErr != nil {
			return
		}
		for _, suffix := range []string{"-wal", "-shm"} { // closed cleanly: nothing is left in them
			if st, err := os.Stat(tmp + suffix); err == nil && st.Size() > 0 && suffix == "-wal" {
				sqliteErr = fmt.Errorf("the template's write-ahead log was not checkpointed")
				return
			}
		}
		sqliteErr = os.Rename(tmp, sqlitePath)
	})
	return sqlitePath, sqliteErr
}

// postgresTemplate returns the name of a migrated template database on the server at base,
// making it if this server has none yet. An advisory lock keeps test processes that start
// together from making it twice.
func postgresTemplate(base string) (string, error) {
	postgresMu.Lock()
	defer postgresMu.Unlock()
	if name, ok := postgresNames[base]; ok {
		return name, nil
	}
	name := "casereview_tmpl_" + templateHash()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, unlock, err := templateLock(ctx, base)
	if err != nil {
		return "", err
	}
	defer unlock()
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		return "", err
	}
	if n == 0 {
		building := name + "_new"
		if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
			return "", err
		}
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
			return "", err
		}
		u, _ := url.Parse(base)
		u.Path = "/" + building
		if err := migrate(u.String(), ""); err != nil {
			return "", fmt.Errorf("migrate the template: %w", err)
		}
		if err := seal(ctx, u.String()); err != nil {
			return "", err
		}
		// The migration's connections are closed; only then is it complete under its own name.
		// (The server may take a moment to notice they are gone.)
		for try := 0; ; try++ {
			_, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name)
			if err == nil {
				break
			}
			if try == 50 || !strings.Contains(err.Error(), "being accessed by other users") {
				return "", err
			}
			time.Sleep(100 * time.Millisecond)
		}
		prunePools(ctx, base)
	}
	postgresNames[base] = name
	return name, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// templateLock connects to the server of base and holds the advisory lock under which template
// databases are built (several test processes may build the same one at once); unlock releases
// it and closes the connection.
func templateLock(ctx context.Context, base string) (*sql.Conn, func(), error) {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return nil, nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(hashtext('casereview dbtest template'))"); err != nil {
		conn.Close()
		db.Close()
		return nil, nil, err
	}
	return conn, func() {
		conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(hashtext('casereview dbtest template'))") //nolint:errcheck
		conn.Close()
		db.Close()
	}, nil
}
