package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

// Access control inside the store: every read filters by what the caller may see (in SQL, so
// totals and pages agree), every single read of a hidden record answers not found, and every
// write checks the domain's Can… rules inside its transaction, against the rows it has locked.

func actorOf(ctx context.Context) casereview.Actor { return casereview.ActorFrom(ctx) }

// visible narrows q, which must have the reviews table available as "reviews", to the reviews
// the caller may read.
func visible(ctx context.Context, q *gorm.DB) *gorm.DB {
	sc := casereview.ScopeOf(actorOf(ctx))
	if sc.All {
		return q
	}
	if len(sc.Partnerships) == 0 {
		return q.Where("reviews.visibility IN ?", sc.Visibilities)
	}
	return q.Where("(reviews.visibility IN ? OR (reviews.visibility = ? AND reviews.partnership_id IN ?))",
		sc.Visibilities, casereview.VisibilityRestricted, sc.Partnerships)
}

type reviewRefRow struct {
	PartnershipID string `gorm:"column:partnership_id"`
	Visibility    string `gorm:"column:visibility"`
}

func (r reviewRefRow) ref() casereview.ReviewRef {
	return casereview.ReviewRef{PartnershipID: r.PartnershipID, Visibility: casereview.Visibility(r.Visibility)}
}

// reviewRefOfRecommendation returns the review behind a recommendation; found is false when
// there is no such recommendation.
func reviewRefOfRecommendation(db *gorm.DB, recID string) (casereview.ReviewRef, bool, error) {
	var rows []reviewRefRow
	err := db.Table("recommendations").Select("reviews.partnership_id, reviews.visibility").
		Joins("JOIN reviews ON reviews.id = recommendations.review_id").Where("recommendations.id = ?", recID).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return casereview.ReviewRef{}, false, err
	}
	return rows[0].ref(), true, nil
}

// readable answers not found for a record the caller may not see.
func readable(ctx context.Context, ref casereview.ReviewRef, kind string) error {
	if !casereview.CanReadReview(actorOf(ctx), ref) {
		return casereview.NotFound(kind)
	}
	return nil
}

func deny(ctx context.Context, msg string) error { return casereview.Deny(actorOf(ctx), msg) }

// guardRecommendationWrite checks that the caller may see the recommendation and manage its
// review.
func guardRecommendationWrite(ctx context.Context, db *gorm.DB, recID string) error {
	ref, ok, err := reviewRefOfRecommendation(db, recID)
	if err != nil {
		return err
	}
	if !ok {
		return casereview.NotFound("recommendation")
	}
	if err := readable(ctx, ref, "recommendation"); err != nil {
		return err
	}
	if !casereview.CanManageReview(actorOf(ctx), ref.PartnershipID) {
		return deny(ctx, "only the panel of the review's partnership changes its recommendations")
	}
	return nil
}
