package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// A saved summary's schedules page: an oversight officer schedules it, a bad subscriber is
// refused at the field with nothing written, "Run now" stores a run whose page serves the
// stored document byte for byte under a policy that lets only its own style in; a panel member
// who owns a summary sees no form and is refused a schedule; a viewer cannot open the run.
func TestReportSchedulesPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		s.User("viewer@example.test", casereview.RoleViewer, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		def := url.Values{"title": {"Quarterly"}, "section": {"headline", "response"}}
		b.Get("/summaries/new").Must(http.StatusOK)
		b.Post("/summaries", url.Values{"definition": {def.Encode()}}).Must(http.StatusOK)
		list, err := s.API.App.Store().ListSavedSummaries(casereview.WithActor(webtest.System(), ownerActor(t, s, "oversight@example.test")))
		if err != nil || len(list) != 1 {
			t.Fatalf("saved: %v %v", list, err)
		}
		page := "/summaries/saved/" + list[0].ID + "/schedules"
		p := b.Get(page).Must(http.StatusOK)
		if !p.Has("#add-schedule") || p.Text("#schedules") != "This summary has no schedule." {
			t.Fatalf("the schedules page: %s", p.Text("main"))
		}
		bad := b.Post(page, url.Values{"frequency": {"quarterly"}, "subscribers": {"nobody@example.test"}}).Must(http.StatusUnprocessableEntity)
		if errs := bad.Errors(); len(errs) != 1 || !strings.Contains(errs[0], "nobody@example.test") {
			t.Fatalf("errors: %v", errs)
		}
		if b.Get(page).Must(http.StatusOK).Has("#schedules tbody tr") {
			t.Fatal("a refused schedule was written")
		}
		p = b.Post(page, url.Values{"frequency": {"quarterly"}, "subscribers": {"viewer@example.test"}}).Must(http.StatusUnprocessableEntity)
		p = b.Post(page, url.Values{"frequency": {"quarterly"}}).Must(http.StatusOK)
		if got := p.Text("#schedules tbody tr th"); got != "Quarterly" {
			t.Fatalf("schedule row %q", got)
		}
		action, _ := p.Doc.Find(`form[action$="/run"]`).Attr("action")
		run := b.Post(action, nil).Must(http.StatusOK)
		if !strings.HasPrefix(run.URL, "/summaries/runs/") || !strings.Contains(run.Text("#headline-changes"), "first run") {
			t.Fatalf("run page %s: %s", run.URL, run.Text("main"))
		}
		href, _ := run.Doc.Find("#documents a").First().Attr("href")
		doc := b.Get(href).Must(http.StatusOK)
		sum := sha256.Sum256([]byte(doc.Body))
		if !strings.Contains(run.Text("#documents"), hex.EncodeToString(sum[:])) || !strings.Contains(doc.Body, "Quarterly") {
			t.Fatal("the page served is not the stored document")
		}
		if csp := doc.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Fatalf("document policy %q", csp)
		}
		v := s.Browser()
		v.SignIn("viewer@example.test")
		v.Get(run.URL).Must(http.StatusNotFound)
		v.Get(page).Must(http.StatusNotFound)
	})
}

func ownerActor(t *testing.T, s *webtest.Site, email string) casereview.Actor {
	t.Helper()
	us, err := s.API.App.Store().ListUsers(webtest.System(), casereview.UserFilter{Email: email}, casereview.PageRequest{Limit: 1})
	if err != nil || len(us.Items) != 1 {
		t.Fatalf("user %s: %v", email, err)
	}
	return us.Items[0].Actor()
}
