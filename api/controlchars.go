package api

import (
	"encoding/json"
	"fmt"
	"sort"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Control characters are refused at the edge, once for every input (issue 13 item 10): a NUL
// byte reached PostgreSQL and answered 500, and no field of this service has a use for C0
// controls other than tab and line breaks in free text. Query parameters may hold none at all.

// firstControl returns the first control character in s that input may not carry (tab and
// line breaks are allowed in bodies' text, as casereview.CheckText allows them), or -1.
func firstControl(s string, allowLineBreaks bool) rune {
	for _, r := range s {
		if (r == '\t' || r == '\n' || r == '\r') && allowLineBreaks {
			continue
		}
		if unicode.IsControl(r) {
			return r
		}
	}
	return -1
}

func badControl(s string, allowLineBreaks bool) bool { return firstControl(s, allowLineBreaks) >= 0 }

// controlField is the same field problem casereview.CheckText reports.
func controlField(field string, r rune) error {
	var p casereview.Problems
	p.Add(field, casereview.FieldInvalid, "%s contains a control character (U+%04X)", field, r)
	return p.Err()
}

// refuseControlInQuery answers 422 for a query parameter (name or value) holding a control character.
func refuseControlInQuery() gin.HandlerFunc {
	return func(c *gin.Context) {
		q := c.Request.URL.Query()
		names := make([]string, 0, len(q))
		for k := range q {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if r := firstControl(k, false); r >= 0 {
				writeProblem(c, controlField("query", r))
				return
			}
			for _, v := range q[k] {
				if r := firstControl(v, false); r >= 0 {
					writeProblem(c, controlField(k, r))
					return
				}
			}
		}
		c.Next()
	}
}

// controlInJSON returns the path of the first string (key or value) in body that holds a
// control character other than tab and line breaks, and that character ("", -1 when none).
func controlInJSON(body []byte) (string, rune) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return "", -1
	}
	return walkControl(v, "")
}

func walkControl(v any, path string) (string, rune) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch x := v.(type) {
	case string:
		if r := firstControl(x, true); r >= 0 {
			return path, r
		}
	case []any:
		for i, e := range x {
			if p, r := walkControl(e, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p, r
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if r := firstControl(k, false); r >= 0 {
				return join("(a member name)"), r
			}
			if p, r := walkControl(x[k], join(k)); p != "" {
				return p, r
			}
		}
	}
	return "", -1
}
