package api

import (
	"strings"
	"testing"
)

// Every route the router serves is known to the unknown-parameter check (a route it did not know
// would let any parameter through), and the table reflects the specification.
func TestEveryRouteHasItsDeclaredQueryParameters(t *testing.T) {
	declared, err := declaredQueryParams()
	if err != nil {
		t.Fatal(err)
	}
	r := NewRouter(Options{})
	for _, rt := range r.Routes() {
		method := rt.Method
		if method == "HEAD" {
			method = "GET" // HEAD runs the GET operation
		}
		if _, ok := declared[method+" "+rt.Path]; !ok {
			t.Errorf("%s %s is served but has no entry in the specification's parameter table", rt.Method, rt.Path)
		}
	}
	if got := strings.Join(declared["GET /api/v1/reviews/:id"], ","); got != "" {
		t.Errorf("GET /api/v1/reviews/:id declares %q, want none", got)
	}
	if !contains(declared["GET /api/v1/search"], "q") || !contains(declared["GET /api/v1/search"], "theme") {
		t.Errorf("GET /api/v1/search: %v", declared["GET /api/v1/search"])
	}
}
