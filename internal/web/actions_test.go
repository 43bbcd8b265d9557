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

func TestAddAndEditAction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		police, _ := s.ScopeID("Eastmere and Vale Police")
		rec := demoRec(t, s, "EM-DHR-2021-02", "4") // addressed to the OPCC and Harbourlight only
		rec8 := demoRec(t, s, "EM-DHR-2021-02", "8")
		b := s.Browser()
		b.SignIn("police@example.test")

		b.Get("/recommendations/" + rec.ID + "/actions/new").Must(http.StatusForbidden)

		p := b.Get("/recommendations/" + rec8.ID + "/actions/new").Must(http.StatusOK)
		if v, _ := p.Doc.Find(`input[type="hidden"][name="organisation_id"]`).Attr("value"); v != police {
			t.Errorf("owning organisation = %q, want the police (the only addressee it acts for)", v)
		}
		// Missing description and an unreal date: both reported, what was typed kept.
		p = b.Post("/recommendations/"+rec8.ID+"/actions/new", url.Values{"organisation_id": {police}, "description": {""},
			"owner": {"Head of Public Protection"}, "target_date-day": {"30"}, "target_date-month": {"2"}, "target_date-year": {"2027"}}).
			Must(http.StatusUnprocessableEntity)
		if errs := p.Errors(); len(errs) != 2 || !p.Has("#description-error") || !p.Has("#target_date-error") {
			t.Errorf("errors = %q", errs)
		}
		if v, _ := p.Doc.Find("#owner").Attr("value"); v != "Head of Public Protection" {
			t.Errorf("owner kept = %q", v)
		}
		before := len(actionsOf(t, st, rec8.ID))
		p = b.Post("/recommendations/"+rec8.ID+"/actions/new", url.Values{"organisation_id": {police}, "description": {"Refresh the MARAC referral guidance."},
			"owner": {"Head of Public Protection"}, "target_date-day": {"31"}, "target_date-month": {"3"}, "target_date-year": {"2027"}}).Must(http.StatusOK)
		acts := actionsOf(t, st, rec8.ID)
		if len(acts) != before+1 || acts[0].Description != "Refresh the MARAC referral guidance." || acts[0].TargetDate.String() != "2027-03-31" {
			t.Fatalf("actions after adding: %+v", acts)
		}
		if !strings.Contains(p.Text("#action-"+acts[0].ID), "Refresh the MARAC referral guidance.") {
			t.Error("the new action is not on the page")
		}

		// Editing carries the version and the current values.
		x := acts[0]
		p = b.Get("/actions/" + x.ID + "/edit").Must(http.StatusOK)
		if v, _ := p.Doc.Find(`input[name="version"]`).Attr("value"); v != strconv.Itoa(x.Version) {
			t.Errorf("version field = %q", v)
		}
		if got := p.Doc.Find("textarea#description").Text(); got != x.Description {
			t.Errorf("description shown = %q", got)
		}
		form := url.Values{"version": {strconv.Itoa(x.Version)}, "organisation_id": {police}, "description": {x.Description},
			"owner": {"Detective Superintendent, Public Protection"}, "target_date-day": {"30"}, "target_date-month": {"4"}, "target_date-year": {"2027"}}
		b.Post("/actions/"+x.ID+"/edit", form).Must(http.StatusOK)
		got, err := st.GetAction(webtest.System(), x.ID)
		if err != nil || got.Owner != "Detective Superintendent, Public Protection" || got.TargetDate.String() != "2027-04-30" {
			t.Fatalf("after editing: %+v (%v)", got, err)
		}
	})
}

// Someone else changes the action while the form is open: the person sees both versions and
// may save theirs over the new one.
func TestStaleActionEdit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		police, _ := s.ScopeID("Eastmere and Vale Police")
		rec := demoRec(t, s, "EM-DHR-2021-02", "6")
		x := actionOf(t, s, rec.ID, "Eastmere and Vale Police")
		b := s.Browser()
		b.SignIn("police@example.test")
		p := b.Get("/actions/" + x.ID + "/edit").Must(http.StatusOK)
		opened, _ := p.Doc.Find(`input[name="version"]`).Attr("value")

		// A colleague saves first.
		d := x.Draft()
		d.Description = "Colleague's wording of the action."
		if _, err := st.UpdateAction(webtest.System(), x.ID, x.Version, d); err != nil {
			t.Fatal(err)
		}

		mine := "My wording of the action."
		form := url.Values{"version": {opened}, "organisation_id": {police}, "description": {mine}, "owner": {x.Owner}}
		for k, v := range map[string]string{"target_date-day": "", "target_date-month": "", "target_date-year": ""} {
			form.Set(k, v)
		}
		if x.TargetDate != nil {
			form.Set("target_date-day", strconv.Itoa(x.TargetDate.Day))
			form.Set("target_date-month", strconv.Itoa(int(x.TargetDate.Month)))
			form.Set("target_date-year", strconv.Itoa(x.TargetDate.Year))
		}
		p = b.Post("/actions/"+x.ID+"/edit", form).Must(http.StatusConflict)
		if h := p.Text("h1"); h != "This action has changed since you opened it" {
			t.Errorf("heading = %q", h)
		}
		if !strings.Contains(p.Text("#stale-comparison .stale-current"), "Colleague's wording of the action.") ||
			!strings.Contains(p.Text("#stale-comparison .stale-theirs"), mine) {
			t.Errorf("comparison = %q", p.Text("#stale-comparison"))
		}
		if got := p.Doc.Find("textarea#description").Text(); got != mine {
			t.Errorf("the form does not keep their version: %q", got)
		}
		now, err := st.GetAction(webtest.System(), x.ID)
		if err != nil || now.Description != "Colleague's wording of the action." {
			t.Fatalf("the stale post changed the action: %+v", now)
		}
		v, _ := p.Doc.Find(`input[name="version"]`).Attr("value")
		if v != strconv.Itoa(now.Version) {
			t.Errorf("the form carries version %s, want the current %d", v, now.Version)
		}

		// Submitting again replaces the colleague's version, knowingly.
		form.Set("version", v)
		b.Post("/actions/"+x.ID+"/edit", form).Must(http.StatusOK)
		if now, err = st.GetAction(webtest.System(), x.ID); err != nil || now.Description != mine {
			t.Fatalf("after saving over: %+v (%v)", now, err)
		}
	})
}

// Posts the page never offers are refused by the service and change nothing.
func TestForgedActionPostsAreRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		rec := demoRec(t, s, "EM-DHR-2021-02", "8")
		icb := actionOf(t, s, rec.ID, "NHS Eastmere and Hollowbrook Integrated Care Board")
		icbOrg, _ := s.ScopeID("NHS Eastmere and Hollowbrook Integrated Care Board")
		b := s.Browser()
		b.SignIn("police@example.test")
		b.Get("/recommendations/" + rec.ID).Must(http.StatusOK) // a page with the person's CSRF token

		v := strconv.Itoa(icb.Version)
		b.Post("/actions/"+icb.ID+"/progress", url.Values{"version": {v}, "status": {"in_progress"}, "narrative": {"Forged."}}).Must(http.StatusForbidden)
		b.Post("/actions/"+icb.ID+"/progress", url.Values{"version": {v}, "narrative": {"Forged note."}}).Must(http.StatusForbidden)
		b.Post("/actions/"+icb.ID+"/edit", url.Values{"version": {v}, "organisation_id": {icbOrg}, "description": {"Forged."}}).Must(http.StatusForbidden)
		b.Post("/actions/"+icb.ID+"/evidence/new", url.Values{"kind": {"link"}, "title": {"Forged"}, "url": {"https://example.org/x"}}).Must(http.StatusForbidden)
		// Responding for an organisation it does not act for, on a recommendation addressed to it.
		b.Post("/recommendations/"+rec.ID+"/respond", url.Values{"organisation_id": {icbOrg}, "decision": {"accepted"},
			"narrative": {"Forged."}, "timetable": {"Never."}}).Must(http.StatusForbidden)

		after, err := st.GetAction(webtest.System(), icb.ID)
		if err != nil || after.Version != icb.Version || after.ImplementationStatus != icb.ImplementationStatus || after.Description != icb.Description {
			t.Fatalf("the ICB's action changed: %+v (%v)", after, err)
		}
		if ev, err := st.ListEvidence(webtest.System(), icb.ID); err != nil || len(ev) != 0 {
			t.Fatalf("evidence was added: %v %v", ev, err)
		}
		tl, err := st.Timeline(webtest.System(), rec.ID)
		if err != nil || len(tl) != 0 {
			t.Fatalf("the timeline records something: %+v (%v)", tl, err)
		}
		if rs, err := st.ListResponses(webtest.System(), rec.ID); err != nil || len(rs) != 0 {
			t.Fatalf("a response was recorded: %v %v", rs, err)
		}
	})
}
