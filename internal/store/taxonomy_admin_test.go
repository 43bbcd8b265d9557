package store_test

import (
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/taxonomy"
)

// A newer embedded taxonomy file updates the themes the file owns, but not those an admin added
// or changed, and the taxonomy version only ever rises.
func TestSeedLeavesAdminThemesAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		def, err := taxonomy.Default()
		must(t, err)
		_, err = s.CreateTheme(ctx, casereview.NewTheme{Code: "B40", Group: "B", Label: "Rural isolation", Definition: "Living far from services.",
			Keywords: []string{"remote farm"}})
		must(t, err)
		a01, err := s.GetTheme(ctx, "A01")
		must(t, err)
		label := "Intimate partner abuse (admin's wording)"
		_, err = s.UpdateTheme(ctx, "A01", a01.TaxonomyVersion, casereview.ThemeChange{Label: &label})
		must(t, err)
		_, err = s.UpdateTheme(ctx, "A01", a01.TaxonomyVersion, casereview.ThemeChange{Label: &label})
		wantErr(t, err, casereview.CodePreconditionFailed)
		_, before, err := s.ListThemes(ctx, "")
		must(t, err)

		next := copyTaxonomy(def)
		next.Version = def.Version + 1
		for i := range next.Themes {
			if next.Themes[i].Code == "A01" || next.Themes[i].Code == "A02" {
				next.Themes[i].Label += " (file v2)"
			}
		}
		changed, err := s.SeedTaxonomy(ctx, next)
		must(t, err)
		if !changed {
			t.Fatal("a newer file was not seeded")
		}
		themes, after, err := s.ListThemes(ctx, "")
		must(t, err)
		if after != before+1 {
			t.Errorf("taxonomy version %d -> %d; want it raised by one", before, after)
		}
		byCode := map[string]casereview.Theme{}
		for _, th := range themes {
			byCode[th.Code] = th
		}
		if th := byCode["A01"]; th.Label != label || th.Origin != "admin" {
			t.Errorf("the file overwrote an admin's change: %+v", th)
		}
		if th := byCode["A02"]; th.Label == "" || th.Origin != "file" || th.TaxonomyVersion != after || th.Label[len(th.Label)-9:] != "(file v2)" {
			t.Errorf("the file's own theme was not updated: %+v", th)
		}
		if th := byCode["B40"]; !th.Active || th.Label != "Rural isolation" {
			t.Errorf("the file dropped or changed an admin's theme: %+v", th)
		}
		if changed, err := s.SeedTaxonomy(ctx, next); err != nil || changed {
			t.Errorf("seeding the same file again: changed %v, %v", changed, err)
		}
	})
}

func TestOnlyAdminsManageTheTaxonomy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		panel := casereview.WithActor(sysCtx(), casereview.Actor{UserID: "u1", Name: "Pat", Memberships: []casereview.Membership{{Role: casereview.RolePanel, PartnershipID: f.p.ID}}})
		_, err := s.CreateTheme(panel, casereview.NewTheme{Code: "B40", Group: "B", Label: "Rural isolation", Definition: "d"})
		wantErr(t, err, casereview.CodeForbidden)
		_, err = s.DeprecateTheme(panel, "A01", 1, "")
		wantErr(t, err, casereview.CodeForbidden)
	})
}
