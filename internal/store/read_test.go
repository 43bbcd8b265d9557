package store_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/migrations"
)

// TestReadSeesOnlyWhatTheCallerReads: a Query's Visible narrows to the caller's recommendations,
// errors come back as domain errors, and on PostgreSQL the transaction refuses a write.
func TestReadSeesOnlyWhatTheCallerReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		other, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Southmere SAB", Kind: "safeguarding_adults_board"})
		must(t, err)
		pub := casereview.MustDate("2024-04-01")
		hidden, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "SAR", PartnershipID: other.ID, Reference: "SM-SAR-01", Title: "Adult R",
			Status: "published", PublishedOn: &pub, Visibility: "restricted"})
		must(t, err)
		_, err = s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		d := f.recDraft("1")
		d.ReviewID = hidden.ID
		_, err = s.CreateRecommendation(ctx, d)
		must(t, err)
		viewer := casereview.WithActor(context.Background(), casereview.Actor{UserID: "0190a0b0-0000-7000-8000-0000000000aa", Name: "viewer",
			Memberships: []casereview.Membership{{Role: casereview.RoleViewer, PartnershipID: f.p.ID}}})
		count := func(ctx context.Context) int64 {
			t.Helper()
			var n int64
			must(t, s.Read(ctx, func(q store.Query) error {
				return q.Visible(q.DB().Table("recommendations").Joins("JOIN reviews ON reviews.id = recommendations.review_id")).Count(&n).Error
			}))
			return n
		}
		if got := count(ctx); got != 2 {
			t.Errorf("system counts %d, want 2", got)
		}
		if got := count(viewer); got != 1 {
			t.Errorf("viewer counts %d, want 1 (the restricted review of another partnership is hidden)", got)
		}
		err = s.Read(ctx, func(store.Query) error { return gorm.ErrRecordNotFound })
		if e := (*casereview.Error)(nil); !errors.As(err, &e) || e.Code != casereview.CodeNotFound {
			t.Errorf("Read returned %v, want a not-found domain error", err)
		}
		if dialect == migrations.Postgres {
			err = s.Read(ctx, func(q store.Query) error { return q.DB().Exec("DELETE FROM recommendations").Error })
			if err == nil {
				t.Error("a write inside Read succeeded")
			}
			if n := countRows(t, s, "recommendations", ""); n != 2 {
				t.Errorf("%d recommendations after the refused write, want 2", n)
			}
		}
	})
}
