package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Derived is Migrated for tests that all start from the same filled database (the demo data,
// say): build fills a migrated database (its URL, empty for SQLite, and its data folder) once,
// and each test gets a copy of the database and of the data folder's files. key must name
// everything build's result depends on (the migrations are added to it here); SourceHash helps.
//
// The copies are made as Migrated's are: CREATE DATABASE … TEMPLATE on PostgreSQL (under an
// advisory lock, so that test processes starting together build it once), a copied folder for
// SQLite. Templates nobody has used for a day are dropped when a new one is built.
func Derived(t testing.TB, dialect, key string, build func(databaseURL, dataDir string) error) (databaseURL, dataDir string) {
	t.Helper()
	name := "casereview_dtmpl_" + shortHash(templateHash()+"\n"+key)
	dataDir = t.TempDir()
	if dialect == "sqlite" {
		src, err := derivedSQLite(t, name, build)
		if err != nil {
			t.Fatalf("sqlite template %s: %v", name, err)
		}
		if err := copyDir(src, dataDir); err != nil {
			t.Fatalf("copy the sqlite template: %v", err)
		}
		return "", dataDir
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " is not set")
	}
	files, err := derivedPostgres(t, base, name, build)
	if err != nil {
		t.Fatalf("postgres template %s: %v", name, err)
	}
	if err := copyDir(files, dataDir); err != nil {
		t.Fatalf("copy the template's data folder: %v", err)
	}
	return createFrom(t, base, name), dataDir
}

// SourceHash hashes the module's source outside tests (every file under the given folders of the
// module root, except _test.go files and testdata), so that a template built by code that has
// since changed is not reused. The module root is found from the working directory, which go
// test sets to the package's folder.
func SourceHash(dirs ...string) (string, error) {
	root, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		root = parent
	}
	h := sha256.New()
	for _, d := range dirs {
		err := filepath.WalkDir(filepath.Join(root, d), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() {
				if e.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(p, "_test.go") || !e.Type().IsRegular() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
			h.Write(b)
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])[:16]
}

var (
	derivedMu    sync.Mutex
	derivedReady = map[string]string{} // template name (and base URL) -> its data folder
)

// derivedSQLite returns a folder holding the filled data folder (the database file included),
// shared by the test processes of this machine: built in a temporary folder, then renamed into
// place.
func derivedSQLite(t testing.TB, name string, build func(string, string) error) (string, error) {
	derivedMu.Lock()
	defer derivedMu.Unlock()
	if dir, ok := derivedReady[name]; ok {
		return dir, nil
	}
	dir := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(filepath.Join(dir, "casereview.db")); err != nil {
		src, err := sqliteTemplate()
		if err != nil {
			return "", err
		}
		tmp, err := os.MkdirTemp("", name+"-new-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp)
		db := filepath.Join(tmp, "casereview.db")
		if err := copyFile(src, db); err != nil {
			return "", err
		}
		if err := build("", tmp); err != nil {
			return "", err
		}
		if st, err := os.Stat(db + "-wal"); err == nil && st.Size() > 0 {
			return "", fmt.Errorf("the template's write-ahead log was not checkpointed")
		}
		os.Remove(db + "-wal")
		os.Remove(db + "-shm")
		pruneSQLite()
		if err := os.Rename(tmp, dir); err != nil {
			// Another process got there first: use its folder when it is complete.
			if _, serr := os.Stat(filepath.Join(dir, "casereview.db")); serr != nil {
				return "", err
			}
		}
	}
	now := time.Now()
	_ = os.Chtimes(dir, now, now) // used: not pruned for a day
	derivedReady[name] = dir
	return dir, nil
}

// pruneSQLite removes filled SQLite templates nobody has used for a day.
func pruneSQLite() {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "casereview_dtmpl_*"))
	for _, p := range old {
		if st, err := os.Stat(p); err == nil && st.IsDir() && time.Since(st.ModTime()) > 24*time.Hour && !strings.Contains(filepath.Base(p), "-new-") {
			os.RemoveAll(p)
		}
	}
}

// derivedPostgres makes sure the server at base has the template database name (and this machine
// its data folder), building both when missing, and returns the data folder.
func derivedPostgres(t testing.TB, base, name string, build func(string, string) error) (string, error) {
	derivedMu.Lock()
	defer derivedMu.Unlock()
	if dir, ok := derivedReady[base+" "+name]; ok {
		return dir, nil
	}
	migrated, err := postgresTemplate(base)
	if err != nil {
		return "", err
	}
	files := filepath.Join(os.TempDir(), name+"-files")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
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
	if _, err := os.Stat(files); n == 0 || err != nil {
		// Either half alone is no use (a cleaned temporary folder, say): build both again.
		if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return "", err
		}
		building := name + "_new"
		if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
			return "", err
		}
		if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building+" TEMPLATE "+migrated); err != nil {
			return "", err
		}
		tmp, err := os.MkdirTemp("", name+"-new-")
		if err != nil {
			return "", err
		}
		defer os.RemoveAll(tmp)
		u, _ := url.Parse(base)
		u.Path = "/" + building
		if err := build(u.String(), tmp); err != nil {
			return "", fmt.Errorf("fill the template: %w", err)
		}
		if err := seal(ctx, u.String()); err != nil {
			return "", err
		}
		for try := 0; ; try++ { // as in postgresTemplate: the server may see the connections late
			_, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name)
			if err == nil {
				break
			}
			if try == 50 || !strings.Contains(err.Error(), "being accessed by other users") {
				return "", err
			}
			time.Sleep(100 * time.Millisecond)
		}
		os.RemoveAll(files)
		if err := os.Rename(tmp, files); err != nil {
			return "", err
		}
		prunePostgres(ctx, conn, name)
		prunePools(ctx, base)
	}
	// Used now: not pruned for a day.
	if _, err := conn.ExecContext(ctx, "COMMENT ON DATABASE "+name+" IS '"+strconv.FormatInt(time.Now().Unix(), 10)+"'"); err != nil {
		return "", err
	}
	derivedReady[base+" "+name] = files
	return files, nil
}

// prunePostgres drops the filled templates (other than keep) that nobody has used for a day:
// each process that uses one writes the time in its comment.
func prunePostgres(ctx context.Context, conn *sql.Conn, keep string) {
	rows, err := conn.QueryContext(ctx, `SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '')
		FROM pg_database WHERE datname LIKE 'casereview\_dtmpl\_%' AND datname <> $1`, keep)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name, used string
		if rows.Scan(&name, &used) != nil {
			continue
		}
		if sec, err := strconv.ParseInt(used, 10, 64); err != nil || time.Since(time.Unix(sec, 0)) > 24*time.Hour {
			if !strings.HasSuffix(name, "_new") {
				stale = append(stale, name)
			}
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name)
		os.RemoveAll(filepath.Join(os.TempDir(), name+"-files"))
	}
}

// copyDir copies the files under from into the folder to (which exists).
func copyDir(from, to string) error {
	return filepath.WalkDir(from, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if rel == "." {
			return nil
		}
		if e.IsDir() {
			return os.Mkdir(filepath.Join(to, rel), 0o700)
		}
		return copyFile(p, filepath.Join(to, rel))
	})
}
