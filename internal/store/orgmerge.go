package store

import (
	"context"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

// Merging duplicate organisations (issue 14 item 6); see casereview/orgmerge.go. One transaction
// moves every row that names the merged organisation to the survivor, folds the merged name and
// aliases into the survivor's aliases, deletes the merged organisation and leaves a redirect in
// organisation_redirects. The columns that name an organisation: addressees, and through their
// (recommendation_id, organisation_id) keys responses and actions; memberships; aliases; the
// parent of other organisations. progress_updates, recommendation_edits, milestone_events and
// audit_events keep the organisation their author acted for: they are history, and append-only.

type redirectRow struct {
	FromID   string    `gorm:"column:from_id;primaryKey"`
	ToID     string    `gorm:"column:to_id"`
	MergedAt time.Time `gorm:"column:merged_at"`
}

func (redirectRow) TableName() string { return "organisation_redirects" }

func (s *Store) step(name string) error {
	if s.mergeStep != nil {
		return s.mergeStep(name)
	}
	return nil
}

// OrganisationRedirect says where a merged organisation's id now leads.
func (s *Store) OrganisationRedirect(ctx context.Context, id string) (string, bool, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return "", false, nil
	}
	var to []string
	if err := s.read.WithContext(ctx).Table("organisation_redirects").Where("from_id = ?", id).Pluck("to_id", &to).Error; err != nil {
		return "", false, translate(err)
	}
	if len(to) == 0 {
		return "", false, nil
	}
	return to[0], true, nil
}

// OrganisationDuplicates suggests pairs of organisations that are likely one.
func (s *Store) OrganisationDuplicates(ctx context.Context) ([]casereview.DuplicateSuggestion, error) {
	if !casereview.CanMergeOrganisations(actorOf(ctx)) {
		return nil, deny(ctx, "only admins merge organisations")
	}
	db := s.read.WithContext(ctx)
	var rows []organisationRow
	if err := db.Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	orgs, err := s.organisations(db, rows)
	if err != nil {
		return nil, err
	}
	return casereview.SuggestDuplicates(orgs), nil
}

// MergeOrganisations merges mergedID into survivorID; each version must be the current one.
func (s *Store) MergeOrganisations(ctx context.Context, survivorID, mergedID string, survivorVersion, mergedVersion int) (casereview.OrganisationMerge, error) {
	var out casereview.OrganisationMerge
	if !casereview.CanMergeOrganisations(actorOf(ctx)) {
		return out, deny(ctx, "only admins merge organisations")
	}
	sid, _ := casereview.NormaliseID(survivorID)
	mid, ok := casereview.NormaliseID(mergedID)
	if !ok {
		return out, casereview.Invalid("merge", casereview.FieldNotFound, "no organisation has id %s", mergedID)
	}
	if sid == mid {
		return out, casereview.Invalid("merge", casereview.FieldInvalid, "an organisation cannot be merged into itself")
	}
	err := s.inTx(ctx, func(t *tx) error {
		for _, id := range []string{sid, mid} {
			var to []string
			if err := t.db.Table("organisation_redirects").Where("from_id = ?", id).Pluck("to_id", &to).Error; err != nil {
				return err
			}
			if len(to) > 0 {
				return casereview.Conflict("organisation " + id + " was merged into " + to[0] + "; use that organisation")
			}
		}
		var surv, merged organisationRow
		version := func(r *organisationRow) int { return r.Version }
		// Lock in id order, so two merges of one pair cannot deadlock.
		first, second := &surv, &merged
		fid, fv, sidd, sv := sid, survivorVersion, mid, mergedVersion
		if mid < sid {
			first, second, fid, fv, sidd, sv = &merged, &surv, mid, mergedVersion, sid, survivorVersion
		}
		for _, l := range []struct {
			row     *organisationRow
			id      string
			version int
		}{{first, fid, fv}, {second, sidd, sv}} {
			if err := lockRow(t, l.row, l.id, l.version, "organisation", version); err != nil {
				if casereview.IsCode(err, casereview.CodeNotFound) && l.id == mid {
					return casereview.Invalid("merge", casereview.FieldNotFound, "no organisation has id %s", mid)
				}
				return err
			}
		}
		prev, err := s.organisations(t.db, []organisationRow{surv, merged})
		if err != nil {
			return err
		}
		out.MergedID, out.MergedName = merged.ID, merged.Name
		if err := mergeAddressees(t, surv.ID, merged.ID, &out); err != nil {
			return err
		}
		if err := s.step("addressees"); err != nil {
			return err
		}
		if err := mergeMemberships(t, surv.ID, merged.ID, &out); err != nil {
			return err
		}
		if err := s.step("memberships"); err != nil {
			return err
		}
		if err := s.mergeChildren(t, &surv, merged, &out); err != nil {
			return err
		}
		aliases := append(append(append([]string{}, prev[0].Aliases...), merged.Name), prev[1].Aliases...)
		var keep []string
		seen := map[string]bool{surv.NameKey: true}
		for _, a := range aliases {
			if k := AliasKey(a); !seen[k] {
				seen[k] = true
				keep = append(keep, a)
			}
		}
		out.Aliases = len(keep) - len(prev[0].Aliases)
		if err := t.db.Where("organisation_id = ?", merged.ID).Delete(&aliasRow{}).Error; err != nil {
			return err
		}
		if err := writeAliases(t, surv.ID, keep); err != nil {
			return err
		}
		if err := s.step("aliases"); err != nil {
			return err
		}
		if err := t.db.Model(&redirectRow{}).Where("to_id = ?", merged.ID).Update("to_id", surv.ID).Error; err != nil {
			return err
		}
		if err := t.db.Create(&redirectRow{FromID: merged.ID, ToID: surv.ID, MergedAt: t.now}).Error; err != nil {
			return err
		}
		if err := t.db.Delete(&organisationRow{ID: merged.ID}).Error; err != nil {
			return err
		}
		surv.Version++
		surv.UpdatedAt = t.now
		if err := t.db.Save(&surv).Error; err != nil {
			return err
		}
		t.touch(journalOrganisation, surv.ID)
		t.touch(journalOrganisation, merged.ID)
		after, err := s.organisations(t.db, []organisationRow{surv})
		if err != nil {
			return err
		}
		// One event on the survivor: as it was, and as it is with the merged organisation (as it
		// was) and the counts of what moved.
		t.audit(casereview.AuditOrganisationMerged, "organisation", surv.ID, prev[0], mergeRecord{Organisation: after[0], Merged: prev[1],
			Moved: mergeCounts{Addressees: out.Addressees, Combined: out.Combined, Actions: out.Actions, Responses: out.Responses,
				Memberships: out.Memberships, Aliases: out.Aliases, Children: out.Children, Recommendations: out.Recommendations}})
		return s.step("done")
	})
	if err != nil {
		return casereview.OrganisationMerge{}, err
	}
	out.Survivor, err = s.GetOrganisation(ctx, sid)
	return out, err
}

// mergeRecord is the after-image of an organisation.merged event: the survivor, the merged
// organisation as it was, and what moved.
type mergeRecord struct {
	casereview.Organisation
	Merged casereview.Organisation
	Moved  mergeCounts
}

type mergeCounts struct {
	Addressees      int `json:"addressees"`
	Combined        int `json:"combined"`
	Actions         int `json:"actions"`
	Responses       int `json:"responses"`
	Memberships     int `json:"memberships"`
	Aliases         int `json:"aliases"`
	Children        int `json:"children"`
	Recommendations int `json:"recommendations"`
}

// mergeAddressees moves the merged organisation's addressees, and the responses and actions
// keyed by them, to the survivor. Where the survivor is addressed too, the two become its one
// addressee: the stronger role, the earlier notified and acknowledged dates, and the status of
// the latest response.
func mergeAddressees(t *tx, survivor, merged string, out *casereview.OrganisationMerge) error {
	var rows []addresseeRow
	if err := t.db.Where("organisation_id = ?", merged).Order("recommendation_id").Find(&rows).Error; err != nil {
		return err
	}
	for _, m := range rows {
		var own []addresseeRow
		if err := t.db.Where("recommendation_id = ? AND organisation_id = ?", m.RecommendationID, survivor).Find(&own).Error; err != nil {
			return err
		}
		if len(own) == 0 {
			moved := m
			moved.OrganisationID = survivor
			if err := t.db.Omit("organisation_name").Create(&moved).Error; err != nil {
				return err
			}
		} else {
			out.Combined++
		}
		where := "recommendation_id = ? AND organisation_id = ?"
		res := t.db.Model(&responseRow{}).Where(where, m.RecommendationID, merged).Update("organisation_id", survivor)
		if res.Error != nil {
			return res.Error
		}
		out.Responses += int(res.RowsAffected)
		res = t.db.Model(&actionRow{}).Where(where, m.RecommendationID, merged).
			Updates(map[string]any{"organisation_id": survivor, "updated_at": t.now, "version": gorm.Expr("version + 1")})
		if res.Error != nil {
			return res.Error
		}
		out.Actions += int(res.RowsAffected)
		if len(own) > 0 {
			if err := combineAddressee(t, own[0], m); err != nil {
				return err
			}
		}
		if err := t.db.Where(where, m.RecommendationID, merged).Delete(&addresseeRow{}).Error; err != nil {
			return err
		}
		if err := t.db.Model(&recommendationRow{}).Where("id = ?", m.RecommendationID).
			Updates(map[string]any{"version": gorm.Expr("version + 1"), "updated_at": t.now}).Error; err != nil {
			return err
		}
		if err := settleRecommendation(t, m.RecommendationID); err != nil {
			return err
		}
		t.touch(journalRecommendation, m.RecommendationID)
		out.Addressees++
		out.Recommendations++
	}
	return nil
}

func combineAddressee(t *tx, own, m addresseeRow) error {
	earlier := func(a, b nullDate) nullDate {
		if !a.Valid || (b.Valid && b.D.Before(a.D)) {
			return b
		}
		return a
	}
	status := own.ResponseStatus
	var latest []responseRow
	if err := t.db.Where("recommendation_id = ? AND organisation_id = ?", own.RecommendationID, own.OrganisationID).
		Order("received_on DESC, created_at DESC").Limit(1).Find(&latest).Error; err != nil {
		return err
	}
	if len(latest) == 1 {
		status = latest[0].Decision
	}
	return t.db.Model(&addresseeRow{}).Where("recommendation_id = ? AND organisation_id = ?", own.RecommendationID, own.OrganisationID).
		Updates(map[string]any{"role": string(casereview.StrongerRole(casereview.AddresseeRole(own.Role), casereview.AddresseeRole(m.Role))),
			"notified_on": earlier(own.NotifiedOn, m.NotifiedOn), "acknowledged_on": earlier(own.AcknowledgedOn, m.AcknowledgedOn),
			"response_status": status}).Error
}

// mergeMemberships moves the merged organisation's editors to the survivor; a user who already
// holds the same role there keeps that one membership.
func mergeMemberships(t *tx, survivor, merged string, out *casereview.OrganisationMerge) error {
	var rows []membershipRow
	if err := t.db.Where("organisation_id = ?", merged).Find(&rows).Error; err != nil {
		return err
	}
	for _, m := range rows {
		var n int64
		if err := t.db.Model(&membershipRow{}).Where("user_id = ? AND role = ? AND organisation_id = ?", m.UserID, m.Role, survivor).Count(&n).Error; err != nil {
			return err
		}
		var err error
		if n > 0 {
			err = t.db.Delete(&membershipRow{ID: m.ID}).Error
		} else {
			err = t.db.Model(&membershipRow{}).Where("id = ?", m.ID).Update("organisation_id", survivor).Error
		}
		if err != nil {
			return err
		}
		after := m
		after.OrganisationID = &survivor
		t.audit(casereview.AuditMembershipRemoved, "user", m.UserID, m, nil)
		if n == 0 {
			t.audit(casereview.AuditMembershipAdded, "user", m.UserID, nil, after)
		}
		out.Memberships++
	}
	return nil
}

// mergeChildren gives the merged organisation's children the survivor as parent; a survivor
// that was the merged one's child takes its grandparent.
func (s *Store) mergeChildren(t *tx, surv *organisationRow, merged organisationRow, out *casereview.OrganisationMerge) error {
	if surv.ParentID != nil && *surv.ParentID == merged.ID {
		surv.ParentID = merged.ParentID
	}
	var kids []organisationRow
	if err := t.db.Where("parent_id = ? AND id <> ?", merged.ID, surv.ID).Find(&kids).Error; err != nil {
		return err
	}
	sort.Slice(kids, func(i, j int) bool { return kids[i].ID < kids[j].ID })
	for _, k := range kids {
		prev, err := s.organisations(t.db, []organisationRow{k})
		if err != nil {
			return err
		}
		k.ParentID = &surv.ID
		k.Version++
		k.UpdatedAt = t.now
		if err := t.db.Save(&k).Error; err != nil {
			return err
		}
		t.touch(journalOrganisation, k.ID)
		if err := auditOrganisation(s, t, casereview.AuditOrganisationUpdated, &prev[0], k); err != nil {
			return err
		}
		out.Children++
	}
	return nil
}
