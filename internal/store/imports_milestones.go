package store

import (
	"fmt"

	"github.com/casereview/casereview/internal/casereview"
)

// Milestones in imports. A bundle's list of an action's milestones is the list after the import:
// milestones are matched to the recommendation's existing ones by title (preferring the same
// dates), so importing an export changes nothing; the others are added and removed. As for
// statuses, an import never takes back a milestone's completion, and it leaves the milestones
// of a closed recommendation as they are (its record is settled).

type importMilestones struct {
	have    map[string][]milestoneRow // action id -> existing milestones
	created []milestoneRow
	updated []actionUpdateMs
	deleted []milestoneRow
	events  []milestoneEventRow
}

type actionUpdateMs struct {
	before casereview.Milestone
	row    milestoneRow
}

// loadMilestones reads the existing milestones of the recommendations an import may touch.
func (p *importPlan) loadMilestones(recIDs []string) error {
	p.ms.have = map[string][]milestoneRow{}
	return chunked(recIDs, func(ids []string) error {
		var rows []milestoneRow
		if err := p.t.db.Table("milestones").Where("recommendation_id IN ?", ids).Order(milestoneOrder).Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			p.ms.have[r.ActionID] = append(p.ms.have[r.ActionID], r)
		}
		return nil
	})
}

// diffMilestones plans action act's milestones after the import (want nil: as they are). It
// returns a description of what changes, or "".
func (p *importPlan) diffMilestones(rec recommendationRow, act actionRow, want []casereview.MilestoneDraft, label string, k int) string {
	if want == nil {
		return ""
	}
	have := p.ms.have[act.ID]
	used := make([]bool, len(have))
	match := make([]int, len(want))
	for i := range match {
		match[i] = -1
	}
	same := []func(h milestoneRow, w casereview.MilestoneDraft) bool{
		func(h milestoneRow, w casereview.MilestoneDraft) bool {
			return h.Title == w.Title && h.DueDate == dateOf(w.DueDate) && h.DoneDate == dateOf(w.DoneDate)
		},
		func(h milestoneRow, w casereview.MilestoneDraft) bool {
			return h.Title == w.Title && h.DueDate == dateOf(w.DueDate)
		},
		func(h milestoneRow, w casereview.MilestoneDraft) bool { return h.Title == w.Title },
	}
	for _, eq := range same {
		for i, w := range want {
			if match[i] >= 0 {
				continue
			}
			for j, h := range have {
				if !used[j] && eq(h, w) {
					match[i], used[j] = j, true
					break
				}
			}
		}
	}
	now, a := p.t.now, actorOf(p.t.ctx)
	event := func(m milestoneRow, field, old, new string) {
		p.ms.events = append(p.ms.events, milestoneEventRow{ID: newID(), RecommendationID: m.RecommendationID, ActionID: m.ActionID,
			MilestoneID: m.ID, Field: field, OldValue: old, NewValue: new, Title: m.Title, AuthorID: optional(a.UserID), AuthorName: a.Name,
			OrganisationID: optional(act.OrganisationID), CreatedAt: now})
	}
	var added, changed, removed, kept int
	var created, deleted []milestoneRow
	var updated []actionUpdateMs
	var events []milestoneEventRow
	saved := p.ms.events
	p.ms.events = nil
	for i, w := range want {
		if match[i] < 0 {
			m := milestoneRow{ID: newID(), ActionID: act.ID, RecommendationID: act.RecommendationID, Title: w.Title, DueDate: dateOf(w.DueDate),
				DoneDate: dateOf(w.DoneDate), CreatedByID: optional(a.UserID), CreatedByName: a.Name, Version: 1, CreatedAt: now, UpdatedAt: now}
			if w.DoneDate != nil {
				m.DoneByID, m.DoneByName = optional(a.UserID), optional(a.Name)
			}
			created = append(created, m)
			event(m, string(casereview.MilestoneAdded), "", casereview.MilestoneLabel(m.Title, m.DueDate.ptr()))
			if w.DoneDate != nil {
				event(m, string(casereview.MilestoneCompleted), "", w.DoneDate.String())
			}
			added++
			continue
		}
		old := have[match[i]]
		m := old
		m.DueDate = dateOf(w.DueDate)
		if w.DoneDate != nil {
			m.DoneDate = dateOf(w.DoneDate)
		} else if old.DoneDate.Valid {
			kept++ // the file does not say it is done; the application records that it is
		}
		if m.DueDate == old.DueDate && m.DoneDate == old.DoneDate {
			continue
		}
		if m.DueDate != old.DueDate {
			event(m, "due_date", dateText(old.DueDate), dateText(m.DueDate))
		}
		switch {
		case !old.DoneDate.Valid:
			m.DoneByID, m.DoneByName = optional(a.UserID), optional(a.Name)
			event(m, string(casereview.MilestoneCompleted), "", m.DoneDate.D.String())
		case m.DoneDate != old.DoneDate:
			event(m, "done_date", dateText(old.DoneDate), dateText(m.DoneDate))
		}
		m.Version++
		m.UpdatedAt = now
		updated = append(updated, actionUpdateMs{before: old.domain(), row: m})
		changed++
	}
	for j, h := range have {
		if !used[j] {
			deleted = append(deleted, h)
			event(h, string(casereview.MilestoneRemoved), casereview.MilestoneLabel(h.Title, h.DueDate.ptr()), "")
			removed++
		}
	}
	events, p.ms.events = p.ms.events, saved
	if kept > 0 {
		p.res.Changed("%s action %d: the file does not say %d milestone(s) are done but the application records them done; kept done", label, k+1, kept)
	}
	if added+changed+removed == 0 {
		return ""
	}
	if casereview.OversightStatus(rec.OversightStatus).IsClosed() {
		p.res.Changed("%s action %d: the recommendation is closed, so its milestones were kept as they are (reopen it to change them)", label, k+1)
		return ""
	}
	p.ms.created = append(p.ms.created, created...)
	p.ms.updated = append(p.ms.updated, updated...)
	p.ms.deleted = append(p.ms.deleted, deleted...)
	p.ms.events = append(p.ms.events, events...)
	return fmt.Sprintf("action %d milestones (%d added, %d changed, %d removed)", k+1, added, changed, removed)
}

// writeMilestones applies the planned milestone changes, with their timeline entries and audit
// events; the recommendations concerned are journaled as updated ones.
func (p *importPlan) writeMilestones() error {
	db := p.t.db
	if err := p.insertRows(p.ms.created); err != nil {
		return err
	}
	for i := range p.ms.updated {
		if err := db.Save(&p.ms.updated[i].row).Error; err != nil {
			return err
		}
	}
	var gone []string
	for _, m := range p.ms.deleted {
		gone = append(gone, m.ID)
	}
	if err := chunked(gone, func(ids []string) error { return db.Where("id IN ?", ids).Delete(&milestoneRow{}).Error }); err != nil {
		return err
	}
	if err := p.insertRows(p.ms.events); err != nil {
		return err
	}
	for _, m := range p.ms.created {
		p.t.touch(journalRecommendation, m.RecommendationID)
		p.t.audit(casereview.AuditMilestoneCreated, "milestone", m.ID, nil, m.domain())
	}
	for _, u := range p.ms.updated {
		p.t.touch(journalRecommendation, u.row.RecommendationID)
		p.t.audit(casereview.AuditMilestoneUpdated, "milestone", u.row.ID, u.before, u.row.domain())
	}
	for _, m := range p.ms.deleted {
		p.t.touch(journalRecommendation, m.RecommendationID)
		p.t.audit(casereview.AuditMilestoneDeleted, "milestone", m.ID, m.domain(), nil)
	}
	return nil
}
