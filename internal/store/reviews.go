package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

type reviewRow struct {
	ID             string    `gorm:"column:id;primaryKey"`
	Type           string    `gorm:"column:type"`
	PartnershipID  string    `gorm:"column:partnership_id"`
	Reference      string    `gorm:"column:reference"`
	Title          string    `gorm:"column:title"`
	Status         string    `gorm:"column:status"`
	IncidentYear   *int      `gorm:"column:incident_year"`
	CommissionedOn nullDate  `gorm:"column:commissioned_on"`
	PublishedOn    nullDate  `gorm:"column:published_on"`
	ReportURL      *string   `gorm:"column:report_url"`
	Summary        string    `gorm:"column:summary"`
	Visibility     string    `gorm:"column:visibility"`
	Version        int       `gorm:"column:version"`
	CreatedAt      time.Time `gorm:"column:created_at"`
	UpdatedAt      time.Time `gorm:"column:updated_at"`
	// Read only: counted by the list and get queries.
	RecommendationCount int `gorm:"column:recommendation_count;->"`
}

func (reviewRow) TableName() string { return "reviews" }
func (r reviewRow) rowID() string   { return r.ID }

func (r reviewRow) domain() casereview.Review {
	return casereview.Review{ID: r.ID, Type: r.Type, PartnershipID: r.PartnershipID, Reference: r.Reference, Title: r.Title,
		Status: casereview.ReviewStatus(r.Status), IncidentYear: r.IncidentYear, CommissionedOn: r.CommissionedOn.ptr(),
		PublishedOn: r.PublishedOn.ptr(), ReportURL: r.ReportURL, Summary: r.Summary, Visibility: casereview.Visibility(r.Visibility),
		RecommendationCount: r.RecommendationCount, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func (r *reviewRow) apply(d casereview.ReviewDraft) {
	r.Type, r.PartnershipID, r.Reference, r.Title = d.Type, d.PartnershipID, d.Reference, d.Title
	r.Status, r.IncidentYear, r.CommissionedOn, r.PublishedOn = string(d.Status), d.IncidentYear, dateOf(d.CommissionedOn), dateOf(d.PublishedOn)
	r.ReportURL, r.Summary, r.Visibility = d.ReportURL, d.Summary, string(d.Visibility)
}

// knownReviewType answers an unknown review type in a filter as invalid, as an unknown
// enumeration value is everywhere else, rather than as an empty list.
func knownReviewType(db *gorm.DB, field, code string) error {
	if code == "" {
		return nil
	}
	var n int64
	if err := db.Table("review_types").Where("code = ?", strings.ToUpper(code)).Count(&n).Error; err != nil {
		return translate(err)
	}
	if n == 0 {
		var codes []string
		if err := db.Table("review_types").Order("sort_order").Pluck("code", &codes).Error; err != nil {
			return translate(err)
		}
		return casereview.Invalid(field, casereview.FieldUnknownValue, "%q is not one of: %s", code, strings.Join(codes, ", "))
	}
	return nil
}

func (r reviewRow) ref() casereview.ReviewRef {
	return casereview.ReviewRef{PartnershipID: r.PartnershipID, Visibility: casereview.Visibility(r.Visibility)}
}

// guardReviewWrite checks that the caller may see the review and manage it.
func guardReviewWrite(ctx context.Context) func(*reviewRow) error {
	return func(r *reviewRow) error {
		if err := readable(ctx, r.ref(), "review"); err != nil {
			return err
		}
		if !casereview.CanManageReview(actorOf(ctx), r.PartnershipID) {
			return deny(ctx, "only the panel of the review's partnership changes it")
		}
		return nil
	}
}

const reviewColumns = "reviews.*, (SELECT count(*) FROM recommendations r WHERE r.review_id = reviews.id) AS recommendation_count"

// checkReview enforces the rules that need the database: the type and the partnership exist,
// and the reference is not already used by another review of the same partnership.
func checkReview(t *tx, r reviewRow) error {
	var p casereview.Problems
	var n int64
	if err := t.db.Table("review_types").Where("code = ?", r.Type).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		var codes []string
		if err := t.db.Table("review_types").Order("sort_order").Pluck("code", &codes).Error; err != nil {
			return err
		}
		p.Add("type", casereview.FieldUnknownValue, "%q is not one of: %s", r.Type, strings.Join(codes, ", "))
	}
	if err := t.db.Table("partnerships").Where("id = ?", r.PartnershipID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		p.Add("partnership_id", casereview.FieldNotFound, "no partnership has id %s", r.PartnershipID)
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := t.db.Table("reviews").Where("partnership_id = ? AND reference = ? AND id <> ?", r.PartnershipID, r.Reference, r.ID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return casereview.Conflict("the reference is already in use", casereview.FieldError{Field: "reference", Code: casereview.FieldDuplicate,
			Message: "the partnership already has a review with reference " + r.Reference})
	}
	return nil
}

func (s *Store) CreateReview(ctx context.Context, d casereview.ReviewDraft) (casereview.Review, error) {
	if p, _ := casereview.NormaliseID(d.PartnershipID); !casereview.CanManageReview(actorOf(ctx), p) {
		return casereview.Review{}, deny(ctx, "only the panel of a partnership records its reviews")
	}
	if err := d.Validate(s.today()); err != nil {
		return casereview.Review{}, err
	}
	row := reviewRow{ID: newID(), Version: 1}
	row.apply(d)
	err := s.inTx(ctx, func(t *tx) error {
		if err := checkReview(t, row); err != nil {
			return err
		}
		row.CreatedAt, row.UpdatedAt = t.now, t.now
		t.touch(journalReview, row.ID)
		t.audit(casereview.AuditReviewCreated, "review", row.ID, nil, row.domain())
		return t.db.Create(&row).Error
	})
	return row.domain(), err
}

func (s *Store) GetReview(ctx context.Context, id string) (casereview.Review, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.Review{}, casereview.NotFound("review")
	}
	var row reviewRow
	if err := s.read.WithContext(ctx).Select(reviewColumns).Where("reviews.id = ?", id).Take(&row).Error; err != nil {
		return casereview.Review{}, notFoundAs(err, "review")
	}
	if err := readable(ctx, row.ref(), "review"); err != nil {
		return casereview.Review{}, err
	}
	return row.domain(), nil
}

// ReviewsByID returns those of ids the caller may read, in one query (pages that list
// recommendations name each one's review with it).
func (s *Store) ReviewsByID(ctx context.Context, ids []string) (map[string]casereview.Review, error) {
	out := map[string]casereview.Review{}
	var valid []string
	for _, id := range ids {
		if n, ok := casereview.NormaliseID(id); ok {
			valid = append(valid, n)
		}
	}
	if len(valid) == 0 {
		return out, nil
	}
	var rows []reviewRow
	if err := s.read.WithContext(ctx).Select(reviewColumns).Where("reviews.id IN ?", valid).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for _, row := range rows {
		if readable(ctx, row.ref(), "review") == nil {
			out[row.ID] = row.domain()
		}
	}
	return out, nil
}

func (s *Store) ListReviews(ctx context.Context, f casereview.ReviewFilter, page casereview.PageRequest) (casereview.Page[casereview.Review], error) {
	if err := f.Validate(); err != nil {
		return casereview.Page[casereview.Review]{}, err
	}
	if err := knownReviewType(s.read.WithContext(ctx), "type", f.Type); err != nil {
		return casereview.Page[casereview.Review]{}, err
	}
	query := func() *gorm.DB {
		q := visibleReviews(ctx, s.read.WithContext(ctx).Model(&reviewRow{}))
		if f.Type != "" {
			q = q.Where("reviews.type = ?", strings.ToUpper(f.Type))
		}
		if f.PartnershipID != "" {
			q = q.Where("reviews.partnership_id = ?", f.PartnershipID)
		}
		if f.Status != "" {
			q = q.Where("reviews.status = ?", f.Status)
		}
		if f.Visibility != "" {
			q = q.Where("reviews.visibility = ?", f.Visibility)
		}
		if f.Reference != "" {
			q = q.Where("reviews.reference = ?", f.Reference)
		}
		if f.PublishedFrom != nil {
			q = q.Where("reviews.published_on >= ?", dateOf(f.PublishedFrom))
		}
		if f.PublishedTo != nil {
			q = q.Where("reviews.published_on <= ?", dateOf(f.PublishedTo))
		}
		if f.Text != "" {
			pat := likePattern(strings.ToLower(f.Text))
			q = q.Where(`lower(reviews.title) LIKE ? ESCAPE '\' OR lower(reviews.reference) LIKE ? ESCAPE '\'`, pat, pat)
		}
		return q
	}
	rows, total, next, err := listPage[reviewRow](query, "reviews", reviewColumns, page)
	out := casereview.Page[casereview.Review]{Total: total, NextCursor: next, Items: []casereview.Review{}}
	for _, r := range rows {
		out.Items = append(out.Items, r.domain())
	}
	return out, err
}

func (s *Store) UpdateReview(ctx context.Context, id string, version int, d casereview.ReviewDraft) (casereview.Review, error) {
	if err := d.Validate(s.today()); err != nil {
		return casereview.Review{}, err
	}
	var row reviewRow
	err := s.inTx(ctx, func(t *tx) error {
		if err := lockRow(t, &row, id, version, "review", func(r *reviewRow) int { return r.Version }, guardReviewWrite(ctx)); err != nil {
			return err
		}
		if d.PartnershipID != row.PartnershipID && !casereview.CanManageReview(actorOf(ctx), d.PartnershipID) {
			return deny(ctx, "you can only move a review to a partnership whose panel you sit on")
		}
		before := row.domain()
		row.apply(d)
		if err := checkReview(t, row); err != nil {
			return err
		}
		row.Version++
		row.UpdatedAt = t.now
		t.touch(journalReview, row.ID)
		t.audit(casereview.AuditReviewUpdated, "review", row.ID, before, row.domain())
		if err := t.db.Omit("recommendation_count").Save(&row).Error; err != nil {
			return err
		}
		// A recommendation counts as issued when its review is published.
		if before.PublishedOn != nil != row.PublishedOn.Valid || (row.PublishedOn.Valid && before.PublishedOn.String() != row.PublishedOn.D.String()) {
			issued := nullDate{D: casereview.DateOf(t.now), Valid: true}
			if row.PublishedOn.Valid {
				issued = row.PublishedOn
			}
			return t.db.Model(&recommendationRow{}).Where("review_id = ?", row.ID).Update("issued_on", issued).Error
		}
		return nil
	})
	if err != nil {
		return casereview.Review{}, err
	}
	return s.GetReview(ctx, row.ID)
}

func (s *Store) DeleteReview(ctx context.Context, id string, version int) error {
	return s.inTx(ctx, func(t *tx) error {
		var row reviewRow
		if err := lockRow(t, &row, id, version, "review", func(r *reviewRow) int { return r.Version }, guardReviewWrite(ctx)); err != nil {
			return err
		}
		var n int64
		if err := t.db.Table("recommendations").Where("review_id = ?", row.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return casereview.Conflict("the review has recommendations; delete them first")
		}
		t.touch(journalReview, row.ID)
		t.audit(casereview.AuditReviewDeleted, "review", row.ID, row.domain(), nil)
		return t.db.Delete(&row).Error
	})
}
