package imports_test

import (
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/imports"
)

// Imports carry milestones: a list replaces the action's milestones (matched by title, so the
// same list again changes nothing), nil leaves them, a completion is never taken back, a closed
// recommendation's are kept, and every change is audited, journaled and in the timeline.
func TestImportMilestones(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		bundle := func(ms []casereview.MilestoneDraft) []casereview.ReviewBundle {
			return []casereview.ReviewBundle{{Review: casereview.ReviewDraft{Type: "DHR", PartnershipID: f.p.ID, Reference: "IMP-M", Title: "Imported",
				Status: "published", PublishedOn: date("2025-01-10"), Visibility: "shared"},
				Recommendations: []casereview.RecommendationBundle{{
					Draft: casereview.RecommendationDraft{Number: "1", Text: "Train officers.", Scope: "local",
						Addressees: []casereview.AddresseeDraft{{OrganisationID: f.police.ID, Role: "lead"}}},
					Actions:          []casereview.ActionDraft{{OrganisationID: f.police.ID, Description: "Train."}},
					ActionMilestones: [][]casereview.MilestoneDraft{ms}}}}}
		}
		imp := func(ms []casereview.MilestoneDraft) casereview.ImportResult {
			t.Helper()
			res, err := imports.New(s).ImportBundles(sysCtx(), bundle(ms), casereview.ImportOptions{Source: "json"})
			must(t, err)
			return res
		}
		list := func() []casereview.Milestone {
			t.Helper()
			acts, err := s.ListActions(sysCtx(), casereview.ActionFilter{OrganisationID: f.police.ID}, casereview.PageRequest{Limit: 5})
			must(t, err)
			ms, err := s.ListMilestones(sysCtx(), acts.Items[0].ID)
			must(t, err)
			return ms
		}
		// Field errors name the milestone.
		_, err := imports.New(s).ImportBundles(sysCtx(), bundle([]casereview.MilestoneDraft{{Title: ""}, {Title: "Early", DueDate: date("2024-01-01")}}),
			casereview.ImportOptions{Source: "json"})
		wantErr(t, err, casereview.CodeInvalid, fe{"bundles[0].recommendations[0].actions[0].milestones[0].title", casereview.FieldRequired},
			fe{"bundles[0].recommendations[0].actions[0].milestones[1].due_date", casereview.FieldOrder})

		first := imp([]casereview.MilestoneDraft{{Title: "Course written", DueDate: date("2026-02-01")}, {Title: "Pilot", DueDate: date("2026-05-01")}})
		ms := list()
		if len(ms) != 2 || first.ActionsCreated != 1 {
			t.Fatalf("first import: %+v, milestones %+v", first, ms)
		}
		rec := ms[0].RecommendationID
		if r := lcGet(t, s, rec); len(r.Flags) == 0 || r.Flags[0] != casereview.FlagActionOverdue {
			t.Fatalf("imported late milestone: flags %v", r.Flags)
		}
		tail := journalTail(t, s)
		if again := imp([]casereview.MilestoneDraft{{Title: "Course written", DueDate: date("2026-02-01")}, {Title: "Pilot", DueDate: date("2026-05-01")}}); len(again.Changes) != 0 || again.ActionsUnchanged != 1 {
			t.Fatalf("same list again: %+v", again)
		}
		if nochange := imp(nil); len(nochange.Changes) != 0 || len(list()) != 2 {
			t.Fatalf("no list: %+v", nochange)
		}
		tail = expectJournal(t, s, tail)

		// Done in the application; the file moves a date, drops one and adds one.
		_, err = s.CompleteMilestone(sysCtx(), ms[0].ID, ms[0].Version, date("2026-01-30"))
		must(t, err)
		tail = journalTail(t, s)
		res := imp([]casereview.MilestoneDraft{{Title: "Course written", DueDate: date("2026-02-15")}, {Title: "Evaluation"}})
		if res.ActionsUpdated != 1 || len(res.Changes) != 2 || !strings.Contains(strings.Join(res.Changes, "\n"), "kept done") {
			t.Fatalf("changing import: %+v", res)
		}
		after := list()
		if len(after) != 2 || after[0].Title != "Course written" || after[0].DueDate.String() != "2026-02-15" || after[0].DoneDate.String() != "2026-01-30" ||
			after[0].ID != ms[0].ID || after[1].Title != "Evaluation" {
			t.Fatalf("after the import: %+v", after)
		}
		expectJournal(t, s, tail, je{"recommendation", rec})
		var story []string
		for _, e := range msTimeline(t, s, rec) {
			story = append(story, e.Field+":"+e.Narrative)
		}
		want := "added:Course written added:Pilot completed:Course written due_date:Course written added:Evaluation removed:Pilot"
		if got := strings.Join(story, " "); got != want {
			t.Fatalf("timeline %q, want %q", got, want)
		}

		// Closed: the file's milestones are reported and not applied.
		must(t, execSQL(s, "UPDATE recommendations SET oversight_status = 'closed_no_longer_applicable', closed_on = '2026-03-01' WHERE id = ?", rec))
		closed := imp([]casereview.MilestoneDraft{{Title: "Something new"}})
		if !strings.Contains(strings.Join(closed.Changes, "\n"), "closed") || len(list()) != 2 {
			t.Fatalf("import into a closed recommendation: %+v, %+v", closed, list())
		}
	})
}
