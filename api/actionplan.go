package api

import (
	"bytes"
	"context"
	"mime"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/importer/actionplan"
)

// exportPlan writes a review's plan in format through actionplan.Download (which the web pages
// use too) and names the file for the browser.
func (s *Server) exportPlan(ctx context.Context, id, format string) (*bytes.Buffer, error) {
	f, err := actionplan.Download(ctxOf(ctx), s.svc, id, format)
	if err != nil {
		return nil, err
	}
	if g, ok := ctx.(*gin.Context); ok {
		g.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	}
	return bytes.NewBuffer(f.Body), nil
}

func (s *Server) GetActionPlanXlsx(ctx context.Context, req GetActionPlanXlsxRequestObject) (GetActionPlanXlsxResponseObject, error) {
	buf, err := s.exportPlan(ctx, req.Id, actionplan.FormatXLSX)
	if err != nil {
		return nil, err
	}
	return GetActionPlanXlsx200ApplicationvndOpenxmlformatsOfficedocumentSpreadsheetmlSheetResponse{Body: buf, ContentLength: int64(buf.Len())}, nil
}

func (s *Server) GetActionPlanCsv(ctx context.Context, req GetActionPlanCsvRequestObject) (GetActionPlanCsvResponseObject, error) {
	buf, err := s.exportPlan(ctx, req.Id, actionplan.FormatCSV)
	if err != nil {
		return nil, err
	}
	return GetActionPlanCsv200TextcsvResponse{Body: buf, ContentLength: int64(buf.Len())}, nil
}
