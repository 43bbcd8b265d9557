package searcheval

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"

	_ "github.com/glebarez/go-sqlite" // database/sql driver "sqlite" (modernc SQLite, FTS5 built in)
	"github.com/jackc/pgx/v5"

	"github.com/casereview/casereview/internal/eval"
)

// localServer is where the PostgreSQL baseline runs when EVAL_DATABASE_URL is not set, as the
// benchmark does.
const localServer = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// pgBaseline is PostgreSQL full-text search over the same documents, in a scratch database: the
// title weighted A, the text B, the review title and addressees D (the index weighs them alike:
// text and title first, names last); websearch_to_tsquery (all words required, "phrases"), ranked
// by ts_rank_cd.
type pgBaseline struct {
	admin, conn *pgx.Conn
	db          string
}

func newPostgres(ctx context.Context, env *eval.Env, docs []doc) (*pgBaseline, error) {
	server := env.DatabaseURL
	if server == "" {
		server = localServer
	}
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		return nil, fmt.Errorf("connect to %s (EVAL_DATABASE_URL): %w", redact(server), err)
	}
	b := &pgBaseline{admin: admin, db: fmt.Sprintf("casereview_eval_search_%d", os.Getpid())}
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+b.db); err != nil {
		admin.Close(ctx)
		return nil, err
	}
	u, err := url.Parse(server)
	if err != nil {
		b.close()
		return nil, err
	}
	u.Path = "/" + b.db
	if b.conn, err = pgx.Connect(ctx, u.String()); err != nil {
		b.close()
		return nil, err
	}
	for _, q := range []string{`CREATE TABLE fts (id text PRIMARY KEY, title text NOT NULL, body text NOT NULL, extra text NOT NULL,
		tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B') ||
		setweight(to_tsvector('english', extra), 'D')) STORED)`} {
		if _, err := b.conn.Exec(ctx, q); err != nil {
			b.close()
			return nil, err
		}
	}
	rows := make([][]any, len(docs))
	for i, d := range docs {
		rows[i] = []any{d.ID, d.Title, d.Text, d.Extra}
	}
	if _, err := b.conn.CopyFrom(ctx, pgx.Identifier{"fts"}, []string{"id", "title", "body", "extra"}, pgx.CopyFromRows(rows)); err != nil {
		b.close()
		return nil, err
	}
	for _, q := range []string{`CREATE INDEX fts_tsv ON fts USING gin (tsv)`, `ANALYZE fts`} {
		if _, err := b.conn.Exec(ctx, q); err != nil {
			b.close()
			return nil, err
		}
	}
	return b, nil
}

func (b *pgBaseline) search(ctx context.Context, q string, k int) ([]string, error) {
	rows, err := b.conn.Query(ctx, `SELECT id FROM fts, websearch_to_tsquery('english', $1) AS q(q)
		WHERE tsv @@ q.q ORDER BY ts_rank_cd(tsv, q.q) DESC, id LIMIT $2`, q, k)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func (b *pgBaseline) close() {
	ctx := context.Background()
	if b.conn != nil {
		b.conn.Close(ctx)
	}
	b.admin.Exec(ctx, `DROP DATABASE IF EXISTS `+b.db+` WITH (FORCE)`)
	b.admin.Close(ctx)
}

func redact(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Redacted()
	}
	return "the database"
}

// liteBaseline is SQLite FTS5 over the same documents in a scratch file: the porter tokenizer
// (English stemming, no stop words), ranked by bm25 with the title weighted 2, the text 1 and
// the review title and addressees 0.1.
type liteBaseline struct{ db *sql.DB }

func newSQLite(ctx context.Context, path string, docs []doc) (*liteBaseline, error) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	b := &liteBaseline{db: db}
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, body, extra, tokenize = 'porter unicode61')`); err != nil {
		db.Close()
		return nil, fmt.Errorf("this SQLite has no FTS5? %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, d := range docs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO fts (id, title, body, extra) VALUES (?, ?, ?, ?)`, d.ID, d.Title, d.Text, d.Extra); err != nil {
			tx.Rollback()
			db.Close()
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		db.Close()
		return nil, err
	}
	return b, nil
}

// fts5Query writes what was typed in FTS5's query language as a search box over FTS5 would: a
// quoted phrase stays a phrase; each unquoted word becomes a quoted string (so punctuation such
// as "A&E" or "self-harm" is not query syntax, and a word the tokenizer splits is a phrase of its
// parts), all of them required.
func fts5Query(q string) string {
	var parts []string
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	for i, chunk := range strings.Split(q, `"`) {
		if i%2 == 1 {
			if strings.TrimSpace(chunk) != "" {
				parts = append(parts, quote(chunk))
			}
			continue
		}
		for _, w := range strings.Fields(chunk) {
			parts = append(parts, quote(w))
		}
	}
	return strings.Join(parts, " ")
}

func (b *liteBaseline) search(ctx context.Context, q string, k int) ([]string, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT id FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 0, 2.0, 1.0, 0.1), id LIMIT ?`, fts5Query(q), k)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (b *liteBaseline) close() { b.db.Close() }
