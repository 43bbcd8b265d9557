package api

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Unknown query parameters are a client mistake worth reporting (issue 19 item 3):
// `?organization_id=` (US spelling) used to return every row, and a summary's `?review_type=`
// unfiltered figures, because nothing looked at names the operation does not declare. The
// specification is the list of what each operation accepts; this middleware holds every request
// to it, so a new parameter is accepted exactly when the specification declares it.

// queryParamsByRoute maps "METHOD /gin/path/:id" to the query parameters its operation declares.
type queryParamsByRoute map[string][]string

var specPathParam = regexp.MustCompile(`\{([^}]+)\}`)

// declaredQueryParams reads the embedded specification once per process: parsing it costs tens
// of milliseconds, which every router (every test application) used to pay again. The map is
// only ever read.
var declaredQueryParams = sync.OnceValues(readDeclaredQueryParams)

func readDeclaredQueryParams() (queryParamsByRoute, error) {
	spec, err := GetSwagger()
	if err != nil {
		return nil, err
	}
	out := queryParamsByRoute{}
	for path, item := range spec.Paths.Map() {
		ginPath := specPathParam.ReplaceAllString(path, ":$1")
		for method, op := range item.Operations() {
			var names []string
			for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
				for _, ref := range list {
					if p := ref.Value; p != nil && p.In == openapi3.ParameterInQuery {
						names = append(names, p.Name)
					}
				}
			}
			sort.Strings(names)
			out[strings.ToUpper(method)+" "+ginPath] = names
		}
	}
	return out, nil
}

// refuseUnknownQuery answers 400 naming the unknown parameter and the accepted ones.
func refuseUnknownQuery(declared queryParamsByRoute) gin.HandlerFunc {
	return func(c *gin.Context) {
		route := c.FullPath()
		if route == "" || c.Request.URL.RawQuery == "" {
			c.Next() // no route: NoRoute answers; no query: nothing to check
			return
		}
		method := c.Request.Method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		accepted, ok := declared[method+" "+route]
		if !ok {
			c.Next()
			return
		}
		var unknown []string
		for name := range c.Request.URL.Query() {
			if !contains(accepted, name) {
				unknown = append(unknown, name)
			}
		}
		if len(unknown) == 0 {
			c.Next()
			return
		}
		sort.Strings(unknown)
		writeProblem(c, unknownQueryProblem(unknown, accepted))
	}
}

func unknownQueryProblem(unknown, accepted []string) error {
	what := "accepts no query parameters"
	if len(accepted) > 0 {
		what = "accepts " + strings.Join(accepted, ", ")
	}
	fields := make([]casereview.FieldError, 0, len(unknown))
	for _, name := range unknown {
		fields = append(fields, casereview.FieldError{Field: name, Code: casereview.FieldUnknownField,
			Message: fmt.Sprintf("unknown query parameter %q: this endpoint %s", name, what)})
	}
	return &casereview.Error{Code: casereview.CodeMalformed,
		Message: fmt.Sprintf("unknown query parameter %s; this endpoint %s", strings.Join(quoteAll(unknown), ", "), what), Fields: fields}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fmt.Sprintf("%q", n)
	}
	return out
}
