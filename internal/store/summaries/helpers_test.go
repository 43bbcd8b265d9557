package summaries_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// The store's own test fixture, as far as these tests need it.

var fixedNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func open(t *testing.T, dialect string) *store.Store {
	return dbtest.Open(t, dialect, dbtest.Options{Now: func() time.Time { return fixedNow }})
}

func sysCtx() context.Context { return casereview.WithActor(context.Background(), casereview.System) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fixture creates a partnership, an organisation and a published, shared review.
type fixture struct {
	p      casereview.Partnership
	police casereview.Organisation
	review casereview.Review
}

func newFixture(t *testing.T, s *store.Store) fixture {
	t.Helper()
	ctx := sysCtx()
	var f fixture
	var err error
	f.p, err = s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Northfold CSP", Kind: "community_safety_partnership", AreaCodes: []string{"LA:Northfold"}})
	must(t, err)
	f.police, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police", Sector: "police"})
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

// fe is an expected field error (field path and code; messages are for people).
type fe struct{ field, code string }

// wantErr asserts that err is a *casereview.Error with code and exactly the field errors fields
// (in any order).
func wantErr(t *testing.T, err error, code casereview.Code, fields ...fe) {
	t.Helper()
	var de *casereview.Error
	if !errors.As(err, &de) {
		t.Fatalf("got %T %v; want *casereview.Error %s", err, err, code)
	}
	if de.Code != code {
		t.Fatalf("got code %s (%v); want %s", de.Code, err, code)
	}
	got := make([]string, len(de.Fields))
	for i, f := range de.Fields {
		got[i] = f.Field + "=" + f.Code
	}
	want := make([]string, len(fields))
	for i, f := range fields {
		want[i] = f.field + "=" + f.code
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("field errors:\n got  %v\n want %v\n (%v)", got, want, err)
	}
}

// execSQL runs q straight on the database (no ? parameters: the same text on both).
func execSQL(s *store.Store, q string) error {
	db, err := s.SQLDB()
	if err != nil {
		return err
	}
	_, err = db.Exec(q)
	return err
}
