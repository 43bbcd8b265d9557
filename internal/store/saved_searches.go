package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// Saved searches (casereview.SavedSearchService): a person's searches, kept under a name, seen
// and changed by their owner alone. checked_seq is a watched search's high-water mark in the
// change journal: the alert job (alerts.go) evaluates the changes after it.

var _ casereview.SavedSearchService = (*Store)(nil)

type savedSearchRow struct {
	ID         string    `gorm:"column:id;primaryKey"`
	OwnerID    string    `gorm:"column:owner_id"`
	Name       string    `gorm:"column:name"`
	Query      string    `gorm:"column:query"`
	Watch      bool      `gorm:"column:watch"`
	CheckedSeq int64     `gorm:"column:checked_seq"`
	CheckedAt  time.Time `gorm:"column:checked_at"`
	CreatedAt  time.Time `gorm:"column:created_at"`
	UpdatedAt  time.Time `gorm:"column:updated_at"`
}

func (savedSearchRow) TableName() string { return "saved_searches" }

func (r savedSearchRow) domain() casereview.SavedSearch {
	return casereview.SavedSearch{ID: r.ID, OwnerID: r.OwnerID, Name: r.Name, Query: r.Query, Watch: r.Watch,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// journalHeadIn is the last committed journal sequence, read in db.
func journalHeadIn(db *gorm.DB) (int64, error) {
	var seq int64
	err := db.Raw("SELECT seq FROM journal_head WHERE id = 1").Scan(&seq).Error
	return seq, err
}

func (s *Store) SaveSearch(ctx context.Context, name, query string, watch bool) (casereview.SavedSearch, error) {
	a := actorOf(ctx)
	if !casereview.CanKeepSavedSearch(a) {
		return casereview.SavedSearch{}, deny(ctx, "saved searches belong to a signed-in person")
	}
	var p casereview.Problems
	name = casereview.ValidateSavedSearchName(&p, name)
	_, canon, qerr := search.ParseSaved(query)
	if err := p.Err(); err != nil || qerr != nil {
		return casereview.SavedSearch{}, joinProblems(err, qerr)
	}
	var row savedSearchRow
	err := s.inTx(ctx, func(t *tx) error {
		var n int64
		if err := t.db.Model(&savedSearchRow{}).Where("owner_id = ?", a.UserID).Count(&n).Error; err != nil {
			return err
		}
		if n >= casereview.MaxSavedSearches {
			return casereview.Invalid("name", casereview.FieldInvalid, "You have %d saved searches, the most one person keeps: delete one first", n)
		}
		head, err := journalHeadIn(t.db)
		if err != nil {
			return err
		}
		row = savedSearchRow{ID: newID(), OwnerID: a.UserID, Name: name, Query: canon, Watch: watch, CheckedSeq: head, CheckedAt: t.now,
			CreatedAt: t.now, UpdatedAt: t.now}
		t.audit(casereview.AuditSearchSaved, "saved_search", row.ID, nil, row.domain())
		return t.db.Create(&row).Error
	})
	return row.domain(), err
}

// joinProblems merges the field problems of two validations into one error.
func joinProblems(errs ...error) error {
	var p casereview.Problems
	for _, err := range errs {
		if err == nil {
			continue
		}
		de, ok := err.(*casereview.Error)
		if !ok || len(de.Fields) == 0 {
			return err
		}
		for _, f := range de.Fields {
			p.Add(f.Field, f.Code, "%s", f.Message)
		}
	}
	return p.Err()
}

func (s *Store) ListSavedSearches(ctx context.Context) ([]casereview.SavedSearch, error) {
	a := actorOf(ctx)
	out := []casereview.SavedSearch{}
	if a.UserID == "" {
		return out, nil
	}
	var rows []savedSearchRow
	if err := s.read.WithContext(ctx).Where("owner_id = ?", a.UserID).Order("created_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, nil
}

// ownSavedSearch loads the caller's saved search; anyone else's does not exist for them.
func ownSavedSearch(ctx context.Context, db *gorm.DB, id string) (savedSearchRow, error) {
	var row savedSearchRow
	a := actorOf(ctx)
	if !casereview.CanKeepSavedSearch(a) {
		return row, deny(ctx, "saved searches belong to a signed-in person")
	}
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return row, casereview.NotFound("saved search")
	}
	if err := db.Where("id = ? AND owner_id = ?", id, a.UserID).Take(&row).Error; err != nil {
		return row, notFoundAs(err, "saved search")
	}
	return row, nil
}

func (s *Store) GetSavedSearch(ctx context.Context, id string) (casereview.SavedSearch, error) {
	row, err := ownSavedSearch(ctx, s.read.WithContext(ctx), id)
	return row.domain(), err
}

func (s *Store) UpdateSavedSearch(ctx context.Context, id string, ch casereview.SavedSearchChange) (casereview.SavedSearch, error) {
	var row savedSearchRow
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		if row, err = ownSavedSearch(ctx, t.db, id); err != nil {
			return err
		}
		before := row.domain()
		up := map[string]any{}
		if ch.Name != nil {
			var p casereview.Problems
			name := casereview.ValidateSavedSearchName(&p, *ch.Name)
			if err := p.Err(); err != nil {
				return err
			}
			if name != row.Name {
				row.Name, up["name"] = name, name
			}
		}
		if ch.Watch != nil && *ch.Watch != row.Watch {
			row.Watch, up["watch"] = *ch.Watch, *ch.Watch
			if row.Watch { // watching starts now: what changed while it was off is not news
				head, err := journalHeadIn(t.db)
				if err != nil {
					return err
				}
				up["checked_seq"], up["checked_at"] = head, t.now
			}
		}
		if len(up) == 0 {
			return nil
		}
		row.UpdatedAt, up["updated_at"] = t.now, t.now
		t.audit(casereview.AuditSearchUpdated, "saved_search", row.ID, before, row.domain())
		return t.db.Model(&savedSearchRow{}).Where("id = ?", row.ID).Updates(up).Error
	})
	return row.domain(), err
}

func (s *Store) DeleteSavedSearch(ctx context.Context, id string) error {
	return s.inTx(ctx, func(t *tx) error {
		row, err := ownSavedSearch(ctx, t.db, id)
		if err != nil {
			return err
		}
		t.audit(casereview.AuditSearchDeleted, "saved_search", row.ID, row.domain(), nil)
		return t.db.Delete(&savedSearchRow{}, "id = ?", row.ID).Error
	})
}
