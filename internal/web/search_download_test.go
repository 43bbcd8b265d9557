package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/web"
	"github.com/casereview/casereview/internal/webtest"
)

// A search's download holds the search's hits the caller may read, no more (row for row what
// the API's search gives them): another partnership never gets a restricted review; each
// download is audited.
func TestSearchDownloadsHoldWhatTheCallerMayRead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.API.WaitForIndex()
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("eastmere@example.test", casereview.RolePanel, eastmereCSP)
		s.User("hollowbrook@example.test", casereview.RolePanel, "Hollowbrook Safeguarding Children Partnership")
		st := s.API.App.Store()
		reviews, err := st.ListReviews(webtest.System(), casereview.ReviewFilter{Reference: "EM-DHR-2023-04"}, casereview.PageRequest{Limit: 1})
		if err != nil || len(reviews.Items) != 1 {
			t.Fatalf("the demo's restricted review: %v", err)
		}
		restricted, err := st.ListRecommendations(webtest.System(), casereview.RecommendationFilter{ReviewID: reviews.Items[0].ID}, casereview.PageRequest{Limit: 50})
		if err != nil || len(restricted.Items) == 0 {
			t.Fatalf("its recommendations: %v", err)
		}

		for _, who := range []string{"police@example.test", "hollowbrook@example.test", "eastmere@example.test"} {
			b := s.Browser()
			b.SignIn(who)
			q := "sort=oldest"
			page := b.Get("/search?" + q).Must(http.StatusOK)
			if !page.Has(`#search-downloads a[href="/search.csv?`+q+`"]`) || !page.Has(`#search-downloads a[href="/search.xlsx?`+q+`"]`) {
				t.Fatalf("%s: no download links", who)
			}
			// The summary of the same search, from the summaries API, in the same session.
			href, ok := page.Doc.Find(`#search-summary a[href^="/api/v1/summaries/document.csv?"]`).Attr("href")
			if !ok {
				t.Fatalf("%s: no summary links", who)
			}
			if sum := b.Get(href); sum.Status != http.StatusOK || !strings.HasPrefix(sum.Header.Get("Content-Type"), "text/csv") {
				t.Errorf("%s: summary %s: %d %s", who, href, sum.Status, sum.Header.Get("Content-Type"))
			}
			apiIDs, total := apiSearch(t, b, q+"&limit=100")
			c := b.Get("/search.csv?" + q).Must(http.StatusOK)
			if !strings.HasPrefix(c.Header.Get("Content-Type"), "text/csv") || !strings.Contains(c.Header.Get("Content-Disposition"), "search-results.csv") {
				t.Errorf("%s: csv headers %v", who, c.Header)
			}
			rows, err := csv.NewReader(strings.NewReader(c.Body)).ReadAll()
			if err != nil || len(rows) != total+1 || rows[0][0] != "Review reference" {
				t.Fatalf("%s: csv %d rows (want %d + header), %v", who, len(rows), total, err)
			}
			// Exactly the search's hits, as the API gives them to the same person.
			for i, id := range apiIDs {
				if i+1 >= len(rows) || !strings.HasSuffix(rows[i+1][len(rows[i+1])-1], "/recommendations/"+id) {
					t.Errorf("%s: row %d is not hit %s", who, i+1, id)
					break
				}
			}
			sawRestricted := false
			for _, r := range restricted.Items {
				if strings.Contains(c.Body, r.ID) {
					sawRestricted = true
				}
			}
			// The police answer to it (an addressee reads it); another partnership's panel may not.
			if want := who != "hollowbrook@example.test"; sawRestricted != want {
				t.Errorf("%s: restricted review in the download = %v, want %v", who, sawRestricted, want)
			}
			x := b.Get("/search.xlsx?" + q).Must(http.StatusOK)
			f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
			if err != nil {
				t.Fatal(err)
			}
			xrows, err := f.GetRows("Results")
			if err != nil || len(xrows) != total+1 {
				t.Errorf("%s: xlsx %d rows, want %d + header (%v)", who, len(xrows), total, err)
			}
		}
		a, err := st.ListAudit(webtest.System(), casereview.AuditFilter{Action: string(casereview.AuditExport), EntityType: "search"}, 10, 0)
		if err != nil || len(a.Items) != 6 {
			t.Errorf("audited search downloads: %d, %v", len(a.Items), err)
		}
		// A download cut at the cap says so in its last row.
		restore := web.SetMaxSearchDownload(2)
		defer restore()
		b0 := s.Browser()
		b0.SignIn("eastmere@example.test")
		cut, err := csv.NewReader(strings.NewReader(b0.Get("/search.csv?sort=oldest").Must(http.StatusOK).Body)).ReadAll()
		if err != nil || len(cut) != 4 || !strings.Contains(cut[3][0], "first 2 results of") {
			t.Errorf("a cut download: %q %v", cut, err)
		}
		// A query the search refuses is refused for the download too.
		b := s.Browser()
		b.SignIn("police@example.test")
		if st := b.Get("/search.csv?sort=" + url.QueryEscape("sideways")).Status; st == http.StatusOK {
			t.Errorf("a bad sort downloads: %d", st)
		}
	})
}
