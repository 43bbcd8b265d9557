package pfdimport_test

import (
	"context"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/importer/pfdimport"
	"github.com/casereview/casereview/internal/store/imports"
)

// An import stopped part-way (here its context is cancelled while the store prepares the
// reviews, as when the process is killed) leaves nothing behind: the partnerships and
// organisations it would have created are created in the reviews' own transaction (issue 14
// item 5: "kill -9 during import pfd left 208 partnerships and 1,556 organisations with 0
// reviews"). With batches, a batch that fails takes its own creations with it.
func TestImportPFDStoppedPartWayLeavesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		srv := apitest.Start(t, dialect, apitest.Options{Now: func() time.Time { return time.Date(2099, 6, 1, 12, 0, 0, 0, time.UTC) }})
		st := srv.App.Store()
		sys := casereview.WithActor(context.Background(), casereview.System)
		count := func(table string) int {
			db, err := st.SQLDB()
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.QueryRowContext(sys, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := map[string]int{}
		for _, table := range []string{"partnerships", "organisations", "reviews", "recommendations"} {
			before[table] = count(table)
		}
		for _, batch := range []int{0, 2} {
			ctx, stop := context.WithCancel(sys)
			_, err := pfdimport.Import(ctx, imports.Over(st), pfdimport.Options{Dir: fictionalCorpus(t), Batch: batch, Progress: func(done, total int) {
				if done > 0 {
					stop() // the process dies while the first batch is being written
				}
			}})
			stop()
			if err == nil {
				t.Fatalf("batch %d: the stopped import reported no error", batch)
			}
			for table, n := range before {
				if got := count(table); got != n {
					t.Errorf("batch %d: the stopped import left %d rows in %s (had %d)", batch, got, table, n)
				}
			}
		}
		// Run again in full, it creates everything.
		res, err := pfdimport.Import(sys, imports.Over(st), pfdimport.Options{Dir: fictionalCorpus(t), Batch: 2})
		if err != nil {
			t.Fatal(err)
		}
		if res.PartnershipsCreated != 2 || res.OrganisationsCreated != 5 || res.Result.ReviewsCreated != 4 ||
			count("partnerships") != before["partnerships"]+2 || count("organisations") != before["organisations"]+5 {
			t.Fatalf("the full run after the stopped ones: %+v", res)
		}
	})
}
