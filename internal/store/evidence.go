package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
)

// MaxEvidenceBytes is the largest file accepted as evidence.
const MaxEvidenceBytes = 10 << 20

// evidenceTypes maps the media types accepted as evidence to the file extensions that may carry
// them. The type is read from the content, never from the name; a name whose extension claims
// another type is refused, since a file that lies about itself is not evidence.
var evidenceTypes = map[string][]string{
	"application/pdf":    {".pdf"},
	"application/msword": {".doc"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
	"application/vnd.ms-excel": {".xls"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {".xlsx"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
	"application/vnd.oasis.opendocument.text":                                   {".odt"},
	"application/vnd.oasis.opendocument.spreadsheet":                            {".ods"},
	"text/csv":   {".csv"},
	"text/plain": {".txt", ".csv"},
	"image/png":  {".png"},
	"image/jpeg": {".jpg", ".jpeg"},
	"image/gif":  {".gif"},
	"image/webp": {".webp"},
}

type evidenceRow struct {
	ID               string     `gorm:"column:id;primaryKey"`
	ActionID         string     `gorm:"column:action_id"`
	RecommendationID string     `gorm:"column:recommendation_id"`
	Kind             string     `gorm:"column:kind"`
	Title            string     `gorm:"column:title"`
	EvidenceType     string     `gorm:"column:evidence_type"`
	URL              *string    `gorm:"column:url"`
	BlobSHA256       *string    `gorm:"column:blob_sha256"`
	Filename         *string    `gorm:"column:filename"`
	MediaType        *string    `gorm:"column:media_type"`
	SizeBytes        *int64     `gorm:"column:size_bytes"`
	Status           string     `gorm:"column:status"`
	SubmittedByID    *string    `gorm:"column:submitted_by_id"`
	SubmittedByName  string     `gorm:"column:submitted_by_name"`
	SubmittedAt      time.Time  `gorm:"column:submitted_at"`
	ReviewedByID     *string    `gorm:"column:reviewed_by_id"`
	ReviewedByName   *string    `gorm:"column:reviewed_by_name"`
	ReviewedAt       *time.Time `gorm:"column:reviewed_at"`
	ReviewNote       *string    `gorm:"column:review_note"`
	WithdrawnAt      *time.Time `gorm:"column:withdrawn_at"`
	WithdrawnByID    *string    `gorm:"column:withdrawn_by_id"`
	WithdrawnByName  *string    `gorm:"column:withdrawn_by_name"`
	WithdrawalReason *string    `gorm:"column:withdrawal_reason"`
}

func (evidenceRow) TableName() string { return "evidence" }

func (r evidenceRow) domain() casereview.Evidence {
	var size int64
	if r.SizeBytes != nil {
		size = *r.SizeBytes
	}
	var reviewed, withdrawn *time.Time
	if r.ReviewedAt != nil {
		t := r.ReviewedAt.UTC()
		reviewed = &t
	}
	if r.WithdrawnAt != nil {
		t := r.WithdrawnAt.UTC()
		withdrawn = &t
	}
	return casereview.Evidence{ID: r.ID, ActionID: r.ActionID, RecommendationID: r.RecommendationID, Kind: casereview.EvidenceKind(r.Kind),
		Title: r.Title, EvidenceType: r.EvidenceType, URL: deref(r.URL), Filename: deref(r.Filename), MediaType: deref(r.MediaType),
		SizeBytes: size, SHA256: deref(r.BlobSHA256), Status: casereview.EvidenceStatus(r.Status), SubmittedByID: deref(r.SubmittedByID),
		SubmittedByName: r.SubmittedByName, SubmittedAt: r.SubmittedAt.UTC(), ReviewedByName: deref(r.ReviewedByName), ReviewedAt: reviewed,
		ReviewNote: deref(r.ReviewNote), WithdrawnAt: withdrawn, WithdrawnByName: deref(r.WithdrawnByName), WithdrawalReason: deref(r.WithdrawalReason)}
}

// notWithdrawn limits a query of the evidence table to the items still on the record: a
// withdrawn item is kept for the audit trail and shown nowhere else (withdrawal.go).
const notWithdrawn = "evidence.withdrawn_at IS NULL"

type blobRow struct {
	SHA256    string    `gorm:"column:sha256;primaryKey"`
	Content   []byte    `gorm:"column:content"`
	SizeBytes int64     `gorm:"column:size_bytes"`
	MediaType string    `gorm:"column:media_type"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

func (blobRow) TableName() string { return "blobs" }

// checkEvidence validates new evidence and, for a file, works out its media type from its bytes.
func checkEvidence(d casereview.EvidenceDraft) (mediaType string, err error) {
	var p casereview.Problems
	casereview.CheckText(&p, "title", d.Title, true, 300)
	if d.EvidenceType == "" {
		d.EvidenceType = "other"
	}
	if !slices.Contains(casereview.EvidenceTypes, d.EvidenceType) {
		p.Add("evidence_type", casereview.FieldUnknownValue, "%q is not one of: %s", d.EvidenceType, strings.Join(casereview.EvidenceTypes, ", "))
	}
	switch {
	case d.Content == nil && d.URL == "":
		p.Add("url", casereview.FieldRequired, "give a link, or upload a file")
	case d.Content == nil:
		if u, err := url.Parse(d.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(d.URL) > 2000 {
			p.Add("url", casereview.FieldInvalid, "url must be an http or https address")
		}
	default:
		casereview.CheckText(&p, "filename", d.Filename, true, 255)
		if len(d.Content) == 0 {
			p.Add("file", casereview.FieldRequired, "the file is empty")
		} else if len(d.Content) > MaxEvidenceBytes {
			p.Add("file", casereview.FieldTooLong, "the file is %d bytes; the limit is %d", len(d.Content), MaxEvidenceBytes)
		} else {
			mt := mimetype.Detect(d.Content)
			mediaType = strings.SplitN(mt.String(), ";", 2)[0]
			exts, ok := evidenceTypes[mediaType]
			ext := strings.ToLower(path.Ext(d.Filename))
			switch {
			case !ok:
				p.Add("file", "unsupported_type", "files of type %s are not accepted as evidence (PDF, Office documents, CSV, text and images are)", mediaType)
			case !slices.Contains(exts, ext):
				p.Add("file", "type_mismatch", "the file's content is %s, but its name (%s) says otherwise", mediaType, d.Filename)
			}
		}
	}
	return mediaType, p.Err()
}

// AddEvidence attaches a link or a file to an action. Files are stored once per content hash.
func (s *Store) AddEvidence(ctx context.Context, actionID string, d casereview.EvidenceDraft) (casereview.Evidence, error) {
	var out casereview.Evidence
	err := s.inTx(ctx, func(t *tx) error {
		var act actionRow
		n, ok := casereview.NormaliseID(actionID)
		if !ok {
			return casereview.NotFound("action")
		}
		if err := t.db.Where("id = ?", n).Take(&act).Error; err != nil {
			return notFoundAs(err, "action")
		}
		if err := guardActionWrite(ctx, t)(&act); err != nil {
			return err
		}
		if err := checkOpen(t, act.RecommendationID); err != nil {
			return err
		}
		mediaType, err := checkEvidence(d)
		if err != nil {
			return err
		}
		if d.EvidenceType == "" {
			d.EvidenceType = "other"
		}
		a := actorOf(ctx)
		row := evidenceRow{ID: newID(), ActionID: act.ID, RecommendationID: act.RecommendationID, Title: d.Title, EvidenceType: d.EvidenceType,
			Status: string(casereview.EvidencePending), SubmittedByID: optional(a.UserID), SubmittedByName: a.Name, SubmittedAt: t.now}
		if d.Content == nil {
			row.Kind, row.URL = "link", &d.URL
		} else {
			sum := sha256.Sum256(d.Content)
			h, size := hex.EncodeToString(sum[:]), int64(len(d.Content))
			blob := blobRow{SHA256: h, Content: d.Content, SizeBytes: size, MediaType: mediaType, CreatedAt: t.now}
			if err := t.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&blob).Error; err != nil {
				return err
			}
			row.Kind, row.BlobSHA256, row.Filename, row.MediaType, row.SizeBytes = "file", &h, &d.Filename, &mediaType, &size
		}
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		out = row.domain()
		if err := progress(t, casereview.ProgressUpdate{RecommendationID: act.RecommendationID, ActionID: act.ID, EvidenceID: row.ID,
			Kind: casereview.ProgressEvidence, NewStatus: string(casereview.EvidencePending), OrganisationID: act.OrganisationID,
			Narrative: "Evidence added: " + d.Title}); err != nil {
			return err
		}
		t.touch(journalRecommendation, act.RecommendationID)
		t.audit(casereview.AuditEvidenceAdded, "evidence", row.ID, nil, out)
		return nil
	})
	return out, err
}

// evidenceReadable loads an item of evidence on a recommendation the caller may read, with its
// review, withdrawn or not, from db (the read pool, or a transaction).
func evidenceReadable(ctx context.Context, db *gorm.DB, id string) (evidenceRow, casereview.ReviewRef, error) {
	var row evidenceRow
	n, ok := casereview.NormaliseID(id)
	if !ok {
		return row, casereview.ReviewRef{}, casereview.NotFound("evidence")
	}
	if err := db.Where("id = ?", n).Take(&row).Error; err != nil {
		return row, casereview.ReviewRef{}, notFoundAs(err, "evidence")
	}
	ref, _, err := reviewRefOfRecommendation(db, row.RecommendationID)
	if err != nil {
		return row, ref, err
	}
	return row, ref, readable(ctx, ref, "evidence")
}

// evidenceVisible loads an item of evidence the caller may see, with its review. Withdrawn
// evidence is seen by nobody: it is not found, like evidence that never was.
func (s *Store) evidenceVisible(ctx context.Context, id string) (evidenceRow, casereview.ReviewRef, error) {
	row, ref, err := evidenceReadable(ctx, s.read.WithContext(ctx), id)
	if err == nil && row.WithdrawnAt != nil {
		return evidenceRow{}, casereview.ReviewRef{}, casereview.NotFound("evidence")
	}
	return row, ref, err
}

func (s *Store) GetEvidence(ctx context.Context, id string) (casereview.Evidence, error) {
	row, _, err := s.evidenceVisible(ctx, id)
	return row.domain(), err
}

// EvidenceContent returns an uploaded file. Downloading evidence of a restricted review is
// recorded in the audit trail, as every export of restricted material is.
func (s *Store) EvidenceContent(ctx context.Context, id string) (casereview.Evidence, []byte, error) {
	row, ref, err := s.evidenceVisible(ctx, id)
	if err != nil {
		return casereview.Evidence{}, nil, err
	}
	if row.BlobSHA256 == nil {
		return casereview.Evidence{}, nil, casereview.NotFound("file")
	}
	var blob blobRow
	if err := s.read.WithContext(ctx).Where("sha256 = ?", *row.BlobSHA256).Take(&blob).Error; err != nil {
		return casereview.Evidence{}, nil, notFoundAs(err, "file")
	}
	if ref.Visibility == casereview.VisibilityRestricted {
		if err := s.Audit(ctx, casereview.AuditExport, "evidence", row.ID, map[string]string{"filename": deref(row.Filename)}); err != nil {
			return casereview.Evidence{}, nil, err
		}
	}
	return row.domain(), blob.Content, nil
}

func (s *Store) ListEvidence(ctx context.Context, actionID string) ([]casereview.Evidence, error) {
	act, err := s.GetAction(ctx, actionID)
	if err != nil {
		return nil, err
	}
	var rows []evidenceRow
	if err := s.read.WithContext(ctx).Where("action_id = ?", act.ID).Where(notWithdrawn).Order("submitted_at, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]casereview.Evidence, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// ReviewEvidence is oversight's verdict on an item of evidence; a rejection needs a note saying
// what is missing.
func (s *Store) ReviewEvidence(ctx context.Context, id string, status casereview.EvidenceStatus, note string) (casereview.Evidence, error) {
	var out casereview.Evidence
	err := s.inTx(ctx, func(t *tx) error {
		row, _, err := evidenceReadable(ctx, t.db, id)
		if err != nil {
			return err
		}
		a := actorOf(ctx)
		if !casereview.CanOversee(a) {
			return deny(ctx, "only oversight officers verify or reject evidence")
		}
		var p casereview.Problems
		if status != casereview.EvidenceVerified && status != casereview.EvidenceRejected {
			p.Add("decision", casereview.FieldUnknownValue, "%q is not one of: verified, rejected", status)
		}
		casereview.CheckText(&p, "note", note, status == casereview.EvidenceRejected, 5000)
		if err := p.Err(); err != nil {
			return err
		}
		if err := checkOpen(t, row.RecommendationID); err != nil {
			return err
		}
		if row.WithdrawnAt != nil {
			return casereview.Conflict("the evidence was withdrawn by " + deref(row.WithdrawnByName) + ", who uploaded it, before it was reviewed")
		}
		if row.Status != string(casereview.EvidencePending) {
			return casereview.Conflict("the evidence has already been " + row.Status)
		}
		before := row.domain()
		row.Status, row.ReviewedByID, row.ReviewedByName, row.ReviewedAt, row.ReviewNote = string(status), optional(a.UserID), &a.Name, &t.now, optional(note)
		res := t.db.Model(&evidenceRow{}).Where("id = ? AND status = ?", row.ID, casereview.EvidencePending).Where(notWithdrawn).Updates(map[string]any{
			"status": row.Status, "reviewed_by_id": row.ReviewedByID, "reviewed_by_name": a.Name, "reviewed_at": t.now, "review_note": row.ReviewNote})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return casereview.Conflict("the evidence was reviewed, or withdrawn, by someone else a moment ago")
		}
		out = row.domain()
		if err := progress(t, casereview.ProgressUpdate{RecommendationID: row.RecommendationID, ActionID: row.ActionID, EvidenceID: row.ID,
			Kind: casereview.ProgressEvidence, OldStatus: string(casereview.EvidencePending), NewStatus: row.Status,
			Narrative: joinNonEmpty("Evidence "+row.Status+": "+row.Title, note)}); err != nil {
			return err
		}
		if status == casereview.EvidenceRejected {
			if err := raiseSentBack(t, "evidence_rejected:"+row.ID, row.RecommendationID, row.ActionID, "Evidence for an action of %s was rejected"); err != nil {
				return err
			}
		}
		t.touch(journalRecommendation, row.RecommendationID)
		t.audit(casereview.AuditEvidenceReviewed, "evidence", row.ID, before, out)
		return nil
	})
	return out, err
}
