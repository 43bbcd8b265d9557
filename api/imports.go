package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer"
	"github.com/casereview/casereview/internal/importer/actionplan"
	"github.com/casereview/casereview/internal/importer/bulkjson"
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
	ticket, err := s.imports.Admit()
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

// startImport records the job and starts it in the background; it takes over *ticket, its
// place in the gate, leaving nil there. The job outlives the request but keeps its caller:
// every write it makes is checked and audited as that user's.
func (s *Server) startImport(c context.Context, ticket **importer.Ticket, kind string, f importForm, dry bool) (casereview.ImportJob, error) {
	job, err := s.svc.CreateImportJob(c, kind, f.fileName, dry)
	if err != nil {
		return job, err
	}
	go s.runImport(context.WithoutCancel(c), *ticket, job, f)
	*ticket = nil
	return job, nil
}

func (s *Server) GetImport(ctx context.Context, req GetImportRequestObject) (GetImportResponseObject, error) {
	j, err := s.svc.GetImportJob(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return GetImport200JSONResponse(importJobOut(j)), nil
}

// runImport runs one job to its end, in its turn. Progress is recorded by a ticker of its own,
// never from inside the import's transaction (on SQLite that would wait for the transaction's
// own lock).
func (s *Server) runImport(ctx context.Context, ticket *importer.Ticket, job casereview.ImportJob, f importForm) {
	defer ticket.Done()
	var mu sync.Mutex
	// The claim tells a process starting meanwhile that this job is not orphaned.
	release, err := s.svc.ClaimImportJob(ctx, job.ID)
	if err != nil {
		release = func() {} // the job still runs; only a restart meanwhile could misjudge it
	}
	defer release()
	_ = ticket.Wait(ctx) // ctx is never cancelled: the job waits for as long as its turn takes
	job.Status = casereview.JobRunning
	_ = s.svc.UpdateImportJob(ctx, job)
	progress := func(done, total int) {
		mu.Lock()
		job.Done, job.Total = done, total
		mu.Unlock()
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		seen := -1
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				mu.Lock()
				cur := job
				mu.Unlock()
				if cur.Done != seen {
					seen = cur.Done
					_ = s.svc.UpdateImportJob(ctx, cur)
				}
			}
		}
	}()
	finish := func(res *casereview.ImportResult, report []casereview.ImportIssue, err error) {
		close(stop)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		now := s.now().UTC()
		job.FinishedAt, job.Result, job.Report = &now, res, report
		if job.Report == nil {
			job.Report = []casereview.ImportIssue{}
		}
		job.Status = casereview.JobSucceeded
		if res == nil || err != nil {
			job.Status = casereview.JobFailed
			job.Error = "the file has problems to fix (see the report); nothing was written"
		}
		if err != nil {
			job.Error = errorMessage(err)
			for _, fe := range fieldErrors(err) {
				job.Report = append(job.Report, casereview.ImportIssue{Column: fe.Field, Severity: actionplan.SeverityError, Problem: fe.Message})
			}
		}
		if res != nil {
			job.Done, job.Total = res.Recommendations(), res.Recommendations()
		}
		// The next job's turn comes before this one is recorded as finished: whoever sees it
		// finished may upload again at once.
		ticket.Done()
		_ = s.svc.UpdateImportJob(ctx, job)
	}
	switch job.Kind {
	case "json":
		doc, err := bulkjson.Read(f.data)
		if err != nil {
			finish(nil, nil, err)
			return
		}
		if f.kind != "state" && doc.V2 != nil {
			finish(nil, nil, casereview.Invalid("file", casereview.FieldInvalid, "a whole-state file (%s) is imported with POST /api/v1/instance-imports", bulkjson.FormatV2))
			return
		}
		if f.kind == "state" && doc.V2 == nil {
			finish(nil, nil, casereview.Invalid("file", casereview.FieldInvalid, "POST /api/v1/instance-imports takes a whole-state file (%s)", bulkjson.FormatV2))
			return
		}
		res, err := bulkjson.ImportDocument(ctx, s.svc, s.state, doc, bulkjson.Options{DryRun: job.DryRun, Progress: progress})
		if err != nil {
			finish(nil, nil, err)
			return
		}
		finish(&res, nil, nil)
	default:
		out, err := actionplan.Import(ctx, s.svc, actionplan.Request{FileName: f.fileName, Data: f.data, Review: f.review,
			CreateOrganisations: f.create, DryRun: job.DryRun, Today: casereview.DateOf(s.now()), Progress: progress})
		finish(out.Result, out.Report.Issues, err)
	}
}

// errorMessage and fieldErrors describe a domain error for a job's record.
func errorMessage(err error) string {
	var de *casereview.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return "internal error"
}

func fieldErrors(err error) []casereview.FieldError {
	var de *casereview.Error
	if errors.As(err, &de) {
		return de.Fields
	}
	return nil
}
