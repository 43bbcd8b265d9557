package imports_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/imports"
)

// The bulk import writes each new recommendation's theme_set with the row (so the triggers of
// migration 00027 have nothing to rewrite), and a re-import that replaces the themes leaves the
// set the triggers keep: either way, the confirmed themes' codes in byte order.
func TestImportBundlesWritesThemeSets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		bundles := importBundles(f.p.ID, f.police.ID, 2, 3)
		themesOf := [][]casereview.ThemeDraft{nil, {{Code: "C01"}, {Code: "A02"}}, {{Code: "stalking"}}}
		for i := range bundles {
			for j := range bundles[i].Recommendations {
				bundles[i].Recommendations[j].Draft.Themes = themesOf[j]
			}
		}
		check := func(step string, want map[string]int) {
			t.Helper()
			db, err := s.SQLDB()
			must(t, err)
			assigned := map[string][]string{}
			rows, err := db.Query("SELECT recommendation_id, theme_code FROM theme_assignments")
			must(t, err)
			for rows.Next() {
				var rec, code string
				must(t, rows.Scan(&rec, &code))
				assigned[rec] = append(assigned[rec], code)
			}
			must(t, rows.Err())
			rows, err = db.Query("SELECT id, theme_set FROM recommendations")
			must(t, err)
			got := map[string]int{}
			for rows.Next() {
				var id, set string
				must(t, rows.Scan(&id, &set))
				slices.Sort(assigned[id])
				if want := strings.Join(assigned[id], ","); set != want {
					t.Errorf("%s: recommendation %s has theme_set %q; its themes are %q", step, id, set, want)
				}
				got[set]++
			}
			must(t, rows.Err())
			for set, n := range want {
				if got[set] != n {
					t.Errorf("%s: %d recommendations with theme_set %q, want %d (all: %v)", step, got[set], set, n, got)
				}
			}
		}
		_, err := imports.New(s).ImportBundles(ctx, bundles, casereview.ImportOptions{Source: "test"})
		must(t, err)
		check("created", map[string]int{"": 2, "A02,C01": 2, "A09": 2})

		for i := range bundles {
			bundles[i].Recommendations[1].Draft.Themes = []casereview.ThemeDraft{{Code: "B01"}}
		}
		_, err = imports.New(s).ImportBundles(ctx, bundles, casereview.ImportOptions{Source: "test"})
		must(t, err)
		check("themes replaced", map[string]int{"": 2, "B01": 2, "A09": 2})
	})
}
