package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// alNotifications is the caller's notifications of kind.
func alNotifications(t *testing.T, s *apitest.Server, tok, kind string) []map[string]any {
	t.Helper()
	var body struct {
		Items []map[string]any `json:"items"`
	}
	do(t, s, http.StatusOK, "GET", "/api/v1/notifications", nil, auBearer(tok)...).JSON(t, &body)
	var out []map[string]any
	for _, n := range body.Items {
		if n["kind"] == kind {
			out = append(out, n)
		}
	}
	return out
}

// The issue's "Done when": a saved search alert fires when a matching recommendation is added.
// A panel member of the partnership and a viewer both watch "stalking"; a recommendation about
// stalking is added to a restricted review through the API and the job runs: the panel member
// is told (once: running again tells nobody again), the viewer, who may not read it, never is.
// When the panel member loses the membership, a change to it is not mentioned to them either.
func TestSavedSearchAlertFiresWhenAMatchingRecommendationIsAdded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		sys := casereview.WithActor(context.Background(), casereview.System)
		f := newFixture(t, s)
		panel, panelTok := auUser(t, s, "pam@example.org", "Pam Panel", "", casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: f.Partnership})
		_, viewerTok := auUser(t, s, "vic@example.org", "Vic Viewer", "", casereview.MembershipDraft{Role: casereview.RoleViewer})
		restricted := idOf(create(t, s, "reviews", map[string]any{"type": "DHR", "partnership_id": f.Partnership, "reference": "WM-DHR-2025-02",
			"title": "Adult B", "visibility": "restricted"}))
		s.WaitForIndex()
		for _, tok := range []string{panelTok, viewerTok} {
			r := do(t, s, http.StatusCreated, "POST", "/api/v1/saved-searches", map[string]any{"name": "Stalking in Westmarch",
				"query": "sort=newest&q=stalking", "watch": true}, auBearer(tok)...)
			if m := decode(t, r); m["query"] != "q=stalking&sort=newest" || m["search_url"] != "/search?q=stalking&sort=newest" {
				t.Fatalf("saved search %v: want the canonical query", m)
			}
		}
		run := func() {
			t.Helper()
			s.WaitForIndex()
			if _, err := s.App.RunNotifications(sys, false); err != nil {
				t.Fatal(err)
			}
		}
		run() // nothing changed yet: nobody is told
		if n := alNotifications(t, s, panelTok, "search_alert"); len(n) != 0 {
			t.Fatalf("alerts before any change: %v", n)
		}

		rec := idOf(create(t, s, "recommendations", map[string]any{"review_id": restricted, "number": "1", "scope": "local",
			"title": "Stalking advocacy", "text": "Commission specialist stalking advocacy for victims.",
			"addressees": []map[string]any{{"organisation_id": f.Police, "role": "lead"}}}))
		idOf(create(t, s, "recommendations", map[string]any{"review_id": restricted, "number": "2", "scope": "local",
			"title": "Training", "text": "Train call handlers in risk assessment.",
			"addressees": []map[string]any{{"organisation_id": f.Police, "role": "lead"}}}))
		run()
		got := alNotifications(t, s, panelTok, "search_alert")
		if len(got) != 1 {
			t.Fatalf("panel member's alerts: %v, want one", got)
		}
		if got[0]["summary"] != "1 new recommendation matches your saved search 'Stalking in Westmarch'" || got[0]["link"] != "/recommendations/"+rec {
			t.Errorf("alert %v", got[0])
		}
		if n := alNotifications(t, s, viewerTok, "search_alert"); len(n) != 0 {
			t.Errorf("the viewer, who may not read the restricted review, was told: %v", n)
		}
		// The email (immediately, the default) carries the summary and a link, nothing of the record.
		var emails int
		for _, m := range outboxOf(t, s) {
			if m.Kind == casereview.NotifySearchAlert {
				emails++
				if m.RecipientEmail != "pam@example.org" || strings.Contains(m.Body, "specialist") || !strings.Contains(m.Body, "/recommendations/"+rec) {
					t.Errorf("alert email to %s: %q", m.RecipientEmail, m.Body)
				}
			}
		}
		if emails != 1 {
			t.Errorf("%d alert emails, want 1", emails)
		}

		run() // idempotent: the same changes are not alerted twice
		if n := alNotifications(t, s, panelTok, "search_alert"); len(n) != 1 {
			t.Errorf("after a second run: %d alerts, want 1", len(n))
		}

		// The panel member loses the partnership: a change to the recommendation is not theirs to hear of.
		if _, err := s.App.Store().RemoveMembership(sys, panel.ID, panel.Memberships[0].ID); err != nil {
			t.Fatal(err)
		}
		do(t, s, http.StatusOK, "PATCH", "/api/v1/recommendations/"+rec, map[string]any{"title": "Stalking advocacy services"},
			"If-Match", etagOf(t, s, "/api/v1/recommendations/"+rec))
		run()
		if n := alNotifications(t, s, panelTok, "search_alert"); len(n) != 1 {
			t.Errorf("after losing access: %d alerts, want still 1: %v", len(n), n)
		}
	})
}

// Followers are told of changes to what they follow, made by others, while they may read it;
// not the person who made the change.
func TestFollowersAreToldOfChangesByOthers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		sys := casereview.WithActor(context.Background(), casereview.System)
		f := newFixture(t, s)
		_, editorTok := auUser(t, s, "ed@example.org", "Ed Editor", "", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: f.Police})
		_, viewerTok := auUser(t, s, "vic@example.org", "Vic Viewer", "", casereview.MembershipDraft{Role: casereview.RoleViewer})
		_, otherTok := auUser(t, s, "olly@example.org", "Olly Viewer", "", casereview.MembershipDraft{Role: casereview.RoleViewer})
		shared := idOf(create(t, s, "reviews", map[string]any{"type": "DHR", "partnership_id": f.Partnership, "reference": "WM-DHR-2025-03",
			"title": "Adult C", "visibility": "shared"}))
		rec := idOf(create(t, s, "recommendations", map[string]any{"review_id": shared, "number": "1", "scope": "local",
			"text": "Train staff.", "addressees": []map[string]any{{"organisation_id": f.Police, "role": "lead"}}}))
		if _, err := s.App.RunNotifications(sys, false); err != nil { // the follow job starts at the trail's head
			t.Fatal(err)
		}
		for _, tok := range []string{editorTok, viewerTok} {
			if m := decode(t, do(t, s, http.StatusOK, "PUT", "/api/v1/recommendations/"+rec+"/follow", nil, auBearer(tok)...)); m["following"] != true {
				t.Fatalf("follow: %v", m)
			}
		}
		if m := decode(t, do(t, s, http.StatusOK, "GET", "/api/v1/recommendations/"+rec+"/follow", nil, auBearer(otherTok)...)); m["following"] != false {
			t.Fatalf("another's follow state: %v", m)
		}
		// The editor records an action: the viewer hears of it, the editor does not.
		do(t, s, http.StatusCreated, "POST", "/api/v1/recommendations/"+rec+"/actions",
			map[string]any{"organisation_id": f.Police, "description": "Refresh training"}, auBearer(editorTok)...)
		for i := 0; i < 2; i++ {
			if _, err := s.App.RunNotifications(sys, false); err != nil {
				t.Fatal(err)
			}
		}
		got := alNotifications(t, s, viewerTok, "followed")
		if len(got) != 1 || got[0]["summary"] != "Recommendation 1 of WM-DHR-2025-03: an action was added" || got[0]["link"] != "/recommendations/"+rec {
			t.Errorf("viewer's notifications: %v", got)
		}
		if n := alNotifications(t, s, editorTok, "followed"); len(n) != 0 {
			t.Errorf("the editor was told of their own change: %v", n)
		}
		if n := alNotifications(t, s, otherTok, "followed"); len(n) != 0 {
			t.Errorf("someone who does not follow it was told: %v", n)
		}
		// The review becomes restricted: the viewer may no longer read it, and hears nothing more.
		do(t, s, http.StatusOK, "PATCH", "/api/v1/reviews/"+shared, map[string]any{"visibility": "restricted"}, "If-Match", etagOf(t, s, "/api/v1/reviews/"+shared))
		do(t, s, http.StatusCreated, "POST", "/api/v1/recommendations/"+rec+"/actions",
			map[string]any{"organisation_id": f.Police, "description": "Audit referrals"}, auBearer(editorTok)...)
		if _, err := s.App.RunNotifications(sys, false); err != nil {
			t.Fatal(err)
		}
		if n := alNotifications(t, s, viewerTok, "followed"); len(n) != 1 {
			t.Errorf("after losing access the viewer has %d notifications, want still 1: %v", len(n), n)
		}
		// Unfollowing, and the list of what one follows.
		var list struct {
			Items []map[string]any `json:"items"`
		}
		do(t, s, http.StatusOK, "GET", "/api/v1/follows", nil, auBearer(editorTok)...).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0]["id"] != rec {
			t.Errorf("editor's follows: %v", list.Items)
		}
		if m := decode(t, do(t, s, http.StatusOK, "DELETE", "/api/v1/recommendations/"+rec+"/follow", nil, auBearer(editorTok)...)); m["following"] != false {
			t.Errorf("unfollow: %v", m)
		}
	})
}

func outboxOf(t *testing.T, s *apitest.Server) []casereview.OutboxMessage {
	t.Helper()
	ms, err := s.App.Store().ListOutbox(casereview.WithActor(context.Background(), casereview.System), casereview.OutboxFilter{}, 500)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// In the demo (make run), the oversight officer and the panel member watch "Stalking": adding
// a recommendation about stalking to a restricted review of another partnership alerts the
// oversight officer, who reads everything, and not the panel member, who may not read it.
func TestDemoWatchedSearchAlertsOnANewRecommendation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{Demo: true, Now: time.Now})
		sys := casereview.WithActor(context.Background(), casereview.System)
		tokenOf := func(email string) string {
			t.Helper()
			us, err := s.App.Store().ListUsers(sys, casereview.UserFilter{Email: email}, casereview.PageRequest{Limit: 1})
			if err != nil || len(us.Items) != 1 {
				t.Fatalf("demo user %s: %v", email, err)
			}
			tok, _, err := s.IssueToken(sys, us.Items[0], "alerts test")
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		oversight, panel := tokenOf("oversight@demo.casereview.invalid"), tokenOf("panel@demo.casereview.invalid")
		run := func() {
			t.Helper()
			s.WaitForIndex()
			if _, err := s.App.RunNotifications(sys, false); err != nil {
				t.Fatal(err)
			}
		}
		run() // what the demo's own tracking changed is alerted first
		before := map[string]int{"oversight": len(alNotifications(t, s, oversight, "search_alert")), "panel": len(alNotifications(t, s, panel, "search_alert"))}

		p := idOf(create(t, s, "partnerships", map[string]any{"name": "Northfold Safeguarding Adults Board", "kind": "safeguarding_adults_board"}))
		o := idOf(create(t, s, "organisations", map[string]any{"name": "Northfold Police", "sector": "police"}))
		r := idOf(create(t, s, "reviews", map[string]any{"type": "DHR", "partnership_id": p, "reference": "NF-DHR-2026-01", "title": "Adult N", "visibility": "restricted"}))
		rec := idOf(create(t, s, "recommendations", map[string]any{"review_id": r, "number": "1", "scope": "local",
			"text": "Give every stalking victim a named advocate.", "addressees": []map[string]any{{"organisation_id": o, "role": "lead"}}}))
		run()
		got := alNotifications(t, s, oversight, "search_alert")
		if len(got) != before["oversight"]+1 || got[0]["link"] != "/recommendations/"+rec ||
			got[0]["summary"] != "1 new recommendation matches your saved search 'Stalking'" {
			t.Fatalf("oversight's alerts: %d before, now %v", before["oversight"], got)
		}
		if n := alNotifications(t, s, panel, "search_alert"); len(n) != before["panel"] {
			t.Errorf("the panel member, who may not read the review, was alerted: %v", n)
		}
	})
}
