package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/casereview/casereview/api"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Issue 15 against the real router and database: the two-request attack, the refusal of filters
// that isolate too few, and the audit of JSON summaries counting restricted reviews.
func TestSummariesCellKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := smBuild(t, dialect)
		t.Run("two-request attack", func(t *testing.T) { ckTwoRequestAttack(t, w) })
		t.Run("same records, same figure", func(t *testing.T) { ckConsistent(t, w) })
		t.Run("refusal", func(t *testing.T) { ckRefusal(t, w) })
		t.Run("audit of reads", func(t *testing.T) { ckAuditReads(t, w) })
	})
}

func shared(f api.SummaryFigure) casereview.SharedFigure {
	if f.Suppressed != nil {
		return casereview.SharedFigure{Suppressed: true}
	}
	return casereview.SharedFigure{Count: *f.Count}
}

// ckTwoRequestAttack: the row totals of the shareable table, minus the row totals of the same
// table filtered to every review type but DHR, used to give the DHR cells exactly.
func ckTwoRequestAttack(t *testing.T, w *smWorld) {
	var truth, full, filtered api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "theme_group", "cols", "review_type"), nil).JSON(t, &truth)
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "theme_group", "cols", "review_type", "disclosure", "shareable"), nil).JSON(t, &full)
	r := w.s.Do("GET", smPath("crosstab", "rows", "theme_group", "cols", "review_type", "disclosure", "shareable",
		"type", "CSPR", "type", "PFD", "type", "SAR"), nil)
	if r.Status == http.StatusUnprocessableEntity {
		t.Fatalf("the fixture's DHR recommendations should be 5 or more, so that the filter is allowed: %s", r.Body)
	}
	if r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	r.JSON(t, &filtered)
	dhr := -1
	for j, c := range truth.ColValues {
		if c.Key == "DHR" {
			dhr = j
		}
	}
	if dhr < 0 {
		t.Fatal("no DHR column")
	}
	rowOf := func(ct api.SummaryCrossTab, key string) int {
		for i, v := range ct.RowValues {
			if v.Key == key {
				return i
			}
		}
		return -1
	}
	for i, rv := range truth.RowValues {
		n := *truth.Cells[i][dhr].Count
		// What used to work: the exact row totals subtract to the cell.
		if fi := rowOf(filtered, rv.Key); fi >= 0 && *truth.RowTotals[i].Count-n < 0 {
			t.Fatalf("bad fixture")
		}
		big, cell := shared(full.RowTotals[i]), shared(full.Cells[i][dhr])
		small := casereview.SharedFigure{} // a row the filtered table lacks published nothing: 0
		if fi := rowOf(filtered, rv.Key); fi >= 0 {
			small = shared(filtered.RowTotals[fi])
		}
		var feasible []int
		for c := 0; c <= 20; c++ {
			if !casereview.CanShow(c, cell, 5) {
				continue
			}
			for a := 0; a <= 200; a++ {
				if casereview.CanShow(a, small, 5) && casereview.CanShow(a+c, big, 5) {
					feasible = append(feasible, c)
					break
				}
			}
		}
		found := false
		for _, c := range feasible {
			found = found || c == n
		}
		if !found || len(feasible) < 2 {
			t.Errorf("group %s, DHR = %d: the attacker is left with %v", rv.Key, n, feasible)
		}
	}
}

// ckConsistent: the DHR column total and the total of the table filtered to DHR count the same
// recommendations, so they publish the same figure; asking twice gives the same table.
func ckConsistent(t *testing.T, w *smWorld) {
	var a, b, c api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "response", "cols", "review_type", "disclosure", "shareable"), nil).JSON(t, &a)
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "response", "cols", "review_type", "disclosure", "shareable"), nil).JSON(t, &b)
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "year", "cols", "scope", "disclosure", "shareable", "type", "DHR"), nil).JSON(t, &c)
	// The trends' issued total and the cross-tab's grand total count the same recommendations;
	// each year's issued figure is the cross-tab by year's row total.
	var tr api.SummaryTrends
	var byYear api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", smPath("trends", "disclosure", "shareable"), nil).JSON(t, &tr)
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "year", "cols", "scope", "disclosure", "shareable"), nil).JSON(t, &byYear)
	if tr.Issued.Display != a.Total.Display {
		t.Errorf("trends issued %s, cross-tab total %s", tr.Issued.Display, a.Total.Display)
	}
	for _, it := range tr.Items {
		for i, v := range byYear.RowValues {
			if v.Key == strconv.Itoa(it.Year) && byYear.RowTotals[i].Display != it.Issued.Display {
				t.Errorf("year %d: trends %s, cross-tab row %s", it.Year, it.Issued.Display, byYear.RowTotals[i].Display)
			}
		}
	}
	// Organisations and sectors: "addressed" counts the recommendations addressed to each, as the
	// cross-tab's column by organisation (or sector) does.
	for _, by := range []string{"organisation", "sector"} {
		var orgs api.SummaryOrganisations
		var ct api.SummaryCrossTab
		do(t, w.s, http.StatusOK, "GET", smPath("organisations", "by", by, "disclosure", "shareable"), nil).JSON(t, &orgs)
		do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "scope", "cols", by, "disclosure", "shareable"), nil).JSON(t, &ct)
		compared := 0
		for _, o := range orgs.Items {
			for j, v := range ct.ColValues {
				if v.Key == o.Key {
					compared++
					if ct.ColTotals[j].Display != o.Addressed.Display {
						t.Errorf("%s %s: addressed %s, cross-tab column %s", by, o.Name, o.Addressed.Display, ct.ColTotals[j].Display)
					}
				}
			}
		}
		if compared == 0 {
			t.Errorf("by %s: nothing compared", by)
		}
	}
	// The shareable document: its headline total, its oversight statuses and its by-year issued
	// figures are the cross-tabs' and the trends' for the same records, in every format.
	var doc api.SummaryDocument
	var byOversight api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", smPath("document", "disclosure", "shareable"), nil).JSON(t, &doc)
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "oversight", "cols", "scope", "disclosure", "shareable"), nil).JSON(t, &byOversight)
	if doc.Headline.Recommendations.Display != a.Total.Display {
		t.Errorf("document headline %s, cross-tab total %s", doc.Headline.Recommendations.Display, a.Total.Display)
	}
	for _, c := range doc.Oversight {
		for i, v := range byOversight.RowValues {
			if v.Key == c.Value.Key && byOversight.RowTotals[i].Display != c.Count.Display {
				t.Errorf("document oversight %s: %s, cross-tab %s", v.Key, c.Count.Display, byOversight.RowTotals[i].Display)
			}
		}
	}
	for i, it := range doc.Trends {
		if i < len(tr.Items) && tr.Items[i].Year == it.Year && tr.Items[i].Issued.Display != it.Issued.Display {
			t.Errorf("document year %d: %s, trends %s", it.Year, it.Issued.Display, tr.Items[i].Issued.Display)
		}
	}
	// Theme pairs: the number of recommendations counted is the cross-tab's, and each pair's count
	// one its true count can publish.
	var pairs, truePairs api.SummaryThemePairs
	var byTheme api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", smPath("theme-pairs", "disclosure", "shareable", "limit", "2000"), nil).JSON(t, &pairs)
	do(t, w.s, http.StatusOK, "GET", smPath("theme-pairs", "limit", "2000"), nil).JSON(t, &truePairs)
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "theme", "cols", "scope", "disclosure", "shareable"), nil).JSON(t, &byTheme)
	if pairs.Recommendations.Display != byTheme.Recommendations.Display || pairs.Recommendations.Display != a.Total.Display {
		t.Errorf("recommendations counted: pairs %s, cross-tab by theme %s, by response %s", pairs.Recommendations.Display,
			byTheme.Recommendations.Display, a.Total.Display)
	}
	truth := map[[2]string]int{}
	for _, x := range truePairs.Items {
		truth[[2]string{x.A.Key, x.B.Key}] = *x.Count.Count
	}
	if len(pairs.Items) == 0 {
		t.Fatal("no theme pairs in the fixture")
	}
	for i, x := range pairs.Items {
		if n := truth[[2]string{x.A.Key, x.B.Key}]; !casereview.CanShow(n, shared(x.Count), 5) {
			t.Errorf("pair %s+%s = %d published as %s", x.A.Key, x.B.Key, n, x.Count.Display)
		}
		// Listed in the order of the published figures (suppressed last), never by the true
		// counts, and never with 0 (which would say that the pair occurs).
		if x.Count.Count != nil && *x.Count.Count == 0 {
			t.Errorf("pair %s+%s is listed with 0", x.A.Key, x.B.Key)
		}
		if i > 0 {
			prev := pairs.Items[i-1]
			if prev.Count.Count == nil && x.Count.Count != nil || prev.Count.Count != nil && x.Count.Count != nil && *prev.Count.Count < *x.Count.Count {
				t.Errorf("pair %d (%s) is listed after a smaller published count (%s)", i, x.Count.Display, prev.Count.Display)
			}
		}
	}
	if pairs.TotalPairs != len(pairs.Items) {
		t.Errorf("total_pairs %d, %d listed", pairs.TotalPairs, len(pairs.Items))
	}
	for j, v := range a.ColValues {
		if a.ColTotals[j].Display != b.ColTotals[j].Display {
			t.Errorf("asked twice, %s: %s then %s", v.Key, a.ColTotals[j].Display, b.ColTotals[j].Display)
		}
		if v.Key == "DHR" && a.ColTotals[j].Display != c.Total.Display {
			t.Errorf("DHR: column total %s, filtered total %s", a.ColTotals[j].Display, c.Total.Display)
		}
	}
}

// ckRefusal: a shareable filter that keeps, or leaves out, 1 to 4 recommendations is refused;
// the same request for internal use is answered.
func ckRefusal(t *testing.T, w *smWorld) {
	all := w.visibleTo(false)
	type filter struct {
		kv []string
		n  int // how many it keeps
	}
	var filters []filter
	pairs := map[[2]string]int{}
	for _, r := range all {
		pairs[[2]string{r.issued[:4], r.review.typ}]++
	}
	for k, n := range pairs {
		filters = append(filters, filter{[]string{"year", k[0], "type", k[1]}, n})
	}
	for _, field := range []string{"scope", "response", "oversight"} {
		byValue := map[string]int{}
		for _, r := range all {
			byValue[map[string]string{"scope": r.scope, "response": r.response, "oversight": r.oversight}[field]]++
		}
		for v, n := range byValue {
			filters = append(filters, filter{[]string{field, v}, n})
		}
	}
	refusedKeep, refusedLeave := 0, 0
	for _, f := range filters {
		r := w.s.Do("GET", smPath("crosstab", append([]string{"rows", "response", "cols", "scope", "disclosure", "shareable"}, f.kv...)...), nil)
		keepsFew, leavesFew := f.n < 5, len(all)-f.n >= 1 && len(all)-f.n < 5
		if (r.Status == http.StatusUnprocessableEntity) != (keepsFew || leavesFew) {
			t.Errorf("%v keeps %d of %d: status %d", f.kv, f.n, len(all), r.Status)
			continue
		}
		if !keepsFew && !leavesFew {
			continue
		}
		if keepsFew {
			refusedKeep++
		} else {
			refusedLeave++
		}
		var e struct {
			Fields []struct{ Field, Code string } `json:"errors"`
		}
		r.JSON(t, &e)
		if len(e.Fields) == 0 || e.Fields[0].Field != "filter" || e.Fields[0].Code != "too_few_records" {
			t.Errorf("refusal body %s", r.Body)
		}
		// For internal use the same filter is answered.
		do(t, w.s, http.StatusOK, "GET", smPath("crosstab", append([]string{"rows", "response", "cols", "scope"}, f.kv...)...), nil)
	}
	if refusedKeep == 0 {
		t.Error("no filter of the fixture keeps 1 to 4 recommendations: the refusal is not exercised")
	}
	t.Logf("refused %d filters keeping a few and %d leaving out a few", refusedKeep, refusedLeave)
}

func ckAuditCount(t *testing.T, w *smWorld) int {
	t.Helper()
	ctx := casereview.WithActor(context.Background(), casereview.System)
	p, err := w.s.App.Store().ListAudit(ctx, casereview.AuditFilter{Action: string(casereview.AuditSummaryRead)}, 200, 0)
	if err != nil {
		t.Fatal(err)
	}
	return int(p.Total)
}

// ckAuditReads: a JSON summary counting restricted reviews writes summary.read; one that counts
// none (the restricted reviews filtered out) writes nothing.
func ckAuditReads(t *testing.T, w *smWorld) {
	before := ckAuditCount(t, w)
	do(t, w.s, http.StatusOK, "GET", smPath("trends"), nil)
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "response", "cols", "scope"), nil)
	if got := ckAuditCount(t, w) - before; got != 2 {
		t.Errorf("%d summary.read events for two summaries over restricted reviews, want 2", got)
	}
	before = ckAuditCount(t, w)
	do(t, w.s, http.StatusOK, "GET", smPath("trends", "type", "SAR", "type", "PFD"), nil) // both reviews are shared
	if got := ckAuditCount(t, w) - before; got != 0 {
		t.Errorf("%d summary.read events for a summary over no restricted review", got)
	}
}
