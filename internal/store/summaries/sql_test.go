package summaries

import (
	"context"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/migrations"
)

// TestPlainSettings checks that a summary's read on PostgreSQL runs with the settings plain
// documents (each measured; see there), for its own transaction only.
func TestPlainSettings(t *testing.T) {
	st := dbtest.Open(t, migrations.Postgres, dbtest.Options{})
	sc := &summaryScope{s: New(st), ctx: casereview.WithActor(context.Background(), casereview.System)}
	want := map[string]string{"jit": "off", "random_page_cost": "1.1", "work_mem": "32MB", "max_parallel_workers_per_gather": "0"}
	show := func(c *summaryScope) map[string]string {
		got := map[string]string{}
		for name := range want {
			var v string
			if err := c.db.Raw("SELECT current_setting(?)", name).Scan(&v).Error; err != nil {
				t.Fatal(err)
			}
			got[name] = v
		}
		return got
	}
	outside := func() map[string]string {
		var got map[string]string
		if err := st.Read(sc.ctx, func(q store.Query) error {
			c := *sc
			c.q, c.db = q, q.DB()
			got = show(&c)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	before := outside()
	if err := sc.plain(func(c *summaryScope) error {
		for name, v := range show(c) {
			if v != want[name] {
				t.Errorf("inside a summary's read %s = %q, want %q", name, v, want[name])
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Each shard's read: the same settings.
	if _, err := sharded(sc, func(c *summaryScope, _ *[]struct{}) error {
		for name, v := range show(c) {
			if v != want[name] {
				t.Errorf("inside a shard's read %s = %q, want %q", name, v, want[name])
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Afterwards, the server's own settings again: set_config's is_local kept them to the read.
	for name, v := range outside() {
		if v != before[name] {
			t.Errorf("after a summary's read %s = %q, before it %q: the setting leaked to the pool", name, v, before[name])
		}
	}
}
