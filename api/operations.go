package api

import (
	"bytes"
	"context"
	_ "embed"
	"html/template"

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
	if err != nil {
		detail := err.Error()
		if de, ok := err.(*casereview.Error); ok {
			detail = de.Message // the cause may name hosts; keep it for the logs
		}
		return GetReadyz503JSONResponse{Status: "unavailable", Database: &db, SchemaVersion: &v, Detail: &detail}, nil
	}
	return GetReadyz200JSONResponse{Status: "ready", Database: &db, SchemaVersion: &v}, nil
}

var indexPage = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>casereview</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.5;color:#0b0c0c}code{background:#f3f2f1;padding:0 .2em}</style>
</head><body>
<h1>casereview</h1>
<p>A multi-agency repository of case-review recommendations: domestic homicide reviews, child safeguarding
practice reviews, child death reviews, safeguarding adults reviews and coroners' prevention of future deaths
reports, tagged by theme and tracked to closure.</p>
<ul>
<li><a href="/api/v1/openapi.yaml">API specification (OpenAPI)</a></li>
<li><a href="/api/v1/reviews">Reviews</a> · <a href="/api/v1/recommendations">Recommendations</a> ·
<a href="/api/v1/themes">Themes</a> · <a href="/api/v1/organisations">Organisations</a></li>
<li><a href="/readyz">Readiness</a></li>
</ul>
<p>Version {{.}}</p>
</body></html>`))

func (s *Server) GetIndex(ctx context.Context, _ GetIndexRequestObject) (GetIndexResponseObject, error) {
	var b bytes.Buffer
	if err := indexPage.Execute(&b, s.version); err != nil {
		return nil, err
	}
	return GetIndex200TexthtmlResponse{Body: &b, ContentLength: int64(b.Len())}, nil
}
