package store_test

import (
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// recommendations.theme_set (the summaries count themes from it, kept by triggers) follows every
// change to the theme assignments, through the store and behind its back: the codes of the
// confirmed themes in byte order, comma-separated, or "" for none. A suggestion counts only once
// confirmed.
func TestThemeSetFollowsEveryChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		r, err := s.CreateRecommendation(ctx, f.recDraft("1")) // risk-assessment (C01) and A02
		must(t, err)
		check := func(step, want string) {
			t.Helper()
			db, err := s.SQLDB()
			must(t, err)
			var got string
			must(t, db.QueryRow(rebind(s, "SELECT theme_set FROM recommendations WHERE id = ?"), r.ID).Scan(&got))
			if got != want {
				t.Errorf("%s: theme_set = %q, want %q", step, got, want)
			}
		}
		check("created with two themes", "A02,C01")
		d := f.recDraft("1")
		d.Themes = []casereview.ThemeDraft{{Code: "A02"}}
		r, err = s.UpdateRecommendation(ctx, r.ID, r.Version, d)
		must(t, err)
		check("one theme taken off", "A02")
		now := time.Now().UTC()
		must(t, execSQL(s, "INSERT INTO theme_assignments (recommendation_id, theme_code, is_primary, source, position, assigned_at) VALUES (?, 'B01', ?, 'suggested', 2, ?)",
			r.ID, false, now))
		check("a suggestion, not yet confirmed", "A02")
		must(t, execSQL(s, "UPDATE theme_assignments SET confirmed_at = ?, confirmed_by_name = 'Officer' WHERE recommendation_id = ? AND theme_code = 'B01'", now, r.ID))
		check("the suggestion confirmed", "A02,B01")
		must(t, execSQL(s, "UPDATE theme_assignments SET theme_code = 'C02' WHERE recommendation_id = ? AND theme_code = 'B01'", r.ID))
		check("a theme recoded", "A02,C02")
		must(t, execSQL(s, "DELETE FROM theme_assignments WHERE recommendation_id = ?", r.ID))
		check("every theme removed", "")
		err = execSQL(s, "INSERT INTO themes (code, slug, group_code, label, definition, keywords, active, taxonomy_version, sort_order) VALUES ('A9,9', 'comma', 'A', 'L', 'D', '[]', ?, 1, 99)", true)
		if err == nil {
			t.Error("a theme code with a comma was accepted: theme_set could not be split back")
		}
	})
}
