package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

var fixedNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func open(t *testing.T, dialect string) *store.Store {
	return dbtest.Open(t, dialect, dbtest.Options{Now: func() time.Time { return fixedNow }})
}

// fixture creates a partnership, two organisations and a published review.
type fixture struct {
	p          casereview.Partnership
	police, la casereview.Organisation
	review     casereview.Review
}

func newFixture(t *testing.T, s *store.Store) fixture {
	t.Helper()
	ctx := sysCtx()
	var f fixture
	var err error
	f.p, err = s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Northfold CSP", Kind: "community_safety_partnership", AreaCodes: []string{"LA:Northfold"}})
	must(t, err)
	f.police, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police", Sector: "police", Aliases: []string{"NFP", "Northfold Constabulary"}})
	must(t, err)
	f.la, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Council Children's Services", Sector: "la_childrens_services"})
	must(t, err)
	pub := casereview.MustDate("2025-06-01")
	f.review, err = s.CreateReview(ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: f.p.ID, Reference: "NF-DHR-01", Title: "Adult Q",
		Status: "published", PublishedOn: &pub, Visibility: "shared"})
	must(t, err)
	return f
}

func (f fixture) recDraft(number string) casereview.RecommendationDraft {
	return casereview.RecommendationDraft{ReviewID: f.review.ID, Number: number, Text: "Review the DASH training offer.", Scope: "local",
		Addressees: []casereview.AddresseeDraft{{OrganisationID: f.police.ID, Role: "lead", RawText: "NFP"}},
		Themes:     []casereview.ThemeDraft{{Code: "risk-assessment"}, {Code: "A02"}}}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRecommendationRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		r, err := s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		if r.Version != 1 || r.ResponseStatus != "awaiting_response" || r.OversightStatus != "open_unassessed" {
			t.Fatalf("defaults wrong: %+v", r)
		}
		if len(r.Addressees) != 1 || r.Addressees[0].OrganisationName != "Northfold Police" || r.Addressees[0].RawText != "NFP" {
			t.Fatalf("addressees: %+v", r.Addressees)
		}
		if len(r.Themes) != 2 || r.Themes[0].Code != "C01" || !r.Themes[0].Primary || r.Themes[1].Primary || r.Themes[1].Slug != "coercive-control" {
			t.Fatalf("themes: %+v", r.Themes)
		}
		got, err := s.GetRecommendation(ctx, r.ID)
		must(t, err)
		if got.Text != r.Text || got.CreatedAt != fixedNow {
			t.Fatalf("get: %+v", got)
		}
		rv, err := s.GetReview(ctx, f.review.ID)
		must(t, err)
		if rv.RecommendationCount != 1 || rv.PublishedOn.String() != "2025-06-01" {
			t.Fatalf("review: %+v", rv)
		}
	})
}

// sysCtx is the context store tests act in: the system itself, which every rule lets through,
// so these tests exercise the data rules; access rules have their own tests.
func sysCtx() context.Context { return casereview.WithActor(context.Background(), casereview.System) }
