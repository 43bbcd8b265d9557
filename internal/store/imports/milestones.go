package imports

import (
	"fmt"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// Milestones in imports. A bundle's list of an action's milestones is the list after the import:
// milestones are matched to the recommendation's existing ones by title (preferring the same
// dates), so importing an export changes nothing; the others are added and removed. As for
// statuses, an import never takes back a milestone's completion, and it leaves the milestones
// of a closed recommendation as they are (its record is settled).

type importMilestones struct {
	have    map[string][]store.MilestoneRow // action id -> existing milestones
	created []store.MilestoneRow
	updated []actionUpdateMs
	deleted []store.MilestoneRow
	events  []store.MilestoneEventRow
}

type actionUpdateMs struct {
	before casereview.Milestone
	row    store.MilestoneRow
}

// loadMilestones reads the existing milestones of the recommendations an import may touch.
func (p *importPlan) loadMilestones(recIDs []string) error {
	p.ms.have = map[string][]store.MilestoneRow{}
	return chunked(recIDs, func(ids []string) error {
		var rows []store.MilestoneRow
		if err := p.db.Table("milestones").Where("recommendation_id IN ?", ids).Order(store.MilestoneOrder).Find(&rows).Error; err != nil {
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
func (p *importPlan) diffMilestones(rec store.RecommendationRow, act store.ActionRow, want []casereview.MilestoneDraft, label string, k int) string {
	if want == nil {
		return ""
	}
	have := p.ms.have[act.ID]
	used := make([]bool, len(have))
	match := make([]int, len(want))
	for i := range match {
		match[i] = -1
	}
	same := []func(h store.MilestoneRow, w casereview.MilestoneDraft) bool{
		func(h store.MilestoneRow, w casereview.MilestoneDraft) bool {
			return h.Title == w.Title && h.DueDate == store.DateOf(w.DueDate) && h.DoneDate == store.DateOf(w.DoneDate)
		},
		func(h store.MilestoneRow, w casereview.MilestoneDraft) bool {
			return h.Title == w.Title && h.DueDate == store.DateOf(w.DueDate)
		},
		func(h store.MilestoneRow, w casereview.MilestoneDraft) bool { return h.Title == w.Title },
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
	now, a := p.now, casereview.ActorFrom(p.ctx)
	event := func(m store.MilestoneRow, field, old, new string) {
		p.ms.events = append(p.ms.events, store.MilestoneEventRow{ID: store.NewID(), RecommendationID: m.RecommendationID, ActionID: m.ActionID,
			MilestoneID: m.ID, Field: field, OldValue: old, NewValue: new, Title: m.Title, AuthorID: optional(a.UserID), AuthorName: a.Name,
			OrganisationID: optional(act.OrganisationID), CreatedAt: now})
	}
	var added, changed, removed, kept int
	var created, deleted []store.MilestoneRow
	var updated []actionUpdateMs
	var events []store.MilestoneEventRow
	saved := p.ms.events
	p.ms.events = nil
	for i, w := range want {
		if match[i] < 0 {
			m := store.MilestoneRow{ID: store.NewID(), ActionID: act.ID, RecommendationID: act.RecommendationID, Title: w.Title, DueDate: store.DateOf(w.DueDate),
				DoneDate: store.DateOf(w.DoneDate), CreatedByID: optional(a.UserID), CreatedByName: a.Name, Version: 1, CreatedAt: now, UpdatedAt: now}
			if w.DoneDate != nil {
				m.DoneByID, m.DoneByName = optional(a.UserID), optional(a.Name)
			}
			created = append(created, m)
			event(m, string(casereview.MilestoneAdded), "", casereview.MilestoneLabel(m.Title, m.DueDate.Ptr()))
			if w.DoneDate != nil {
				event(m, string(casereview.MilestoneCompleted), "", w.DoneDate.String())
			}
			added++
			continue
		}
		old := have[match[i]]
		m := old
		m.DueDate = store.DateOf(w.DueDate)
		if w.DoneDate != nil {
			m.DoneDate = store.DateOf(w.DoneDate)
		} else if old.DoneDate.Valid {
			kept++ // the file does not say it is done; the application records that it is
		}
		if m.DueDate == old.DueDate && m.DoneDate == old.DoneDate {
			continue
		}
		if m.DueDate != old.DueDate {
			event(m, "due_date", store.DateText(old.DueDate), store.DateText(m.DueDate))
		}
		switch {
		case !old.DoneDate.Valid:
			m.DoneByID, m.DoneByName = optional(a.UserID), optional(a.Name)
			event(m, string(casereview.MilestoneCompleted), "", m.DoneDate.D.String())
		case m.DoneDate != old.DoneDate:
			event(m, "done_date", store.DateText(old.DoneDate), store.DateText(m.DoneDate))
		}
		m.Version++
		m.UpdatedAt = now
		updated = append(updated, actionUpdateMs{before: old.Domain(), row: m})
		changed++
	}
	for j, h := range have {
		if !used[j] {
			deleted = append(deleted, h)
			event(h, string(casereview.MilestoneRemoved), casereview.MilestoneLabel(h.Title, h.DueDate.Ptr()), "")
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
	db := p.db
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
	if err := chunked(gone, func(ids []string) error { return db.Where("id IN ?", ids).Delete(&store.MilestoneRow{}).Error }); err != nil {
		return err
	}
	if err := p.insertRows(p.ms.events); err != nil {
		return err
	}
	for _, m := range p.ms.created {
		p.w.Touch(store.JournalRecommendation, m.RecommendationID)
		p.w.Audit(casereview.AuditMilestoneCreated, "milestone", m.ID, nil, m.Domain())
	}
	for _, u := range p.ms.updated {
		p.w.Touch(store.JournalRecommendation, u.row.RecommendationID)
		p.w.Audit(casereview.AuditMilestoneUpdated, "milestone", u.row.ID, u.before, u.row.Domain())
	}
	for _, m := range p.ms.deleted {
		p.w.Touch(store.JournalRecommendation, m.RecommendationID)
		p.w.Audit(casereview.AuditMilestoneDeleted, "milestone", m.ID, m.Domain(), nil)
	}
	return nil
}
