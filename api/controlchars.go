package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Control characters are refused at the edge, once for every input (issue 13 item 10): a NUL
// byte reached PostgreSQL and answered 500, and no field of this service has a use for C0
// controls other than tab and line breaks in free text. Query parameters may hold none at all.

// badControl reports whether s holds a control character a body's text may not carry.
func badControl(s string, allowLineBreaks bool) bool {
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			if !allowLineBreaks {
				return true
			}
		case r < 0x20 || r == 0x7f:
			return true
		}
	}
	return false
}

func controlField(field string) *casereview.Error {
	return &casereview.Error{Code: casereview.CodeInvalid, Message: "control characters are not accepted",
		Fields: []casereview.FieldError{{Field: field, Code: "invalid", Message: "must not contain control characters (such as a NUL byte)"}}}
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
			if badControl(k, false) {
				writeProblem(c, controlField("query"))
				return
			}
			for _, v := range q[k] {
				if badControl(v, false) {
					writeProblem(c, controlField(k))
					return
				}
			}
		}
		c.Next()
	}
}

// controlInJSON returns the path of the first string (key or value) in body that holds a
// control character other than tab and line breaks, or "".
func controlInJSON(body []byte) string {
	if !bytes.Contains(body, []byte(`\u`)) && !bytes.ContainsRune(body, 0x7f) {
		return "" // raw controls are invalid JSON; escaped ones all start \u
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	return walkControl(v, "")
}

func walkControl(v any, path string) string {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch x := v.(type) {
	case string:
		if badControl(x, true) {
			return strings.TrimPrefix(path, ".")
		}
	case []any:
		for i, e := range x {
			if p := walkControl(e, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if badControl(k, false) {
				return join("(a member name)")
			}
			if p := walkControl(x[k], join(k)); p != "" {
				return p
			}
		}
	}
	return ""
}
