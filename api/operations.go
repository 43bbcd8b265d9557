package api

import (
	"bytes"
	"context"
	_ "embed"
	"errors"

	"github.com/casereview/casereview/internal/casereview"
)

//go:embed openapi.yaml
var specYAML []byte

// Spec returns the OpenAPI document the server is generated from.
func Spec() []byte { return specYAML }

func (s *Server) GetOpenAPISpec(ctx context.Context, _ GetOpenAPISpecRequestObject) (GetOpenAPISpecResponseObject, error) {
	return GetOpenAPISpec200ApplicationyamlResponse{Body: bytes.NewReader(specYAML), ContentLength: int64(len(specYAML))}, nil
}

func (s *Server) GetHealthz(ctx context.Context, _ GetHealthzRequestObject) (GetHealthzResponseObject, error) {
	return GetHealthz200JSONResponse{Status: "ok"}, nil
}

func (s *Server) GetReadyz(ctx context.Context, _ GetReadyzRequestObject) (GetReadyzResponseObject, error) {
	h, err := s.svc.Ready(ctxOf(ctx))
	db, v := h.Dialect, h.SchemaVersion
	var pdf *string
	if s.pdfText != "" {
		pdf = &s.pdfText
	}
	if err != nil {
		detail := err.Error()
		if de := (*casereview.Error)(nil); errors.As(err, &de) {
			detail = de.Message // the cause may name hosts; keep it for the logs
		}
		return GetReadyz503JSONResponse{Status: "unavailable", Database: &db, SchemaVersion: &v, PdfText: pdf, Detail: &detail}, nil
	}
	if s.searchCtl == nil {
		return GetReadyz200JSONResponse{Status: "ready", Database: &db, SchemaVersion: &v, PdfText: pdf}, nil
	}
	st, err := s.searchCtl.SearchStatus(ctxOf(ctx))
	out := statusOut(st)
	switch {
	case err != nil:
		detail := "the search index's state is unknown: the journal head could not be read"
		return GetReadyz503JSONResponse{Status: "unavailable", Database: &db, SchemaVersion: &v, PdfText: pdf, Detail: &detail, Search: &out}, nil
	case !st.Healthy():
		detail := "the search index is " + string(st.State) + ": it is not following the change journal"
		return GetReadyz503JSONResponse{Status: "unavailable", Database: &db, SchemaVersion: &v, PdfText: pdf, Detail: &detail, Search: &out}, nil
	}
	return GetReadyz200JSONResponse{Status: "ready", Database: &db, SchemaVersion: &v, PdfText: pdf, Search: &out}, nil
}
