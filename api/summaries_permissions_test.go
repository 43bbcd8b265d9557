package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casereview/casereview/api"
	"github.com/casereview/casereview/internal/casereview"
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
// signed in get shareable figures under the cell key method: each figure one its true count can
// publish (small ones as <5), and a filter that keeps or leaves out 1 to 4 refused.
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
			if role == pmAnon {
				sf := casereview.SharedFigure{Suppressed: f.Suppressed != nil}
				if f.Count != nil {
					sf.Count = *f.Count
				}
				if !casereview.CanShow(want, sf, 5) {
					t.Errorf("%s as %s: %s cannot be published for %d", where, role, f.Display, want)
				}
				return
			}
			if f.Count == nil || *f.Count != want {
				t.Errorf("%s as %s: %+v (%s), want %d", where, role, f.Count, f.Display, want)
			}
		}
		get := func(path string, v any) bool {
			t.Helper()
			r := w.send(role, "GET", path, nil, "")
			if role == pmAnon && r.Status == http.StatusUnprocessableEntity && strings.Contains(string(r.Body), "too_few_records") {
				return false // shareable figures of a filter that isolates a few are refused
			}
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s as %s: status %d: %s", path, role, r.Status, r.Body)
			}
			r.JSON(t, v)
			return true
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
			if get("/api/v1/summaries/crosstab?"+c.query, &ct) {
				check(c.what, ct.Recommendations, c.want)
			}
		}
		var d api.SummaryDocument
		if get("/api/v1/summaries/document", &d) {
			check("document", d.Headline.Recommendations, readable)
		}
		var org api.SummaryOrganisations
		if !get("/api/v1/summaries/organisations", &org) {
			t.Errorf("the organisations' figures, unfiltered, were refused as %s", role)
		}
		for _, row := range org.Items {
			check("organisation "+row.Name, row.Addressed, readable)
		}
		var nat api.SummaryNational
		_ = get("/api/v1/summaries/national?partnership="+w.p["P2"], &nat) // refused or at most P2's
		if len(nat.Items) > p2n {
			t.Errorf("national register as %s lists %d of P2's recommendations, want at most %d", role, len(nat.Items), p2n)
		}
		if role == pmAnon {
			var tr api.SummaryTrends
			if !get("/api/v1/summaries/trends?disclosure=internal", &tr) {
				t.Error("unfiltered trends refused to an anonymous caller")
			}
			if tr.Meta.Disclosure != "shareable" {
				t.Errorf("an anonymous caller got %s figures", tr.Meta.Disclosure)
			}
		}
	}
}
