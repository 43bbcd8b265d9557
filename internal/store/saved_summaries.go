package store

import (
	"context"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Saved thematic summaries (casereview.SavedSummaryService): definitions kept for their owners.

type savedSummaryRow struct {
	ID         string    `gorm:"column:id;primaryKey"`
	OwnerID    string    `gorm:"column:owner_id"`
	Title      string    `gorm:"column:title"`
	Definition string    `gorm:"column:definition"`
	CreatedAt  time.Time `gorm:"column:created_at"`
	UpdatedAt  time.Time `gorm:"column:updated_at"`
}

func (savedSummaryRow) TableName() string { return "saved_summaries" }

func (r savedSummaryRow) domain() casereview.SavedSummary {
	return casereview.SavedSummary{ID: r.ID, OwnerID: r.OwnerID, Title: r.Title, Definition: r.Definition,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func (s *Store) SaveSummary(ctx context.Context, title, definition string) (casereview.SavedSummary, error) {
	a := actorOf(ctx)
	if !casereview.CanUseDashboard(a) || a.UserID == "" {
		return casereview.SavedSummary{}, deny(ctx, "only oversight officers, admins and partnership panels save thematic summaries")
	}
	title = strings.TrimSpace(title)
	if err := casereview.ValidateSavedSummary(title, definition); err != nil {
		return casereview.SavedSummary{}, err
	}
	var row savedSummaryRow
	err := s.inTx(ctx, func(t *tx) error {
		row = savedSummaryRow{ID: newID(), OwnerID: a.UserID, Title: title, Definition: definition, CreatedAt: t.now, UpdatedAt: t.now}
		t.audit(casereview.AuditSummarySaved, "saved_summary", row.ID, nil, row.domain())
		return t.db.Create(&row).Error
	})
	return row.domain(), err
}

func (s *Store) ListSavedSummaries(ctx context.Context) ([]casereview.SavedSummary, error) {
	a := actorOf(ctx)
	out := []casereview.SavedSummary{}
	if a.UserID == "" {
		return out, nil
	}
	var rows []savedSummaryRow
	if err := s.read.WithContext(ctx).Where("owner_id = ?", a.UserID).Order("created_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out = append(out, r.domain())
	}
	return out, nil
}

func (s *Store) GetSavedSummary(ctx context.Context, id string) (casereview.SavedSummary, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.SavedSummary{}, casereview.NotFound("saved summary")
	}
	var row savedSummaryRow
	if err := s.read.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return casereview.SavedSummary{}, notFoundAs(err, "saved summary")
	}
	if !casereview.CanReadSavedSummary(actorOf(ctx), row.domain()) {
		return casereview.SavedSummary{}, casereview.NotFound("saved summary")
	}
	return row.domain(), nil
}

// changeableSummary loads a saved summary for its owner to change, inside t: to one who may not
// read it, it does not exist; one who may read it but does not own it is refused.
func changeableSummary(ctx context.Context, t *tx, id string) (savedSummaryRow, error) {
	var row savedSummaryRow
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return row, casereview.NotFound("saved summary")
	}
	if err := t.db.Where("id = ?", id).Take(&row).Error; err != nil {
		return row, notFoundAs(err, "saved summary")
	}
	a := actorOf(ctx)
	if !casereview.CanReadSavedSummary(a, row.domain()) {
		return row, casereview.NotFound("saved summary")
	}
	if !casereview.CanChangeSavedSummary(a, row.domain()) {
		return row, deny(ctx, "only its owner renames or deletes a saved summary")
	}
	return row, nil
}

func (s *Store) RenameSavedSummary(ctx context.Context, id, title string) (casereview.SavedSummary, error) {
	title = strings.TrimSpace(title)
	var row savedSummaryRow
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		if row, err = changeableSummary(ctx, t, id); err != nil {
			return err
		}
		if err := casereview.ValidateSavedSummary(title, row.Definition); err != nil {
			return err
		}
		before := row.domain()
		row.Title, row.UpdatedAt = title, t.now
		t.audit(casereview.AuditSummaryRenamed, "saved_summary", row.ID, before, row.domain())
		return t.db.Model(&row).Updates(map[string]any{"title": row.Title, "updated_at": row.UpdatedAt}).Error
	})
	return row.domain(), err
}

func (s *Store) DeleteSavedSummary(ctx context.Context, id string) error {
	return s.inTx(ctx, func(t *tx) error {
		row, err := changeableSummary(ctx, t, id)
		if err != nil {
			return err
		}
		t.audit(casereview.AuditSummaryDeleted, "saved_summary", row.ID, row.domain(), nil)
		return t.db.Delete(&row).Error
	})
}
