package imports

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// loadExisting reads, in a few batched queries, the reviews the bundles name and everything
// under them that an import may update.
func (p *importPlan) loadExisting(bundles []casereview.ReviewBundle) error {
	db := p.db
	p.reviews, p.recs = map[string]store.ReviewRow{}, map[string]store.RecommendationRow{}
	p.addrs, p.themeAs, p.acts = map[string][]store.AddresseeRow{}, map[string][]store.ThemeAssignmentRow{}, map[string][]store.ActionRow{}
	p.before = map[string]casereview.Recommendation{}
	byPart := map[string][]string{}
	for _, b := range bundles {
		byPart[b.Review.PartnershipID] = append(byPart[b.Review.PartnershipID], b.Review.Reference)
	}
	var reviewIDs []string
	for part, refs := range byPart {
		if err := chunked(refs, func(refs []string) error {
			var rows []store.ReviewRow
			if err := db.Where("partnership_id = ? AND reference IN ?", part, refs).Find(&rows).Error; err != nil {
				return err
			}
			for _, r := range rows {
				p.reviews[r.PartnershipID+"\x00"+r.Reference] = r
				reviewIDs = append(reviewIDs, r.ID)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	var recIDs []string
	var recRows []store.RecommendationRow
	if err := chunked(reviewIDs, func(ids []string) error {
		var rows []store.RecommendationRow
		if err := db.Where("review_id IN ?", ids).Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			p.recs[r.ReviewID+"\x00"+r.Number] = r
			recIDs = append(recIDs, r.ID)
		}
		recRows = append(recRows, rows...)
		return nil
	}); err != nil {
		return err
	}
	if err := chunked(recIDs, func(ids []string) error {
		var as []store.AddresseeRow
		if err := db.Table("addressees").Select("addressees.*, organisations.name AS organisation_name").
			Joins("JOIN organisations ON organisations.id = addressees.organisation_id").
			Where("addressees.recommendation_id IN ?", ids).Order("addressees.position").Find(&as).Error; err != nil {
			return err
		}
		for _, a := range as {
			p.addrs[a.RecommendationID] = append(p.addrs[a.RecommendationID], a)
		}
		var ts []store.ThemeAssignmentRow
		if err := db.Where("recommendation_id IN ?", ids).Order("position").Find(&ts).Error; err != nil {
			return err
		}
		for _, th := range ts {
			p.themeAs[th.RecommendationID] = append(p.themeAs[th.RecommendationID], th)
		}
		var acts []store.ActionRow
		if err := db.Where("recommendation_id IN ?", ids).Order("created_at, id").Find(&acts).Error; err != nil {
			return err
		}
		for _, a := range acts {
			p.acts[a.RecommendationID] = append(p.acts[a.RecommendationID], a)
		}
		return nil
	}); err != nil {
		return err
	}
	return p.loadMilestones(recIDs)
}

// diff works out the rows to insert and update, and fills in the result.
func (p *importPlan) diff(bundles []casereview.ReviewBundle) error {
	now := p.now
	today := casereview.DateOf(now)
	total := 0
	for _, b := range bundles {
		total += len(b.Recommendations)
	}
	done := 0
	for i := range bundles {
		b := &bundles[i]
		p.uncarried = b.Uncarried
		key := b.Review.PartnershipID + "\x00" + b.Review.Reference
		rv, exists := p.reviews[key]
		if !exists {
			rv = store.ReviewRow{ID: store.NewID(), Version: 1, CreatedAt: now, UpdatedAt: now}
			rv.Apply(b.Review)
			p.newReviews = append(p.newReviews, rv)
			p.res.ReviewsCreated++
			p.res.Changed("review %s: created", b.Review.Reference)
		} else {
			before := rv.Domain()
			next := rv
			next.Apply(b.Review)
			if !reflect.DeepEqual(before.Draft(), next.Domain().Draft()) {
				next.Version++
				next.UpdatedAt = now
				reissue := !reflect.DeepEqual(before.PublishedOn, next.PublishedOn.Ptr())
				p.updReviews = append(p.updReviews, reviewUpdate{before: before, row: next, reissue: reissue})
				p.res.ReviewsUpdated++
				p.res.Changed("review %s: updated %s", b.Review.Reference, changedFields(before.Draft(), next.Domain().Draft()))
				rv = next
			} else {
				p.res.ReviewsUnchanged++
			}
		}
		p.res.ReviewIDs = append(p.res.ReviewIDs, rv.ID)
		issued := today
		if rv.PublishedOn.Valid {
			issued = rv.PublishedOn.D
		}
		for j := range b.Recommendations {
			rb := &b.Recommendations[j]
			rb.Draft.ReviewID = rv.ID
			p.diffRecommendation(rv, issued, rb, fmt.Sprintf("%s recommendation %s", b.Review.Reference, rb.Draft.Number))
			done++
			if p.progress != nil && (done%500 == 0 || done == total) {
				p.progress(done, total)
			}
		}
	}
	return nil
}

// diffRecommendation plans one recommendation, its addressees, themes and actions.
func (p *importPlan) diffRecommendation(rv store.ReviewRow, issued casereview.Date, rb *casereview.RecommendationBundle, label string) {
	now := p.now
	d := rb.Draft
	old, exists := p.recs[rv.ID+"\x00"+d.Number]
	var row store.RecommendationRow
	if exists {
		row = old
	} else {
		row = store.RecommendationRow{ID: store.NewID(), Version: 1, ResponseStatus: string(casereview.ResponseAwaiting),
			ImplementationStatus: string(casereview.ImplNotStarted), OversightStatus: string(casereview.OversightUnassessed),
			CreatedAt: now, UpdatedAt: now, IssuedOn: store.NullDate{D: issued, Valid: true}, RecordKey: store.NewRecordKey()}
	}
	if exists && casereview.OversightStatus(old.OversightStatus).IsClosed() {
		// A closed recommendation is settled (issue 13): its text, addressees, themes, actions
		// and milestones change only after oversight reopens it. Work out what the file would
		// change, then apply none of it and say so.
		snap := p.snapshot()
		defer func() {
			if p.res.RecommendationsUpdated > snap.res.RecommendationsUpdated {
				p.restore(snap)
				p.res.RecommendationsUnchanged++
				p.res.ActionsUnchanged += len(p.acts[old.ID])
				p.res.Changed("%s: closed (%s), so the file's changes were not applied; oversight must reopen it first", label, old.OversightStatus)
			}
		}()
	}
	var changes []string
	if exists {
		keepRecommendation(p.uncarried, old, &d)
		if a, b := (store.RecommendationRow{Number: old.Number, Title: old.Title, Text: old.Text, Scope: old.Scope, InterventionType: old.InterventionType,
			ResponseDue: old.ResponseDue, ResponseDueExplicit: old.ResponseDueExplicit}), newRecFields(d); !sameRecFields(a, b, d.ResponseDue) {
			changes = append(changes, changedRecFields(a, b, d.ResponseDue)...)
		}
	}
	if !exists || len(changes) > 0 {
		row.Apply(d)
		if exists && d.ResponseDue == nil {
			// A file that gives no due date keeps the one recorded in the application.
			row.ResponseDue, row.ResponseDueExplicit = old.ResponseDue, old.ResponseDueExplicit
		}
	}

	// Addressees: merged by organisation. An import adds and updates addressees but never
	// removes one: the plan may list only the agencies that own actions.
	have := p.addrs[row.ID]
	byOrg := map[string]int{}
	for k, a := range have {
		byOrg[a.OrganisationID] = k
	}
	addrs := slices.Clone(have)
	for k, a := range d.Addressees {
		want := store.AddresseeRow{RecommendationID: row.ID, OrganisationID: a.OrganisationID, Role: string(a.Role), RawText: a.RawText,
			NotifiedOn: store.DateOf(a.NotifiedOn), AcknowledgedOn: store.DateOf(a.AcknowledgedOn), CreatedAt: now,
			ResponseStatus: string(casereview.ResponseAwaiting), OrganisationName: p.orgNames[a.OrganisationID]}
		if rb.ResponseStatus != "" {
			want.ResponseStatus = string(rb.ResponseStatus)
		}
		if idx, ok := byOrg[a.OrganisationID]; ok {
			h := have[idx]
			want.CreatedAt, want.Position = h.CreatedAt, h.Position
			keepAddressee(p.uncarried, h, &want)
			if want.RawText == want.OrganisationName {
				want.RawText = h.RawText // an export names the organisation; the text as printed stays
			}
			if h.ResponseStatus != string(casereview.ResponseAwaiting) || rb.ResponseStatus == "" {
				want.ResponseStatus = h.ResponseStatus // a recorded response is never overwritten
			}
			if want.Role != h.Role || want.RawText != h.RawText || want.NotifiedOn != h.NotifiedOn ||
				want.AcknowledgedOn != h.AcknowledgedOn || want.ResponseStatus != h.ResponseStatus {
				p.updAddrs = append(p.updAddrs, want)
				changes = append(changes, "addressee "+want.OrganisationName)
			}
			addrs[idx] = want
			continue
		}
		want.Position = len(have) + k
		p.newAddrs = append(p.newAddrs, want)
		addrs = append(addrs, want)
		if exists {
			changes = append(changes, "new addressee "+want.OrganisationName)
		}
		byOrg[a.OrganisationID] = len(addrs) - 1
	}

	// Themes: the bundle's set replaces the old one when it names any; none keeps what is there.
	themes := p.themeAs[row.ID]
	if len(d.Themes) > 0 {
		assigned := map[string]store.ThemeAssignmentRow{}
		for _, h := range themes {
			assigned[h.ThemeCode] = h
		}
		next := make([]store.ThemeAssignmentRow, len(d.Themes))
		for k, th := range d.Themes {
			at := now
			if h, ok := assigned[th.Code]; ok {
				at = h.AssignedAt
			}
			next[k] = store.ThemeAssignmentRow{RecommendationID: row.ID, ThemeCode: th.Code, IsPrimary: th.Primary, Source: string(th.Source), Position: k, AssignedAt: at}
		}
		if !sameThemes(themes, next) {
			if exists {
				p.themeReplace = append(p.themeReplace, row.ID)
				changes = append(changes, "themes")
			}
			p.newThemes = append(p.newThemes, next...)
			themes = next
		}
	}

	actChanges, acts := p.diffActions(row, exists, rb, label)
	changes = append(changes, actChanges...)

	// Settle the derived columns as settle() does, from the rows in memory.
	if !row.ResponseDueExplicit {
		row.ResponseDue = store.NullDate{}
		for _, a := range addrs {
			if a.NotifiedOn.Valid {
				due := a.NotifiedOn.D.AddDays(p.windows[rv.Type])
				if !row.ResponseDue.Valid || due.Before(row.ResponseDue.D) {
					row.ResponseDue = store.NullDate{D: due, Valid: true}
				}
			}
		}
	}
	domAs := make([]casereview.Addressee, len(addrs))
	var leads []string
	for k, a := range addrs {
		domAs[k] = casereview.Addressee{OrganisationID: a.OrganisationID, Role: casereview.AddresseeRole(a.Role), ResponseStatus: casereview.ResponseStatus(a.ResponseStatus)}
		if a.Role == string(casereview.RoleLead) {
			leads = append(leads, a.OrganisationID)
		}
	}
	domActs := make([]casereview.Action, len(acts))
	for k, a := range acts {
		domActs[k] = casereview.Action{OrganisationID: a.OrganisationID, ImplementationStatus: casereview.ImplementationStatus(a.ImplementationStatus)}
	}
	row.ResponseStatus = string(casereview.RollUpResponse(domAs))
	row.ImplementationStatus = string(casereview.RollUpImplementation(domActs, leads))

	switch {
	case !exists:
		row.ThemeSet = store.ThemeSetOf(themes) // what the triggers would write after the themes
		p.newRecs = append(p.newRecs, row)
		p.recAfter = append(p.recAfter, recAudit{created: true, row: row, addrs: addrs, themes: themes})
		p.res.RecommendationsCreated++
		p.res.Changed("%s: created", label)
	case len(changes) > 0 || row.ResponseStatus != old.ResponseStatus || row.ImplementationStatus != old.ImplementationStatus || row.ResponseDue != old.ResponseDue:
		row.Version++
		row.UpdatedAt = now
		p.updRecs = append(p.updRecs, row)
		p.recAfter = append(p.recAfter, recAudit{row: row, addrs: addrs, themes: themes})
		p.res.RecommendationsUpdated++
		if len(changes) == 0 {
			changes = append(changes, "statuses")
		}
		p.res.Changed("%s: updated %s", label, joinChanges(changes))
	default:
		p.res.RecommendationsUnchanged++
	}
}

// planSnapshot is how far an import plan had got, so a recommendation's planned changes can be
// taken back (see diffRecommendation).
type planSnapshot struct {
	res                                                      casereview.ImportResult
	changes                                                  int
	recs, newAddrs, updAddrs, themeRepl, newThemes, newActs  int
	updActs, recAfter, msCreated, msUpdated, msDeleted, msEv int
}

func (p *importPlan) snapshot() planSnapshot {
	return planSnapshot{res: p.res, changes: len(p.res.Changes), recs: len(p.updRecs), newAddrs: len(p.newAddrs), updAddrs: len(p.updAddrs),
		themeRepl: len(p.themeReplace), newThemes: len(p.newThemes), newActs: len(p.newActs), updActs: len(p.updActs),
		recAfter: len(p.recAfter), msCreated: len(p.ms.created), msUpdated: len(p.ms.updated), msDeleted: len(p.ms.deleted), msEv: len(p.ms.events)}
}

func (p *importPlan) restore(s planSnapshot) {
	p.res = s.res
	p.res.Changes = p.res.Changes[:s.changes]
	p.updRecs, p.newAddrs, p.updAddrs = p.updRecs[:s.recs], p.newAddrs[:s.newAddrs], p.updAddrs[:s.updAddrs]
	p.themeReplace, p.newThemes, p.newActs, p.updActs = p.themeReplace[:s.themeRepl], p.newThemes[:s.newThemes], p.newActs[:s.newActs], p.updActs[:s.updActs]
	p.recAfter = p.recAfter[:s.recAfter]
	p.ms.created, p.ms.updated, p.ms.deleted, p.ms.events = p.ms.created[:s.msCreated], p.ms.updated[:s.msUpdated], p.ms.deleted[:s.msDeleted], p.ms.events[:s.msEv]
}
