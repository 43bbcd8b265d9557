package store_test

import (
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Every write path appends exactly the journal rows the indexer needs, numbered with no gaps.
func TestJournalWritePaths(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		seq := journalTail(t, s) // the seeded taxonomy's themes
		if seq == 0 {
			t.Fatal("seeding the taxonomy journalled nothing")
		}

		p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Eastmere CSP", Kind: "community_safety_partnership"})
		must(t, err)
		seq = expectJournal(t, s, seq, je{"partnership", p.ID})
		p, err = s.UpdatePartnership(ctx, p.ID, p.Version, casereview.PartnershipDraft{Name: "Eastmere Community Safety Partnership", Kind: "community_safety_partnership"})
		must(t, err)
		seq = expectJournal(t, s, seq, je{"partnership", p.ID})

		police, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Eastmere Police", Sector: "police", Aliases: []string{"EMP"}})
		must(t, err)
		seq = expectJournal(t, s, seq, je{"organisation", police.ID})
		police, err = s.UpdateOrganisation(ctx, police.ID, police.Version, casereview.OrganisationDraft{Name: "Eastmere Police", Sector: "police", Aliases: []string{"EMP", "Eastmere Constabulary"}})
		must(t, err)
		seq = expectJournal(t, s, seq, je{"organisation", police.ID})
		la, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Eastmere Council", Sector: "la_adult_services"})
		must(t, err)
		seq = expectJournal(t, s, seq, je{"organisation", la.ID})

		rv, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "SAR", PartnershipID: p.ID, Reference: "EM-SAR-1", Title: "Mr B", Status: "in_progress", Visibility: "restricted"})
		must(t, err)
		seq = expectJournal(t, s, seq, je{"review", rv.ID})
		d := rv.Draft()
		d.Title = "Mr B (revised)"
		rv, err = s.UpdateReview(ctx, rv.ID, rv.Version, d)
		must(t, err)
		seq = expectJournal(t, s, seq, je{"review", rv.ID})

		rec, err := s.CreateRecommendation(ctx, casereview.RecommendationDraft{ReviewID: rv.ID, Number: "1", Text: "Share risk information.", Scope: "local",
			Addressees: []casereview.AddresseeDraft{{OrganisationID: police.ID, Role: "lead"}},
			Themes:     []casereview.ThemeDraft{{Code: "information-sharing"}}})
		must(t, err)
		seq = expectJournal(t, s, seq, je{"recommendation", rec.ID})

		// An update that changes only the addressees and the themes is still one journal row.
		rd := rec.Draft()
		rd.Addressees = append(rd.Addressees, casereview.AddresseeDraft{OrganisationID: la.ID, Role: "supporting"})
		rd.Themes = []casereview.ThemeDraft{{Code: "C03", Primary: false}, {Code: "stalking", Primary: true}}
		rec, err = s.UpdateRecommendation(ctx, rec.ID, rec.Version, rd)
		must(t, err)
		seq = expectJournal(t, s, seq, je{"recommendation", rec.ID})
		if len(rec.Addressees) != 2 || rec.Addressees[1].OrganisationID != la.ID || len(rec.Themes) != 2 || rec.Themes[1].Code != "A09" || !rec.Themes[1].Primary {
			t.Fatalf("update did not change addressees and themes: %+v %+v", rec.Addressees, rec.Themes)
		}
		rd = rec.Draft()
		rd.Addressees = rd.Addressees[:1] // drop the council again
		rec, err = s.UpdateRecommendation(ctx, rec.ID, rec.Version, rd)
		must(t, err)
		seq = expectJournal(t, s, seq, je{"recommendation", rec.ID})
		if len(rec.Addressees) != 1 || rec.Version != 3 {
			t.Fatalf("after removing an addressee: %+v version %d", rec.Addressees, rec.Version)
		}

		// An action changes its recommendation's rolled-up state, so both are journalled.
		act, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: police.ID, Description: "Write the protocol."})
		must(t, err)
		seq = expectJournal(t, s, seq, je{"action", act.ID}, je{"recommendation", rec.ID})
		ad := act.Draft()
		ad.TargetDate = date("2026-09-30")
		act, err = s.UpdateAction(ctx, act.ID, act.Version, ad)
		must(t, err)
		seq = expectJournal(t, s, seq, je{"action", act.ID}, je{"recommendation", rec.ID})
		must(t, s.DeleteAction(ctx, act.ID, act.Version))
		seq = expectJournal(t, s, seq, je{"action", act.ID}, je{"recommendation", rec.ID})

		must(t, s.DeleteRecommendation(ctx, rec.ID, rec.Version))
		seq = expectJournal(t, s, seq, je{"recommendation", rec.ID})
		if n := countRows(t, s, "addressees", "recommendation_id = ?", rec.ID) + countRows(t, s, "theme_assignments", "recommendation_id = ?", rec.ID); n != 0 {
			t.Fatalf("deleting the recommendation left %d addressee/theme rows", n)
		}
		must(t, s.DeleteReview(ctx, rv.ID, rv.Version))
		seq = expectJournal(t, s, seq, je{"review", rv.ID})
		must(t, s.DeleteOrganisation(ctx, la.ID, la.Version))
		seq = expectJournal(t, s, seq, je{"organisation", la.ID})
		must(t, s.DeleteOrganisation(ctx, police.ID, police.Version))
		seq = expectJournal(t, s, seq, je{"organisation", police.ID})
		if n := countRows(t, s, "organisation_aliases", "organisation_id = ?", police.ID); n != 0 {
			t.Fatalf("deleting the organisation left %d aliases", n)
		}
		must(t, s.DeletePartnership(ctx, p.ID, p.Version))
		seq = expectJournal(t, s, seq, je{"partnership", p.ID})

		for _, err := range []error{
			func() error { _, err := s.GetPartnership(ctx, p.ID); return err }(),
			func() error { _, err := s.GetOrganisation(ctx, police.ID); return err }(),
			func() error { _, err := s.GetReview(ctx, rv.ID); return err }(),
			func() error { _, err := s.GetRecommendation(ctx, rec.ID); return err }(),
			func() error { _, err := s.GetAction(ctx, act.ID); return err }(),
		} {
			wantErr(t, err, casereview.CodeNotFound)
		}
		if got := journalTail(t, s); got != seq {
			t.Fatalf("journal tail %d; want %d", got, seq)
		}
	})
}

// A write that fails, whether the domain or the database refuses it, appends no journal rows and
// leaves nothing half-written.
func TestJournalFailedWritesAppendNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		f := newFixture(t, s)
		rec, err := s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		// A second addressee with no actions, and an action owned by the police.
		rd := rec.Draft()
		rd.Addressees = append(rd.Addressees, casereview.AddresseeDraft{OrganisationID: f.la.ID, Role: "supporting"})
		rec, err = s.UpdateRecommendation(ctx, rec.ID, rec.Version, rd)
		must(t, err)
		act, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Refresh DASH training."})
		must(t, err)
		other, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: f.p.ID, Reference: "NF-DHR-02", Title: "Adult R", Status: "in_progress", Visibility: "restricted"})
		must(t, err)
		health, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Health", Sector: "nhs_trust"})
		must(t, err)

		seq := journalTail(t, s)
		before := tableCounts(t, s)
		missing := "0190a0b0-0000-7000-8000-000000000000"

		cases := []struct {
			name   string
			code   casereview.Code
			fields []fe
			write  func() error
		}{
			{"recommendation with a duplicate number", casereview.CodeConflict, []fe{{"number", "duplicate"}}, func() error {
				_, err := s.CreateRecommendation(ctx, f.recDraft("1"))
				return err
			}},
			{"recommendation on a missing review", casereview.CodeInvalid, []fe{{"review_id", "not_found"}}, func() error {
				d := f.recDraft("2")
				d.ReviewID = missing
				_, err := s.CreateRecommendation(ctx, d)
				return err
			}},
			{"recommendation with an unknown theme after good addressees", casereview.CodeInvalid, []fe{{"themes[1].code", "unknown_value"}}, func() error {
				d := f.recDraft("2")
				d.Addressees = append(d.Addressees, casereview.AddresseeDraft{OrganisationID: f.la.ID, Role: "supporting"})
				d.Themes = []casereview.ThemeDraft{{Code: "A09"}, {Code: "no-such-theme"}}
				_, err := s.CreateRecommendation(ctx, d)
				return err
			}},
			{"recommendation failing validation", casereview.CodeInvalid, []fe{{"text", "required"}, {"scope", "unknown_value"}}, func() error {
				d := f.recDraft("2")
				d.Text, d.Scope = " ", "planet"
				_, err := s.CreateRecommendation(ctx, d)
				return err
			}},
			{"stale recommendation update", casereview.CodePreconditionFailed, nil, func() error {
				d := rec.Draft()
				d.Title = "changed"
				_, err := s.UpdateRecommendation(ctx, rec.ID, rec.Version-1, d)
				return err
			}},
			// The recommendation row is saved before the addressees are rewritten; removing both
			// addressees must fail on the one that owns an action and roll the row back too.
			{"update removing an addressee that owns actions", casereview.CodeConflict, []fe{{"addressees", "owns_actions"}}, func() error {
				d := rec.Draft()
				d.Title = "changed"
				d.Addressees = nil
				_, err := s.UpdateRecommendation(ctx, rec.ID, rec.Version, d)
				return err
			}},
			{"review renamed to a reference already in use", casereview.CodeConflict, []fe{{"reference", "duplicate"}}, func() error {
				d := other.Draft()
				d.Reference = f.review.Reference
				_, err := s.UpdateReview(ctx, other.ID, other.Version, d)
				return err
			}},
			{"review of a missing partnership", casereview.CodeInvalid, []fe{{"partnership_id", "not_found"}}, func() error {
				d := other.Draft()
				d.PartnershipID, d.Reference = missing, "X-1"
				_, err := s.CreateReview(ctx, d)
				return err
			}},
			{"action owned by a non-addressee", casereview.CodeInvalid, []fe{{"organisation_id", "not_addressee"}}, func() error {
				d := act.Draft()
				d.OrganisationID = health.ID
				_, err := s.CreateAction(ctx, d)
				return err
			}},
			{"action moved to a non-addressee", casereview.CodeInvalid, []fe{{"organisation_id", "not_addressee"}}, func() error {
				d := act.Draft()
				d.OrganisationID = health.ID
				_, err := s.UpdateAction(ctx, act.ID, act.Version, d)
				return err
			}},
			{"stale action delete", casereview.CodePreconditionFailed, nil, func() error {
				return s.DeleteAction(ctx, act.ID, act.Version+1)
			}},
			{"deleting a review with recommendations", casereview.CodeConflict, nil, func() error {
				return s.DeleteReview(ctx, f.review.ID, f.review.Version)
			}},
			{"deleting a partnership with reviews", casereview.CodeConflict, nil, func() error {
				return s.DeletePartnership(ctx, f.p.ID, f.p.Version)
			}},
			{"deleting an addressed organisation", casereview.CodeConflict, nil, func() error {
				return s.DeleteOrganisation(ctx, f.police.ID, f.police.Version)
			}},
			{"duplicate organisation name", casereview.CodeConflict, []fe{{"name", "duplicate"}}, func() error {
				_, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "NORTHFOLD POLICE", Sector: "police", Aliases: []string{"dup"}})
				return err
			}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				wantErr(t, c.write(), c.code, c.fields...)
				if got := journalTail(t, s); got != seq {
					t.Fatalf("a failed write moved the journal from %d to %d", seq, got)
				}
				sameCounts(t, before, tableCounts(t, s))
			})
		}
		got, err := s.GetRecommendation(ctx, rec.ID)
		must(t, err)
		if got.Version != rec.Version || got.Title != rec.Title || len(got.Addressees) != 2 {
			t.Fatalf("failed updates changed the recommendation: %+v", got)
		}
	})
}

// A failure inside the database after rows have been written (here a trigger refusing the second
// theme assignment) rolls back the recommendation, its addressees and its journal row.
func TestJournalDatabaseFailureRollsBackEverything(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		f := newFixture(t, s)
		if dialect == "postgres" {
			must(t, execSQL(s, `CREATE FUNCTION refuse_a16() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN RAISE EXCEPTION 'refused by test trigger'; END $$`))
			must(t, execSQL(s, `CREATE TRIGGER refuse_a16 BEFORE INSERT ON theme_assignments
				FOR EACH ROW WHEN (NEW.theme_code = 'A16') EXECUTE FUNCTION refuse_a16()`))
		} else {
			must(t, execSQL(s, `CREATE TRIGGER refuse_a16 BEFORE INSERT ON theme_assignments
				WHEN NEW.theme_code = 'A16' BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END`))
		}
		seq := journalTail(t, s)
		before := tableCounts(t, s)
		d := f.recDraft("7")
		d.Addressees = append(d.Addressees, casereview.AddresseeDraft{OrganisationID: f.la.ID, Role: "supporting"})
		d.Themes = []casereview.ThemeDraft{{Code: "A09"}, {Code: "prostitution"}} // A16
		_, err := s.CreateRecommendation(ctx, d)
		wantErr(t, err, casereview.CodeInternal)
		if got := journalTail(t, s); got != seq {
			t.Fatalf("journal moved from %d to %d", seq, got)
		}
		sameCounts(t, before, tableCounts(t, s))
		if n := countRows(t, s, "recommendations", "number = ?", "7"); n != 0 {
			t.Fatalf("%d recommendation rows survived the rollback", n)
		}

		// The same draft without the refused theme succeeds, and the journal continues at seq+1.
		d.Themes = []casereview.ThemeDraft{{Code: "A09"}}
		rec, err := s.CreateRecommendation(ctx, d)
		must(t, err)
		expectJournal(t, s, seq, je{"recommendation", rec.ID})
	})
}
