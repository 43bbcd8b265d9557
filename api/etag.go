package api

import (
	"context"
	"strconv"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// The ETag of a record is its version number, quoted. Clients send it back in If-Match.

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// anyVersion stands for If-Match: *, which RFC 9110 defines as "whatever is current".
const anyVersion = -1

// ifMatch reads the version a caller expects to change. Updates without one are refused (428):
// two agencies editing one record must never silently overwrite each other.
func ifMatch(h *string) (int, error) {
	if h == nil || strings.TrimSpace(*h) == "" {
		return 0, &casereview.Error{Code: casereview.CodePreconditionRequired,
			Message: "send the record's ETag in an If-Match header (read it first with GET)"}
	}
	v := strings.TrimSpace(*h)
	if v == "*" {
		return anyVersion, nil
	}
	v = strings.TrimPrefix(v, "W/")
	if n, err := strconv.Atoi(strings.Trim(v, `"`)); err == nil && n > 0 {
		return n, nil
	}
	return 0, &casereview.Error{Code: casereview.CodePreconditionFailed, Message: "If-Match does not name a version of this record"}
}

// expect resolves If-Match against the current version, answering 412 when they differ. The
// store checks again inside its transaction, so a write between this read and that one is
// caught too.
func expect(h *string, kind string, current int) (int, error) {
	v, err := ifMatch(h)
	if err != nil {
		return 0, err
	}
	if v == anyVersion {
		return current, nil
	}
	if v != current {
		return 0, casereview.Stale(kind, current)
	}
	return v, nil
}

// current loads the record an update or delete names and resolves the caller's If-Match
// against it: not found, missing or stale preconditions are answered before any write.
func current[T any](ctx context.Context, get func(context.Context, string) (T, error), id string, h *string, kind string, version func(T) int) (T, int, error) {
	cur, err := get(ctx, id)
	if err != nil {
		return cur, 0, err
	}
	v, err := expect(h, kind, version(cur))
	return cur, v, err
}
