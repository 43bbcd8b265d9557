package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/casereview/casereview/internal/dbtest"
)

// Migration 00029 gives each recommendation that an older bulk import left with record key 0
// a key of its own, and leaves the others' keys as they were.
func TestMigrationDrawsZeroRecordKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		var ids []string
		for i := range 60 {
			r, err := s.CreateRecommendation(ctx, f.recDraft(fmt.Sprint(i+1)))
			must(t, err)
			ids = append(ids, r.ID)
		}
		// As the import wrote them: the first 50 with key 0; the last 10 keep theirs (made 7 here,
		// so they are known).
		must(t, execSQL(s, `UPDATE recommendations SET record_key = 0`))
		for _, id := range ids[50:] {
			must(t, execSQL(s, `UPDATE recommendations SET record_key = 7 WHERE id = ?`, id))
		}
		must(t, s.MigrateDownTo(context.Background(), 28))
		if _, err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		db, err := s.SQLDB()
		must(t, err)
		distinct := map[int]bool{}
		for i, id := range ids {
			var k int
			must(t, db.QueryRow(rebind(s, `SELECT record_key FROM recommendations WHERE id = ?`), id).Scan(&k))
			if k < 0 || k > 255 {
				t.Fatalf("record key %d out of range", k)
			}
			if i >= 50 && k != 7 {
				t.Errorf("recommendation %d: key 7 became %d; the migration draws only keys that are 0", i+1, k)
			}
			if i < 50 {
				distinct[k] = true
			}
		}
		// 50 keys drawn from 256 values: fewer than 15 distinct happens far less than once in 1e15.
		if len(distinct) < 15 {
			t.Errorf("the 50 recommendations with key 0 now hold %d distinct keys; want keys drawn at random", len(distinct))
		}
	})
}
