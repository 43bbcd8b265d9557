package casereview

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Code classifies a domain error. The API maps each code to an HTTP status in one table
// (api/errors.go); nothing else decides statuses.
type Code string

const (
	CodeInvalid              Code = "invalid"               // the input breaks a rule; Fields says which
	CodeMalformed            Code = "malformed"             // the input could not be read at all
	CodeNotFound             Code = "not_found"             // no such record (or the caller may not see it)
	CodeConflict             Code = "conflict"              // a uniqueness rule or a dependent record blocks the act
	CodePreconditionFailed   Code = "precondition_failed"   // If-Match named a version that is no longer current
	CodePreconditionRequired Code = "precondition_required" // an update came without If-Match
	CodeTooLarge             Code = "too_large"
	CodeUnauthenticated      Code = "unauthenticated"
	CodeForbidden            Code = "forbidden"
	CodeRateLimited          Code = "rate_limited" // too many failed attempts; RetryAfter says for how long
	CodeUnavailable          Code = "unavailable"
	CodeInternal             Code = "internal"
)

// FieldError names one offending field by its JSON path, e.g. "addressees[1].role".
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error is the only error type that crosses from the domain and the store to the API.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error // the cause, for logs; never shown to callers
	// RetryAfter, for rate_limited, is how long the caller must wait.
	RetryAfter time.Duration
	// CurrentVersion, for precondition_failed, is the record's version now, so the answer can
	// carry the current ETag and the caller can retry without another read.
	CurrentVersion int
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of err, CodeInternal for anything that is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// IsCode reports whether err carries code.
func IsCode(err error, code Code) bool { return err != nil && ErrorCode(err) == code }

// NotFound says the named kind of record does not exist. The message never echoes the id, so a
// caller learns nothing it did not already send.
func NotFound(kind string) *Error {
	return &Error{Code: CodeNotFound, Message: kind + " not found"}
}

// Conflict reports a clash with existing data, optionally on one field.
func Conflict(msg string, fields ...FieldError) *Error {
	return &Error{Code: CodeConflict, Message: msg, Fields: fields}
}

// Stale reports an If-Match that no longer matches.
func Stale(kind string, current int) *Error {
	return &Error{Code: CodePreconditionFailed, CurrentVersion: current,
		Message: fmt.Sprintf("%s has changed since you read it (current version %d); reload and try again", kind, current)}
}

// Problems collects field errors while validating, so a caller hears about every problem at once.
type Problems struct{ list []FieldError }

// Add records a problem with field.
func (p *Problems) Add(field, code, format string, args ...any) {
	p.list = append(p.list, FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Extend records problems found elsewhere.
func (p *Problems) Extend(fs ...FieldError) { p.list = append(p.list, fs...) }

// Empty reports whether nothing was recorded.
func (p *Problems) Empty() bool { return len(p.list) == 0 }

// Err returns nil when there are no problems and an invalid-input error otherwise.
func (p *Problems) Err() error {
	if len(p.list) == 0 {
		return nil
	}
	return p.invalid()
}

// invalid is the error for the problems recorded (at least one).
func (p *Problems) invalid() *Error {
	return &Error{Code: CodeInvalid, Message: "the request has invalid fields", Fields: p.list}
}

// Invalid builds an invalid-input error for one field.
func Invalid(field, code, format string, args ...any) *Error {
	var p Problems
	p.Add(field, code, format, args...)
	return p.invalid()
}

// Field error codes, so clients can branch on them.
const (
	FieldRequired     = "required"
	FieldInvalid      = "invalid"
	FieldUnknownValue = "unknown_value"
	FieldTooLong      = "too_long"
	FieldNotFound     = "not_found"
	FieldDuplicate    = "duplicate"
	FieldOrder        = "out_of_order"
	FieldUnknownField = "unknown_field"
	FieldWrongType    = "wrong_type"
	FieldDeprecated   = "deprecated" // a theme an admin deprecated: kept where assigned, not newly assignable
)
