package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The pool. A PostgreSQL test database is not created for each test and dropped after it: on
// this kind of machine that cost about half a second of kernel time each (ext4 scans its recently
// deleted inodes for each of the ~590 files a new database needs, and the test suites create and
// drop hundreds), a third of the CPU of the whole Go suite. Instead each template has a pool of
// copies, named casereview_p_<template's oid>_<n>, kept on the server between runs like the
// templates themselves. A test claims a copy (a session advisory lock, so that test processes
// running at once never share one, and a process that dies frees its copies), which is first put
// back to the template's state in place: other connections ended, every table emptied and
// refilled from the snapshot the template carries (schema dbtest, made by seal), sequences reset.
// A copy whose schema a test has changed (a migration test, say) is dropped and made again.

// poolPrefix starts the name of every pooled database.
const poolPrefix = "casereview_p_"

// pool is this process's hold on the pooled databases of one server.
type pool struct {
	db *sql.DB // the run's own database (base), for CREATE and DROP

	mu      sync.Mutex
	lockDB  *sql.DB
	conn    *sql.Conn // on lockDB: holds the advisory locks of the copies this process has claimed
	claimed map[string]bool
}

var (
	poolsMu sync.Mutex
	pools   = map[string]*pool{} // base URL -> pool
)

func poolFor(ctx context.Context, base string) (*pool, error) {
	poolsMu.Lock()
	defer poolsMu.Unlock()
	if p, ok := pools[base]; ok {
		return p, nil
	}
	p, err := newPool(ctx, base)
	if err != nil {
		return nil, err
	}
	pools[base] = p
	return p, nil
}

// newPool opens a hold on the pooled databases of the server at base.
func newPool(ctx context.Context, base string) (*pool, error) {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	// Advisory locks belong to the database the session is in, and two runs may point
	// CASEREVIEW_TEST_DATABASE_URL at different databases of one server (.ci/run makes its own):
	// the claims are locked in the server's maintenance database "postgres" so that they see each
	// other, or in base's own database where that one cannot be reached.
	lockDB, conn, err := lockConn(ctx, withDatabase(base, "postgres"))
	if err != nil {
		if lockDB, conn, err = lockConn(ctx, base); err != nil {
			db.Close()
			return nil, err
		}
	}
	return &pool{db: db, lockDB: lockDB, conn: conn, claimed: map[string]bool{}}, nil
}

// close ends the pool's sessions, and with them its claims (the process's own pool is never
// closed: its claims end with the process).
func (p *pool) close() {
	p.conn.Close()
	p.lockDB.Close()
	p.db.Close()
}

// lockConn is a session of its own on the database at dbURL, for the claims' locks.
func lockConn(ctx context.Context, dbURL string) (*sql.DB, *sql.Conn, error) {
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		db.Close()
		return nil, nil, err
	}
	return db, conn, nil
}

// claim returns the name of a copy of the template tmpl in the state seal recorded, held for the
// caller until release.
func (p *pool) claim(ctx context.Context, base, tmpl string) (string, error) {
	var oid int64
	if err := p.db.QueryRowContext(ctx, "SELECT oid FROM pg_database WHERE datname = $1", tmpl).Scan(&oid); err != nil {
		return "", fmt.Errorf("find template %s: %w", tmpl, err)
	}
	for n := 0; n < 10000; n++ {
		name := poolPrefix + strconv.FormatInt(oid, 10) + "_" + strconv.Itoa(n)
		got, err := p.lock(ctx, name)
		if err != nil {
			return "", err
		}
		if !got {
			continue
		}
		if err := p.prepare(ctx, base, tmpl, name); err != nil {
			p.release(name)
			return "", err
		}
		return name, nil
	}
	return "", fmt.Errorf("no free copy of %s", tmpl)
}

// lock takes name for this process unless this process or another holds it.
func (p *pool) lock(ctx context.Context, name string) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.claimed[name] { // advisory locks are re-entrant within a session: look here first
		return false, nil
	}
	var got bool
	if err := p.conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock(hashtext($1))", name).Scan(&got); err != nil {
		return false, fmt.Errorf("claim %s: %w", name, err)
	}
	if got {
		p.claimed[name] = true
	}
	return got, nil
}

// release gives name back to the pool (whatever state the test left it in: the next claim
// resets it).
func (p *pool) release(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(hashtext($1))", name) //nolint:errcheck
	delete(p.claimed, name)
}

// prepare puts the copy name in its template's state: reset in place when it exists and its
// schema is the template's, made anew from tmpl otherwise.
func (p *pool) prepare(ctx context.Context, base, tmpl, name string) error {
	var n int
	if err := p.db.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		return err
	}
	if n == 1 {
		ok, err := reset(ctx, withDatabase(base, name))
		if err == nil && ok {
			return nil
		}
		if _, err := p.db.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop %s: %w", name, err)
		}
	}
	if _, err := p.db.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tmpl); err != nil {
		return fmt.Errorf("create database from the template: %w", err)
	}
	return nil
}

// reset ends every other connection to the database at dbURL and puts its rows back to the
// template's (dbtest.reset); false when its schema is no longer the template's.
func reset(ctx context.Context, dbURL string) (bool, error) {
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return false, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		return false, err
	}
	// The ended sessions' locks go as their processes exit; a lock held longer than this means
	// something is wrong with the copy, which is then made anew.
	if _, err := conn.ExecContext(ctx, "SET lock_timeout = '10s'"); err != nil {
		return false, err
	}
	if err := vacuumDead(ctx, conn); err != nil {
		return false, err
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT dbtest.reset()").Scan(&ok); err != nil {
		return false, err
	}
	return ok, nil
}

// vacuumDead vacuums the tables of the copy on conn that earlier resets left with many dead rows.
// Every reset deletes every row a test left, and nothing else may clean them up: autovacuum is
// off on some servers (on machines of this kind, for one), and there a copy reused a few hundred
// times had grown from 13 MB to 220 MB, its resets from 0.06 to 0.5 s, and every query of the
// tests that used it scanned the dead rows. Done before the reset, so the rows it puts back
// reuse the space at the start of each table.
func vacuumDead(ctx context.Context, conn *sql.Conn) error {
	rows, err := conn.QueryContext(ctx, `SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables
		WHERE schemaname = 'public' AND n_dead_tup > 1000`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, name)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if len(tables) == 0 {
		return nil
	}
	_, err = conn.ExecContext(ctx, "VACUUM "+strings.Join(tables, ", "))
	return err
}

// sealSQL gives a template what its copies need to be reset in place: schema dbtest with a copy
// of each public table that has rows, the sequences' positions, a fingerprint of the public
// schema, and dbtest.reset(). Run again (on a template made from a sealed one), it seals anew.
var sealSQL = []string{
	`DROP SCHEMA IF EXISTS dbtest CASCADE`,
	`CREATE SCHEMA dbtest`,
	// What a test could change about the schema: relations, columns, defaults, constraints,
	// indexes, triggers (and whether they are enabled), functions, and other schemas.
	`CREATE FUNCTION dbtest.fingerprint() RETURNS text LANGUAGE sql STABLE AS $f$
SELECT md5(coalesce(string_agg(x, E'\n' ORDER BY x), '')) FROM (
  SELECT 'schema ' || nspname AS x FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
  UNION ALL
  SELECT 'rel ' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(pg_get_indexdef(c.oid), '')
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'col ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' ||
         a.attnotnull || ' ' || a.attgenerated::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'con ' || conrelid::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'trg ' || c.relname || ' ' || t.tgname || ' ' || t.tgenabled::text
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
  UNION ALL
  SELECT 'fn ' || p.proname || ' ' || pg_get_function_identity_arguments(p.oid) || ' ' || md5(p.prosrc)
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
) s
$f$`,
	`CREATE TABLE dbtest.saved (tbl text PRIMARY KEY, cols text NOT NULL)`,
	`CREATE TABLE dbtest.seqs (seq text PRIMARY KEY, last_value bigint NOT NULL, is_called boolean NOT NULL)`,
	`CREATE TABLE dbtest.meta (fingerprint text NOT NULL)`,
	`DO $d$
DECLARE r record; n bigint; cols text;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('SELECT count(*) FROM public.%I', r.tablename) INTO n;
    CONTINUE WHEN n = 0;
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
      FROM pg_attribute a
     WHERE a.attrelid = format('public.%I', r.tablename)::regclass AND a.attnum > 0
       AND NOT a.attisdropped AND a.attgenerated = '';
    EXECUTE format('CREATE TABLE dbtest.%I AS SELECT %s FROM public.%I', 'rows_' || r.tablename, cols, r.tablename);
    INSERT INTO dbtest.saved VALUES (r.tablename, cols);
  END LOOP;
  FOR r IN SELECT sequencename, last_value, last_value IS NOT NULL AS called
             FROM pg_sequences WHERE schemaname = 'public' LOOP
    INSERT INTO dbtest.seqs VALUES (r.sequencename, coalesce(r.last_value, 1), r.called);
  END LOOP;
END
$d$`,
	`INSERT INTO dbtest.meta SELECT dbtest.fingerprint()`,
	// session_replication_role = replica: no foreign-key checks and no triggers (the audit
	// trail's refusal to delete, the derived columns' upkeep: the saved rows already hold them).
	`CREATE FUNCTION dbtest.reset() RETURNS boolean LANGUAGE plpgsql AS $f$
DECLARE r record;
BEGIN
  IF dbtest.fingerprint() <> (SELECT fingerprint FROM dbtest.meta) THEN
    RETURN false;
  END IF;
  SET LOCAL session_replication_role = replica;
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('DELETE FROM public.%I', r.tablename);
  END LOOP;
  FOR r IN SELECT tbl, cols FROM dbtest.saved LOOP
    EXECUTE format('INSERT INTO public.%I (%s) SELECT %s FROM dbtest.%I', r.tbl, r.cols, r.cols, 'rows_' || r.tbl);
  END LOOP;
  FOR r IN SELECT seq, last_value, is_called FROM dbtest.seqs LOOP
    PERFORM setval(format('public.%I', r.seq), r.last_value, r.is_called);
  END LOOP;
  RETURN true;
END
$f$`,
}

// seal runs sealSQL on the template being built at dbURL.
func seal(ctx context.Context, dbURL string) error {
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, stmt := range sealSQL {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("seal the template: %w", err)
		}
	}
	return nil
}

// prunePools drops the pooled copies of templates that no longer exist on the server at base,
// unless a process holds them.
func prunePools(ctx context.Context, base string) {
	p, err := poolFor(ctx, base)
	if err != nil {
		return
	}
	rows, err := p.db.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'casereview\_p\_%'
		AND split_part(substr(datname, length('casereview_p_') + 1), '_', 1) NOT IN (SELECT oid::text FROM pg_database)`)
	if err != nil {
		return
	}
	var names []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			names = append(names, name)
		}
	}
	rows.Close()
	for _, name := range names {
		if got, err := p.lock(ctx, name); err != nil || !got {
			continue
		}
		dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, _ = p.db.ExecContext(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		cancel()
		p.release(name)
	}
}
