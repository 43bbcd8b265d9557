package store

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

// asOf is the date derived flags are computed against: the caller's as_of, or today.
func (s *Store) asOf(ctx context.Context) casereview.Date {
	if d, ok := casereview.AsOfFrom(ctx); ok {
		return d
	}
	return s.today()
}

// issuedOn is when a recommendation counts as issued: its review's publication date, or today
// for a review not yet published.
func issuedOn(t *tx, reviewID string) (casereview.Date, error) {
	var pub []struct {
		PublishedOn nullDate `gorm:"column:published_on"`
	}
	if err := t.db.Table("reviews").Select("published_on").Where("id = ?", reviewID).Find(&pub).Error; err != nil {
		return casereview.Date{}, err
	}
	if len(pub) == 1 && pub[0].PublishedOn.Valid {
		return pub[0].PublishedOn.D, nil
	}
	return casereview.DateOf(t.now), nil
}

// settle brings a recommendation's derived columns up to date inside t: the default response
// due date (the earliest notified date of an addressee plus the review type's window) unless one
// was set by hand, and the response and implementation roll-ups.
func settle(t *tx, row *recommendationRow) error {
	var as []addresseeRow
	if err := t.db.Where("recommendation_id = ?", row.ID).Find(&as).Error; err != nil {
		return err
	}
	if !row.ResponseDueExplicit {
		var window []int
		if err := t.db.Table("review_types").Joins("JOIN reviews ON reviews.type = review_types.code").
			Where("reviews.id = ?", row.ReviewID).Pluck("review_types.default_response_days", &window).Error; err != nil {
			return err
		}
		row.ResponseDue = nullDate{}
		for _, a := range as {
			if a.NotifiedOn.Valid && len(window) == 1 {
				due := a.NotifiedOn.D.AddDays(window[0])
				if !row.ResponseDue.Valid || due.Before(row.ResponseDue.D) {
					row.ResponseDue = nullDate{D: due, Valid: true}
				}
			}
		}
	}
	domainAs := make([]casereview.Addressee, len(as))
	var leads []string
	for i, a := range as {
		domainAs[i] = casereview.Addressee{OrganisationID: a.OrganisationID, Role: casereview.AddresseeRole(a.Role),
			ResponseStatus: casereview.ResponseStatus(a.ResponseStatus)}
		if a.Role == string(casereview.RoleLead) {
			leads = append(leads, a.OrganisationID)
		}
	}
	var acts []actionRow
	if err := t.db.Where("recommendation_id = ?", row.ID).Find(&acts).Error; err != nil {
		return err
	}
	domainActs := make([]casereview.Action, len(acts))
	for i, a := range acts {
		domainActs[i] = casereview.Action{OrganisationID: a.OrganisationID, ImplementationStatus: casereview.ImplementationStatus(a.ImplementationStatus)}
	}
	row.ResponseStatus = string(casereview.RollUpResponse(domainAs))
	row.ImplementationStatus = string(casereview.RollUpImplementation(domainActs, leads))
	return t.db.Model(&recommendationRow{}).Where("id = ?", row.ID).Updates(map[string]any{
		"response_due": row.ResponseDue, "response_status": row.ResponseStatus, "implementation_status": row.ImplementationStatus}).Error
}

// settleRecommendation reloads and settles a recommendation after a change to its actions.
func settleRecommendation(t *tx, id string) error {
	var rec recommendationRow
	if err := t.db.Where("id = ?", id).Take(&rec).Error; err != nil {
		return err
	}
	return settle(t, &rec)
}

type progressRow struct {
	ID               string    `gorm:"column:id;primaryKey"`
	RecommendationID string    `gorm:"column:recommendation_id"`
	ActionID         *string   `gorm:"column:action_id"`
	EvidenceID       *string   `gorm:"column:evidence_id"`
	RelatedID        *string   `gorm:"column:related_id"`
	Kind             string    `gorm:"column:kind"`
	OldStatus        string    `gorm:"column:old_status"`
	NewStatus        string    `gorm:"column:new_status"`
	Narrative        string    `gorm:"column:narrative"`
	AuthorID         *string   `gorm:"column:author_id"`
	AuthorName       string    `gorm:"column:author_name"`
	OrganisationID   *string   `gorm:"column:organisation_id"`
	CreatedAt        time.Time `gorm:"column:created_at"`
}

func (progressRow) TableName() string { return "progress_updates" }

// progress appends a timeline entry and marks the recommendation as having activity today.
func progress(t *tx, p casereview.ProgressUpdate) error {
	a := actorOf(t.ctx)
	org := p.OrganisationID
	if org == "" {
		if orgs := a.EditorOrganisations(); len(orgs) > 0 {
			org = orgs[0]
		}
	}
	row := progressRow{ID: newID(), RecommendationID: p.RecommendationID, ActionID: optional(p.ActionID), EvidenceID: optional(p.EvidenceID), RelatedID: optional(p.RelatedID),
		Kind: string(p.Kind), OldStatus: p.OldStatus, NewStatus: p.NewStatus, Narrative: p.Narrative, AuthorID: optional(a.UserID),
		AuthorName: a.Name, OrganisationID: optional(org), CreatedAt: t.now}
	if err := t.db.Create(&row).Error; err != nil {
		return err
	}
	return t.db.Model(&recommendationRow{}).Where("id = ?", p.RecommendationID).
		Updates(map[string]any{"last_activity_on": nullDate{D: casereview.DateOf(t.now), Valid: true}, "version": gorm.Expr("version + 1"), "updated_at": t.now}).Error
}

// Timeline returns every entry of a recommendation's history, oldest first.
func (s *Store) Timeline(ctx context.Context, recommendationID string) ([]casereview.ProgressUpdate, error) {
	if _, err := s.GetRecommendation(ctx, recommendationID); err != nil {
		return nil, err
	}
	id, _ := casereview.NormaliseID(recommendationID)
	var rows []progressRow
	if err := s.read.WithContext(ctx).Where("recommendation_id = ?", id).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	var related []string
	for _, r := range rows {
		if r.RelatedID != nil {
			related = append(related, *r.RelatedID)
		}
	}
	seen, err := visibleRecommendations(ctx, s.read.WithContext(ctx), related)
	if err != nil {
		return nil, err
	}
	var edits []editRow
	if err := s.read.WithContext(ctx).Where("recommendation_id = ?", id).Order("created_at, id").Find(&edits).Error; err != nil {
		return nil, translate(err)
	}
	var mevents []milestoneEventRow
	if err := s.read.WithContext(ctx).Where("recommendation_id = ?", id).Order("created_at, id").Find(&mevents).Error; err != nil {
		return nil, translate(err)
	}
	var escalations []notificationEventRow
	if err := s.read.WithContext(ctx).Where("recommendation_id = ? AND kind = ?", id, casereview.NotifyEscalation).Order("created_at, key").Find(&escalations).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]casereview.ProgressUpdate, 0, len(rows)+len(edits)+len(mevents)+len(escalations))
	for _, e := range escalations {
		out = append(out, casereview.ProgressUpdate{ID: e.Key, RecommendationID: id, Kind: casereview.ProgressEscalation,
			Narrative: e.Summary, AuthorName: "system", OrganisationID: deref(e.OrganisationID), CreatedAt: e.CreatedAt.UTC()})
	}
	for _, e := range edits {
		out = append(out, e.domain())
	}
	for _, e := range mevents {
		out = append(out, e.domain())
	}
	for _, r := range rows {
		if r.RelatedID != nil && !seen[*r.RelatedID] {
			continue // a link to a recommendation the caller may not see
		}
		out = append(out, casereview.ProgressUpdate{ID: r.ID, RecommendationID: r.RecommendationID, ActionID: deref(r.ActionID), EvidenceID: deref(r.EvidenceID),
			RelatedID: deref(r.RelatedID), Kind: casereview.ProgressKind(r.Kind), OldStatus: r.OldStatus, NewStatus: r.NewStatus, Narrative: r.Narrative,
			AuthorID: deref(r.AuthorID), AuthorName: r.AuthorName, OrganisationID: deref(r.OrganisationID), CreatedAt: r.CreatedAt.UTC()})
	}
	// Oldest first; entries written in one transaction share a time and keep their id order.
	slices.SortStableFunc(out, func(a, b casereview.ProgressUpdate) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

// editRow is one field changed by an edit of a recommendation. Edits are kept apart from
// progress_updates because they are not progress (they do not touch last_activity_on, so they
// never hide a stalled or historic recommendation), and because a recommendation with no other
// history may still be deleted: its edits then stay, like its audit events.
type editRow struct {
	ID               string    `gorm:"column:id;primaryKey"`
	RecommendationID string    `gorm:"column:recommendation_id"`
	Field            string    `gorm:"column:field"`
	OldValue         string    `gorm:"column:old_value"`
	NewValue         string    `gorm:"column:new_value"`
	AuthorID         *string   `gorm:"column:author_id"`
	AuthorName       string    `gorm:"column:author_name"`
	OrganisationID   *string   `gorm:"column:organisation_id"`
	CreatedAt        time.Time `gorm:"column:created_at"`
}

func (editRow) TableName() string { return "recommendation_edits" }

func (e editRow) domain() casereview.ProgressUpdate {
	return casereview.ProgressUpdate{ID: e.ID, RecommendationID: e.RecommendationID, Kind: casereview.ProgressEdit, Field: e.Field,
		OldStatus: e.OldValue, NewStatus: e.NewValue, Narrative: e.Field + " changed", AuthorID: deref(e.AuthorID),
		AuthorName: e.AuthorName, OrganisationID: deref(e.OrganisationID), CreatedAt: e.CreatedAt.UTC()}
}

// recordEdit appends the timeline entry for one changed field.
func recordEdit(t *tx, recommendationID string, c casereview.FieldChange) error {
	a := actorOf(t.ctx)
	var org *string
	if orgs := a.EditorOrganisations(); len(orgs) > 0 {
		org = &orgs[0]
	}
	return t.db.Create(&editRow{ID: newID(), RecommendationID: recommendationID, Field: c.Field, OldValue: c.Old, NewValue: c.New,
		AuthorID: optional(a.UserID), AuthorName: a.Name, OrganisationID: org, CreatedAt: t.now}).Error
}

// visibleRecommendations reports which of ids the caller may read.
func visibleRecommendations(ctx context.Context, db *gorm.DB, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var seen []string
	if err := visible(ctx, db.Table("recommendations").Joins("JOIN reviews ON reviews.id = recommendations.review_id")).
		Where("recommendations.id IN ?", ids).Pluck("recommendations.id", &seen).Error; err != nil {
		return nil, translate(err)
	}
	for _, id := range seen {
		out[id] = true
	}
	return out, nil
}

// hideLinks drops from recs the links whose other end the caller may not see.
func hideLinks(ctx context.Context, db *gorm.DB, recs []casereview.Recommendation) error {
	var ends []string
	for _, r := range recs {
		for _, l := range r.Links {
			ends = append(ends, l.FromID, l.ToID)
		}
	}
	if len(ends) == 0 {
		return nil
	}
	seen, err := visibleRecommendations(ctx, db, ends)
	if err != nil {
		return err
	}
	for i := range recs {
		kept := recs[i].Links[:0]
		for _, l := range recs[i].Links {
			if seen[l.FromID] && seen[l.ToID] {
				kept = append(kept, l)
			}
		}
		recs[i].Links = kept
	}
	return nil
}

// lockRecommendation locks a recommendation the caller can see, for a change to its record.
func lockRecommendation(t *tx, id string) (recommendationRow, casereview.ReviewRef, error) {
	var row recommendationRow
	n, ok := casereview.NormaliseID(id)
	if !ok {
		return row, casereview.ReviewRef{}, casereview.NotFound("recommendation")
	}
	ref, found, err := reviewRefOfRecommendation(t.db, n)
	if err != nil {
		return row, ref, err
	}
	if !found {
		return row, ref, casereview.NotFound("recommendation")
	}
	if err := readable(t.ctx, ref, "recommendation"); err != nil {
		return row, ref, err
	}
	if err := t.db.Clauses(lockingClause).Where("id = ?", n).Take(&row).Error; err != nil {
		return row, ref, notFoundAs(err, "recommendation")
	}
	return row, ref, nil
}
