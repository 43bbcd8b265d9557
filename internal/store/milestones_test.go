package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// Issue 13 §4: actions have milestones with due and done dates; every write is checked,
// audited, journaled for the recommendation and shown in its timeline.

func msTimeline(t *testing.T, s *store.Store, recID string) []casereview.ProgressUpdate {
	t.Helper()
	var out []casereview.ProgressUpdate
	for _, e := range lcTimeline(t, s, recID) {
		if e.Kind == casereview.ProgressMilestone {
			out = append(out, e)
		}
	}
	return out
}

func msAudit(t *testing.T, s *store.Store, id string) []casereview.AuditAction {
	t.Helper()
	page, err := s.ListAudit(sysCtx(), casereview.AuditFilter{EntityType: "milestone", EntityID: id}, 100, 0)
	must(t, err)
	var out []casereview.AuditAction
	for i := len(page.Items) - 1; i >= 0; i-- { // oldest first
		out = append(out, page.Items[i].Action)
	}
	return out
}

func TestMilestoneLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		rec := lcRec(t, s, f, "1", date("2026-01-05"))
		act, err := s.CreateAction(who.police, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID,
			Description: "Train officers.", TargetDate: date("2026-09-30")})
		must(t, err)
		rec = lcGet(t, s, rec.ID)
		tail := journalTail(t, s)

		// Added by the owner: journaled for the recommendation, audited, in the timeline; not
		// progress (planning does not end stalled).
		m, err := s.CreateMilestone(who.police, act.ID, casereview.MilestoneDraft{Title: "  Course designed ", DueDate: date("2026-03-20")})
		must(t, err)
		if m.Title != "Course designed" || m.Version != 1 || m.ActionID != act.ID || m.RecommendationID != rec.ID ||
			m.DueDate.String() != "2026-03-20" || m.DoneDate != nil || m.CreatedByName != "Police editor" {
			t.Fatalf("created %+v", m)
		}
		tail = expectJournal(t, s, tail, je{"recommendation", rec.ID})
		if got := lcGet(t, s, rec.ID); got.LastActivityOn != nil || !slices.Contains(got.Flags, casereview.FlagDueSoon) {
			t.Fatalf("after adding a milestone due in 18 days: last activity %v, flags %v", got.LastActivityOn, got.Flags)
		}

		// Edited with the version read; a stale version is refused.
		_, err = s.UpdateMilestone(who.police, m.ID, m.Version+1, casereview.MilestoneDraft{Title: "x"})
		wantErr(t, err, casereview.CodePreconditionFailed)
		m, err = s.UpdateMilestone(who.police, m.ID, m.Version, casereview.MilestoneDraft{Title: "Course written", DueDate: date("2026-02-27")})
		must(t, err)
		if m.Version != 2 || m.Title != "Course written" {
			t.Fatalf("updated %+v", m)
		}
		tail = expectJournal(t, s, tail, je{"recommendation", rec.ID})
		if got := lcGet(t, s, rec.ID); !slices.Contains(got.Flags, casereview.FlagActionOverdue) {
			t.Fatalf("a milestone due before today leaves flags %v", got.Flags)
		}
		// Nothing changed: nothing written.
		same, err := s.UpdateMilestone(who.police, m.ID, m.Version, m.Draft())
		must(t, err)
		if same.Version != m.Version {
			t.Fatalf("a no-op edit moved the version to %d", same.Version)
		}
		tail = expectJournal(t, s, tail)

		// Completed: progress (last activity today), flags clear, the done-by is recorded.
		_, err = s.CompleteMilestone(who.police, m.ID, m.Version, date("2026-03-03"))
		wantErr(t, err, casereview.CodeInvalid, fe{"done_date", casereview.FieldInvalid})
		must(t, execSQL(s, "UPDATE reviews SET commissioned_on = '2025-01-01' WHERE id = ?", f.review.ID))
		_, err = s.CompleteMilestone(who.police, m.ID, m.Version, date("2024-12-31"))
		wantErr(t, err, casereview.CodeInvalid, fe{"done_date", casereview.FieldOrder})
		m, err = s.CompleteMilestone(who.police, m.ID, m.Version, date("2026-02-26"))
		must(t, err)
		if m.DoneDate.String() != "2026-02-26" || m.DoneByName != "Police editor" || m.Version != 3 {
			t.Fatalf("completed %+v", m)
		}
		tail = expectJournal(t, s, tail, je{"recommendation", rec.ID})
		got := lcGet(t, s, rec.ID)
		if got.LastActivityOn == nil || got.LastActivityOn.String() != "2026-03-02" || slices.Contains(got.Flags, casereview.FlagActionOverdue) {
			t.Fatalf("after completion: last activity %v, flags %v", got.LastActivityOn, got.Flags)
		}
		_, err = s.CompleteMilestone(who.police, m.ID, m.Version, nil)
		wantErr(t, err, casereview.CodeConflict, fe{"done_date", "done"})

		// Reopened by clearing the done date (a correction), then removed.
		m, err = s.UpdateMilestone(who.police, m.ID, m.Version, casereview.MilestoneDraft{Title: m.Title, DueDate: m.DueDate})
		must(t, err)
		if m.DoneDate != nil || m.DoneByName != "" {
			t.Fatalf("reopened %+v", m)
		}
		wantErr(t, s.DeleteMilestone(who.police, m.ID, m.Version-1), casereview.CodePreconditionFailed)
		must(t, s.DeleteMilestone(who.police, m.ID, m.Version))
		_, err = s.GetMilestone(sysCtx(), m.ID)
		wantErr(t, err, casereview.CodeNotFound)
		expectJournal(t, s, tail, je{"recommendation", rec.ID}, je{"recommendation", rec.ID})

		// The timeline tells the story, and it stays after the removal.
		var story []string
		for _, e := range msTimeline(t, s, rec.ID) {
			if e.MilestoneID != m.ID || e.ActionID != act.ID || e.AuthorName != "Police editor" {
				t.Errorf("entry %+v", e)
			}
			story = append(story, e.Field+":"+e.OldStatus+"→"+e.NewStatus)
		}
		want := []string{"added:→2026-03-20 – Course designed", "title:Course designed→Course written", "due_date:2026-03-20→2026-02-27",
			"completed:→2026-02-26", "done_date:2026-02-26→", "removed:2026-02-27 – Course written→"}
		if !slices.Equal(story, want) {
			t.Fatalf("timeline\n got  %q\n want %q", story, want)
		}
		wantAudit := []casereview.AuditAction{casereview.AuditMilestoneCreated, casereview.AuditMilestoneUpdated,
			casereview.AuditMilestoneCompleted, casereview.AuditMilestoneUpdated, casereview.AuditMilestoneDeleted}
		if got := msAudit(t, s, m.ID); !slices.Equal(got, wantAudit) {
			t.Fatalf("audit %v, want %v", got, wantAudit)
		}
	})
}

func TestMilestonePermissionsAndValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		rec := lcRec(t, s, f, "1", date("2026-01-05"))
		act, err := s.CreateAction(who.police, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Train officers."})
		must(t, err)
		before := tableCounts(t, s)
		add := casereview.MilestoneDraft{Title: "Pilot", DueDate: date("2026-05-01")}
		for _, c := range []struct {
			name string
			ctx  context.Context
			code casereview.Code
		}{
			{"another agency", who.la, casereview.CodeForbidden},
			{"oversight", who.oversight, casereview.CodeForbidden},
			{"viewer", who.viewer, casereview.CodeForbidden},
			{"anonymous (the shared review is not visible)", who.anon, casereview.CodeNotFound},
		} {
			_, err := s.CreateMilestone(c.ctx, act.ID, add)
			if err == nil || !casereview.IsCode(err, c.code) {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		_, err = s.CreateMilestone(who.police, act.ID, casereview.MilestoneDraft{Title: " ", DueDate: date("2025-01-01"), DoneDate: date("2026-04-01")})
		wantErr(t, err, casereview.CodeInvalid, fe{"title", casereview.FieldRequired}, fe{"done_date", casereview.FieldInvalid})
		_, err = s.CreateMilestone(who.police, act.ID, casereview.MilestoneDraft{Title: "Early", DueDate: date("2025-01-01")})
		wantErr(t, err, casereview.CodeInvalid, fe{"due_date", casereview.FieldOrder})
		_, err = s.CreateMilestone(who.police, "not-an-id", add)
		wantErr(t, err, casereview.CodeNotFound)
		sameCounts(t, before, tableCounts(t, s))

		// The panel writes the plan too; the owner's milestone is theirs to change.
		m, err := s.CreateMilestone(who.panel, act.ID, add)
		must(t, err)
		_, err = s.UpdateMilestone(who.la, m.ID, m.Version, casereview.MilestoneDraft{Title: "Mine now"})
		wantErr(t, err, casereview.CodeForbidden)
		_, err = s.CompleteMilestone(who.oversight, m.ID, m.Version, nil)
		wantErr(t, err, casereview.CodeForbidden)
		wantErr(t, s.DeleteMilestone(who.viewer, m.ID, m.Version), casereview.CodeForbidden)

		// Readers see them; the list is in due-date order, undated last.
		_, err = s.CreateMilestone(who.police, act.ID, casereview.MilestoneDraft{Title: "Undated"})
		must(t, err)
		_, err = s.CreateMilestone(who.police, act.ID, casereview.MilestoneDraft{Title: "Sooner", DueDate: date("2026-04-01")})
		must(t, err)
		list, err := s.ListMilestones(who.viewer, act.ID)
		must(t, err)
		var titles []string
		for _, x := range list {
			titles = append(titles, x.Title)
		}
		if !slices.Equal(titles, []string{"Sooner", "Pilot", "Undated"}) {
			t.Fatalf("list order %v", titles)
		}
		byAct, err := s.MilestonesOfRecommendation(who.oversight, rec.ID)
		must(t, err)
		if len(byAct[act.ID]) != 3 {
			t.Fatalf("milestones of the recommendation: %v", byAct)
		}

		// The action list's flags consider them too.
		late, err := s.CreateMilestone(who.police, act.ID, casereview.MilestoneDraft{Title: "Late", DueDate: date("2026-02-01")})
		must(t, err)
		page, err := s.ListActions(sysCtx(), casereview.ActionFilter{Flag: casereview.FlagActionOverdue}, casereview.PageRequest{Limit: 10})
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].ID != act.ID {
			t.Fatalf("overdue actions: %+v", page.Items)
		}
		page, err = s.ListActions(sysCtx(), casereview.ActionFilter{Flag: casereview.FlagDueSoon}, casereview.PageRequest{Limit: 10})
		must(t, err)
		if len(page.Items) != 0 {
			t.Fatalf("due-soon actions (the nearest open milestone is 30 days off): %+v", page.Items)
		}
		_, err = s.CompleteMilestone(who.police, late.ID, late.Version, nil)
		must(t, err)
		page, err = s.ListActions(sysCtx(), casereview.ActionFilter{Flag: casereview.FlagActionOverdue}, casereview.PageRequest{Limit: 10})
		must(t, err)
		if len(page.Items) != 0 {
			t.Fatalf("overdue actions after completion: %+v", page.Items)
		}

		// Deleting the action removes its milestones, each audited.
		act, err = s.GetAction(sysCtx(), act.ID)
		must(t, err)
		must(t, s.DeleteAction(who.police, act.ID, act.Version))
		if n := countRows(t, s, "milestones", "action_id = ?", act.ID); n != 0 {
			t.Fatalf("%d milestones outlived their action", n)
		}
		if got := msAudit(t, s, m.ID); got[len(got)-1] != casereview.AuditMilestoneDeleted {
			t.Fatalf("audit of a milestone deleted with its action: %v", got)
		}
	})
}

// A closed recommendation freezes its actions' milestones as it freezes the actions.
func TestMilestonesOfAClosedRecommendationAreSettled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		rec := lcRec(t, s, f, "1", date("2026-01-05"))
		_, err := s.RecordResponse(who.police, rec.ID, casereview.ResponseDraft{OrganisationID: f.police.ID, Decision: casereview.ResponseAccepted,
			Narrative: "We accept.", Timetable: "By March."})
		must(t, err)
		a, err := s.CreateAction(who.police, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Audit files."})
		must(t, err)
		m, err := s.CreateMilestone(who.police, a.ID, casereview.MilestoneDraft{Title: "Sample drawn", DueDate: date("2026-06-01")})
		must(t, err)
		must(t, execSQL(s, "UPDATE recommendations SET oversight_status = 'closed_no_longer_applicable', closed_on = '2026-03-01' WHERE id = ?", rec.ID))
		before := tableCounts(t, s)
		closed := func(what string, err error) {
			t.Helper()
			if err == nil || !casereview.IsCode(err, casereview.CodeConflict) {
				t.Fatalf("%s on a closed recommendation: %v", what, err)
			}
			wantErr(t, err, casereview.CodeConflict, fe{"oversight_status", "closed"})
		}
		_, err = s.CreateMilestone(who.police, a.ID, casereview.MilestoneDraft{Title: "Another"})
		closed("add", err)
		_, err = s.UpdateMilestone(who.police, m.ID, m.Version, casereview.MilestoneDraft{Title: "Renamed"})
		closed("edit", err)
		_, err = s.CompleteMilestone(who.police, m.ID, m.Version, nil)
		closed("complete", err)
		closed("delete", s.DeleteMilestone(who.police, m.ID, m.Version))
		sameCounts(t, before, tableCounts(t, s))
		if n := countRows(t, s, "milestone_events", "recommendation_id = ?", rec.ID); n != 1 {
			t.Fatalf("%d timeline entries; want only the addition", n)
		}
	})
}
