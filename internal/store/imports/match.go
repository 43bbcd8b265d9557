package imports

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// diffActions matches the bundle's actions to the recommendation's existing ones: first by
// owner and identical description, then the rest in order. Existing actions the bundle does not
// mention are kept. It returns the change descriptions and the recommendation's actions after.
func (p *importPlan) diffActions(rec store.RecommendationRow, exists bool, rb *casereview.RecommendationBundle, label string) ([]string, []store.ActionRow) {
	now := p.now
	have := p.acts[rec.ID]
	used := make([]bool, len(have))
	match := make([]int, len(rb.Actions))
	for k, a := range rb.Actions {
		match[k] = -1
		for h, x := range have {
			if !used[h] && x.OrganisationID == a.OrganisationID && sameDescription(p.uncarried, x.Description, a.Description) {
				match[k], used[h] = h, true
				break
			}
		}
	}
	next := 0
	for k := range rb.Actions {
		if match[k] >= 0 {
			continue
		}
		for next < len(have) && used[next] {
			next++
		}
		if next < len(have) {
			match[k], used[next] = next, true
		}
	}
	var changes []string
	after := slices.Clone(have)
	for k, a := range rb.Actions {
		a.RecommendationID = rec.ID
		status := casereview.ImplementationStatus("")
		if k < len(rb.ActionStatuses) {
			status = rb.ActionStatuses[k]
		}
		var milestones []casereview.MilestoneDraft
		if k < len(rb.ActionMilestones) {
			milestones = rb.ActionMilestones[k]
		}
		if match[k] < 0 {
			row := store.ActionRow{ID: store.NewID(), Version: 1, ImplementationStatus: string(casereview.ImplNotStarted), CreatedAt: now, UpdatedAt: now}
			row.Apply(a)
			if status != "" {
				row.ImplementationStatus = string(status)
			}
			p.newActs = append(p.newActs, row)
			p.diffMilestones(rec, row, milestones, label, k)
			after = append(after, row)
			p.res.ActionsCreated++
			if exists {
				changes = append(changes, fmt.Sprintf("new action %d", k+1))
			}
			continue
		}
		old := have[match[k]]
		keepAction(p.uncarried, old, &a)
		row := old
		row.Apply(a)
		if status == "" && a.CompletionDate == nil && a.Outcome == nil {
			// The file says nothing about completion: what the application records stands.
			row.CompletionDate, row.CompletionSource, row.Outcome = old.CompletionDate, old.CompletionSource, old.Outcome
		}
		if status != "" && !casereview.ImportAgrees(casereview.ImplementationStatus(old.ImplementationStatus), status) {
			if casereview.ImportAdvances(casereview.ImplementationStatus(old.ImplementationStatus), status) {
				row.ImplementationStatus = string(status)
			} else {
				p.res.Changed("%s action %d: the file says %s but the application records %s; kept %s", label, k+1, status, old.ImplementationStatus, old.ImplementationStatus)
			}
		}
		if row.OrganisationID != old.OrganisationID || row.Description != old.Description || row.Owner != old.Owner ||
			row.TargetDate != old.TargetDate || row.CompletionDate != old.CompletionDate || deref(row.Outcome) != deref(old.Outcome) ||
			row.ImplementationStatus != old.ImplementationStatus {
			row.Version++
			row.UpdatedAt = now
			p.updActs = append(p.updActs, actionUpdate{before: old.Domain(), row: row})
			after[match[k]] = row
			p.res.ActionsUpdated++
			changes = append(changes, fmt.Sprintf("action %d", k+1))
			if c := p.diffMilestones(rec, row, milestones, label, k); c != "" {
				changes = append(changes, c)
			}
		} else if c := p.diffMilestones(rec, row, milestones, label, k); c != "" {
			// The action's line is as it was; its milestones are not.
			p.res.ActionsUpdated++
			changes = append(changes, c)
		} else {
			p.res.ActionsUnchanged++
		}
	}
	return changes, after
}

func newRecFields(d casereview.RecommendationDraft) store.RecommendationRow {
	var r store.RecommendationRow
	r.Apply(d)
	return r
}

func sameRecFields(a, b store.RecommendationRow, due *casereview.Date) bool {
	return len(changedRecFields(a, b, due)) == 0
}

func changedRecFields(a, b store.RecommendationRow, due *casereview.Date) []string {
	var out []string
	if a.Title != b.Title {
		out = append(out, "title")
	}
	if a.Text != b.Text {
		out = append(out, "text")
	}
	if a.Scope != b.Scope {
		out = append(out, "scope")
	}
	if deref(a.InterventionType) != deref(b.InterventionType) {
		out = append(out, "intervention_type")
	}
	if due != nil && (!a.ResponseDueExplicit || a.ResponseDue != b.ResponseDue) {
		out = append(out, "response_due")
	}
	return out
}

func sameThemes(a, b []store.ThemeAssignmentRow) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ThemeCode != b[i].ThemeCode || a[i].IsPrimary != b[i].IsPrimary || a[i].Source != b[i].Source {
			return false
		}
	}
	return true
}

func changedFields(a, b casereview.ReviewDraft) string {
	var out []string
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := 0; i < va.NumField(); i++ {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, va.Type().Field(i).Name)
		}
	}
	return joinChanges(out)
}

func joinChanges(xs []string) string {
	if len(xs) > 8 {
		xs = append(xs[:8:8], fmt.Sprintf("and %d more", len(xs)-8))
	}
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s
}
