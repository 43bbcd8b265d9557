package dbtest

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/taxonomy"
)

// tableCounts is the number of rows in each public table of the database at dbURL, and the
// goose sequence's next value.
func tableCounts(t *testing.T, db *sql.DB) (map[string]int, int64) {
	t.Helper()
	rows, err := db.Query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	counts := map[string]int{}
	for _, tbl := range tables {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM " + tbl).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[tbl] = n
	}
	var next int64
	// nextval moves the sequence on; reset must move it back.
	if err := db.QueryRow("SELECT nextval(pg_get_serial_sequence('goose_db_version', 'id'))").Scan(&next); err != nil {
		t.Fatal(err)
	}
	return counts, next
}

// A pooled copy, filled by a test (the taxonomy's seeding writes reference rows and audit
// events, which the audit trail's trigger refuses to delete), is put back to the template's rows
// and sequences by reset; the audit trail's rule is in force again afterwards; and a copy whose
// schema a test changed is refused, so that it is made anew.
func TestResetPutsACopyBackToItsTemplate(t *testing.T) {
	dbURL, dir := Migrated(t, "postgres")
	ctx := context.Background()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before, seqBefore := tableCounts(t, db)

	s, err := store.Open(ctx, store.Options{DatabaseURL: dbURL, SQLitePath: filepath.Join(dir, "casereview.db")})
	if err != nil {
		t.Fatal(err)
	}
	tax, err := taxonomy.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedTaxonomy(ctx, tax); err != nil {
		t.Fatal(err)
	}
	s.Close() // reset ends other sessions anyway; closed here so the test's own checks are clean
	filled, _ := tableCounts(t, db)
	if filled["audit_events"] == 0 || filled["themes"] == 0 {
		t.Fatalf("seeding wrote no audit events or themes: %v", filled)
	}

	ok, err := reset(ctx, dbURL)
	if err != nil || !ok {
		t.Fatalf("reset: %v, %v", ok, err)
	}
	db.Close() // reset ended its session
	if db, err = sql.Open("pgx", dbURL); err != nil {
		t.Fatal(err)
	}
	after, seqAfter := tableCounts(t, db)
	for tbl, n := range before {
		if after[tbl] != n {
			t.Errorf("%s: %d rows after reset, want the template's %d", tbl, after[tbl], n)
		}
	}
	if before["goose_db_version"] == 0 {
		t.Error("the template's own rows (the migrations applied) are missing")
	}
	if seqAfter != seqBefore {
		t.Errorf("goose_db_version's sequence gave %d after reset, want the template's %d", seqAfter, seqBefore)
	}

	// Replica mode (no triggers) was the reset's alone: the copy works as a fresh one.
	s2, err := store.Open(ctx, store.Options{DatabaseURL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.SeedTaxonomy(ctx, tax); err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if _, err := db.Exec("DELETE FROM audit_events"); err == nil || !strings.Contains(err.Error(), "audit") {
		t.Errorf("deleting the audit trail after a reset: %v, want the trigger's refusal", err)
	}

	if _, err := db.Exec("ALTER TABLE themes ADD COLUMN scratch text"); err != nil {
		t.Fatal(err)
	}
	if ok, err := reset(ctx, dbURL); err != nil || ok {
		t.Errorf("reset of a copy with a changed schema: %v, %v; want false so it is made anew", ok, err)
	}
}

// Two tests running at once never get the same copy, and a copy given back is claimed again.
func TestClaimsAreExclusive(t *testing.T) {
	if os.Getenv(EnvURL) == "" {
		t.Skip(EnvURL + " is not set")
	}
	a, _ := Migrated(t, "postgres")
	b, _ := Migrated(t, "postgres")
	if a == b {
		t.Fatalf("two claims in one test got the same database %s", a)
	}
}

// Two runs whose CASEREVIEW_TEST_DATABASE_URL name different databases of one server (a
// developer's and .ci/run's own) still see each other's claims.
func TestClaimsAreExclusiveAcrossDatabases(t *testing.T) {
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " is not set")
	}
	ctx := context.Background()
	other, _ := Migrated(t, "postgres") // any other database of the server will do
	p1, err := newPool(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := newPool(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	defer p1.close()
	defer p2.close()
	name := poolPrefix + "0_test_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if got, err := p1.lock(ctx, name); err != nil || !got {
		t.Fatalf("the first claim of %s: %v, %v", name, got, err)
	}
	if got, err := p2.lock(ctx, name); err != nil || got {
		t.Fatalf("a run on another database claimed %s too: %v, %v", name, got, err)
	}
	p1.release(name)
	if got, err := p2.lock(ctx, name); err != nil || !got {
		t.Fatalf("%s given back, yet not claimable: %v, %v", name, got, err)
	}
	p2.release(name)
}

// Copies of a template that no longer exists are dropped when a template is built.
func TestPrunePoolsDropsCopiesOfGoneTemplates(t *testing.T) {
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " is not set")
	}
	ctx := context.Background()
	p, err := poolFor(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	gone := poolPrefix + "4294967295_" + strconv.FormatInt(time.Now().UnixNano()%1e6, 10) // no such oid
	if _, err := p.db.ExecContext(ctx, "CREATE DATABASE "+gone); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+gone) }) //nolint:errcheck
	kept, _ := Migrated(t, "postgres")                                           // a claimed copy of a live template
	prunePools(ctx, base)
	var n int
	if err := p.db.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", gone).Scan(&n); err != nil || n != 0 {
		t.Errorf("the copy of a gone template is still there (%d, %v)", n, err)
	}
	keptName := kept[strings.LastIndex(kept, "/")+1 : strings.Index(kept, "?")]
	if err := p.db.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", keptName).Scan(&n); err != nil || n != 1 {
		t.Errorf("the copy of a live template %s was dropped (%d, %v)", keptName, n, err)
	}
}

// deadRows is what the statistics say of table's dead rows, once they say more than zero or
// after 10 s.
func deadRows(t *testing.T, db *sql.DB, table string, wantSome bool) int64 {
	t.Helper()
	var n int64
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err := db.QueryRow("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = $1", table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if (n > 0) == wantSome || time.Now().After(deadline) {
			return n
		}
	}
}

// The rows every reset deletes do not pile up where autovacuum is off (it is off on machines of
// this kind): a table with many dead rows is vacuumed.
func TestVacuumDeadCleansWhatResetsLeft(t *testing.T) {
	dbURL, _ := Migrated(t, "postgres")
	ctx := context.Background()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE scratch (id int)"); err != nil { // the copy is made anew after
		t.Fatal(err)
	}
	// In a session of its own, which ends, so its counts reach the statistics.
	other, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec("INSERT INTO scratch SELECT generate_series(1, 5000); DELETE FROM scratch"); err != nil {
		t.Fatal(err)
	}
	other.Close()
	if n := deadRows(t, db, "scratch", true); n <= 1000 {
		t.Fatalf("%d dead rows counted, want 5000", n)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := vacuumDead(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if n := deadRows(t, db, "scratch", false); n != 0 {
		t.Errorf("%d dead rows after vacuumDead, want 0", n)
	}
}
