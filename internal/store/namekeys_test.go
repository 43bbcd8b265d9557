package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// Names differing only in the case of non-ASCII letters are one name on both databases
// (issue 13 item 10): SQLite's lower() folds ASCII only.
func TestNamesFoldUnicodeCaseOnBothDatabases(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		org, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Ärzteverband Öst", Sector: "other",
			Aliases: []string{"Gwasanaeth Iechyd Ŵy"}})
		must(t, err)
		_, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "ärzteverband öst", Sector: "other"})
		wantErr(t, err, casereview.CodeConflict, fe{"name", "duplicate"})
		other, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Another body", Sector: "other"})
		must(t, err)
		_, err = s.UpdateOrganisation(ctx, other.ID, other.Version, casereview.OrganisationDraft{Name: "ÄRZTEVERBAND  ÖST", Sector: "other"})
		wantErr(t, err, casereview.CodeConflict, fe{"name", "duplicate"})
		_, err = s.CreateOrganisations(ctx, []casereview.OrganisationDraft{{Name: "ärzteverband öst", Sector: "other"}})
		wantErr(t, err, casereview.CodeInvalid, fe{"organisations[0].name", "duplicate"})
		_, err = s.CreateOrganisations(ctx, []casereview.OrganisationDraft{{Name: "Cyngor Ŷ", Sector: "other"}, {Name: "cyngor ŷ", Sector: "other"}})
		wantErr(t, err, casereview.CodeInvalid, fe{"organisations[1].name", "duplicate"})

		for _, q := range []string{"ärzteverband öst", "ÄRZTEVERBAND", "verband ö", "gwasanaeth iechyd ŵy", "IECHYD ŴY"} {
			page, err := s.ListOrganisations(ctx, casereview.OrganisationFilter{Name: q}, casereview.PageRequest{Limit: 50})
			must(t, err)
			if page.Total != 1 || page.Items[0].ID != org.ID {
				t.Errorf("organisations named like %q: %+v; want only %s", q, page.Items, org.Name)
			}
		}

		p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Cyngor Sir Ŵy", Kind: "community_safety_partnership", AreaCodes: []string{}})
		must(t, err)
		_, err = s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "cyngor sir ŵy", Kind: "community_safety_partnership", AreaCodes: []string{}})
		wantErr(t, err, casereview.CodeConflict, fe{"name", "duplicate"})
		for _, q := range []string{"CYNGOR SIR ŴY", "sir ŵ"} {
			page, err := s.ListPartnerships(ctx, casereview.PartnershipFilter{Name: q}, casereview.PageRequest{Limit: 50})
			must(t, err)
			if page.Total != 1 || page.Items[0].ID != p.ID {
				t.Errorf("partnerships named like %q: %+v; want only %s", q, page.Items, p.Name)
			}
		}
	})
}

func TestEmailWithAccentedCapitalIsOneAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		u, err := s.CreateUser(ctx, casereview.UserDraft{Email: "Élodie.Ŵyn@Example.org", DisplayName: "Élodie"}, "")
		must(t, err)
		if u.Email != "élodie.ŵyn@example.org" {
			t.Fatalf("stored %q", u.Email)
		}
		_, err = s.CreateUser(ctx, casereview.UserDraft{Email: "E\u0301LODIE.W\u0302YN@EXAMPLE.ORG", DisplayName: "Twin"}, "")
		wantErr(t, err, casereview.CodeConflict, fe{"email", "duplicate"})
		for _, typed := range []string{"ÉLODIE.ŴYN@example.org", "e\u0301lodie.w\u0302yn@example.org"} {
			c, err := s.CredentialsByEmail(context.Background(), typed)
			if err != nil || c.User.ID != u.ID {
				t.Errorf("sign-in as %q: %v, %+v; want user %s", typed, err, c.User, u.ID)
			}
		}
	})
}

// Rows keyed by an older folding (or none) are keyed again in Go when the store migrates; two names that only differed in case are kept apart, not refused.
func TestMigrateFillsNameKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		db, err := s.SQLDB()
		must(t, err)
		older, newer := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
		// As SQLite's lower() let an older release store them: two organisations, keyed apart by
		// a folding older than the current one.
		for i, r := range []struct{ id, name string }{{older, "Ärzteverband Öst"}, {newer, "ärzteverband öst"}} {
			must(t, execSQL(s, `INSERT INTO organisations (id, name, name_key, sector, version, created_at, updated_at) VALUES (?, ?, ?, 'other', 1, ?, ?)`,
				r.id, r.name, "old:"+r.name, fixedNow.Add(time.Duration(i)*time.Hour), fixedNow.Add(time.Duration(i)*time.Hour)))
		}
		must(t, execSQL(s, `INSERT INTO organisation_aliases (organisation_id, alias, alias_key, position) VALUES (?, 'Straße Polizei', 'straße polizei', 0)`, older))
		u, err := s.CreateUser(ctx, casereview.UserDraft{Email: "decomposed@example.org", DisplayName: "Élodie"}, "")
		must(t, err)
		must(t, execSQL(s, `UPDATE users SET email = ? WHERE id = ?`, "e\u0301lodie@example.org", u.ID))
		must(t, execSQL(s, `DELETE FROM reference_state WHERE name = 'name_keys'`))
		if _, err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		var key string
		must(t, db.QueryRow(rebind(s, `SELECT name_key FROM organisations WHERE id = ?`), older).Scan(&key))
		if key != "ärzteverband öst" {
			t.Errorf("older organisation keyed %q", key)
		}
		must(t, db.QueryRow(rebind(s, `SELECT name_key FROM organisations WHERE id = ?`), newer).Scan(&key))
		if key != "ärzteverband öst #"+newer {
			t.Errorf("newer organisation keyed %q; want it kept apart by its id", key)
		}
		must(t, db.QueryRow(rebind(s, `SELECT alias_key FROM organisation_aliases WHERE organisation_id = ?`), older).Scan(&key))
		if key != "strasse polizei" {
			t.Errorf("alias keyed %q after the refold", key)
		}
		_, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "ÄRZTEVERBAND ÖST", Sector: "other"})
		wantErr(t, err, casereview.CodeConflict, fe{"name", "duplicate"})
		page, err := s.ListOrganisations(ctx, casereview.OrganisationFilter{Name: "STRASSE"}, casereview.PageRequest{Limit: 50})
		must(t, err)
		if page.Total != 1 || page.Items[0].ID != older {
			t.Errorf("alias search after the refold: %+v", page.Items)
		}
		if c, err := s.CredentialsByEmail(context.Background(), "Élodie@example.org"); err != nil || c.User.ID != u.ID {
			t.Errorf("a decomposed address stored before: sign-in finds %+v, %v", c.User, err)
		}
		var n int
		must(t, db.QueryRow(`SELECT count(*) FROM organisations WHERE name_key IS NULL`).Scan(&n))
		if n != 0 {
			t.Errorf("%d organisations left without a key", n)
		}
	})
}

// Upgrading a database whose names a release before migration 00012 stored: the migration
// leaves the keys empty and Migrate fills them in Go, on both databases alike.
func TestUpgradeKeysExistingNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		dbURL, dir := dbtest.URL(t, dialect)
		ctx := context.Background()
		s, err := store.Open(ctx, store.Options{DatabaseURL: dbURL, SQLitePath: filepath.Join(dir, "casereview.db"), Now: func() time.Time { return fixedNow }})
		must(t, err)
		t.Cleanup(func() { s.Close() })
		must(t, s.MigrateTo(ctx, 9))
		org, part := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
		must(t, execSQL(s, `INSERT INTO organisations (id, name, sector, version, created_at, updated_at) VALUES (?, 'Cyngor Sir Ŵy', 'other', 1, ?, ?)`, org, fixedNow, fixedNow))
		must(t, execSQL(s, `INSERT INTO partnerships (id, name, kind, area_codes, version, created_at, updated_at) VALUES (?, 'Partneriaeth Ŷ', 'other', '[]', 1, ?, ?)`, part, fixedNow, fixedNow))
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		db, err := s.SQLDB()
		must(t, err)
		var okey, pkey string
		must(t, db.QueryRow(rebind(s, `SELECT name_key FROM organisations WHERE id = ?`), org).Scan(&okey))
		must(t, db.QueryRow(rebind(s, `SELECT name_key FROM partnerships WHERE id = ?`), part).Scan(&pkey))
		if okey != "cyngor sir ŵy" || pkey != "partneriaeth ŷ" {
			t.Fatalf("keys after the upgrade: %q, %q", okey, pkey)
		}
		_, err = s.CreateOrganisation(sysCtx(), casereview.OrganisationDraft{Name: "CYNGOR SIR ŴY", Sector: "other"})
		wantErr(t, err, casereview.CodeConflict, fe{"name", "duplicate"})
	})
}
