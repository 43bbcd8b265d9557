package store

import (
	"context"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Subjects of reviews (issue 15 §2): special category data. Every read here is audited as
// subject.read in the transaction that reads, so nothing is shown that was not recorded as
// seen; the audit rows of writes name the fields, never their values (casereview.SubjectAudit).
// Nothing here touches the change journal: subjects never enter the search index.

type subjectRow struct {
	ID                  string    `gorm:"column:id;primaryKey"`
	ReviewID            string    `gorm:"column:review_id"`
	Role                string    `gorm:"column:role"`
	AgeBand             string    `gorm:"column:age_band"`
	Sex                 string    `gorm:"column:sex"`
	GenderIdentity      string    `gorm:"column:gender_identity"`
	Ethnicity           string    `gorm:"column:ethnicity"`
	Disability          string    `gorm:"column:disability"`
	SexualOrientation   string    `gorm:"column:sexual_orientation"`
	Religion            string    `gorm:"column:religion"`
	ImmigrationStatus   string    `gorm:"column:immigration_status"`
	Relationship        string    `gorm:"column:relationship"`
	ChildrenInHousehold string    `gorm:"column:children_in_household"`
	RecordKey           int       `gorm:"column:record_key"`
	Version             int       `gorm:"column:version"`
	CreatedAt           time.Time `gorm:"column:created_at"`
	UpdatedAt           time.Time `gorm:"column:updated_at"`
}

func (subjectRow) TableName() string { return "review_subjects" }

// fields maps each recorded characteristic to its column's field (the columns are named as the
// characteristics).
func (r *subjectRow) fields() map[casereview.Characteristic]*string {
	return map[casereview.Characteristic]*string{"age_band": &r.AgeBand, "sex": &r.Sex, "gender_identity": &r.GenderIdentity,
		"ethnicity": &r.Ethnicity, "disability": &r.Disability, "sexual_orientation": &r.SexualOrientation, "religion": &r.Religion,
		"immigration_status": &r.ImmigrationStatus, "relationship": &r.Relationship, "children_in_household": &r.ChildrenInHousehold}
}

func (r subjectRow) domain() casereview.Subject {
	t := map[casereview.Characteristic]string{}
	for k, p := range r.fields() {
		t[k] = *p
	}
	return casereview.Subject{ID: r.ID, ReviewID: r.ReviewID, Role: casereview.SubjectRole(r.Role), Traits: t,
		Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func (r *subjectRow) apply(d casereview.SubjectDraft) {
	r.Role = string(d.Role)
	for k, p := range r.fields() {
		*p = d.Traits[k]
	}
}

// subjectReview loads the review of subjects for an act: not found when the caller may not read
// the review, forbidden when they may read it but not its subjects (allowed says who may).
func subjectReview(ctx context.Context, t *tx, reviewID string, allowed func(casereview.Actor, string) bool, msg string) (reviewRow, error) {
	var rev reviewRow
	id, ok := casereview.NormaliseID(reviewID)
	if !ok {
		return rev, casereview.NotFound("review")
	}
	if err := t.db.Where("id = ?", id).Take(&rev).Error; err != nil {
		return rev, notFoundAs(err, "review")
	}
	if err := readable(ctx, rev.ref(), "review"); err != nil {
		return rev, err
	}
	if !allowed(actorOf(ctx), rev.PartnershipID) {
		return rev, deny(ctx, msg)
	}
	return rev, nil
}

const (
	readSubjectsMsg  = "only oversight officers and the panel of the review's partnership read its subjects"
	writeSubjectsMsg = "only the panel of the review's partnership records its subjects"
)

// ListSubjects returns a review's subjects, oldest first, and audits the read.
func (s *Store) ListSubjects(ctx context.Context, reviewID string) ([]casereview.Subject, error) {
	var out []casereview.Subject
	err := s.inTx(ctx, func(t *tx) error {
		rev, err := subjectReview(ctx, t, reviewID, casereview.CanReadSubjects, readSubjectsMsg)
		if err != nil {
			return err
		}
		var rows []subjectRow
		if err := t.db.Where("review_id = ?", rev.ID).Order("created_at, id").Find(&rows).Error; err != nil {
			return err
		}
		out = make([]casereview.Subject, 0, len(rows))
		ids := make([]string, 0, len(rows))
		for _, r := range rows {
			out = append(out, r.domain())
			ids = append(ids, r.ID)
		}
		t.audit(casereview.AuditSubjectRead, "review", rev.ID, nil, map[string]any{"subjects": ids})
		return nil
	})
	return out, err
}

// GetSubject returns one subject of a review and audits the read.
func (s *Store) GetSubject(ctx context.Context, reviewID, id string) (casereview.Subject, error) {
	var out casereview.Subject
	err := s.inTx(ctx, func(t *tx) error {
		rev, err := subjectReview(ctx, t, reviewID, casereview.CanReadSubjects, readSubjectsMsg)
		if err != nil {
			return err
		}
		row, err := reviewSubject(t, rev.ID, id)
		if err != nil {
			return err
		}
		out = row.domain()
		t.audit(casereview.AuditSubjectRead, "subject", row.ID, nil, map[string]any{"review_id": rev.ID})
		return nil
	})
	return out, err
}

func reviewSubject(t *tx, reviewID, id string) (subjectRow, error) {
	var row subjectRow
	sid, ok := casereview.NormaliseID(id)
	if !ok {
		return row, casereview.NotFound("subject")
	}
	if err := t.db.Where("id = ? AND review_id = ?", sid, reviewID).Take(&row).Error; err != nil {
		return row, notFoundAs(err, "subject")
	}
	return row, nil
}

// CreateSubject records a subject of a review.
func (s *Store) CreateSubject(ctx context.Context, reviewID string, d casereview.SubjectDraft) (casereview.Subject, error) {
	var row subjectRow
	err := s.inTx(ctx, func(t *tx) error {
		rev, err := subjectReview(ctx, t, reviewID, casereview.CanWriteSubjects, writeSubjectsMsg)
		if err != nil {
			return err
		}
		if err := d.Validate(); err != nil {
			return err
		}
		row = subjectRow{ID: newID(), ReviewID: rev.ID, RecordKey: newRecordKey(), Version: 1, CreatedAt: t.now, UpdatedAt: t.now}
		row.apply(d)
		t.audit(casereview.AuditSubjectCreated, "subject", row.ID, nil, row.domain().AuditOf(nil))
		return t.db.Create(&row).Error
	})
	return row.domain(), err
}

// UpdateSubject changes a subject, guarded by its version.
func (s *Store) UpdateSubject(ctx context.Context, reviewID, id string, version int, d casereview.SubjectDraft) (casereview.Subject, error) {
	var row subjectRow
	err := s.inTx(ctx, func(t *tx) error {
		rev, err := subjectReview(ctx, t, reviewID, casereview.CanWriteSubjects, writeSubjectsMsg)
		if err != nil {
			return err
		}
		if row, err = reviewSubject(t, rev.ID, id); err != nil {
			return err
		}
		if row.Version != version {
			return casereview.Stale("subject", row.Version)
		}
		if err := d.Validate(); err != nil {
			return err
		}
		before := row.domain()
		row.apply(d)
		row.Version++
		row.UpdatedAt = t.now
		after := row.domain()
		t.audit(casereview.AuditSubjectUpdated, "subject", row.ID, before.AuditOf(nil), after.AuditOf(&before))
		return t.db.Save(&row).Error
	})
	return row.domain(), err
}

// DeleteSubject removes a subject, guarded by its version.
func (s *Store) DeleteSubject(ctx context.Context, reviewID, id string, version int) error {
	return s.inTx(ctx, func(t *tx) error {
		rev, err := subjectReview(ctx, t, reviewID, casereview.CanWriteSubjects, writeSubjectsMsg)
		if err != nil {
			return err
		}
		row, err := reviewSubject(t, rev.ID, id)
		if err != nil {
			return err
		}
		if row.Version != version {
			return casereview.Stale("subject", row.Version)
		}
		t.audit(casereview.AuditSubjectDeleted, "subject", row.ID, row.domain().AuditOf(nil), nil)
		return t.db.Delete(&row).Error
	})
}

var _ casereview.SubjectService = (*Store)(nil)
