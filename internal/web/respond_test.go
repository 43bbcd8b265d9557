package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

func TestRecordResponse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		police, _ := s.ScopeID("Eastmere and Vale Police")
		rec := demoRec(t, s, "EM-DHR-2021-02", "1")
		b := s.Browser()
		b.SignIn("police@example.test")

		p := b.Get("/recommendations/" + rec.ID + "/respond").Must(http.StatusOK)
		// One organisation: no choice to make, it is carried in a hidden field.
		if v, _ := p.Doc.Find(`input[type="hidden"][name="organisation_id"]`).Attr("value"); v != police {
			t.Errorf("organisation_id = %q, want the police's id", v)
		}
		var decisions []string
		p.Doc.Find(`input[name="decision"]`).Each(func(_ int, x *goquery.Selection) { v, _ := x.Attr("value"); decisions = append(decisions, v) })
		if strings.Join(decisions, ",") != "accepted,accepted_in_part,accepted_alternative,not_accepted,response_received" {
			t.Errorf("decisions offered = %v", decisions)
		}
		// Reasons sit under each decision short of full acceptance.
		for _, d := range []string{"accepted_in_part", "accepted_alternative", "not_accepted"} {
			if !p.Has(`.govuk-radios__conditional textarea[name="reasons-` + d + `"]`) {
				t.Errorf("no reasons box revealed by %s", d)
			}
		}
		if p.Has(`textarea[name="reasons-accepted"]`) {
			t.Error("full acceptance asks for reasons")
		}
		today := webtest.Now
		if v, _ := p.Doc.Find(`input[name="received_on-year"]`).Attr("value"); v != today.Format("2006") {
			t.Errorf("received year defaults to %q", v)
		}

		// Not accepted, without reasons: errors at the field and in the summary; the text is kept.
		narrative := "The force has considered the recommendation.\nIt will not change the DASH form."
		form := url.Values{"organisation_id": {police}, "decision": {"not_accepted"}, "narrative": {narrative},
			"received_on-day": {"3"}, "received_on-month": {"11"}, "received_on-year": {"2026"}}
		p = b.Post("/recommendations/"+rec.ID+"/respond", form).Must(http.StatusUnprocessableEntity)
		if errs := p.Errors(); len(errs) != 1 || !strings.Contains(errs[0], "Reasons are required unless the recommendation is accepted in full") {
			t.Errorf("errors = %q", errs)
		}
		if href, _ := p.Doc.Find(".govuk-error-summary__list a").Attr("href"); href != "#reasons-not_accepted" || !p.Has("#reasons-not_accepted-error") {
			t.Errorf("the error does not point at the reasons box under the decision (href %q)", href)
		}
		if got := p.Doc.Find("textarea#narrative").Text(); got != narrative {
			t.Errorf("narrative kept = %q", got)
		}
		if !p.Has(`input[name="decision"][value="not_accepted"][checked]`) {
			t.Error("the decision was not kept")
		}
		if v, _ := p.Doc.Find(`input[name="received_on-day"]`).Attr("value"); v != "3" {
			t.Errorf("received day kept = %q", v)
		}
		// A date that is not a date is the form's own error.
		form.Set("reasons-not_accepted", "Already covered by the force's strangulation policy.")
		form.Set("received_on-day", "31")
		p = b.Post("/recommendations/"+rec.ID+"/respond", form).Must(http.StatusUnprocessableEntity)
		if errs := p.Errors(); len(errs) != 1 || !strings.Contains(errs[0], "must be a real date") || !p.Has("#received_on-error") {
			t.Errorf("errors for 31 November = %q", errs)
		}
		if got, err := st.ListResponses(webtest.System(), rec.ID); err != nil || len(got) != 0 {
			t.Fatalf("a response was recorded by an invalid post: %v %v", got, err)
		}

		form.Set("received_on-day", "30")
		p = b.Post("/recommendations/"+rec.ID+"/respond", form).Must(http.StatusOK)
		if p.URL != "/recommendations/"+rec.ID || !strings.Contains(p.Text(".govuk-notification-banner"), "Response recorded") {
			t.Errorf("after responding: %s, banner %q", p.URL, p.Text(".govuk-notification-banner"))
		}
		got, err := st.ListResponses(webtest.System(), rec.ID)
		if err != nil || len(got) != 1 || got[0].Reasons != "Already covered by the force's strangulation policy." ||
			got[0].Narrative != narrative || got[0].ReceivedOn.String() != "2026-11-30" || got[0].OrganisationID != police {
			t.Fatalf("recorded = %+v (%v)", got, err)
		}
		if !strings.Contains(p.Text("#addressees"), "Not accepted") || !strings.Contains(p.Text("#timeline"), "Response recorded") {
			t.Error("the page does not show the response")
		}
	})
}

// A person who answers for two addressed organisations chooses which.
func TestRecordResponseChoosesOrganisation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		u := s.User("two@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		harbourlight, _ := s.ScopeID("Harbourlight Domestic Abuse Service")
		if _, err := st.AddMembership(webtest.System(), u.ID, casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: harbourlight}); err != nil {
			t.Fatal(err)
		}
		rec := demoRec(t, s, "EM-DHR-2021-02", "1")
		b := s.Browser()
		b.SignIn("two@example.test")
		p := b.Get("/recommendations/" + rec.ID + "/respond").Must(http.StatusOK)
		if n := p.Doc.Find(`input[type="radio"][name="organisation_id"]`).Length(); n != 2 {
			t.Fatalf("%d organisations offered, want 2", n)
		}
		p = b.Post("/recommendations/"+rec.ID+"/respond", url.Values{"decision": {"accepted"}, "narrative": {"Yes."}, "timetable": {"By March."}}).
			Must(http.StatusUnprocessableEntity)
		if !p.Has("#organisation_id-error") || len(p.Errors()) != 1 {
			t.Errorf("no organisation chosen: errors %q", p.Errors())
		}
		p = b.Post("/recommendations/"+rec.ID+"/respond", url.Values{"organisation_id": {harbourlight}, "decision": {"accepted"},
			"narrative": {"Yes."}, "timetable": {"By March."}}).Must(http.StatusOK)
		got, err := st.ListResponses(webtest.System(), rec.ID)
		if err != nil || len(got) != 1 || got[0].OrganisationID != harbourlight {
			t.Fatalf("recorded = %+v (%v)", got, err)
		}
	})
}
