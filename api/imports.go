package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer"
	"github.com/casereview/casereview/internal/importer/actionplan"
)

func importJobOut(j casereview.ImportJob) ImportJob {
	out := ImportJob{Id: j.ID, Kind: ImportJobKind(j.Kind), FileName: j.FileName, DryRun: j.DryRun, Status: ImportJobStatus(j.Status),
		Done: j.Done, Total: j.Total, Error: j.Error, CreatedAt: j.CreatedAt, Report: make([]ImportIssue, len(j.Report))}
	if j.FinishedAt != nil {
		out.FinishedAt.Set(*j.FinishedAt)
	} else {
		out.FinishedAt.SetNull()
	}
	for i, is := range j.Report {
		out.Report[i] = ImportIssue{Sheet: is.Sheet, Row: is.Row, Column: is.Column, Severity: ImportIssueSeverity(is.Severity),
			Problem: is.Problem}
		if is.Suggestion != "" {
			sugg := is.Suggestion
			out.Report[i].Suggestion = &sugg
		}
	}
	if r := j.Result; r != nil {
		out.Result = &ImportResult{Source: r.Source, DryRun: r.DryRun, ReviewsCreated: r.ReviewsCreated, ReviewsUpdated: r.ReviewsUpdated,
			ReviewsUnchanged: r.ReviewsUnchanged, RecommendationsCreated: r.RecommendationsCreated, RecommendationsUpdated: r.RecommendationsUpdated,
			RecommendationsUnchanged: r.RecommendationsUnchanged, ActionsCreated: r.ActionsCreated, ActionsUpdated: r.ActionsUpdated,
			ActionsUnchanged: r.ActionsUnchanged, Changes: append([]string{}, r.Changes...), ReviewIds: append([]string{}, r.ReviewIDs...)}
		if len(r.Created) > 0 {
			created := make(map[string]int, len(r.Created))
			for k, v := range r.Created {
				created[k] = v
			}
			out.Result.Created = &created
		}
	}
	return out
}

// importForm is what an import upload carries besides the file.
type importForm struct {
	kind, fileName string
	data           []byte
	review         casereview.ReviewDraft
	create         bool
}

func readImportForm(r *multipart.Reader) (importForm, error) {
	var f importForm
	var p casereview.Problems
	malformed := func(err error) error {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return decodeError(err)
		}
		return &casereview.Error{Code: casereview.CodeMalformed, Message: "the upload could not be read", Err: err}
	}
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f, malformed(err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return f, malformed(err)
		}
		v := strings.TrimSpace(string(data))
		switch part.FormName() {
		case "file":
			f.fileName, f.data = part.FileName(), data
			if f.data == nil {
				f.data = []byte{}
			}
		case "kind":
			f.kind = v
		case "review_reference":
			f.review.Reference = v
		case "partnership_id":
			f.review.PartnershipID = v
		case "type":
			f.review.Type = v
		case "title":
			f.review.Title = v
		case "visibility":
			f.review.Visibility = casereview.Visibility(v)
		case "published_on":
			if d, ok := actionplan.ParseUKDate(v); ok {
				f.review.PublishedOn = &d
			} else if v != "" {
				p.Add("published_on", casereview.FieldInvalid, "%q is not a date", v)
			}
		case "create_organisations":
			f.create = v == "true" || v == "1" || v == "yes"
		default:
			return f, &casereview.Error{Code: casereview.CodeMalformed, Message: "the upload has a field this endpoint does not accept",
				Fields: []casereview.FieldError{{Field: part.FormName(), Code: casereview.FieldUnknownField, Message: part.FormName() + " is not a field of this upload"}}}
		}
	}
	if f.data == nil {
		p.Add("file", casereview.FieldRequired, "attach the file as the form field \"file\"")
	}
	if f.kind == "" {
		f.kind = "actionplan"
		if strings.HasSuffix(strings.ToLower(f.fileName), ".json") || bytes.HasPrefix(bytes.TrimSpace(f.data), []byte("{")) {
			f.kind = "json"
		}
	}
	return f, p.Err()
}

func (s *Server) CreateImport(ctx context.Context, req CreateImportRequestObject) (CreateImportResponseObject, error) {
	if req.Body == nil {
		return nil, &casereview.Error{Code: casereview.CodeMalformed, Message: "send the file as multipart/form-data"}
	}
	// A place for the job first: an upload that would wait beyond the queue is refused before
	// its body is read or anything of it recorded.
	ticket, err := s.jobs.Admit()
	if err != nil {
		return nil, err
	}
	defer func() { ticket.Done() }() // unless the job took it over (and set ticket to nil)
	f, err := readImportForm(req.Body)
	if err != nil {
		return nil, err
	}
	dry := req.Params.DryRun != nil && *req.Params.DryRun
	job, err := s.startImport(ctxOf(ctx), &ticket, f.kind, f, dry)
	if err != nil {
		return nil, err
	}
	loc := "/api/v1/imports/" + job.ID
	return CreateImport202JSONResponse{Body: importJobOut(job), Headers: CreateImport202ResponseHeaders{Location: &loc}}, nil
}

// startImport records the job and starts it in the background (importer.Jobs); it takes over
// *ticket, its place in the gate, leaving nil there.
func (s *Server) startImport(c context.Context, ticket **importer.Ticket, kind string, f importForm, dry bool) (casereview.ImportJob, error) {
	return s.jobs.Start(c, ticket, importer.Upload{Kind: kind, FileName: f.fileName, Data: f.data, Review: f.review,
		CreateOrganisations: f.create, DryRun: dry})
}

func (s *Server) GetImport(ctx context.Context, req GetImportRequestObject) (GetImportResponseObject, error) {
	j, err := s.jobs.Get(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return GetImport200JSONResponse(importJobOut(j)), nil
}
