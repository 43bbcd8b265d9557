package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
)

// Follows (casereview.FollowService): a person follows one recommendation or review and is told
// of its changes by the follow job (alerts.go). Following needs the subject to be readable.

var _ casereview.FollowService = (*Store)(nil)

type followRow struct {
	UserID      string    `gorm:"column:user_id;primaryKey"`
	SubjectType string    `gorm:"column:subject_type;primaryKey"`
	SubjectID   string    `gorm:"column:subject_id;primaryKey"`
	CreatedAt   time.Time `gorm:"column:created_at"`
}

func (followRow) TableName() string { return "follows" }

// followRecord is a follow as the audit trail records it.
type followRecord struct {
	ID      string // the subject's id
	Subject casereview.FollowSubject
	UserID  string
}

// subject is a followed record: who may read it and what its follower calls it.
type subject struct {
	ref   casereview.ReviewRef
	label string // "recommendation 3 of REF-1", "review REF-1"
	link  string
	recID string // the recommendation's id ("" for a review)
}

// followedOf loads a recommendation or review; found is false when there is none.
func followedOf(db *gorm.DB, typ casereview.FollowSubject, id string) (subject, bool, error) {
	switch typ {
	case casereview.FollowRecommendation:
		ref, ok, err := reviewRefOfRecommendation(db, id)
		if err != nil || !ok {
			return subject{}, false, err
		}
		var rows []struct {
			Number    string `gorm:"column:number"`
			Reference string `gorm:"column:reference"`
		}
		if err := db.Table("recommendations").Select("recommendations.number, reviews.reference").
			Joins("JOIN reviews ON reviews.id = recommendations.review_id").Where("recommendations.id = ?", id).Find(&rows).Error; err != nil || len(rows) == 0 {
			return subject{}, false, err
		}
		return subject{ref: ref, label: "recommendation " + rows[0].Number + " of " + rows[0].Reference, link: "/recommendations/" + id, recID: id}, true, nil
	case casereview.FollowReview:
		var rows []struct {
			PartnershipID string `gorm:"column:partnership_id"`
			Visibility    string `gorm:"column:visibility"`
			Reference     string `gorm:"column:reference"`
		}
		if err := db.Table("reviews").Select("partnership_id, visibility, reference").Where("id = ?", id).Find(&rows).Error; err != nil || len(rows) == 0 {
			return subject{}, false, err
		}
		ref := reviewRefRow{PartnershipID: rows[0].PartnershipID, Visibility: rows[0].Visibility}.ref()
		return subject{ref: ref, label: "review " + rows[0].Reference, link: "/reviews/" + id}, true, nil
	}
	return subject{}, false, nil
}

// mayRead reports whether a may read the subject.
func (x subject) mayRead(a casereview.Actor) bool {
	if x.recID != "" {
		return casereview.CanReadRecommendation(a, x.ref)
	}
	return casereview.CanReadReview(a, x.ref)
}

// followable checks the caller may follow typ id: a signed-in person who may read it.
func followable(ctx context.Context, db *gorm.DB, typ casereview.FollowSubject, id string) (string, subject, error) {
	var p casereview.Problems
	casereview.CheckEnum(&p, "subject", typ, casereview.FollowSubjects)
	if err := p.Err(); err != nil {
		return "", subject{}, err
	}
	kind := string(typ)
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return "", subject{}, casereview.NotFound(kind)
	}
	x, found, err := followedOf(db, typ, id)
	if err != nil {
		return "", subject{}, err
	}
	if !found || !x.mayRead(actorOf(ctx)) {
		return "", subject{}, casereview.NotFound(kind)
	}
	if !casereview.CanKeepSavedSearch(actorOf(ctx)) {
		return "", subject{}, deny(ctx, "only a signed-in person follows a "+kind)
	}
	return id, x, nil
}

func (s *Store) SetFollowing(ctx context.Context, typ casereview.FollowSubject, id string, on bool) (bool, error) {
	uid := actorOf(ctx).UserID
	err := s.inTx(ctx, func(t *tx) error {
		id2, _, err := followable(ctx, t.db, typ, id)
		if err != nil {
			return err
		}
		rec := followRecord{ID: id2, Subject: typ, UserID: uid}
		if on {
			res := t.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&followRow{UserID: uid, SubjectType: string(typ), SubjectID: id2, CreatedAt: t.now})
			if res.Error == nil && res.RowsAffected == 1 {
				t.audit(casereview.AuditFollowed, "follow", id2, nil, rec)
			}
			return res.Error
		}
		res := t.db.Where("user_id = ? AND subject_type = ? AND subject_id = ?", uid, string(typ), id2).Delete(&followRow{})
		if res.Error == nil && res.RowsAffected == 1 {
			t.audit(casereview.AuditUnfollowed, "follow", id2, rec, nil)
		}
		return res.Error
	})
	return on && err == nil, err
}

func (s *Store) Following(ctx context.Context, typ casereview.FollowSubject, id string) (bool, error) {
	db := s.read.WithContext(ctx)
	uid := actorOf(ctx).UserID
	if uid == "" {
		return false, nil
	}
	id2, _, err := followable(ctx, db, typ, id)
	if err != nil {
		return false, err
	}
	var n int64
	err = db.Model(&followRow{}).Where("user_id = ? AND subject_type = ? AND subject_id = ?", uid, string(typ), id2).Count(&n).Error
	return n > 0, translate(err)
}

func (s *Store) ListFollows(ctx context.Context) ([]casereview.Follow, error) {
	a := actorOf(ctx)
	out := []casereview.Follow{}
	if a.UserID == "" {
		return out, nil
	}
	db := s.read.WithContext(ctx)
	var rows []followRow
	if err := db.Where("user_id = ?", a.UserID).Order("created_at DESC, subject_id").Limit(500).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		x, found, err := followedOf(db, casereview.FollowSubject(r.SubjectType), r.SubjectID)
		if err != nil {
			return nil, translate(err)
		}
		if found && x.mayRead(a) {
			out = append(out, casereview.Follow{Subject: casereview.FollowSubject(r.SubjectType), SubjectID: r.SubjectID, Label: x.label, CreatedAt: r.CreatedAt.UTC()})
		}
	}
	return out, nil
}
