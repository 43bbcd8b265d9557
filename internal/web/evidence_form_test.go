package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// An empty evidence form reports every problem at once: the missing description as well as the
// missing file, each worded for the person, so the file (which is never kept) is chosen only once.
func TestEvidenceFormReportsEveryProblemAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		rec := demoRec(t, s, "EM-DHR-2021-02", "8")
		act := actionOf(t, s, rec.ID, "Eastmere and Vale Police")
		b := s.Browser()
		b.SignIn("police@example.test")
		b.Get("/actions/" + act.ID + "/evidence/new").Must(http.StatusOK)

		p := b.Post("/actions/"+act.ID+"/evidence/new", url.Values{"kind": {"file"}, "title": {""}, "evidence_type": {"other"}}).
			Must(http.StatusUnprocessableEntity)
		if errs := p.Errors(); len(errs) != 2 {
			t.Errorf("errors = %q, want the description and the file", errs)
		}
		if got := p.Text("#title-error"); got != "Error: Enter a description of the evidence" {
			t.Errorf("title error = %q", got)
		}
		if got := p.Text("#file-error"); got != "Error: Select the file to upload" {
			t.Errorf("file error = %q", got)
		}

		// A link with no address and no description: both, worded for a link.
		p = b.Post("/actions/"+act.ID+"/evidence/new", url.Values{"kind": {"link"}, "title": {""}, "url": {""}}).
			Must(http.StatusUnprocessableEntity)
		if !p.Has("#title-error") || p.Text("#url-error") != "Error: Enter the web address of the evidence" {
			t.Errorf("errors = %q", p.Errors())
		}
		if ev, err := s.API.App.Store().ListEvidence(webtest.System(), act.ID); err != nil || len(ev) != 0 {
			t.Fatalf("evidence was added: %v %v", ev, err)
		}
	})
}
