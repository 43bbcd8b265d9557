package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// ntPerson creates a user with one membership and returns the context they act in.
func ntPerson(t *testing.T, s *store.Store, email string, m casereview.MembershipDraft) (casereview.User, context.Context) {
	t.Helper()
	u, err := s.CreateUser(sysCtx(), casereview.UserDraft{Email: email, DisplayName: email}, "")
	must(t, err)
	u, err = s.AddMembership(sysCtx(), u.ID, m)
	must(t, err)
	return u, casereview.WithActor(context.Background(), u.Actor())
}

func ntList(t *testing.T, s *store.Store, ctx context.Context) []casereview.Notification {
	t.Helper()
	ns, _, err := s.ListNotifications(ctx, false, 0)
	must(t, err)
	return ns
}

func TestReminderLadderIsIdempotentAndEscalates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		d := f.police.Draft()
		d.SeniorContactName, d.SeniorContactEmail = "Chief Constable", "chief@police.example"
		_, err := s.UpdateOrganisation(sysCtx(), f.police.ID, f.police.Version, d)
		must(t, err)
		editor, edCtx := ntPerson(t, s, "editor@police.example", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: f.police.ID})
		_, ovCtx := ntPerson(t, s, "officer@oversight.example", casereview.MembershipDraft{Role: casereview.RoleOversight})
		_, laCtx := ntPerson(t, s, "editor@council.example", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: f.la.ID})

		asOf := casereview.DateOf(fixedNow)
		overdue := f.recDraft("1")
		overdue.ResponseDue = ptr(asOf.AddDays(-31))
		late, err := s.CreateRecommendation(sysCtx(), overdue)
		must(t, err)
		soon := f.recDraft("2")
		soon.ResponseDue = ptr(asOf.AddDays(7))
		_, err = s.CreateRecommendation(sysCtx(), soon)
		must(t, err)
		far := f.recDraft("3")
		far.ResponseDue = ptr(asOf.AddDays(60))
		_, err = s.CreateRecommendation(sysCtx(), far)
		must(t, err)

		if _, err := s.EvaluateReminders(edCtx, asOf, casereview.DefaultLadder); casereview.ErrorCode(err) != casereview.CodeForbidden {
			t.Fatalf("a person ran the ladder: %v", err)
		}
		run, err := s.EvaluateReminders(sysCtx(), asOf, casereview.DefaultLadder)
		must(t, err)
		if run.Events != 3 || run.Escalations != 1 {
			t.Fatalf("first run: %+v; want 3 events (overdue, escalation, due in 7 days), 1 escalation", run)
		}
		ed := ntList(t, s, edCtx)
		if len(ed) != 2 || !strings.Contains(ed[0].Summary+ed[1].Summary, "31 days overdue") || !strings.Contains(ed[0].Summary+ed[1].Summary, "due in 7 days") {
			t.Fatalf("the police editor's notifications: %+v", ed)
		}
		ov := ntList(t, s, ovCtx)
		if len(ov) != 1 || ov[0].Kind != casereview.NotifyEscalation || ov[0].Link != "/recommendations/"+late.ID {
			t.Fatalf("oversight's notifications: %+v", ov)
		}
		if n := ntList(t, s, laCtx); len(n) != 0 {
			t.Fatalf("the council, not addressed, was told: %+v", n)
		}
		if n := countRows(t, s, "outbox", "recipient_email = ? AND kind = ?", "chief@police.example", "escalation"); n != 1 {
			t.Fatalf("the senior contact's escalation emails: %d", n)
		}
		if n := countRows(t, s, "outbox", ""); n != 4 {
			t.Fatalf("outbox rows: %d; want 4 (two to the editor, one to oversight, one to the senior contact)", n)
		}
		tl := lcTimeline(t, s, late.ID)
		if len(tl) != 1 || tl[0].Kind != casereview.ProgressEscalation {
			t.Fatalf("the escalation is not on the timeline: %+v", tl)
		}
		if n := countRows(t, s, "audit_events", "action = ?", casereview.AuditEscalated); n != 1 {
			t.Fatalf("escalations audited: %d", n)
		}

		again, err := s.EvaluateReminders(sysCtx(), asOf, casereview.DefaultLadder)
		must(t, err)
		if again.Events != 0 || countRows(t, s, "outbox", "") != 4 {
			t.Fatalf("a second run the same day raised %+v", again)
		}

		// A daily digest instead of immediate emails: the next week's reminder waits for it.
		_, err = s.SetNotificationPreferences(edCtx, []casereview.NotificationPreference{{Kind: casereview.NotifyOverdue, Delivery: casereview.DeliverDaily}})
		must(t, err)
		_, err = s.SetNotificationPreferences(edCtx, []casereview.NotificationPreference{{Kind: casereview.NotifyEscalation, Delivery: casereview.DeliverOff}})
		wantErr(t, err, casereview.CodeInvalid, fe{"preferences[0].delivery", casereview.FieldInvalid})
		next, err := s.EvaluateReminders(sysCtx(), asOf.AddDays(7), casereview.DefaultLadder)
		must(t, err)
		if next.Events != 1 || countRows(t, s, "outbox", "recipient_user_id = ?", editor.ID) != 2 {
			t.Fatalf("a week later: %+v, the editor's emails %d", next, countRows(t, s, "outbox", "recipient_user_id = ?", editor.ID))
		}
		n, err := s.QueueDigests(sysCtx(), asOf.AddDays(7), false)
		must(t, err)
		if n != 1 || countRows(t, s, "outbox", "recipient_user_id = ? AND kind = 'digest'", editor.ID) != 1 {
			t.Fatalf("digests queued: %d", n)
		}
		if n, _ := s.QueueDigests(sysCtx(), asOf.AddDays(7), false); n != 0 {
			t.Fatalf("the digest was queued twice")
		}

		// Reading.
		_, unread, err := s.ListNotifications(edCtx, false, 0)
		must(t, err)
		if unread != 3 {
			t.Fatalf("unread: %d", unread)
		}
		if k, err := s.MarkNotificationsRead(ovCtx, []string{ed[0].ID}); err != nil || k != 0 {
			t.Fatalf("oversight marked the editor's notification read: %d %v", k, err)
		}
		k, err := s.MarkNotificationsRead(edCtx, []string{ed[0].ID})
		must(t, err)
		if left, _ := s.UnreadNotifications(edCtx); k != 1 || left != 2 {
			t.Fatalf("marked %d, %d left unread", k, left)
		}
		if _, err := s.ListOutbox(edCtx, casereview.OutboxFilter{}, 0); casereview.ErrorCode(err) != casereview.CodeForbidden {
			t.Fatalf("an editor read the outbox: %v", err)
		}
	})
}

func TestSentBackNotifiesAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		_, edCtx := ntPerson(t, s, "editor@police.example", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: f.police.ID})
		_, ovCtx := ntPerson(t, s, "officer@oversight.example", casereview.MembershipDraft{Role: casereview.RoleOversight})
		rec, err := s.CreateRecommendation(sysCtx(), f.recDraft("1"))
		must(t, err)
		a, err := s.CreateAction(edCtx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Train officers."})
		must(t, err)
		a, err = s.ProgressAction(edCtx, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplInProgress})
		must(t, err)
		ev, err := s.AddEvidence(edCtx, a.ID, casereview.EvidenceDraft{Title: "Attendance", URL: "https://intranet.example/a"})
		must(t, err)
		_, err = s.AddEvidence(edCtx, a.ID, casereview.EvidenceDraft{Title: "Register", URL: "https://intranet.example/b"})
		must(t, err)
		_, err = s.ReviewEvidence(ovCtx, ev.ID, casereview.EvidenceRejected, "Not legible.")
		must(t, err)
		outcome := "Trained"
		a, err = s.ProgressAction(edCtx, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplPending, Outcome: &outcome})
		must(t, err)
		_, err = s.ProgressAction(ovCtx, a.ID, a.Version, casereview.ActionProgress{Status: casereview.ImplInProgress, Reason: "The register is incomplete."})
		must(t, err)
		r := lcGet(t, s, rec.ID)
		_, err = s.Assess(ovCtx, rec.ID, r.Version, casereview.AssessmentDraft{Classification: "open_unacceptable", Rationale: "Not enough."})
		must(t, err)
		ns := ntList(t, s, edCtx)
		var got []string
		for _, n := range ns {
			if n.Kind != casereview.NotifySentBack {
				t.Fatalf("kind %s", n.Kind)
			}
			got = append(got, n.Summary)
		}
		want := []string{"Oversight judged the response of Northfold Police unacceptable",
			"The claim that an action of Northfold Police is implemented was sent back",
			"Evidence for an action of Northfold Police was rejected"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("notifications, newest first:\n got %q\nwant %q", got, want)
		}
		if n := countRows(t, s, "outbox", "kind = 'sent_back'"); n != 3 {
			t.Fatalf("sent-back emails: %d", n)
		}
	})
}

// Actions' target dates and their open milestones' due dates are on the ladder too; a milestone
// done, or an action claimed, leaves it.
func TestReminderLadderCoversActionsAndMilestones(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		_, edCtx := ntPerson(t, s, "editor@police.example", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: f.police.ID})
		asOf := casereview.DateOf(fixedNow)
		rec, err := s.CreateRecommendation(sysCtx(), f.recDraft("1")) // no response due date
		must(t, err)
		target := asOf.AddDays(7)
		a, err := s.CreateAction(edCtx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Train officers.", TargetDate: &target})
		must(t, err)
		_, err = s.CreateMilestone(edCtx, a.ID, casereview.MilestoneDraft{Title: "Book the trainers", DueDate: ptr(asOf.AddDays(-3))})
		must(t, err)
		run, err := s.EvaluateReminders(sysCtx(), asOf, casereview.DefaultLadder)
		must(t, err)
		var got []string
		for _, n := range ntList(t, s, edCtx) {
			got = append(got, n.Summary)
		}
		joined := strings.Join(got, "|")
		if run.Events != 2 || !strings.Contains(joined, "An action of Northfold Police is due in 7 days") ||
			!strings.Contains(joined, "A milestone of an action of Northfold Police is 3 days overdue") {
			t.Fatalf("run %+v, notifications %q", run, got)
		}
	})
}
