package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/migrations"
)

// Entity types recorded in the change journal.
const (
	journalPartnership    = "partnership"
	journalOrganisation   = "organisation"
	journalReview         = "review"
	journalRecommendation = "recommendation"
	journalAction         = "action"
	journalTheme          = "theme"
)

// tx is one write transaction. Changes note what they touched and what they did; the journal
// rows and the audit events are appended at commit time, after taking the journal head's row
// lock. Taking that lock last means no transaction waits for another row while holding it, so
// writers cannot deadlock on it, and because it is held until commit, journal sequence numbers
// become visible strictly in order and the audit chain cannot fork.
type tx struct {
	db      *gorm.DB
	notify  bool // PostgreSQL: tell other processes' indexers at commit
	ctx     context.Context
	now     time.Time
	touched []journalEntry
	seen    map[journalEntry]bool
	events  []pendingEvent
	keys    *casereview.AuditKeyring // derives the keyed chain's hashes; nil: the chain stays unkeyed
	rekey   bool                     // start (or switch) the keyed chain under keys' current key
}

type journalEntry struct{ typ, id string }

func (t *tx) touch(typ, id string) {
	e := journalEntry{typ, id}
	if t.seen[e] {
		return
	}
	t.seen[e] = true
	t.touched = append(t.touched, e)
}

type pendingEvent struct {
	action        casereview.AuditAction
	typ, id       string
	before, after any
}

// audit records one event of this transaction. before and after are the entity as it was and as
// it is (nil when it did not or no longer exists).
func (t *tx) audit(action casereview.AuditAction, typ, id string, before, after any) {
	t.events = append(t.events, pendingEvent{action, typ, id, before, after})
}

type journalRow struct {
	Seq        int64     `gorm:"column:seq;primaryKey"`
	EntityType string    `gorm:"column:entity_type"`
	EntityID   string    `gorm:"column:entity_id"`
	CreatedAt  time.Time `gorm:"column:created_at"`
}

func (journalRow) TableName() string { return "change_journal" }

type headRow struct {
	Seq       int64  `gorm:"column:seq"`
	AuditSeq  int64  `gorm:"column:audit_seq"`
	AuditHash string `gorm:"column:audit_hash"`
	KeyID     string `gorm:"column:audit_key_id"`
}

// flush appends the journal and audit rows and returns the journal head when the transaction
// journaled something (0 otherwise).
func (t *tx) flush() (int64, error) {
	if len(t.touched) > 0 && len(t.events) == 0 {
		return 0, errors.New("store: a write changed data without recording an audit event")
	}
	if len(t.touched) == 0 && len(t.events) == 0 && !t.rekey {
		return 0, nil
	}
	var head headRow
	err := t.db.Raw("UPDATE journal_head SET seq = seq + ? WHERE id = 1 RETURNING seq, audit_seq, audit_hash, audit_key_id", len(t.touched)).Scan(&head).Error
	if err != nil {
		return 0, fmt.Errorf("advance journal head: %w", err)
	}
	if len(t.touched) > 0 {
		rows := make([]journalRow, len(t.touched))
		first := head.Seq - int64(len(t.touched)) + 1
		for i, e := range t.touched {
			rows[i] = journalRow{Seq: first + int64(i), EntityType: e.typ, EntityID: e.id, CreatedAt: t.now}
		}
		// In statements of at most 2,000 rows: a bulk import journals tens of thousands of
		// entities, more than one statement may bind.
		if err := t.db.CreateInBatches(&rows, 2000).Error; err != nil {
			return 0, fmt.Errorf("append change journal: %w", err)
		}
	}
	if err := t.appendAudit(head); err != nil {
		return 0, err
	}
	if len(t.touched) == 0 {
		return 0, nil
	}
	if t.notify {
		// Delivered at commit (and not at all on rollback) to every listening process.
		if err := t.db.Exec("SELECT pg_notify(?, ?)", JournalChannel, strconv.FormatInt(head.Seq, 10)).Error; err != nil {
			return 0, fmt.Errorf("notify journal listeners: %w", err)
		}
	}
	return head.Seq, nil
}

// inTx runs fn in one write transaction and appends the journal and the audit events before
// commit. An error from fn rolls everything back, journal and audit included.
func (s *Store) inTx(ctx context.Context, fn func(t *tx) error) error {
	var t *tx
	var head int64
	err := s.write.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		t = &tx{db: db, ctx: ctx, now: s.now().UTC().Truncate(time.Microsecond), seen: map[journalEntry]bool{},
			notify: s.dialect == migrations.Postgres, keys: s.auditKeys}
		if err := fn(t); err != nil {
			return err
		}
		var err error
		head, err = t.flush()
		return err
	})
	if err == nil && head > 0 && s.onCommit != nil {
		s.onCommit(head)
	}
	return translate(err)
}

// translate turns database errors into domain errors. The store checks references and
// uniqueness itself so callers get field-level messages; these are the backstops for a race
// between that check and the write.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *casereview.Error
	switch {
	case errors.As(err, &de):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return &casereview.Error{Code: casereview.CodeNotFound, Message: "not found", Err: err}
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return &casereview.Error{Code: casereview.CodeConflict, Message: "a record with the same unique values already exists", Err: err}
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return &casereview.Error{Code: casereview.CodeConflict, Message: "the change would leave a reference dangling", Err: err}
	case errors.Is(err, gorm.ErrCheckConstraintViolated), strings.Contains(err.Error(), "CHECK constraint failed"):
		// The SQLite driver does not translate CHECK failures; its message is stable.
		return &casereview.Error{Code: casereview.CodeInvalid, Message: "a value breaks a rule of the schema", Err: err}
	case connectionLost(err):
		// An outage, not a fault of the request: tell the caller to come back (DESIGN §7: a
		// returning database is reconnected without restarting the app).
		return &casereview.Error{Code: casereview.CodeUnavailable, Message: "the database is unavailable; try again shortly",
			RetryAfter: 5 * time.Second, Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &casereview.Error{Code: casereview.CodeUnavailable, Message: "the request took too long", Err: err}
	}
	return &casereview.Error{Code: casereview.CodeInternal, Message: "internal error", Err: err}
}

// connectionLost reports whether err means the database cannot be reached: the pool is
// closed, a connection broke or could not be made, or the server is shutting down or starting.
func connectionLost(err error) bool {
	var pgErr *pgconn.PgError
	var connectErr *pgconn.ConnectError
	var opErr *net.OpError
	switch {
	case errors.Is(err, sql.ErrConnDone), errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &connectErr), errors.As(err, &opErr):
		return true
	case errors.As(err, &pgErr):
		// Class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	msg := err.Error()
	return strings.Contains(msg, "sql: database is closed") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "unable to open database file")
}

// JournalEntry is one row of the change journal, as tests and (later) the indexer read it.
type JournalEntry struct {
	Seq        int64
	EntityType string
	EntityID   string
}

// JournalAfter returns up to limit journal rows with a sequence above after, in order.
func (s *Store) JournalAfter(ctx context.Context, after int64, limit int) ([]JournalEntry, error) {
	var rows []journalRow
	err := s.read.WithContext(ctx).Where("seq > ?", after).Order("seq").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]JournalEntry, len(rows))
	for i, r := range rows {
		out[i] = JournalEntry{Seq: r.Seq, EntityType: r.EntityType, EntityID: r.EntityID}
	}
	return out, nil
}
