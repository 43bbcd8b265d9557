package casereview

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckText records problems with a free-text field. Text is stored exactly as given (a
// recommendation's wording is evidence), but it must be valid UTF-8 without control characters
// other than tab and line breaks: PostgreSQL refuses NUL bytes, and other controls only ever
// arrive by accident.
func CheckText(p *Problems, field, s string, required bool, max int) {
	if strings.TrimSpace(s) == "" {
		if required {
			p.Add(field, FieldRequired, "%s is required", field)
			return
		}
		if s == "" {
			return
		}
		// Optional whitespace is stored as given, so it must still keep the length and
		// control-character rules (\v, \f and U+0085 are both space and control).
	}
	if !utf8.ValidString(s) {
		p.Add(field, FieldInvalid, "%s is not valid UTF-8 text", field)
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		p.Add(field, FieldTooLong, "%s is %d characters long; the limit is %d", field, n, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			p.Add(field, FieldInvalid, "%s contains a control character (U+%04X)", field, r)
			return
		}
	}
}

// CheckOptionalText is CheckText for a field that may be absent.
func CheckOptionalText(p *Problems, field string, s *string, max int) {
	if s != nil {
		CheckText(p, field, *s, false, max)
	}
}

// CleanList trims the entries of a list of short names, drops blanks and duplicates (ignoring
// case) and keeps the first spelling.
func CleanList(in []string) []string {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}

// checkFilterText applies the text rules to free-text list filters, which go into queries.
func checkFilterText(p *Problems, fields map[string]string) {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		CheckText(p, k, fields[k], false, 200)
	}
}
