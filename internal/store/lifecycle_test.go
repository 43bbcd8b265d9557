package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// Store-level tests of the tracking lifecycle (DESIGN §4): each transition written with its
// timeline entry, the roll-ups and the rules, on both dialects.

func lcActor(ctx context.Context, n int, name string, ms ...casereview.Membership) context.Context {
	return casereview.WithActor(ctx, casereview.Actor{UserID: "0190f0e4-0000-7000-8000-00000000010" + string(rune('0'+n)), Name: name, Memberships: ms})
}

// lcPeople are the actors of the store lifecycle tests.
type lcPeople struct {
	police, la, panel, oversight, viewer, anon context.Context
}

func lcPeopleOf(f fixture) lcPeople {
	bg := context.Background()
	return lcPeople{
		police:    lcActor(bg, 1, "Police editor", casereview.Membership{Role: casereview.RoleAgencyEditor, OrganisationID: f.police.ID}),
		la:        lcActor(bg, 2, "Council editor", casereview.Membership{Role: casereview.RoleAgencyEditor, OrganisationID: f.la.ID}),
		panel:     lcActor(bg, 3, "Panel member", casereview.Membership{Role: casereview.RolePanel, PartnershipID: f.p.ID}),
		oversight: lcActor(bg, 4, "Oversight officer", casereview.Membership{Role: casereview.RoleOversight}),
		viewer:    lcActor(bg, 5, "Viewer", casereview.Membership{Role: casereview.RoleViewer, PartnershipID: f.p.ID}),
		anon:      bg,
	}
}

// lcRec creates a recommendation addressed to the police (lead) and the council (supporting).
func lcRec(t *testing.T, s *store.Store, f fixture, number string, notified *casereview.Date) casereview.Recommendation {
	t.Helper()
	d := f.recDraft(number)
	d.Addressees = []casereview.AddresseeDraft{{OrganisationID: f.police.ID, Role: "lead", NotifiedOn: notified},
		{OrganisationID: f.la.ID, Role: "supporting", NotifiedOn: notified}}
	r, err := s.CreateRecommendation(sysCtx(), d)
	must(t, err)
	return r
}

func lcGet(t *testing.T, s *store.Store, id string) casereview.Recommendation {
	t.Helper()
	r, err := s.GetRecommendation(sysCtx(), id)
	must(t, err)
	return r
}

func lcTimeline(t *testing.T, s *store.Store, id string) []casereview.ProgressUpdate {
	t.Helper()
	tl, err := s.Timeline(sysCtx(), id)
	must(t, err)
	return tl
}

func lcDueOf(r casereview.Recommendation) string {
	if r.ResponseDue == nil {
		return "none"
	}
	return r.ResponseDue.String()
}

func TestResponseDueDefault(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		pfd, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "PFD", PartnershipID: f.p.ID, Reference: "PFD-2026-0001", Title: "Regulation 28 report",
			Status: "published", PublishedOn: date("2026-01-05"), Visibility: "shared"})
		must(t, err)

		// DHR: the earliest notified date plus 90 days.
		d := f.recDraft("1")
		d.Addressees = []casereview.AddresseeDraft{{OrganisationID: f.police.ID, Role: "lead", NotifiedOn: date("2026-01-10")},
			{OrganisationID: f.la.ID, Role: "supporting", NotifiedOn: date("2026-01-05")}}
		r, err := s.CreateRecommendation(ctx, d)
		must(t, err)
		if lcDueOf(r) != "2026-04-05" || r.ResponseDueExplicit {
			t.Fatalf("DHR default due: %s explicit=%v; want 2026-04-05", lcDueOf(r), r.ResponseDueExplicit)
		}
		// PFD: 56 days, the statutory window.
		dp := f.recDraft("1")
		dp.ReviewID = pfd.ID
		dp.Addressees = []casereview.AddresseeDraft{{OrganisationID: f.police.ID, Role: "lead", NotifiedOn: date("2026-01-05")}}
		rp, err := s.CreateRecommendation(ctx, dp)
		must(t, err)
		if lcDueOf(rp) != "2026-03-02" {
			t.Fatalf("PFD default due: %s; want 2026-03-02", lcDueOf(rp))
		}
		// Nobody notified: no due date.
		rn, err := s.CreateRecommendation(ctx, f.recDraft("2"))
		must(t, err)
		if rn.ResponseDue != nil {
			t.Fatalf("due with nobody notified: %s", lcDueOf(rn))
		}

		// A change of notified dates moves the default.
		d = r.Draft()
		d.Addressees[1].NotifiedOn = date("2026-01-20")
		r, err = s.UpdateRecommendation(ctx, r.ID, r.Version, d)
		must(t, err)
		if lcDueOf(r) != "2026-04-10" {
			t.Fatalf("default after renotifying: %s; want 2026-04-10", lcDueOf(r))
		}
		// An explicit date is kept, whatever the notified dates do.
		d = r.Draft()
		d.ResponseDue = date("2026-06-30")
		r, err = s.UpdateRecommendation(ctx, r.ID, r.Version, d)
		must(t, err)
		if lcDueOf(r) != "2026-06-30" || !r.ResponseDueExplicit {
			t.Fatalf("explicit due: %s explicit=%v", lcDueOf(r), r.ResponseDueExplicit)
		}
		d = r.Draft()
		d.Addressees[0].NotifiedOn = date("2026-01-01")
		r, err = s.UpdateRecommendation(ctx, r.ID, r.Version, d)
		must(t, err)
		if lcDueOf(r) != "2026-06-30" || !r.ResponseDueExplicit {
			t.Fatalf("explicit due after renotifying: %s explicit=%v", lcDueOf(r), r.ResponseDueExplicit)
		}
		// A response (which settles the roll-ups) keeps it too.
		_, err = s.RecordResponse(ctx, r.ID, casereview.ResponseDraft{OrganisationID: f.la.ID, Decision: casereview.ResponseReceived})
		must(t, err)
		if r = lcGet(t, s, r.ID); lcDueOf(r) != "2026-06-30" {
			t.Fatalf("explicit due after a response: %s", lcDueOf(r))
		}
		// Cleared, it falls back to the default from the current notified dates.
		d = r.Draft()
		d.ResponseDue = nil
		r, err = s.UpdateRecommendation(ctx, r.ID, r.Version, d)
		must(t, err)
		if lcDueOf(r) != "2026-04-01" || r.ResponseDueExplicit {
			t.Fatalf("cleared due: %s explicit=%v; want 2026-04-01", lcDueOf(r), r.ResponseDueExplicit)
		}
	})
}

func TestRecordResponse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		r := lcRec(t, s, f, "1", date("2026-01-10"))
		if r.ResponseStatus != casereview.ResponseAwaiting || r.LastActivityOn != nil {
			t.Fatalf("new recommendation: %s, last activity %v", r.ResponseStatus, r.LastActivityOn)
		}

		// Who may respond for the police.
		good := casereview.ResponseDraft{OrganisationID: f.police.ID, Decision: casereview.ResponseAccepted,
			Narrative: "We accept the recommendation.", Timetable: "Training by September.", ReceivedOn: date("2026-02-20")}
		for _, c := range []struct {
			name string
			ctx  context.Context
			code casereview.Code
		}{{"council editor", who.la, casereview.CodeForbidden}, {"oversight", who.oversight, casereview.CodeForbidden},
			{"viewer", who.viewer, casereview.CodeForbidden}, {"anonymous (shared review)", who.anon, casereview.CodeNotFound}} {
			_, err := s.RecordResponse(c.ctx, r.ID, good)
			if casereview.ErrorCode(err) != c.code {
				t.Fatalf("%s: %v; want %s", c.name, err, c.code)
			}
		}
		// What the store adds to the draft's own rules.
		bad := good
		bad.OrganisationID = f.la.ID
		bad.Decision, bad.Reasons = casereview.ResponseNotAccepted, ""
		_, err := s.RecordResponse(sysCtx(), r.ID, bad)
		wantErr(t, err, casereview.CodeInvalid, fe{"reasons", "required"})
		other, err := s.CreateOrganisation(sysCtx(), casereview.OrganisationDraft{Name: "Northfold Housing", Sector: "housing"})
		must(t, err)
		bad = good
		bad.OrganisationID = other.ID
		_, err = s.RecordResponse(sysCtx(), r.ID, bad)
		wantErr(t, err, casereview.CodeInvalid, fe{"organisation_id", "not_addressee"})
		bad = good
		bad.ReceivedOn = date("2026-01-09")
		_, err = s.RecordResponse(who.police, r.ID, bad)
		wantErr(t, err, casereview.CodeInvalid, fe{"received_on", casereview.FieldOrder})
		if n := countRows(t, s, "responses", ""); n != 0 {
			t.Fatalf("refused responses left %d rows", n)
		}
		if tl := lcTimeline(t, s, r.ID); len(tl) != 0 {
			t.Fatalf("refused responses left timeline entries: %+v", tl)
		}

		// The council (supporting) answers first: the roll-up follows the lead only.
		_, err = s.RecordResponse(who.la, r.ID, casereview.ResponseDraft{OrganisationID: f.la.ID, Decision: casereview.ResponseInPart,
			Narrative: "In part.", Timetable: "Next year.", Reasons: "Budget."})
		must(t, err)
		r2 := lcGet(t, s, r.ID)
		if r2.ResponseStatus != casereview.ResponseAwaiting || r2.Addressees[1].ResponseStatus != casereview.ResponseInPart ||
			r2.Addressees[0].ResponseStatus != casereview.ResponseAwaiting {
			t.Fatalf("after the council: roll-up %s, addressees %+v", r2.ResponseStatus, r2.Addressees)
		}
		if r2.LastActivityOn == nil || *r2.LastActivityOn != casereview.DateOf(fixedNow) || r2.Version <= r.Version {
			t.Fatalf("activity not recorded: last %v, version %d -> %d", r2.LastActivityOn, r.Version, r2.Version)
		}

		resp, err := s.RecordResponse(who.police, r.ID, good)
		must(t, err)
		if resp.Decision != casereview.ResponseAccepted || resp.ReceivedOn.String() != "2026-02-20" || resp.AuthorName != "Police editor" {
			t.Fatalf("response: %+v", resp)
		}
		r3 := lcGet(t, s, r.ID)
		if r3.ResponseStatus != casereview.ResponseAccepted || r3.Addressees[0].ResponseStatus != casereview.ResponseAccepted {
			t.Fatalf("after the police: roll-up %s, addressees %+v", r3.ResponseStatus, r3.Addressees)
		}
		if r3.Addressees[0].AcknowledgedOn == nil || r3.Addressees[0].AcknowledgedOn.String() != "2026-02-20" {
			t.Fatalf("acknowledged_on: %v", r3.Addressees[0].AcknowledgedOn)
		}
		tl := lcTimeline(t, s, r.ID)
		if len(tl) != 2 {
			t.Fatalf("timeline: %+v", tl)
		}
		last := tl[1]
		if last.Kind != casereview.ProgressResponse || last.OldStatus != "awaiting_response" || last.NewStatus != "accepted" ||
			last.OrganisationID != f.police.ID || last.AuthorName != "Police editor" || last.Narrative != good.Narrative {
			t.Fatalf("timeline entry: %+v", last)
		}
		// A later response from the same addressee moves it again, and the timeline says from what.
		_, err = s.RecordResponse(who.panel, r.ID, casereview.ResponseDraft{OrganisationID: f.police.ID, Decision: casereview.ResponseNotAccepted,
			Narrative: "On reflection, no.", Reasons: "The service is closing."})
		must(t, err)
		if r4 := lcGet(t, s, r.ID); r4.ResponseStatus != casereview.ResponseNotAccepted {
			t.Fatalf("after a second response: %s", r4.ResponseStatus)
		}
		if tl := lcTimeline(t, s, r.ID); len(tl) != 3 || tl[2].OldStatus != "accepted" || tl[2].NewStatus != "not_accepted" {
			t.Fatalf("timeline after a second response: %+v", tl)
		}
		list, err := s.ListResponses(sysCtx(), r.ID)
		must(t, err)
		if len(list) != 3 {
			t.Fatalf("responses: %d", len(list))
		}

		// An addressee that has responded stays.
		r5 := lcGet(t, s, r.ID)
		d := r5.Draft()
		d.Addressees = d.Addressees[:1]
		_, err = s.UpdateRecommendation(sysCtx(), r5.ID, r5.Version, d)
		wantErr(t, err, casereview.CodeConflict, fe{"addressees", "has_responses"})
		if got := lcGet(t, s, r.ID); len(got.Addressees) != 2 {
			t.Fatalf("addressees after refused removal: %+v", got.Addressees)
		}
		// One that has not may go.
		r6 := lcRec(t, s, f, "2", nil)
		d = r6.Draft()
		d.Addressees = d.Addressees[:1]
		_, err = s.UpdateRecommendation(sysCtx(), r6.ID, r6.Version, d)
		must(t, err)
	})
}

func TestRollUpsInTheStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		d := f.recDraft("1")
		d.Addressees = []casereview.AddresseeDraft{{OrganisationID: f.police.ID, Role: "lead"}, {OrganisationID: f.la.ID, Role: "lead"}}
		r, err := s.CreateRecommendation(ctx, d)
		must(t, err)
		_, err = s.RecordResponse(ctx, r.ID, casereview.ResponseDraft{OrganisationID: f.police.ID, Decision: casereview.ResponseAccepted, Narrative: "Yes.", Timetable: "Soon."})
		must(t, err)
		if got := lcGet(t, s, r.ID).ResponseStatus; got != casereview.ResponseAwaiting {
			t.Fatalf("one of two leads answered: %s", got)
		}
		_, err = s.RecordResponse(ctx, r.ID, casereview.ResponseDraft{OrganisationID: f.la.ID, Decision: casereview.ResponseAlternative, Narrative: "Another way.",
			Timetable: "Soon.", Reasons: "Better fit."})
		must(t, err)
		if got := lcGet(t, s, r.ID).ResponseStatus; got != casereview.ResponseAlternative {
			t.Fatalf("both leads answered: %s", got)
		}
		// The council stops being a lead: the roll-up follows the police alone.
		r = lcGet(t, s, r.ID)
		d = r.Draft()
		d.Addressees[1].Role = "supporting"
		r, err = s.UpdateRecommendation(ctx, r.ID, r.Version, d)
		must(t, err)
		if r.ResponseStatus != casereview.ResponseAccepted {
			t.Fatalf("after the council stepped down: %s", r.ResponseStatus)
		}

		// Implementation: the least advanced lead action; the council's action does not count.
		police, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r.ID, OrganisationID: f.police.ID, Description: "Train", TargetDate: date("2026-09-01")})
		must(t, err)
		council, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r.ID, OrganisationID: f.la.ID, Description: "Audit", TargetDate: date("2026-09-01")})
		must(t, err)
		_, err = s.ProgressAction(ctx, council.ID, council.Version, casereview.ActionProgress{Status: casereview.ImplNotImplemented, Reason: "No budget."})
		must(t, err)
		if got := lcGet(t, s, r.ID).ImplementationStatus; got != casereview.ImplNotStarted {
			t.Fatalf("non-lead abandoned, lead not started: %s", got)
		}
		police, err = s.ProgressAction(ctx, police.ID, police.Version, casereview.ActionProgress{Status: casereview.ImplPlanned})
		must(t, err)
		if got := lcGet(t, s, r.ID).ImplementationStatus; got != casereview.ImplPlanned {
			t.Fatalf("lead planned: %s", got)
		}
	})
}

func TestProgressAction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		r := lcRec(t, s, f, "1", date("2026-01-10"))
		a, err := s.CreateAction(who.police, casereview.ActionDraft{RecommendationID: r.ID, OrganisationID: f.police.ID, Description: "Deliver DASH training"})
		must(t, err)
		move := func(ctx context.Context, to casereview.ImplementationStatus, mut ...func(*casereview.ActionProgress)) error {
			t.Helper()
			cur, err := s.GetAction(sysCtx(), a.ID)
			must(t, err)
			p := casereview.ActionProgress{Status: to}
			for _, m := range mut {
				m(&p)
			}
			got, err := s.ProgressAction(ctx, a.ID, cur.Version, p)
			if err == nil {
				a = got
			}
			return err
		}
		reason := func(p *casereview.ActionProgress) { p.Reason = "See the minutes." }
		status := func() casereview.ImplementationStatus {
			cur, err := s.GetAction(sysCtx(), a.ID)
			must(t, err)
			return cur.ImplementationStatus
		}

		// Planning needs a target date; others may not plan the police's action.
		wantErr(t, move(who.police, casereview.ImplPlanned), casereview.CodeInvalid, fe{"target_date", "required"})
		for _, c := range []struct {
			name string
			ctx  context.Context
			code casereview.Code
		}{{"council", who.la, casereview.CodeForbidden}, {"oversight", who.oversight, casereview.CodeForbidden},
			{"viewer", who.viewer, casereview.CodeForbidden}, {"anonymous", who.anon, casereview.CodeNotFound}} {
			if err := move(c.ctx, casereview.ImplInProgress); casereview.ErrorCode(err) != c.code {
				t.Fatalf("%s starts the police's action: %v; want %s", c.name, err, c.code)
			}
		}
		wantErr(t, move(who.police, casereview.ImplVerified), casereview.CodeInvalid, fe{"status", "illegal_transition"})
		wantErr(t, move(who.police, casereview.ImplPending), casereview.CodeInvalid, fe{"status", "illegal_transition"})
		if status() != casereview.ImplNotStarted {
			t.Fatalf("refused moves changed the status to %s", status())
		}
		if tl := lcTimeline(t, s, r.ID); len(tl) != 0 {
			t.Fatalf("refused moves left timeline entries: %+v", tl)
		}

		// Give it a target already passed, then plan it and start it.
		cur, err := s.GetAction(sysCtx(), a.ID)
		must(t, err)
		dr := cur.Draft()
		dr.TargetDate = date("2026-02-01")
		a, err = s.UpdateAction(who.police, a.ID, cur.Version, dr)
		must(t, err)
		must(t, move(who.police, casereview.ImplPlanned, func(p *casereview.ActionProgress) { p.Narrative = "Planned with L&D." }))
		if got := lcGet(t, s, r.ID); got.ImplementationStatus != casereview.ImplPlanned || !slices.Contains(got.Flags, casereview.FlagActionOverdue) {
			t.Fatalf("planned: roll-up %s, flags %v", got.ImplementationStatus, got.Flags)
		}
		tl := lcTimeline(t, s, r.ID)
		if len(tl) != 1 || tl[0].Kind != casereview.ProgressAction || tl[0].ActionID != a.ID || tl[0].OldStatus != "not_started" ||
			tl[0].NewStatus != "planned" || tl[0].Narrative != "Planned with L&D." || tl[0].OrganisationID != f.police.ID {
			t.Fatalf("timeline: %+v", tl)
		}
		must(t, move(who.panel, casereview.ImplInProgress)) // the panel may move it on too

		// Stale versions are refused.
		_, err = s.ProgressAction(who.police, a.ID, a.Version-1, casereview.ActionProgress{Narrative: "late note"})
		if casereview.ErrorCode(err) != casereview.CodePreconditionFailed {
			t.Fatalf("stale progress: %v", err)
		}

		// Claiming completion needs an outcome and evidence that is not rejected.
		wantErr(t, move(who.police, casereview.ImplPending), casereview.CodeInvalid, fe{"outcome", "required"}, fe{"evidence", "required"})
		ev, err := s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "Attendance list", URL: "https://intranet.example/attendance"})
		must(t, err)
		_, err = s.ReviewEvidence(who.oversight, ev.ID, casereview.EvidenceRejected, "Not signed.")
		must(t, err)
		outcome := func(p *casereview.ActionProgress) { p.Outcome = ptr("240 officers trained") }
		wantErr(t, move(who.police, casereview.ImplPending, outcome), casereview.CodeInvalid, fe{"evidence", "required"})
		_, err = s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "Signed attendance list", URL: "https://intranet.example/attendance-signed"})
		must(t, err)
		must(t, move(who.police, casereview.ImplPending, outcome))
		if a.CompletionDate == nil || a.CompletionDate.String() != "2026-03-02" || a.Outcome == nil || *a.Outcome != "240 officers trained" {
			t.Fatalf("claimed: completion %v outcome %v", a.CompletionDate, a.Outcome)
		}
		if got := lcGet(t, s, r.ID); got.ImplementationStatus != casereview.ImplPending || slices.Contains(got.Flags, casereview.FlagActionOverdue) {
			t.Fatalf("claimed: roll-up %s, flags %v", got.ImplementationStatus, got.Flags)
		}

		// Only oversight verifies a claim or sends it back.
		for _, c := range []context.Context{who.police, who.panel, who.la} {
			if err := move(c, casereview.ImplVerified); casereview.ErrorCode(err) != casereview.CodeForbidden {
				t.Fatalf("non-oversight verifies: %v", err)
			}
			if err := move(c, casereview.ImplInProgress, reason); casereview.ErrorCode(err) != casereview.CodeForbidden {
				t.Fatalf("non-oversight withdraws the claim: %v", err)
			}
		}
		wantErr(t, move(who.oversight, casereview.ImplInProgress), casereview.CodeInvalid, fe{"reason", "required"})
		must(t, move(who.oversight, casereview.ImplInProgress, reason))
		// Sent back, the action is not complete: its passed target makes it overdue again.
		if a.CompletionDate != nil {
			t.Fatalf("sent back but still completed on %s", a.CompletionDate)
		}
		if got := lcGet(t, s, r.ID); got.ImplementationStatus != casereview.ImplInProgress || !slices.Contains(got.Flags, casereview.FlagActionOverdue) {
			t.Fatalf("sent back: roll-up %s, flags %v", got.ImplementationStatus, got.Flags)
		}
		page, err := s.ListRecommendations(sysCtx(), casereview.RecommendationFilter{Flag: casereview.FlagActionOverdue}, casereview.PageRequest{Limit: 10})
		must(t, err)
		if page.Total != 1 {
			t.Fatalf("overdue list after send-back: %d", page.Total)
		}
		tl = lcTimeline(t, s, r.ID)
		if e := tl[len(tl)-1]; e.OldStatus != "implemented_pending_verification" || e.NewStatus != "in_progress" || e.Narrative != "Reason: See the minutes." ||
			e.AuthorName != "Oversight officer" {
			t.Fatalf("send-back entry: %+v", e)
		}

		must(t, move(who.police, casereview.ImplPending))
		must(t, move(who.oversight, casereview.ImplVerified))
		if got := lcGet(t, s, r.ID); got.ImplementationStatus != casereview.ImplVerified || len(got.Flags) != 0 {
			t.Fatalf("verified: roll-up %s, flags %v", got.ImplementationStatus, got.Flags)
		}
		// Reopening a verified action is oversight's, with a reason.
		if err := move(who.police, casereview.ImplInProgress, reason); casereview.ErrorCode(err) != casereview.CodeForbidden {
			t.Fatalf("owner reopens a verified action: %v", err)
		}
		wantErr(t, move(who.oversight, casereview.ImplInProgress), casereview.CodeInvalid, fe{"reason", "required"})
		must(t, move(who.oversight, casereview.ImplInProgress, reason))

		// Abandoning needs a reason; so does taking it up again.
		wantErr(t, move(who.police, casereview.ImplNotImplemented), casereview.CodeInvalid, fe{"reason", "required"})
		must(t, move(who.police, casereview.ImplNotImplemented, reason))
		if got := lcGet(t, s, r.ID).ImplementationStatus; got != casereview.ImplNotImplemented {
			t.Fatalf("abandoned: roll-up %s", got)
		}
		wantErr(t, move(who.police, casereview.ImplInProgress), casereview.CodeInvalid, fe{"reason", "required"})
		must(t, move(who.police, casereview.ImplInProgress, reason))

		// Notes: the owner, the panel and oversight; not the council or a viewer.
		note := func(ctx context.Context) error {
			return move(ctx, "", func(p *casereview.ActionProgress) { p.Narrative = "Update." })
		}
		for _, c := range []context.Context{who.police, who.panel, who.oversight} {
			must(t, note(c))
		}
		for _, c := range []context.Context{who.la, who.viewer} {
			if err := note(c); casereview.ErrorCode(err) != casereview.CodeForbidden {
				t.Fatalf("note by an outsider: %v", err)
			}
		}
		if err := move(who.police, ""); casereview.ErrorCode(err) != casereview.CodeInvalid {
			t.Fatalf("empty note: %v", err)
		}
		if status() != casereview.ImplInProgress {
			t.Fatalf("notes changed the status to %s", status())
		}
	})
}

func TestEvidenceDedupe(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		r1 := lcRec(t, s, f, "1", nil)
		r2 := lcRec(t, s, f, "2", nil)
		a1, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r1.ID, OrganisationID: f.police.ID, Description: "One"})
		must(t, err)
		a2, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r2.ID, OrganisationID: f.la.ID, Description: "Two"})
		must(t, err)
		content := []byte("Attendance: 240 officers completed DASH refresher training.\n")
		sum := sha256.Sum256(content)
		hash := hex.EncodeToString(sum[:])

		e1, err := s.AddEvidence(ctx, a1.ID, casereview.EvidenceDraft{Title: "Attendance", EvidenceType: "training_record", Filename: "attendance.txt", Content: content})
		must(t, err)
		e2, err := s.AddEvidence(ctx, a2.ID, casereview.EvidenceDraft{Title: "Same list, other action", Filename: "copy.txt", Content: slices.Clone(content)})
		must(t, err)
		if e1.ID == e2.ID || e1.SHA256 != hash || e2.SHA256 != hash || e1.SizeBytes != int64(len(content)) || e1.MediaType != "text/plain" || e1.Kind != "file" {
			t.Fatalf("evidence: %+v / %+v", e1, e2)
		}
		if e2.EvidenceType != "other" || e2.Filename != "copy.txt" {
			t.Fatalf("second evidence: %+v", e2)
		}
		if n := countRows(t, s, "blobs", ""); n != 1 {
			t.Fatalf("blobs: %d; want one shared row", n)
		}
		if n := countRows(t, s, "evidence", "blob_sha256 = ?", hash); n != 2 {
			t.Fatalf("evidence rows on the blob: %d", n)
		}
		for _, e := range []casereview.Evidence{e1, e2} {
			got, body, err := s.EvidenceContent(ctx, e.ID)
			must(t, err)
			if string(body) != string(content) || got.ID != e.ID {
				t.Fatalf("content of %s: %q", e.ID, body)
			}
		}
		// Different bytes make a second blob; a link makes none.
		_, err = s.AddEvidence(ctx, a1.ID, casereview.EvidenceDraft{Title: "Another", Filename: "other.txt", Content: []byte("Something else entirely.\n")})
		must(t, err)
		link, err := s.AddEvidence(ctx, a1.ID, casereview.EvidenceDraft{Title: "Policy", URL: "https://example.org/policy"})
		must(t, err)
		if n := countRows(t, s, "blobs", ""); n != 2 {
			t.Fatalf("blobs after different bytes: %d", n)
		}
		if _, _, err := s.EvidenceContent(ctx, link.ID); casereview.ErrorCode(err) != casereview.CodeNotFound {
			t.Fatalf("content of a link: %v", err)
		}
		list, err := s.ListEvidence(ctx, a1.ID)
		must(t, err)
		if len(list) != 3 {
			t.Fatalf("evidence of a1: %d", len(list))
		}
		// Each upload is on the timeline of its own recommendation.
		if tl := lcTimeline(t, s, r2.ID); len(tl) != 1 || tl[0].Kind != casereview.ProgressEvidence || tl[0].EvidenceID != e2.ID {
			t.Fatalf("timeline of r2: %+v", tl)
		}
		// A file whose name lies about its content is refused.
		_, err = s.AddEvidence(ctx, a1.ID, casereview.EvidenceDraft{Title: "Fake", Filename: "report.pdf", Content: content})
		wantErr(t, err, casereview.CodeInvalid, fe{"file", "type_mismatch"})
	})
}

func TestReviewEvidenceOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		r := lcRec(t, s, f, "1", nil)
		a, err := s.CreateAction(who.police, casereview.ActionDraft{RecommendationID: r.ID, OrganisationID: f.police.ID, Description: "One"})
		must(t, err)
		if _, err := s.AddEvidence(who.la, a.ID, casereview.EvidenceDraft{Title: "x", URL: "https://example.org/x"}); casereview.ErrorCode(err) != casereview.CodeForbidden {
			t.Fatalf("council adds evidence to the police's action: %v", err)
		}
		e, err := s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "Minutes", EvidenceType: "minutes", URL: "https://example.org/minutes"})
		must(t, err)
		if e.Status != casereview.EvidencePending || e.SubmittedByName != "Police editor" {
			t.Fatalf("new evidence: %+v", e)
		}
		for _, c := range []context.Context{who.police, who.panel} {
			if _, err := s.ReviewEvidence(c, e.ID, casereview.EvidenceVerified, ""); casereview.ErrorCode(err) != casereview.CodeForbidden {
				t.Fatalf("non-oversight review: %v", err)
			}
		}
		_, err = s.ReviewEvidence(who.oversight, e.ID, casereview.EvidenceRejected, "")
		wantErr(t, err, casereview.CodeInvalid, fe{"note", "required"})
		_, err = s.ReviewEvidence(who.oversight, e.ID, "approved", "")
		wantErr(t, err, casereview.CodeInvalid, fe{"decision", casereview.FieldUnknownValue})

		got, err := s.ReviewEvidence(who.oversight, e.ID, casereview.EvidenceVerified, "Matches the plan.")
		must(t, err)
		if got.Status != casereview.EvidenceVerified || got.ReviewedByName != "Oversight officer" || got.ReviewedAt == nil || got.ReviewNote != "Matches the plan." {
			t.Fatalf("reviewed: %+v", got)
		}
		for _, st := range []casereview.EvidenceStatus{casereview.EvidenceVerified, casereview.EvidenceRejected} {
			_, err = s.ReviewEvidence(who.oversight, e.ID, st, "again")
			if casereview.ErrorCode(err) != casereview.CodeConflict {
				t.Fatalf("second review (%s): %v; want conflict", st, err)
			}
		}
		stored, err := s.GetEvidence(sysCtx(), e.ID)
		must(t, err)
		if stored.Status != casereview.EvidenceVerified || stored.ReviewNote != "Matches the plan." {
			t.Fatalf("stored after a refused second review: %+v", stored)
		}
		tl := lcTimeline(t, s, r.ID)
		if len(tl) != 2 || tl[1].Kind != casereview.ProgressEvidence || tl[1].OldStatus != "pending" || tl[1].NewStatus != "verified" {
			t.Fatalf("timeline: %+v", tl)
		}
	})
}

func TestLinksBothEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		r1 := lcRec(t, s, f, "1", nil)
		r2 := lcRec(t, s, f, "2", nil)
		r3 := lcRec(t, s, f, "3", nil)

		if _, err := s.AddLink(who.police, r1.ID, casereview.LinkDraft{Type: "supersedes", TargetID: r2.ID}); casereview.ErrorCode(err) != casereview.CodeForbidden {
			t.Fatalf("agency editor links: %v", err)
		}
		l, err := s.AddLink(who.panel, r1.ID, casereview.LinkDraft{Type: "supersedes", TargetID: r2.ID, Note: "Restated in 2026."})
		must(t, err)
		if l.FromID != r1.ID || l.ToID != r2.ID || l.Type != "supersedes" || l.CreatedBy != "Panel member" {
			t.Fatalf("link: %+v", l)
		}
		for _, id := range []string{r1.ID, r2.ID} {
			got := lcGet(t, s, id)
			if len(got.Links) != 1 || got.Links[0].ID != l.ID || got.Links[0].FromID != r1.ID {
				t.Fatalf("links of %s: %+v", id, got.Links)
			}
			if tl := lcTimeline(t, s, id); len(tl) != 1 || tl[0].Kind != casereview.ProgressLink {
				t.Fatalf("timeline of %s: %+v", id, tl)
			}
		}
		if got := lcGet(t, s, r3.ID); len(got.Links) != 0 {
			t.Fatalf("unlinked recommendation shows links: %+v", got.Links)
		}
		_, err = s.AddLink(who.oversight, r1.ID, casereview.LinkDraft{Type: "supersedes", TargetID: r2.ID})
		if casereview.ErrorCode(err) != casereview.CodeConflict {
			t.Fatalf("same link twice: %v", err)
		}
		_, err = s.AddLink(who.oversight, r1.ID, casereview.LinkDraft{Type: "similar_to", TargetID: r1.ID})
		wantErr(t, err, casereview.CodeInvalid, fe{"target_id", casereview.FieldInvalid})
		_, err = s.AddLink(who.oversight, r1.ID, casereview.LinkDraft{Type: "similar_to", TargetID: "0190f0e4-0000-7000-8000-0000000000ff"})
		wantErr(t, err, casereview.CodeInvalid, fe{"target_id", casereview.FieldNotFound})
		// The reverse relation is a different link.
		l2, err := s.AddLink(who.oversight, r2.ID, casereview.LinkDraft{Type: "similar_to", TargetID: r1.ID})
		must(t, err)
		if got := lcGet(t, s, r1.ID); len(got.Links) != 2 {
			t.Fatalf("links of r1 after a reverse link: %+v", got.Links)
		}
		must(t, s.RemoveLink(who.panel, l.ID))
		for _, id := range []string{r1.ID, r2.ID} {
			if got := lcGet(t, s, id); len(got.Links) != 1 || got.Links[0].ID != l2.ID {
				t.Fatalf("links of %s after removal: %+v", id, got.Links)
			}
		}
		if err := s.RemoveLink(who.panel, l.ID); casereview.ErrorCode(err) != casereview.CodeNotFound {
			t.Fatalf("removing a removed link: %v", err)
		}
	})
}

func TestAssessCloseAndReopen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		r1 := lcRec(t, s, f, "1", nil)
		r2 := lcRec(t, s, f, "2", nil)
		r3 := lcRec(t, s, f, "3", nil)

		assess := func(ctx context.Context, id string, d casereview.AssessmentDraft) (casereview.Recommendation, error) {
			t.Helper()
			return s.Assess(ctx, id, lcGet(t, s, id).Version, d)
		}
		closeSup := casereview.AssessmentDraft{Classification: casereview.ClosedSuperseded, Rationale: "Replaced by recommendation 1.",
			LinkedID: r1.ID, FollowUpOn: date("2026-09-01")}
		for _, c := range []context.Context{who.panel, who.police} {
			if _, err := assess(c, r2.ID, closeSup); casereview.ErrorCode(err) != casereview.CodeForbidden {
				t.Fatalf("non-oversight closes: %v", err)
			}
		}
		_, err := assess(who.oversight, r2.ID, closeSup)
		wantErr(t, err, casereview.CodeInvalid, fe{"linked_recommendation_id", "link_required"})
		// A link the wrong way round (r2 supersedes r1) is not the link closing r2 needs.
		_, err = s.AddLink(who.panel, r2.ID, casereview.LinkDraft{Type: "supersedes", TargetID: r1.ID})
		must(t, err)
		_, err = assess(who.oversight, r2.ID, closeSup)
		wantErr(t, err, casereview.CodeInvalid, fe{"linked_recommendation_id", "link_required"})
		_, err = s.AddLink(who.panel, r1.ID, casereview.LinkDraft{Type: "supersedes", TargetID: r2.ID})
		must(t, err)

		before := lcGet(t, s, r2.ID)
		_, err = s.Assess(who.oversight, r2.ID, before.Version-1, closeSup)
		if casereview.ErrorCode(err) != casereview.CodePreconditionFailed {
			t.Fatalf("stale assessment: %v", err)
		}
		closed, err := assess(who.oversight, r2.ID, closeSup)
		must(t, err)
		if closed.OversightStatus != casereview.ClosedSuperseded || closed.ClosedOn == nil || closed.ClosedOn.String() != "2026-03-02" ||
			closed.ClosureRationale != closeSup.Rationale || closed.FollowUpOn == nil || closed.FollowUpOn.String() != "2026-09-01" {
			t.Fatalf("closed: %+v", closed)
		}
		if closed.Version <= before.Version {
			t.Fatalf("version did not move: %d -> %d", before.Version, closed.Version)
		}
		// The follow-up check comes due on its date.
		fu, err := s.GetRecommendation(casereview.WithAsOf(sysCtx(), casereview.MustDate("2026-09-01")), r2.ID)
		must(t, err)
		if !slices.Equal(fu.Flags, []casereview.Flag{casereview.FlagFollowUpDue}) {
			t.Fatalf("flags on the follow-up date: %v", fu.Flags)
		}
		tl := lcTimeline(t, s, r2.ID)
		if e := tl[len(tl)-1]; e.Kind != casereview.ProgressAssessment || e.OldStatus != "open_unassessed" || e.NewStatus != "closed_superseded" ||
			e.Narrative != closeSup.Rationale || e.AuthorName != "Oversight officer" {
			t.Fatalf("assessment entry: %+v", e)
		}
		_, err = assess(who.oversight, r2.ID, closeSup)
		wantErr(t, err, casereview.CodeInvalid, fe{"classification", "illegal_transition"})

		// Reopening needs a rationale and clears the closure.
		_, err = assess(who.oversight, r2.ID, casereview.AssessmentDraft{Classification: "open_acceptable"})
		wantErr(t, err, casereview.CodeInvalid, fe{"rationale", "required"})
		reopened, err := assess(who.oversight, r2.ID, casereview.AssessmentDraft{Classification: "open_acceptable", Rationale: "Recommendation 1 was withdrawn."})
		must(t, err)
		if reopened.OversightStatus != "open_acceptable" || reopened.ClosedOn != nil || reopened.ClosureRationale != "" || reopened.FollowUpOn != nil {
			t.Fatalf("reopened: %+v", reopened)
		}

		// Duplicates: "r3 duplicate_of r1".
		dup := casereview.AssessmentDraft{Classification: casereview.ClosedDuplicate, Rationale: "Same wording as 1.", LinkedID: r1.ID}
		_, err = assess(who.oversight, r3.ID, dup)
		wantErr(t, err, casereview.CodeInvalid, fe{"linked_recommendation_id", "link_required"})
		_, err = s.AddLink(who.oversight, r3.ID, casereview.LinkDraft{Type: "duplicate_of", TargetID: r1.ID})
		must(t, err)
		got, err := assess(who.oversight, r3.ID, dup)
		must(t, err)
		if got.OversightStatus != casereview.ClosedDuplicate || got.FollowUpOn != nil || got.ClosedOn == nil {
			t.Fatalf("duplicate: %+v", got)
		}

		// Closing as acted upon needs verified implementation.
		_, err = assess(who.oversight, r1.ID, casereview.AssessmentDraft{Classification: casereview.ClosedAcceptable, Rationale: "Done."})
		wantErr(t, err, casereview.CodeInvalid, fe{"classification", "not_verified"})
		_, err = assess(who.oversight, r1.ID, casereview.AssessmentDraft{Classification: "closed_no_response", Rationale: "Nothing heard.", FollowUpOn: date("2026-03-01")})
		wantErr(t, err, casereview.CodeInvalid, fe{"follow_up_on", casereview.FieldInvalid})
		if n := countRows(t, s, "assessments", ""); n != 3 {
			t.Fatalf("assessments: %d; want 3 (refused ones leave none)", n)
		}
	})
}
