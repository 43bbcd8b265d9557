package api

import (
	"bytes"
	"context"
	"mime"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/actionplan"
	"github.com/casereview/casereview/internal/casereview"
)

// exportPlan loads a review's plan as the caller may read it, writes it with write and records
// the export in the audit trail.
func (s *Server) exportPlan(ctx context.Context, id, ext string, write func(*bytes.Buffer, actionplan.Export) error) (*bytes.Buffer, error) {
	c := ctxOf(ctx)
	e, err := actionplan.LoadExport(c, s.svc, id)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := write(&buf, e); err != nil {
		return nil, err
	}
	if err := s.svc.Audit(c, casereview.AuditExport, "review", e.Review.ID, map[string]any{"format": "action-plan." + ext,
		"recommendations": len(e.Recommendations)}); err != nil {
		return nil, err
	}
	if g, ok := ctx.(*gin.Context); ok {
		name := "action-plan-" + safeName(e.Review.Reference) + "." + ext
		g.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	return &buf, nil
}

// safeName keeps letters, digits, dashes and dots of a reference for a file name.
func safeName(s string) string {
	out := []rune{}
	for _, r := range s {
		if r < 128 && (r == '-' || r == '.' || r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')) {
			out = append(out, r)
		} else {
			out = append(out, '_')
		}
	}
	return string(out)
}

func (s *Server) GetActionPlanXlsx(ctx context.Context, req GetActionPlanXlsxRequestObject) (GetActionPlanXlsxResponseObject, error) {
	buf, err := s.exportPlan(ctx, req.Id, "xlsx", func(b *bytes.Buffer, e actionplan.Export) error { return actionplan.WriteXLSX(b, e) })
	if err != nil {
		return nil, err
	}
	return GetActionPlanXlsx200ApplicationvndOpenxmlformatsOfficedocumentSpreadsheetmlSheetResponse{Body: buf, ContentLength: int64(buf.Len())}, nil
}

func (s *Server) GetActionPlanCsv(ctx context.Context, req GetActionPlanCsvRequestObject) (GetActionPlanCsvResponseObject, error) {
	buf, err := s.exportPlan(ctx, req.Id, "csv", func(b *bytes.Buffer, e actionplan.Export) error { return actionplan.WriteCSV(b, e) })
	if err != nil {
		return nil, err
	}
	return GetActionPlanCsv200TextcsvResponse{Body: buf, ContentLength: int64(buf.Len())}, nil
}
