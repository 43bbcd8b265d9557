package api_test

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/api"
	"github.com/casereview/casereview/internal/dbtest"
)

// The summaries end to end, on both databases. Every figure is compared with a count made here
// by plain loops over the fixtures (summaries_fixture_test.go), never by calling the code under
// test.

func TestSummaries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := smBuild(t, dialect)
		t.Run("cross-tab", func(t *testing.T) { smCrossTab(t, w) })
		t.Run("organisations", func(t *testing.T) { smOrganisations(t, w) })
		t.Run("theme pairs", func(t *testing.T) { smPairs(t, w) })
		t.Run("trends", func(t *testing.T) { smTrends(t, w) })
		t.Run("overdue", func(t *testing.T) { smOverdue(t, w) })
		t.Run("national", func(t *testing.T) { smNational(t, w) })
		t.Run("document", func(t *testing.T) { smDocument(t, w) })
		t.Run("query text", func(t *testing.T) { smQuery(t, w) })
		t.Run("disclosure control", func(t *testing.T) { smShareable(t, w) })
		t.Run("downloads", func(t *testing.T) { smDownloads(t, w) })
		t.Run("bad input", func(t *testing.T) { smBadInput(t, w) })
	})
}

func smCount(t *testing.T, where string, f api.SummaryFigure, want int) {
	t.Helper()
	if f.Count == nil || *f.Count != want || f.Display != strconv.Itoa(want) {
		t.Errorf("%s: figure %+v (display %q), want %d", where, f.Count, f.Display, want)
	}
}

// smKeyOf is the value a recommendation has for a single-valued dimension.
func smKeyOf(r *smRec, dim string) string {
	switch dim {
	case "response":
		return r.response
	case "implementation":
		return r.implementation
	case "oversight":
		return r.oversight
	case "review_type":
		return r.review.typ
	case "year":
		return smYear(r.issued)
	case "scope":
		return r.scope
	case "intervention":
		if r.intervention == "" {
			return "none"
		}
		return r.intervention
	case "closed_year":
		if r.closed == "" || !strings.HasPrefix(r.oversight, "closed_") {
			return "open"
		}
		return smYear(r.closed)
	}
	panic(dim)
}

func smKeysOf(r *smRec, dim string) []string {
	switch dim {
	case "theme":
		return r.themes
	case "theme_group":
		var gs []string
		for _, th := range r.themes {
			if g := th[:1]; !slices.Contains(gs, g) {
				gs = append(gs, g)
			}
		}
		return gs
	}
	return []string{smKeyOf(r, dim)}
}

func smCrossTab(t *testing.T, w *smWorld) {
	for _, c := range []struct {
		rows, cols string
		viewer     bool
	}{
		{"response", "review_type", false}, {"theme", "year", false}, {"oversight", "implementation", false},
		{"theme_group", "scope", false}, {"intervention", "closed_year", false}, {"review_type", "year", true}, {"theme", "response", true},
	} {
		recs := w.visibleTo(c.viewer)
		want := map[[2]string]int{}
		rowT, colT := map[string]int{}, map[string]int{}
		total := 0
		for _, r := range recs {
			for _, a := range smKeysOf(r, c.rows) {
				for _, b := range smKeysOf(r, c.cols) {
					want[[2]string{a, b}]++
					rowT[a]++
					colT[b]++
					total++
				}
			}
		}
		var h []string
		if c.viewer {
			h = w.viewerP1
		}
		path := smPath("crosstab", "rows", c.rows, "cols", c.cols)
		var ct api.SummaryCrossTab
		do(t, w.s, http.StatusOK, "GET", path, nil, h...).JSON(t, &ct)
		where := fmt.Sprintf("%s as viewer=%v", path, c.viewer)
		if len(ct.RowValues) != len(rowT) || len(ct.ColValues) != len(colT) {
			t.Fatalf("%s: %d×%d table, want %d×%d", where, len(ct.RowValues), len(ct.ColValues), len(rowT), len(colT))
		}
		for i, rv := range ct.RowValues {
			smCount(t, where+" row total "+rv.Key, ct.RowTotals[i], rowT[rv.Key])
			for j, cv := range ct.ColValues {
				smCount(t, where+" cell "+rv.Key+"/"+cv.Key, ct.Cells[i][j], want[[2]string{rv.Key, cv.Key}])
			}
		}
		for j, cv := range ct.ColValues {
			smCount(t, where+" col total "+cv.Key, ct.ColTotals[j], colT[cv.Key])
		}
		smCount(t, where+" total", ct.Total, total)
		smCount(t, where+" recommendations", ct.Recommendations, len(recs))
		if ct.Meta.Disclosure != "internal" || ct.Meta.AsOf != smAsOf {
			t.Errorf("%s: meta %+v", where, ct.Meta)
		}
	}
	// Labels name themes and review types for people.
	var ct api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "theme", "cols", "review_type", "theme", "stalking"), nil).JSON(t, &ct)
	if len(ct.RowValues) != 1 || ct.RowValues[0].Key != "A09" || !strings.Contains(strings.ToLower(ct.RowValues[0].Label), "stalking") {
		t.Errorf("theme filter by slug: rows %+v", ct.RowValues)
	}
}

func smMedian(xs []int) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	sort.Ints(s)
	var m float64
	if len(s)%2 == 1 {
		m = float64(s[len(s)/2])
	} else {
		m = float64(s[len(s)/2-1]+s[len(s)/2]) / 2
	}
	return &m
}

func smDays(from, to string) int {
	a, _ := time.Parse(time.DateOnly, from)
	b, _ := time.Parse(time.DateOnly, to)
	return int(b.Sub(a).Hours() / 24)
}

var (
	smAccepted   = []string{"accepted", "accepted_in_part", "accepted_alternative"}
	smInProgress = []string{"planned", "in_progress", "implemented_pending_verification"}
	smVerified   = []string{"closed_acceptable_action", "closed_exceeds", "closed_acceptable_alternative_action"}
)

func smOverdueRec(r *smRec) bool {
	return smHas(r.flags, "response_overdue") || smHas(r.flags, "action_overdue")
}

type smOrgWant struct {
	addressed, responded, accepted, inProgress, verified, overdue int
	respDays, closeDays                                           []int
}

func smOrgFigures(w *smWorld, recs []*smRec, bySector bool) map[string]*smOrgWant {
	out := map[string]*smOrgWant{}
	for _, r := range recs {
		seen := map[string]map[string]bool{} // key -> figure -> counted for this recommendation
		for _, a := range r.addressees {
			k := a.org
			if bySector {
				k = w.sector[a.org]
			}
			if out[k] == nil {
				out[k] = &smOrgWant{}
			}
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
			o := out[k]
			once := func(name string, cond bool, n *int) {
				if cond && !seen[k][name] {
					seen[k][name] = true
					*n++
				}
			}
			once("addressed", true, &o.addressed)
			once("responded", a.status != "awaiting_response", &o.responded)
			once("accepted", smHas(smAccepted, a.status), &o.accepted)
			once("in progress", smHas(smInProgress, r.implementation), &o.inProgress)
			once("verified", smHas(smVerified, r.oversight), &o.verified)
			once("overdue", smOverdueRec(r), &o.overdue)
			if a.firstResponse != "" {
				o.respDays = append(o.respDays, smDays(a.notified, a.firstResponse))
			}
			if smHas(smVerified, r.oversight) && r.closed != "" && !seen[k]["closure measured"] {
				seen[k]["closure measured"] = true
				o.closeDays = append(o.closeDays, smDays(r.issued, r.closed))
			}
		}
	}
	return out
}

func smMedianOK(got *float32, want *float64) bool {
	if want == nil {
		return got == nil
	}
	return got != nil && math.Abs(float64(*got)-*want) < 1e-3
}

func smCheckOrgRow(t *testing.T, where string, row api.SummaryOrganisationRow, o *smOrgWant) {
	t.Helper()
	smCount(t, where+" addressed", row.Addressed, o.addressed)
	smCount(t, where+" responded", row.Responded, o.responded)
	smCount(t, where+" accepted", row.Accepted, o.accepted)
	smCount(t, where+" in progress", row.InProgress, o.inProgress)
	smCount(t, where+" verified closed", row.VerifiedClosed, o.verified)
	smCount(t, where+" overdue", row.Overdue, o.overdue)
	if !smMedianOK(row.MedianDaysToResponse, smMedian(o.respDays)) {
		t.Errorf("%s: median days to response %v, want %v of %v", where, row.MedianDaysToResponse, smMedian(o.respDays), o.respDays)
	}
	if !smMedianOK(row.MedianDaysToClosure, smMedian(o.closeDays)) {
		t.Errorf("%s: median days to closure %v, want %v of %v", where, row.MedianDaysToClosure, smMedian(o.closeDays), o.closeDays)
	}
}

func smOrganisations(t *testing.T, w *smWorld) {
	for _, by := range []string{"organisation", "sector"} {
		for _, viewer := range []bool{false, true} {
			want := smOrgFigures(w, w.visibleTo(viewer), by == "sector")
			var h []string
			if viewer {
				h = w.viewerP1
			}
			var out api.SummaryOrganisations
			path := smPath("organisations", "by", by)
			do(t, w.s, http.StatusOK, "GET", path, nil, h...).JSON(t, &out)
			if len(out.Items) != len(want) {
				t.Fatalf("%s: %d rows, want %d", path, len(out.Items), len(want))
			}
			for i, row := range out.Items {
				o := want[row.Key]
				if o == nil {
					t.Fatalf("%s: unexpected row %s", path, row.Key)
				}
				smCheckOrgRow(t, fmt.Sprintf("%s viewer=%v %s", path, viewer, row.Key), row, o)
				if by == "organisation" && row.Name != w.orgName[row.Key] {
					t.Errorf("%s: name %q, want %q", path, row.Name, w.orgName[row.Key])
				}
				if i > 0 && *out.Items[i-1].Addressed.Count < *row.Addressed.Count {
					t.Errorf("%s: not ordered by addressed", path)
				}
			}
		}
	}
}

func smPairs(t *testing.T, w *smWorld) {
	recs := w.visibleTo(false)
	single, both := map[string]int{}, map[[2]string]int{}
	for _, r := range recs {
		for _, a := range r.themes {
			single[a]++
			for _, b := range r.themes {
				if a < b {
					both[[2]string{a, b}]++
				}
			}
		}
	}
	var out api.SummaryThemePairs
	path := smPath("theme-pairs", "limit", "2000")
	do(t, w.s, http.StatusOK, "GET", path, nil).JSON(t, &out)
	smCount(t, path+" recommendations", out.Recommendations, len(recs))
	if out.TotalPairs != len(both) || len(out.Items) != len(both) {
		t.Fatalf("%s: %d pairs (total %d), want %d", path, len(out.Items), out.TotalPairs, len(both))
	}
	for i, p := range out.Items {
		k := [2]string{p.A.Key, p.B.Key}
		smCount(t, path+" pair "+k[0]+"+"+k[1], p.Count, both[k])
		wantLift := float64(both[k]) / (float64(single[k[0]]) / float64(len(recs)) * float64(single[k[1]]))
		if p.Lift == nil || math.Abs(float64(*p.Lift)-wantLift) > 1e-4 {
			t.Errorf("%s pair %v: lift %v, want %v", path, k, p.Lift, wantLift)
		}
		if i > 0 && *out.Items[i-1].Count.Count < *p.Count.Count {
			t.Errorf("%s: pairs not ordered by count", path)
		}
	}
	do(t, w.s, http.StatusOK, "GET", smPath("theme-pairs", "limit", "2"), nil).JSON(t, &out)
	if len(out.Items) != min(2, len(both)) || out.TotalPairs != len(both) {
		t.Errorf("limit 2: %d items, total %d", len(out.Items), out.TotalPairs)
	}
}

func smTrends(t *testing.T, w *smWorld) {
	for _, viewer := range []bool{false, true} {
		issued, closed, verified := map[int]int{}, map[int]int{}, map[int]int{}
		years := map[int]bool{}
		for _, r := range w.visibleTo(viewer) {
			y, _ := strconv.Atoi(smYear(r.issued))
			issued[y]++
			years[y] = true
			if r.closed != "" && strings.HasPrefix(r.oversight, "closed_") {
				cy, _ := strconv.Atoi(smYear(r.closed))
				closed[cy]++
				years[cy] = true
				if smHas(smVerified, r.oversight) {
					verified[cy]++
				}
			}
		}
		var h []string
		if viewer {
			h = w.viewerP1
		}
		var out api.SummaryTrends
		do(t, w.s, http.StatusOK, "GET", smPath("trends"), nil, h...).JSON(t, &out)
		if len(out.Items) != len(years) {
			t.Fatalf("trends viewer=%v: %d years, want %d", viewer, len(out.Items), len(years))
		}
		ti, tc, tv := 0, 0, 0
		for i, row := range out.Items {
			if i > 0 && out.Items[i-1].Year >= row.Year {
				t.Errorf("years out of order")
			}
			where := fmt.Sprintf("trends viewer=%v %d", viewer, row.Year)
			smCount(t, where+" issued", row.Issued, issued[row.Year])
			smCount(t, where+" closed", row.Closed, closed[row.Year])
			smCount(t, where+" verified", row.VerifiedClosed, verified[row.Year])
			ti, tc, tv = ti+issued[row.Year], tc+closed[row.Year], tv+verified[row.Year]
		}
		smCount(t, "trends issued total", out.Issued, ti)
		smCount(t, "trends closed total", out.Closed, tc)
		smCount(t, "trends verified total", out.VerifiedClosed, tv)
	}
}
