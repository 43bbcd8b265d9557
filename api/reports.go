package api

import (
	"bytes"
	"context"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/report"
)

// Scheduled reports (issue 18 §4), over the same service methods and runner as the web's
// schedules pages (internal/web/summary_schedules.go).

func scheduleOut(sc casereview.ReportSchedule) ReportSchedule {
	out := ReportSchedule{Id: sc.ID, SummaryId: sc.SummaryID, SummaryTitle: sc.SummaryTitle, Frequency: ReportFrequency(sc.Frequency),
		NextRunOn: sc.NextRunOn.String(), Paused: sc.Paused, Subscribers: make([]ReportSubscriber, len(sc.Subscribers)),
		CreatedAt: sc.CreatedAt, UpdatedAt: sc.UpdatedAt}
	for i, x := range sc.Subscribers {
		out.Subscribers[i] = ReportSubscriber{UserId: x.UserID, Name: x.Name, Email: x.Email}
	}
	return out
}

func deltasOut(ds []casereview.ReportDelta) []ReportDelta {
	out := make([]ReportDelta, len(ds))
	for i, d := range ds {
		out[i] = ReportDelta{Table: d.Table, Row: d.Row, Column: d.Column, Previous: d.Previous, Current: d.Current, Change: d.Change}
	}
	return out
}

func runOut(r casereview.ReportRun) ReportRun {
	out := ReportRun{Id: r.ID, ScheduleId: r.ScheduleID, SummaryId: r.SummaryID, Period: r.Period, AsOf: r.AsOf.String(), Title: r.Title,
		Definition: r.Definition, Summary: r.Summary, Documents: make([]ReportDocument, len(r.Documents)), Headline: deltasOut(r.Headline),
		Deltas: deltasOut(r.Deltas), RunBy: r.RunBy, CreatedAt: r.CreatedAt, PreviousRunId: nullable.NewNullNullable[string]()}
	if r.PreviousRunID != "" {
		out.PreviousRunId = nullable.NewNullableWithValue(r.PreviousRunID)
	}
	for i, d := range r.Documents {
		out.Documents[i] = ReportDocument{Format: ReportDocumentFormat(d.Format), Sha256: d.SHA256, SizeBytes: d.SizeBytes}
	}
	return out
}

func (s *Server) ListReportSchedules(ctx context.Context, req ListReportSchedulesRequestObject) (ListReportSchedulesResponseObject, error) {
	list, err := s.svc.ListReportSchedules(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out := ListReportSchedules200JSONResponse{Items: make([]ReportSchedule, len(list))}
	for i, sc := range list {
		out.Items[i] = scheduleOut(sc)
	}
	return out, nil
}

func (s *Server) CreateReportSchedule(ctx context.Context, req CreateReportScheduleRequestObject) (CreateReportScheduleResponseObject, error) {
	sc, err := s.svc.CreateReportSchedule(ctxOf(ctx), req.Id, casereview.ReportScheduleDraft{Frequency: casereview.ReportFrequency(req.Body.Frequency),
		Subscribers: derefSlice(req.Body.Subscribers)})
	if err != nil {
		return nil, err
	}
	loc := "/api/v1/report-schedules/" + sc.ID
	return CreateReportSchedule201JSONResponse{Body: scheduleOut(sc), Headers: CreateReportSchedule201ResponseHeaders{Location: &loc}}, nil
}

func (s *Server) GetReportSchedule(ctx context.Context, req GetReportScheduleRequestObject) (GetReportScheduleResponseObject, error) {
	sc, err := s.svc.GetReportSchedule(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return GetReportSchedule200JSONResponse(scheduleOut(sc)), nil
}

func (s *Server) DeleteReportSchedule(ctx context.Context, req DeleteReportScheduleRequestObject) (DeleteReportScheduleResponseObject, error) {
	if err := s.svc.DeleteReportSchedule(ctxOf(ctx), req.Id); err != nil {
		return nil, err
	}
	return DeleteReportSchedule204Response{}, nil
}

func (s *Server) PauseReportSchedule(ctx context.Context, req PauseReportScheduleRequestObject) (PauseReportScheduleResponseObject, error) {
	sc, err := s.svc.SetReportSchedulePaused(ctxOf(ctx), req.Id, true)
	if err != nil {
		return nil, err
	}
	return PauseReportSchedule200JSONResponse(scheduleOut(sc)), nil
}

func (s *Server) ResumeReportSchedule(ctx context.Context, req ResumeReportScheduleRequestObject) (ResumeReportScheduleResponseObject, error) {
	sc, err := s.svc.SetReportSchedulePaused(ctxOf(ctx), req.Id, false)
	if err != nil {
		return nil, err
	}
	return ResumeReportSchedule200JSONResponse(scheduleOut(sc)), nil
}

func (s *Server) RunReportNow(ctx context.Context, req RunReportNowRequestObject) (RunReportNowResponseObject, error) {
	if s.reports == nil {
		return nil, casereview.Forbidden("reports cannot be run by hand on this server")
	}
	run, err := s.reports.RunReportNow(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	loc := "/api/v1/report-runs/" + run.ID
	return RunReportNow201JSONResponse{Body: runOut(run), Headers: RunReportNow201ResponseHeaders{Location: &loc}}, nil
}

func (s *Server) ListReportRuns(ctx context.Context, req ListReportRunsRequestObject) (ListReportRunsResponseObject, error) {
	runs, err := s.svc.ListReportRuns(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out := ListReportRuns200JSONResponse{Items: make([]ReportRun, len(runs))}
	for i, r := range runs {
		out.Items[i] = runOut(r)
	}
	return out, nil
}

func (s *Server) GetReportRun(ctx context.Context, req GetReportRunRequestObject) (GetReportRunResponseObject, error) {
	run, err := s.svc.GetReportRun(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return GetReportRun200JSONResponse(runOut(run)), nil
}

// runDocument reads a run's stored document, tags it with its SHA-256 and, but for the page,
// makes it an attachment.
func (s *Server) runDocument(ctx context.Context, id, format string) (*bytes.Reader, int64, error) {
	d, body, err := s.svc.ReportRunDocument(ctxOf(ctx), id, format)
	if err != nil {
		return nil, 0, err
	}
	if c, ok := ctx.(*gin.Context); ok {
		c.Header("ETag", strconv.Quote(d.SHA256))
		if format == "html" {
			c.Header("Content-Security-Policy", "default-src 'none'; style-src "+report.StyleHash()+"; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		}
	}
	if format != "html" {
		attachment(ctx, "report-"+id+"."+format)
	}
	return bytes.NewReader(body), int64(len(body)), nil
}

func (s *Server) ReportRunDocumentHtml(ctx context.Context, req ReportRunDocumentHtmlRequestObject) (ReportRunDocumentHtmlResponseObject, error) {
	b, n, err := s.runDocument(ctx, req.Id, "html")
	if err != nil {
		return nil, err
	}
	return ReportRunDocumentHtml200TexthtmlResponse{Body: b, ContentLength: n}, nil
}

func (s *Server) ReportRunDocumentXlsx(ctx context.Context, req ReportRunDocumentXlsxRequestObject) (ReportRunDocumentXlsxResponseObject, error) {
	b, n, err := s.runDocument(ctx, req.Id, "xlsx")
	if err != nil {
		return nil, err
	}
	return ReportRunDocumentXlsx200ApplicationvndOpenxmlformatsOfficedocumentSpreadsheetmlSheetResponse{Body: b, ContentLength: n}, nil
}

func (s *Server) ReportRunDocumentCsv(ctx context.Context, req ReportRunDocumentCsvRequestObject) (ReportRunDocumentCsvResponseObject, error) {
	b, n, err := s.runDocument(ctx, req.Id, "csv")
	if err != nil {
		return nil, err
	}
	return ReportRunDocumentCsv200TextcsvResponse{Body: b, ContentLength: n}, nil
}
