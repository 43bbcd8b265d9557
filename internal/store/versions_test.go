package store_test

import (
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// An update or delete naming a version that is no longer current is refused and changes nothing.
func TestStaleVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		f := newFixture(t, s)
		rec, err := s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		act, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Audit referrals."})
		must(t, err)
		// Move every record to version 2, so that both an older and a newer version are stale.
		pd := f.p.Draft()
		pd.AreaCodes = []string{"LA:Northfold", "PFA:Northfold"}
		p, err := s.UpdatePartnership(ctx, f.p.ID, 1, pd)
		must(t, err)
		od := f.police.Draft()
		od.Aliases = append(od.Aliases, "Northfold Police Service")
		police, err := s.UpdateOrganisation(ctx, f.police.ID, 1, od)
		must(t, err)
		vd := f.review.Draft()
		vd.Summary = "A summary."
		review, err := s.UpdateReview(ctx, f.review.ID, 1, vd)
		must(t, err)
		rd := rec.Draft()
		rd.Title = "DASH training"
		rec, err = s.UpdateRecommendation(ctx, rec.ID, 1, rd)
		must(t, err)
		ad := act.Draft()
		ad.Owner = "Head of training"
		act, err = s.UpdateAction(ctx, act.ID, 1, ad)
		must(t, err)
		for _, v := range []int{p.Version, police.Version, review.Version, rec.Version, act.Version} {
			if v != 2 {
				t.Fatalf("an update left version %d; want 2", v)
			}
		}

		seq := journalTail(t, s)
		before := tableCounts(t, s)
		for _, stale := range []int{1, 3, 0} {
			writes := map[string]func() error{
				"update partnership": func() error {
					d := p.Draft()
					d.Name = "Changed"
					_, err := s.UpdatePartnership(ctx, p.ID, stale, d)
					return err
				},
				"delete partnership": func() error { return s.DeletePartnership(ctx, p.ID, stale) },
				"update organisation": func() error {
					d := police.Draft()
					d.Name = "Changed"
					_, err := s.UpdateOrganisation(ctx, police.ID, stale, d)
					return err
				},
				"delete organisation": func() error { return s.DeleteOrganisation(ctx, police.ID, stale) },
				"update review": func() error {
					d := review.Draft()
					d.Title = "Changed"
					_, err := s.UpdateReview(ctx, review.ID, stale, d)
					return err
				},
				"delete review": func() error { return s.DeleteReview(ctx, review.ID, stale) },
				"update recommendation": func() error {
					d := rec.Draft()
					d.Title = "Changed"
					_, err := s.UpdateRecommendation(ctx, rec.ID, stale, d)
					return err
				},
				"delete recommendation": func() error { return s.DeleteRecommendation(ctx, rec.ID, stale) },
				"update action": func() error {
					d := act.Draft()
					d.Description = "Changed"
					_, err := s.UpdateAction(ctx, act.ID, stale, d)
					return err
				},
				"delete action": func() error { return s.DeleteAction(ctx, act.ID, stale) },
			}
			for name, w := range writes {
				err := w()
				wantErr(t, err, casereview.CodePreconditionFailed)
				if !strings.Contains(err.Error(), "current version 2") {
					t.Fatalf("%s with version %d: the error does not name the current version: %v", name, stale, err)
				}
			}
		}
		if got := journalTail(t, s); got != seq {
			t.Fatalf("stale writes moved the journal from %d to %d", seq, got)
		}
		sameCounts(t, before, tableCounts(t, s))
		gp, err := s.GetPartnership(ctx, p.ID)
		must(t, err)
		gpo, err := s.GetOrganisation(ctx, police.ID)
		must(t, err)
		gr, err := s.GetReview(ctx, review.ID)
		must(t, err)
		grec, err := s.GetRecommendation(ctx, rec.ID)
		must(t, err)
		ga, err := s.GetAction(ctx, act.ID)
		must(t, err)
		if gp.Name != p.Name || gp.Version != 2 || gpo.Name != police.Name || gpo.Version != 2 || gr.Title != review.Title || gr.Version != 2 ||
			grec.Title != "DASH training" || grec.Version != 2 || ga.Description != act.Description || ga.Version != 2 {
			t.Fatalf("stale writes changed records: %+v %+v %+v %+v %+v", gp, gpo, gr, grec, ga)
		}
	})
}

// Unknown and malformed ids answer not found, never invalid or internal (PostgreSQL would refuse
// a malformed uuid with an error of its own); ids are matched whatever their case.
func TestUnknownAndMalformedIDs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		f := newFixture(t, s)
		rec, err := s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		act, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Audit referrals."})
		must(t, err)
		seq := journalTail(t, s)

		for _, id := range []string{
			"0190a0b0-0000-7000-8000-000000000000", // well-formed, unknown
			"not-a-uuid", "", "12345", "'; DROP TABLE reviews; --",
			strings.ToUpper(rec.ID)[:35] + "Z", // right length, wrong alphabet
		} {
			calls := map[string]func() error{
				"get partnership":    func() error { _, err := s.GetPartnership(ctx, id); return err },
				"update partnership": func() error { _, err := s.UpdatePartnership(ctx, id, 1, f.p.Draft()); return err },
				"delete partnership": func() error { return s.DeletePartnership(ctx, id, 1) },
				"get organisation":   func() error { _, err := s.GetOrganisation(ctx, id); return err },
				"update organisation": func() error {
					d := f.la.Draft()
					d.Name = "Another name"
					_, err := s.UpdateOrganisation(ctx, id, 1, d)
					return err
				},
				"delete organisation":   func() error { return s.DeleteOrganisation(ctx, id, 1) },
				"get review":            func() error { _, err := s.GetReview(ctx, id); return err },
				"update review":         func() error { _, err := s.UpdateReview(ctx, id, 1, f.review.Draft()); return err },
				"delete review":         func() error { return s.DeleteReview(ctx, id, 1) },
				"get recommendation":    func() error { _, err := s.GetRecommendation(ctx, id); return err },
				"update recommendation": func() error { _, err := s.UpdateRecommendation(ctx, id, 1, rec.Draft()); return err },
				"delete recommendation": func() error { return s.DeleteRecommendation(ctx, id, 1) },
				"get action":            func() error { _, err := s.GetAction(ctx, id); return err },
				"update action":         func() error { _, err := s.UpdateAction(ctx, id, 1, act.Draft()); return err },
				"delete action":         func() error { return s.DeleteAction(ctx, id, 1) },
			}
			for name, call := range calls {
				err := call()
				if !casereview.IsCode(err, casereview.CodeNotFound) {
					t.Fatalf("%s %q: got %v; want not_found", name, id, err)
				}
			}
		}
		// An action on a recommendation that does not exist, or whose id is malformed.
		for _, id := range []string{"0190a0b0-0000-7000-8000-000000000000", "nope"} {
			_, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: id, OrganisationID: f.police.ID, Description: "x"})
			wantErr(t, err, casereview.CodeNotFound)
		}
		if got := journalTail(t, s); got != seq {
			t.Fatalf("refused writes moved the journal from %d to %d", seq, got)
		}

		// Upper-case ids find the record, for reads and writes alike.
		got, err := s.GetRecommendation(ctx, strings.ToUpper(rec.ID))
		must(t, err)
		if got.ID != rec.ID {
			t.Fatalf("upper-case id found %s; want %s", got.ID, rec.ID)
		}
		d := rec.Draft()
		d.Title = "Found by upper-case id"
		up, err := s.UpdateRecommendation(ctx, strings.ToUpper(rec.ID), rec.Version, d)
		must(t, err)
		if up.ID != rec.ID || up.Version != 2 || up.Title != d.Title {
			t.Fatalf("update by upper-case id: %+v", up)
		}
		expectJournal(t, s, seq, je{"recommendation", rec.ID})
	})
}
