package casereview

import (
	"encoding/base64"
	"encoding/json"
)

const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// PageRequest asks for one page of a list ordered newest first.
type PageRequest struct {
	Limit int
	// After is the id of the last item of the previous page, decoded from the opaque cursor.
	After string
}

// Page is one page of a list and the total matching the filters.
type Page[T any] struct {
	Items      []T
	Total      int64
	NextCursor string // empty on the last page
}

type cursor struct {
	After string `json:"a"`
}

// ParsePageRequest validates limit and cursor from the API.
func ParsePageRequest(limit *int, cur *string) (PageRequest, error) {
	var p Problems
	req := PageRequest{Limit: DefaultPageSize}
	if limit != nil {
		if *limit < 1 || *limit > MaxPageSize {
			p.Add("limit", FieldInvalid, "limit must be between 1 and %d", MaxPageSize)
		} else {
			req.Limit = *limit
		}
	}
	if cur != nil && *cur != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*cur)
		var c cursor
		if err == nil {
			err = json.Unmarshal(raw, &c)
		}
		id, ok := NormaliseID(c.After)
		if err != nil || !ok {
			p.Add("cursor", FieldInvalid, "cursor is not one this server issued; start again without it")
		} else {
			req.After = id
		}
	}
	return req, p.Err()
}

// EncodeCursor makes the opaque cursor that resumes after id.
func EncodeCursor(id string) string {
	raw, _ := json.Marshal(cursor{After: id})
	return base64.RawURLEncoding.EncodeToString(raw)
}
