package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/download"
)

// A review's report: uploaded to have its recommendations proposed, kept as the review's
// document, and confirmed into recommendations (casereview.ReportService).

// maxReportUpload bounds a report upload: the file limit plus room for the multipart framing.
const maxReportUpload = casereview.MaxReportBytes + 64<<10

func reportOut(r casereview.ReviewReport) ReviewReport {
	out := ReviewReport{Id: r.ID, ReviewId: r.ReviewID, Filename: r.Filename, MediaType: r.MediaType, Format: ReviewReportFormat(r.Format),
		SizeBytes: r.SizeBytes, Sha256: r.SHA256, Pages: r.Pages, UploadedByName: r.UploadedByName, UploadedAt: r.UploadedAt,
		ConfirmedAt: nullTime(r.ConfirmedAt), CreatedCount: r.CreatedCount, ConfirmedByName: nullString(nonEmpty(r.ConfirmedByName))}
	if r.Proposals != nil {
		ps := make([]ReportProposal, len(r.Proposals))
		for i, p := range r.Proposals {
			ps[i] = ReportProposal{Number: p.Number, Text: p.Text, Page: p.Page, Heading: nonEmpty(p.Heading),
				Addressees: append([]string{}, p.Orgs...), Themes: append([]string{}, p.Themes...)}
			if p.Recalled {
				ps[i].Recalled = &p.Recalled
			}
		}
		out.Proposals = &ps
	}
	return out
}

func (s *Server) UploadReport(ctx context.Context, req UploadReportRequestObject) (UploadReportResponseObject, error) {
	name, content, err := readReportForm(req.Body)
	if err != nil {
		return nil, err
	}
	r, err := s.svc.UploadReport(ctxOf(ctx), req.Id, name, content)
	if err != nil {
		return nil, err
	}
	loc := "/api/v1/reports/" + r.ID
	return UploadReport201JSONResponse{Body: reportOut(r), Headers: UploadReport201ResponseHeaders{Location: &loc}}, nil
}

// readReportForm reads the one field of a report upload, file. The body is capped (limitBody).
func readReportForm(r *multipart.Reader) (string, []byte, error) {
	var name string
	var content []byte
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var data []byte
		if err == nil {
			data, err = io.ReadAll(part)
		}
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return "", nil, decodeError(err)
			}
			return "", nil, &casereview.Error{Code: casereview.CodeMalformed, Message: "the upload could not be read", Err: err}
		}
		if part.FormName() != "file" {
			return "", nil, &casereview.Error{Code: casereview.CodeMalformed, Message: "the upload has a field this endpoint does not accept",
				Fields: []casereview.FieldError{{Field: part.FormName(), Code: casereview.FieldUnknownField, Message: part.FormName() + " is not a field of this upload"}}}
		}
		name, content = part.FileName(), data
		if content == nil {
			content = []byte{}
		}
	}
	if content == nil {
		return "", nil, casereview.Invalid("file", casereview.FieldRequired, "attach the report as the form field \"file\"")
	}
	return name, content, nil
}

func (s *Server) ListReports(ctx context.Context, req ListReportsRequestObject) (ListReportsResponseObject, error) {
	rs, err := s.svc.ListReports(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out := ListReports200JSONResponse{Items: make([]ReviewReport, len(rs))}
	for i, r := range rs {
		out.Items[i] = reportOut(r)
	}
	return out, nil
}

func (s *Server) GetReport(ctx context.Context, req GetReportRequestObject) (GetReportResponseObject, error) {
	r, err := s.svc.GetReport(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return GetReport200JSONResponse(reportOut(r)), nil
}

func (s *Server) GetReportContent(ctx context.Context, req GetReportContentRequestObject) (GetReportContentResponseObject, error) {
	r, content, err := s.svc.ReportContent(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	c := ctx.(*gin.Context)
	download.Uploaded(c.Writer.Header(), r.Filename)
	return GetReportContent200ApplicationoctetStreamResponse{Body: bytes.NewReader(content), ContentLength: int64(len(content))}, nil
}

func (s *Server) ConfirmReport(ctx context.Context, req ConfirmReportRequestObject) (ConfirmReportResponseObject, error) {
	var p casereview.Problems
	drafts := make([]casereview.ProposalDraft, len(req.Body.Proposals))
	for i, b := range req.Body.Proposals {
		f := fmt.Sprintf("proposals[%d].", i)
		var q casereview.Problems
		d := casereview.RecommendationDraft{Number: b.Number, Title: deref(b.Title), Text: b.Text, Scope: casereview.Scope(b.Scope),
			InterventionType: b.InterventionType, ResponseDue: casereview.ParseDateField(&q, "response_due", b.ResponseDue),
			Addressees: addresseesIn(&q, derefSlice(b.Addressees)), Themes: themesIn(derefSlice(b.Themes))}
		if err := q.Err(); err != nil {
			var ce *casereview.Error
			if errors.As(err, &ce) {
				for _, fe := range ce.Fields {
					fe.Field = f + fe.Field
					p.Extend(fe)
				}
			}
		}
		drafts[i] = casereview.ProposalDraft{RecommendationDraft: d, Page: deref(b.Page)}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	recs, err := s.svc.ConfirmReport(ctxOf(ctx), req.Id, drafts)
	if err != nil {
		return nil, err
	}
	loc := "/api/v1/reports/" + req.Id
	out := ConfirmReport201JSONResponse{Body: RecommendationList{Items: make([]Recommendation, len(recs))},
		Headers: ConfirmReport201ResponseHeaders{Location: &loc}}
	for i, r := range recs {
		out.Body.Items[i] = recommendationOut(r)
	}
	return out, nil
}

// sourceOut fills the report and page a recommendation was drawn from; both are absent from
// one typed in or imported.
func sourceOut(out *Recommendation, r casereview.Recommendation) {
	if r.SourceReportID == "" {
		return
	}
	out.SourceReportId, out.SourcePage = nullable.NewNullableWithValue(r.SourceReportID), nullable.NewNullNullable[int]()
	if r.SourcePage > 0 {
		out.SourcePage = nullable.NewNullableWithValue(r.SourcePage)
	}
}
