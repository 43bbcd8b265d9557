package store_test

import (
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/store/imports"
)

// Issue 13: a closed recommendation is settled; completion dates come only with a claim; edits
// are history every reader sees; the response and oversight layers follow their tables.

// closeVerified takes a recommendation with one police action to implemented_verified and closes
// it as closed_acceptable_action; it returns the action.
func closeVerified(t *testing.T, s *store.Store, who lcPeople, rec casereview.Recommendation) casereview.Action {
	t.Helper()
	a, err := s.CreateAction(who.police, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: rec.Addressees[0].OrganisationID, Description: "Train officers."})
	must(t, err)
	a, err = s.ProgressAction(who.police, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplInProgress})
	must(t, err)
	_, err = s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "Attendance", URL: "https://intranet.example/attendance"})
	must(t, err)
	outcome := "240 officers trained"
	a, err = s.ProgressAction(who.police, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplPending, Outcome: &outcome})
	must(t, err)
	a, err = s.ProgressAction(who.oversight, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplVerified})
	must(t, err)
	r := lcGet(t, s, rec.ID)
	_, err = s.Assess(who.oversight, rec.ID, r.Version, casereview.AssessmentDraft{Classification: casereview.ClosedAcceptable, Rationale: "Verified training."})
	must(t, err)
	return a
}

func TestClosedRecommendationIsSettled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		rec := lcRec(t, s, f, "1", date("2026-01-05"))
		_, err := s.RecordResponse(who.police, rec.ID, casereview.ResponseDraft{OrganisationID: f.police.ID, Decision: casereview.ResponseAccepted,
			Narrative: "We accept.", Timetable: "By March."})
		must(t, err)
		a := closeVerified(t, s, who, rec)
		rec = lcGet(t, s, rec.ID)
		a, err = s.GetAction(sysCtx(), a.ID)
		must(t, err)
		evs, err := s.ListEvidence(sysCtx(), a.ID)
		must(t, err)
		timelineBefore := len(lcTimeline(t, s, rec.ID))
		responsesBefore := countRows(t, s, "responses", "recommendation_id = ?", rec.ID)

		closed := func(what string, err error) {
			t.Helper()
			wantErr(t, err, casereview.CodeConflict, fe{"oversight_status", "closed"})
			if !strings.Contains(err.Error(), "reopen it first") {
				t.Errorf("%s: the refusal does not say what to do: %v", what, err)
			}
		}
		// The attempts, and every other way to change the record.
		d := rec.Draft()
		d.Text = "Rewritten after closure."
		_, err = s.UpdateRecommendation(who.panel, rec.ID, rec.Version, d)
		closed("PATCH recommendation", err)
		_, err = s.CreateAction(who.police, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Another action."})
		closed("add action", err)
		ad := a.Draft()
		ad.Description = "Changed after closure."
		_, err = s.UpdateAction(who.police, a.ID, a.Version, ad)
		closed("edit action", err)
		closed("delete action", s.DeleteAction(who.police, a.ID, a.Version))
		_, err = s.RecordResponse(who.police, rec.ID, casereview.ResponseDraft{OrganisationID: f.police.ID, Decision: casereview.ResponseNotAccepted,
			Narrative: "Changed our mind.", Reasons: "Budget."})
		closed("record response", err)
		_, err = s.ProgressAction(who.oversight, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplInProgress, Reason: "Lapsed."})
		closed("progress", err)
		_, err = s.ProgressAction(who.police, a.ID, a.Version, casereview.ActionProgress{Narrative: "A note."})
		closed("progress note", err)
		_, err = s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "More", URL: "https://intranet.example/more"})
		closed("add evidence", err)
		_, err = s.ReviewEvidence(who.oversight, evs[0].ID, casereview.EvidenceRejected, "no")
		closed("review evidence", err)
		closed("delete recommendation", s.DeleteRecommendation(who.panel, rec.ID, rec.Version))

		// Nothing was written.
		after := lcGet(t, s, rec.ID)
		if after.Version != rec.Version || after.Text != rec.Text || after.ResponseStatus != casereview.ResponseAccepted ||
			len(lcTimeline(t, s, rec.ID)) != timelineBefore || countRows(t, s, "responses", "recommendation_id = ?", rec.ID) != responsesBefore ||
			countRows(t, s, "actions", "recommendation_id = ?", rec.ID) != 1 {
			t.Fatalf("a refused change left a trace: %+v", after)
		}

		// Oversight reopens, with a rationale; the timeline shows it; the record may change again.
		_, err = s.Assess(who.oversight, rec.ID, rec.Version, casereview.AssessmentDraft{Classification: "open_acceptable"})
		wantErr(t, err, casereview.CodeInvalid, fe{"rationale", casereview.FieldRequired})
		rec, err = s.Assess(who.oversight, rec.ID, rec.Version, casereview.AssessmentDraft{Classification: "open_acceptable", Rationale: "The training lapsed."})
		must(t, err)
		tl := lcTimeline(t, s, rec.ID)
		last := tl[len(tl)-1]
		if last.Kind != casereview.ProgressAssessment || last.OldStatus != "closed_acceptable_action" || last.NewStatus != "open_acceptable" ||
			last.Narrative != "The training lapsed." || last.AuthorName != "Oversight officer" {
			t.Fatalf("reopening entry: %+v", last)
		}
		d = rec.Draft()
		d.Text = "Rewritten after reopening."
		_, err = s.UpdateRecommendation(who.panel, rec.ID, rec.Version, d)
		must(t, err)
		_, err = s.RecordResponse(who.police, rec.ID, casereview.ResponseDraft{OrganisationID: f.police.ID, Decision: casereview.ResponseInPart,
			Narrative: "Only in part now.", Timetable: "By June.", Reasons: "Budget cut."})
		must(t, err)
	})
}

func TestResponseAndOversightTablesInTheStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		rec := lcRec(t, s, f, "1", date("2026-01-05"))
		_, err := s.RecordResponse(who.police, rec.ID, casereview.ResponseDraft{OrganisationID: f.police.ID, Decision: casereview.ResponseAccepted,
			Narrative: "We accept.", Timetable: "By March."})
		must(t, err)
		// The case: accepted → response_received, with no reason.
		_, err = s.RecordResponse(who.police, rec.ID, casereview.ResponseDraft{OrganisationID: f.police.ID, Decision: casereview.ResponseReceived})
		wantErr(t, err, casereview.CodeInvalid, fe{"decision", "illegal_transition"})
		// A revision needs reasons, even to accept in full.
		_, err = s.RecordResponse(who.police, rec.ID, casereview.ResponseDraft{OrganisationID: f.police.ID, Decision: casereview.ResponseInPart,
			Narrative: "Part.", Timetable: "By June."})
		wantErr(t, err, casereview.CodeInvalid, fe{"reasons", casereview.FieldRequired})
		if n := countRows(t, s, "responses", "recommendation_id = ?", rec.ID); n != 1 {
			t.Fatalf("%d responses after refusals", n)
		}
		// Closed → closed is refused: reopen first.
		r := lcGet(t, s, rec.ID)
		r, err = s.Assess(who.oversight, rec.ID, r.Version, casereview.AssessmentDraft{Classification: "closed_no_longer_applicable", Rationale: "Service closed."})
		must(t, err)
		_, err = s.Assess(who.oversight, rec.ID, r.Version, casereview.AssessmentDraft{Classification: "closed_reconsidered", Rationale: "Rather this."})
		wantErr(t, err, casereview.CodeInvalid, fe{"classification", "illegal_transition"})
	})
}

func TestCompletionDateOnlyWithAClaim(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		rec := lcRec(t, s, f, "1", date("2026-01-05"))
		// Not by creating an action…
		_, err := s.CreateAction(who.police, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Train.",
			CompletionDate: date("2026-02-01")})
		wantErr(t, err, casereview.CodeInvalid, fe{"completion_date", "claim_required"})
		a, err := s.CreateAction(who.police, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Train.",
			TargetDate: date("2026-02-01")})
		must(t, err)
		if got := lcGet(t, s, rec.ID).Flags; len(got) != 1 || got[0] != casereview.FlagActionOverdue {
			t.Fatalf("flags before: %v", got)
		}
		// …nor by editing one (the issue: PATCH on a not_started action cleared action_overdue).
		for _, who := range []struct {
			name string
			ctx  lcPeople
		}{{"editor", who}} {
			d := a.Draft()
			d.CompletionDate = date("2026-02-20")
			_, err = s.UpdateAction(who.ctx.police, a.ID, a.Version, d)
			wantErr(t, err, casereview.CodeInvalid, fe{"completion_date", "claim_required"})
			_, err = s.UpdateAction(who.ctx.panel, a.ID, a.Version, d)
			wantErr(t, err, casereview.CodeInvalid, fe{"completion_date", "claim_required"})
		}
		if got := lcGet(t, s, rec.ID).Flags; len(got) != 1 || got[0] != casereview.FlagActionOverdue {
			t.Fatalf("flags after refused edits: %v", got)
		}
		// A completion date given with anything but a claim is refused.
		_, err = s.ProgressAction(who.police, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplInProgress, CompletionDate: date("2026-02-20")})
		wantErr(t, err, casereview.CodeInvalid, fe{"completion_date", "claim_required"})
		// The claim carries it, with outcome and evidence.
		a, err = s.ProgressAction(who.police, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplInProgress})
		must(t, err)
		_, err = s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "Attendance", URL: "https://intranet.example/attendance"})
		must(t, err)
		outcome := "Trained."
		_, err = s.ProgressAction(who.police, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplPending, Outcome: &outcome, CompletionDate: date("2026-04-01")})
		wantErr(t, err, casereview.CodeInvalid, fe{"completion_date", casereview.FieldInvalid})
		a, err = s.ProgressAction(who.police, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplPending, Outcome: &outcome, CompletionDate: date("2026-02-20")})
		must(t, err)
		if a.CompletionDate == nil || a.CompletionDate.String() != "2026-02-20" || a.CompletionSource != casereview.CompletionClaimed {
			t.Fatalf("claimed: %v %q", a.CompletionDate, a.CompletionSource)
		}
		// Sent back, the claim's date goes with it.
		a, err = s.ProgressAction(who.oversight, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplInProgress, Reason: "Evidence thin."})
		must(t, err)
		if a.CompletionDate != nil || a.CompletionSource != "" {
			t.Fatalf("sent back: %v %q", a.CompletionDate, a.CompletionSource)
		}
		// An edit that leaves the date alone is fine.
		d := a.Draft()
		d.Owner = "L&D"
		_, err = s.UpdateAction(who.police, a.ID, a.Version, d)
		must(t, err)
	})
}

func TestImportedCompletionIsHistoricAndUnverified(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		b := casereview.ReviewBundle{Review: casereview.ReviewDraft{Type: "DHR", PartnershipID: f.p.ID, Reference: "IMP-1", Title: "Imported",
			Status: "published", PublishedOn: date("2024-01-10"), Visibility: "shared"},
			Recommendations: []casereview.RecommendationBundle{{
				Draft: casereview.RecommendationDraft{Number: "1", Text: "Train officers.", Scope: "local",
					Addressees: []casereview.AddresseeDraft{{OrganisationID: f.police.ID, Role: "lead"}}},
				Actions:        []casereview.ActionDraft{{OrganisationID: f.police.ID, Description: "Train.", CompletionDate: date("2024-06-01")}},
				ActionStatuses: []casereview.ImplementationStatus{casereview.ImplPending}}}}
		_, err := imports.New(s).ImportBundles(sysCtx(), []casereview.ReviewBundle{b}, casereview.ImportOptions{Source: "json"})
		must(t, err)
		acts, err := s.ListActions(sysCtx(), casereview.ActionFilter{OrganisationID: f.police.ID}, casereview.PageRequest{Limit: 10})
		must(t, err)
		if len(acts.Items) != 1 {
			t.Fatalf("%d actions", len(acts.Items))
		}
		a := acts.Items[0]
		if a.CompletionSource != casereview.CompletionImported || a.ImplementationStatus != casereview.ImplPending {
			t.Fatalf("imported action: %q %s", a.CompletionSource, a.ImplementationStatus)
		}
		// Never verified on the strength of the import: verification needs evidence.
		_, err = s.ProgressAction(who.oversight, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplVerified})
		wantErr(t, err, casereview.CodeInvalid, fe{"evidence", casereview.FieldRequired})
		// The demo and command-line loads (the system) may record a historic date: labelled imported.
		rec := lcRec(t, s, f, "9", nil)
		h, err := s.CreateAction(sysCtx(), casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Old.",
			CompletionDate: date("2026-01-01")})
		must(t, err)
		if h.CompletionSource != casereview.CompletionImported {
			t.Fatalf("system-created completion: %q", h.CompletionSource)
		}
	})
}

func TestEditsAreInTheTimeline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		rec := lcRec(t, s, f, "1", nil)
		d := rec.Draft()
		d.Text = "Review the DASH training offer every year."
		d.ResponseDue = date("2026-06-30")
		d.Addressees = d.Addressees[:1]
		d.Themes = []casereview.ThemeDraft{{Code: "stalking", Primary: true}}
		rec2, err := s.UpdateRecommendation(who.panel, rec.ID, rec.Version, d)
		must(t, err)
		// A viewer, who may not read the audit trail, reads the history.
		tl, err := s.Timeline(who.viewer, rec.ID)
		must(t, err)
		got := map[string]casereview.ProgressUpdate{}
		for _, e := range tl {
			if e.Kind == casereview.ProgressEdit {
				got[e.Field] = e
			}
		}
		if len(got) != 4 {
			t.Fatalf("edit entries: %+v", tl)
		}
		if e := got["text"]; e.OldStatus != "Review the DASH training offer." || e.NewStatus != d.Text || e.AuthorName != "Panel member" || e.CreatedAt.IsZero() {
			t.Errorf("text entry: %+v", e)
		}
		if e := got["response_due"]; e.OldStatus != "" || e.NewStatus != "2026-06-30" {
			t.Errorf("due entry: %+v", e)
		}
		if e := got["addressees"]; !strings.Contains(e.OldStatus, "(supporting)") || strings.Contains(e.NewStatus, "supporting") {
			t.Errorf("addressees entry: %+v", e)
		}
		if e := got["themes"]; !strings.Contains(e.NewStatus, "(primary)") || e.OldStatus == e.NewStatus {
			t.Errorf("themes entry: %+v", e)
		}
		// An edit is not progress: it does not make a recommendation look active.
		if rec2.LastActivityOn != nil {
			t.Errorf("an edit set last_activity_on: %v", rec2.LastActivityOn)
		}
		// An edit that changes nothing writes nothing; a recommendation with only edits may still be deleted.
		_, err = s.UpdateRecommendation(who.panel, rec.ID, rec2.Version, rec2.Draft())
		must(t, err)
		if n := len(lcTimeline(t, s, rec.ID)); n != 4 {
			t.Fatalf("%d entries after a no-op edit", n)
		}
		rec2 = lcGet(t, s, rec.ID)
		must(t, s.DeleteRecommendation(who.panel, rec.ID, rec2.Version))
	})
}
