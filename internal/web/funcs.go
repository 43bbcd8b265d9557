package web

import (
	"html/template"
	"strconv"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// funcs are the template functions every page may use. Screens that need more add them to
// extraFuncs from their own file (in an init function), so this list stays about shared things.
func (h *Handler) funcs() template.FuncMap {
	m := template.FuncMap{
		"label":    label,
		"tagClass": tagClass,
		"fieldID":  fieldID,
		"date":     formatDate,
		"dateTime": formatDateTime,
		"isoDate":  isoDate,
		"plural":   plural,
		"dict":     dict,
		"list":     func(v ...any) []any { return v },
		"add":      func(a, b int) int { return a + b },
		"percent":  percent,
		"ratio":    ratio,
		"str":      toString,
	}
	for k, v := range extraFuncs {
		m[k] = v
	}
	return m
}

// extraFuncs holds template functions registered by individual screens.
var extraFuncs = template.FuncMap{}

// formatDate shows a date the GOV.UK way: "2 March 2026". It takes a casereview.Date, a
// *casereview.Date, a time.Time or a *time.Time; nothing (nil) shows as "".
func formatDate(v any) string {
	switch d := v.(type) {
	case casereview.Date:
		if d.Year == 0 {
			return ""
		}
		return d.Time().Format("2 January 2006")
	case *casereview.Date:
		if d == nil {
			return ""
		}
		return formatDate(*d)
	case time.Time:
		if d.IsZero() {
			return ""
		}
		return d.Format("2 January 2006")
	case *time.Time:
		if d == nil {
			return ""
		}
		return formatDate(*d)
	}
	return ""
}

// formatDateTime shows a moment as "2 March 2026 at 10:04am" (UK time).
func formatDateTime(v any) string {
	var t time.Time
	switch d := v.(type) {
	case time.Time:
		t = d
	case *time.Time:
		if d == nil {
			return ""
		}
		t = *d
	default:
		return formatDate(v)
	}
	if t.IsZero() {
		return ""
	}
	return t.In(ukTime).Format("2 January 2006 at 3:04pm")
}

// isoDate is a date as YYYY-MM-DD for datetime attributes and form values.
func isoDate(v any) string {
	switch d := v.(type) {
	case casereview.Date:
		if d.Year == 0 {
			return ""
		}
		return d.String()
	case *casereview.Date:
		if d == nil {
			return ""
		}
		return d.String()
	case time.Time:
		return d.Format("2006-01-02")
	case *time.Time:
		if d == nil {
			return ""
		}
		return d.Format("2006-01-02")
	}
	return ""
}

var ukTime = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// plural: plural 1 "recommendation" "recommendations" -> "1 recommendation". n is an int or
// an int64 (the counts the audit trail and the store give).
func plural(n any, one, many string) string {
	var c int64
	switch x := n.(type) {
	case int:
		c = int64(x)
	case int64:
		c = x
	}
	if c == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(c, 10) + " " + many
}

// dict builds a map for passing several values to a partial: dict "Name" .X "Page" $.
func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}
