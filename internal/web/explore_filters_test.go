package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/summaries"
	"github.com/casereview/casereview/internal/webtest"
)

// The explorer's filters are search's: several values of each, scope, intervention, the derived
// flag and the search words, all in the address; each chosen value is a tag that removes it.
func TestExploreFiltersTakeSeveralValues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		sums := summaries.New(s.API.App.Store())
		ctx := oversightCtx(t, s)
		asOf := casereview.DateOf(webtest.Now)
		all, err := sums.SummaryCrossTab(ctx, casereview.SummaryFilter{AsOf: asOf}, casereview.CrossTabRequest{Rows: casereview.DimTheme, Cols: casereview.DimReviewType})
		if err != nil {
			t.Fatal(err)
		}
		var themes, types []string
		for _, v := range all.RowValues {
			if v.Key != "" && len(themes) < 2 {
				themes = append(themes, v.Key)
			}
		}
		for _, v := range all.ColValues {
			if v.Key != "" && len(types) < 2 {
				types = append(types, v.Key)
			}
		}
		if len(themes) < 2 || len(types) < 2 {
			t.Fatalf("the demo data has themes %v and types %v", themes, types)
		}
		f := casereview.SummaryFilter{AsOf: asOf, Themes: themes, ReviewTypes: types, Scopes: []casereview.Scope{"local", "regional"}}
		want, err := sums.SummaryCrossTab(ctx, f, casereview.CrossTabRequest{Rows: casereview.DimTheme, Cols: casereview.DimReviewType})
		if err != nil {
			t.Fatal(err)
		}
		if want.Total == all.Total {
			t.Fatal("the filter narrows nothing")
		}
		q := url.Values{"rows": {"theme"}, "cols": {"review_type"}, "theme": themes, "type": types, "scope": {"local", "regional"}}
		p := b.Get("/explore?" + q.Encode()).Must(http.StatusOK)
		if got := strings.TrimSpace(p.Doc.Find("#crosstab tbody tr").Last().Find("td").Last().Text()); got != strconv.Itoa(want.Total) {
			t.Errorf("grand total %q, want %d", got, want.Total)
		}
		for name, vs := range map[string][]string{"theme": themes, "type": types, "scope": {"local", "regional"}} {
			for _, v := range vs {
				if !p.Has(`input[type="checkbox"][name="` + name + `"][value="` + v + `"][checked]`) {
					t.Errorf("%s=%s is not a ticked checkbox", name, v)
				}
			}
		}
		for _, sel := range []string{`input[type="checkbox"][name="intervention"]`, `input[type="radio"][name="flag"]`, `input[name="q"]`,
			`input[type="checkbox"][name="partnership"], select[name="partnership"]`, `select[name="organisation"]`} {
			if !p.Has(sel) {
				t.Errorf("no control %s", sel)
			}
		}
		// The tag of the first theme removes it alone, keeping the view.
		var removed string
		p.Doc.Find(`.moj-filter__selected a.moj-filter__tag`).EachWithBreak(func(_ int, a *goquery.Selection) bool {
			h, _ := a.Attr("href")
			u, _ := url.Parse(h)
			if u != nil && !contains(u.Query()["theme"], themes[0]) && contains(u.Query()["theme"], themes[1]) {
				removed = h
				return false
			}
			return true
		})
		if u, _ := url.Parse(removed); removed == "" || u.Query().Get("rows") != "theme" || len(u.Query()["type"]) != 2 {
			t.Errorf("no tag removes theme %s alone: %q", themes[0], removed)
		}

		// A flag narrows the figures as the summaries do.
		flagged, err := sums.SummaryCrossTab(ctx, casereview.SummaryFilter{AsOf: asOf, Flag: casereview.FlagResponseOverdue},
			casereview.CrossTabRequest{Rows: casereview.DimTheme, Cols: casereview.DimReviewType})
		if err != nil {
			t.Fatal(err)
		}
		p = b.Get("/explore?rows=theme&cols=review_type&flag=response_overdue").Must(http.StatusOK)
		if flagged.Total == 0 {
			t.Log("nothing is response-overdue in the demo data")
		} else if got := strings.TrimSpace(p.Doc.Find("#crosstab tbody tr").Last().Find("td").Last().Text()); got != strconv.Itoa(flagged.Total) {
			t.Errorf("flagged grand total %q, want %d", got, flagged.Total)
		}
		if !p.Has(`input[name="flag"][value="response_overdue"][checked]`) {
			t.Error("the flag is not shown as chosen")
		}
	})
}

// The search words narrow the figures exactly as they narrow the summaries API's.
func TestExploreSearchWordsNarrowTheFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		api := func(q string) (int, int) {
			t.Helper()
			r := b.Get("/api/v1/summaries/crosstab?rows=theme&cols=oversight&q=" + url.QueryEscape(q)).Must(http.StatusOK)
			var out struct {
				Total struct {
					Count int `json:"count"`
				} `json:"total"`
				Recommendations struct {
					Count int `json:"count"`
				} `json:"recommendations"`
			}
			if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
				t.Fatal(err)
			}
			return out.Total.Count, out.Recommendations.Count
		}
		total := func(p *webtest.Page) string {
			return strings.TrimSpace(p.Doc.Find("#crosstab tbody tr").Last().Find("td").Last().Text())
		}
		everything := total(b.Get("/explore?rows=theme&cols=oversight").Must(http.StatusOK))
		want, recs := api("stalking")
		if want == 0 || strconv.Itoa(want) == everything {
			t.Fatalf("stalking counts %d of %s", want, everything)
		}
		p := b.Get("/explore?rows=theme&cols=oversight&q=stalking").Must(http.StatusOK)
		if got := total(p); got != strconv.Itoa(want) {
			t.Errorf("with q=stalking the grand total is %q, want %d (everything: %s)", got, want, everything)
		}
		if v, _ := p.Doc.Find(`input[name="q"]`).Attr("value"); v != "stalking" {
			t.Errorf("the search box shows %q", v)
		}
		if href, _ := p.Doc.Find(`.moj-sub-navigation a`).Eq(2).Attr("href"); !strings.Contains(href, "q=stalking") {
			t.Errorf("the trends tab forgets the words: %q", href)
		}
		// The dashboard takes the same words.
		d := b.Get("/dashboard?q=stalking").Must(http.StatusOK)
		if got := strings.TrimSpace(d.Text(`#figure-issued td[data-figure="all"]`)); got != strconv.Itoa(recs) {
			t.Errorf("dashboard with q=stalking: %q recommendations, want %d", got, recs)
		}
		// Words search cannot read are reported at the box.
		bad := b.Get("/explore?q=" + url.QueryEscape(`stalking "training`))
		if bad.Status != http.StatusUnprocessableEntity || !bad.Has("#q-error") {
			t.Errorf("unreadable words: %d %v", bad.Status, bad.Errors())
		}
	})
}

func contains(vs []string, v string) bool {
	for _, x := range vs {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// The summary builder takes the same filters as the explorer: several values of each, the flag
// and the search words, which narrow the summary as they narrow the summaries API's figures.
func TestSummaryBuilderTakesTheExplorersFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		q := url.Values{"title": {"Training"}, "theme": {"A01", "A02"}, "type": {"DHR", "CSPR"}, "scope": {"local"},
			"flag": {"due_soon"}, "q": {"training"}, "section": {"headline"}}
		p := b.Get("/summaries/new?" + q.Encode()).Must(http.StatusOK)
		for _, name := range []string{"theme", "type", "scope"} {
			for _, v := range q[name] {
				if !p.Has(`input[type="checkbox"][name="` + name + `"][value="` + v + `"][checked]`) {
					t.Errorf("%s=%s is not a ticked checkbox", name, v)
				}
			}
		}
		if v, _ := p.Doc.Find(`input[name="q"]`).Attr("value"); v != "training" {
			t.Errorf("the search box shows %q", v)
		}
		if !p.Has(`input[name="flag"][value="due_soon"][checked]`) {
			t.Error("the flag is not shown as chosen")
		}
		r := b.Get("/api/v1/summaries/crosstab?rows=theme&cols=oversight&q=stalking").Must(http.StatusOK)
		var out struct {
			Recommendations struct {
				Count int `json:"count"`
			} `json:"recommendations"`
		}
		if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
			t.Fatal(err)
		}
		v := b.Get("/summaries/view?" + url.Values{"title": {"Stalking"}, "q": {"stalking"}, "section": {"headline"}}.Encode()).Must(http.StatusOK)
		if got := v.Text(`table[data-table="Headline"] tbody tr:first-child td`); got != strconv.Itoa(out.Recommendations.Count) {
			t.Errorf("the summary of q=stalking counts %q recommendations, the API %d", got, out.Recommendations.Count)
		}
	})
}

// The dashboard has the explorer's filter panel, and its tags stay on the dashboard.
func TestDashboardHasTheFilterPanel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		p := b.Get("/dashboard?theme=A01&theme=A02&q=training").Must(http.StatusOK)
		for _, sel := range []string{`form[action="/dashboard"] input[type="checkbox"][name="theme"][value="A01"][checked]`,
			`form[action="/dashboard"] input[type="checkbox"][name="theme"][value="A02"][checked]`,
			`form[action="/dashboard"] input[name="q"][value="training"]`, `form[action="/dashboard"] input[name="flag"]`} {
			if !p.Has(sel) {
				t.Errorf("no %s", sel)
			}
		}
		href, _ := p.Doc.Find(`.moj-filter__selected a.moj-filter__tag`).First().Attr("href")
		if !strings.HasPrefix(href, "/dashboard?") {
			t.Errorf("a tag leads to %q", href)
		}
		if href, _ := p.Doc.Find(`main a[href^="/explore?"]`).First().Attr("href"); !strings.Contains(href, "theme=A02") || !strings.Contains(href, "q=training") {
			t.Errorf("the explorer link forgets the filters: %q", href)
		}
		// To schedule the dashboard's figures: the summary builder with the same filters and
		// every section, ticked, ready to save (schedules are of saved summaries).
		href, _ = p.Doc.Find("#schedule-dashboard").Attr("href")
		if !strings.HasPrefix(href, "/summaries/new?") || !strings.Contains(href, "theme=A02") || !strings.Contains(href, "section=list") {
			t.Fatalf("the schedule link is %q", href)
		}
		bp := b.Get(href).Must(http.StatusOK)
		for _, sel := range []string{`input[name="theme"][value="A01"][checked]`, `input[name="q"][value="training"]`,
			`input[name="section"][value="headline"][checked]`, `input[name="section"][value="list"][checked]`} {
			if !bp.Has(sel) {
				t.Errorf("the builder opened from the dashboard has no %s", sel)
			}
		}
	})
}
