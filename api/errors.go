package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/httplog"
)

// statusOf is the one table that maps domain error codes to HTTP statuses.
var statusOf = map[casereview.Code]int{
	casereview.CodeInvalid:              http.StatusUnprocessableEntity,
	casereview.CodeMalformed:            http.StatusBadRequest,
	casereview.CodeNotFound:             http.StatusNotFound,
	casereview.CodeConflict:             http.StatusConflict,
	casereview.CodePreconditionFailed:   http.StatusPreconditionFailed,
	casereview.CodePreconditionRequired: http.StatusPreconditionRequired,
	casereview.CodeTooLarge:             http.StatusRequestEntityTooLarge,
	casereview.CodeUnauthenticated:      http.StatusUnauthorized,
	casereview.CodeForbidden:            http.StatusForbidden,
	casereview.CodeRateLimited:          http.StatusTooManyRequests,
	casereview.CodeUnavailable:          http.StatusServiceUnavailable,
	casereview.CodeInternal:             http.StatusInternalServerError,
}

const problemContentType = "application/problem+json"

// writeProblem renders err as an RFC 9457 problem. Internal errors are logged with their cause
// and shown to the caller only as "internal error" and the request id.
func writeProblem(c *gin.Context, err error) {
	var de *casereview.Error
	if !errors.As(err, &de) {
		de = &casereview.Error{Code: casereview.CodeInternal, Message: "internal error", Err: err}
	}
	status, ok := statusOf[de.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		httplog.SetError(c, err) // the access log records the cause; the caller never sees it
	}
	p := Problem{
		Type:   "urn:casereview:problem:" + string(de.Code),
		Title:  http.StatusText(status),
		Status: status,
	}
	detail := de.Message
	if status == http.StatusInternalServerError {
		detail = "internal error; quote the request id when reporting it"
	}
	p.Detail = &detail
	rid := httplog.IDOf(c)
	p.RequestId = &rid
	inst := c.Request.URL.Path
	p.Instance = &inst
	if len(de.Fields) > 0 {
		fe := make([]FieldError, len(de.Fields))
		for i, f := range de.Fields {
			fe[i] = FieldError{Field: f.Field, Code: f.Code, Message: f.Message}
		}
		p.Errors = &fe
	}
	if de.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(de.RetryAfter.Seconds()))))
	}
	if de.Code == casereview.CodePreconditionFailed && de.CurrentVersion > 0 {
		c.Header("ETag", etag(de.CurrentVersion))
	}
	if status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="casereview"`)
	}
	body, _ := json.Marshal(p)
	c.Abort()
	c.Data(status, problemContentType, body)
}

var paramName = regexp.MustCompile(`parameter ([A-Za-z0-9_-]+)`)

var unknownField = regexp.MustCompile(`^json: unknown field "(.*)"$`)

// decodeError explains why a request body could not be read, naming the field where the
// decoder knows it.
func decodeError(err error) error {
	var (
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
		tooLarge *http.MaxBytesError
	)
	malformed := func(msg string, fields ...casereview.FieldError) error {
		return &casereview.Error{Code: casereview.CodeMalformed, Message: msg, Fields: fields, Err: err}
	}
	switch {
	case errors.As(err, &tooLarge):
		return &casereview.Error{Code: casereview.CodeTooLarge, Message: fmt.Sprintf("the request body is larger than %d bytes", tooLarge.Limit)}
	case errors.Is(err, io.EOF):
		return malformed("the request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("the JSON ends unexpectedly")
	case errors.As(err, &syntax):
		return malformed(fmt.Sprintf("the body is not valid JSON (at byte %d)", syntax.Offset))
	case errors.As(err, &typ):
		field := jsonPath(typ.Field)
		if field == "" {
			return malformed("the body must be a JSON object")
		}
		return malformed("a field has the wrong type", casereview.FieldError{Field: field, Code: casereview.FieldWrongType,
			Message: fmt.Sprintf("%s must be %s, not %s", field, jsonKind(typ.Type.Kind().String()), typ.Value)})
	}
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		return malformed("the body has a field this endpoint does not accept", casereview.FieldError{Field: m[1],
			Code: casereview.FieldUnknownField, Message: fmt.Sprintf("%s is not a field of this request", m[1])})
	}
	return malformed("the body could not be read: " + err.Error())
}

// jsonPath turns the decoder's dotted path (addressees.0.role) into addressees[0].role.
func jsonPath(p string) string {
	parts := strings.Split(p, ".")
	var b strings.Builder
	for _, part := range parts {
		if part == "" {
			continue
		}
		if part[0] >= '0' && part[0] <= '9' {
			b.WriteString("[" + part + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int64", "int32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return "of another type"
}

// paramError explains a query, path or header parameter that could not be read.
func paramError(c *gin.Context, err error, _ int) {
	field := "parameter"
	if m := paramName.FindStringSubmatch(err.Error()); m != nil {
		field = m[1]
	}
	writeProblem(c, &casereview.Error{Code: casereview.CodeMalformed, Message: "a parameter could not be read",
		Fields: []casereview.FieldError{{Field: field, Code: casereview.FieldWrongType, Message: fmt.Sprintf("%s has the wrong format", field)}}, Err: err})
}
