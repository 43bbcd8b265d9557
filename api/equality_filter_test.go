package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/casereview/casereview/api"
	"github.com/casereview/casereview/internal/casereview"
)

// The subject filter of the summaries (subject_sex=female, …; issue 15 §2): it narrows every
// summary to the recommendations about people at the centre of reviews with the chosen values,
// exactly as the cross-tab by the characteristic counts them; shared, the same records publish
// the same figure by either route; only those who may see equality figures may use it.

// eqExpected counts, outside the SQL under test, the recommendations of the fixture's reviews
// that the filter keeps: the subjects as the API lists them, the recommendations per review
// and their record keys straight from the table.
func eqExpected(t *testing.T, w *eqWorld, filter url.Values) (int, int64) {
	t.Helper()
	db, err := w.s.App.Store().SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var ks int64
	for _, r := range []string{w.r1, w.r2, w.r3, w.r4} {
		var list api.SubjectList
		do(t, w.s, http.StatusOK, "GET", "/api/v1/reviews/"+r+"/subjects", nil, w.oversight...).JSON(t, &list)
		keep := true
		for name, values := range filter {
			c, ok := casereview.Dimension(name).Characteristic()
			if !ok {
				t.Fatalf("%s is not a subject filter", name)
			}
			centre, match := 0, false
			for _, s := range list.Items {
				if string(s.Role) == string(casereview.SubjectPerpetrator) {
					continue
				}
				centre++
				v := s.Characteristics[string(c.Key)]
				if c.Derived {
					v = c.DeriveFrom(s.Characteristics[string(c.From)])
				}
				if v == "" {
					v = casereview.NotRecorded
				}
				match = match || slices.Contains(values, v)
			}
			if centre == 0 && slices.Contains(values, casereview.NotRecorded) {
				match = true
			}
			keep = keep && match
		}
		if !keep {
			continue
		}
		var rn int
		var rk int64
		if err := db.QueryRow("SELECT COUNT(*), COALESCE(SUM(record_key), 0) FROM recommendations WHERE review_id = '"+r+"'").Scan(&rn, &rk); err != nil {
			t.Fatal(err)
		}
		n, ks = n+rn, ks+rk
	}
	return n, ks
}

func eqSubjectFilter(t *testing.T, w *eqWorld) {
	filters := []string{
		"subject_sex=female",
		"subject_sex=male",
		"subject_minoritised=black_minoritised",
		"subject_minoritised=white_british", // R1's White British perpetrator is not counted
		"subject_minoritised=not_recorded",
		"subject_minoritised=black_minoritised&subject_minoritised=not_recorded",
		"subject_ethnicity=ASIAN_BANGLADESHI&subject_sex=female",
		"subject_ethnic_group=white&subject_sex=female",
		"subject_religion=not_recorded",
	}
	for _, fq := range filters {
		fv, _ := url.ParseQuery(fq)
		for k, vs := range fv {
			for i := range vs {
				vs[i] = strings.ToLower(vs[i])
			}
			fv[k] = vs
		}
		want, keys := eqExpected(t, w, fv)
		// Every summary narrows the same way: the cross-tab, the document, the organisations.
		var ct api.SummaryCrossTab
		do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/crosstab?rows=review_type&cols=oversight&partnership="+w.p+"&"+fq, nil, w.oversight...).JSON(t, &ct)
		if *ct.Total.Count != want {
			t.Errorf("%s: the cross-tab counts %d, want %d", fq, *ct.Total.Count, want)
		}
		var doc api.SummaryDocument
		do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/document?partnership="+w.p+"&"+fq, nil, w.oversight...).JSON(t, &doc)
		if *doc.Headline.Recommendations.Count != want {
			t.Errorf("%s: the document counts %d, want %d", fq, *doc.Headline.Recommendations.Count, want)
		}
		// A filter by one characteristic keeps what the cross-tab by it counts under its values.
		if len(fv) == 1 {
			for name, values := range fv {
				if len(values) != 1 {
					continue
				}
				var by api.SummaryCrossTab
				do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/crosstab?rows="+name+"&cols=oversight&partnership="+w.p, nil, w.oversight...).JSON(t, &by)
				row := 0
				for i, v := range by.RowValues {
					if v.Key == values[0] {
						row = *by.RowTotals[i].Count
					}
				}
				if row != want {
					t.Errorf("%s: the cross-tab by %s counts %d under %s, the filter %d", fq, name, row, values[0], want)
				}
			}
		}
		// Shared: the published figure is the cell key method's for exactly these records, and
		// the same as the cross-tab by the characteristic publishes for them. Filters that keep
		// or leave out 1 to 4 are refused.
		path := "/api/v1/summaries/crosstab?rows=review_type&cols=oversight&disclosure=shareable&partnership=" + w.p + "&" + fq
		if want >= 1 && want <= 4 || 17-want >= 1 && 17-want <= 4 {
			do(t, w.s, http.StatusUnprocessableEntity, "GET", path, nil, w.oversight...)
			continue
		}
		var sh api.SummaryCrossTab
		do(t, w.s, http.StatusOK, "GET", path, nil, w.oversight...).JSON(t, &sh)
		if got, exp := sh.Total.Display, casereview.Share(casereview.Tally{N: want, KeySum: keys}, 5).Display(5); got != exp {
			t.Errorf("%s: shared total %s, the cell key method gives %s for these %d records", fq, got, exp, want)
		}
	}

	// Who: oversight and admins; the panel for its own partnership (narrowed to it without a
	// partnership filter); nobody else.
	q := "/api/v1/summaries/trends?subject_sex=female"
	do(t, w.s, http.StatusOK, "GET", q, nil, w.admin...)
	var own, other api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/crosstab?rows=review_type&cols=oversight&subject_sex=female", nil, w.panelP...).JSON(t, &own)
	if want, _ := eqExpected(t, w, url.Values{"subject_sex": {"female"}}); *own.Total.Count != want {
		t.Errorf("the panel counts %d about women in its partnership, want %d", *own.Total.Count, want)
	}
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/crosstab?rows=review_type&cols=oversight&subject_sex=female", nil, w.panelQ...).JSON(t, &other)
	if *other.Total.Count != 0 {
		t.Errorf("another partnership's panel counts %d of this partnership's recommendations", *other.Total.Count)
	}
	for _, path := range []string{q, "/api/v1/summaries/document?subject_sex=female", "/api/v1/summaries/organisations?subject_minoritised=not_recorded",
		"/api/v1/summaries/overdue?subject_sex=female", "/api/v1/summaries/national?subject_sex=female", "/api/v1/summaries/theme-pairs?subject_sex=female",
		"/api/v1/summaries/document.csv?subject_sex=female"} {
		do(t, w.s, http.StatusForbidden, "GET", path, nil, w.agent...) // anonymous callers: the permission matrix
	}
	do(t, w.s, http.StatusForbidden, "GET", q+"&partnership="+w.p, nil, w.panelQ...)
	// Without the filter the same callers are answered: the refusal is the filter's.
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/trends", nil, w.agent...)

	// Bad input: an unknown value at its field, an unknown characteristic as an unknown parameter.
	r := do(t, w.s, http.StatusUnprocessableEntity, "GET", "/api/v1/summaries/trends?subject_sex=female&subject_sex=martian", nil, w.oversight...)
	if !strings.Contains(string(r.Body), `"subject_sex[1]"`) {
		t.Errorf("an unknown value is reported at subject_sex[1]: %s", r.Body)
	}
	r = do(t, w.s, http.StatusBadRequest, "GET", "/api/v1/summaries/trends?subject_colour=blue", nil, w.oversight...)
	if !strings.Contains(string(r.Body), "subject_colour") {
		t.Errorf("an unknown subject parameter is named: %s", r.Body)
	}

	// A JSON summary narrowed to figures over a restricted review is audited as summary.read.
	before, _ := auNewest(t, w.s)
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/trends?subject_minoritised=white_british", nil, w.oversight...)
	if after, e := auNewest(t, w.s); after != before+1 || e.Action != "summary.read" {
		t.Errorf("a summary over the restricted review is audited: %d new events, newest %+v", after-before, e)
	}
}
