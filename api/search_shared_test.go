package api_test

import (
	"net/http"
	"testing"

	"github.com/casereview/casereview/api"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Issue 15 §1: search totals and facet counts that leave as shareable figures are published
// under the cell key method, as the summaries are. Attacked as an outsider would: a facet's count
// against the cross-tab's figure for the same records (they must be the same published figure,
// or one minus the other tells the noise), the total against the table's, and the figures
// against the records' own keys read from the database.
func TestSearchSharedFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := smBuild(t, dialect)
		w.s.WaitForIndex()
		var truth, table api.SummaryCrossTab
		do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "review_type", "cols", "scope"), nil).JSON(t, &truth)
		do(t, w.s, http.StatusOK, "GET", smPath("crosstab", "rows", "review_type", "cols", "scope", "disclosure", "shareable"), nil).JSON(t, &table)

		var exact, shared api.SearchResult
		do(t, w.s, http.StatusOK, "GET", "/api/v1/search?facets=type&as_of="+smAsOf, nil).JSON(t, &exact)
		do(t, w.s, http.StatusOK, "GET", "/api/v1/search?facets=type&disclosure=shareable&as_of="+smAsOf, nil).JSON(t, &shared)

		// Internal (the default for the signed-in): exact, and said so.
		if exact.Disclosure == nil || *exact.Disclosure != api.SearchResultDisclosureInternal || exact.Threshold != nil {
			t.Errorf("internal search: disclosure %v, threshold %v", exact.Disclosure, exact.Threshold)
		}
		if exact.Total != int64(*truth.Total.Count) {
			t.Errorf("internal total %d, the table's true total %d", exact.Total, *truth.Total.Count)
		}
		if shared.Disclosure == nil || *shared.Disclosure != api.SearchResultDisclosureShareable || shared.Threshold == nil || *shared.Threshold != 5 {
			t.Fatalf("shareable search: disclosure %v, threshold %v", shared.Disclosure, shared.Threshold)
		}

		// The records' own keys, from the database: what every published figure must come from.
		tallies := recordTallies(t, w)
		var all casereview.Tally
		for _, tl := range tallies {
			all = all.Add(tl)
		}
		if want := int64(all.Published()); shared.Total != want {
			t.Errorf("shareable total %d, want %d (true %d)", shared.Total, want, all.N)
		}
		if table.Total.Count == nil || int64(*table.Total.Count) != shared.Total {
			t.Errorf("shareable total %d, the shareable table's %v: the same records must publish the same figure", shared.Total, table.Total.Count)
		}

		facet := map[string]api.FacetValue{}
		exactFacet := map[string]int{}
		for _, f := range shared.Facets {
			for _, v := range f.Values {
				facet[v.Value] = v
			}
		}
		for _, f := range exact.Facets {
			for _, v := range f.Values {
				exactFacet[v.Value] = *v.Count
			}
		}
		perturbed := 0
		for i, rv := range table.RowValues {
			want := casereview.Share(tallies[rv.Key], 5)
			got, ok := facet[rv.Key]
			if want.Count == 0 {
				if ok {
					t.Errorf("type %s publishes 0 and should not be listed: %+v", rv.Key, got)
				}
				continue
			}
			if !ok {
				t.Errorf("type %s is missing from the shareable facet", rv.Key)
				continue
			}
			if got.Display != want.Display(5) || (got.Count == nil) != want.Suppressed {
				t.Errorf("type %s: facet shows %q (count %v), want %q", rv.Key, got.Display, got.Count, want.Display(5))
			}
			if row := table.RowTotals[i]; row.Display != got.Display {
				t.Errorf("type %s: facet shows %q, the shareable table's row total %q", rv.Key, got.Display, row.Display)
			}
			if exactFacet[rv.Key] != tallies[rv.Key].N {
				t.Errorf("type %s: internal facet %d, true %d", rv.Key, exactFacet[rv.Key], tallies[rv.Key].N)
			}
			if got.Count != nil && *got.Count != tallies[rv.Key].N {
				perturbed++
			}
		}
		t.Logf("%d of %d review types published a perturbed count", perturbed, len(table.RowValues))

		// The published figure of a filtered search is the same as the facet's for the same records.
		for key, v := range facet {
			var one api.SearchResult
			do(t, w.s, http.StatusOK, "GET", "/api/v1/search?facets=none&disclosure=shareable&type="+key+"&as_of="+smAsOf, nil).JSON(t, &one)
			if v.Count != nil && one.Total != int64(*v.Count) {
				t.Errorf("type=%s: total %d, the facet's count %d", key, one.Total, *v.Count)
			}
		}

		r := w.s.Do("GET", "/api/v1/search?disclosure=public", nil)
		checkProblem(t, r, "/api/v1/search", problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid", Errors: []fieldErr{{Field: "disclosure", Code: "unknown_value"}}})
	})
}

// recordTallies counts the fixture's recommendations by review type with the sum of their record
// keys, straight from the database.
func recordTallies(t *testing.T, w *smWorld) map[string]casereview.Tally {
	t.Helper()
	db, err := w.s.App.Store().SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT v.type, COUNT(*), SUM(r.record_key) FROM recommendations r JOIN reviews v ON v.id = r.review_id GROUP BY v.type`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]casereview.Tally{}
	for rows.Next() {
		var typ string
		var tl casereview.Tally
		if err := rows.Scan(&typ, &tl.N, &tl.KeySum); err != nil {
			t.Fatal(err)
		}
		out[typ] = tl
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 2 {
		t.Fatalf("the fixture has %d review types", len(out))
	}
	return out
}
