package store_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/taxonomy"
)

// copyTaxonomy deep-copies tx: taxonomy.Default is shared and must not be edited in place.
func copyTaxonomy(tx *taxonomy.Taxonomy) *taxonomy.Taxonomy {
	c := *tx
	c.ReviewTypes = slices.Clone(tx.ReviewTypes)
	c.InterventionTypes = slices.Clone(tx.InterventionTypes)
	c.Groups = slices.Clone(tx.Groups)
	c.Themes = slices.Clone(tx.Themes)
	for i := range c.Themes {
		c.Themes[i].Keywords = slices.Clone(tx.Themes[i].Keywords)
	}
	c.Crosswalks = slices.Clone(tx.Crosswalks)
	for i := range c.Crosswalks {
		c.Crosswalks[i].Themes = slices.Clone(tx.Crosswalks[i].Themes)
	}
	return &c
}

func TestSeedTaxonomy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		def, err := taxonomy.Default()
		must(t, err)
		f := newFixture(t, s)

		// The seed that dbtest.Open ran journalled every theme once, in taxonomy order.
		rows, err := s.JournalAfter(ctx, 0, len(def.Themes))
		must(t, err)
		for i, th := range def.Themes {
			if rows[i].EntityType != "theme" || rows[i].EntityID != th.Code {
				t.Fatalf("seed journal row %d is %s:%s; want theme:%s", i, rows[i].EntityType, rows[i].EntityID, th.Code)
			}
		}

		// Tag a recommendation with the theme the new version will drop and one it relabels.
		rd := f.recDraft("1")
		rd.Themes = []casereview.ThemeDraft{{Code: "weapons", Primary: true}, {Code: "A09", Source: "suggested"}}
		rec, err := s.CreateRecommendation(ctx, rd)
		must(t, err)

		themesBefore, version, err := s.ListThemes(ctx, "")
		must(t, err)
		if version != def.Version || len(themesBefore) != len(def.Themes) {
			t.Fatalf("seeded version %d with %d themes; want %d with %d", version, len(themesBefore), def.Version, len(def.Themes))
		}
		typesBefore, err := s.ListReviewTypes(ctx)
		must(t, err)

		// Seeding the same version again, or an older one, changes nothing and journals nothing.
		seq := journalTail(t, s)
		before := tableCounts(t, s)
		older := copyTaxonomy(def)
		older.Version = def.Version - 1
		older.Themes[0].Label = "Should not be applied"
		for _, tx := range []*taxonomy.Taxonomy{def, def, older} {
			changed, err := s.SeedTaxonomy(ctx, tx)
			must(t, err)
			if changed {
				t.Fatalf("seeding version %d over version %d reported a change", tx.Version, def.Version)
			}
		}
		expectJournal(t, s, seq)
		sameCounts(t, before, tableCounts(t, s))
		themesAgain, _, err := s.ListThemes(ctx, "")
		must(t, err)
		if !reflect.DeepEqual(themesAgain, themesBefore) {
			t.Fatal("re-seeding the same version changed the themes")
		}

		// A new version: relabel stalking, change its keywords, drop weapons (B13).
		next := copyTaxonomy(def)
		next.Version = def.Version + 1
		var dropped taxonomy.Theme
		for i, th := range next.Themes {
			switch th.Code {
			case "A09":
				next.Themes[i].Label = "Stalking and fixation"
				next.Themes[i].Keywords = []string{"stalking", "fixated", "obsessive"}
			case "B13":
				dropped = th
			}
		}
		next.Themes = slices.DeleteFunc(next.Themes, func(th taxonomy.Theme) bool { return th.Code == "B13" })
		for i := range next.Crosswalks {
			next.Crosswalks[i].Themes = slices.DeleteFunc(next.Crosswalks[i].Themes, func(c string) bool { return c == "B13" })
		}
		must(t, next.Validate())

		changed, err := s.SeedTaxonomy(ctx, next)
		must(t, err)
		if !changed {
			t.Fatal("seeding a newer version reported no change")
		}
		// The journal names every theme of the new version, then the dropped one, so the index
		// can relabel and deactivate them.
		var want []je
		for _, th := range next.Themes {
			want = append(want, je{"theme", th.Code})
		}
		want = append(want, je{"theme", "B13"})
		seq = expectJournal(t, s, seq, want...)

		themes, version, err := s.ListThemes(ctx, "")
		must(t, err)
		if version != next.Version || len(themes) != len(def.Themes) {
			t.Fatalf("after the new seed: version %d with %d themes; want %d with %d", version, len(themes), next.Version, len(def.Themes))
		}
		last := themes[len(themes)-1]
		if last.Code != "B13" || last.Active || last.Label != dropped.Label || last.TaxonomyVersion != def.Version {
			t.Fatalf("the dropped theme should be listed last, inactive and otherwise untouched: %+v", last)
		}
		for _, th := range themes[:len(themes)-1] {
			if !th.Active || th.TaxonomyVersion != next.Version {
				t.Fatalf("theme %s: active %v, version %d; want active at %d", th.Code, th.Active, th.TaxonomyVersion, next.Version)
			}
		}
		st, err := s.GetTheme(ctx, "stalking")
		must(t, err)
		if st.Code != "A09" || st.Label != "Stalking and fixation" || !slices.Equal(st.Keywords, []string{"stalking", "fixated", "obsessive"}) {
			t.Fatalf("stalking after the new seed: %+v", st)
		}
		w, err := s.GetTheme(ctx, "weapons")
		must(t, err)
		if w.Active || len(w.Crosswalks) != 0 {
			t.Fatalf("weapons after the new seed: %+v", w)
		}
		// The other themes are exactly as before, apart from the version they were seen in.
		for i, th := range themes[:len(themes)-1] {
			old := themesBefore[slices.IndexFunc(themesBefore, func(x casereview.Theme) bool { return x.Code == th.Code })]
			if th.Code == "A09" {
				continue
			}
			old.TaxonomyVersion = next.Version
			if !reflect.DeepEqual(th, old) {
				t.Fatalf("theme %d changed unexpectedly:\n got  %+v\n want %+v", i, th, old)
			}
		}
		types, err := s.ListReviewTypes(ctx)
		must(t, err)
		if !reflect.DeepEqual(types, typesBefore) {
			t.Fatal("review types changed")
		}

		// The assignments are untouched, the dropped theme's included.
		got, err := s.GetRecommendation(ctx, rec.ID)
		must(t, err)
		if len(got.Themes) != 2 || got.Themes[0].Code != "B13" || !got.Themes[0].Primary || got.Themes[0].Source != "manual" ||
			got.Themes[1].Code != "A09" || got.Themes[1].Label != "Stalking and fixation" || got.Themes[1].Source != "suggested" || got.Version != 1 {
			t.Fatalf("assignments after the new seed: %+v", got.Themes)
		}
		if n := countRows(t, s, "theme_assignments", "theme_code = ?", "B13"); n != 1 {
			t.Fatalf("%d assignments to B13; want 1", n)
		}
		// A recommendation tagged with a dropped theme can still be edited without losing it.
		d := got.Draft()
		d.Title = "Weapons awareness"
		upd, err := s.UpdateRecommendation(ctx, rec.ID, got.Version, d)
		must(t, err)
		if len(upd.Themes) != 2 || upd.Themes[0].Code != "B13" || !upd.Themes[0].Primary {
			t.Fatalf("themes after an edit: %+v", upd.Themes)
		}
		seq = expectJournal(t, s, seq, je{"recommendation", rec.ID})

		// Seeding the new version again is a no-op too, and the shared default was not edited.
		changed, err = s.SeedTaxonomy(ctx, next)
		must(t, err)
		if changed {
			t.Fatal("seeding the same new version twice reported a change")
		}
		expectJournal(t, s, seq)
		if a09, _ := def.ThemeByCode("A09"); a09.Label == "Stalking and fixation" || len(def.Themes) != len(themesBefore) {
			t.Fatal("the test edited the shared default taxonomy")
		}
	})
}
