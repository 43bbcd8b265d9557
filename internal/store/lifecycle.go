package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
)

var lockingClause = clause.Locking{Strength: "UPDATE"}

type responseRow struct {
	ID               string    `gorm:"column:id;primaryKey"`
	RecommendationID string    `gorm:"column:recommendation_id"`
	OrganisationID   string    `gorm:"column:organisation_id"`
	Decision         string    `gorm:"column:decision"`
	Narrative        string    `gorm:"column:narrative"`
	Timetable        string    `gorm:"column:timetable"`
	Reasons          string    `gorm:"column:reasons"`
	ReceivedOn       nullDate  `gorm:"column:received_on"`
	AuthorUserID     *string   `gorm:"column:author_user_id"`
	AuthorName       string    `gorm:"column:author_name"`
	CreatedAt        time.Time `gorm:"column:created_at"`
}

func (responseRow) TableName() string { return "responses" }

func (r responseRow) domain() casereview.Response {
	return casereview.Response{ID: r.ID, RecommendationID: r.RecommendationID, OrganisationID: r.OrganisationID,
		Decision: casereview.ResponseStatus(r.Decision), Narrative: r.Narrative, Timetable: r.Timetable, Reasons: r.Reasons,
		ReceivedOn: r.ReceivedOn.D, AuthorID: deref(r.AuthorUserID), AuthorName: r.AuthorName, CreatedAt: r.CreatedAt.UTC()}
}

// RecordResponse records an addressee's formal response, moves that addressee's response status
// and the recommendation's roll-up, and appends it to the timeline.
func (s *Store) RecordResponse(ctx context.Context, recommendationID string, d casereview.ResponseDraft) (casereview.Response, error) {
	var out casereview.Response
	err := s.inTx(ctx, func(t *tx) error {
		rec, ref, err := lockRecommendation(t, recommendationID)
		if err != nil {
			return err
		}
		org, _ := casereview.NormaliseID(d.OrganisationID)
		if !casereview.CanRespond(actorOf(ctx), ref.PartnershipID, org) {
			return deny(ctx, "only the addressed organisation (or the review panel) records its response")
		}
		if err := casereview.CheckOpen(casereview.OversightStatus(rec.OversightStatus), rec.ClosedOn.ptr()); err != nil {
			return err
		}
		if err := d.Validate(casereview.DateOf(t.now)); err != nil {
			return err
		}
		var ad addresseeRow
		if err := t.db.Where("recommendation_id = ? AND organisation_id = ?", rec.ID, d.OrganisationID).Take(&ad).Error; err != nil {
			if err == gorm.ErrRecordNotFound {
				return casereview.Invalid("organisation_id", "not_addressee", "organisation %s is not an addressee of this recommendation", d.OrganisationID)
			}
			return err
		}
		if err := casereview.CheckResponse(actorOf(ctx), ref.PartnershipID, casereview.ResponseStatus(ad.ResponseStatus), &d, casereview.DateOf(t.now)); err != nil {
			return err
		}
		received := casereview.DateOf(t.now)
		if d.ReceivedOn != nil {
			received = *d.ReceivedOn
		}
		if ad.NotifiedOn.Valid && received.Before(ad.NotifiedOn.D) {
			return casereview.Invalid("received_on", casereview.FieldOrder, "received_on (%s) is before the addressee was notified (%s)", received, ad.NotifiedOn.D)
		}
		a := actorOf(ctx)
		row := responseRow{ID: newID(), RecommendationID: rec.ID, OrganisationID: d.OrganisationID, Decision: string(d.Decision),
			Narrative: d.Narrative, Timetable: d.Timetable, Reasons: d.Reasons, ReceivedOn: nullDate{D: received, Valid: true},
			AuthorUserID: optional(a.UserID), AuthorName: a.Name, CreatedAt: t.now}
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		updates := map[string]any{"response_status": string(d.Decision)}
		if !ad.AcknowledgedOn.Valid {
			updates["acknowledged_on"] = nullDate{D: received, Valid: true}
		}
		if err := t.db.Model(&addresseeRow{}).Where("recommendation_id = ? AND organisation_id = ?", rec.ID, d.OrganisationID).Updates(updates).Error; err != nil {
			return err
		}
		if err := settle(t, &rec); err != nil {
			return err
		}
		if err := progress(t, casereview.ProgressUpdate{RecommendationID: rec.ID, Kind: casereview.ProgressResponse, OrganisationID: d.OrganisationID,
			OldStatus: ad.ResponseStatus, NewStatus: string(d.Decision), Narrative: d.Narrative}); err != nil {
			return err
		}
		out = row.domain()
		t.touch(journalRecommendation, rec.ID)
		t.audit(casereview.AuditResponseRecorded, "recommendation", rec.ID, nil, out)
		return nil
	})
	return out, err
}

// ListResponses returns every response to a recommendation, oldest first.
func (s *Store) ListResponses(ctx context.Context, recommendationID string) ([]casereview.Response, error) {
	rec, err := s.GetRecommendation(ctx, recommendationID)
	if err != nil {
		return nil, err
	}
	var rows []responseRow
	if err := s.read.WithContext(ctx).Where("recommendation_id = ?", rec.ID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]casereview.Response, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// GetResponse reads one response; whoever may not read its recommendation is told it does not exist.
func (s *Store) GetResponse(ctx context.Context, id string) (casereview.Response, error) {
	n, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.Response{}, casereview.NotFound("response")
	}
	var row responseRow
	if err := s.read.WithContext(ctx).Where("id = ?", n).Take(&row).Error; err != nil {
		return casereview.Response{}, notFoundAs(err, "response")
	}
	if _, err := s.GetRecommendation(ctx, row.RecommendationID); err != nil {
		if casereview.IsCode(err, casereview.CodeNotFound) {
			return casereview.Response{}, casereview.NotFound("response")
		}
		return casereview.Response{}, err
	}
	return row.domain(), nil
}

// ProgressAction records an owner's update on an action: a note, a status change, or both.
func (s *Store) ProgressAction(ctx context.Context, actionID string, version int, d casereview.ActionProgress) (casereview.Action, error) {
	if err := d.Validate(); err != nil {
		return casereview.Action{}, err
	}
	var row actionRow
	err := s.inTx(ctx, func(t *tx) error {
		var ref casereview.ReviewRef
		guard := func(r *actionRow) error {
			var found bool
			var err error
			if ref, found, err = reviewRefOfRecommendation(t.db, r.RecommendationID); err != nil || !found {
				return casereview.NotFound("action")
			}
			return readable(ctx, ref, "action")
		}
		if err := lockRow(t, &row, actionID, version, "action", func(r *actionRow) int { return r.Version }, guard); err != nil {
			return err
		}
		if err := checkOpen(t, row.RecommendationID); err != nil {
			return err
		}
		before := row.domain()
		outcome := deref(row.Outcome)
		if d.Outcome != nil {
			outcome = *d.Outcome
		}
		from := casereview.ImplementationStatus(row.ImplementationStatus)
		if d.Status == "" || d.Status == from {
			if !casereview.CanNoteAction(actorOf(ctx), ref.PartnershipID, row.OrganisationID) {
				return deny(ctx, "only the organisation that owns the action, the review panel or oversight add notes to it")
			}
		} else {
			var n int64
			if err := t.db.Table("evidence").Where("action_id = ? AND status <> ?", row.ID, casereview.EvidenceRejected).Where(notWithdrawn).Count(&n).Error; err != nil {
				return err
			}
			if err := casereview.CheckActionMove(actorOf(ctx), ref.PartnershipID, row.OrganisationID, casereview.ActionMove{From: from, To: d.Status,
				Reason: d.Reason, Outcome: outcome, EvidenceCount: int(n), HasTarget: row.TargetDate.Valid}); err != nil {
				return err
			}
			row.ImplementationStatus = string(d.Status)
			if d.Status == casereview.ImplPending {
				// The claim is where a completion date comes from: the day given, or today.
				completed := casereview.DateOf(t.now)
				if d.CompletionDate != nil {
					if err := checkClaimDate(t, row.RecommendationID, *d.CompletionDate); err != nil {
						return err
					}
					completed = *d.CompletionDate
				}
				row.CompletionDate = nullDate{D: completed, Valid: true}
				row.CompletionSource = optional(string(casereview.CompletionClaimed))
			}
			if (from == casereview.ImplPending || from == casereview.ImplVerified) && d.Status == casereview.ImplInProgress {
				// Sent back or reopened, the action is unfinished again: the completion the claim
				// recorded no longer holds, and the target date counts once more (action_overdue).
				row.CompletionDate, row.CompletionSource = nullDate{}, nil
			}
		}
		if d.Outcome != nil {
			// The outcome is the owner's statement (PATCH /actions refuses it to anyone else):
			// oversight may note and verify, not rewrite the claim it verifies.
			if !casereview.CanWriteAction(actorOf(ctx), ref.PartnershipID, row.OrganisationID) {
				return deny(ctx, "only the organisation that owns the action (or the review panel) states its outcome")
			}
			row.Outcome = d.Outcome
		}
		row.Version++
		row.UpdatedAt = t.now
		if err := t.db.Save(&row).Error; err != nil {
			return err
		}
		narrative := d.Narrative
		if d.Reason != "" {
			narrative = joinNonEmpty(narrative, "Reason: "+d.Reason)
		}
		newStatus := row.ImplementationStatus
		if err := progress(t, casereview.ProgressUpdate{RecommendationID: row.RecommendationID, ActionID: row.ID, Kind: casereview.ProgressAction,
			OrganisationID: row.OrganisationID, OldStatus: string(from), NewStatus: newStatus, Narrative: narrative}); err != nil {
			return err
		}
		var rec recommendationRow
		if err := t.db.Where("id = ?", row.RecommendationID).Take(&rec).Error; err != nil {
			return err
		}
		if err := settle(t, &rec); err != nil {
			return err
		}
		if from == casereview.ImplPending && casereview.ImplementationStatus(newStatus) == casereview.ImplInProgress {
			if err := raiseSentBack(t, "claim_sent_back:"+newID(), row.RecommendationID, row.ID, "The claim that an action of %s is implemented was sent back"); err != nil {
				return err
			}
		}
		t.touch(journalAction, row.ID)
		t.touch(journalRecommendation, row.RecommendationID)
		t.audit(casereview.AuditActionProgressed, "action", row.ID, before, row.domain())
		return nil
	})
	return row.domain(), err
}

// checkClaimDate checks the completion date a claim gives: not in the future, and not before the
// review was commissioned.
func checkClaimDate(t *tx, recommendationID string, d casereview.Date) error {
	if casereview.DateOf(t.now).Before(d) {
		return casereview.Invalid("completion_date", casereview.FieldInvalid, "completion_date (%s) is in the future", d)
	}
	var com []struct {
		CommissionedOn nullDate `gorm:"column:commissioned_on"`
	}
	if err := t.db.Table("recommendations").Select("reviews.commissioned_on").Joins("JOIN reviews ON reviews.id = recommendations.review_id").
		Where("recommendations.id = ?", recommendationID).Find(&com).Error; err != nil {
		return err
	}
	if len(com) == 1 && com[0].CommissionedOn.Valid && d.Before(com[0].CommissionedOn.D) {
		return casereview.Invalid("completion_date", casereview.FieldOrder, "completion_date (%s) is before the review was commissioned (%s)", d, com[0].CommissionedOn.D)
	}
	return nil
}

func joinNonEmpty(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

type assessmentRow struct {
	ID                 string    `gorm:"column:id;primaryKey"`
	RecommendationID   string    `gorm:"column:recommendation_id"`
	FromClassification string    `gorm:"column:from_classification"`
	Classification     string    `gorm:"column:classification"`
	Rationale          string    `gorm:"column:rationale"`
	LinkedID           *string   `gorm:"column:linked_recommendation_id"`
	FollowUpOn         nullDate  `gorm:"column:follow_up_on"`
	AssessorID         *string   `gorm:"column:assessor_id"`
	AssessorName       string    `gorm:"column:assessor_name"`
	CreatedAt          time.Time `gorm:"column:created_at"`
}

func (assessmentRow) TableName() string { return "assessments" }

// Assess records an oversight classification of a recommendation: it may close it (recording
// the date, the rationale and any follow-up check) or reopen it.
func (s *Store) Assess(ctx context.Context, recommendationID string, version int, d casereview.AssessmentDraft) (casereview.Recommendation, error) {
	var id string
	err := s.inTx(ctx, func(t *tx) error {
		rec, _, err := lockRecommendation(t, recommendationID)
		if err != nil {
			return err
		}
		if !casereview.CanOversee(actorOf(ctx)) {
			return deny(ctx, "only oversight officers classify recommendations")
		}
		if rec.Version != version {
			return casereview.Stale("recommendation", rec.Version)
		}
		id = rec.ID
		c := casereview.AssessmentContext{Current: casereview.OversightStatus(rec.OversightStatus),
			Implementation: casereview.ImplementationStatus(rec.ImplementationStatus)}
		if linked, ok := casereview.NormaliseID(d.LinkedID); ok {
			kind := "supersedes"
			q := t.db.Table("recommendation_links")
			if d.Classification == casereview.ClosedDuplicate {
				kind = "duplicate_of"
				q = q.Where("from_id = ? AND to_id = ? AND type = ?", rec.ID, linked, kind)
			} else {
				q = q.Where("from_id = ? AND to_id = ? AND type = ?", linked, rec.ID, kind)
			}
			var n int64
			if err := q.Count(&n).Error; err != nil {
				return err
			}
			c.HasLink = n > 0
		}
		if err := casereview.CheckAssessment(actorOf(ctx), &d, c, casereview.DateOf(t.now)); err != nil {
			return err
		}
		prev, err := s.recommendations(t.db, []recommendationRow{rec}, casereview.DateOf(t.now))
		if err != nil {
			return err
		}
		a := actorOf(ctx)
		row := assessmentRow{ID: newID(), RecommendationID: rec.ID, FromClassification: rec.OversightStatus, Classification: string(d.Classification),
			Rationale: d.Rationale, LinkedID: optional(d.LinkedID), FollowUpOn: dateOf(d.FollowUpOn), AssessorID: optional(a.UserID),
			AssessorName: a.Name, CreatedAt: t.now}
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		updates := map[string]any{"oversight_status": string(d.Classification)}
		if d.Classification.IsClosed() {
			updates["closed_on"] = nullDate{D: casereview.DateOf(t.now), Valid: true}
			updates["closure_rationale"] = d.Rationale
			updates["follow_up_on"] = dateOf(d.FollowUpOn)
		} else {
			updates["closed_on"], updates["closure_rationale"], updates["follow_up_on"] = nullDate{}, nil, nullDate{}
		}
		if err := t.db.Model(&recommendationRow{}).Where("id = ?", rec.ID).Updates(updates).Error; err != nil {
			return err
		}
		if err := progress(t, casereview.ProgressUpdate{RecommendationID: rec.ID, Kind: casereview.ProgressAssessment,
			OldStatus: rec.OversightStatus, NewStatus: string(d.Classification), Narrative: d.Rationale}); err != nil {
			return err
		}
		// Reload into a zeroed row: GORM leaves a field as it was when its column is NULL, so
		// reading over rec would keep the closed_on and follow_up_on a reopening just cleared.
		rec = recommendationRow{}
		if err := t.db.Where("id = ?", id).Take(&rec).Error; err != nil {
			return err
		}
		if d.Classification == casereview.OversightStatus("open_unacceptable") && c.Current != casereview.OversightStatus("open_unacceptable") {
			if err := raiseUnacceptable(t, row.ID, rec.ID); err != nil {
				return err
			}
		}
		t.touch(journalRecommendation, rec.ID)
		action := casereview.AuditRecommendationAssessed
		if c.Current.IsClosed() && !d.Classification.IsClosed() {
			action = casereview.AuditRecommendationReopened
		}
		return s.auditRecommendationAs(t, action, &prev[0], rec)
	})
	if err != nil {
		return casereview.Recommendation{}, err
	}
	return s.GetRecommendation(ctx, id)
}

type linkRow struct {
	ID        string    `gorm:"column:id;primaryKey"`
	FromID    string    `gorm:"column:from_id"`
	ToID      string    `gorm:"column:to_id"`
	Type      string    `gorm:"column:type"`
	Note      string    `gorm:"column:note"`
	CreatedBy string    `gorm:"column:created_by"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

func (linkRow) TableName() string { return "recommendation_links" }

func (r linkRow) domain() casereview.Link {
	return casereview.Link{ID: r.ID, Type: casereview.LinkType(r.Type), FromID: r.FromID, ToID: r.ToID, Note: r.Note,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
}

// loadLinks returns the links touching each of ids, from either end.
func loadLinks(db *gorm.DB, ids []string) (map[string][]casereview.Link, error) {
	var rows []linkRow
	if err := db.Where("from_id IN ? OR to_id IN ?", ids, ids).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := map[string][]casereview.Link{}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for _, r := range rows {
		if want[r.FromID] {
			out[r.FromID] = append(out[r.FromID], r.domain())
		}
		if want[r.ToID] && r.ToID != r.FromID {
			out[r.ToID] = append(out[r.ToID], r.domain())
		}
	}
	return out, nil
}

// loadActionDates returns what the flags need of each recommendation's actions.
func loadActionDates(db *gorm.DB, ids []string) (map[string][]casereview.ActionDates, error) {
	var rows []actionRow
	if err := db.Select("id, recommendation_id, target_date, completion_date, implementation_status").Where("recommendation_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	dues, err := openMilestoneDues(db, ids)
	if err != nil {
		return nil, err
	}
	out := map[string][]casereview.ActionDates{}
	for _, r := range rows {
		out[r.RecommendationID] = append(out[r.RecommendationID], casereview.ActionDates{TargetDate: r.TargetDate.ptr(),
			Status: casereview.ImplementationStatus(r.ImplementationStatus), Completed: r.CompletionDate.Valid, Milestones: dues[r.ID]})
	}
	return out, nil
}

// AddLink relates a recommendation to another: "<this> <type> <target>".
func (s *Store) AddLink(ctx context.Context, recommendationID string, d casereview.LinkDraft) (casereview.Link, error) {
	var out casereview.Link
	err := s.inTx(ctx, func(t *tx) error {
		rec, ref, err := lockRecommendation(t, recommendationID)
		if err != nil {
			return err
		}
		if !casereview.CanLink(actorOf(ctx), ref.PartnershipID) {
			return deny(ctx, "only the review panel and oversight link recommendations")
		}
		if err := d.Validate(); err != nil {
			return err
		}
		tref, found, err := reviewRefOfRecommendation(t.db, d.TargetID)
		if err != nil {
			return err
		}
		if !found || !casereview.CanReadRecommendation(actorOf(ctx), tref) {
			return casereview.Invalid("target_id", casereview.FieldNotFound, "no recommendation has id %s", d.TargetID)
		}
		if d.TargetID == rec.ID {
			return casereview.Invalid("target_id", casereview.FieldInvalid, "a recommendation cannot be linked to itself")
		}
		var n int64
		if err := t.db.Model(&linkRow{}).Where("from_id = ? AND to_id = ? AND type = ?", rec.ID, d.TargetID, d.Type).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return casereview.Conflict("the recommendations are already linked that way")
		}
		row := linkRow{ID: newID(), FromID: rec.ID, ToID: d.TargetID, Type: string(d.Type), Note: d.Note, CreatedBy: actorOf(ctx).Name, CreatedAt: t.now}
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		for end, other := range map[string]string{rec.ID: d.TargetID, d.TargetID: rec.ID} {
			if err := progress(t, casereview.ProgressUpdate{RecommendationID: end, Kind: casereview.ProgressLink, NewStatus: string(d.Type),
				RelatedID: other, Narrative: strings.TrimSpace(fmt.Sprintf("%s %s %s. %s", row.FromID, row.Type, row.ToID, d.Note))}); err != nil {
				return err
			}
			t.touch(journalRecommendation, end)
		}
		out = row.domain()
		t.audit(casereview.AuditLinkAdded, "recommendation_link", row.ID, nil, out)
		return nil
	})
	return out, err
}

// GetLink reads one link, for whoever may read the recommendation it starts from.
func (s *Store) GetLink(ctx context.Context, id string) (casereview.Link, error) {
	n, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.Link{}, casereview.NotFound("link")
	}
	var row linkRow
	if err := s.read.WithContext(ctx).Where("id = ?", n).Take(&row).Error; err != nil {
		return casereview.Link{}, notFoundAs(err, "link")
	}
	ref, found, err := reviewRefOfRecommendation(s.read.WithContext(ctx), row.FromID)
	if err != nil {
		return casereview.Link{}, err
	}
	if !found || !casereview.CanReadRecommendation(actorOf(ctx), ref) {
		return casereview.Link{}, casereview.NotFound("link")
	}
	return row.domain(), nil
}

// RemoveLink deletes a link (made in error); the timeline keeps the entry that it was made.
func (s *Store) RemoveLink(ctx context.Context, id string) error {
	return s.inTx(ctx, func(t *tx) error {
		n, ok := casereview.NormaliseID(id)
		if !ok {
			return casereview.NotFound("link")
		}
		var row linkRow
		if err := t.db.Where("id = ?", n).Take(&row).Error; err != nil {
			return notFoundAs(err, "link")
		}
		ref, _, err := reviewRefOfRecommendation(t.db, row.FromID)
		if err != nil {
			return err
		}
		if !casereview.CanReadRecommendation(actorOf(ctx), ref) {
			return casereview.NotFound("link")
		}
		if !casereview.CanLink(actorOf(ctx), ref.PartnershipID) {
			return deny(ctx, "only the review panel and oversight remove links")
		}
		if err := t.db.Delete(&row).Error; err != nil {
			return err
		}
		// Both recommendations show their links, so both have changed: a client holding either's
		// ETag must re-read it.
		if err := t.db.Model(&recommendationRow{}).Where("id IN ?", []string{row.FromID, row.ToID}).
			Updates(map[string]any{"version": gorm.Expr("version + 1"), "updated_at": t.now}).Error; err != nil {
			return err
		}
		t.touch(journalRecommendation, row.FromID)
		t.touch(journalRecommendation, row.ToID)
		t.audit(casereview.AuditLinkRemoved, "recommendation_link", row.ID, row.domain(), nil)
		return nil
	})
}
