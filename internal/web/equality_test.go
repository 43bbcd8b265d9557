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

// Equality monitoring in the browser (issue 15 §2): the review page's Subjects section is shown
// only to those who may read subjects; the panel records a subject with field-level errors;
// the equality page answers "are recommendations about Black and minoritised victims closed as
// fast as the others?", internal and shareable; every other role is refused.
func TestEqualityPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		const area = "Eastmere Community Safety Partnership"
		s.User("eq-oversight@example.test", casereview.RoleOversight, "")
		s.User("eq-panel@example.test", casereview.RolePanel, area)
		s.User("eq-admin@example.test", casereview.RoleAdmin, "")
		s.User("eq-editor@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		_, pid := s.ScopeID(area)
		st := s.API.App.Store()
		revs, err := st.ListReviews(webtest.System(), casereview.ReviewFilter{Reference: "EM-DHR-2021-02"}, casereview.PageRequest{Limit: 1})
		if err != nil || len(revs.Items) != 1 {
			t.Fatalf("demo review: %v", err)
		}
		rid := revs.Items[0].ID

		panel := s.Browser()
		panel.SignIn("eq-panel@example.test")
		if !panel.Get("/reviews/" + rid).Must(200).Has("#subject-links") {
			t.Error("the panel sees the Subjects section")
		}
		// A subject without a role is refused at the field; then recorded.
		form := panel.Get("/reviews/" + rid + "/subjects/new").Must(200)
		bad := panel.Post("/reviews/"+rid+"/subjects/new", url.Values{"csrf_token": {form.CSRF()}, "ethnicity": {"black_african"}}).Must(422)
		if errs := bad.Errors(); len(errs) != 1 || !strings.Contains(errs[0], "Select who the subject is") {
			t.Errorf("errors: %v", errs)
		}
		panel.Post("/reviews/"+rid+"/subjects/new", url.Values{"csrf_token": {form.CSRF()}, "role": {"victim"}, "ethnicity": {"black_african"}, "sex": {"female"}}).Must(200)
		list := panel.Get("/reviews/" + rid + "/subjects").Must(200)
		if !strings.Contains(list.Text("main"), "Black: African") {
			t.Error("the recorded subject is listed")
		}
		// A subject recorded by mistake is removed after a question, audited; an editor may not.
		before := len(list.Doc.Find(`a[href$="/remove"]`).Nodes)
		href, ok := list.Doc.Find(`a[href$="/remove"]`).Last().Attr("href")
		if !ok {
			t.Fatal("the panel is offered no Remove link")
		}
		confirm := panel.Get(href).Must(200)
		version, _ := confirm.Doc.Find(`input[name="version"]`).Attr("value")
		eraser := s.Browser()
		eraser.SignIn("eq-editor@example.test")
		eraser.Get(href).Must(403)
		panel.Post(href, url.Values{"csrf_token": {confirm.CSRF()}, "version": {version}}).Must(200)
		if after := len(panel.Get("/reviews/" + rid + "/subjects").Must(200).Doc.Find(`a[href$="/remove"]`).Nodes); after != before-1 {
			t.Errorf("%d subjects after removing one of %d", after, before)
		}
		panel.Post(href, url.Values{"csrf_token": {confirm.CSRF()}, "version": {version}}).Must(404)
		events, err := s.API.App.Store().ListAudit(webtest.System(), casereview.AuditFilter{Action: string(casereview.AuditSubjectDeleted)}, 200, 0)
		if err != nil {
			t.Fatal(err)
		}
		removed := 0
		for _, e := range events.Items {
			if strings.HasSuffix(string(e.Action), "deleted") || strings.HasSuffix(string(e.Action), "removed") {
				removed++
			}
		}
		if removed != 1 {
			t.Errorf("%d removals of a subject audited, want 1", removed)
		}

		for _, who := range []string{"eq-admin@example.test", "eq-editor@example.test"} {
			b := s.Browser()
			b.SignIn(who)
			if b.Get("/reviews/" + rid).Has("#subject-links") {
				t.Errorf("%s sees the Subjects section", who)
			}
			b.Get("/reviews/" + rid + "/subjects").Must(403)
		}
		editor := s.Browser()
		editor.SignIn("eq-editor@example.test")
		editor.Get("/equality").Must(403)

		officer := s.Browser()
		officer.SignIn("eq-oversight@example.test")
		page := officer.Get("/equality?characteristic=minoritised&group=black_minoritised&partnership=" + pid).Must(200)
		if !page.Has("#closure-table") || !page.Has("#disproportionality-table") {
			t.Fatalf("the equality page shows both tables:\n%s", page.Text("main"))
		}
		shared := officer.Get("/equality?characteristic=minoritised&group=black_minoritised&disclosure=shareable").Must(200)
		if !shared.Has("#closure-table") {
			t.Error("the shareable comparison")
		}
		// The page's figures download as CSV, cell for cell, audited as an export.
		href, _ = shared.Doc.Find(`#equality-downloads a`).First().Attr("href")
		if !strings.Contains(href, "disclosure=shareable") || !strings.Contains(href, "format=csv") {
			t.Fatalf("the CSV link is %q", href)
		}
		csv := officer.Get(href).Must(200)
		shared.Doc.Find("#closure-table tbody tr").Each(func(_ int, tr *goquery.Selection) {
			var cells []string
			tr.Find("th, td").Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.TrimSpace(c.Text())) })
			if line := strings.Join(cells[:3], ","); !strings.Contains(csv.Body, line) {
				t.Errorf("the CSV lacks the row %q:\n%s", line, csv.Body)
			}
		})
		officer.Get("/equality/download?format=pdf").Must(http.StatusConflict) // as the explorer answers it
		exports, err := s.API.App.Store().ListAudit(webtest.System(), casereview.AuditFilter{Action: string(casereview.AuditSummaryExported)}, 50, 0)
		if err != nil || len(exports.Items) != 1 || exports.Items[0].EntityID != "equality.csv" {
			t.Errorf("exports audited: %+v %v", exports.Items, err)
		}
		if !strings.Contains(officer.Get("/explore?rows=subject_minoritised&cols=oversight").Must(200).Text("main"), "Black and minoritised") {
			t.Error("the explorer offers the subject dimensions to oversight")
		}
	})
}

// An admin uploads a baseline in the browser: a bad file is reported row by row and nothing is
// kept; a good one replaces the characteristic's figures.
func TestBaselineUploadPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("bl-admin@example.test", casereview.RoleAdmin, "")
		_, pid := s.ScopeID("Eastmere Safeguarding Adults Board")
		admin := s.Browser()
		admin.SignIn("bl-admin@example.test")
		form := admin.Get("/admin/partnerships/" + pid + "/baselines").Must(200)
		bad := admin.Post("/admin/partnerships/"+pid+"/baselines", url.Values{"csrf_token": {form.CSRF()}, "characteristic": {"sex"},
			"csv": {"group,population\nfemale,lots\nmartian,4\n"}}).Must(422)
		if errs := bad.Errors(); len(errs) != 2 || !strings.HasPrefix(errs[0], "Row 2, population") || !strings.HasPrefix(errs[1], "Row 3, group") {
			t.Errorf("errors: %v", errs)
		}
		ok := admin.Post("/admin/partnerships/"+pid+"/baselines", url.Values{"csrf_token": {form.CSRF()}, "characteristic": {"sex"},
			"csv": {"group,population\nfemale,5100\nmale,4900\n"}, "source": {"Test figures"}}).Must(200)
		if !strings.Contains(ok.Text("main"), "5100") {
			t.Errorf("the uploaded baseline is listed:\n%s", ok.Text("main"))
		}
		editor := s.Browser()
		s.User("bl-oversight@example.test", casereview.RoleOversight, "")
		editor.SignIn("bl-oversight@example.test")
		editor.Get("/admin/partnerships/" + pid + "/baselines").Must(403)
	})
}
