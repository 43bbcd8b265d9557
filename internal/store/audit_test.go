package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// Tests of the audit trail (DESIGN §7): every write appends exactly one event in the
// transaction that makes it, the events form one unbroken hash chain even under concurrent
// writers, and any edited, removed, reordered or forged row is found by VerifyAudit.

// auAll returns every audit event, oldest first, read through ListAudit page by page.
func auAll(t *testing.T, s *store.Store) []casereview.AuditEvent {
	t.Helper()
	var all []casereview.AuditEvent
	var before int64
	for pages := 0; ; pages++ {
		if pages > 10_000 {
			t.Fatal("audit paging does not end")
		}
		p, err := s.ListAudit(sysCtx(), casereview.AuditFilter{}, casereview.MaxPageSize, before)
		must(t, err)
		all = append(all, p.Items...)
		if p.Before == 0 {
			break
		}
		before = p.Before
	}
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	return all
}

// auCheckChain asserts that evs (oldest first) are numbered 1..N with no gaps, that each links
// to the hash of the one before it and that each hash is the hash of its contents.
func auCheckChain(t *testing.T, evs []casereview.AuditEvent) {
	t.Helper()
	prev := ""
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d; want %d (gap or disorder)", i, e.Seq, i+1)
		}
		if e.PrevHash != prev {
			t.Fatalf("event %d: prev_hash %q, want the previous event's hash %q", e.Seq, e.PrevHash, prev)
		}
		if e.Hash != e.ComputeHash() {
			t.Fatalf("event %d: stored hash does not match its contents", e.Seq)
		}
		prev = e.Hash
	}
}

// auVerifyOK asserts that the chain verifies and covers want events.
func auVerifyOK(t *testing.T, s *store.Store, want int) {
	t.Helper()
	r, err := s.VerifyAudit(sysCtx(), nil)
	must(t, err)
	if !r.OK || r.BrokenAt != 0 || r.Problem != "" || r.Checked != int64(want) || r.LastSeq != int64(want) || r.HeadHash != r.FinalHash {
		t.Fatalf("VerifyAudit on an honest chain of %d: %+v", want, r)
	}
}

// auCounts snapshots every table a write may touch, the journal and the audit trail.
func auCounts(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	c := tableCounts(t, s)
	for _, tb := range []string{"users", "memberships", "api_tokens", "sessions", "audit_events", "change_journal"} {
		c[tb] = countRows(t, s, tb, "")
	}
	return c
}

// auJSONEqual asserts that stored (an event's before or after text) is the JSON of want, or
// empty when want is nil.
func auJSONEqual(t *testing.T, what, stored string, want any) {
	t.Helper()
	if want == nil {
		if stored != "" {
			t.Errorf("%s: %s; want none", what, stored)
		}
		return
	}
	var got, exp any
	if err := json.Unmarshal([]byte(stored), &got); err != nil {
		t.Errorf("%s is not JSON (%v): %q", what, err, stored)
		return
	}
	if _, ok := got.(map[string]any); !ok {
		t.Errorf("%s is not a JSON object: %s", what, stored)
	}
	b, err := json.Marshal(want)
	must(t, err)
	must(t, json.Unmarshal(b, &exp))
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("%s:\n got  %s\n want %s", what, stored, b)
	}
}

// auExec runs raw SQL behind the application's back, failing the test on error.
func auExec(t *testing.T, s *store.Store, q string, args ...any) {
	t.Helper()
	if err := execSQL(s, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// auBypass lifts the append-only triggers as an attacker with database superuser rights would,
// runs fn, and puts the triggers back.
func auBypass(t *testing.T, s *store.Store, fn func()) {
	t.Helper()
	if s.Dialect() == "postgres" {
		auExec(t, s, "ALTER TABLE audit_events DISABLE TRIGGER USER")
		fn()
		auExec(t, s, "ALTER TABLE audit_events ENABLE TRIGGER USER")
		return
	}
	auExec(t, s, "DROP TRIGGER audit_events_no_update")
	auExec(t, s, "DROP TRIGGER audit_events_no_delete")
	fn()
	auExec(t, s, `CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE is not allowed'); END`)
	auExec(t, s, `CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE is not allowed'); END`)
}

// auAuditor is a signed-in admin who also sits on a partnership's panel and edits for an
// organisation, so it may make every write and every attribution column of an event is filled.
func auAuditor(t *testing.T, s *store.Store, partnership, org string) casereview.Actor {
	t.Helper()
	ctx := sysCtx()
	u, err := s.CreateUser(ctx, casereview.UserDraft{Email: "auditor@example.org", DisplayName: "Audrey Auditor"}, "")
	must(t, err)
	_, err = s.AddMembership(ctx, u.ID, casereview.MembershipDraft{Role: casereview.RoleAdmin})
	must(t, err)
	_, err = s.AddMembership(ctx, u.ID, casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: partnership})
	must(t, err)
	u, err = s.AddMembership(ctx, u.ID, casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: org})
	must(t, err)
	return u.Actor()
}

// Every write method of the store appends exactly one event (the lock-out of a sign-in adds
// its own), attributed to the actor and request, with the entity as it was and as it is; every
// rejected write leaves no event, no journal row and no data behind.
func TestAuditEveryStoreWriteAppendsOneEvent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		actor := auAuditor(t, s, f.p.ID, f.police.ID)
		ctx := casereview.WithRequestInfo(casereview.WithActor(context.Background(), actor),
			casereview.RequestInfo{RequestID: "req-audit-1", ClientIP: "192.0.2.7"})
		evs := auAll(t, s)
		auCheckChain(t, evs)
		if len(evs) == 0 || evs[0].Action != casereview.AuditTaxonomySeeded || evs[0].EntityType != "taxonomy" {
			t.Fatalf("the first event is not the taxonomy seed: %+v", evs)
		}
		last := int64(len(evs))
		journal := journalTail(t, s)

		// ok asserts that the write just made added exactly one event, as described, and that
		// its journal rows (if any) were appended with it.
		ok := func(what string, err error, action casereview.AuditAction, typ, id string, before, after any, journalRows int) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			all := auAll(t, s)
			if int64(len(all)) != last+1 {
				t.Fatalf("%s: %d events after it, want exactly 1", what, int64(len(all))-last)
			}
			e := all[last]
			last++
			if e.Action != action || e.EntityType != typ || e.EntityID != id {
				t.Errorf("%s: event %s %s/%s, want %s %s/%s", what, e.Action, e.EntityType, e.EntityID, action, typ, id)
			}
			if e.ActorUserID != actor.UserID || e.ActorName != "Audrey Auditor" || e.ActorOrganisationID != f.police.ID {
				t.Errorf("%s: attributed to %q %q %q", what, e.ActorUserID, e.ActorName, e.ActorOrganisationID)
			}
			if e.RequestID != "req-audit-1" || e.ClientIP != "192.0.2.7" || !e.OccurredAt.Equal(fixedNow) {
				t.Errorf("%s: request %q from %q at %v", what, e.RequestID, e.ClientIP, e.OccurredAt)
			}
			auJSONEqual(t, what+": before", e.Before, before)
			auJSONEqual(t, what+": after", e.After, after)
			journal = expectJournal(t, s, journal, journalAfterRows(t, s, journal, journalRows)...)
		}

		// Domain records.
		p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Eastmere SAB", Kind: "safeguarding_adults_board"})
		ok("create partnership", err, casereview.AuditPartnershipCreated, "partnership", p.ID, nil, p, 1)
		p2, err := s.UpdatePartnership(ctx, p.ID, 1, casereview.PartnershipDraft{Name: "Eastmere Safeguarding Adults Board", Kind: "safeguarding_adults_board"})
		ok("update partnership", err, casereview.AuditPartnershipUpdated, "partnership", p.ID, p, p2, 1)
		o, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Eastmere Housing", Sector: "housing", Aliases: []string{"EH"}})
		ok("create organisation", err, casereview.AuditOrganisationCreated, "organisation", o.ID, nil, o, 1)
		o2, err := s.UpdateOrganisation(ctx, o.ID, 1, casereview.OrganisationDraft{Name: "Eastmere Homes", Sector: "housing"})
		ok("update organisation", err, casereview.AuditOrganisationUpdated, "organisation", o.ID, o, o2, 1)
		rv, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "SAR", PartnershipID: f.p.ID, Reference: "EM-SAR-01", Title: "Adult E",
			Status: "commissioned", Visibility: "restricted"})
		ok("create review", err, casereview.AuditReviewCreated, "review", rv.ID, nil, rv, 1)
		rvd := rv.Draft()
		rvd.Title = "Adult E (revised)"
		rv2, err := s.UpdateReview(ctx, rv.ID, 1, rvd)
		ok("update review", err, casereview.AuditReviewUpdated, "review", rv.ID, rv, rv2, 1)
		rec, err := s.CreateRecommendation(ctx, f.recDraft("7"))
		ok("create recommendation", err, casereview.AuditRecommendationCreated, "recommendation", rec.ID, nil, rec, 1)
		recd := f.recDraft("7")
		recd.Text = "Review the DASH training offer annually."
		rec2, err := s.UpdateRecommendation(ctx, rec.ID, 1, recd)
		ok("update recommendation", err, casereview.AuditRecommendationUpdated, "recommendation", rec.ID, rec, rec2, 1)
		a, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Refresh DASH training", Owner: "L&D"})
		ok("create action", err, casereview.AuditActionCreated, "action", a.ID, nil, a, 2)
		ad := a.Draft()
		ad.Description = "Refresh DASH training for all response officers"
		a2, err := s.UpdateAction(ctx, a.ID, 1, ad)
		ok("update action", err, casereview.AuditActionUpdated, "action", a.ID, a, a2, 2)
		err = s.DeleteAction(ctx, a.ID, 2)
		ok("delete action", err, casereview.AuditActionDeleted, "action", a.ID, a2, nil, 2)
		rec3, err := s.GetRecommendation(ctx, rec.ID)
		must(t, err)
		err = s.DeleteRecommendation(ctx, rec.ID, rec3.Version)
		ok("delete recommendation", err, casereview.AuditRecommendationDeleted, "recommendation", rec.ID, rec3, nil, 1)
		err = s.DeleteReview(ctx, rv.ID, 2)
		ok("delete review", err, casereview.AuditReviewDeleted, "review", rv.ID, rv2, nil, 1)
		err = s.DeleteOrganisation(ctx, o.ID, 2)
		ok("delete organisation", err, casereview.AuditOrganisationDeleted, "organisation", o.ID, o2, nil, 1)
		err = s.DeletePartnership(ctx, p.ID, 2)
		ok("delete partnership", err, casereview.AuditPartnershipDeleted, "partnership", p.ID, p2, nil, 1)

		// Identity.
		u, err := s.CreateUser(ctx, casereview.UserDraft{Email: "Vera@Example.org", DisplayName: "Vera Viewer"}, "")
		ok("create user", err, casereview.AuditUserCreated, "user", u.ID, nil, u, 0)
		u2, err := s.UpdateUser(ctx, u.ID, 1, casereview.UserDraft{Email: u.Email, DisplayName: "Vera V. Viewer"})
		ok("update user", err, casereview.AuditUserUpdated, "user", u.ID, u, u2, 0)
		u3, err := s.AddMembership(ctx, u.ID, casereview.MembershipDraft{Role: casereview.RoleViewer, PartnershipID: f.p.ID})
		ok("add membership", err, casereview.AuditMembershipAdded, "user", u.ID, u2, u3, 0)
		u4, err := s.RemoveMembership(ctx, u.ID, u3.Memberships[0].ID)
		ok("remove membership", err, casereview.AuditMembershipRemoved, "user", u.ID, u3, u4, 0)
		tok, err := s.CreateToken(ctx, u.ID, "reports", "hash-of-secret", "crt_abc", nil)
		ok("create token", err, casereview.AuditTokenCreated, "api_token", tok.ID, nil, tok, 0)
		err = s.RevokeToken(ctx, u.ID, tok.ID)
		revoked := tok
		revoked.RevokedAt = &fixedNow
		ok("revoke token", err, casereview.AuditTokenRevoked, "api_token", tok.ID, tok, revoked, 0)
		u5, err := s.UpdateUser(ctx, u.ID, u4.Version, casereview.UserDraft{Email: u.Email, DisplayName: u4.DisplayName, Disabled: true})
		ok("disable user", err, casereview.AuditUserDisabled, "user", u.ID, u4, u5, 0)
		u6, err := s.UpdateUser(ctx, u.ID, u5.Version, casereview.UserDraft{Email: u.Email, DisplayName: u4.DisplayName})
		ok("enable user", err, casereview.AuditUserEnabled, "user", u.ID, u5, u6, 0)
		err = s.SetPassword(ctx, u.ID, "new-hash", true)
		ok("change password", err, casereview.AuditPasswordChanged, "user", u.ID, nil, nil, 0)
		err = s.CreateSession(ctx, auth.Session{IDHash: "session-1", UserID: u.ID, CSRFToken: "csrf", MFAState: "not_required",
			CreatedAt: fixedNow, LastSeenAt: fixedNow, ExpiresAt: fixedNow.Add(time.Hour), ClientIP: "192.0.2.7", UserAgent: "test"})
		ok("sign in", err, casereview.AuditLogin, "user", u.ID, nil, map[string]string{"mfa_state": "not_required", "user_agent": "test"}, 0)
		err = s.RevokeSession(ctx, "session-1", u.ID)
		ok("sign out", err, casereview.AuditLogout, "user", u.ID, nil, nil, 0)
		err = s.RecordFailure(ctx, casereview.AuditLoginFailed, u.ID, map[string]string{"email": u.Email}, false)
		ok("failed sign-in", err, casereview.AuditLoginFailed, "user", u.ID, nil, map[string]string{"email": u.Email}, 0)
		err = s.Audit(ctx, casereview.AuditExport, "recommendation", "all", map[string]int{"rows": 3})
		ok("export", err, casereview.AuditExport, "recommendation", "all", nil, map[string]int{"rows": 3}, 0)

		// Rejected writes: nothing at all is written.
		editor := casereview.WithActor(context.Background(), casereview.Actor{UserID: actor.UserID, Name: "Eddie Editor",
			Memberships: []casereview.Membership{{Role: casereview.RoleAgencyEditor, OrganisationID: f.police.ID}}})
		before := auCounts(t, s)
		head := journalTail(t, s)
		for _, c := range []struct {
			what  string
			write func() error
			code  casereview.Code
		}{
			{"invalid partnership", func() error {
				_, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "", Kind: "nonsense"})
				return err
			}, casereview.CodeInvalid},
			{"duplicate partnership", func() error {
				_, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "northfold csp", Kind: "other"})
				return err
			}, casereview.CodeConflict},
			{"stale partnership version", func() error {
				_, err := s.UpdatePartnership(ctx, f.p.ID, 7, casereview.PartnershipDraft{Name: "X", Kind: "other"})
				return err
			}, casereview.CodePreconditionFailed},
			{"unknown partnership", func() error {
				_, err := s.UpdatePartnership(ctx, "0190f0e4-0000-7000-8000-000000000000", 1, casereview.PartnershipDraft{Name: "X", Kind: "other"})
				return err
			}, casereview.CodeNotFound},
			{"partnership with reviews", func() error { return s.DeletePartnership(ctx, f.p.ID, 1) }, casereview.CodeConflict},
			{"partnership by an editor", func() error {
				_, err := s.CreatePartnership(editor, casereview.PartnershipDraft{Name: "Editors' CSP", Kind: "other"})
				return err
			}, casereview.CodeForbidden},
			{"recommendation of an unknown review", func() error {
				d := f.recDraft("9")
				d.ReviewID = "0190f0e4-0000-7000-8000-000000000000"
				_, err := s.CreateRecommendation(ctx, d)
				return err
			}, casereview.CodeInvalid},
			{"action for a non-addressee", func() error {
				r, err := s.CreateRecommendation(sysCtx(), f.recDraft("8"))
				must(t, err)
				before, head = auCounts(t, s), journalTail(t, s)
				last++
				_, err = s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r.ID, OrganisationID: f.la.ID, Description: "x"})
				return err
			}, casereview.CodeInvalid},
			{"stale review version", func() error { return s.DeleteReview(ctx, f.review.ID, 9) }, casereview.CodePreconditionFailed},
			{"duplicate user", func() error {
				_, err := s.CreateUser(ctx, casereview.UserDraft{Email: "vera@example.org", DisplayName: "Vera again"}, "")
				return err
			}, casereview.CodeConflict},
			{"invalid membership", func() error {
				_, err := s.AddMembership(ctx, u.ID, casereview.MembershipDraft{Role: casereview.RoleAgencyEditor})
				return err
			}, casereview.CodeInvalid},
			{"unknown membership", func() error {
				_, err := s.RemoveMembership(ctx, u.ID, "0190f0e4-0000-7000-8000-000000000000")
				return err
			}, casereview.CodeNotFound},
			{"unknown token", func() error { return s.RevokeToken(ctx, u.ID, "0190f0e4-0000-7000-8000-000000000000") }, casereview.CodeNotFound},
			{"token without a name", func() error {
				_, err := s.CreateToken(ctx, u.ID, "", "h2", "crt_x", nil)
				return err
			}, casereview.CodeInvalid},
		} {
			err := c.write()
			if !casereview.IsCode(err, c.code) {
				t.Errorf("%s: %v; want %s", c.what, err, c.code)
			}
			sameCounts(t, before, auCounts(t, s))
			if got := journalTail(t, s); got != head {
				t.Errorf("%s: journal moved from %d to %d", c.what, head, got)
			}
			if n := int64(len(auAll(t, s))); n != last {
				t.Errorf("%s: %d events, want %d", c.what, n, last)
			}
		}
		auCheckChain(t, auAll(t, s))
		auVerifyOK(t, s, int(last))

		// No secret ever reaches the trail.
		for _, e := range auAll(t, s) {
			if strings.Contains(e.Before+e.After, "hash-of-secret") || strings.Contains(e.Before+e.After, "new-hash") {
				t.Errorf("event %d (%s) records a secret: %s %s", e.Seq, e.Action, e.Before, e.After)
			}
		}
	})
}

// journalAfterRows returns the n journal rows after `after`, as read, for expectJournal (the
// exact entities are checked by the journal tests; here only that they arrived with the event).
func journalAfterRows(t *testing.T, s *store.Store, after int64, n int) []je {
	t.Helper()
	rows, err := s.JournalAfter(context.Background(), after, 100)
	must(t, err)
	if len(rows) != n {
		t.Fatalf("%d journal rows after %d; want %d", len(rows), after, n)
	}
	out := make([]je, len(rows))
	for i, r := range rows {
		out[i] = je{r.EntityType, r.EntityID}
	}
	return out
}

// The journal and the audit event are written in the same transaction as the change: when the
// audit append fails the change and its journal rows are rolled back, and when the journal
// append fails no event is left behind.
func TestAuditSameTransactionAsTheWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		_, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "First", Kind: "other"})
		must(t, err)
		n := len(auAll(t, s))
		journal := journalTail(t, s)

		// A row squatting on the next audit sequence number makes the audit append fail.
		auExec(t, s, `INSERT INTO audit_events (seq, occurred_at, actor_name, action, entity_type, entity_id, request_id, client_ip, prev_hash, hash)
			SELECT ?, occurred_at, 'squatter', 'x', 'x', 'x', '', '', '', 'x' FROM audit_events WHERE seq = 1`, n+1)
		before := auCounts(t, s)
		if _, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Second", Kind: "other"}); err == nil {
			t.Fatal("the write succeeded although its audit event could not be appended")
		}
		sameCounts(t, before, auCounts(t, s))
		if got := journalTail(t, s); got != journal {
			t.Fatalf("journal moved from %d to %d although the write failed", journal, got)
		}
		if countRows(t, s, "partnerships", "name = ?", "Second") != 0 {
			t.Fatal("the partnership was written without its audit event")
		}
		auBypass(t, s, func() { auExec(t, s, "DELETE FROM audit_events WHERE seq = ?", n+1) })
		auVerifyOK(t, s, n)

		// A row squatting on the next journal sequence number makes the journal append fail.
		auExec(t, s, "INSERT INTO change_journal (seq, entity_type, entity_id, created_at) SELECT ?, entity_type, entity_id, created_at FROM change_journal WHERE seq = 1", journal+1)
		before = auCounts(t, s)
		if _, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Third", Kind: "other"}); err == nil {
			t.Fatal("the write succeeded although its journal rows could not be appended")
		}
		sameCounts(t, before, auCounts(t, s))
		if got := len(auAll(t, s)); got != n {
			t.Fatalf("%d events after a failed write; want %d", got, n)
		}
		auExec(t, s, "DELETE FROM change_journal WHERE seq = ?", journal+1)

		// With the squatters gone the same write goes through with one event and one journal row.
		p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Third", Kind: "other"})
		must(t, err)
		expectJournal(t, s, journal, je{"partnership", p.ID})
		evs := auAll(t, s)
		if len(evs) != n+1 || evs[n].EntityID != p.ID || evs[n].Action != casereview.AuditPartnershipCreated {
			t.Fatalf("after the retry: %d events, last %+v", len(evs), evs[len(evs)-1])
		}
		auCheckChain(t, evs)
		auVerifyOK(t, s, n+1)
	})
}

// Eight writers making twenty writes each leave one unbroken chain: every event numbered
// 1..N, each linked to the one before, all verified, and each writer's events all there.
func TestAuditConcurrentWritersKeepOneChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		start := len(auAll(t, s))
		const writers, writes = 8, 20
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				actor := casereview.Actor{UserID: fmt.Sprintf("0190f0e4-0000-7000-8000-%012d", w+1), Name: fmt.Sprintf("writer %d", w),
					Memberships: []casereview.Membership{{Role: casereview.RoleAdmin}}}
				ctx := casereview.WithActor(context.Background(), actor)
				var p casereview.Partnership
				for i := range writes {
					var err error
					switch {
					case i == 0:
						p, err = s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: fmt.Sprintf("Partnership %d", w), Kind: "other"})
					case i%5 == 0:
						err = s.Audit(ctx, casereview.AuditExport, "partnership", p.ID, map[string]int{"i": i})
					default:
						p, err = s.UpdatePartnership(ctx, p.ID, p.Version, casereview.PartnershipDraft{Name: fmt.Sprintf("Partnership %d v%d", w, i), Kind: "other"})
					}
					if err != nil {
						errs <- fmt.Errorf("writer %d write %d: %w", w, i, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		evs := auAll(t, s)
		want := start + writers*writes
		if len(evs) != want {
			t.Fatalf("%d events; want %d", len(evs), want)
		}
		auCheckChain(t, evs)
		auVerifyOK(t, s, want)
		per := map[string]int{}
		for _, e := range evs[start:] {
			per[e.ActorUserID]++
		}
		if len(per) != writers {
			t.Fatalf("events by %d actors; want %d: %v", len(per), writers, per)
		}
		for id, n := range per {
			if n != writes {
				t.Errorf("actor %s has %d events; want %d", id, n, writes)
			}
		}
		journalTail(t, s) // and the journal has no gaps either
	})
}

// auTamper is one way of interfering with the stored trail. n is the number of events of the
// honest chain; it returns the sequence number VerifyAudit must report as the first broken one.
type auTamper struct {
	name string
	do   func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64
}

var auTampers = []auTamper{
	{"edit after_json", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		auExec(t, s, "UPDATE audit_events SET after_json = ? WHERE seq = 3", strings.Replace(evs[2].After, "Northfold", "Southfold", 1))
		return 3
	}},
	{"edit actor_name", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		auExec(t, s, "UPDATE audit_events SET actor_name = ? WHERE seq = 2", "someone else")
		return 2
	}},
	{"edit and re-hash a middle event", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		e := evs[2]
		e.ActorName = "someone else"
		auExec(t, s, "UPDATE audit_events SET actor_name = ?, hash = ? WHERE seq = 3", e.ActorName, e.ComputeHash())
		return 4
	}},
	{"edit and re-hash the last event", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		e := evs[len(evs)-1]
		e.After = `{"rows":0}`
		auExec(t, s, "UPDATE audit_events SET after_json = ?, hash = ? WHERE seq = ?", e.After, e.ComputeHash(), e.Seq)
		return e.Seq
	}},
	{"delete a middle event", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		auExec(t, s, "DELETE FROM audit_events WHERE seq = 3")
		return 4
	}},
	{"delete the first event", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		auExec(t, s, "DELETE FROM audit_events WHERE seq = 1")
		return 2
	}},
	{"delete the last event", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		auExec(t, s, "DELETE FROM audit_events WHERE seq = ?", len(evs))
		return int64(len(evs))
	}},
	{"delete every event", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		auExec(t, s, "DELETE FROM audit_events")
		return 1
	}},
	{"swap two events (reorder)", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		auExec(t, s, "UPDATE audit_events SET seq = -3 WHERE seq = 3")
		auExec(t, s, "UPDATE audit_events SET seq = 3 WHERE seq = 4")
		auExec(t, s, "UPDATE audit_events SET seq = 4 WHERE seq = -3")
		return 3
	}},
	{"insert a forged event after the last", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		// A careful forger links the new event to the last one and hashes it correctly.
		return auForge(t, s, evs, int64(len(evs)+1), evs[len(evs)-1].Hash)
	}},
	{"insert a forged event before the first", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		return auForge(t, s, evs, 0, "")
	}},
	{"insert a forged event with a negative number", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) int64 {
		return auForge(t, s, evs, -5, "")
	}},
}

// auForge inserts a made-up event numbered seq, linked to prev and correctly hashed, copying
// the stored time of event 1 so that the hash covers exactly what is stored.
func auForge(t *testing.T, s *store.Store, evs []casereview.AuditEvent, seq int64, prev string) int64 {
	t.Helper()
	e := evs[0]
	e.Seq, e.Action, e.EntityType, e.EntityID, e.ActorName, e.Before, e.After, e.PrevHash =
		seq, casereview.AuditExport, "review", "all", "system", "", `{"rows":999}`, prev
	e.Hash = e.ComputeHash()
	auExec(t, s, `INSERT INTO audit_events (seq, occurred_at, actor_user_id, actor_name, actor_organisation_id, action, entity_type, entity_id,
		before_json, after_json, request_id, client_ip, prev_hash, hash)
		SELECT ?, occurred_at, actor_user_id, ?, actor_organisation_id, ?, ?, ?, NULL, ?, request_id, client_ip, ?, ? FROM audit_events WHERE seq = 1`,
		e.Seq, e.ActorName, string(e.Action), e.EntityType, e.EntityID, e.After, e.PrevHash, e.Hash)
	return seq
}

// auHonestChain makes a few audited writes: the taxonomy seed, a partnership, two
// organisations, a review and an export.
func auHonestChain(t *testing.T, s *store.Store) []casereview.AuditEvent {
	t.Helper()
	newFixture(t, s)
	must(t, s.Audit(sysCtx(), casereview.AuditExport, "review", "all", map[string]int{"rows": 1}))
	evs := auAll(t, s)
	if len(evs) != 6 {
		t.Fatalf("%d events in the honest chain; want 6", len(evs))
	}
	return evs
}

// Every kind of tampering is found, at the right event. The cases share one database: the
// honest trail is copied aside first and put back after each case.
func TestAuditTamperingIsDetected(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		evs := auHonestChain(t, s)
		auExec(t, s, "CREATE TABLE audit_honest AS SELECT * FROM audit_events")
		for _, c := range auTampers {
			t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
				auVerifyOK(t, s, len(evs))
				defer auBypass(t, s, func() {
					auExec(t, s, "DELETE FROM audit_events")
					auExec(t, s, "INSERT INTO audit_events SELECT * FROM audit_honest")
				})
				var want int64
				auBypass(t, s, func() { want = c.do(t, s, evs) })
				r, err := s.VerifyAudit(sysCtx(), nil)
				must(t, err)
				if r.OK || r.BrokenAt != want || r.Problem == "" {
					t.Fatalf("VerifyAudit after %s: %+v; want broken at %d", c.name, r, want)
				}
			})
		}
		auVerifyOK(t, s, len(evs))
	})
}

// Without superuser tricks the trail is append-only: UPDATE and DELETE (and on PostgreSQL
// TRUNCATE) are refused by the database itself, and the chain is untouched.
func TestAuditTableIsAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		evs := auHonestChain(t, s)
		stmts := []string{
			"UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 2",
			"UPDATE audit_events SET after_json = NULL",
			"DELETE FROM audit_events WHERE seq = 6",
			"DELETE FROM audit_events",
		}
		if dialect == "postgres" {
			stmts = append(stmts, "TRUNCATE audit_events")
		}
		for _, q := range stmts {
			err := execSQL(s, q)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v; want the append-only refusal", q, err)
			}
		}
		if got := auAll(t, s); !reflect.DeepEqual(got, evs) {
			t.Fatalf("the trail changed although every statement was refused")
		}
		auVerifyOK(t, s, len(evs))
	})
}

// Only the system, admins and oversight read or verify the trail; an anonymous caller is told
// to sign in.
func TestAuditReadAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		for _, c := range []struct {
			role casereview.Role
			ok   bool
		}{{casereview.RoleAdmin, true}, {casereview.RoleOversight, true}, {casereview.RoleViewer, false}, {casereview.RolePanel, false}} {
			m := casereview.Membership{Role: c.role}
			if c.role == casereview.RolePanel {
				m.PartnershipID = "0190f0e4-0000-7000-8000-000000000001"
			}
			ctx := casereview.WithActor(context.Background(), casereview.Actor{UserID: "0190f0e4-0000-7000-8000-000000000009", Name: "x", Memberships: []casereview.Membership{m}})
			_, errList := s.ListAudit(ctx, casereview.AuditFilter{}, 10, 0)
			_, errVerify := s.VerifyAudit(ctx, nil)
			if c.ok && (errList != nil || errVerify != nil) {
				t.Errorf("%s: %v / %v", c.role, errList, errVerify)
			}
			if !c.ok && (!casereview.IsCode(errList, casereview.CodeForbidden) || !casereview.IsCode(errVerify, casereview.CodeForbidden)) {
				t.Errorf("%s: %v / %v; want forbidden", c.role, errList, errVerify)
			}
		}
		_, errList := s.ListAudit(context.Background(), casereview.AuditFilter{}, 10, 0)
		_, errVerify := s.VerifyAudit(context.Background(), nil)
		if !casereview.IsCode(errList, casereview.CodeUnauthenticated) || !casereview.IsCode(errVerify, casereview.CodeUnauthenticated) {
			t.Errorf("anonymous: %v / %v; want unauthenticated", errList, errVerify)
		}
	})
}
