package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/extract"
)

// A review's report (issue 17 §2): the published document, kept as a content-addressed blob like
// evidence files, with the recommendations internal/extract proposed from it. The panel confirms
// them, edited, and they are created through the one create path (createRecommendation), each
// naming the report and page it came from.

type reportRow struct {
	ID              string     `gorm:"column:id;primaryKey"`
	ReviewID        string     `gorm:"column:review_id"`
	BlobSHA256      string     `gorm:"column:blob_sha256"`
	Filename        string     `gorm:"column:filename"`
	MediaType       string     `gorm:"column:media_type"`
	Format          string     `gorm:"column:format"`
	SizeBytes       int64      `gorm:"column:size_bytes"`
	Pages           int        `gorm:"column:pages"`
	Proposals       string     `gorm:"column:proposals"`
	UploadedByID    *string    `gorm:"column:uploaded_by_id"`
	UploadedByName  string     `gorm:"column:uploaded_by_name"`
	UploadedAt      time.Time  `gorm:"column:uploaded_at"`
	ConfirmedAt     *time.Time `gorm:"column:confirmed_at"`
	ConfirmedByName *string    `gorm:"column:confirmed_by_name"`
	CreatedCount    int        `gorm:"column:created_count"`
}

func (reportRow) TableName() string { return "review_reports" }

func (r reportRow) domain(withProposals bool) casereview.ReviewReport {
	out := casereview.ReviewReport{ID: r.ID, ReviewID: r.ReviewID, Filename: r.Filename, MediaType: r.MediaType, Format: r.Format,
		SizeBytes: r.SizeBytes, SHA256: r.BlobSHA256, Pages: r.Pages, UploadedByID: deref(r.UploadedByID), UploadedByName: r.UploadedByName,
		UploadedAt: r.UploadedAt.UTC(), ConfirmedAt: utcPtr(r.ConfirmedAt), ConfirmedByName: deref(r.ConfirmedByName), CreatedCount: r.CreatedCount}
	if withProposals {
		// Written by UploadReport from a []ReportProposal; a row that does not decode has none.
		_ = json.Unmarshal([]byte(r.Proposals), &out.Proposals)
		if out.Proposals == nil {
			out.Proposals = []casereview.ReportProposal{}
		}
	}
	return out
}

// UsePDFReader sets what reads a PDF's text (pdftotext); without one, PDF reports are refused
// with a message and the other formats still work.
func (s *Store) UsePDFReader(r *extract.PDFReader) { s.pdf = r }

// reviewForReport loads the review ref of reviewID, answering not found to a caller who may not
// read it and refusing one who may not manage it when manage is set.
func reviewForReport(ctx context.Context, db *gorm.DB, reviewID string, manage bool) (string, casereview.ReviewRef, error) {
	n, ok := casereview.NormaliseID(reviewID)
	if !ok {
		return "", casereview.ReviewRef{}, casereview.NotFound("review")
	}
	var refs []reviewRefRow
	if err := db.Table("reviews").Select("partnership_id, visibility").Where("id = ?", n).Limit(1).Find(&refs).Error; err != nil {
		return "", casereview.ReviewRef{}, translate(err)
	}
	if len(refs) == 0 || !casereview.CanReadReview(actorOf(ctx), refs[0].ref()) {
		return "", casereview.ReviewRef{}, casereview.NotFound("review")
	}
	if manage && !casereview.CanManageReview(actorOf(ctx), refs[0].PartnershipID) {
		return "", casereview.ReviewRef{}, deny(ctx, "only the panel of the review's partnership adds its report and recommendations")
	}
	return n, refs[0].ref(), nil
}

// readReport turns a document into proposals, or into a problem with the field "file".
func (s *Store) readReport(ctx context.Context, filename string, content []byte) (extract.Document, []casereview.ReportProposal, error) {
	fileProblem := func(code, format string, args ...any) error {
		return casereview.Invalid("file", code, format, args...)
	}
	switch {
	case len(content) == 0:
		return extract.Document{}, nil, fileProblem(casereview.FieldRequired, "the file is empty")
	case len(content) > casereview.MaxReportBytes:
		return extract.Document{}, nil, fileProblem(casereview.FieldTooLong, "the file is %d bytes; the limit is %d MB", len(content), casereview.MaxReportBytes>>20)
	}
	doc, err := extract.Read(filename, content, s.pdf)
	switch {
	case errors.Is(err, extract.ErrUnsupported):
		return doc, nil, fileProblem(casereview.FileUnsupported, "the file is not a PDF, Word (.docx), OpenDocument (.odt) or plain-text document")
	case errors.Is(err, extract.ErrNoText):
		return doc, nil, fileProblem(casereview.FileNoText, "the document has no text to read: a scanned PDF needs a text layer")
	case errors.Is(err, extract.ErrNoPDFReader):
		return doc, nil, fileProblem(casereview.FileNoPDFReader, "this server cannot read PDFs (poppler-utils' pdftotext is not installed): upload the report as a Word, OpenDocument or plain-text file")
	case errors.Is(err, extract.ErrTooLarge):
		return doc, nil, fileProblem(casereview.FieldTooLong, "the file is larger than %d MB", casereview.MaxReportBytes>>20)
	case err != nil:
		return doc, nil, fileProblem(casereview.FileUnreadable, "the document could not be read: it may be damaged")
	}
	db := s.read.WithContext(ctx)
	var orgRows []organisationRow
	if err := db.Order("name").Find(&orgRows).Error; err != nil {
		return doc, nil, translate(err)
	}
	orgs, err := s.organisations(db, orgRows)
	if err != nil {
		return doc, nil, err
	}
	opts := extract.Options{Organisations: orgs, Suggester: s.suggester}
	if s.suggester != nil {
		var themeRows []themeRow
		if err := db.Where("active").Order("sort_order").Find(&themeRows).Error; err != nil {
			return doc, nil, translate(err)
		}
		for _, r := range themeRows {
			opts.Themes = append(opts.Themes, themeFromRow(r, nil))
		}
	}
	found := extract.Find(doc, opts)
	if len(found) == 0 {
		return doc, nil, fileProblem(casereview.FileNoProposals, "no recommendations were found in the document: it needs a section headed ‘Recommendations’ with numbered recommendations")
	}
	out := make([]casereview.ReportProposal, len(found))
	for i, p := range found {
		out[i] = casereview.ReportProposal{Number: p.Number, Text: p.Text, Page: p.Page, Heading: p.Heading, Orgs: []string{}, Themes: []string{}, Recalled: p.Recalled}
		for _, o := range p.Addressees {
			out[i].Orgs = append(out[i].Orgs, o.ID)
		}
		for _, t := range p.Themes {
			out[i].Themes = append(out[i].Themes, t.Code)
		}
	}
	return doc, out, nil
}

func (s *Store) UploadReport(ctx context.Context, reviewID, filename string, content []byte) (casereview.ReviewReport, error) {
	// Refuse whoever may not add the report before reading it: pdftotext is not for them.
	id, _, err := reviewForReport(ctx, s.read.WithContext(ctx), reviewID, true)
	if err != nil {
		return casereview.ReviewReport{}, err
	}
	var p casereview.Problems
	casereview.CheckText(&p, "filename", filename, true, 255)
	if err := p.Err(); err != nil {
		return casereview.ReviewReport{}, err
	}
	doc, proposals, err := s.readReport(ctx, filename, content)
	if err != nil {
		return casereview.ReviewReport{}, err
	}
	js, err := json.Marshal(proposals)
	if err != nil {
		return casereview.ReviewReport{}, err
	}
	// A text export numbers its pages as the report printed them ("<< Page 12 >>"): the
	// proposals' pages, and so the report's count, follow those numbers.
	pages := len(doc.Pages)
	for _, n := range doc.Numbers {
		pages = max(pages, n)
	}
	mediaType, _, _ := strings.Cut(mimetype.Detect(content).String(), ";")
	sum := sha256.Sum256(content)
	a := actorOf(ctx)
	row := reportRow{ID: newID(), ReviewID: id, BlobSHA256: hex.EncodeToString(sum[:]), Filename: filename, MediaType: mediaType,
		Format: string(doc.Format), SizeBytes: int64(len(content)), Pages: pages, Proposals: string(js),
		UploadedByID: optional(a.UserID), UploadedByName: a.Name}
	err = s.inTx(ctx, func(t *tx) error {
		if _, _, err := reviewForReport(ctx, t.db, id, true); err != nil {
			return err
		}
		row.UploadedAt = t.now
		blob := blobRow{SHA256: row.BlobSHA256, Content: content, SizeBytes: row.SizeBytes, MediaType: mediaType, CreatedAt: t.now}
		if err := t.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&blob).Error; err != nil {
			return err
		}
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		after := row.domain(false)
		t.audit(casereview.AuditReportUploaded, "review_report", row.ID, nil, map[string]any{"review_id": id, "filename": filename,
			"sha256": row.BlobSHA256, "size_bytes": row.SizeBytes, "format": row.Format, "pages": row.Pages, "proposals": len(proposals),
			"uploaded_at": after.UploadedAt})
		return nil
	})
	if err != nil {
		return casereview.ReviewReport{}, err
	}
	out := row.domain(false)
	out.UploadedAt = row.UploadedAt.UTC()
	out.Proposals = proposals
	return out, nil
}

// reportReadable loads a report of a review the caller may read.
func reportReadable(ctx context.Context, db *gorm.DB, id string, manage bool) (reportRow, casereview.ReviewRef, error) {
	var row reportRow
	n, ok := casereview.NormaliseID(id)
	if !ok {
		return row, casereview.ReviewRef{}, casereview.NotFound("report")
	}
	if err := db.Where("id = ?", n).Take(&row).Error; err != nil {
		return row, casereview.ReviewRef{}, notFoundAs(err, "report")
	}
	_, ref, err := reviewForReport(ctx, db, row.ReviewID, manage)
	var ce *casereview.Error
	if errors.As(err, &ce) && ce.Code == casereview.CodeNotFound {
		return reportRow{}, ref, casereview.NotFound("report")
	}
	return row, ref, err
}

func (s *Store) GetReport(ctx context.Context, id string) (casereview.ReviewReport, error) {
	row, _, err := reportReadable(ctx, s.read.WithContext(ctx), id, false)
	if err != nil {
		return casereview.ReviewReport{}, err
	}
	return row.domain(true), nil
}

func (s *Store) ListReports(ctx context.Context, reviewID string) ([]casereview.ReviewReport, error) {
	db := s.read.WithContext(ctx)
	id, _, err := reviewForReport(ctx, db, reviewID, false)
	if err != nil {
		return nil, err
	}
	var rows []reportRow
	if err := db.Omit("proposals").Where("review_id = ?", id).Order("uploaded_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]casereview.ReviewReport, len(rows))
	for i, r := range rows {
		out[i] = r.domain(false)
	}
	return out, nil
}

// ReportContent returns the stored file. Downloading the report of a restricted review is
// recorded in the audit trail, as evidence downloads are.
func (s *Store) ReportContent(ctx context.Context, id string) (casereview.ReviewReport, []byte, error) {
	db := s.read.WithContext(ctx)
	row, ref, err := reportReadable(ctx, db, id, false)
	if err != nil {
		return casereview.ReviewReport{}, nil, err
	}
	var blob blobRow
	if err := db.Where("sha256 = ?", row.BlobSHA256).Take(&blob).Error; err != nil {
		return casereview.ReviewReport{}, nil, notFoundAs(err, "file")
	}
	if ref.Visibility == casereview.VisibilityRestricted {
		if err := s.Audit(ctx, casereview.AuditExport, "review_report", row.ID, map[string]string{"filename": row.Filename}); err != nil {
			return casereview.ReviewReport{}, nil, err
		}
	}
	return row.domain(false), blob.Content, nil
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// maxProposals bounds one confirmation: a report with its appendices has a few dozen.
const maxProposals = 500

func (s *Store) ConfirmReport(ctx context.Context, id string, drafts []casereview.ProposalDraft) ([]casereview.Recommendation, error) {
	var p casereview.Problems
	if len(drafts) == 0 {
		p.Add("proposals", casereview.FieldRequired, "confirm at least one recommendation")
	} else if len(drafts) > maxProposals {
		p.Add("proposals", casereview.FieldTooLong, "at most %d recommendations at once", maxProposals)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var ids []string
	err := s.inTx(ctx, func(t *tx) error {
		row, _, err := reportReadable(ctx, t.db, id, true)
		if err != nil {
			return err
		}
		// Claim the report first: of two confirmations racing (a double submit), the second
		// waits here for the first to commit and then finds it confirmed.
		a := actorOf(ctx)
		res := t.db.Model(&reportRow{}).Where("id = ? AND confirmed_at IS NULL", row.ID).
			Updates(map[string]any{"confirmed_at": t.now, "confirmed_by_name": a.Name, "created_count": len(drafts)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return casereview.Conflict("the recommendations from this report have already been created")
		}
		var p casereview.Problems
		numbers := map[string]int{}
		valid := make([]bool, len(drafts))
		for i := range drafts {
			d := &drafts[i]
			d.ReviewID = row.ReviewID
			prefix := fmt.Sprintf("proposals[%d].", i)
			if d.Page < 0 || (row.Pages > 0 && d.Page > row.Pages) {
				p.Add(prefix+"page", casereview.FieldInvalid, "the report has pages 1 to %d", row.Pages)
			}
			if err := d.Validate(); err != nil {
				fs := prefixed(prefix, err)
				if fs == nil {
					return err
				}
				p.Extend(fs...)
				continue
			}
			if j, dup := numbers[d.Number]; dup {
				p.Add(prefix+"number", casereview.FieldDuplicate, "proposals[%d] is also numbered %s", j, d.Number)
				continue
			}
			numbers[d.Number] = i
			valid[i] = true
		}
		// The database's checks (addressees, themes, a number already used in the review) are
		// made for every proposal before any is written, so one pass reports them all.
		for i := range drafts {
			if !valid[i] {
				continue
			}
			if err := checkRecommendation(t, newID(), &drafts[i].RecommendationDraft); err != nil {
				fs := prefixed(fmt.Sprintf("proposals[%d].", i), err)
				if fs == nil {
					return err
				}
				p.Extend(fs...)
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		for _, d := range drafts {
			rid, err := s.createRecommendation(t, d.RecommendationDraft, recommendationSource{reportID: row.ID, page: d.Page})
			if err != nil {
				return err
			}
			ids = append(ids, rid)
		}
		t.audit(casereview.AuditReportConfirmed, "review_report", row.ID, nil, map[string]any{"review_id": row.ReviewID,
			"recommendation_ids": ids})
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]casereview.Recommendation, 0, len(ids))
	for _, rid := range ids {
		r, err := s.GetRecommendation(ctx, rid)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// prefixed returns the field problems of err with each field under prefix, or nil when err
// carries none.
func prefixed(prefix string, err error) []casereview.FieldError {
	var ce *casereview.Error
	if !errors.As(err, &ce) || len(ce.Fields) == 0 {
		return nil
	}
	out := make([]casereview.FieldError, len(ce.Fields))
	for i, f := range ce.Fields {
		f.Field = prefix + f.Field
		out[i] = f
	}
	return out
}
