package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/summaries"
	"github.com/casereview/casereview/internal/webtest"
)

// summaryQuery is a stalking summary for the financial year 2022-23 compared with 2021-22.
func summaryQuery(extra ...string) url.Values {
	q := url.Values{"title": {"Stalking since 2019"}, "fy": {"2022"}, "compare": {"1"}, "theme": {"stalking"},
		"findings": {"Reviews keep asking for\nstalking training."}, "section": {"headline", "response", "trends", "list"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

func day(s string) *casereview.Date { d := casereview.MustDate(s); return &d }

// The builder's page shows the summaries' figures for the period and the filters, both periods'
// headline side by side, the findings and every recommendation's text; the CSV and XLSX
// downloads hold the same rows.
func TestSummaryBuilderShowsThePeriodsAndDownloads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		b.Get("/summaries/new").Must(http.StatusOK)
		sums := summaries.New(s.API.App.Store())
		doc := func(from, to string) casereview.ThematicSummary {
			t.Helper()
			d, err := sums.SummaryDocument(webtest.System(), casereview.SummaryFilter{Themes: []string{"stalking"}, IssuedFrom: day(from), IssuedTo: day(to),
				AsOf: casereview.DateOf(webtest.Now)})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		this, prev := doc("2022-04-01", "2023-03-31"), doc("2021-04-01", "2022-03-31")
		if this.Headline.Recommendations+prev.Headline.Recommendations == 0 || len(this.Items) == 0 {
			t.Fatalf("the demo data has no stalking recommendations in 2021-23: %d, %d", this.Headline.Recommendations, prev.Headline.Recommendations)
		}
		p := b.Get("/summaries/view?" + summaryQuery().Encode()).Must(http.StatusOK)
		if got := p.Text("#summary-title"); got != "Stalking since 2019" {
			t.Errorf("title %q", got)
		}
		if got := p.Text("#summary-findings"); !strings.Contains(got, "stalking training") {
			t.Errorf("findings %q", got)
		}
		for id, want := range map[string][2]int{
			"recommendations": {this.Headline.Recommendations, prev.Headline.Recommendations},
			"accepted":        {this.Headline.Accepted, prev.Headline.Accepted},
			"verified":        {this.Headline.VerifiedClosed, prev.Headline.VerifiedClosed},
			"overdue":         {this.Headline.Overdue, prev.Headline.Overdue},
		} {
			for i, col := range []string{"this", "previous"} {
				if got := p.Text("#compare-" + id + ` td[data-period="` + col + `"]`); got != strconv.Itoa(want[i]) {
					t.Errorf("%s (%s) = %q, want %d", id, col, got, want[i])
				}
			}
		}
		if got := p.Text(`table[data-table="Headline"] tbody tr:first-child td`); got != strconv.Itoa(this.Headline.Recommendations) {
			t.Errorf("headline recommendations %q, want %d", got, this.Headline.Recommendations)
		}
		if p.Has(`table[data-table="By organisation"]`) {
			t.Error("a section that was not chosen is shown")
		}
		rows := p.Doc.Find(`table[data-table="Recommendations"] tbody tr`)
		if rows.Length() != len(this.Items) {
			t.Errorf("list: %d rows, want %d", rows.Length(), len(this.Items))
		}
		text := strings.Join(strings.Fields(this.Items[0].Recommendation.Text), " ")
		if !strings.Contains(strings.Join(strings.Fields(rows.Text()), " "), text) {
			t.Errorf("the list does not show the recommendation's text %q", text)
		}
		// The downloads.
		csvQ := summaryQuery("format", "csv")
		c := b.Get("/summaries/download?" + csvQ.Encode()).Must(http.StatusOK)
		if !strings.Contains(c.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("CSV is not an attachment: %q", c.Header.Get("Content-Disposition"))
		}
		recs, err := csv.NewReader(strings.NewReader(c.Body)).ReadAll()
		if err == nil || recs == nil {
			recs = parseLoose(c.Body)
		}
		found := false
		for _, r := range recs {
			for _, f := range r {
				if strings.Join(strings.Fields(f), " ") == text || strings.Contains(strings.Join(strings.Fields(f), " "), text) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("the CSV does not hold the recommendation's text:\n%s", c.Body)
		}
		x := b.Get("/summaries/download?" + summaryQuery("format", "xlsx").Encode()).Must(http.StatusOK)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
		if err != nil {
			t.Fatal(err)
		}
		xr, err := f.GetRows("Recommendations")
		if err != nil {
			t.Fatal(err)
		}
		if len(xr) < len(this.Items)+1 {
			t.Errorf("XLSX list: %d rows, want at least %d", len(xr), len(this.Items)+1)
		}
		cr, err := f.GetRows("Comparison")
		if err != nil || len(cr) < 2 {
			t.Errorf("XLSX comparison: %v %v", cr, err)
		}
	})
}

// parseLoose splits a CSV of several tables (rows of different widths) into fields.
func parseLoose(body string) [][]string {
	r := csv.NewReader(strings.NewReader(body))
	r.FieldsPerRecord = -1
	out, _ := r.ReadAll()
	return out
}

// A definition that cannot be run is sent back with the problems at their fields.
func TestSummaryBuilderNamesTheProblems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		q := summaryQuery("title", "", "from-day", "1", "from-month", "1", "from-year", "2025")
		q.Del("section")
		q.Set("findings", strings.Repeat("x", 5001))
		p := b.Get("/summaries/view?" + q.Encode()).Must(http.StatusUnprocessableEntity)
		errs := strings.Join(p.Errors(), " | ")
		for _, want := range []string{"Enter a title", "Choose a financial year or dates, not both", "5000 characters", "Choose at least one section"} {
			if !strings.Contains(errs, want) {
				t.Errorf("errors %q lack %q", errs, want)
			}
		}
		q = summaryQuery()
		q.Del("fy")
		p = b.Get("/summaries/view?" + q.Encode()).Must(http.StatusUnprocessableEntity)
		if errs := strings.Join(p.Errors(), " | "); !strings.Contains(errs, "compare with the previous period") {
			t.Errorf("compare without a period: %q", errs)
		}
		// Whole months compare with the same months before.
		q.Set("from-day", "1")
		q.Set("from-month", "1")
		q.Set("from-year", "2025")
		q.Set("to-day", "31")
		q.Set("to-month", "3")
		q.Set("to-year", "2025")
		p = b.Get("/summaries/view?" + q.Encode()).Must(http.StatusOK)
		if got := p.Text("#summary-previous"); got != "1 October 2024 to 31 December 2024" {
			t.Errorf("previous period %q", got)
		}
	})
}

// Agency editors do not build summaries.
func TestSummaryBuilderIsForOversight(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		b := s.Browser()
		b.SignIn("police@example.test")
		for _, path := range []string{"/summaries", "/summaries/new", "/summaries/view?" + summaryQuery().Encode(),
			"/summaries/download?" + summaryQuery("format", "csv").Encode()} {
			if st := b.Get(path).Status; st != http.StatusForbidden {
				t.Errorf("agency editor GET %s: %d", path, st)
			}
		}
	})
}

// A saved summary is listed for its owner and runs again with the same definition; another
// officer neither sees nor opens it; an admin may open it.
func TestSavedSummaryRunsAgainForItsOwnerOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		s.User("other@example.test", casereview.RoleOversight, "")
		s.User("admin@example.test", casereview.RoleAdmin, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		view := b.Get("/summaries/view?" + summaryQuery().Encode()).Must(http.StatusOK)
		want := view.Text("#compare-recommendations")
		def, _ := view.Doc.Find(`input[name="definition"]`).Attr("value")
		list := b.Post("/summaries", url.Values{"definition": {def}}).Must(http.StatusOK)
		link, ok := list.Doc.Find(`#saved-summaries a[href^="/summaries/saved/"]`).Attr("href")
		if !ok || !strings.Contains(list.Text("#saved-summaries"), "Stalking since 2019") {
			t.Fatalf("the saved summary is not listed: %s", list.Text("main"))
		}
		again := b.Get(link).Must(http.StatusOK)
		if got := again.Text("#compare-recommendations"); got != want || again.Text("#summary-title") != "Stalking since 2019" ||
			!strings.Contains(again.Text("#summary-findings"), "stalking training") {
			t.Errorf("run again: %q, want %q", got, want)
		}
		o := s.Browser()
		o.SignIn("other@example.test")
		if o.Get("/summaries").Has(`a[href="` + link + `"]`) {
			t.Error("another officer sees the saved summary")
		}
		if st := o.Get(link).Status; st != http.StatusNotFound {
			t.Errorf("another officer opens it: %d", st)
		}
		a := s.Browser()
		a.SignIn("admin@example.test")
		a.Get(link).Must(http.StatusOK)
		events, err := s.API.App.Store().ListAudit(webtest.System(), casereview.AuditFilter{Action: string(casereview.AuditSummarySaved)}, 10, 0)
		saved := 0 // the demo's own saved summary (the quarterly schedule's) is saved as the demo is made
		for _, e := range events.Items {
			if e.EntityID == strings.TrimPrefix(link, "/summaries/saved/") || strings.Contains(e.After, "Stalking since 2019") {
				saved++
			}
		}
		if err != nil || saved != 1 {
			t.Errorf("the save is not audited once: %v %v", events.Items, err)
		}
	})
}

// Its owner renames a saved summary (running it again shows the new title) and deletes it after
// a confirmation page; both are audited. Another officer, and an admin, can do neither.
func TestSavedSummaryRenameAndDeleteByItsOwner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		s.User("other@example.test", casereview.RoleOversight, "")
		s.User("admin@example.test", casereview.RoleAdmin, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		view := b.Get("/summaries/view?" + summaryQuery().Encode()).Must(http.StatusOK)
		def, _ := view.Doc.Find(`input[name="definition"]`).Attr("value")
		list := b.Post("/summaries", url.Values{"definition": {def}}).Must(http.StatusOK)
		run, _ := list.Doc.Find(`#saved-summaries a[href^="/summaries/saved/"]`).Attr("href")
		rename, ok := list.Doc.Find(`#saved-summaries a[href$="/rename"]`).Attr("href")
		if !ok || rename != run+"/rename" {
			t.Fatalf("no rename link beside %q: %q", run, rename)
		}
		remove, ok := list.Doc.Find(`#saved-summaries a[href$="/delete"]`).Attr("href")
		if !ok || remove != run+"/delete" {
			t.Fatalf("no delete link beside %q: %q", run, remove)
		}

		// Someone else can neither rename nor delete it: an officer does not see it, an admin
		// (who may read it) is refused.
		o := s.Browser()
		o.SignIn("other@example.test")
		a := s.Browser()
		a.SignIn("admin@example.test")
		for _, x := range []struct {
			b    *webtest.Browser
			want int
		}{{o, http.StatusNotFound}, {a, http.StatusForbidden}} {
			if st := x.b.Get(rename).Status; st != x.want {
				t.Errorf("GET %s by another: %d, want %d", rename, st, x.want)
			}
			if st := x.b.Post(rename, url.Values{"title": {"Hijacked"}}).Status; st != x.want {
				t.Errorf("POST %s by another: %d, want %d", rename, st, x.want)
			}
			if st := x.b.Post(remove, url.Values{}).Status; st != x.want {
				t.Errorf("POST %s by another: %d, want %d", remove, st, x.want)
			}
		}

		// A bad title is reported at its field, and nothing changes.
		bad := b.Post(rename, url.Values{"title": {"  "}}).Must(http.StatusUnprocessableEntity)
		if !strings.Contains(bad.Text("#title-error"), "Enter a title") {
			t.Errorf("empty title: %q", bad.Text("main"))
		}
		form := b.Get(rename).Must(http.StatusOK)
		if v, _ := form.Doc.Find(`input#title`).Attr("value"); v != "Stalking since 2019" {
			t.Errorf("the rename form shows %q", v)
		}
		list = b.Post(rename, url.Values{"title": {"Stalking for the board"}}).Must(http.StatusOK)
		if got := list.Text("#saved-summaries"); !strings.Contains(got, "Stalking for the board") || strings.Contains(got, "Stalking since 2019") {
			t.Errorf("after renaming the list shows %q", got)
		}
		if got := b.Get(run).Must(http.StatusOK).Text("#summary-title"); got != "Stalking for the board" {
			t.Errorf("run again after renaming: title %q", got)
		}

		// Delete: a confirmation page, then gone.
		confirm := b.Get(remove).Must(http.StatusOK)
		if action, _ := confirm.Doc.Find(`main form[method="post"]`).Attr("action"); action != remove || !strings.Contains(confirm.Text("main"), "Stalking for the board") {
			t.Errorf("the confirmation posts to %q: %q", action, confirm.Text("main"))
		}
		list = b.Post(remove, url.Values{}).Must(http.StatusOK)
		if strings.Contains(list.Text("main"), "Stalking for the board") && list.Has(`a[href="`+run+`"]`) {
			t.Errorf("still listed after deleting: %q", list.Text("main"))
		}
		if st := b.Get(run).Status; st != http.StatusNotFound {
			t.Errorf("the deleted summary still runs: %d", st)
		}
		for _, act := range []casereview.AuditAction{casereview.AuditSummaryRenamed, casereview.AuditSummaryDeleted} {
			events, err := s.API.App.Store().ListAudit(webtest.System(), casereview.AuditFilter{Action: string(act)}, 10, 0)
			if err != nil || len(events.Items) != 1 {
				t.Errorf("%s is not audited once: %v %v", act, events.Items, err)
			}
		}
	})
}
