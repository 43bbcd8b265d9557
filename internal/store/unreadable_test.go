package store_test

import (
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Unreadable (what every search by someone who cannot read everything leaves out, from the
// database at the moment of the search) names exactly the reviews outside the caller's scope,
// and on restricted ones the recommendations the caller answers for all the same.
func TestUnreadableNamesWhatTheScopeHides(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		other, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Southmere CSP", Kind: "community_safety_partnership", AreaCodes: []string{"LA:Southmere"}})
		must(t, err)
		pub := casereview.MustDate("2025-06-01")
		review := func(ref string, p string, vis casereview.Visibility) casereview.Review {
			r, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: p, Reference: ref, Title: ref,
				Status: "published", PublishedOn: &pub, Visibility: vis})
			must(t, err)
			return r
		}
		public := review("NF-PUB", f.p.ID, casereview.VisibilityPublic)
		mine := review("NF-RES", f.p.ID, casereview.VisibilityRestricted)
		theirs := review("SM-RES", other.ID, casereview.VisibilityRestricted)
		rec := func(r casereview.Review, n string, org string) string {
			d := f.recDraft(n)
			d.ReviewID = r.ID
			d.Addressees = []casereview.AddresseeDraft{{OrganisationID: org, Role: "lead", RawText: "x"}}
			got, err := s.CreateRecommendation(ctx, d)
			must(t, err)
			return got.ID
		}
		rec(public, "1", f.police.ID)
		rec(f.review, "1", f.police.ID)
		policeOnTheirs := rec(theirs, "1", f.police.ID)
		rec(theirs, "2", f.la.ID)
		policeOnMine := rec(mine, "1", f.police.ID)
		rec(mine, "2", f.la.ID)

		sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
		for _, c := range []struct {
			name    string
			actor   casereview.Actor
			reviews []string
			except  []string
		}{
			{"anonymous", casereview.Anonymous, sorted(f.review.ID, mine.ID, theirs.ID), nil},
			{"signed in, no memberships", casereview.Actor{UserID: "u1", Name: "Viewer"}, sorted(mine.ID, theirs.ID), nil},
			{"panel of Northfold", casereview.Actor{UserID: "u2", Name: "Panel", Memberships: []casereview.Membership{{Role: casereview.RolePanel, PartnershipID: f.p.ID}}},
				[]string{theirs.ID}, nil},
			{"police editor", casereview.Actor{UserID: "u3", Name: "Editor", Memberships: []casereview.Membership{{Role: casereview.RoleAgencyEditor, OrganisationID: f.police.ID}}},
				sorted(mine.ID, theirs.ID), sorted(policeOnMine, policeOnTheirs)},
			{"oversight", casereview.Actor{UserID: "u4", Name: "Oversight", Memberships: []casereview.Membership{{Role: casereview.RoleOversight}}}, nil, nil},
		} {
			got, err := s.Unreadable(casereview.WithActor(ctx, c.actor))
			must(t, err)
			if !slices.Equal(got.Reviews, c.reviews) || !slices.Equal(got.Except, c.except) {
				t.Errorf("%s: hidden reviews %v, except %v; want %v, except %v", c.name, got.Reviews, got.Except, c.reviews, c.except)
			}
		}
	})
}
