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
