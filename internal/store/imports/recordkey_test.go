package imports_test

import (
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/imports"
)

// Each recommendation the bulk import creates draws its own record key for the cell key method,
// as one made through the API does: the noise on a shareable count comes from the sum of its
// records' keys, so keys that are all alike (the import once wrote 0 into every row) make the
// noise a function of the count alone, which differencing undoes. A re-import keeps the keys.
func TestImportBundlesDrawsRecordKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		bundles := importBundles(f.p.ID, f.police.ID, 4, 20)
		_, err := imports.New(s).ImportBundles(ctx, bundles, casereview.ImportOptions{Source: "test"})
		must(t, err)
		keys := func() map[string]int {
			db, err := s.SQLDB()
			must(t, err)
			rows, err := db.Query("SELECT id, record_key FROM recommendations")
			must(t, err)
			defer rows.Close()
			out := map[string]int{}
			for rows.Next() {
				var id string
				var k int
				must(t, rows.Scan(&id, &k))
				out[id] = k
			}
			must(t, rows.Err())
			return out
		}
		first := keys()
		distinct := map[int]bool{}
		for _, k := range first {
			if k < 0 || k >= casereview.RecordKeyModulus {
				t.Fatalf("record key %d out of range", k)
			}
			distinct[k] = true
		}
		// 80 keys drawn from 256 values: fewer than 20 distinct happens with a probability far
		// below 1e-20.
		if len(first) != 80 || len(distinct) < 20 {
			t.Fatalf("%d recommendations with %d distinct record keys; want 80 with keys drawn at random", len(first), len(distinct))
		}
		for i := range bundles {
			bundles[i].Recommendations[0].Draft.Text += " (amended)"
		}
		_, err = imports.New(s).ImportBundles(ctx, bundles, casereview.ImportOptions{Source: "test"})
		must(t, err)
		for id, k := range keys() {
			if first[id] != k {
				t.Errorf("recommendation %s: record key %d after the re-import, %d before", id, k, first[id])
			}
		}
	})
}
