package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/httplog"
)

// recoverProblem turns a panic into a 500 problem, logged with the request id.
func recoverProblem() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				writeProblem(c, fmt.Errorf("panic: %v", r))
			}
		}()
		c.Next()
	}
}

// securityHeaders sets the headers every response carries. API responses are never cached:
// they hold safeguarding data.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		c.Next()
	}
}

// limitBody caps request bodies and insists that bodies are JSON: the server never parses
// forms, which also keeps cross-site form posts out. The whole body is read here, so a body over
// the limit is refused even when its JSON ends early, and anything after the JSON value is an
// error rather than silently ignored.
func limitBody(max int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		m := c.Request.Method
		if c.FullPath() == "" || (m != http.MethodPost && m != http.MethodPatch && m != http.MethodPut) {
			c.Next() // unknown routes and methods are answered 404/405 by the router
			return
		}
		if c.Request.ContentLength == 0 && c.GetHeader("Content-Type") == "" {
			c.Next() // a POST with no body at all (logout, starting enrolment) has nothing to check
			return
		}
		mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
		if err == nil && mt == "multipart/form-data" && (c.FullPath() == "/api/v1/actions/:id/evidence" || c.FullPath() == "/api/v1/imports" || c.FullPath() == "/api/v1/instance-imports") {
			// Uploads stream to the handler under their own, larger limit.
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxEvidenceUpload)
			c.Next()
			return
		}
		if err == nil && mt == "multipart/form-data" && c.FullPath() == "/api/v1/reviews/:id/reports" {
			// A review's report may be larger than evidence (casereview.MaxReportBytes).
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxReportUpload)
			c.Next()
			return
		}
		// Checkpoints are verified as the file holds them: JSON lines, checked by the handler.
		ndjson := err == nil && mt == "application/x-ndjson" && c.FullPath() == "/api/v1/audit/verify"
		if !ndjson && (err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json"))) {
			c.Header("Accept", "application/json")
			writeProblemStatus(c, http.StatusUnsupportedMediaType, "send the body as JSON with Content-Type: application/json")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, max))
		if err != nil {
			writeProblem(c, decodeError(err))
			return
		}
		if trimmed := bytes.TrimSpace(body); !ndjson && len(trimmed) > 0 && !json.Valid(trimmed) {
			var v any
			dec := json.NewDecoder(bytes.NewReader(trimmed))
			if err := dec.Decode(&v); err != nil {
				writeProblem(c, decodeError(err))
			} else {
				writeProblem(c, &casereview.Error{Code: casereview.CodeMalformed,
					Message: fmt.Sprintf("the body has more after its JSON value (at byte %d); send exactly one JSON object", dec.InputOffset())})
			}
			return
		}
		if !ndjson {
			if field, r := controlInJSON(body); field != "" {
				writeProblem(c, controlField(field, r))
				return
			}
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		c.Next()
	}
}

// writeProblemStatus renders a problem that has no domain code (routing and media-type errors).
func writeProblemStatus(c *gin.Context, status int, detail string) {
	rid, inst := httplog.IDOf(c), c.Request.URL.Path
	c.Abort()
	body := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: &detail, RequestId: &rid, Instance: &inst}
	raw, _ := json.Marshal(body)
	c.Data(status, problemContentType, raw)
}
