package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/webtest"
)

// Demo data used below (internal/demo/demo.json, fictional): the DHR "Adult D" (EM-DHR-2021-02,
// Eastmere Community Safety Partnership, shared). Its recommendation 2 is addressed to Eastmere
// and Vale Police (lead), Harbourlight (supporting) and Eastmere Council Children's Services
// (for information), with one police action; recommendation 4 to the OPCC and Harbourlight;
// recommendation 8 to the police, the ICB and Eastmere Homes, with actions of two of them.

func demoRec(t *testing.T, s *webtest.Site, reference, number string) casereview.Recommendation {
	t.Helper()
	st := s.API.App.Store()
	rvs, err := st.ListReviews(webtest.System(), casereview.ReviewFilter{Reference: reference}, casereview.PageRequest{Limit: 5})
	if err != nil || len(rvs.Items) != 1 {
		t.Fatalf("review %s: %v (%d found)", reference, err, len(rvs.Items))
	}
	recs, err := st.ListRecommendations(webtest.System(), casereview.RecommendationFilter{ReviewID: rvs.Items[0].ID}, casereview.PageRequest{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs.Items {
		if r.Number == number {
			return r
		}
	}
	t.Fatalf("no recommendation %s in %s", number, reference)
	return casereview.Recommendation{}
}

func actionsOf(t *testing.T, st *store.Store, recID string) []casereview.Action {
	t.Helper()
	res, err := st.ListActions(webtest.System(), casereview.ActionFilter{RecommendationID: recID}, casereview.PageRequest{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return res.Items
}

// actionOf returns the action of rec owned by the organisation called org.
func actionOf(t *testing.T, s *webtest.Site, recID, org string) casereview.Action {
	t.Helper()
	orgID, _ := s.ScopeID(org)
	for _, a := range actionsOf(t, s.API.App.Store(), recID) {
		if a.OrganisationID == orgID {
			return a
		}
	}
	t.Fatalf("no action of %s on %s", org, recID)
	return casereview.Action{}
}

func actorOf(u casereview.User) casereview.Actor {
	return casereview.Actor{UserID: u.ID, Name: u.DisplayName, Memberships: u.Memberships}
}

func texts(sel *goquery.Selection) []string {
	var out []string
	sel.Each(func(_ int, x *goquery.Selection) { out = append(out, strings.Join(strings.Fields(x.Text()), " ")) })
	return out
}

func TestRecommendationPageShowsEverything(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		sys := webtest.System()
		rec := demoRec(t, s, "EM-DHR-2021-02", "2")
		other := demoRec(t, s, "EM-DHR-2021-02", "1")
		harbourlight, _ := s.ScopeID("Harbourlight Domestic Abuse Service")
		police := actionOf(t, s, rec.ID, "Eastmere and Vale Police")

		// Some history: a response, progress, evidence of both kinds, a link.
		if _, err := st.RecordResponse(sys, rec.ID, casereview.ResponseDraft{OrganisationID: harbourlight, Decision: casereview.ResponseNotAccepted,
			Narrative: "Harbourlight cannot fund a second worker.", Reasons: "No funding this year."}); err != nil {
			t.Fatal(err)
		}
		s.Clock.Advance(time.Minute)
		if _, err := st.ProgressAction(sys, police.ID, police.Version, casereview.ActionProgress{Status: casereview.ImplInProgress, Narrative: "Briefing drafted."}); err != nil {
			t.Fatal(err)
		}
		s.Clock.Advance(time.Minute)
		link, err := st.AddEvidence(sys, police.ID, casereview.EvidenceDraft{Title: "Briefing note", URL: "https://example.org/briefing"})
		if err != nil {
			t.Fatal(err)
		}
		s.Clock.Advance(time.Minute)
		file, err := st.AddEvidence(sys, police.ID, casereview.EvidenceDraft{Title: "Attendance", Filename: "attendance.txt", Content: []byte("officers trained: 40\n")})
		if err != nil {
			t.Fatal(err)
		}
		s.Clock.Advance(time.Minute)
		if _, err := st.AddLink(sys, rec.ID, casereview.LinkDraft{Type: "repeats", TargetID: other.ID, Note: "Same lesson as before"}); err != nil {
			t.Fatal(err)
		}

		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		p := b.Get("/recommendations/" + rec.ID).Must(http.StatusOK)

		if h := p.Text("h1"); !strings.HasPrefix(h, "Recommendation 2: ") {
			t.Errorf("heading = %q", h)
		}
		if !p.Has(`a[href="/reviews/`+rec.ReviewID+`"]`) || !strings.Contains(p.Text(".govuk-caption-l"), "EM-DHR-2021-02") {
			t.Error("no link to the review, or no reference in the caption")
		}
		if got := p.Doc.Find("#recommendation-text").Text(); got != rec.Text {
			t.Errorf("verbatim text = %q, want %q", got, rec.Text)
		}
		details := p.Text("#details")
		for _, want := range []string{"Scope", "Local", "Intervention type", "Response due", "Issued", "Themes", "Flags"} {
			if !strings.Contains(details, want) {
				t.Errorf("details lack %q: %s", want, details)
			}
		}
		if p.Doc.Find("#themes li").Length() != len(rec.Themes) || p.Doc.Find("#themes .app-theme-primary").Length() != 1 {
			t.Errorf("themes = %q", p.Text("#themes"))
		}
		// The lead (the police) has not answered; the supporting addressee's answer does not count.
		if p.Text("#status-response") != "Awaiting response" {
			t.Errorf("response status = %q", p.Text("#status-response"))
		}
		for _, id := range []string{"#status-implementation", "#status-oversight"} {
			if !p.Has(id + " .govuk-tag") {
				t.Errorf("no tag in %s", id)
			}
		}
		rows := texts(p.Doc.Find("#addressees tbody tr"))
		if len(rows) != 3 || !strings.Contains(strings.Join(rows, "|"), "For information") || !strings.Contains(strings.Join(rows, "|"), "Lead") {
			t.Errorf("addressees = %q", rows)
		}
		if !strings.Contains(p.Text("#addressees"), "Not accepted") {
			t.Errorf("Harbourlight's response is not shown: %q", p.Text("#addressees"))
		}
		if !strings.Contains(p.Text("#responses"), "No funding this year.") {
			t.Errorf("responses = %q", p.Text("#responses"))
		}
		card := p.Doc.Find("#action-" + police.ID)
		if !strings.Contains(card.Text(), police.Description) || !strings.Contains(card.Text(), "In progress") {
			t.Errorf("police action card = %q", strings.Join(strings.Fields(card.Text()), " "))
		}
		if card.Find(`a[href="/evidence/`+file.ID+`/file"]`).Length() != 1 || card.Find(`a[href="https://example.org/briefing"]`).Length() != 1 {
			t.Error("the evidence is not linked (file download and URL)")
		}
		if card.Find(".govuk-tag:contains('Pending')").Length() != 2 {
			t.Errorf("evidence tags: %q", texts(card.Find(".app-evidence-list .govuk-tag")))
		}
		// Oversight's links; oversight does not edit another organisation's action.
		for _, href := range []string{"/recommendations/" + rec.ID + "/assess", "/evidence/" + link.ID + "/review",
			"/recommendations/" + rec.ID + "/links/new"} {
			if !p.Has(`a[href="` + href + `"]`) {
				t.Errorf("oversight has no link to %s", href)
			}
		}
		if card.Find(`a[href="/actions/`+police.ID+`/edit"]`).Length() != 0 || p.Has(`a[href="/recommendations/`+rec.ID+`/respond"]`) {
			t.Error("oversight is offered the agency's own edits")
		}
		if !strings.Contains(p.Text("#links"), "Repeats") || !p.Has(`#links a[href="/recommendations/`+other.ID+`"]`) || !p.Has(`#links form[action^="/links/"]`) {
			t.Errorf("links = %q", p.Text("#links"))
		}
		// The timeline: newest first, every kind, who and when.
		tl := texts(p.Doc.Find("#timeline .moj-timeline__title"))
		want := []string{"Linked: repeats", "Evidence added", "Evidence added", "Action status changed", "Response recorded"}
		if strings.Join(tl, "|") != strings.Join(want, "|") {
			t.Errorf("timeline = %q, want %q", tl, want)
		}
		if got := texts(p.Doc.Find("#timeline .app-timeline-status .govuk-tag")); !slices.Contains(got, "Not started") || !slices.Contains(got, "In progress") {
			t.Errorf("the status change is not shown: %q", p.Text("#timeline"))
		}
		if !strings.Contains(p.Text("#timeline"), "Same lesson as before") || strings.Contains(p.Text("#timeline"), rec.ID+" repeats") {
			t.Errorf("link entry = %q", p.Text("#timeline"))
		}
		if p.Doc.Find("#timeline time[datetime]").Length() != 5 {
			t.Error("timeline entries have no time")
		}
		// The search index runs in tests, so more-like-this is shown.
		if !p.Has("#similar") {
			t.Error("no similar recommendations section")
		}
		// Oversight may not decide theme suggestions or edit the recommendation.
		if p.Has("#suggestions") || p.Has(`a[href="/recommendations/`+rec.ID+`/edit"]`) {
			t.Error("oversight is offered the panel's edits")
		}
	})
}

func TestRecommendationPageForThePanel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		s.User("panel@example.test", casereview.RolePanel, "Eastmere Community Safety Partnership")
		b := s.Browser()
		b.SignIn("panel@example.test")
		// The first of the partnership's recommendations with a suggestion.
		var rec casereview.Recommendation
		var sugs []casereview.ThemeSuggestion
		for _, n := range []string{"1", "2", "3a", "3b", "4", "5", "6", "7", "8"} {
			rec = demoRec(t, s, "EM-DHR-2021-02", n)
			var err error
			if sugs, err = st.ThemeSuggestions(webtest.System(), rec.ID); err != nil {
				t.Fatal(err)
			}
			if len(sugs) > 0 {
				break
			}
		}
		p := b.Get("/recommendations/" + rec.ID).Must(http.StatusOK)
		if !p.Has(`a[href="/recommendations/`+rec.ID+`/edit"]`) || !p.Has(`a[href="/recommendations/`+rec.ID+`/links/new"]`) {
			t.Error("the panel is not offered to edit or link the recommendation")
		}
		if len(sugs) == 0 {
			t.Skip("no demo recommendation has theme suggestions")
		}
		for _, sg := range sugs {
			for _, d := range []string{"accept", "reject"} {
				if !p.Has(`#suggestions form[action="/recommendations/` + rec.ID + `/themes/` + sg.Code + `/` + d + `"] button`) {
					t.Errorf("no %s button for suggested theme %s", d, sg.Code)
				}
			}
		}
		if p.Has(`a[href="/recommendations/` + rec.ID + `/assess"]`) {
			t.Error("the panel is offered oversight's assessment")
		}
	})
}

func TestAgencyEditorSeesOnlyItsOwnButtons(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		b := s.Browser()
		b.SignIn("police@example.test")

		// Recommendation 8 is addressed to the police, the ICB and Eastmere Homes; the police and
		// the ICB each own an action.
		rec := demoRec(t, s, "EM-DHR-2021-02", "8")
		police, icb := actionOf(t, s, rec.ID, "Eastmere and Vale Police"), actionOf(t, s, rec.ID, "NHS Eastmere and Hollowbrook Integrated Care Board")
		p := b.Get("/recommendations/" + rec.ID).Must(http.StatusOK)
		if !p.Has(`a[href="/recommendations/`+rec.ID+`/respond"]`) || !p.Has(`a[href="/recommendations/`+rec.ID+`/actions/new"]`) {
			t.Error("an addressed agency is not offered Record response and Add an action")
		}
		for _, path := range []string{"/progress", "/edit", "/evidence/new"} {
			if !p.Has(`#action-` + police.ID + ` a[href="/actions/` + police.ID + path + `"]`) {
				t.Errorf("no %s link on the agency's own action", path)
			}
			if p.Has(`a[href="/actions/` + icb.ID + path + `"]`) {
				t.Errorf("a %s link on another agency's action", path)
			}
		}
		for _, href := range []string{"/assess", "/links/new", "/edit"} {
			if p.Has(`a[href="/recommendations/` + rec.ID + href + `"]`) {
				t.Errorf("an agency editor is offered %s", href)
			}
		}

		// Recommendation 4 is addressed to the OPCC and Harbourlight, not to the police.
		rec4 := demoRec(t, s, "EM-DHR-2021-02", "4")
		p = b.Get("/recommendations/" + rec4.ID).Must(http.StatusOK)
		if p.Has(`a[href="/recommendations/`+rec4.ID+`/respond"]`) || p.Has(`a[href="/recommendations/`+rec4.ID+`/actions/new"]`) ||
			p.Has(`.govuk-summary-card__actions`) {
			t.Error("an agency that is not addressed is offered to respond or act")
		}
		// And the forms themselves say no.
		b.Get("/recommendations/" + rec4.ID + "/respond").Must(http.StatusForbidden)
		b.Get("/actions/" + icb.ID + "/edit").Must(http.StatusForbidden)
		b.Get("/actions/" + icb.ID + "/evidence/new").Must(http.StatusForbidden)
	})
}

// A closed recommendation is settled: its page offers no change but reopening, and says why.
func TestClosedRecommendationPageOffersNoChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("panel@example.test", casereview.RolePanel, "Kingsford Vale Coroner Area")
		s.User("oversight@example.test", casereview.RoleOversight, "")
		closed, err := s.API.App.Store().ListRecommendations(webtest.System(),
			casereview.RecommendationFilter{OversightStatus: casereview.OversightStatus("closed_acceptable_action"), OrganisationID: orgID(s, "Eastmere and Vale Police")},
			casereview.PageRequest{Limit: 1})
		if err != nil || len(closed.Items) == 0 {
			t.Fatalf("the demo has no closed recommendation addressed to the police: %v", err)
		}
		path := "/recommendations/" + closed.Items[0].ID
		for _, who := range []string{"police@example.test", "panel@example.test"} {
			b := s.Browser()
			b.SignIn(who)
			p := b.Get(path).Must(http.StatusOK)
			if !p.Has("#settled") {
				t.Errorf("%s: no notice that the record is settled", who)
			}
			for _, sel := range []string{`a[href$="/respond"]`, `a[href$="/actions/new"]`, `a[href$="/progress"]`, `a[href$="/evidence/new"]`, `a[href$="/edit"]`} {
				if p.Has(sel) {
					t.Errorf("%s: a closed recommendation offers %s", who, sel)
				}
			}
		}
		b := s.Browser()
		b.SignIn("oversight@example.test")
		if p := b.Get(path).Must(http.StatusOK); !strings.Contains(p.Text(`a[href$="/assess"]`), "Reopen") {
			t.Errorf("oversight is not offered to reopen: %q", p.Text(`a[href$="/assess"]`))
		}
	})
}

// An agency addressed by a recommendation of a restricted review reads and answers it in the
// browser, without learning anything else of the review.
func TestAddresseeOfARestrictedReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		police := orgID(s, "Eastmere and Vale Police")
		_, partnership := s.ScopeID("Hollowbrook Safeguarding Children Partnership")
		ctx := webtest.System()
		rv, err := st.CreateReview(ctx, casereview.ReviewDraft{Type: "CSPR", PartnershipID: partnership, Reference: "HB-CSPR-2026-77",
			Title: "Child Q", Status: casereview.ReviewInProgress, Visibility: casereview.VisibilityRestricted})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := st.CreateRecommendation(ctx, casereview.RecommendationDraft{ReviewID: rv.ID, Number: "1", Scope: "local",
			Text:       "The police should share child protection concerns with the school nurse within one working day.",
			Addressees: []casereview.AddresseeDraft{{OrganisationID: police, Role: casereview.RoleLead}}})
		if err != nil {
			t.Fatal(err)
		}
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		b := s.Browser()
		b.SignIn("police@example.test")
		p := b.Get("/recommendations/" + rec.ID).Must(http.StatusOK)
		if !p.Has("#review-restricted") || strings.Contains(p.Body, "Child Q") || strings.Contains(p.Body, "HB-CSPR-2026-77") {
			t.Errorf("the addressee's page names the restricted review or does not explain why it cannot")
		}
		if !p.Has(`a[href="/recommendations/` + rec.ID + `/respond"]`) {
			t.Fatal("the addressee is not offered to record its response")
		}
		b.Get("/recommendations/" + rec.ID + "/respond").Must(http.StatusOK)
		p = b.Post("/recommendations/"+rec.ID+"/respond", url.Values{"organisation_id": {police}, "decision": {"accepted"},
			"narrative": {"Agreed."}, "timetable": {"By March."}})
		if p.Status != http.StatusOK || !strings.Contains(p.Text(".govuk-notification-banner"), "Response recorded") {
			t.Fatalf("responding ended at %s (%d): %v", p.URL, p.Status, p.Errors())
		}
		if b.Get("/reviews/"+rv.ID).Status != http.StatusNotFound {
			t.Error("the addressee can open the restricted review")
		}
	})
}
