package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/summaries"
	"github.com/casereview/casereview/internal/web"
	"github.com/casereview/casereview/internal/webtest"
)

// The subject filter and the section by protected characteristic on the reporting pages (issue
// 15 §2): the dashboard, the explorer and the thematic summary builder narrow their figures to
// the recommendations about people with the chosen characteristics, the builder's section is the
// explorer's cross-tab by a characteristic, the saved summary and its scheduled run keep both,
// and those who may not see equality figures are refused.
func TestReportingPagesBySubject(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		const area = "Eastmere Community Safety Partnership"
		s.User("sj-oversight@example.test", casereview.RoleOversight, "")
		s.User("sj-panel@example.test", casereview.RolePanel, area)
		s.User("sj-other@example.test", casereview.RolePanel, "Hollowbrook Safeguarding Children Partnership")
		_, pid := s.ScopeID(area)
		sums := summaries.New(s.API.App.Store())
		asOf := casereview.DateOf(webtest.Now)
		// What the filter should keep, by another route: the cross-tab by the characteristic
		// (its dimension's join, not the filter's condition) counts under "female".
		female := func(f casereview.SummaryFilter) casereview.Tally {
			t.Helper()
			f.AsOf = asOf
			ct, err := sums.SummaryCrossTab(webtest.System(), f, casereview.CrossTabRequest{Rows: "subject_sex", Cols: casereview.DimReviewType})
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range ct.RowValues {
				if v.Key == "female" {
					return casereview.Tally{N: ct.RowTotals[i], KeySum: ct.RowKeys[i]}
				}
			}
			return casereview.Tally{}
		}
		all, inArea := female(casereview.SummaryFilter{}), female(casereview.SummaryFilter{Partnerships: []string{pid}})
		total, err := sums.SummaryHeadline(webtest.System(), casereview.SummaryFilter{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		if all.N == 0 || all.N == total.Recommendations || inArea.N == 0 || inArea.N == all.N {
			t.Fatalf("the demo's subjects do not tell the filter apart: %d about women of %d, %d in the area", all.N, total.Recommendations, inArea.N)
		}

		b := s.Browser()
		b.SignIn("sj-oversight@example.test")
		// The dashboard and the explorer narrow their figures.
		dash := b.Get("/dashboard?subject_sex=female").Must(http.StatusOK)
		if got := dash.Text(`#figure-issued [data-figure="all"]`); got != strconv.Itoa(all.N) {
			t.Errorf("dashboard about women: %s recommendations, want %d", got, all.N)
		}
		if !dash.Has(`input[name="subject_sex"][value="female"][checked]`) || !strings.Contains(dash.Text(".moj-filter__selected"), "Female") {
			t.Error("the dashboard's panel shows the subject filter chosen")
		}
		ex := b.Get("/explore?view=crosstab&rows=review_type&cols=oversight&subject_sex=female").Must(http.StatusOK)
		if got := ex.Doc.Find("#crosstab tbody tr").Last().Find("td").Last().Text(); got != strconv.Itoa(all.N) {
			t.Errorf("explore about women: total %s, want %d", got, all.N)
		}
		// Shared, the figure is the cell key method's for those records: the same as the
		// cross-tab by the characteristic publishes for them.
		ex = b.Get("/explore?view=crosstab&rows=review_type&cols=oversight&subject_sex=female&disclosure=shareable").Must(http.StatusOK)
		want := casereview.Share(all, 5).Display(5)
		if got := ex.Doc.Find("#crosstab tbody tr").Last().Find("td").Last().Text(); got != want {
			t.Errorf("explore about women, to share: total %s, want %s", got, want)
		}

		// The builder: the filter, and the section by a characteristic (not ticked by default).
		form := b.Get("/summaries/new").Must(http.StatusOK)
		if !form.Has(`input[name="subject_sex"][value="female"]`) || !form.Has(`input[name="section"][value="equality"]`) ||
			form.Has(`input[name="section"][value="equality"][checked]`) || !form.Has(`select[name="equality_rows"] option[value="subject_minoritised"][selected]`) {
			t.Error("the builder offers the subject filter and the section by characteristic, unticked")
		}
		def := url.Values{"title": {"About women"}, "section": {"headline", "equality"}, "subject_sex": {"female"},
			"equality_rows": {"subject_minoritised"}, "equality_cols": {"oversight"}}
		view := b.Get("/summaries/view?" + def.Encode()).Must(http.StatusOK)
		headline := func(p *webtest.Page) string {
			return p.Doc.Find(`table[data-table="Headline"] tbody tr`).First().Find("td").Text()
		}
		if got := headline(view); got != strconv.Itoa(all.N) {
			t.Errorf("the summary about women counts %s, want %d", got, all.N)
		}
		ct, err := sums.SummaryCrossTab(webtest.System(), casereview.SummaryFilter{AsOf: asOf, Subjects: []casereview.SubjectCondition{{Characteristic: "sex", Values: []string{"female"}}}},
			casereview.CrossTabRequest{Rows: "subject_minoritised", Cols: casereview.DimOversight})
		if err != nil {
			t.Fatal(err)
		}
		sec := view.Doc.Find(`table[data-table="By black and minoritised"]`)
		if sec.Length() != 1 || sec.Find("tbody tr").Last().Find("td").Last().Text() != strconv.Itoa(ct.Total) ||
			sec.Find("tbody tr").Length() != len(ct.RowValues)+1 {
			t.Errorf("the section by characteristic: %q, want total %d over %d rows", sec.Text(), ct.Total, len(ct.RowValues))
		}
		// Shown in the browser, figures over restricted reviews are audited as summary.read.
		pop, err := sums.SummaryPopulation(webtest.System(), casereview.SummaryFilter{AsOf: asOf, Subjects: []casereview.SubjectCondition{{Characteristic: "sex", Values: []string{"female"}}}})
		if err != nil {
			t.Fatal(err)
		}
		events, err := s.API.App.Store().ListAudit(webtest.System(), casereview.AuditFilter{Action: string(casereview.AuditSummaryRead)}, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		views := 0
		for _, e := range events.Items {
			if e.EntityID == "thematic.view" && strings.Contains(e.After, "subject_sex=female") {
				views++
			}
		}
		if pop.Restricted == 0 || views != 1 {
			t.Errorf("%d restricted recommendations counted, %d views audited", pop.Restricted, views)
		}
		// Saved, run again and scheduled, the definition keeps the filter and the section.
		saveDef, _ := view.Doc.Find(`input[name="definition"]`).Attr("value")
		list := b.Post("/summaries", url.Values{"definition": {saveDef}}).Must(http.StatusOK)
		link, _ := list.Doc.Find(`#saved-summaries a[href^="/summaries/saved/"]`).FilterFunction(func(_ int, sel *goquery.Selection) bool {
			return strings.Contains(sel.Text(), "About women")
		}).Attr("href")
		again := b.Get(link).Must(http.StatusOK)
		if headline(again) != strconv.Itoa(all.N) || again.Doc.Find(`table[data-table="By black and minoritised"]`).Length() != 1 {
			t.Errorf("run again: %s recommendations, want %d, and the section", headline(again), all.N)
		}
		if change, _ := again.Doc.Find(`a:contains("Change the summary")`).Attr("href"); !strings.HasPrefix(change, "/summaries/new?") ||
			!strings.Contains(change, "subject_sex=female") || !strings.Contains(change, "section=equality") {
			t.Errorf("the link to change the summary loses its definition: %q", change)
		}
		saved, err := s.API.App.Store().ListSavedSummaries(casereview.WithActor(webtest.System(), ownerActor(t, s, "sj-oversight@example.test")))
		if err != nil || len(saved) != 1 || !strings.Contains(saved[0].Definition, "subject_sex=female") {
			t.Fatalf("saved: %+v %v", saved, err)
		}
		doc, err := web.SummaryRenderer{Summaries: sums}.RenderSummary(casereview.WithActor(webtest.System(), ownerActor(t, s, "sj-oversight@example.test")),
			saved[0].Title, saved[0].Definition, asOf, webtest.Now)
		if err != nil {
			t.Fatal(err)
		}
		names := []string{}
		for _, tb := range doc.Tables {
			names = append(names, tb.Name)
			if tb.Name == "Headline" && tb.Rows[0][1].Text != strconv.Itoa(all.N) {
				t.Errorf("the scheduled run counts %s, want %d", tb.Rows[0][1].Text, all.N)
			}
		}
		if strings.Join(names, ",") != "Headline,By black and minoritised" {
			t.Errorf("the scheduled run's tables: %v", names)
		}
		// A value that is not one is reported at its field.
		bad := b.Get("/summaries/view?" + url.Values{"title": {"x"}, "section": {"headline"}, "subject_sex": {"martian"}}.Encode()).Must(http.StatusUnprocessableEntity)
		if !bad.Has(`a[href="#subject_sex"]`) || !bad.Has(`details.app-subject-filter[open] input#subject_sex`) ||
			!bad.Has(`details.app-subject-filter[open] input[name="subject_sex"][value="martian"][checked]`) {
			t.Errorf("the error links to the field: %v", bad.Errors())
		}

		// The panel: its own partnership's figures; naming another is refused.
		p := s.Browser()
		p.SignIn("sj-panel@example.test")
		if got := headline(p.Get("/summaries/view?" + def.Encode()).Must(http.StatusOK)); got != strconv.Itoa(inArea.N) {
			t.Errorf("the panel's summary about women counts %s, want %d (its partnership's)", got, inArea.N)
		}
		o := s.Browser()
		o.SignIn("sj-other@example.test")
		named := cloneQuery(def)
		named.Set("partnership", pid)
		o.Get("/summaries/view?" + named.Encode()).Must(http.StatusForbidden)
		o.Get("/dashboard?subject_sex=female&partnership=" + pid).Must(http.StatusForbidden)
		o.Get("/explore?subject_sex=female&partnership=" + pid).Must(http.StatusForbidden)
	})
}

func cloneQuery(v url.Values) url.Values {
	out := url.Values{}
	for k, xs := range v {
		out[k] = append([]string(nil), xs...)
	}
	return out
}
