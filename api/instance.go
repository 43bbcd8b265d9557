package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer/bulkjson"
)

// instanceExport is the /2 document as the response body.
type instanceExport struct{ body *bytes.Buffer }

func (r instanceExport) VisitExportInstanceResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="casereview-state.json"`)
	w.Header().Set("Content-Length", strconv.Itoa(r.body.Len()))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(r.body.Bytes())
	return err
}

func (s *Server) ExportInstance(ctx context.Context, req ExportInstanceRequestObject) (ExportInstanceResponseObject, error) {
	c := ctxOf(ctx)
	sc := casereview.StateScope{Instance: "casereview"}
	if g, ok := ctx.(*gin.Context); ok && g.Request != nil {
		sc.Instance = g.Request.Host
	}
	if req.Params.PartnershipId != nil {
		sc.PartnershipIDs = *req.Params.PartnershipId
	}
	var buf bytes.Buffer
	if err := bulkjson.ExportState(c, s.state, sc, &buf); err != nil {
		return nil, err
	}
	return instanceExport{body: &buf}, nil
}

func (s *Server) CreateInstanceImport(ctx context.Context, req CreateInstanceImportRequestObject) (CreateInstanceImportResponseObject, error) {
	if req.Body == nil {
		return nil, &casereview.Error{Code: casereview.CodeMalformed, Message: "send the file as multipart/form-data"}
	}
	ticket, err := s.jobs.Admit() // before the body is read: see CreateImport
	if err != nil {
		return nil, err
	}
	defer func() { ticket.Done() }() // unless the job took it over (and set ticket to nil)
	f, err := readImportForm(req.Body)
	if err != nil {
		return nil, err
	}
	if f.kind != "json" {
		return nil, casereview.Invalid("file", casereview.FieldInvalid, "send a bulk JSON file (%s)", bulkjson.FormatV2)
	}
	f.kind = "state"
	dry := req.Params.DryRun != nil && *req.Params.DryRun
	job, err := s.startImport(ctxOf(ctx), &ticket, "state", f, dry)
	if err != nil {
		return nil, err
	}
	loc := "/api/v1/imports/" + job.ID
	return CreateInstanceImport202JSONResponse{Body: importJobOut(job), Headers: CreateInstanceImport202ResponseHeaders{Location: &loc}}, nil
}
