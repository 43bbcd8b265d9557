package api_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/casereview/casereview/api"
)

// Rows of the permission matrix for the summary operations: open to everyone, each counting
// only what the caller may read (pmCheckSummaries checks the counts); bad input is refused
// alike for all.
func pmSummaryRows(b *pmBuilder) {
	ok := http.StatusOK
	for _, path := range []string{"/api/v1/summaries/organisations", "/api/v1/summaries/theme-pairs", "/api/v1/summaries/trends",
		"/api/v1/summaries/overdue", "/api/v1/summaries/national", "/api/v1/summaries/document", "/api/v1/summaries/document.csv",
		"/api/v1/summaries/document.xlsx", "/api/v1/summaries/document.html"} {
		b.add("GET", path, "visible", pmEveryone(ok), pmFixed(path))
		b.add("GET", path, "inverted years", pmEveryone(http.StatusUnprocessableEntity), pmFixed(path+"?year_from=2024&year_to=2020"))
	}
	b.add("GET", "/api/v1/summaries/crosstab", "visible", pmEveryone(ok), pmFixed("/api/v1/summaries/crosstab?rows=theme&cols=response"))
	b.add("GET", "/api/v1/summaries/crosstab", "unknown dimension", pmEveryone(http.StatusUnprocessableEntity),
		pmFixed("/api/v1/summaries/crosstab?rows=colour&cols=response"))
}

// pmCheckSummaries asserts that each role's summaries count exactly the recommendations of the
// reviews it may read (one under each review): a restricted review of another partnership is
// never counted, whether through the SQL filters or through query text. Callers who are not
// signed in get shareable figures, in which these small counts show as <5.
func pmCheckSummaries(t *testing.T, w *pmWorld) {
	w.awaitIndex(t)
	for _, role := range pmRoles {
		readable, p2n := 0, 0
		for _, r := range w.reviews {
			if pmReadsRec(role, r) {
				readable++
				if r.partnership == "P2" {
					p2n++
				}
			}
		}
		check := func(where string, f api.SummaryFigure, want int) {
			t.Helper()
			if role == pmAnon && want >= 1 && want < 5 {
				if f.Count != nil || f.Display != "<5" {
					t.Errorf("%s as %s: %+v, want <5", where, role, f)
				}
				return
			}
			if f.Count == nil || *f.Count != want {
				t.Errorf("%s as %s: %+v (%s), want %d", where, role, f.Count, f.Display, want)
			}
		}
		get := func(path string, v any) {
			t.Helper()
			r := w.send(role, "GET", path, nil, "")
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s as %s: status %d: %s", path, role, r.Status, r.Body)
			}
			r.JSON(t, v)
		}
		for _, c := range []struct {
			what, query string
			want        int
		}{
			{"crosstab", "rows=review_type&cols=year", readable},
			{"crosstab of P2", "rows=review_type&cols=oversight&partnership=" + w.p["P2"], p2n},
			{"crosstab of q=pathway", "rows=review_type&cols=year&q=" + url.QueryEscape("pathway"), readable},
			{"crosstab of q=pathway partnership:P2", "rows=review_type&cols=year&q=" + url.QueryEscape("pathway partnership:"+w.p["P2"]), p2n},
		} {
			var ct api.SummaryCrossTab // fresh each time: decoding into a used value keeps absent fields
			get("/api/v1/summaries/crosstab?"+c.query, &ct)
			check(c.what, ct.Recommendations, c.want)
		}
		var d api.SummaryDocument
		get("/api/v1/summaries/document", &d)
		check("document", d.Headline.Recommendations, readable)
		var org api.SummaryOrganisations
		get("/api/v1/summaries/organisations", &org)
		for _, row := range org.Items {
			check("organisation "+row.Name, row.Addressed, readable)
		}
		var nat api.SummaryNational
		get("/api/v1/summaries/national?partnership="+w.p["P2"], &nat)
		if len(nat.Items) > p2n {
			t.Errorf("national register as %s lists %d of P2's recommendations, want at most %d", role, len(nat.Items), p2n)
		}
		if role == pmAnon {
			var tr api.SummaryTrends
			get("/api/v1/summaries/trends?disclosure=internal", &tr)
			if tr.Meta.Disclosure != "shareable" {
				t.Errorf("an anonymous caller got %s figures", tr.Meta.Disclosure)
			}
		}
	}
}
