package store_test

import (
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

const missingID = "0190a0b0-0000-7000-8000-0000000000ff"

// Every refused write names the offending fields by their JSON path with a code clients can
// branch on, and writes nothing.
func TestValidationAndReferenceErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		f := newFixture(t, s)
		rec, err := s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		act, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Refresh DASH training."})
		must(t, err)
		// child's parent is the police; the council is addressed by nothing.
		child, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police Public Protection Unit", Sector: "police", ParentID: &f.police.ID})
		must(t, err)
		grandchild, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold MASH", Sector: "other", ParentID: &child.ID})
		must(t, err)
		p2, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Southfold SAB", Kind: "safeguarding_adults_board"})
		must(t, err)

		newRec := func(mod func(d *casereview.RecommendationDraft)) func() error {
			return func() error {
				d := f.recDraft("99")
				mod(&d)
				_, err := s.CreateRecommendation(ctx, d)
				return err
			}
		}
		updRec := func(mod func(d *casereview.RecommendationDraft)) func() error {
			return func() error {
				d := rec.Draft()
				mod(&d)
				_, err := s.UpdateRecommendation(ctx, rec.ID, rec.Version, d)
				return err
			}
		}
		newReview := func(mod func(d *casereview.ReviewDraft)) func() error {
			return func() error {
				d := casereview.ReviewDraft{Type: "CSPR", PartnershipID: f.p.ID, Reference: "NF-CSPR-9", Title: "Child T", Status: "commissioned", Visibility: "restricted"}
				mod(&d)
				_, err := s.CreateReview(ctx, d)
				return err
			}
		}
		newOrg := func(d casereview.OrganisationDraft) func() error {
			return func() error { _, err := s.CreateOrganisation(ctx, d); return err }
		}
		updOrg := func(o casereview.Organisation, mod func(d *casereview.OrganisationDraft)) func() error {
			return func() error {
				d := o.Draft()
				mod(&d)
				_, err := s.UpdateOrganisation(ctx, o.ID, o.Version, d)
				return err
			}
		}

		cases := []struct {
			name   string
			write  func() error
			code   casereview.Code
			fields []fe
		}{
			// Partnerships.
			{"partnership without fields", func() error { _, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{}); return err },
				casereview.CodeInvalid, []fe{{"name", "required"}, {"kind", "required"}}},
			{"partnership of an unknown kind", func() error {
				_, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "X", Kind: "parish_council"})
				return err
			}, casereview.CodeInvalid, []fe{{"kind", "unknown_value"}}},
			{"partnership name taken, other case", func() error {
				_, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "NORTHFOLD csp", Kind: "other"})
				return err
			}, casereview.CodeConflict, []fe{{"name", "duplicate"}}},
			{"partnership renamed to a taken name", func() error {
				_, err := s.UpdatePartnership(ctx, p2.ID, p2.Version, casereview.PartnershipDraft{Name: "northfold CSP", Kind: p2.Kind})
				return err
			}, casereview.CodeConflict, []fe{{"name", "duplicate"}}},

			// Organisations.
			{"organisation without fields", newOrg(casereview.OrganisationDraft{}), casereview.CodeInvalid, []fe{{"name", "required"}, {"sector", "required"}}},
			{"organisation of an unknown sector", newOrg(casereview.OrganisationDraft{Name: "X", Sector: "fire"}), casereview.CodeInvalid, []fe{{"sector", "unknown_value"}}},
			{"organisation name taken, other case", newOrg(casereview.OrganisationDraft{Name: "northfold POLICE", Sector: "police"}),
				casereview.CodeConflict, []fe{{"name", "duplicate"}}},
			{"organisation with a missing parent", newOrg(casereview.OrganisationDraft{Name: "X", Sector: "police", ParentID: ptr(missingID)}),
				casereview.CodeInvalid, []fe{{"parent_id", "not_found"}}},
			{"organisation with a malformed parent", newOrg(casereview.OrganisationDraft{Name: "X", Sector: "police", ParentID: ptr("nope")}),
				casereview.CodeInvalid, []fe{{"parent_id", "invalid"}}},
			{"organisation its own parent", updOrg(child, func(d *casereview.OrganisationDraft) { d.ParentID = &child.ID }),
				casereview.CodeInvalid, []fe{{"parent_id", "invalid"}}},
			{"organisation parent cycle of two", updOrg(f.police, func(d *casereview.OrganisationDraft) { d.ParentID = &child.ID }),
				casereview.CodeInvalid, []fe{{"parent_id", "invalid"}}},
			{"organisation parent cycle of three", updOrg(f.police, func(d *casereview.OrganisationDraft) { d.ParentID = &grandchild.ID }),
				casereview.CodeInvalid, []fe{{"parent_id", "invalid"}}},
			{"organisation renamed to a taken name", updOrg(f.la, func(d *casereview.OrganisationDraft) { d.Name = "NORTHFOLD MASH" }),
				casereview.CodeConflict, []fe{{"name", "duplicate"}}},

			// Reviews.
			{"review without fields", func() error { _, err := s.CreateReview(ctx, casereview.ReviewDraft{}); return err }, casereview.CodeInvalid,
				[]fe{{"type", "required"}, {"partnership_id", "required"}, {"reference", "required"}, {"title", "required"}, {"status", "required"}, {"visibility", "required"}}},
			{"review of an unknown type", newReview(func(d *casereview.ReviewDraft) { d.Type = "INQUEST" }), casereview.CodeInvalid, []fe{{"type", "unknown_value"}}},
			{"review of an unknown type in a missing partnership", newReview(func(d *casereview.ReviewDraft) { d.Type, d.PartnershipID = "INQUEST", missingID }),
				casereview.CodeInvalid, []fe{{"type", "unknown_value"}, {"partnership_id", "not_found"}}},
			{"review with unknown status and visibility", newReview(func(d *casereview.ReviewDraft) { d.Status, d.Visibility = "closed", "secret" }),
				casereview.CodeInvalid, []fe{{"status", "unknown_value"}, {"visibility", "unknown_value"}}},
			{"review with a malformed partnership id", newReview(func(d *casereview.ReviewDraft) { d.PartnershipID = "p1" }),
				casereview.CodeInvalid, []fe{{"partnership_id", "invalid"}}},
			{"public review not yet published", newReview(func(d *casereview.ReviewDraft) { d.Visibility = "public" }),
				casereview.CodeInvalid, []fe{{"visibility", "invalid"}}},
			{"review reference taken in the partnership", newReview(func(d *casereview.ReviewDraft) { d.Reference = "NF-DHR-01" }),
				casereview.CodeConflict, []fe{{"reference", "duplicate"}}},

			// Recommendations.
			{"recommendation without fields", func() error { _, err := s.CreateRecommendation(ctx, casereview.RecommendationDraft{}); return err },
				casereview.CodeInvalid, []fe{{"review_id", "required"}, {"number", "required"}, {"text", "required"}, {"scope", "required"}}},
			{"recommendation of an unknown scope", newRec(func(d *casereview.RecommendationDraft) { d.Scope = "planet" }),
				casereview.CodeInvalid, []fe{{"scope", "unknown_value"}}},
			{"recommendation on a missing review", newRec(func(d *casereview.RecommendationDraft) { d.ReviewID = missingID }),
				casereview.CodeInvalid, []fe{{"review_id", "not_found"}}},
			{"recommendation with an unknown intervention type", newRec(func(d *casereview.RecommendationDraft) { d.InterventionType = ptr("prayer") }),
				casereview.CodeInvalid, []fe{{"intervention_type", "unknown_value"}}},
			{"recommendation addressed to a missing organisation", newRec(func(d *casereview.RecommendationDraft) {
				d.Addressees = append(d.Addressees, casereview.AddresseeDraft{OrganisationID: missingID, Role: "supporting"})
			}), casereview.CodeInvalid, []fe{{"addressees[1].organisation_id", "not_found"}}},
			{"recommendation with a bad addressee role", newRec(func(d *casereview.RecommendationDraft) { d.Addressees[0].Role = "boss" }),
				casereview.CodeInvalid, []fe{{"addressees[0].role", "unknown_value"}}},
			{"recommendation with an unknown theme", newRec(func(d *casereview.RecommendationDraft) {
				d.Themes = []casereview.ThemeDraft{{Code: "A09"}, {Code: "C01"}, {Code: "Z99"}}
			}), casereview.CodeInvalid, []fe{{"themes[2].code", "unknown_value"}}},
			{"recommendation with a theme twice, by code and slug", newRec(func(d *casereview.RecommendationDraft) {
				d.Themes = []casereview.ThemeDraft{{Code: "A09"}, {Code: "stalking"}}
			}), casereview.CodeInvalid, []fe{{"themes[1].code", "duplicate"}}},
			{"recommendation with two primary themes", newRec(func(d *casereview.RecommendationDraft) {
				d.Themes = []casereview.ThemeDraft{{Code: "A09", Primary: true}, {Code: "C01", Primary: true}}
			}), casereview.CodeInvalid, []fe{{"themes", "invalid"}}},
			{"every database problem reported at once", newRec(func(d *casereview.RecommendationDraft) {
				d.ReviewID, d.InterventionType = missingID, ptr("prayer")
				d.Addressees[0].OrganisationID = missingID
				d.Themes = []casereview.ThemeDraft{{Code: "nothing"}}
			}), casereview.CodeInvalid, []fe{{"review_id", "not_found"}, {"intervention_type", "unknown_value"},
				{"addressees[0].organisation_id", "not_found"}, {"themes[0].code", "unknown_value"}}},
			{"recommendation number taken in the review", newRec(func(d *casereview.RecommendationDraft) { d.Number = "1" }),
				casereview.CodeConflict, []fe{{"number", "duplicate"}}},
			{"update to an unknown theme", updRec(func(d *casereview.RecommendationDraft) {
				d.Themes = append(d.Themes, casereview.ThemeDraft{Code: "Q1"})
			}),
				casereview.CodeInvalid, []fe{{"themes[2].code", "unknown_value"}}},
			{"update removing an addressee that owns actions", updRec(func(d *casereview.RecommendationDraft) {
				d.Addressees = []casereview.AddresseeDraft{{OrganisationID: f.la.ID, Role: "lead"}}
			}), casereview.CodeConflict, []fe{{"addressees", "owns_actions"}}},

			// Actions.
			{"action without fields", func() error {
				_, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID})
				return err
			}, casereview.CodeInvalid, []fe{{"organisation_id", "required"}, {"description", "required"}}},
			{"action owned by a non-addressee", func() error {
				_, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.la.ID, Description: "x"})
				return err
			}, casereview.CodeInvalid, []fe{{"organisation_id", "not_addressee"}}},
			{"action owned by a missing organisation", func() error {
				_, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: missingID, Description: "x"})
				return err
			}, casereview.CodeInvalid, []fe{{"organisation_id", "not_addressee"}}},
			{"action completed in the future", func() error {
				_, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "x", CompletionDate: date("2026-03-03")})
				return err
			}, casereview.CodeInvalid, []fe{{"completion_date", "invalid"}}},
			{"action moved to a non-addressee", func() error {
				d := act.Draft()
				d.OrganisationID = f.la.ID
				_, err := s.UpdateAction(ctx, act.ID, act.Version, d)
				return err
			}, casereview.CodeInvalid, []fe{{"organisation_id", "not_addressee"}}},

			// Deletes blocked by dependent records.
			{"delete a review with recommendations", func() error { return s.DeleteReview(ctx, f.review.ID, f.review.Version) }, casereview.CodeConflict, nil},
			{"delete a partnership with reviews", func() error { return s.DeletePartnership(ctx, f.p.ID, f.p.Version) }, casereview.CodeConflict, nil},
			{"delete an organisation addressed by a recommendation", func() error {
				err := s.DeleteOrganisation(ctx, f.police.ID, f.police.Version)
				if err != nil && !strings.Contains(err.Error(), "recommendations are addressed to it") {
					t.Errorf("refused for the wrong reason: %v", err)
				}
				return err
			}, casereview.CodeConflict, nil},
			{"delete an organisation that is a parent", func() error {
				err := s.DeleteOrganisation(ctx, child.ID, child.Version)
				if err != nil && !strings.Contains(err.Error(), "parent") {
					t.Errorf("refused for the wrong reason: %v", err)
				}
				return err
			}, casereview.CodeConflict, nil},
			{"delete a recommendation with actions", func() error { return s.DeleteRecommendation(ctx, rec.ID, rec.Version) }, casereview.CodeConflict, nil},
		}

		seq := journalTail(t, s)
		before := tableCounts(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				wantErr(t, c.write(), c.code, c.fields...)
				if got := journalTail(t, s); got != seq {
					t.Fatalf("a refused write moved the journal from %d to %d", seq, got)
				}
				sameCounts(t, before, tableCounts(t, s))
			})
		}

		// The refused deletes left every record in place, unchanged.
		for _, get := range []func() (int, error){
			func() (int, error) { x, err := s.GetReview(ctx, f.review.ID); return x.Version, err },
			func() (int, error) { x, err := s.GetPartnership(ctx, f.p.ID); return x.Version, err },
			func() (int, error) { x, err := s.GetOrganisation(ctx, f.police.ID); return x.Version, err },
			func() (int, error) { x, err := s.GetOrganisation(ctx, child.ID); return x.Version, err },
			func() (int, error) { x, err := s.GetRecommendation(ctx, rec.ID); return x.Version, err },
			func() (int, error) { x, err := s.GetAction(ctx, act.ID); return x.Version, err },
		} {
			v, err := get()
			must(t, err)
			if v != 1 {
				t.Fatalf("a refused write bumped a version to %d", v)
			}
		}
	})
}

// The rules that refuse duplicates and cycles do not refuse the harmless neighbours of those cases.
func TestValidationAllowsNearMisses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		f := newFixture(t, s)
		p2, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Southfold SAB", Kind: "safeguarding_adults_board"})
		must(t, err)

		// A partnership or organisation may change the case of its own name.
		p, err := s.UpdatePartnership(ctx, f.p.ID, f.p.Version, casereview.PartnershipDraft{Name: "NORTHFOLD CSP", Kind: f.p.Kind})
		must(t, err)
		if p.Name != "NORTHFOLD CSP" || p.Version != 2 {
			t.Fatalf("renamed partnership: %+v", p)
		}
		od := f.police.Draft()
		od.Name = "northfold police"
		o, err := s.UpdateOrganisation(ctx, f.police.ID, f.police.Version, od)
		must(t, err)
		if o.Name != "northfold police" || o.Version != 2 || strings.Join(o.Aliases, "|") != "NFP|Northfold Constabulary" {
			t.Fatalf("renamed organisation: %+v", o)
		}

		// The same review reference in another partnership is fine.
		r2, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "SAR", PartnershipID: p2.ID, Reference: f.review.Reference, Title: "Mr S", Status: "commissioned", Visibility: "restricted"})
		must(t, err)
		// ...and the same recommendation number in another review.
		d := f.recDraft("1")
		_, err = s.CreateRecommendation(ctx, d)
		must(t, err)
		d.ReviewID = r2.ID
		_, err = s.CreateRecommendation(ctx, d)
		must(t, err)

		// A chain of parents without a cycle; moving a leaf under a sibling is fine.
		a, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "A", Sector: "other"})
		must(t, err)
		b, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "B", Sector: "other", ParentID: &a.ID})
		must(t, err)
		c, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "C", Sector: "other", ParentID: &a.ID})
		must(t, err)
		cd := c.Draft()
		cd.ParentID = &b.ID
		c, err = s.UpdateOrganisation(ctx, c.ID, c.Version, cd)
		must(t, err)
		if c.ParentID == nil || *c.ParentID != b.ID {
			t.Fatalf("C's parent: %v", c.ParentID)
		}
		// Once the child is gone, the parent may be deleted.
		must(t, s.DeleteOrganisation(ctx, c.ID, c.Version))
		must(t, s.DeleteOrganisation(ctx, b.ID, b.Version))
		must(t, s.DeleteOrganisation(ctx, a.ID, a.Version))

		// Removing an addressee that owns no actions is fine, even when another one does.
		rec, err := s.CreateRecommendation(ctx, casereview.RecommendationDraft{ReviewID: f.review.ID, Number: "2", Text: "x", Scope: "local",
			Addressees: []casereview.AddresseeDraft{{OrganisationID: f.police.ID, Role: "lead"}, {OrganisationID: f.la.ID, Role: "supporting"}}})
		must(t, err)
		_, err = s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "x"})
		must(t, err)
		rd := rec.Draft()
		rd.Addressees = rd.Addressees[:1]
		rd.Addressees[0].Role = "supporting" // changing the role of an owner keeps its actions
		rec, err = s.UpdateRecommendation(ctx, rec.ID, rec.Version, rd)
		must(t, err)
		if len(rec.Addressees) != 1 || rec.Addressees[0].Role != "supporting" {
			t.Fatalf("addressees after update: %+v", rec.Addressees)
		}
		if n := countRows(t, s, "actions", "recommendation_id = ?", rec.ID); n != 1 {
			t.Fatalf("%d actions after updating the owner's role; want 1", n)
		}
	})
}
