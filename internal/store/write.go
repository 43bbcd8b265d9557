package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

// The write half of the transaction API (read.go): a package beside the store writes through
// Write, which gives it the transaction, the change journal and the audit trail the store's own
// writes use, so its writes are journaled and audited as theirs are, in the same transaction.

// The change journal's entity types, for Tx.Touch: the search index follows these.
const (
	JournalPartnership    = journalPartnership
	JournalOrganisation   = journalOrganisation
	JournalReview         = journalReview
	JournalRecommendation = journalRecommendation
	JournalAction         = journalAction
)

// Tx is one write transaction as its caller sees it. It is valid only inside the function given
// to Write.
type Tx struct {
	s *Store
	t *tx
}

// Write runs fn in one write transaction and, before commit, appends the journal rows and the
// audit events fn noted (Touch, Audit). An error from fn rolls everything back, journal and
// audit included, and comes back translated into a domain error. A write that touches the
// journal must audit (the store refuses one that does not). fn must not call the store again.
func (s *Store) Write(ctx context.Context, fn func(w Tx) error) error {
	return s.inTx(ctx, func(t *tx) error { return fn(Tx{s: s, t: t}) })
}

// DB is the transaction.
func (w Tx) DB() *gorm.DB { return w.t.db }

// Dialect names the database: "postgres" or "sqlite" (the migrations package's constants).
func (w Tx) Dialect() string { return w.s.dialect }

// Now is the transaction's time, the one its journal and audit rows carry.
func (w Tx) Now() time.Time { return w.t.now }

// Touch notes that the entity of type typ (a Journal… constant) with id changed, for the
// change journal; each entity is journaled once per transaction.
func (w Tx) Touch(typ, id string) { w.t.touch(typ, id) }

// Audit records one event of this transaction. before and after are the entity as it was and as
// it is (nil when it did not or no longer exists).
func (w Tx) Audit(action casereview.AuditAction, typ, id string, before, after any) {
	w.t.audit(action, typ, id, before, after)
}

// NewID returns a new record id (a UUIDv7, as every id the store makes).
func NewID() string { return newID() }

// NewRecordKey draws a new recommendation's record key for the cell key method: every writer of
// a new recommendation row sets one (the row type's zero value is a key like any other, so a
// forgotten key would be 0 for every row).
func NewRecordKey() int { return newRecordKey() }

// Recommendations loads the recommendations with ids as they are in this transaction, in no
// particular order, with everything the audit records of one (all links included: the caller
// writes them, it does not show them). asOf dates their flags.
func (w Tx) Recommendations(ids []string, asOf casereview.Date) ([]casereview.Recommendation, error) {
	var rows []recommendationRow
	if err := w.t.db.Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	return w.s.recommendations(w.t.db, rows, asOf)
}

// UniqueName refuses, as a conflict naming the field "name", a name that a record of table
// ("partnerships", "organisations") other than the one with id except already has.
func (w Tx) UniqueName(table, name, except string) error { return uniqueName(w.t, table, name, except) }

// CreateOrganisations creates validated organisations without parents, with ids[i] when ids
// is given, journaled and audited as created by hand. names maps each draft's name key to its
// index in ds; field(i) names where a problem with ds[i] is reported.
func (w Tx) CreateOrganisations(ds []casereview.OrganisationDraft, ids []string, names map[string]int, field func(i int) string) error {
	_, err := w.s.createOrganisationsTx(w.t, ds, ids, names, field)
	return err
}
