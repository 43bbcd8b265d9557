package casereview

import (
	"regexp"
	"strings"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// NormaliseID lower-cases an identifier and reports whether it is a well-formed UUID. Ids are
// checked before they reach a query: PostgreSQL rejects a malformed uuid with an error, and an
// unknown id must answer "not found" the same way whatever its shape.
func NormaliseID(id string) (string, bool) {
	id = strings.ToLower(strings.TrimSpace(id))
	return id, uuidPattern.MatchString(id)
}

// CheckID records a problem when a referenced id is missing or malformed; it returns the
// normalised id.
func CheckID(p *Problems, field, id string, required bool) string {
	if id == "" {
		if required {
			p.Add(field, FieldRequired, "%s is required", field)
		}
		return ""
	}
	n, ok := NormaliseID(id)
	if !ok {
		p.Add(field, FieldInvalid, "%q is not a valid id", id)
		return ""
	}
	return n
}
