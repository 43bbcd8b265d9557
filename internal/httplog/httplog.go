// Package httplog gives every HTTP request of both adapters (the JSON API and the web pages) an
// id and one structured log line, in one place.
package httplog

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

const (
	// HeaderRequestID carries the request's id in and out.
	HeaderRequestID = "X-Request-Id"
	keyRequestID    = "casereview.request_id"
	keyError        = "casereview.error"
)

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// RequestID gives every request an id: the caller's X-Request-Id when it is safe to echo (so one
// id follows a request through proxies), a fresh random one otherwise.
func RequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(HeaderRequestID)
		if !safeRequestID.MatchString(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(keyRequestID, id)
		c.Header(HeaderRequestID, id)
		ctx := casereview.WithRequestInfo(c.Request.Context(), casereview.RequestInfo{RequestID: id, ClientIP: c.ClientIP()})
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// IDOf is the request's id.
func IDOf(c *gin.Context) string { return c.GetString(keyRequestID) }

// SetError records the cause of a failure for the access log; callers never see it.
func SetError(c *gin.Context, err error) { c.Set(keyError, err.Error()) }

// AccessLog writes one structured line per request. It logs the route pattern, not the raw
// path or query, so that ids and search terms (which may describe people) stay out of logs.
func AccessLog(log *slog.Logger) gin.HandlerFunc {
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
			slog.String("request_id", IDOf(c)),
			slog.String("method", c.Request.Method),
			slog.String("route", route),
			slog.Int("status", c.Writer.Status()),
			slog.Int("bytes", c.Writer.Size()),
			slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
		}, extra...)...)
	}
}

// Observe reports each request's route (the router's pattern, "unmatched" when none), method,
// status and duration: the metrics' request latency by route, without ids in the labels.
func Observe(fn func(route, method string, status int, took time.Duration)) gin.HandlerFunc {
	return func(c *gin.Context) {
		if fn == nil {
			c.Next()
			return
		}
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		fn(route, c.Request.Method, c.Writer.Status(), time.Since(start))
	}
}
