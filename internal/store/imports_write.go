package store

import (
	"github.com/casereview/casereview/internal/casereview"
)

// write applies the plan: batched inserts for everything new, one statement per updated row
// (re-imports change few), then the journal entries and the audit events.
func (p *importPlan) write() error {
	t := p.t
	db := t.db
	// Snapshots of the recommendations about to change, loaded in batches before any write.
	var oldIDs []string
	for _, r := range p.updRecs {
		oldIDs = append(oldIDs, r.ID)
	}
	if err := chunked(oldIDs, func(ids []string) error {
		var rows []recommendationRow
		if err := db.Where("id IN ?", ids).Find(&rows).Error; err != nil {
			return err
		}
		prev, err := p.s.recommendations(db, rows, casereview.DateOf(t.now))
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
			issued := nullDate{D: casereview.DateOf(t.now), Valid: true}
			if u.row.PublishedOn.Valid {
				issued = u.row.PublishedOn
			}
			if err := db.Model(&recommendationRow{}).Where("review_id = ?", u.row.ID).Update("issued_on", issued).Error; err != nil {
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
		return db.Where("recommendation_id IN ?", ids).Delete(&themeAssignmentRow{}).Error
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
		t.touch(journalReview, r.ID)
		t.audit(casereview.AuditReviewCreated, "review", r.ID, nil, r.domain())
	}
	for _, u := range p.updReviews {
		t.touch(journalReview, u.row.ID)
		t.audit(casereview.AuditReviewUpdated, "review", u.row.ID, u.before, u.row.domain())
	}
	for _, ra := range p.recAfter {
		t.touch(journalRecommendation, ra.row.ID)
		after := p.recDomain(ra)
		if ra.created {
			t.audit(casereview.AuditRecommendationCreated, "recommendation", ra.row.ID, nil, after)
		} else {
			t.audit(casereview.AuditRecommendationUpdated, "recommendation", ra.row.ID, p.before[ra.row.ID], after)
		}
	}
	for _, a := range p.newActs {
		t.touch(journalAction, a.ID)
		t.audit(casereview.AuditActionCreated, "action", a.ID, nil, a.domain())
	}
	for _, u := range p.updActs {
		t.touch(journalAction, u.row.ID)
		t.touch(journalRecommendation, u.row.RecommendationID)
		t.audit(casereview.AuditActionUpdated, "action", u.row.ID, u.before, u.row.domain())
	}
	return nil
}

// recDomain builds the recommendation as it now is from the rows in memory, for its audit
// event, without reading it back.
func (p *importPlan) recDomain(ra recAudit) casereview.Recommendation {
	r := ra.row
	x := casereview.Recommendation{ID: r.ID, ReviewID: r.ReviewID, Number: r.Number, Title: r.Title, Text: r.Text,
		Scope: casereview.Scope(r.Scope), InterventionType: r.InterventionType, ResponseDue: r.ResponseDue.ptr(),
		ResponseDueExplicit: r.ResponseDueExplicit, ResponseStatus: casereview.ResponseStatus(r.ResponseStatus),
		ImplementationStatus: casereview.ImplementationStatus(r.ImplementationStatus), OversightStatus: casereview.OversightStatus(r.OversightStatus),
		ClosedOn: r.ClosedOn.ptr(), ClosureRationale: deref(r.ClosureRationale), FollowUpOn: r.FollowUpOn.ptr(),
		LastActivityOn: r.LastActivityOn.ptr(), IssuedOn: r.IssuedOn.D, Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Addressees: []casereview.Addressee{}, Themes: []casereview.ThemeAssignment{}, Links: []casereview.Link{}, Flags: []casereview.Flag{}}
	for _, a := range ra.addrs {
		x.Addressees = append(x.Addressees, casereview.Addressee{OrganisationID: a.OrganisationID, OrganisationName: p.orgName(a),
			Role: casereview.AddresseeRole(a.Role), RawText: a.RawText, NotifiedOn: a.NotifiedOn.ptr(), AcknowledgedOn: a.AcknowledgedOn.ptr(),
			ResponseStatus: casereview.ResponseStatus(a.ResponseStatus)})
	}
	for _, th := range ra.themes {
		def := p.themes[th.ThemeCode]
		x.Themes = append(x.Themes, casereview.ThemeAssignment{Code: th.ThemeCode, Slug: def.Slug, Label: def.Label, Group: def.GroupCode, Deprecated: !def.Active,
			Primary: th.IsPrimary, Source: casereview.ThemeSource(th.Source)})
	}
	return x
}

func (p *importPlan) orgName(a addresseeRow) string {
	if a.OrganisationName != "" {
		return a.OrganisationName
	}
	return p.orgNames[a.OrganisationID]
}
