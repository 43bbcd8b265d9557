package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/casereview/casereview/api"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store/summaries"
)

// The overdue list, the national register, the document, query text, disclosure control,
// downloads and bad input, for TestSummaries (summaries_test.go).

func smOverdue(t *testing.T, w *smWorld) {
	// Who owes what: addressees still awaiting a response that is overdue, owners of late
	// actions, and lead addressees of escalated recommendations.
	want := map[string]map[string]bool{}
	add := func(org, rec string) {
		if want[org] == nil {
			want[org] = map[string]bool{}
		}
		want[org][rec] = true
	}
	for _, r := range w.visibleTo(false) {
		for _, a := range r.addressees {
			if smHas(r.flags, "response_overdue") && a.status == "awaiting_response" {
				add(a.org, r.id)
			}
			if r.oversight == "open_unacceptable" && a.role == "lead" {
				add(a.org, r.id)
			}
		}
		if smHas(r.flags, "action_overdue") && r.actionOwner != "" && r.actionTarget < smAsOf {
			add(r.actionOwner, r.id)
		}
	}
	var out api.SummaryOverdue
	do(t, w.s, http.StatusOK, "GET", smPath("overdue"), nil).JSON(t, &out)
	if len(out.Groups) != len(want) || len(want) == 0 {
		t.Fatalf("overdue: %d groups, want %d", len(out.Groups), len(want))
	}
	for gi, g := range out.Groups {
		got := map[string]bool{}
		for i, it := range g.Items {
			got[it.Recommendation.RecommendationId] = true
			if i > 0 && g.Items[i-1].Since > it.Since {
				t.Errorf("overdue %s: not oldest first", g.OrganisationName)
			}
			if it.DaysOverdue != max(smDays(it.Since, smAsOf), 0) {
				t.Errorf("overdue %s: %d days since %s", g.OrganisationName, it.DaysOverdue, it.Since)
			}
		}
		if len(got) != len(want[g.OrganisationId]) {
			t.Errorf("overdue %s: %d recommendations, want %d", g.OrganisationName, len(got), len(want[g.OrganisationId]))
		}
		for id := range want[g.OrganisationId] {
			if !got[id] {
				t.Errorf("overdue %s: missing %s", g.OrganisationName, id)
			}
		}
		if gi > 0 && out.Groups[gi-1].Items[0].Since > g.Items[0].Since {
			t.Errorf("overdue groups not oldest first")
		}
	}
}

func smNational(t *testing.T, w *smWorld) {
	for _, viewer := range []bool{false, true} {
		var want []*smRec
		for _, r := range w.visibleTo(viewer) {
			if r.scope == "national" {
				want = append(want, r)
			}
		}
		var h []string
		if viewer {
			h = w.viewerP1
		}
		var out api.SummaryNational
		do(t, w.s, http.StatusOK, "GET", smPath("national"), nil, h...).JSON(t, &out)
		if len(out.Items) != len(want) || out.Truncated {
			t.Fatalf("national viewer=%v: %d entries, want %d", viewer, len(out.Items), len(want))
		}
		by := map[string]*smRec{}
		for _, r := range want {
			by[r.id] = r
		}
		for i, e := range out.Items {
			r := by[e.Recommendation.RecommendationId]
			if r == nil {
				t.Fatalf("national: unexpected %s", e.Recommendation.RecommendationId)
			}
			ack := 0
			for _, a := range r.addressees {
				if a.acknowledged != "" || a.firstResponse != "" { // a response acknowledges receipt
					ack++
				}
			}
			if e.Acknowledged != ack || e.Addressees != len(r.addressees) {
				t.Errorf("national %s: %d of %d acknowledged, want %d of %d", r.id, e.Acknowledged, e.Addressees, ack, len(r.addressees))
			}
			if i > 0 && out.Items[i-1].Recommendation.IssuedOn > e.Recommendation.IssuedOn {
				t.Errorf("national: not oldest first")
			}
		}
	}
}

func smDocument(t *testing.T, w *smWorld) {
	recs := w.visibleTo(true)
	var stalking []*smRec
	for _, r := range recs {
		if smHas(r.themes, "A09") {
			stalking = append(stalking, r)
		}
	}
	var d api.SummaryDocument
	do(t, w.s, http.StatusOK, "GET", smPath("document", "theme", "A09"), nil, w.viewerP1...).JSON(t, &d)
	reviews, orgs := map[string]bool{}, map[string]bool{}
	var responded, accepted, inProgress, verified, overdue int
	byLayer := map[string]map[string]int{"response": {}, "implementation": {}, "oversight": {}}
	for _, r := range stalking {
		reviews[r.review.id] = true
		for _, a := range r.addressees {
			orgs[a.org] = true
		}
		if r.response != "awaiting_response" {
			responded++
		}
		if smHas(smAccepted, r.response) {
			accepted++
		}
		if smHas(smInProgress, r.implementation) {
			inProgress++
		}
		if smHas(smVerified, r.oversight) {
			verified++
		}
		if smOverdueRec(r) {
			overdue++
		}
		byLayer["response"][r.response]++
		byLayer["implementation"][r.implementation]++
		byLayer["oversight"][r.oversight]++
	}
	h := d.Headline
	smCount(t, "document recommendations", h.Recommendations, len(stalking))
	smCount(t, "document reviews", h.Reviews, len(reviews))
	smCount(t, "document organisations", h.Organisations, len(orgs))
	smCount(t, "document responded", h.Responded, responded)
	smCount(t, "document accepted", h.Accepted, accepted)
	smCount(t, "document in progress", h.InProgress, inProgress)
	smCount(t, "document verified", h.VerifiedClosed, verified)
	smCount(t, "document overdue", h.Overdue, overdue)
	for layer, rows := range map[string][]api.SummaryCount{"response": d.Response, "implementation": d.Implementation, "oversight": d.Oversight} {
		sum := 0
		for _, c := range rows {
			smCount(t, "document "+layer+" "+c.Value.Key, c.Count, byLayer[layer][c.Value.Key])
			sum += *c.Count.Count
		}
		if sum != len(stalking) {
			t.Errorf("document %s adds up to %d, want %d", layer, sum, len(stalking))
		}
	}
	wantOrgs := smOrgFigures(w, stalking, false)
	if len(d.Organisations) != len(wantOrgs) {
		t.Fatalf("document: %d organisations, want %d", len(d.Organisations), len(wantOrgs))
	}
	for _, row := range d.Organisations {
		smCheckOrgRow(t, "document organisation "+row.Name, row, wantOrgs[row.Key])
	}
	if len(d.Items) != len(stalking) || d.Truncated {
		t.Fatalf("document: %d items, want %d", len(d.Items), len(stalking))
	}
	for i, it := range d.Items {
		if i > 0 && d.Items[i-1].IssuedOn < it.IssuedOn {
			t.Errorf("document items not newest first")
		}
	}
	if !strings.Contains(d.Title, "A09") {
		t.Errorf("document title %q", d.Title)
	}
	smHeadlines(t, w)
}

// smHeadlines checks the headline figures and the status layers of everything the default user
// reads, in the document and in the dashboard's headline: the world has some of every figure,
// so a figure counted by the wrong condition shows.
func smHeadlines(t *testing.T, w *smWorld) {
	recs := w.visibleTo(false)
	want := map[string]int{}
	byLayer := map[string]map[string]int{"response": {}, "implementation": {}, "oversight": {}}
	count := func(name string, cond bool) {
		if cond {
			want[name]++
		}
	}
	for _, r := range recs {
		count("responded", r.response != "awaiting_response")
		count("accepted", smHas(smAccepted, r.response))
		count("in progress", smHas(smInProgress, r.implementation))
		count("verified", smHas(smVerified, r.oversight))
		count("overdue", smOverdueRec(r))
		byLayer["response"][r.response]++
		byLayer["implementation"][r.implementation]++
		byLayer["oversight"][r.oversight]++
	}
	for _, name := range []string{"responded", "accepted", "in progress", "verified", "overdue"} {
		if want[name] == 0 || want[name] == len(recs) {
			t.Fatalf("the world has %d of %d recommendations %s: the check could not tell a wrong count", want[name], len(recs), name)
		}
	}
	var d api.SummaryDocument
	do(t, w.s, http.StatusOK, "GET", smPath("document"), nil).JSON(t, &d)
	h := d.Headline
	smCount(t, "all: recommendations", h.Recommendations, len(recs))
	smCount(t, "all: responded", h.Responded, want["responded"])
	smCount(t, "all: accepted", h.Accepted, want["accepted"])
	smCount(t, "all: in progress", h.InProgress, want["in progress"])
	smCount(t, "all: verified", h.VerifiedClosed, want["verified"])
	smCount(t, "all: overdue", h.Overdue, want["overdue"])
	for layer, rows := range map[string][]api.SummaryCount{"response": d.Response, "implementation": d.Implementation, "oversight": d.Oversight} {
		for _, c := range rows {
			smCount(t, "all: "+layer+" "+c.Value.Key, c.Count, byLayer[layer][c.Value.Key])
		}
	}
	// The dashboard's headline (the web page reads the service, not this API): its own figures,
	// where the API's document above derives most of them from the layers.
	sys := casereview.WithActor(context.Background(), casereview.System)
	got, err := summaries.New(w.s.App.Store()).SummaryHeadline(sys, casereview.SummaryFilter{AsOf: casereview.MustDate(smAsOf)})
	if err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]int{"recommendations": got.Recommendations, "responded": got.Responded, "accepted": got.Accepted,
		"in progress": got.InProgress, "verified": got.VerifiedClosed, "overdue": got.Overdue} {
		if name == "recommendations" {
			want[name] = len(recs)
		}
		if n != want[name] {
			t.Errorf("dashboard headline: %s %d, want %d", name, n, want[name])
		}
	}
}

func smQuery(t *testing.T, w *smWorld) {
	for _, viewer := range []bool{false, true} {
		want := 0
		for _, r := range w.visibleTo(viewer) {
			if strings.Contains(r.text, "stalking") {
				want++
			}
		}
		var h []string
		if viewer {
			h = w.viewerP1
		}
		var out api.SummaryCrossTab
		do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "review_type", "cols", "year", "q", "stalking"), nil, h...).JSON(t, &out)
		smCount(t, fmt.Sprintf("q=stalking viewer=%v", viewer), out.Total, want)
		if out.Meta.Query == nil || *out.Meta.Query != "stalking" {
			t.Errorf("query as understood: %v", out.Meta.Query)
		}
		// Query text and filters combine: the theme filter is applied in SQL to the matches.
		var both api.SummaryCrossTab
		do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "review_type", "cols", "year", "q", "stalking", "type", "PFD"), nil, h...).JSON(t, &both)
		pfd := 0
		for _, r := range w.visibleTo(viewer) {
			if strings.Contains(r.text, "stalking") && r.review.typ == "PFD" {
				pfd++
			}
		}
		smCount(t, "q=stalking&type=PFD", both.Total, pfd)
	}
	// A query nothing matches counts nothing.
	var none api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "review_type", "cols", "year", "q", "zeppelin"), nil).JSON(t, &none)
	smCount(t, "q=zeppelin", none.Total, 0)
}

func smShareable(t *testing.T, w *smWorld) {
	recs := w.visibleTo(false)
	want := map[[2]string]int{}
	for _, r := range recs {
		want[[2]string{r.response, r.review.typ}]++
	}
	var ct api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "response", "cols", "review_type", "disclosure", "shareable"), nil).JSON(t, &ct)
	// Under the cell key method each figure is its true count perturbed by at most 2, shown as
	// "<5" when the perturbed count is 1 to 4: every figure must be one its true count can give.
	hidden, moved := 0, 0
	for i, rv := range ct.RowValues {
		for j, cv := range ct.ColValues {
			n := want[[2]string{rv.Key, cv.Key}]
			f := ct.Cells[i][j]
			sf := casereview.SharedFigure{Suppressed: f.Suppressed != nil}
			if f.Suppressed != nil {
				hidden++
				if f.Count != nil || f.Display != "<5" || *f.Suppressed != "primary" {
					t.Errorf("hidden cell %s/%s = %d published as %+v", rv.Key, cv.Key, n, f)
				}
			} else if f.Count == nil {
				t.Fatalf("cell %s/%s has no count: %+v", rv.Key, cv.Key, f)
			} else {
				sf.Count = *f.Count
				if *f.Count != n {
					moved++
				}
			}
			if !casereview.CanShow(n, sf, 5) {
				t.Errorf("cell %s/%s = %d cannot be published as %+v", rv.Key, cv.Key, n, f)
			}
		}
	}
	// Whether a figure moves depends on the record keys, drawn at random for each run: how many
	// moved is logged, not asserted (internal/casereview's tests check the noise itself).
	t.Logf("%d figures hidden, %d moved", hidden, moved)
	if hidden == 0 {
		t.Fatal("the fixture should have small counts to hide")
	}
	if ct.Meta.Disclosure != "shareable" || ct.Meta.Threshold != 5 {
		t.Errorf("meta %+v", ct.Meta)
	}
	// A shareable document leaves the list of recommendations out.
	var d api.SummaryDocument
	do(t, w.s, http.StatusOK, "GET", smPath("document", "disclosure", "shareable"), nil).JSON(t, &d)
	if len(d.Items) != 0 {
		t.Errorf("a shareable document lists %d recommendations", len(d.Items))
	}
	for _, o := range d.Organisations {
		for _, f := range []api.SummaryFigure{o.Addressed, o.Responded, o.Accepted, o.InProgress, o.VerifiedClosed, o.Overdue} {
			if f.Count != nil && *f.Count >= 1 && *f.Count < 5 {
				t.Errorf("shareable document shows a small count %d for %s", *f.Count, o.Name)
			}
		}
	}
}

func smAuditExports(t *testing.T, w *smWorld) int {
	t.Helper()
	ctx := casereview.WithActor(context.Background(), casereview.System)
	p, err := w.s.App.Store().ListAudit(ctx, casereview.AuditFilter{Action: string(casereview.AuditSummaryExported)}, 200, 0)
	if err != nil {
		t.Fatal(err)
	}
	return int(p.Total)
}

func smDownloads(t *testing.T, w *smWorld) {
	recs := w.visibleTo(false)
	before := smAuditExports(t, w)
	r := do(t, w.s, http.StatusOK, "GET", smPath("document.xlsx", "title", "Board paper: all recommendations"), nil)
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, ".xlsx") {
		t.Errorf("Content-Disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	wantSheets := []string{"Summary", "Headline", "Status", "By organisation", "By year", "Co-occurring themes", "Recommendations"}
	if got := f.GetSheetList(); !slices.Equal(got, wantSheets) {
		t.Fatalf("sheets %q, want %q", got, wantSheets)
	}
	if v, _ := f.GetCellValue("Summary", "A1"); v != "Board paper: all recommendations" {
		t.Errorf("title cell %q", v)
	}
	head, _ := f.GetRows("Headline")
	if len(head) < 2 || head[0][0] != "Figure" || head[1][0] != "Recommendations" || head[1][1] != strconv.Itoa(len(recs)) {
		t.Errorf("headline sheet %q, want %d recommendations", head, len(recs))
	}
	list, _ := f.GetRows("Recommendations")
	if len(list) != len(recs)+1 || list[0][0] != "Review" {
		t.Errorf("recommendations sheet has %d rows, want %d", len(list), len(recs)+1)
	}
	status, _ := f.GetRows("Status")
	sums := map[string]int{}
	for _, row := range status[1:] {
		n, _ := strconv.Atoi(row[2])
		sums[row[0]] += n
	}
	for _, layer := range []string{"Response", "Implementation", "Oversight"} {
		if sums[layer] != len(recs) {
			t.Errorf("status sheet: %s adds up to %d, want %d", layer, sums[layer], len(recs))
		}
	}
	orgRows, _ := f.GetRows("By organisation")
	if len(orgRows)-1 != len(smOrgFigures(w, recs, false)) {
		t.Errorf("organisation sheet: %d rows", len(orgRows)-1)
	}
	for _, sh := range wantSheets[1:] {
		p, err := f.GetPanes(sh)
		if err != nil || !p.Freeze || p.YSplit != 1 {
			t.Errorf("sheet %s: header not frozen: %+v %v", sh, p, err)
		}
		idx, _ := f.GetCellStyle(sh, "A1")
		if st, err := f.GetStyle(idx); err != nil || st.Font == nil || !st.Font.Bold {
			t.Errorf("sheet %s: header not bold", sh)
		}
	}
	// The system read restricted reviews: the export is audited. A download limited to shared
	// and public reviews is not.
	if got := smAuditExports(t, w); got != before+1 {
		t.Errorf("audit: %d summary exports, want %d", got, before+1)
	}
	r = do(t, w.s, http.StatusOK, "GET", smPath("document.csv", "type", "PFD"), nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("CSV content type %q", ct)
	}
	pfd := 0
	for _, x := range recs {
		if x.review.typ == "PFD" {
			pfd++
		}
	}
	if !strings.Contains(string(r.Body), "Recommendations,"+strconv.Itoa(pfd)+"\n") {
		t.Errorf("CSV lacks the headline %d:\n%s", pfd, r.Body)
	}
	if got := smAuditExports(t, w); got != before+1 {
		t.Errorf("audit: a download without restricted reviews was recorded (%d)", got)
	}
	r = do(t, w.s, http.StatusOK, "GET", smPath("document.html", "theme", "A09"), nil, w.viewerP1...)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("HTML content type %q", ct)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'sha256-") || strings.Contains(csp, "script-src") {
		t.Errorf("HTML CSP %q", csp)
	}
	if !strings.Contains(string(r.Body), "<h2>By organisation</h2>") || !strings.Contains(string(r.Body), "@media print") {
		t.Errorf("HTML page lacks its sections")
	}
	// The P1 viewer reads P1's restricted review, so its download is audited too.
	if got := smAuditExports(t, w); got != before+2 {
		t.Errorf("audit: %d summary exports after the viewer's download, want %d", got, before+2)
	}
}

func smBadInput(t *testing.T, w *smWorld) {
	for _, c := range []struct {
		path        string
		status      int
		field, code string
	}{
		{smPath("crosstab", "rows", "colour", "cols", "year"), 422, "rows", "unknown_value"},
		{smPath("crosstab", "rows", "theme", "cols", "theme"), 422, "cols", "duplicate"},
		{smPath("crosstab", "rows", "theme", "cols", "year", "year_from", "1900", "year_to", "2100"), 422, "cols", "too_many_cells"},
		{smPath("trends", "year_from", "2023", "year_to", "2020"), 422, "year_to", "out_of_order"},
		{smPath("trends", "theme", "no-such-theme"), 422, "theme[0]", "unknown_value"},
		{smPath("trends", "type", "XYZ"), 422, "type[0]", "unknown_value"},
		{smPath("trends", "intervention", "prayer"), 422, "intervention[0]", "unknown_value"},
		{smPath("trends", "year", "last"), 422, "year[0]", "invalid"},
		{smPath("trends", "disclosure", "public"), 422, "disclosure", "unknown_value"},
		{smPath("trends", "flag", "late"), 422, "flag", "unknown_value"},
		{smPath("organisations", "by", "colour"), 422, "by", "unknown_value"},
		{smPath("theme-pairs", "limit", "0"), 422, "limit", "invalid"},
		{smPath("trends", "q", `"unbalanced`), 400, "q", "syntax"},
		{"/api/v1/summaries/trends?year_from=soon", 400, "year_from", "wrong_type"},
		{"/api/v1/summaries/crosstab?cols=year", 400, "rows", ""},
	} {
		r := w.s.Do("GET", c.path, nil)
		if r.Status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.path, r.Status, c.status, r.Body)
			continue
		}
		var p api.Problem
		r.JSON(t, &p)
		found := false
		if p.Errors != nil {
			for _, e := range *p.Errors {
				if e.Field == c.field && (c.code == "" || e.Code == c.code) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("%s: errors %s do not name %s (%s)", c.path, r.Body, c.field, c.code)
		}
	}
}
