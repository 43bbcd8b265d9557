package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// HTTP's conditional and HEAD requests on reads (issue 19 item 3).

// serveHead lets every GET route answer HEAD too: the same handler runs, and the server sends
// its headers (status, ETag, Content-Type, Content-Length) without the body.
func serveHead(r *gin.Engine) {
	for _, rt := range r.Routes() {
		if rt.Method == http.MethodGet {
			r.HEAD(rt.Path, rt.HandlerFunc)
		}
	}
}

// notModified answers 304 Not Modified to a GET or HEAD whose If-None-Match names the ETag the
// answer would carry, so a client polling a record it holds moves no body.
func notModified() gin.HandlerFunc {
	return func(c *gin.Context) {
		m := c.Request.Method
		inm := c.GetHeader("If-None-Match")
		if inm == "" || (m != http.MethodGet && m != http.MethodHead) {
			c.Next()
			return
		}
		w := &conditionalWriter{ResponseWriter: c.Writer, ifNoneMatch: inm}
		c.Writer = w
		c.Next()
	}
}

// conditionalWriter decides at the first write of a 200 answer whether the client's copy is
// current; if so it sends 304 with the ETag and drops the body.
type conditionalWriter struct {
	gin.ResponseWriter
	ifNoneMatch string
	decided     bool
	suppress    bool
}

func (w *conditionalWriter) decide() {
	if w.decided {
		return
	}
	w.decided = true
	tag := w.Header().Get("ETag")
	if w.ResponseWriter.Status() != http.StatusOK || tag == "" || !etagListHas(w.ifNoneMatch, tag) {
		return
	}
	w.suppress = true
	h := w.Header()
	h.Del("Content-Type")
	h.Del("Content-Length")
	w.ResponseWriter.WriteHeader(http.StatusNotModified)
	w.ResponseWriter.WriteHeaderNow()
}

func (w *conditionalWriter) Write(b []byte) (int, error) {
	w.decide()
	if w.suppress {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *conditionalWriter) WriteString(s string) (int, error) {
	w.decide()
	if w.suppress {
		return len(s), nil
	}
	return w.ResponseWriter.WriteString(s)
}

func (w *conditionalWriter) WriteHeaderNow() {
	w.decide()
	if !w.suppress {
		w.ResponseWriter.WriteHeaderNow()
	}
}

// etagListHas reports whether an If-None-Match list names tag, by weak comparison (RFC 9110
// 13.1.2: W/ prefixes are ignored), or is "*".
func etagListHas(list, tag string) bool {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
	for _, v := range strings.Split(list, ",") {
		v = strings.TrimSpace(v)
		if v == "*" || strings.TrimPrefix(v, "W/") == tag {
			return true
		}
	}
	return false
}
