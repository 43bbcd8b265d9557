package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

type actionRow struct {
	ID                   string    `gorm:"column:id;primaryKey"`
	RecommendationID     string    `gorm:"column:recommendation_id"`
	OrganisationID       string    `gorm:"column:organisation_id"`
	Description          string    `gorm:"column:description"`
	Owner                string    `gorm:"column:owner"`
	TargetDate           nullDate  `gorm:"column:target_date"`
	CompletionDate       nullDate  `gorm:"column:completion_date"`
	CompletionSource     *string   `gorm:"column:completion_source"`
	Outcome              *string   `gorm:"column:outcome"`
	ImplementationStatus string    `gorm:"column:implementation_status"`
	Version              int       `gorm:"column:version"`
	CreatedAt            time.Time `gorm:"column:created_at"`
	UpdatedAt            time.Time `gorm:"column:updated_at"`
}

func (actionRow) TableName() string { return "actions" }
func (r actionRow) rowID() string   { return r.ID }

func (r actionRow) domain() casereview.Action {
	return casereview.Action{ID: r.ID, RecommendationID: r.RecommendationID, OrganisationID: r.OrganisationID,
		Description: r.Description, Owner: r.Owner, TargetDate: r.TargetDate.ptr(), CompletionDate: r.CompletionDate.ptr(),
		CompletionSource: casereview.CompletionSource(deref(r.CompletionSource)), Outcome: r.Outcome, ImplementationStatus: casereview.ImplementationStatus(r.ImplementationStatus),
		Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// apply copies d into r. A completion date that apply sets or changes can only be history (an
// import, or the system): callers refuse it to anyone else (casereview.CheckCompletionEdit), and
// a claim sets its own through ProgressAction. It is labelled imported: unverified.
func (r *actionRow) apply(d casereview.ActionDraft) {
	prev, prevSource := r.CompletionDate, r.CompletionSource
	r.RecommendationID, r.OrganisationID, r.Description, r.Owner = d.RecommendationID, d.OrganisationID, d.Description, d.Owner
	r.TargetDate, r.CompletionDate, r.Outcome = dateOf(d.TargetDate), dateOf(d.CompletionDate), d.Outcome
	switch {
	case !r.CompletionDate.Valid:
		r.CompletionSource = nil
	case r.CompletionDate == prev && prevSource != nil:
		r.CompletionSource = prevSource
	default:
		r.CompletionSource = optional(string(casereview.CompletionImported))
	}
}

// checkOpen refuses a change to the record of a closed recommendation. It locks the
// recommendation's row, so a closure cannot commit between the check and the change.
func checkOpen(t *tx, recID string) error {
	var rec recommendationRow
	if err := t.db.Clauses(lockingClause).Select("id, oversight_status, closed_on").Where("id = ?", recID).Take(&rec).Error; err != nil {
		return notFoundAs(err, "recommendation")
	}
	return casereview.CheckOpen(casereview.OversightStatus(rec.OversightStatus), rec.ClosedOn.ptr())
}

// checkAction enforces that the owner is an addressee of the recommendation. The schema's
// composite foreign key says the same; checking first gives the caller a field-level answer.
func checkAction(t *tx, d casereview.ActionDraft) error {
	var n int64
	if err := t.db.Table("addressees").Where("recommendation_id = ? AND organisation_id = ?", d.RecommendationID, d.OrganisationID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return casereview.Invalid("organisation_id", "not_addressee",
			"organisation %s is not an addressee of this recommendation; add it as an addressee first", d.OrganisationID)
	}
	// Dates in an impossible order: a target before the review was published (when the
	// recommendation was issued), or a completion before the review was even commissioned.
	var dates []struct {
		PublishedOn    nullDate `gorm:"column:published_on"`
		CommissionedOn nullDate `gorm:"column:commissioned_on"`
	}
	if err := t.db.Table("recommendations").Select("reviews.published_on, reviews.commissioned_on").
		Joins("JOIN reviews ON reviews.id = recommendations.review_id").Where("recommendations.id = ?", d.RecommendationID).Find(&dates).Error; err != nil {
		return err
	}
	var p casereview.Problems
	if len(dates) == 1 {
		if d.TargetDate != nil && dates[0].PublishedOn.Valid && d.TargetDate.Before(dates[0].PublishedOn.D) {
			p.Add("target_date", casereview.FieldOrder, "target_date (%s) is before the recommendation was issued (%s)", d.TargetDate, dates[0].PublishedOn.D)
		}
		if d.CompletionDate != nil && dates[0].CommissionedOn.Valid && d.CompletionDate.Before(dates[0].CommissionedOn.D) {
			p.Add("completion_date", casereview.FieldOrder, "completion_date (%s) is before the review was commissioned (%s)", d.CompletionDate, dates[0].CommissionedOn.D)
		}
	}
	return p.Err()
}

func (s *Store) CreateAction(ctx context.Context, d casereview.ActionDraft) (casereview.Action, error) {
	rec, ok := casereview.NormaliseID(d.RecommendationID)
	if !ok {
		return casereview.Action{}, casereview.NotFound("recommendation")
	}
	d.RecommendationID = rec
	if err := d.Validate(s.today()); err != nil {
		return casereview.Action{}, err
	}
	row := actionRow{ID: newID(), Version: 1, ImplementationStatus: "not_started"}
	row.apply(d)
	err := s.inTx(ctx, func(t *tx) error {
		ref, found, err := reviewRefOfRecommendation(t.db, rec)
		if err != nil {
			return err
		}
		if !found {
			return casereview.NotFound("recommendation")
		}
		if err := readable(ctx, ref, "recommendation"); err != nil {
			return err
		}
		if !casereview.CanWriteAction(actorOf(ctx), ref.PartnershipID, d.OrganisationID) {
			return deny(ctx, "you can only add actions owned by your own organisation")
		}
		if err := checkOpen(t, rec); err != nil {
			return err
		}
		// The system (demo data, command-line loads) records history: its dates are labelled
		// imported. Anyone else claims completion through ProgressAction.
		if !actorOf(ctx).IsSystem() {
			if err := casereview.CheckCompletionEdit(nil, d.CompletionDate); err != nil {
				return err
			}
		}
		if err := checkAction(t, d); err != nil {
			return err
		}
		row.CreatedAt, row.UpdatedAt = t.now, t.now
		t.touch(journalAction, row.ID)
		t.touch(journalRecommendation, rec)
		t.audit(casereview.AuditActionCreated, "action", row.ID, nil, row.domain())
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		return settleRecommendation(t, rec)
	})
	return row.domain(), err
}

func (s *Store) GetAction(ctx context.Context, id string) (casereview.Action, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.Action{}, casereview.NotFound("action")
	}
	var row actionRow
	if err := actionsVisible(ctx, s.read.WithContext(ctx)).Select("actions.*").Where("actions.id = ?", id).Take(&row).Error; err != nil {
		return casereview.Action{}, notFoundAs(err, "action")
	}
	return row.domain(), nil
}

func (s *Store) ListActions(ctx context.Context, f casereview.ActionFilter, page casereview.PageRequest) (casereview.Page[casereview.Action], error) {
	if err := f.Validate(); err != nil {
		return casereview.Page[casereview.Action]{}, err
	}
	if err := knownReviewType(s.read.WithContext(ctx), "review_type", f.ReviewType); err != nil {
		return casereview.Page[casereview.Action]{}, err
	}
	query := func() *gorm.DB {
		q := actionsVisible(ctx, s.read.WithContext(ctx).Model(&actionRow{}))
		if f.RecommendationID != "" {
			q = q.Where("actions.recommendation_id = ?", f.RecommendationID)
		}
		if f.OrganisationID != "" {
			q = q.Where("actions.organisation_id = ?", f.OrganisationID)
		}
		if f.ImplementationStatus != "" {
			q = q.Where("actions.implementation_status = ?", f.ImplementationStatus)
		}
		if f.TargetFrom != nil {
			q = q.Where("actions.target_date >= ?", dateOf(f.TargetFrom))
		}
		if f.TargetTo != nil {
			q = q.Where("actions.target_date <= ?", dateOf(f.TargetTo))
		}
		if f.Sector != "" {
			q = q.Where("EXISTS (SELECT 1 FROM organisations o WHERE o.id = actions.organisation_id AND o.sector = ?)", f.Sector)
		}
		if f.ReviewType != "" {
			q = q.Where("reviews.type = ?", strings.ToUpper(f.ReviewType))
		}
		if f.Flag != "" {
			// The same rule as the recommendation flags, for one action: unfinished, and past its
			// target or an open milestone's due date (overdue) or within DueSoonDays of one (due
			// soon), on an open recommendation.
			asOf := s.asOf(ctx)
			soon := asOf.AddDays(casereview.DueSoonDays)
			historic := asOf.AddDays(-365 * casereview.HistoricYears)
			q = q.Where("actions.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')"+
				" AND actions.completion_date IS NULL"+
				" AND recommendations.oversight_status NOT LIKE 'closed\\_%' ESCAPE '\\'"+
				// as for the recommendation flag, legacy records with nothing recorded are historic, not overdue
				" AND NOT (recommendations.response_status = 'awaiting_response' AND recommendations.last_activity_on IS NULL"+
				" AND recommendations.issued_on < ?)", dateOf(&historic))
			const milestone = "EXISTS (SELECT 1 FROM milestones m WHERE m.action_id = actions.id AND m.done_date IS NULL AND "
			if f.Flag == casereview.FlagActionOverdue {
				q = q.Where("(actions.target_date < ? OR "+milestone+"m.due_date < ?))", dateOf(&asOf), dateOf(&asOf))
			} else {
				q = q.Where("((actions.target_date >= ? AND actions.target_date <= ?) OR "+milestone+"m.due_date >= ? AND m.due_date <= ?))",
					dateOf(&asOf), dateOf(&soon), dateOf(&asOf), dateOf(&soon))
			}
		}
		if f.Completed != nil {
			if *f.Completed {
				q = q.Where("actions.completion_date IS NOT NULL")
			} else {
				q = q.Where("actions.completion_date IS NULL")
			}
		}
		return q
	}
	rows, total, next, err := listPage[actionRow](query, "actions", "actions.*", page)
	out := casereview.Page[casereview.Action]{Total: total, NextCursor: next, Items: []casereview.Action{}}
	for _, r := range rows {
		out.Items = append(out.Items, r.domain())
	}
	return out, err
}

// actionsVisible joins actions to their reviews and keeps those the caller may read.
func actionsVisible(ctx context.Context, q *gorm.DB) *gorm.DB {
	return visible(ctx, q.Table("actions").Joins("JOIN recommendations ON recommendations.id = actions.recommendation_id").
		Joins("JOIN reviews ON reviews.id = recommendations.review_id"))
}

// guardActionWrite checks that the caller may see the action and write for its organisation.
func guardActionWrite(ctx context.Context, t *tx) func(*actionRow) error {
	return func(r *actionRow) error {
		ref, _, err := reviewRefOfRecommendation(t.db, r.RecommendationID)
		if err != nil {
			return err
		}
		if err := readable(ctx, ref, "action"); err != nil {
			return err
		}
		if !casereview.CanWriteAction(actorOf(ctx), ref.PartnershipID, r.OrganisationID) {
			return deny(ctx, "only the organisation that owns an action (or the review panel) changes it")
		}
		return nil
	}
}

func (s *Store) UpdateAction(ctx context.Context, id string, version int, d casereview.ActionDraft) (casereview.Action, error) {
	if err := d.Validate(s.today()); err != nil {
		return casereview.Action{}, err
	}
	var row actionRow
	err := s.inTx(ctx, func(t *tx) error {
		if err := lockRow(t, &row, id, version, "action", func(r *actionRow) int { return r.Version }, guardActionWrite(ctx, t)); err != nil {
			return err
		}
		d.RecommendationID = row.RecommendationID // an action never moves between recommendations
		if err := checkOpen(t, row.RecommendationID); err != nil {
			return err
		}
		if err := casereview.CheckCompletionEdit(row.CompletionDate.ptr(), d.CompletionDate); err != nil {
			return err
		}
		if d.OrganisationID != row.OrganisationID {
			ref, _, err := reviewRefOfRecommendation(t.db, row.RecommendationID)
			if err != nil {
				return err
			}
			if !casereview.CanWriteAction(actorOf(ctx), ref.PartnershipID, d.OrganisationID) {
				return deny(ctx, "you can only hand an action to an organisation you write for")
			}
		}
		if err := checkAction(t, d); err != nil {
			return err
		}
		before := row.domain()
		row.apply(d)
		row.Version++
		row.UpdatedAt = t.now
		t.touch(journalAction, row.ID)
		t.touch(journalRecommendation, row.RecommendationID)
		t.audit(casereview.AuditActionUpdated, "action", row.ID, before, row.domain())
		if err := t.db.Save(&row).Error; err != nil {
			return err
		}
		return settleRecommendation(t, row.RecommendationID)
	})
	return row.domain(), err
}

func (s *Store) DeleteAction(ctx context.Context, id string, version int) error {
	return s.inTx(ctx, func(t *tx) error {
		var row actionRow
		if err := lockRow(t, &row, id, version, "action", func(r *actionRow) int { return r.Version }, guardActionWrite(ctx, t)); err != nil {
			return err
		}
		if err := checkOpen(t, row.RecommendationID); err != nil {
			return err
		}
		if err := deleteActionMilestones(t, row.ID); err != nil {
			return err
		}
		t.touch(journalAction, row.ID)
		t.touch(journalRecommendation, row.RecommendationID)
		t.audit(casereview.AuditActionDeleted, "action", row.ID, row.domain(), nil)
		if err := t.db.Delete(&row).Error; err != nil {
			return err
		}
		return settleRecommendation(t, row.RecommendationID)
	})
}
