package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

func TestStaleEditsShowBothVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("panel@example.test", casereview.RolePanel, eastmereCSP)
		st := s.API.App.Store()
		rv := reviewByReference(t, s, "EM-DHR-2021-02")
		b := s.Browser()
		b.SignIn("panel@example.test")

		// The review: opened, changed by someone else, then submitted.
		p := b.Get("/reviews/" + rv.ID + "/edit").Must(http.StatusOK)
		mine := formOf(p, `form[action="/reviews/`+rv.ID+`/edit"]`)
		mine.Set("title", "Adult D (my title)")
		theirs := rv.Draft()
		theirs.Title = "Adult D (their title)"
		if _, err := st.UpdateReview(webtest.System(), rv.ID, rv.Version, theirs); err != nil {
			t.Fatal(err)
		}
		p = b.Post("/reviews/"+rv.ID+"/edit", mine)
		if p.Status != http.StatusConflict || !strings.Contains(p.Text("h1"), "This review has changed since you opened it") {
			t.Fatalf("stale review edit: %d %s", p.Status, p.Text("h1"))
		}
		if p.Text(".app-changes__current") != "Adult D (their title)" || p.Text(".app-changes__yours") != "Adult D (my title)" {
			t.Errorf("changes table: %s", p.Text("#changes"))
		}
		if v, _ := p.Doc.Find("#title").Attr("value"); v != "Adult D (my title)" {
			t.Errorf("the form does not hold my version: %q", v)
		}
		if got := reviewByReference(t, s, rv.Reference); got.Title != "Adult D (their title)" {
			t.Fatalf("the stale edit overwrote: %q", got.Title)
		}
		p = b.Post("/reviews/"+rv.ID+"/edit", formOf(p, `form[action="/reviews/`+rv.ID+`/edit"]`))
		if p.URL != "/reviews/"+rv.ID || reviewByReference(t, s, rv.Reference).Title != "Adult D (my title)" {
			t.Fatalf("resubmitting ended at %s (%d) %v", p.URL, p.Status, p.Errors())
		}

		// A recommendation likewise.
		rec := recommendationsOf(t, s, rv.ID)[0]
		p = b.Get("/recommendations/" + rec.ID + "/edit").Must(http.StatusOK)
		mine = formOf(p, `form[action="/recommendations/`+rec.ID+`/edit"]`)
		if mine.Get("number") != rec.Number || len(mine["themes"]) != len(rec.Themes) {
			t.Fatalf("edit form values %v", mine)
		}
		mine.Set("text", "My wording.")
		d := rec.Draft()
		d.Text = "Their wording."
		if _, err := st.UpdateRecommendation(webtest.System(), rec.ID, rec.Version, d); err != nil {
			t.Fatal(err)
		}
		p = b.Post("/recommendations/"+rec.ID+"/edit", mine)
		if p.Status != http.StatusConflict || !strings.Contains(p.Text("h1"), "changed since you opened it") ||
			p.Text(".app-changes__current") != "Their wording." || p.Text(".app-changes__yours") != "My wording." {
			t.Fatalf("stale recommendation edit: %d %s / %s", p.Status, p.Text("h1"), p.Text("#changes"))
		}
		again := formOf(p, `form[action="/recommendations/`+rec.ID+`/edit"]`)
		again.Set("then", "done")
		p = b.Post("/recommendations/"+rec.ID+"/edit", again)
		got, err := st.GetRecommendation(webtest.System(), rec.ID)
		if p.URL != "/recommendations/"+rec.ID || err != nil || got.Text != "My wording." {
			t.Fatalf("resubmitting ended at %s: %v %q", p.URL, err, got.Text)
		}
		// What the form does not show survives the edit.
		if len(got.Addressees) != len(rec.Addressees) || got.Addressees[0].RawText != rec.Addressees[0].RawText ||
			len(got.Themes) != len(rec.Themes) {
			t.Errorf("the edit lost addressee or theme details: %+v", got.Addressees)
		}
	})
}

func TestActionPlanDownloads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("agency@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		rv := reviewByReference(t, s, "EM-DHR-2021-02")
		restricted := reviewByReference(t, s, "EM-DHR-2023-04")
		b := s.Browser()
		b.SignIn("agency@example.test")
		p := b.Get("/reviews/" + rv.ID).Must(http.StatusOK)
		if !p.Has(`a[href="/reviews/` + rv.ID + `/action-plan?format=xlsx"]`) {
			t.Fatal("no download link")
		}

		x := b.Get("/reviews/" + rv.ID + "/action-plan?format=xlsx").Must(http.StatusOK)
		if ct := x.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			!strings.Contains(x.Header.Get("Content-Disposition"), `filename=action-plan-EM-DHR-2021-02.xlsx`) {
			t.Fatalf("xlsx headers %v", x.Header)
		}
		f, err := excelize.OpenReader(strings.NewReader(x.Body))
		if err != nil {
			t.Fatalf("excelize cannot open the download: %v", err)
		}
		rows, err := f.GetRows("Action plan")
		if err != nil || len(rows) < 2 || rows[0][0] != "No." || !slices.Contains(rows[1], "1") {
			t.Fatalf("sheet rows %v %v", err, rows)
		}

		c := b.Get("/reviews/" + rv.ID + "/action-plan?format=csv").Must(http.StatusOK)
		if !strings.HasPrefix(c.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv content type %q", c.Header.Get("Content-Type"))
		}
		if !strings.Contains(c.Body, "EM-DHR-2021-02") || !strings.Contains(c.Body, "strangulation") {
			t.Errorf("csv body: %.300s", c.Body)
		}
		events, err := s.API.App.Store().ListAudit(webtest.System(), casereview.AuditFilter{Action: string(casereview.AuditExport), EntityID: rv.ID}, 10, 0)
		if err != nil || len(events.Items) != 2 {
			t.Errorf("exports audited: %v %d", err, len(events.Items))
		}

		// A review the person may not see does not exist for them, nor does its plan.
		if p := b.Get("/reviews/" + restricted.ID + "/action-plan?format=csv"); p.Status != http.StatusNotFound {
			t.Errorf("restricted plan answered %d", p.Status)
		}
		if p := b.Get("/reviews/" + restricted.ID); p.Status != http.StatusNotFound {
			t.Errorf("restricted review answered %d", p.Status)
		}
	})
}
