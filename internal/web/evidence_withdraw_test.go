package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// Issue 13 item 10 in the web UI: the uploader of pending evidence sees "Withdraw" beside it and
// confirms on a page of its own, with a reason; nobody else is offered it or can post it; once
// withdrawn the item leaves the page, its file and oversight's work list, and the timeline says
// who withdrew it and why.
func TestWithdrawEvidenceInTheBrowser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		uploader := s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("two@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("homes@example.test", casereview.RoleAgencyEditor, "Eastmere Homes")
		s.User("oversight@example.test", casereview.RoleOversight, "")
		rec := demoRec(t, s, "EM-DHR-2021-02", "8")
		act := actionOf(t, s, rec.ID, "Eastmere and Vale Police")
		e, err := st.AddEvidence(casereview.WithActor(context.Background(), actorOf(uploader)), act.ID, casereview.EvidenceDraft{
			Title: "Custody audit, wrong quarter", EvidenceType: "audit_result", Filename: "custody-audit.txt", Content: []byte("Custody audit, Q1.\n")})
		if err != nil {
			t.Fatal(err)
		}
		recPath, formPath := "/recommendations/"+rec.ID, "/evidence/"+e.ID+"/withdraw"
		link := `a.app-withdraw-evidence[href="` + formPath + `"]`
		file := `a[href="/evidence/` + e.ID + `/file"]`

		// The uploader is offered it; a colleague of the same agency and another agency are not.
		up := s.Browser()
		up.SignIn("police@example.test")
		p := up.Get(recPath).Must(http.StatusOK)
		if !p.Has(link) || !p.Has(file) {
			t.Fatalf("the uploader is not offered the withdrawal of %s", e.ID)
		}
		if got := p.Text(link); got != "Withdraw evidence: Custody audit, wrong quarter" {
			t.Errorf("link text %q", got)
		}
		for _, email := range []string{"two@example.test", "homes@example.test", "oversight@example.test"} {
			b := s.Browser()
			b.SignIn(email)
			if p := b.Get(recPath).Must(http.StatusOK); !p.Has(file) || p.Has(".app-withdraw-evidence") {
				t.Errorf("%s: sees the file %v, offered a withdrawal %v", email, p.Has(file), p.Has(".app-withdraw-evidence"))
			}
		}

		// Nobody else gets the page or can post it, with their own session's token or none.
		other := s.Browser()
		other.SignIn("two@example.test")
		other.Get(formPath).Must(http.StatusForbidden)
		other.Get(recPath).Must(http.StatusOK)
		other.Post(formPath, url.Values{"reason": {"Forged."}}).Must(http.StatusForbidden)
		up.Post(formPath, url.Values{"reason": {"No token."}, "csrf_token": {"forged-token-of-thirty-characters"}}).Must(http.StatusForbidden)
		if got, err := st.GetEvidence(webtest.System(), e.ID); err != nil || got.WithdrawnAt != nil {
			t.Fatalf("refused posts withdrew the evidence: %+v %v", got, err)
		}

		// The confirmation page: a reason, a warning button; a missing reason is an error at the field.
		p = up.Get(formPath).Must(http.StatusOK)
		if !p.Has("textarea#reason") || !p.Has("button.govuk-button--warning") || p.Text("#evidence-title") != "Custody audit, wrong quarter" {
			t.Fatalf("confirmation page: %s", p.Text("main"))
		}
		p = up.Post(formPath, url.Values{"reason": {"  "}}).Must(http.StatusUnprocessableEntity)
		if errs := p.Errors(); len(errs) != 1 || errs[0] != "Enter why you are withdrawing this evidence" {
			t.Errorf("errors %q", errs)
		}
		if got := p.Text("#reason-error"); got != "Error: Enter why you are withdrawing this evidence" {
			t.Errorf("field error %q", got)
		}
		if !p.Has(`.govuk-error-summary a[href="#reason"]`) {
			t.Error("the error summary does not link to the field")
		}

		// Withdrawn: back on the recommendation with a success banner; the item is gone.
		reason := "I uploaded the first quarter's audit instead of the third's."
		p = up.Post(formPath, url.Values{"reason": {reason}}).Must(http.StatusOK)
		if p.URL != recPath {
			t.Errorf("after withdrawing: at %s, want %s", p.URL, recPath)
		}
		if got := p.Text(".govuk-notification-banner--success .govuk-notification-banner__heading"); got != "Evidence withdrawn: Custody audit, wrong quarter" {
			t.Errorf("banner %q", got)
		}
		if p.Has(file) || p.Has(link) {
			t.Error("the withdrawn item is still listed")
		}
		up.Get("/evidence/" + e.ID + "/file").Must(http.StatusNotFound)
		up.Get(formPath).Must(http.StatusNotFound)
		up.Post(formPath, url.Values{"reason": {reason}}).Must(http.StatusNotFound)

		// Every reader sees the withdrawal in the timeline; oversight has nothing to verify.
		p = other.Get(recPath).Must(http.StatusOK)
		var entry string
		for _, x := range texts(p.Doc.Find("#timeline .moj-timeline__item")) {
			if strings.HasPrefix(x, "Evidence withdrawn") {
				entry = x
			}
		}
		for _, want := range []string{"Custody audit, wrong quarter (custody-audit.txt)", reason, uploader.DisplayName} {
			if !strings.Contains(entry, want) {
				t.Errorf("timeline entry %q lacks %q", entry, want)
			}
		}
		ov := s.Browser()
		ov.SignIn("oversight@example.test")
		if ov.Get("/").Must(http.StatusOK).Has(`a[href="/evidence/` + e.ID + `/review"]`) {
			t.Error("oversight's work list still offers the withdrawn item")
		}

		// The last evidence of a claim awaiting verification stays until its replacement is added;
		// the uploader is told so instead of being offered the link.
		ctx := casereview.WithActor(context.Background(), actorOf(uploader))
		claimed, err := st.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: act.OrganisationID, Description: "Audit custody records quarterly."})
		if err != nil {
			t.Fatal(err)
		}
		if claimed, err = st.ProgressAction(ctx, claimed.ID, claimed.Version, casereview.ActionProgress{Status: casereview.ImplInProgress}); err != nil {
			t.Fatal(err)
		}
		only, err := st.AddEvidence(ctx, claimed.ID, casereview.EvidenceDraft{Title: "Audit schedule", URL: "https://intranet.example/audits"})
		if err != nil {
			t.Fatal(err)
		}
		outcome := "Quarterly audits in place"
		if _, err = st.ProgressAction(ctx, claimed.ID, claimed.Version, casereview.ActionProgress{Status: casereview.ImplPending, Outcome: &outcome}); err != nil {
			t.Fatal(err)
		}
		p = up.Get(recPath).Must(http.StatusOK)
		card := p.Doc.Find("#action-" + claimed.ID)
		if card.Find(`a[href="/evidence/`+only.ID+`/withdraw"]`).Length() != 0 || !strings.Contains(card.Find(".app-withdraw-later").Text(), "first add the evidence that should replace it") {
			t.Errorf("the only evidence of a claim: %q", strings.Join(strings.Fields(card.Text()), " "))
		}
	})
}
