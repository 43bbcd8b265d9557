package web_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/summaries"
	"github.com/casereview/casereview/internal/webtest"
)

// Each explorer view downloads as CSV and XLSX with the page's figures (the cross-tab's cells and
// totals are the summaries'), a shareable download hides what the shareable page hides, every
// download is audited, and a format other than CSV or XLSX is refused.
func TestExploreDownloads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		sums := summaries.New(s.API.App.Store())
		asOf := casereview.DateOf(webtest.Now)
		tab, err := sums.SummaryCrossTab(oversightCtx(t, s), casereview.SummaryFilter{AsOf: asOf, Oversights: []casereview.OversightStatus{"open_unassessed"}},
			casereview.CrossTabRequest{Rows: casereview.DimTheme, Cols: casereview.DimResponse})
		if err != nil {
			t.Fatal(err)
		}
		page := b.Get("/explore?rows=theme&cols=response&oversight=open_unassessed").Must(http.StatusOK)
		href, _ := page.Doc.Find("#download-csv").Attr("href")
		if !strings.HasPrefix(href, "/explore/download?") || !strings.Contains(href, "oversight=open_unassessed") || !strings.Contains(href, "rows=theme") {
			t.Fatalf("the CSV link is %q", href)
		}
		rows := parseLoose(b.Get(href).Must(http.StatusOK).Body)
		byLabel := map[string][]string{}
		for _, r := range rows {
			if len(r) > 0 {
				byLabel[r[0]] = r
			}
		}
		for i, v := range tab.RowValues {
			r := byLabel[v.Label]
			if len(r) != len(tab.ColValues)+2 {
				t.Fatalf("CSV row %q = %v, want %d cells", v.Label, r, len(tab.ColValues)+2)
			}
			for j := range tab.ColValues {
				if r[j+1] != strconv.Itoa(tab.Counts[i][j]) {
					t.Errorf("CSV %s × %s = %s, want %d", v.Label, tab.ColValues[j].Label, r[j+1], tab.Counts[i][j])
				}
			}
			if r[len(r)-1] != strconv.Itoa(tab.RowTotals[i]) {
				t.Errorf("CSV %s total = %s, want %d", v.Label, r[len(r)-1], tab.RowTotals[i])
			}
		}
		if r := byLabel["Total"]; len(r) == 0 || r[len(r)-1] != strconv.Itoa(tab.Total) {
			t.Errorf("CSV grand total row = %v, want %d", r, tab.Total)
		}

		// XLSX: the same table.
		xhref, _ := page.Doc.Find("#download-xlsx").Attr("href")
		x := b.Get(xhref).Must(http.StatusOK)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, sh := range f.GetSheetList() {
			xr, _ := f.GetRows(sh)
			for _, r := range xr {
				if len(r) > 0 && r[0] == "Total" && r[len(r)-1] == strconv.Itoa(tab.Total) {
					found = true
				}
			}
		}
		if !found {
			t.Error("the XLSX has no total row with the grand total")
		}

		// Shareable: nothing the shareable page hides is in the download.
		sp := b.Get("/explore?rows=theme&cols=response&oversight=open_unassessed&disclosure=shareable").Must(http.StatusOK)
		shref, _ := sp.Doc.Find("#download-csv").Attr("href")
		srows := parseLoose(b.Get(shref).Must(http.StatusOK).Body)
		hidden := 0
		for _, r := range srows {
			for _, cell := range r[min(1, len(r)):] {
				if n, err := strconv.Atoi(cell); err == nil && n > 0 && n < casereview.DefaultSDCThreshold {
					t.Errorf("the shareable download shows a count of %d: %v", n, r)
				}
				if strings.Contains(cell, "<") || strings.Contains(strings.ToLower(cell), "hidden") || cell == "*" {
					hidden++
				}
			}
		}
		if hidden == 0 {
			t.Error("the shareable download hides nothing, though the table has small counts")
		}

		// Other views, and the audit trail.
		for _, view := range []string{"pairs", "trends", "organisations", "national"} {
			c := b.Get("/explore/download?format=csv&view=" + view).Must(http.StatusOK)
			if !strings.HasPrefix(c.Header.Get("Content-Type"), "text/csv") || !strings.Contains(c.Header.Get("Content-Disposition"), "explore-"+view) {
				t.Errorf("%s download: %s, %s", view, c.Header.Get("Content-Type"), c.Header.Get("Content-Disposition"))
			}
		}
		events, err := s.API.App.Store().ListAudit(webtest.System(), casereview.AuditFilter{Action: string(casereview.AuditSummaryExported)}, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(events.Items) < 7 {
			t.Errorf("%d summary exports audited, want the 7 downloads", len(events.Items))
		}
		b.Get("/explore/download?format=pdf").Must(http.StatusConflict) // the web answers a request it cannot carry out so
		// An agency editor may not use the reporting pages, nor their downloads.
		e := s.Browser()
		e.SignIn("police@example.test")
		if st := e.Get("/explore/download?format=csv").Status; st != http.StatusForbidden && st != http.StatusNotFound {
			t.Errorf("an agency editor's download answered %d", st)
		}
	})
}
