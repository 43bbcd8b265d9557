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

// visibleReviews narrows q, which must have the reviews table available as "reviews", to the
// reviews the caller may read.
func visibleReviews(ctx context.Context, q *gorm.DB) *gorm.DB {
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

// visible narrows q, which must have the recommendations and reviews tables available by those
// names, to the recommendations the caller may read (casereview.CanReadRecommendation): those of
// the reviews it reads, and on restricted reviews those addressed to its organisations.
func visible(ctx context.Context, q *gorm.DB) *gorm.DB {
	sc := casereview.ScopeOf(actorOf(ctx))
	if sc.All {
		return q
	}
	clause, args := "reviews.visibility IN ?", []any{sc.Visibilities}
	if len(sc.Partnerships) > 0 {
		clause += " OR (reviews.visibility = ? AND reviews.partnership_id IN ?)"
		args = append(args, casereview.VisibilityRestricted, sc.Partnerships)
	}
	if len(sc.Organisations) > 0 {
		clause += " OR (reviews.visibility = ? AND EXISTS (SELECT 1 FROM addressees addr WHERE addr.recommendation_id = recommendations.id AND addr.organisation_id IN ?))"
		args = append(args, casereview.VisibilityRestricted, sc.Organisations)
	}
	return q.Where("("+clause+")", args...)
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
	ref := rows[0].ref()
	if ref.Visibility == casereview.VisibilityRestricted { // only there do addressees widen who reads
		if err := db.Table("addressees").Where("recommendation_id = ?", recID).Order("organisation_id").
			Pluck("organisation_id", &ref.Addressees).Error; err != nil {
			return ref, true, err
		}
	}
	return ref, true, nil
}

// readable answers not found for a record the caller may not see: a review, or (ref loaded by
// reviewRefOfRecommendation, with its addressees) a recommendation or anything beneath one.
func readable(ctx context.Context, ref casereview.ReviewRef, kind string) error {
	if !casereview.CanReadRecommendation(actorOf(ctx), ref) {
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
