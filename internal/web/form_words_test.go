package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// The agency editor's forms, submitted empty, say what to do in the forms' own words, not the
// domain's "decision is required".
func TestAgencyFormsWordTheirErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		police, _ := s.ScopeID("Eastmere and Vale Police")
		rec := demoRec(t, s, "EM-DHR-2021-02", "8")
		act := actionOf(t, s, rec.ID, "Eastmere and Vale Police")
		b := s.Browser()
		b.SignIn("police@example.test")

		b.Get("/recommendations/" + rec.ID + "/respond").Must(http.StatusOK)
		p := b.Post("/recommendations/"+rec.ID+"/respond", url.Values{"organisation_id": {police}}).Must(http.StatusUnprocessableEntity)
		if got := p.Text("#decision-error"); got != "Error: Select what the organisation decided" {
			t.Errorf("decision error = %q (all: %q)", got, p.Errors())
		}

		b.Get("/recommendations/" + rec.ID + "/actions/new").Must(http.StatusOK)
		p = b.Post("/recommendations/"+rec.ID+"/actions/new", url.Values{"organisation_id": {police}}).Must(http.StatusUnprocessableEntity)
		if got := p.Text("#description-error"); got != "Error: Enter what will be done" {
			t.Errorf("description error = %q (all: %q)", got, p.Errors())
		}

		b.Get("/actions/" + act.ID + "/progress").Must(http.StatusOK)
		p = b.Post("/actions/"+act.ID+"/progress", url.Values{"version": {strconv.Itoa(act.Version)}, "status": {""}}).Must(http.StatusUnprocessableEntity)
		if got := p.Text("#narrative-error"); got != "Error: Enter a progress note, or choose how the action has moved on" {
			t.Errorf("narrative error = %q (all: %q)", got, p.Errors())
		}
	})
}
