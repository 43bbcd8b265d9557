package imports

import (
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// write applies the plan: batched inserts for everything new, one statement per updated row
// (re-imports change few), then the journal entries and the audit events.
func (p *importPlan) write() error {
	t := p.w
	db := p.db
	// Snapshots of the recommendations about to change, loaded in batches before any write.
	var oldIDs []string
	for _, r := range p.updRecs {
		oldIDs = append(oldIDs, r.ID)
	}
	if err := chunked(oldIDs, func(ids []string) error {
		prev, err := t.Recommendations(ids, casereview.DateOf(p.now))
		if err != nil {
			return err
		}
		for _, r := range prev {
			p.before[r.ID] = r
		}
		return nil
	}); err != nil {
		return err
	}

	if len(p.newReviews) > 0 {
		if err := db.Omit("recommendation_count").Create(&p.newReviews).Error; err != nil {
			return err
		}
	}
	for _, u := range p.updReviews {
		if err := db.Omit("recommendation_count").Save(&u.row).Error; err != nil {
			return err
		}
		if u.reissue {
			issued := store.NullDate{D: casereview.DateOf(p.now), Valid: true}
			if u.row.PublishedOn.Valid {
				issued = u.row.PublishedOn
			}
			if err := db.Model(&store.RecommendationRow{}).Where("review_id = ?", u.row.ID).Update("issued_on", issued).Error; err != nil {
				return err
			}
		}
	}
	if len(p.newRecs) > 0 {
		if err := p.insertRows(p.newRecs); err != nil {
			return err
		}
	}
	for i := range p.updRecs {
		if err := db.Save(&p.updRecs[i]).Error; err != nil {
			return err
		}
	}
	if len(p.newAddrs) > 0 {
		if err := p.insertRows(p.newAddrs, "organisation_name"); err != nil {
			return err
		}
	}
	for i := range p.updAddrs {
		if err := db.Omit("organisation_name").Save(&p.updAddrs[i]).Error; err != nil {
			return err
		}
	}
	if err := chunked(p.themeReplace, func(ids []string) error {
		return db.Where("recommendation_id IN ?", ids).Delete(&store.ThemeAssignmentRow{}).Error
	}); err != nil {
		return err
	}
	if len(p.newThemes) > 0 {
		if err := p.insertRows(p.newThemes, "slug", "label", "group_code"); err != nil {
			return err
		}
	}
	if len(p.newActs) > 0 {
		if err := p.insertRows(p.newActs); err != nil {
			return err
		}
	}
	for i := range p.updActs {
		if err := db.Save(&p.updActs[i].row).Error; err != nil {
			return err
		}
	}
	if err := p.writeMilestones(); err != nil {
		return err
	}
	for _, r := range p.newReviews {
		t.Touch(store.JournalReview, r.ID)
		t.Audit(casereview.AuditReviewCreated, "review", r.ID, nil, r.Domain())
	}
	for _, u := range p.updReviews {
		t.Touch(store.JournalReview, u.row.ID)
		t.Audit(casereview.AuditReviewUpdated, "review", u.row.ID, u.before, u.row.Domain())
	}
	for _, ra := range p.recAfter {
		t.Touch(store.JournalRecommendation, ra.row.ID)
		after := p.recDomain(ra)
		if ra.created {
			t.Audit(casereview.AuditRecommendationCreated, "recommendation", ra.row.ID, nil, after)
		} else {
			t.Audit(casereview.AuditRecommendationUpdated, "recommendation", ra.row.ID, p.before[ra.row.ID], after)
		}
	}
	for _, a := range p.newActs {
		t.Touch(store.JournalAction, a.ID)
		t.Audit(casereview.AuditActionCreated, "action", a.ID, nil, a.Domain())
	}
	for _, u := range p.updActs {
		t.Touch(store.JournalAction, u.row.ID)
		t.Touch(store.JournalRecommendation, u.row.RecommendationID)
		t.Audit(casereview.AuditActionUpdated, "action", u.row.ID, u.before, u.row.Domain())
	}
	return nil
}

// recDomain builds the recommendation as it now is from the rows in memory, for its audit
// event, without reading it back.
func (p *importPlan) recDomain(ra recAudit) casereview.Recommendation {
	r := ra.row
	x := casereview.Recommendation{ID: r.ID, ReviewID: r.ReviewID, Number: r.Number, Title: r.Title, Text: r.Text,
		Scope: casereview.Scope(r.Scope), InterventionType: r.InterventionType, ResponseDue: r.ResponseDue.Ptr(),
		ResponseDueExplicit: r.ResponseDueExplicit, ResponseStatus: casereview.ResponseStatus(r.ResponseStatus),
		ImplementationStatus: casereview.ImplementationStatus(r.ImplementationStatus), OversightStatus: casereview.OversightStatus(r.OversightStatus),
		ClosedOn: r.ClosedOn.Ptr(), ClosureRationale: deref(r.ClosureRationale), FollowUpOn: r.FollowUpOn.Ptr(),
		LastActivityOn: r.LastActivityOn.Ptr(), IssuedOn: r.IssuedOn.D, Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Addressees: []casereview.Addressee{}, Themes: []casereview.ThemeAssignment{}, Links: []casereview.Link{}, Flags: []casereview.Flag{}}
	for _, a := range ra.addrs {
		x.Addressees = append(x.Addressees, casereview.Addressee{OrganisationID: a.OrganisationID, OrganisationName: p.orgName(a),
			Role: casereview.AddresseeRole(a.Role), RawText: a.RawText, NotifiedOn: a.NotifiedOn.Ptr(), AcknowledgedOn: a.AcknowledgedOn.Ptr(),
			ResponseStatus: casereview.ResponseStatus(a.ResponseStatus)})
	}
	for _, th := range ra.themes {
		def := p.themes[th.ThemeCode]
		x.Themes = append(x.Themes, casereview.ThemeAssignment{Code: th.ThemeCode, Slug: def.Slug, Label: def.Label, Group: def.GroupCode, Deprecated: !def.Active,
			Primary: th.IsPrimary, Source: casereview.ThemeSource(th.Source)})
	}
	return x
}

func (p *importPlan) orgName(a store.AddresseeRow) string {
	if a.OrganisationName != "" {
		return a.OrganisationName
	}
	return p.orgNames[a.OrganisationID]
}
