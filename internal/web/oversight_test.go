package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// The oversight officer's journeys: reviewing evidence and claims, assessing, closing and
// reopening recommendations, linking them, and deciding theme suggestions. The recommendation
// page these forms return to is built elsewhere, so each effect is checked in the store.

const (
	ovOfficer = "oversight@example.test"
	ovEditor  = "editor@example.test"
	ovPanel   = "panel@example.test"
	ovPolice  = "Eastmere and Vale Police"
)

// ovClaim is an action of the police on a demo recommendation, claimed implemented with one item
// of evidence that waits for oversight.
type ovClaim struct {
	rec casereview.Recommendation
	act casereview.Action
	ev  casereview.Evidence
}

func ovStore(s *webtest.Site) casereview.Service { return s.API.App.Store() }

// ovPoliceRec is a demo recommendation the police lead on that the demo's own tracking left
// untouched: awaiting its response, unassessed, not started and linked to nothing (the demo
// also holds police recommendations already answered, assessed, closed or linked).
func ovPoliceRec(t *testing.T, s *webtest.Site, skip int) casereview.Recommendation {
	t.Helper()
	org, _ := s.ScopeID(ovPolice)
	page, err := ovStore(s).ListRecommendations(webtest.System(), casereview.RecommendationFilter{OrganisationID: org,
		AddresseeRole: casereview.RoleLead, ResponseStatus: casereview.ResponseAwaiting, OversightStatus: casereview.OversightUnassessed},
		casereview.PageRequest{Limit: 50})
	if err != nil {
		t.Fatalf("demo recommendations led by the police: %v", err)
	}
	var untouched []casereview.Recommendation
	for _, r := range page.Items {
		if r = ovRec(t, s, r.ID); r.ImplementationStatus == casereview.ImplNotStarted && len(r.Links) == 0 {
			untouched = append(untouched, r)
		}
	}
	if len(untouched) <= skip {
		t.Fatalf("untouched demo recommendations led by the police: %d", len(untouched))
	}
	return untouched[skip]
}

func ovNewClaim(t *testing.T, s *webtest.Site, rec casereview.Recommendation) ovClaim {
	t.Helper()
	st, ctx := ovStore(s), webtest.System()
	org, _ := s.ScopeID(ovPolice)
	target := casereview.MustDate("2027-03-31")
	act, err := st.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: org,
		Description: "Audit fifty DASH forms for the strangulation question.", Owner: "Head of Public Protection", TargetDate: &target})
	if err != nil {
		t.Fatal(err)
	}
	if act, err = st.ProgressAction(ctx, act.ID, act.Version, casereview.ActionProgress{Status: casereview.ImplInProgress, Narrative: "Started."}); err != nil {
		t.Fatal(err)
	}
	ev, err := st.AddEvidence(ctx, act.ID, casereview.EvidenceDraft{Title: "DASH audit report, Q3", EvidenceType: "audit_result",
		URL: "https://example.org/evp/dash-audit-q3"})
	if err != nil {
		t.Fatal(err)
	}
	outcome := "49 of 50 forms answered the strangulation question."
	if act, err = st.ProgressAction(ctx, act.ID, act.Version, casereview.ActionProgress{Status: casereview.ImplPending, Outcome: &outcome}); err != nil {
		t.Fatal(err)
	}
	return ovClaim{rec: rec, act: act, ev: ev}
}

func ovEvidence(t *testing.T, s *webtest.Site, id string) casereview.Evidence {
	t.Helper()
	e, err := ovStore(s).GetEvidence(webtest.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func ovAction(t *testing.T, s *webtest.Site, id string) casereview.Action {
	t.Helper()
	a, err := ovStore(s).GetAction(webtest.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func ovRec(t *testing.T, s *webtest.Site, id string) casereview.Recommendation {
	t.Helper()
	r, err := ovStore(s).GetRecommendation(webtest.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// ovLanded checks that a post succeeded: it redirected to want, whose page shows banner.
func ovLanded(t *testing.T, p *webtest.Page, want, banner string) {
	t.Helper()
	if p.URL != want {
		t.Fatalf("ended at %s (%d), want %s\n%s", p.URL, p.Status, want, p.Body)
	}
	if got := p.Text(".govuk-notification-banner__heading"); !strings.Contains(got, banner) {
		t.Errorf("banner = %q, want %q", got, banner)
	}
}

func ovHasError(t *testing.T, p *webtest.Page, status int, field, msg string) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", p.URL, p.Status, status, p.Body)
	}
	found := false
	for _, e := range p.Errors() {
		found = found || strings.Contains(e, msg)
	}
	if !found || !p.Has("#"+field+"-error") {
		t.Errorf("errors %v, want %q with a message at #%s", p.Errors(), msg, field)
	}
	if href, _ := p.Doc.Find(".govuk-error-summary__list a").First().Attr("href"); href == "" || !p.Has(href) {
		t.Errorf("the error summary links to %q, which is not on the page", href)
	}
}

func TestOversightEvidenceReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User(ovOfficer, casereview.RoleOversight, "")
		s.User(ovEditor, casereview.RoleAgencyEditor, ovPolice)
		c := ovNewClaim(t, s, ovPoliceRec(t, s, 0))
		review := "/evidence/" + c.ev.ID + "/review"

		// The agency sees its evidence but no verdict form, and a forged verdict is refused.
		ed := s.Browser()
		ed.SignIn(ovEditor)
		p := ed.Get(review).Must(http.StatusOK)
		if p.Has("#verdict-form") || p.Has("#claim-form") {
			t.Error("an agency editor is offered oversight's forms")
		}
		p = ed.Post(review, url.Values{"decision": {"verified"}})
		if p.Status != http.StatusForbidden {
			t.Fatalf("an agency editor's verdict: %d, want 403", p.Status)
		}
		p = ed.Post(review, url.Values{"about": {"claim"}, "status": {"implemented_verified"}, "action_version": {strconv.Itoa(c.act.Version)}})
		if p.Status != http.StatusForbidden {
			t.Fatalf("an agency editor's verification: %d, want 403", p.Status)
		}
		if ovEvidence(t, s, c.ev.ID).Status != casereview.EvidencePending || ovAction(t, s, c.act.ID).ImplementationStatus != casereview.ImplPending {
			t.Fatal("a refused post changed something")
		}

		b := s.Browser()
		b.SignIn(ovOfficer)
		p = b.Get(review).Must(http.StatusOK)
		for sel, want := range map[string]string{"#evidence-title": "DASH audit report, Q3", "#evidence-submitted": "system",
			"#action-description": "Audit fifty DASH forms", "#evidence-status": "Pending", "#action-status": "Implemented, pending verification"} {
			if got := p.Text(sel); !strings.Contains(got, want) {
				t.Errorf("%s = %q, want %q", sel, got, want)
			}
		}
		if href, _ := p.Doc.Find("#evidence-source a").Attr("href"); href != "https://example.org/evp/dash-audit-q3" {
			t.Errorf("evidence link = %q", href)
		}
		if !p.Has("#verdict-form") || !p.Has("#claim-form") || !strings.Contains(p.Text("#claim .govuk-warning-text"), "1 item of evidence is not reviewed") {
			t.Fatalf("oversight's forms or the unreviewed warning are missing:\n%s", p.Body)
		}

		// Rejecting needs a note; nothing chosen is an error too; what was chosen is kept.
		p = b.Post(review, url.Values{"decision": {"rejected"}, "note": {""}})
		ovHasError(t, p, http.StatusUnprocessableEntity, "note", "Enter a note")
		if _, checked := p.Doc.Find(`input[name="decision"][value="rejected"]`).Attr("checked"); !checked {
			t.Error("the decision was not kept")
		}
		p = b.Post(review, url.Values{})
		ovHasError(t, p, http.StatusUnprocessableEntity, "decision", "Select whether the evidence is verified or rejected")
		if ovEvidence(t, s, c.ev.ID).Status != casereview.EvidencePending {
			t.Fatal("an invalid verdict changed the evidence")
		}

		// Verified: back to the same page for the claim, which is next.
		p = b.Post(review, url.Values{"decision": {"verified"}, "note": {"Matches the audit summary."}})
		ovLanded(t, p, review, "Evidence verified")
		e := ovEvidence(t, s, c.ev.ID)
		if e.Status != casereview.EvidenceVerified || e.ReviewedByName != "oversight" || e.ReviewNote != "Matches the audit summary." {
			t.Fatalf("evidence after verifying: %+v", e)
		}
		if p.Has("#verdict-form") || !strings.Contains(p.Text("#evidence-verdict"), "verified by oversight") {
			t.Error("the page still offers a verdict on reviewed evidence")
		}

		// Sending the claim back needs a reason; a stale form is shown the action as it is now.
		p = b.Post(review, url.Values{"about": {"claim"}, "status": {"in_progress"}, "action_version": {strconv.Itoa(c.act.Version)}})
		ovHasError(t, p, http.StatusUnprocessableEntity, "reason", "Enter the reason")
		p = b.Post(review, url.Values{"about": {"claim"}, "action_version": {strconv.Itoa(c.act.Version)}})
		ovHasError(t, p, http.StatusUnprocessableEntity, "status", "Select whether to verify")
		p = b.Post(review, url.Values{"about": {"claim"}, "status": {"in_progress"}, "reason": {"Show the whole sample."},
			"action_version": {strconv.Itoa(c.act.Version - 1)}})
		if p.Status != http.StatusConflict || !p.Has("#claim-changed") {
			t.Fatalf("stale claim decision: %d\n%s", p.Status, p.Body)
		}
		if v, _ := p.Doc.Find(`input[name="action_version"]`).Attr("value"); v != strconv.Itoa(c.act.Version) {
			t.Errorf("the stale form was not moved to the current version: %s", v)
		}
		if got := p.Doc.Find("#reason").Text(); got != "Show the whole sample." {
			t.Errorf("the reason was not kept: %q", got)
		}
		if ovAction(t, s, c.act.ID).ImplementationStatus != casereview.ImplPending {
			t.Fatal("a stale decision changed the action")
		}
		p = b.Post(review, url.Values{"about": {"claim"}, "status": {"in_progress"}, "reason": {"Show the whole sample."},
			"action_version": {strconv.Itoa(c.act.Version)}})
		ovLanded(t, p, "/recommendations/"+c.rec.ID, "Claim sent back")
		if a := ovAction(t, s, c.act.ID); a.ImplementationStatus != casereview.ImplInProgress || a.CompletionDate != nil {
			t.Fatalf("action after sending back: %s, completed %v", a.ImplementationStatus, a.CompletionDate)
		}

		// A second claim, verified.
		c2 := ovNewClaim(t, s, ovPoliceRec(t, s, 1))
		review2 := "/evidence/" + c2.ev.ID + "/review"
		b.Get(review2).Must(http.StatusOK)
		p = b.Post(review2, url.Values{"decision": {"rejected"}, "note": {"The link is to last year's report."}})
		ovLanded(t, p, review2, "Evidence rejected")
		if e := ovEvidence(t, s, c2.ev.ID); e.Status != casereview.EvidenceRejected || e.ReviewNote != "The link is to last year's report." {
			t.Fatalf("evidence after rejecting: %+v", e)
		}
		// A claim whose only evidence was rejected cannot be verified: the domain says why.
		p = b.Post(review2, url.Values{"about": {"claim"}, "status": {"implemented_verified"}, "action_version": {strconv.Itoa(c2.act.Version)}})
		if p.Status != http.StatusUnprocessableEntity || len(p.Errors()) == 0 {
			t.Fatalf("verifying on rejected evidence: %d %v", p.Status, p.Errors())
		}
		if a := ovAction(t, s, c2.act.ID); a.ImplementationStatus != casereview.ImplPending {
			t.Fatalf("a claim on rejected evidence became %s", a.ImplementationStatus)
		}

		// A third claim: its evidence verified, then the claim.
		c3 := ovNewClaim(t, s, ovPoliceRec(t, s, 1))
		review3 := "/evidence/" + c3.ev.ID + "/review"
		b.Get(review3).Must(http.StatusOK)
		p = b.Post(review3, url.Values{"decision": {"verified"}, "note": {"Matches the audit."}})
		ovLanded(t, p, review3, "Evidence verified")
		p = b.Post(review3, url.Values{"about": {"claim"}, "status": {"implemented_verified"}, "action_version": {strconv.Itoa(c3.act.Version)}})
		ovLanded(t, p, "/recommendations/"+c3.rec.ID, "Implementation verified")
		if a := ovAction(t, s, c3.act.ID); a.ImplementationStatus != casereview.ImplVerified {
			t.Fatalf("action after verifying: %s", a.ImplementationStatus)
		}
	})
}

func TestOversightAssessCloseReopen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User(ovOfficer, casereview.RoleOversight, "")
		s.User(ovEditor, casereview.RoleAgencyEditor, ovPolice)
		rec := ovPoliceRec(t, s, 0)
		assess := "/recommendations/" + rec.ID + "/assess"
		back := "/recommendations/" + rec.ID
		v := func(r casereview.Recommendation) string { return strconv.Itoa(r.Version) }

		// An agency editor addressed by it may read the page but not assess, nor close.
		ed := s.Browser()
		ed.SignIn(ovEditor)
		if p := ed.Get(assess).Must(http.StatusOK); p.Has(`input[name="classification"]`) || !p.Has("#not-oversight") {
			t.Error("an agency editor is offered the assessment form")
		}
		for _, form := range []url.Values{
			{"classification": {"open_acceptable"}, "version": {v(rec)}},
			{"classification": {"closed_no_response"}, "rationale": {"No reply."}, "version": {v(rec)}},
			{"classification": {"closed_no_response"}, "rationale": {"No reply."}, "version": {v(rec)}, "confirmed": {"yes"}},
		} {
			if p := ed.Post(assess, form); p.Status != http.StatusForbidden {
				t.Fatalf("an agency editor's assessment %v: %d, want 403", form, p.Status)
			}
		}
		if got := ovRec(t, s, rec.ID); got.OversightStatus != rec.OversightStatus || got.Version != rec.Version {
			t.Fatal("a refused assessment changed the recommendation")
		}

		b := s.Browser()
		b.SignIn(ovOfficer)
		p := b.Get(assess).Must(http.StatusOK)
		if p.Has(`input[name="classification"][value="` + string(rec.OversightStatus) + `"]`) {
			t.Error("the current classification is offered")
		}
		if !p.Has(`input[value="open_acceptable"]`) || !p.Has(`input[value="closed_no_longer_applicable"]`) || !p.Has(".govuk-radios__divider") {
			t.Fatal("the form lacks the open and closed classifications")
		}

		// Keeping it open saves straight away.
		p = b.Post(assess, url.Values{"classification": {"open_acceptable"}, "version": {v(rec)}})
		ovLanded(t, p, back, "Assessment recorded")
		rec = ovRec(t, s, rec.ID)
		if rec.OversightStatus != "open_acceptable" {
			t.Fatalf("after assessing: %s", rec.OversightStatus)
		}

		// Closing needs a rationale and a real follow-up date.
		b.Get(assess)
		p = b.Post(assess, url.Values{"classification": {"closed_no_longer_applicable"}, "version": {v(rec)}})
		ovHasError(t, p, http.StatusUnprocessableEntity, "rationale", "Enter the rationale")
		p = b.Post(assess, url.Values{"classification": {"closed_no_longer_applicable"}, "rationale": {"The unit was disbanded."},
			"follow_up_on-day": {"31"}, "follow_up_on-month": {"2"}, "follow_up_on-year": {"2027"}, "version": {v(rec)}})
		ovHasError(t, p, http.StatusUnprocessableEntity, "follow_up_on", "Follow-up date must be a real date")
		if got := p.Doc.Find("#rationale").Text(); got != "The unit was disbanded." {
			t.Errorf("rationale not kept: %q", got)
		}
		if _, checked := p.Doc.Find(`input[value="closed_no_longer_applicable"]`).Attr("checked"); !checked {
			t.Error("classification not kept")
		}
		if ovRec(t, s, rec.ID).OversightStatus != "open_acceptable" {
			t.Fatal("an invalid closure changed the recommendation")
		}

		// A valid closure is shown for checking first, and is not made yet.
		answers := url.Values{"classification": {"closed_no_longer_applicable"}, "rationale": {"The unit was disbanded.\nIts work moved to the MASH."},
			"follow_up_on-day": {"1"}, "follow_up_on-month": {"6"}, "follow_up_on-year": {"2027"}, "version": {v(rec)}}
		p = b.Post(assess, answers).Must(http.StatusOK)
		if !strings.HasPrefix(p.Text("h1"), "Check your answers") || p.Text("#answer-classification") != "Closed: no longer applicable" ||
			p.Text("#answer-follow-up") != "1 June 2027" || !strings.Contains(p.Text("#answer-rationale"), "Its work moved to the MASH.") {
			t.Fatalf("check page:\n%s", p.Body)
		}
		if ovRec(t, s, rec.ID).OversightStatus.IsClosed() {
			t.Fatal("the recommendation closed before the answers were confirmed")
		}
		if !p.Has(`#assess-confirm input[name="confirmed"][value="yes"]`) {
			t.Fatal("the check page does not confirm")
		}

		// "Change" goes back to the form with every answer kept.
		change := url.Values{"change": {"rationale"}}
		for k, vs := range answers {
			change[k] = vs
		}
		p = b.Post(assess, change).Must(http.StatusOK)
		if p.Doc.Find("#rationale").Text() != answers.Get("rationale") || p.Doc.Find(`input[name="follow_up_on-year"]`).AttrOr("value", "") != "2027" {
			t.Fatalf("Change lost the answers:\n%s", p.Body)
		}

		// Confirmed: closed, with the rationale and the follow-up date.
		b.Post(assess, answers)
		confirm := url.Values{"confirmed": {"yes"}}
		for k, vs := range answers {
			confirm[k] = vs
		}
		p = b.Post(assess, confirm)
		ovLanded(t, p, back, "Recommendation closed")
		rec = ovRec(t, s, rec.ID)
		if rec.OversightStatus != "closed_no_longer_applicable" || rec.ClosureRationale != answers.Get("rationale") ||
			rec.ClosedOn == nil || rec.FollowUpOn == nil || rec.FollowUpOn.String() != "2027-06-01" {
			t.Fatalf("after closing: %s %q closed %v follow-up %v", rec.OversightStatus, rec.ClosureRationale, rec.ClosedOn, rec.FollowUpOn)
		}

		// Reopening offers only the open classifications and needs a reason.
		p = b.Get(assess).Must(http.StatusOK)
		if p.Text("h1") != "Reopen the recommendation" || p.Has(`input[value^="closed_"]`) || p.Has(`input[name="follow_up_on-day"]`) {
			t.Fatalf("reopening form:\n%s", p.Body)
		}
		p = b.Post(assess, url.Values{"classification": {"open_unacceptable"}, "version": {v(rec)}})
		ovHasError(t, p, http.StatusUnprocessableEntity, "rationale", "Enter the rationale")
		p = b.Post(assess, url.Values{"classification": {"open_unacceptable"}, "rationale": {"The MASH never took the work on."}, "version": {v(rec)}})
		ovLanded(t, p, back, "Recommendation reopened")
		rec = ovRec(t, s, rec.ID)
		if rec.OversightStatus != "open_unacceptable" || rec.ClosedOn != nil || rec.FollowUpOn != nil {
			t.Fatalf("after reopening: %s closed %v", rec.OversightStatus, rec.ClosedOn)
		}

		// Someone else assesses meanwhile: the form shows their classification beside the person's,
		// changes nothing, and saves over it only when submitted again.
		old := v(rec)
		b.Get(assess)
		other, err := ovStore(s).Assess(webtest.System(), rec.ID, rec.Version, casereview.AssessmentDraft{Classification: "open_acceptable_alternative"})
		if err != nil {
			t.Fatal(err)
		}
		p = b.Post(assess, url.Values{"classification": {"open_acceptable"}, "rationale": {"Plan agreed at the board."}, "version": {old}})
		if p.Status != http.StatusConflict || !p.Has("#changed") || p.Text("#changed-now") == "" ||
			!strings.Contains(p.Text("#changed-now"), "Open: acceptable alternative") || p.Text("#changed-yours") != "Open: acceptable" {
			t.Fatalf("stale assessment: %d\n%s", p.Status, p.Body)
		}
		if got := ovRec(t, s, rec.ID); got.OversightStatus != "open_acceptable_alternative" {
			t.Fatalf("a stale assessment overwrote: %s", got.OversightStatus)
		}
		cur, _ := p.Doc.Find(`input[name="version"]`).Attr("value")
		if cur != strconv.Itoa(other.Version) || p.Doc.Find("#rationale").Text() != "Plan agreed at the board." {
			t.Fatalf("the stale form should carry the current version %d (has %s) and the person's answers", other.Version, cur)
		}
		p = b.Post(assess, url.Values{"classification": {"open_acceptable"}, "rationale": {"Plan agreed at the board."}, "version": {cur}})
		ovLanded(t, p, back, "Assessment recorded")
		if got := ovRec(t, s, rec.ID); got.OversightStatus != "open_acceptable" {
			t.Fatalf("resubmitted: %s", got.OversightStatus)
		}

		// A stale closure is caught before the check page too.
		p = b.Post(assess, url.Values{"classification": {"closed_no_response"}, "rationale": {"No reply."}, "version": {old}})
		if p.Status != http.StatusConflict || !p.Has("#changed") {
			t.Fatalf("stale closure: %d", p.Status)
		}
	})
}

func TestOversightLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User(ovOfficer, casereview.RoleOversight, "")
		s.User(ovEditor, casereview.RoleAgencyEditor, ovPolice)
		st, ctx := ovStore(s), webtest.System()
		a := ovPoliceRec(t, s, 0)
		siblings, err := st.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewID: a.ReviewID}, casereview.PageRequest{Limit: 50})
		if err != nil || len(siblings.Items) < 2 {
			t.Fatalf("the demo review needs two recommendations: %v", err)
		}
		var sib casereview.Recommendation
		for _, r := range siblings.Items {
			if r.ID != a.ID {
				sib = r
			}
		}
		reviews, err := st.ListReviews(ctx, casereview.ReviewFilter{}, casereview.PageRequest{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var elsewhere casereview.Review
		for _, rv := range reviews.Items {
			if rv.ID != a.ReviewID && rv.RecommendationCount > 0 {
				elsewhere = rv
			}
		}
		later, err := st.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewID: elsewhere.ID}, casereview.PageRequest{Limit: 1})
		if err != nil || len(later.Items) == 0 {
			t.Fatal("no recommendation in another review")
		}
		other := later.Items[0]
		links := "/recommendations/" + a.ID + "/links/new"

		// The panel and oversight link; an agency editor may not.
		ed := s.Browser()
		ed.SignIn(ovEditor)
		if p := ed.Get(links).Must(http.StatusOK); p.Has(`input[name="target_id"]`) || !p.Has("#cannot-link") {
			t.Error("an agency editor is offered the link form")
		}
		if p := ed.Post(links, url.Values{"type": {"similar_to"}, "target_id": {sib.ID}}); p.Status != http.StatusForbidden {
			t.Fatalf("an agency editor's link: %d, want 403", p.Status)
		}
		if len(ovRec(t, s, a.ID).Links) != 0 {
			t.Fatal("a refused link was made")
		}

		b := s.Browser()
		b.SignIn(ovOfficer)
		// With nothing searched, the other recommendations of the same review are offered.
		p := b.Get(links).Must(http.StatusOK)
		if !p.Has(`input[name="target_id"][value="`+sib.ID+`"]`) || p.Has(`input[name="target_id"][value="`+a.ID+`"]`) {
			t.Fatalf("same-review candidates:\n%s", p.Text("#candidates"))
		}
		// A search by reference, by reference and number, and by id.
		p = b.Get(links + "?q=" + url.QueryEscape(elsewhere.Reference)).Must(http.StatusOK)
		if !p.Has(`input[name="target_id"][value="` + other.ID + `"]`) {
			t.Fatalf("search by reference %q found %q", elsewhere.Reference, p.Text("#candidates"))
		}
		p = b.Get(links + "?q=" + url.QueryEscape(elsewhere.Reference+" "+other.Number)).Must(http.StatusOK)
		if n := p.Doc.Find(`input[name="target_id"]`).Length(); n != 1 || !p.Has(`input[value="`+other.ID+`"]`) {
			t.Fatalf("search by reference and number found %d: %q", n, p.Text("#candidates"))
		}
		p = b.Get(links + "?q=" + other.ID).Must(http.StatusOK)
		if !p.Has(`input[name="target_id"][value="` + other.ID + `"]`) {
			t.Fatal("search by id found nothing")
		}
		// By the words of the recommendation itself, through the search service.
		words := strings.Fields(other.Text)
		phrase := `"` + strings.Join(words[:min(6, len(words))], " ") + `"`
		p = b.Get(links + "?q=" + url.QueryEscape(phrase)).Must(http.StatusOK)
		if !p.Has(`input[name="target_id"][value="` + other.ID + `"]`) {
			t.Fatalf("search by the words %s found %q", phrase, p.Text("#candidates"))
		}
		p = b.Get(links + "?q=zqxjvwkp").Must(http.StatusOK)
		if p.Has(`input[name="target_id"]`) || !strings.Contains(p.Text("#target_id"), "No recommendations") {
			t.Fatal("a search with no match")
		}

		// Nothing chosen: both questions are errors, and the search is kept.
		b.Get(links + "?q=" + url.QueryEscape(elsewhere.Reference))
		p = b.Post(links, url.Values{"q": {elsewhere.Reference}})
		if p.Status != http.StatusUnprocessableEntity || len(p.Errors()) != 2 || !p.Has("#type-error") || !p.Has("#target_id-error") {
			t.Fatalf("empty link: %d %v", p.Status, p.Errors())
		}
		if !p.Has(`input[name="target_id"][value="` + other.ID + `"]`) {
			t.Error("the search results were lost")
		}

		// A duplicate link, from this recommendation.
		p = b.Post(links, url.Values{"type": {"duplicate_of"}, "target_id": {sib.ID}, "note": {"Same wording."}})
		ovLanded(t, p, "/recommendations/"+a.ID, "Link added")
		got := ovRec(t, s, a.ID).Links
		if len(got) != 1 || got[0].Type != "duplicate_of" || got[0].FromID != a.ID || got[0].ToID != sib.ID || got[0].Note != "Same wording." {
			t.Fatalf("links after adding: %+v", got)
		}
		b.Get(links)
		p = b.Post(links, url.Values{"type": {"duplicate_of"}, "target_id": {sib.ID}})
		ovHasError(t, p, http.StatusUnprocessableEntity, "type", "already linked that way")

		// "Is superseded by" makes the link from the later recommendation, and returns where asked.
		ret := "/recommendations/" + a.ID + "/assess?classification=closed_superseded"
		b.Get(links + "?return=" + url.QueryEscape(ret) + "&q=" + other.ID)
		p = b.Post(links, url.Values{"type": {"superseded_by"}, "target_id": {other.ID}, "q": {other.ID}, "return": {ret}})
		if p.URL != ret {
			t.Fatalf("after linking from the assessment form: ended at %s (%d)", p.URL, p.Status)
		}
		var sup casereview.Link
		for _, l := range ovRec(t, s, a.ID).Links {
			if l.Type == "supersedes" {
				sup = l
			}
		}
		if sup.FromID != other.ID || sup.ToID != a.ID {
			t.Fatalf("superseded-by link: %+v", sup)
		}
		// The assessment form offers it, preselected.
		if _, checked := p.Doc.Find(`input[value="closed_superseded"]`).Attr("checked"); !checked || !p.Has(`input[name="linked_recommendation_id"][value="`+other.ID+`"]`) {
			t.Fatalf("the assessment form does not offer the superseding recommendation:\n%s", p.Body)
		}

		// The links are listed with a remove button each; removing returns to the page.
		p = b.Get(links).Must(http.StatusOK)
		if n := p.Doc.Find("#links tbody tr").Length(); n != 2 {
			t.Fatalf("listed links: %d", n)
		}
		var dupID string
		for _, l := range ovRec(t, s, a.ID).Links {
			if l.Type == "duplicate_of" {
				dupID = l.ID
			}
		}
		ret2, _ := p.Doc.Find(`form[action="/links/` + dupID + `/remove"] input[name="return"]`).Attr("value")
		p = b.Post("/links/"+dupID+"/remove", url.Values{"return": {ret2}})
		ovLanded(t, p, links, "Link removed")
		if l := ovRec(t, s, a.ID).Links; len(l) != 1 || l[0].Type != "supersedes" {
			t.Fatalf("links after removing: %+v", l)
		}
		// An agency editor cannot remove one; a return off the site is ignored.
		if p := ed.Post("/links/"+sup.ID+"/remove", url.Values{"return": {links}}); p.Status != http.StatusForbidden && p.Status != http.StatusNotFound {
			t.Fatalf("an agency editor removed a link: %d", p.Status)
		}
		p = b.Post("/links/"+sup.ID+"/remove", url.Values{"return": {"//evil.example/"}})
		if p.URL != "/" {
			t.Fatalf("a return off the site was followed to %s", p.URL)
		}
		if len(ovRec(t, s, a.ID).Links) != 0 {
			t.Fatal("the link was not removed")
		}
	})
}

func TestOversightCloseAsDuplicate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User(ovOfficer, casereview.RoleOversight, "")
		a := ovPoliceRec(t, s, 0)
		assess := "/recommendations/" + a.ID + "/assess"
		b := s.Browser()
		b.SignIn(ovOfficer)

		// With no duplicate link, the form says to link first; closing as a duplicate is refused.
		p := b.Get(assess).Must(http.StatusOK)
		if href, _ := p.Doc.Find(`#conditional-classification-closed_duplicate a`).Attr("href"); !strings.Contains(href, "/links/new?") {
			t.Fatalf("no 'link it first' for a duplicate: %q", href)
		}
		p = b.Post(assess, url.Values{"classification": {"closed_duplicate"}, "rationale": {"Same as 2."}, "version": {strconv.Itoa(a.Version)}})
		ovHasError(t, p, http.StatusUnprocessableEntity, "linked_recommendation_id", "Link this recommendation to the one it duplicates first")

		sibs, err := ovStore(s).ListRecommendations(webtest.System(), casereview.RecommendationFilter{ReviewID: a.ReviewID}, casereview.PageRequest{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var sib casereview.Recommendation
		for _, r := range sibs.Items {
			if r.ID != a.ID {
				sib = r
			}
		}
		if _, err := ovStore(s).AddLink(webtest.System(), a.ID, casereview.LinkDraft{Type: "duplicate_of", TargetID: sib.ID}); err != nil {
			t.Fatal(err)
		}
		a = ovRec(t, s, a.ID)
		p = b.Get(assess).Must(http.StatusOK)
		if !p.Has(`input[name="linked_recommendation_id"][value="` + sib.ID + `"]`) {
			t.Fatal("the duplicate is not offered")
		}
		answers := url.Values{"classification": {"closed_duplicate"}, "linked_recommendation_id": {sib.ID}, "rationale": {"Same as " + sib.Number + "."},
			"version": {strconv.Itoa(a.Version)}}
		p = b.Post(assess, answers).Must(http.StatusOK)
		if !strings.Contains(p.Text("#answer-linked"), "recommendation "+sib.Number) {
			t.Fatalf("the check page does not name the duplicate: %q", p.Text("#answer-linked"))
		}
		answers.Set("confirmed", "yes")
		p = b.Post(assess, answers)
		ovLanded(t, p, "/recommendations/"+a.ID, "Recommendation closed")
		if got := ovRec(t, s, a.ID); got.OversightStatus != "closed_duplicate" {
			t.Fatalf("after closing as a duplicate: %s", got.OversightStatus)
		}
	})
}

func TestOversightThemeSuggestions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User(ovPanel, casereview.RolePanel, "Eastmere Community Safety Partnership")
		s.User(ovEditor, casereview.RoleAgencyEditor, ovPolice)
		st, ctx := ovStore(s), webtest.System()
		_, partnership := s.ScopeID("Eastmere Community Safety Partnership")
		page, err := st.ListRecommendations(ctx, casereview.RecommendationFilter{PartnershipID: partnership}, casereview.PageRequest{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var rec casereview.Recommendation
		var sugs []casereview.ThemeSuggestion
		for _, r := range page.Items {
			if got, err := st.ThemeSuggestions(ctx, r.ID); err == nil && len(got) >= 2 {
				rec, sugs = r, got
				break
			}
		}
		if rec.ID == "" {
			t.Fatal("no demo recommendation of the partnership has two theme suggestions")
		}
		base := "/recommendations/" + rec.ID + "/themes/"
		back := "/recommendations/" + rec.ID

		// Someone who may not change the recommendation's themes is refused.
		ed := s.Browser()
		ed.SignIn(ovEditor)
		if p := ed.Post(base+sugs[0].Code+"/accept", url.Values{"version": {strconv.Itoa(rec.Version)}}); p.Status != http.StatusForbidden && p.Status != http.StatusNotFound {
			t.Fatalf("an agency editor accepted a suggestion: %d", p.Status)
		}
		if got := ovRec(t, s, rec.ID); got.Version != rec.Version {
			t.Fatal("a refused acceptance changed the recommendation")
		}

		b := s.Browser()
		b.SignIn(ovPanel)
		p := b.Post(base+sugs[0].Code+"/accept", url.Values{"version": {strconv.Itoa(rec.Version)}})
		ovLanded(t, p, back, "Theme added: "+sugs[0].Label)
		after := ovRec(t, s, rec.ID)
		accepted := false
		for _, th := range after.Themes {
			accepted = accepted || (th.Code == sugs[0].Code && th.Source == "suggested" && th.ConfirmedByName == "panel")
		}
		if !accepted {
			t.Fatalf("themes after accepting: %+v", after.Themes)
		}

		// Accepting on a page opened before that change is refused, and changes nothing.
		p = b.Post(base+sugs[1].Code+"/accept", url.Values{"version": {strconv.Itoa(rec.Version)}})
		if p.Status != http.StatusConflict || !strings.Contains(p.Text("h1"), "changed since you opened it") {
			t.Fatalf("stale acceptance: %d %q", p.Status, p.Text("h1"))
		}
		if got := ovRec(t, s, rec.ID); got.Version != after.Version {
			t.Fatal("a stale acceptance changed the recommendation")
		}

		// Rejecting: it is suggested no more.
		p = b.Post(base+sugs[1].Code+"/reject", url.Values{"reason": {"Not about this theme."}})
		ovLanded(t, p, back, "Suggestion dismissed: "+sugs[1].Label)
		left, err := st.ThemeSuggestions(ctx, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, sg := range left {
			if sg.Code == sugs[1].Code || sg.Code == sugs[0].Code {
				t.Fatalf("%s is still suggested", sg.Code)
			}
		}
		// Deciding it again, or an unknown decision, is answered plainly.
		if p := b.Post(base+sugs[1].Code+"/reject", nil); p.Status != http.StatusNotFound || !strings.Contains(p.Text("h1"), "no longer suggested") {
			t.Fatalf("rejecting twice: %d %q", p.Status, p.Text("h1"))
		}
		if p := b.Post(base+sugs[0].Code+"/maybe", nil); p.Status != http.StatusNotFound {
			t.Fatalf("an unknown decision: %d", p.Status)
		}
	})
}

// Closing as acted upon needs verified implementation: the form says so in plain words.
func TestOversightCloseNeedsVerification(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User(ovOfficer, casereview.RoleOversight, "")
		rec := ovPoliceRec(t, s, 0)
		b := s.Browser()
		b.SignIn(ovOfficer)
		assess := "/recommendations/" + rec.ID + "/assess"
		b.Get(assess)
		p := b.Post(assess, url.Values{"classification": {"closed_acceptable_action"}, "rationale": {"Done."}, "version": {strconv.Itoa(rec.Version)}})
		ovHasError(t, p, http.StatusUnprocessableEntity, "classification", "needs the implementation verified by oversight first")
		if ovRec(t, s, rec.ID).OversightStatus.IsClosed() {
			t.Fatal("closed without verified implementation")
		}
	})
}
