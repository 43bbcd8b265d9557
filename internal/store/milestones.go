package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

// Milestones of actions (casereview.Milestone). Every write locks the action and the
// recommendation (checkOpen), is checked against CanWriteMilestone, appends its timeline entries
// (milestone_events) and its audit event, and journals the recommendation, whose flags follow
// its open milestones.

type milestoneRow struct {
	ID               string    `gorm:"column:id;primaryKey"`
	ActionID         string    `gorm:"column:action_id"`
	RecommendationID string    `gorm:"column:recommendation_id"`
	Title            string    `gorm:"column:title"`
	DueDate          nullDate  `gorm:"column:due_date"`
	DoneDate         nullDate  `gorm:"column:done_date"`
	DoneByID         *string   `gorm:"column:done_by_id"`
	DoneByName       *string   `gorm:"column:done_by_name"`
	CreatedByID      *string   `gorm:"column:created_by_id"`
	CreatedByName    string    `gorm:"column:created_by_name"`
	Version          int       `gorm:"column:version"`
	CreatedAt        time.Time `gorm:"column:created_at"`
	UpdatedAt        time.Time `gorm:"column:updated_at"`
}

func (milestoneRow) TableName() string { return "milestones" }

func (r milestoneRow) domain() casereview.Milestone {
	return casereview.Milestone{ID: r.ID, ActionID: r.ActionID, RecommendationID: r.RecommendationID, Title: r.Title,
		DueDate: r.DueDate.ptr(), DoneDate: r.DoneDate.ptr(), DoneByID: deref(r.DoneByID), DoneByName: deref(r.DoneByName),
		CreatedByID: deref(r.CreatedByID), CreatedByName: r.CreatedByName, Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// milestoneOrder lists milestones by due date (undated last), then as added.
const milestoneOrder = "(milestones.due_date IS NULL), milestones.due_date, milestones.created_at, milestones.id"

// milestoneEventRow is one timeline entry of a milestone. Kept apart from progress_updates, like
// recommendation edits, so that it outlives a removed milestone; only a completion is progress
// (it moves last_activity_on).
type milestoneEventRow struct {
	ID               string    `gorm:"column:id;primaryKey"`
	RecommendationID string    `gorm:"column:recommendation_id"`
	ActionID         string    `gorm:"column:action_id"`
	MilestoneID      string    `gorm:"column:milestone_id"`
	Field            string    `gorm:"column:field"`
	OldValue         string    `gorm:"column:old_value"`
	NewValue         string    `gorm:"column:new_value"`
	Title            string    `gorm:"column:title"`
	AuthorID         *string   `gorm:"column:author_id"`
	AuthorName       string    `gorm:"column:author_name"`
	OrganisationID   *string   `gorm:"column:organisation_id"`
	CreatedAt        time.Time `gorm:"column:created_at"`
}

func (milestoneEventRow) TableName() string { return "milestone_events" }

func (e milestoneEventRow) domain() casereview.ProgressUpdate {
	return casereview.ProgressUpdate{ID: e.ID, RecommendationID: e.RecommendationID, ActionID: e.ActionID, MilestoneID: e.MilestoneID,
		Kind: casereview.ProgressMilestone, Field: e.Field, OldStatus: e.OldValue, NewStatus: e.NewValue, Narrative: e.Title,
		AuthorID: deref(e.AuthorID), AuthorName: e.AuthorName, OrganisationID: deref(e.OrganisationID), CreatedAt: e.CreatedAt.UTC()}
}

// milestoneEvent appends a timeline entry for m: field is the event (added, completed, removed)
// or the field changed.
func milestoneEvent(t *tx, m milestoneRow, orgID, field, old, new string) error {
	a := actorOf(t.ctx)
	return t.db.Create(&milestoneEventRow{ID: newID(), RecommendationID: m.RecommendationID, ActionID: m.ActionID, MilestoneID: m.ID,
		Field: field, OldValue: old, NewValue: new, Title: m.Title, AuthorID: optional(a.UserID), AuthorName: a.Name,
		OrganisationID: optional(orgID), CreatedAt: t.now}).Error
}

// milestoneAction locks the action a milestone write is about and checks that the caller may
// write it and that its recommendation is open. Not visible answers notFound's kind.
func milestoneAction(t *tx, actionID, kind string) (actionRow, error) {
	var act actionRow
	id, ok := casereview.NormaliseID(actionID)
	if !ok {
		return act, casereview.NotFound(kind)
	}
	if err := t.db.Clauses(lockingClause).Where("id = ?", id).Take(&act).Error; err != nil {
		return act, notFoundAs(err, kind)
	}
	ref, found, err := reviewRefOfRecommendation(t.db, act.RecommendationID)
	if err != nil {
		return act, err
	}
	if !found {
		return act, casereview.NotFound(kind)
	}
	if err := readable(t.ctx, ref, kind); err != nil {
		return act, err
	}
	if !casereview.CanWriteMilestone(actorOf(t.ctx), ref.PartnershipID, act.OrganisationID) {
		return act, deny(t.ctx, "only the organisation that owns the action (or the review panel) changes its milestones")
	}
	return act, checkOpen(t, act.RecommendationID)
}

// checkMilestoneDates puts the dates in order with the review's: a due date not before the
// recommendation was issued (as for an action's target), a done date not before the review was
// commissioned (as for a completion).
func checkMilestoneDates(t *tx, recID string, d casereview.MilestoneDraft) error {
	if d.DueDate == nil && d.DoneDate == nil {
		return nil
	}
	var dates []struct {
		PublishedOn    nullDate `gorm:"column:published_on"`
		CommissionedOn nullDate `gorm:"column:commissioned_on"`
	}
	if err := t.db.Table("recommendations").Select("reviews.published_on, reviews.commissioned_on").
		Joins("JOIN reviews ON reviews.id = recommendations.review_id").Where("recommendations.id = ?", recID).Find(&dates).Error; err != nil {
		return err
	}
	var p casereview.Problems
	if len(dates) == 1 {
		if d.DueDate != nil && dates[0].PublishedOn.Valid && d.DueDate.Before(dates[0].PublishedOn.D) {
			p.Add("due_date", casereview.FieldOrder, "due_date (%s) is before the recommendation was issued (%s)", d.DueDate, dates[0].PublishedOn.D)
		}
		if d.DoneDate != nil && dates[0].CommissionedOn.Valid && d.DoneDate.Before(dates[0].CommissionedOn.D) {
			p.Add("done_date", casereview.FieldOrder, "done_date (%s) is before the review was commissioned (%s)", d.DoneDate, dates[0].CommissionedOn.D)
		}
	}
	return p.Err()
}

func dateText(d nullDate) string {
	if !d.Valid {
		return ""
	}
	return d.D.String()
}

// markActivity records that something was done on the recommendation today: a completed
// milestone is progress, as a progress note is (it ends stalled and historic_no_record).
func markActivity(t *tx, recID string) error {
	return t.db.Model(&recommendationRow{}).Where("id = ?", recID).
		Updates(map[string]any{"last_activity_on": nullDate{D: casereview.DateOf(t.now), Valid: true}, "version": gorm.Expr("version + 1"), "updated_at": t.now}).Error
}

func (s *Store) CreateMilestone(ctx context.Context, actionID string, d casereview.MilestoneDraft) (casereview.Milestone, error) {
	if err := d.Validate(s.today()); err != nil {
		return casereview.Milestone{}, err
	}
	var row milestoneRow
	err := s.inTx(ctx, func(t *tx) error {
		act, err := milestoneAction(t, actionID, "action")
		if err != nil {
			return err
		}
		var n int64
		if err := t.db.Model(&milestoneRow{}).Where("action_id = ?", act.ID).Count(&n).Error; err != nil {
			return err
		}
		if n >= casereview.MaxMilestonesPerAction {
			return casereview.Invalid("action_id", casereview.FieldTooLong, "an action has at most %d milestones", casereview.MaxMilestonesPerAction)
		}
		if err := checkMilestoneDates(t, act.RecommendationID, d); err != nil {
			return err
		}
		a := actorOf(ctx)
		row = milestoneRow{ID: newID(), ActionID: act.ID, RecommendationID: act.RecommendationID, Title: d.Title,
			DueDate: dateOf(d.DueDate), DoneDate: dateOf(d.DoneDate), CreatedByID: optional(a.UserID), CreatedByName: a.Name,
			Version: 1, CreatedAt: t.now, UpdatedAt: t.now}
		if d.DoneDate != nil {
			row.DoneByID, row.DoneByName = optional(a.UserID), optional(a.Name)
		}
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		if err := milestoneEvent(t, row, act.OrganisationID, string(casereview.MilestoneAdded), "", casereview.MilestoneLabel(row.Title, row.DueDate.ptr())); err != nil {
			return err
		}
		if d.DoneDate != nil {
			if err := milestoneEvent(t, row, act.OrganisationID, string(casereview.MilestoneCompleted), "", d.DoneDate.String()); err != nil {
				return err
			}
		}
		t.touch(journalRecommendation, act.RecommendationID)
		t.audit(casereview.AuditMilestoneCreated, "milestone", row.ID, nil, row.domain())
		return nil
	})
	return row.domain(), err
}

// lockMilestone locks a milestone at version and its action (see milestoneAction).
func lockMilestone(t *tx, id string, version int) (milestoneRow, actionRow, error) {
	var row milestoneRow
	var act actionRow
	guard := func(r *milestoneRow) error {
		var err error
		act, err = milestoneAction(t, r.ActionID, "milestone")
		return err
	}
	err := lockRow(t, &row, id, version, "milestone", func(r *milestoneRow) int { return r.Version }, guard)
	return row, act, err
}

func (s *Store) UpdateMilestone(ctx context.Context, id string, version int, d casereview.MilestoneDraft) (casereview.Milestone, error) {
	if err := d.Validate(s.today()); err != nil {
		return casereview.Milestone{}, err
	}
	var row milestoneRow
	err := s.inTx(ctx, func(t *tx) error {
		var act actionRow
		var err error
		if row, act, err = lockMilestone(t, id, version); err != nil {
			return err
		}
		if err := checkMilestoneDates(t, row.RecommendationID, d); err != nil {
			return err
		}
		before := row
		row.Title, row.DueDate, row.DoneDate = d.Title, dateOf(d.DueDate), dateOf(d.DoneDate)
		type change struct{ field, old, new string }
		var changes []change
		if row.Title != before.Title {
			changes = append(changes, change{"title", before.Title, row.Title})
		}
		if row.DueDate != before.DueDate {
			changes = append(changes, change{"due_date", dateText(before.DueDate), dateText(row.DueDate)})
		}
		completed := !before.DoneDate.Valid && row.DoneDate.Valid
		if row.DoneDate != before.DoneDate && !completed {
			changes = append(changes, change{"done_date", dateText(before.DoneDate), dateText(row.DoneDate)})
		}
		if len(changes) == 0 && !completed {
			return nil // nothing to record
		}
		a := actorOf(ctx)
		switch {
		case completed:
			row.DoneByID, row.DoneByName = optional(a.UserID), optional(a.Name)
		case !row.DoneDate.Valid:
			row.DoneByID, row.DoneByName = nil, nil // reopened
		}
		row.Version++
		row.UpdatedAt = t.now
		if err := t.db.Save(&row).Error; err != nil {
			return err
		}
		for _, c := range changes {
			if err := milestoneEvent(t, row, act.OrganisationID, c.field, c.old, c.new); err != nil {
				return err
			}
		}
		if completed {
			if err := milestoneEvent(t, row, act.OrganisationID, string(casereview.MilestoneCompleted), "", row.DoneDate.D.String()); err != nil {
				return err
			}
			if err := markActivity(t, row.RecommendationID); err != nil {
				return err
			}
		}
		t.touch(journalRecommendation, row.RecommendationID)
		t.audit(casereview.AuditMilestoneUpdated, "milestone", row.ID, before.domain(), row.domain())
		return nil
	})
	return row.domain(), err
}

func (s *Store) CompleteMilestone(ctx context.Context, id string, version int, done *casereview.Date) (casereview.Milestone, error) {
	var row milestoneRow
	err := s.inTx(ctx, func(t *tx) error {
		var act actionRow
		var err error
		if row, act, err = lockMilestone(t, id, version); err != nil {
			return err
		}
		if row.DoneDate.Valid {
			return casereview.Conflict("the milestone was already done on "+row.DoneDate.D.String(),
				casereview.FieldError{Field: "done_date", Code: "done", Message: "already done on " + row.DoneDate.D.String()})
		}
		on := casereview.DateOf(t.now)
		if done != nil {
			on = *done
		}
		d := casereview.MilestoneDraft{Title: row.Title, DoneDate: &on}
		if err := d.Validate(casereview.DateOf(t.now)); err != nil {
			return err
		}
		if err := checkMilestoneDates(t, row.RecommendationID, d); err != nil {
			return err
		}
		before := row
		a := actorOf(ctx)
		row.DoneDate, row.DoneByID, row.DoneByName = dateOf(&on), optional(a.UserID), optional(a.Name)
		row.Version++
		row.UpdatedAt = t.now
		if err := t.db.Save(&row).Error; err != nil {
			return err
		}
		if err := milestoneEvent(t, row, act.OrganisationID, string(casereview.MilestoneCompleted), "", on.String()); err != nil {
			return err
		}
		if err := markActivity(t, row.RecommendationID); err != nil {
			return err
		}
		t.touch(journalRecommendation, row.RecommendationID)
		t.audit(casereview.AuditMilestoneCompleted, "milestone", row.ID, before.domain(), row.domain())
		return nil
	})
	return row.domain(), err
}

// DeleteMilestone removes a milestone added in error or dropped from the plan. Its timeline
// entries stay, with a "removed" one, and so does its audit trail.
func (s *Store) DeleteMilestone(ctx context.Context, id string, version int) error {
	return s.inTx(ctx, func(t *tx) error {
		row, act, err := lockMilestone(t, id, version)
		if err != nil {
			return err
		}
		if err := t.db.Delete(&row).Error; err != nil {
			return err
		}
		if err := milestoneEvent(t, row, act.OrganisationID, string(casereview.MilestoneRemoved), casereview.MilestoneLabel(row.Title, row.DueDate.ptr()), ""); err != nil {
			return err
		}
		t.touch(journalRecommendation, row.RecommendationID)
		t.audit(casereview.AuditMilestoneDeleted, "milestone", row.ID, row.domain(), nil)
		return nil
	})
}

// deleteActionMilestones removes an action's milestones with it (audited one by one).
func deleteActionMilestones(t *tx, actionID string) error {
	var rows []milestoneRow
	if err := t.db.Where("action_id = ?", actionID).Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		t.audit(casereview.AuditMilestoneDeleted, "milestone", r.ID, r.domain(), nil)
	}
	if len(rows) == 0 {
		return nil
	}
	return t.db.Where("action_id = ?", actionID).Delete(&milestoneRow{}).Error
}

// milestonesVisible joins milestones to their recommendations and reviews and keeps those the
// caller may read.
func milestonesVisible(ctx context.Context, db *gorm.DB) *gorm.DB {
	return visible(ctx, db.Table("milestones").Joins("JOIN recommendations ON recommendations.id = milestones.recommendation_id").
		Joins("JOIN reviews ON reviews.id = recommendations.review_id")).Select("milestones.*")
}

func (s *Store) GetMilestone(ctx context.Context, id string) (casereview.Milestone, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.Milestone{}, casereview.NotFound("milestone")
	}
	var row milestoneRow
	if err := milestonesVisible(ctx, s.read.WithContext(ctx)).Where("milestones.id = ?", id).Take(&row).Error; err != nil {
		return casereview.Milestone{}, notFoundAs(err, "milestone")
	}
	return row.domain(), nil
}

func (s *Store) ListMilestones(ctx context.Context, actionID string) ([]casereview.Milestone, error) {
	act, err := s.GetAction(ctx, actionID)
	if err != nil {
		return nil, err
	}
	var rows []milestoneRow
	if err := s.read.WithContext(ctx).Where("action_id = ?", act.ID).Order(milestoneOrder).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]casereview.Milestone, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

func (s *Store) MilestonesOfRecommendation(ctx context.Context, recommendationID string) (map[string][]casereview.Milestone, error) {
	rec, err := s.GetRecommendation(ctx, recommendationID)
	if err != nil {
		return nil, err
	}
	var rows []milestoneRow
	if err := s.read.WithContext(ctx).Where("recommendation_id = ?", rec.ID).Order(milestoneOrder).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := map[string][]casereview.Milestone{}
	for _, r := range rows {
		out[r.ActionID] = append(out[r.ActionID], r.domain())
	}
	return out, nil
}

// openMilestoneDues returns the due dates of the open milestones of the given actions' recommendations, by action.
func openMilestoneDues(db *gorm.DB, recIDs []string) (map[string][]casereview.Date, error) {
	out := map[string][]casereview.Date{}
	err := chunked(recIDs, func(ids []string) error {
		var rows []milestoneRow
		if err := db.Select("action_id, due_date").Where("recommendation_id IN ? AND done_date IS NULL AND due_date IS NOT NULL", ids).
			Find(&rows).Error; err != nil {
			return translate(err)
		}
		for _, r := range rows {
			out[r.ActionID] = append(out[r.ActionID], r.DueDate.D)
		}
		return nil
	})
	return out, err
}
