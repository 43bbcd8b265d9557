package api

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

const (
	headerRequestID = "X-Request-Id"
	keyRequestID    = "casereview.request_id"
	keyError        = "casereview.error"
)

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// withRequestID gives every request an id: the caller's X-Request-Id when it is safe to echo
// (so one id follows a request through proxies), a fresh random one otherwise.
func withRequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(headerRequestID)
		if !safeRequestID.MatchString(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(keyRequestID, id)
		c.Header(headerRequestID, id)
		ctx := casereview.WithRequestInfo(c.Request.Context(), casereview.RequestInfo{RequestID: id, ClientIP: c.ClientIP()})
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

func requestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// accessLog writes one structured line per request. It logs the route pattern, not the raw
// path or query, so that ids and search terms (which may describe people) stay out of logs.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "(unmatched)"
		}
		level := slog.LevelInfo
		var extra []slog.Attr
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
			extra = append(extra, slog.String("error", c.GetString(keyError)))
		}
		log.LogAttrs(c, level, "request", append([]slog.Attr{
			slog.String("request_id", requestID(c)),
			slog.String("method", c.Request.Method),
			slog.String("route", route),
			slog.Int("status", c.Writer.Status()),
			slog.Int("bytes", c.Writer.Size()),
			slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
		}, extra...)...)
	}
}

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
		if err == nil && mt == "multipart/form-data" && (c.FullPath() == "/api/v1/actions/:id/evidence" || c.FullPath() == "/api/v1/imports") {
			// Uploads stream to the handler under their own, larger limit.
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxEvidenceUpload)
			c.Next()
			return
		}
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			c.Header("Accept", "application/json")
			writeProblemStatus(c, http.StatusUnsupportedMediaType, "send the body as JSON with Content-Type: application/json")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, max))
		if err != nil {
			writeProblem(c, decodeError(err))
			return
		}
		if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && !json.Valid(trimmed) {
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
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		c.Next()
	}
}

// writeProblemStatus renders a problem that has no domain code (routing and media-type errors).
func writeProblemStatus(c *gin.Context, status int, detail string) {
	rid, inst := requestID(c), c.Request.URL.Path
	c.Abort()
	body := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: &detail, RequestId: &rid, Instance: &inst}
	raw, _ := json.Marshal(body)
	c.Data(status, problemContentType, raw)
}
