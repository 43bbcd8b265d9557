package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Issue 13 item 10: evidence uploaded by mistake is withdrawn by its uploader before it is
// reviewed; it stays in the database and the audit trail and disappears from everything else.
func TestWithdrawEvidence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		colleague := lcActor(t.Context(), 6, "Another police editor", casereview.Membership{Role: casereview.RoleAgencyEditor, OrganisationID: f.police.ID})
		rec := lcRec(t, s, f, "1", date("2026-01-05"))
		a, err := s.CreateAction(who.police, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Train officers."})
		must(t, err)
		a, err = s.ProgressAction(who.police, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplInProgress})
		must(t, err)
		wrong, err := s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "Attendance, Q3", EvidenceType: "training_record",
			Filename: "names.txt", Content: []byte("The names of the people in the review.\n")})
		must(t, err)
		link, err := s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "Course page", URL: "https://intranet.example/course"})
		must(t, err)
		reason := "Uploaded the list of names instead of the attendance figures."

		// Nobody but the uploader; a reason is required; nothing changes on a refusal.
		before := len(lcTimeline(t, s, rec.ID))
		for _, ctx := range []context.Context{colleague, who.la, who.panel, who.oversight, who.viewer} {
			wantErr(t, s.WithdrawEvidence(ctx, wrong.ID, reason), casereview.CodeForbidden)
		}
		wantErr(t, s.WithdrawEvidence(who.police, wrong.ID, "  "), casereview.CodeInvalid, fe{"reason", "required"})
		wantErr(t, s.WithdrawEvidence(who.police, wrong.ID, strings.Repeat("x", casereview.MaxWithdrawalReason+1)), casereview.CodeInvalid, fe{"reason", "too_long"})
		wantErr(t, s.WithdrawEvidence(who.police, "0190f0e4-0000-7000-8000-0000000000ff", reason), casereview.CodeNotFound)
		if got := len(lcTimeline(t, s, rec.ID)); got != before {
			t.Fatalf("refusals wrote %d timeline entries", got-before)
		}

		events := len(auAll(t, s))
		must(t, s.WithdrawEvidence(who.police, wrong.ID, reason))

		// Gone from the record: the list, the item, its file, oversight's work list.
		evs, err := s.ListEvidence(sysCtx(), a.ID)
		must(t, err)
		if len(evs) != 1 || evs[0].ID != link.ID {
			t.Errorf("the action's evidence is %+v, want the link alone", evs)
		}
		for _, ctx := range []context.Context{who.police, who.oversight, sysCtx()} {
			_, err := s.GetEvidence(ctx, wrong.ID)
			wantErr(t, err, casereview.CodeNotFound)
			_, _, err = s.EvidenceContent(ctx, wrong.ID)
			wantErr(t, err, casereview.CodeNotFound)
		}
		w, err := s.Work(who.oversight)
		must(t, err)
		for _, e := range w.EvidenceToVerify {
			if e.ID == wrong.ID {
				t.Error("the withdrawn item is still in oversight's evidence to verify")
			}
		}

		// Kept for the audit trail: the row, its file, and an event with the reason.
		if n := countRows(t, s, "evidence", "id = ? AND withdrawn_at IS NOT NULL AND withdrawal_reason = ?", wrong.ID, reason); n != 1 {
			t.Errorf("withdrawn rows: %d", n)
		}
		if n := countRows(t, s, "blobs", "sha256 = ?", wrong.SHA256); n != 1 {
			t.Errorf("the file's blob: %d rows", n)
		}
		all := auAll(t, s)
		if len(all) != events+1 {
			t.Fatalf("%d audit events, want 1", len(all)-events)
		}
		ev := all[len(all)-1]
		if ev.Action != casereview.AuditEvidenceWithdrawn || ev.EntityID != wrong.ID || ev.ActorName != "Police editor" ||
			!strings.Contains(ev.After, reason) || !strings.Contains(ev.Before, "names.txt") {
			t.Errorf("audit event %s %s by %s: before %s after %s", ev.Action, ev.EntityID, ev.ActorName, ev.Before, ev.After)
		}

		// The timeline says who, what and why, to whoever reads the recommendation.
		tl, err := s.Timeline(who.la, rec.ID)
		must(t, err)
		last := tl[len(tl)-1]
		if last.Kind != casereview.ProgressEvidence || last.NewStatus != "withdrawn" || last.EvidenceID != wrong.ID || last.AuthorName != "Police editor" ||
			!strings.Contains(last.Narrative, "Attendance, Q3 (names.txt)") || !strings.Contains(last.Narrative, reason) {
			t.Errorf("timeline entry %+v", last)
		}

		// Final: not again, never reviewed, not undone behind the application's back.
		wantErr(t, s.WithdrawEvidence(who.police, wrong.ID, reason), casereview.CodeConflict, fe{"status", "withdrawn"})
		_, err = s.ReviewEvidence(who.oversight, wrong.ID, casereview.EvidenceVerified, "")
		wantErr(t, err, casereview.CodeConflict)
		db, err := s.SQLDB()
		must(t, err)
		for _, q := range []string{"UPDATE evidence SET withdrawn_at = NULL, withdrawn_by_id = NULL, withdrawn_by_name = NULL, withdrawal_reason = NULL WHERE id = $1",
			"UPDATE evidence SET status = 'verified' WHERE id = $1", "UPDATE evidence SET withdrawal_reason = 'Edited.' WHERE id = $1"} {
			if dialect == "sqlite" {
				q = strings.ReplaceAll(q, "$1", "?")
			}
			if _, err := db.Exec(q, wrong.ID); err == nil {
				t.Errorf("the database allowed %q", q)
			}
		}

		// Reviewed evidence stays on the record.
		_, err = s.ReviewEvidence(who.oversight, link.ID, casereview.EvidenceVerified, "")
		must(t, err)
		wantErr(t, s.WithdrawEvidence(who.police, link.ID, reason), casereview.CodeConflict, fe{"status", "reviewed"})
	})
}

// A claim of implementation never rests on withdrawn evidence: it is not counted for the claim
// or its verification, and the last item of a pending claim cannot be withdrawn.
func TestWithdrawnEvidenceDoesNotCountForAClaim(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		rec := lcRec(t, s, f, "1", date("2026-01-05"))
		a, err := s.CreateAction(who.police, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Train officers."})
		must(t, err)
		a, err = s.ProgressAction(who.police, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplInProgress})
		must(t, err)
		first, err := s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "Wrong minutes", URL: "https://intranet.example/wrong"})
		must(t, err)
		must(t, s.WithdrawEvidence(who.police, first.ID, "Minutes of another meeting."))
		outcome := "240 officers trained"
		_, err = s.ProgressAction(who.police, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplPending, Outcome: &outcome})
		wantErr(t, err, casereview.CodeInvalid, fe{"evidence", "required"})

		second, err := s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "Attendance", URL: "https://intranet.example/attendance"})
		must(t, err)
		a, err = s.ProgressAction(who.police, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplPending, Outcome: &outcome})
		must(t, err)
		wantErr(t, s.WithdrawEvidence(who.police, second.ID, "Wrong file."), casereview.CodeConflict, fe{"evidence", "claim_rests_on_it"})

		// With the right evidence added first, the wrong one goes.
		third, err := s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "Attendance, corrected", URL: "https://intranet.example/attendance2"})
		must(t, err)
		must(t, s.WithdrawEvidence(who.police, second.ID, "Superseded by the corrected register."))
		wantErr(t, s.WithdrawEvidence(who.police, third.ID, "Changed my mind."), casereview.CodeConflict, fe{"evidence", "claim_rests_on_it"})
		// A rejected item does not hold a claim up either.
		fourth, err := s.AddEvidence(who.police, a.ID, casereview.EvidenceDraft{Title: "Photo", URL: "https://intranet.example/photo"})
		must(t, err)
		_, err = s.ReviewEvidence(who.oversight, third.ID, casereview.EvidenceRejected, "Does not say who attended.")
		must(t, err)
		wantErr(t, s.WithdrawEvidence(who.police, fourth.ID, "Wrong photo."), casereview.CodeConflict, fe{"evidence", "claim_rests_on_it"})
		a, err = s.ProgressAction(who.oversight, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplVerified})
		must(t, err)
		if a.ImplementationStatus != casereview.ImplVerified {
			t.Errorf("status %s", a.ImplementationStatus)
		}
	})
}

// A closed recommendation's evidence is settled: not even its uploader withdraws it.
func TestWithdrawEvidenceOfAClosedRecommendation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		who := lcPeopleOf(f)
		rec := lcRec(t, s, f, "1", date("2026-01-05"))
		a := closeVerified(t, s, who, rec) // its evidence, added by the police, is still pending
		evs, err := s.ListEvidence(sysCtx(), a.ID)
		must(t, err)
		if len(evs) != 1 || evs[0].Status != casereview.EvidencePending {
			t.Fatalf("evidence %+v", evs)
		}
		wantErr(t, s.WithdrawEvidence(who.police, evs[0].ID, "Wrong file."), casereview.CodeConflict, fe{"oversight_status", "closed"})
	})
}
