package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/summaries"
	"github.com/casereview/casereview/internal/webtest"
)

// The reporting pages are for oversight, admins and partnership panels; agency editors are
// refused and not offered them.
func TestReportingPagesAreForOversightAdminsAndPanels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("oversight@example.test", casereview.RoleOversight, "")
		s.User("panel@example.test", casereview.RolePanel, "Eastmere Community Safety Partnership")
		b := s.Browser()
		if p := b.SignIn("police@example.test"); p.Has(`a[href="/dashboard"]`) || p.Has(`a[href="/explore"]`) {
			t.Error("an agency editor is offered the reporting pages")
		}
		for _, path := range []string{"/dashboard", "/explore", "/explore?view=pairs"} {
			if st := b.Get(path).Status; st != http.StatusForbidden {
				t.Errorf("agency editor GET %s: %d", path, st)
			}
		}
		for _, who := range []string{"oversight@example.test", "panel@example.test"} {
			o := s.Browser()
			if p := o.SignIn(who); !p.Has(`nav a[href="/dashboard"]`) || !p.Has(`nav a[href="/explore"]`) {
				t.Errorf("%s is not offered the reporting pages", who)
			}
			o.Get("/dashboard").Must(http.StatusOK)
			o.Get("/explore").Must(http.StatusOK)
		}
	})
}

func oversightCtx(t *testing.T, s *webtest.Site) context.Context {
	t.Helper()
	return casereview.WithActor(context.Background(), casereview.System)
}

// The dashboard's figures are the summaries' for the same filter: over every year, and for the
// recommendations issued this year and last year; the overdue list is the summaries' list.
func TestDashboardFiguresAreTheSummaries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		sums := summaries.New(s.API.App.Store())
		ctx := oversightCtx(t, s)
		asOf := casereview.DateOf(webtest.Now)
		doc := func(f casereview.SummaryFilter) casereview.Headline {
			t.Helper()
			f.AsOf = asOf
			d, err := sums.SummaryDocument(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return d.Headline
		}
		y, ly := webtest.Now.Year(), webtest.Now.Year()-1
		all, this, last := doc(casereview.SummaryFilter{}), doc(casereview.SummaryFilter{YearFrom: &y, YearTo: &y}),
			doc(casereview.SummaryFilter{YearFrom: &ly, YearTo: &ly})
		if all.Recommendations == 0 {
			t.Fatal("the demo data has no recommendations")
		}
		p := b.Get("/dashboard").Must(http.StatusOK)
		for id, want := range map[string][3]int{
			"issued":    {all.Recommendations, this.Recommendations, last.Recommendations},
			"responded": {all.Responded, this.Responded, last.Responded},
			"accepted":  {all.Accepted, this.Accepted, last.Accepted},
			"verified":  {all.VerifiedClosed, this.VerifiedClosed, last.VerifiedClosed},
			"overdue":   {all.Overdue, this.Overdue, last.Overdue},
		} {
			for i, col := range []string{"all", "this", "last"} {
				if got := p.Text("#figure-" + id + ` td[data-figure="` + col + `"]`); got != strconv.Itoa(want[i]) {
					t.Errorf("%s (%s) = %q, want %d", id, col, got, want[i])
				}
			}
		}
		groups, err := sums.SummaryOverdue(ctx, casereview.SummaryFilter{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		checkOverdueTable(t, p, groups, true)
		if got := p.Doc.Find("#overdue tbody tr").Length(); got != min(len(groups), 15) {
			t.Errorf("the dashboard's overdue table has %d organisations, want %d", got, min(len(groups), 15))
		}
		// The filter narrows the figures and carries over to the explorer.
		p = b.Get("/dashboard?type=DHR").Must(http.StatusOK)
		dhr := doc(casereview.SummaryFilter{ReviewTypes: []string{"DHR"}})
		if got := p.Text(`#figure-issued td[data-figure="all"]`); got != strconv.Itoa(dhr.Recommendations) {
			t.Errorf("DHR issued = %q, want %d", got, dhr.Recommendations)
		}
		if !p.Has(`a[href="/explore?type=DHR"]`) {
			t.Error("the dashboard's filter does not carry over to the explorer")
		}
	})
}

// The cross-tab is the summaries' table, the filter round-trips through the address, the chart
// has one bar per row with its text alternative, and shareable output hides small counts as the
// table does.
func TestExploreCrossTab(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		sums := summaries.New(s.API.App.Store())
		ctx := oversightCtx(t, s)
		asOf := casereview.DateOf(webtest.Now)
		req := casereview.CrossTabRequest{Rows: casereview.DimTheme, Cols: casereview.DimResponse}
		tab, err := sums.SummaryCrossTab(ctx, casereview.SummaryFilter{AsOf: asOf, Oversights: []casereview.OversightStatus{"open_unassessed"}}, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.RowValues) < 2 {
			t.Fatalf("the demo data gives %d rows", len(tab.RowValues))
		}
		p := b.Get("/explore?rows=theme&cols=response&oversight=open_unassessed").Must(http.StatusOK)
		rows := p.Doc.Find("#crosstab tbody tr")
		if rows.Length() != len(tab.RowValues)+1 {
			t.Fatalf("%d table rows, want %d and a total", rows.Length(), len(tab.RowValues))
		}
		rows.Each(func(i int, r *goquery.Selection) {
			if i == len(tab.RowValues) {
				if got := strings.TrimSpace(r.Find("td").Last().Text()); got != strconv.Itoa(tab.Total) {
					t.Errorf("grand total %q, want %d", got, tab.Total)
				}
				return
			}
			if got := strings.TrimSpace(r.Find("th").Text()); got != tab.RowValues[i].Label {
				t.Errorf("row %d is %q, want %q", i, got, tab.RowValues[i].Label)
			}
			if got := strings.TrimSpace(r.Find("td").Last().Text()); got != strconv.Itoa(tab.RowTotals[i]) {
				t.Errorf("row %s total %q, want %d", tab.RowValues[i].Label, got, tab.RowTotals[i])
			}
		})
		// The filter round-trips: the form shows it chosen, and the tabs keep it.
		if !p.Has(`#oversight-1[checked], input[name="oversight"][value="open_unassessed"][checked]`) {
			t.Error("the oversight filter is not shown as chosen")
		}
		if href, _ := p.Doc.Find(`.moj-sub-navigation a`).Eq(1).Attr("href"); !strings.Contains(href, "oversight=open_unassessed") || !strings.Contains(href, "view=pairs") {
			t.Errorf("the theme pairs tab is %q", href)
		}
		if v, _ := p.Doc.Find(`#rows option[selected]`).Attr("value"); v != "theme" {
			t.Errorf("rows selected = %q", v)
		}
		// The chart: a titled, described image with one bar per row.
		svg := p.Doc.Find(`#crosstab-chart svg[role="img"]`)
		if lb, _ := svg.Attr("aria-labelledby"); lb != "crosstab-chart-title crosstab-chart-desc" {
			t.Errorf("svg aria-labelledby = %q", lb)
		}
		if svg.Find("title").Text() == "" || !strings.Contains(svg.Find("desc").Text(), tab.RowValues[0].Label) {
			t.Errorf("svg title %q desc %q", svg.Find("title").Text(), svg.Find("desc").Text())
		}
		if n := svg.Find("g.app-chart__bar").Length(); n != len(tab.RowValues) {
			t.Errorf("%d bars, want %d", n, len(tab.RowValues))
		}

		// Shareable: every figure as the cell key method publishes it from the table's key sums.
		th := casereview.DefaultSDCThreshold
		C := len(tab.ColValues)
		p = b.Get("/explore?rows=theme&cols=response&oversight=open_unassessed&disclosure=shareable").Must(http.StatusOK)
		bars := p.Doc.Find("#crosstab-chart g.app-chart__bar")
		p.Doc.Find("#crosstab tbody tr").Each(func(i int, r *goquery.Selection) {
			if i == len(tab.RowValues) {
				return
			}
			r.Find("td").Each(func(j int, c *goquery.Selection) {
				want := casereview.Share(tab.Tally(i, min(j, C)), th).Display(th)
				if got := strings.TrimSpace(c.Text()); got != want {
					t.Errorf("shareable cell %d,%d = %q, want %q", i, j, got, want)
				}
			})
			tf := casereview.Share(tab.Tally(i, C), th)
			total := tf.Display(th)
			bar := bars.Eq(i)
			if strings.TrimSpace(bar.Find("text").Last().Text()) != total || tf.Suppressed != (bar.Find("rect").Length() == 0) {
				t.Errorf("bar %d shows %q (rect %d), table %q", i, bar.Find("text").Last().Text(), bar.Find("rect").Length(), total)
			}
		})
	})
}

// The other views answer with their tables, and bad input is reported at its field.
func TestExploreViews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		for path, sel := range map[string]string{
			"/explore?view=pairs&sort=lift&min=1":   "#pairs tbody tr",
			"/explore?view=trends":                  "#trends tbody tr",
			"/explore?view=organisations&by=sector": "#organisations tbody tr",
			"/explore?view=organisations":           "#organisations tbody tr",
		} {
			p := b.Get(path).Must(http.StatusOK)
			if !p.Has(sel) {
				t.Errorf("%s: no %s", path, sel)
			}
		}
		if p := b.Get("/explore?view=trends").Must(http.StatusOK); !p.Has(`#trends-chart svg[role="img"] title`) {
			t.Error("the trends have no chart")
		}
		if p := b.Get("/explore?view=organisations&by=sector"); strings.Contains(p.Text("#organisations tbody th"), "_") {
			t.Errorf("sector codes shown: %q", p.Text("#organisations tbody th"))
		}
		b.Get("/explore?view=national").Must(http.StatusOK)
		p := b.Get("/explore?year_from=2025&year_to=2020")
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(strings.Join(p.Errors(), " "), "year to must be") {
			t.Errorf("inverted years: %d %v", p.Status, p.Errors())
		}
	})
}

// checkOverdueTable checks an overdue table's rows against the overdue list's groups: each
// organisation's items, escalations and oldest date; every row when all.
func checkOverdueTable(t *testing.T, p *webtest.Page, groups []casereview.OverdueGroup, some bool) {
	t.Helper()
	if len(groups) == 0 {
		t.Fatal("the demo data has nothing overdue")
	}
	for _, g := range groups {
		row := `#overdue tr[data-organisation="` + g.OrganisationID + `"] `
		if !p.Has(row) {
			if !some {
				t.Errorf("overdue: no row for %s", g.OrganisationName)
			}
			continue
		}
		esc := 0
		for _, it := range g.Items {
			if it.Escalated {
				esc++
			}
		}
		if got := p.Text(row + `td[data-figure="items"]`); got != strconv.Itoa(len(g.Items)) {
			t.Errorf("overdue %s: %s items, want %d", g.OrganisationName, got, len(g.Items))
		}
		if got := p.Text(row + `td[data-figure="escalated"]`); got != strconv.Itoa(esc) {
			t.Errorf("overdue %s: %s escalated, want %d", g.OrganisationName, got, esc)
		}
		if got, want := p.Text(row+`td[data-figure="oldest"]`), g.Items[0].Since.Time().Format("2 January 2006"); !strings.HasPrefix(got, want) {
			t.Errorf("overdue %s: oldest %q, want %s", g.OrganisationName, got, want)
		}
	}
}

// The overdue list by organisation: every organisation owing something, and each one's items,
// oldest first, linked; the filters carry through; an unknown organisation is not found.
func TestDashboardOverdueList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		sums := summaries.New(s.API.App.Store())
		ctx := oversightCtx(t, s)
		asOf := casereview.DateOf(webtest.Now)
		groups, err := sums.SummaryOverdue(ctx, casereview.SummaryFilter{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		p := b.Get("/dashboard/overdue").Must(http.StatusOK)
		checkOverdueTable(t, p, groups, false)
		if got := p.Doc.Find("#overdue tbody tr").Length(); got != len(groups) {
			t.Errorf("the overdue list has %d organisations, want %d", got, len(groups))
		}
		g := groups[0]
		href, _ := p.Doc.Find(`#overdue tr[data-organisation="` + g.OrganisationID + `"] a`).Attr("href")
		op := b.Get(href).Must(http.StatusOK)
		if got := op.Doc.Find("#owing tbody tr").Length(); got != min(len(g.Items), 50) {
			t.Errorf("%s: %d items listed, want %d", g.OrganisationName, got, len(g.Items))
		}
		op.Doc.Find("#owing tbody tr").Each(func(i int, row *goquery.Selection) {
			if i >= len(g.Items) {
				return
			}
			if h, _ := row.Find("a").Attr("href"); h != "/recommendations/"+g.Items[i].Recommendation.ID {
				t.Errorf("%s item %d links %s, want %s (oldest first)", g.OrganisationName, i, h, g.Items[i].Recommendation.ID)
			}
		})
		// A filter that leaves nothing overdue.
		if p := b.Get("/dashboard/overdue?type=DHR&year=1999").Must(http.StatusOK); p.Has("#overdue tbody tr") {
			t.Error("a filter with no recommendations still lists organisations")
		}
		b.Get("/dashboard/overdue?owed_by=not-an-organisation").Must(http.StatusNotFound)
	})
}

// Figures to share are refused, at the choice of figures, for filters that keep a few
// recommendations (issue 15), as the API refuses them; internal figures are answered.
func TestExploreRefusesSharingAFew(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		sums := summaries.New(s.API.App.Store())
		tab, err := sums.SummaryCrossTab(oversightCtx(t, s), casereview.SummaryFilter{AsOf: casereview.DateOf(webtest.Now)},
			casereview.CrossTabRequest{Rows: casereview.DimPartnership, Cols: casereview.DimReviewType})
		if err != nil {
			t.Fatal(err)
		}
		for i, rv := range tab.RowValues {
			for j, cv := range tab.ColValues {
				if n := tab.Counts[i][j]; n < 1 || n >= casereview.DefaultSDCThreshold {
					continue
				}
				base := "/explore?partnership=" + rv.Key + "&type=" + cv.Key
				p := b.Get(base + "&disclosure=shareable").Must(http.StatusUnprocessableEntity)
				if !p.Has(`.govuk-error-summary a[href="#disclosure"]`) {
					t.Errorf("%s: no error at the choice of figures", base)
				}
				if p.Has("#crosstab tbody tr") {
					t.Errorf("%s: figures to share of %d recommendations were shown", base, tab.Counts[i][j])
				}
				b.Get(base).Must(http.StatusOK)
				return
			}
		}
		t.Fatal("the demo data has no partnership and review type with 1 to 4 recommendations: the test would prove nothing")
	})
}
