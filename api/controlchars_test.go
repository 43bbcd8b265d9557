package api_test

import (
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// Issue 13 item 10: a NUL byte (or another control character) is refused at the edge with a
// field-level 422 on every input, never a 500 from PostgreSQL; line breaks in text still pass.
func TestControlCharactersAreRefusedAtTheEdge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		anon := apitest.Start(t, dialect, apitest.Options{Anonymous: true})
		r := anon.Do("POST", "/api/v1/auth/login", `{"email":"a\u0000@example.org","password":"x"}`)
		checkProblem(t, r, "/api/v1/auth/login", problemWant{Status: 422, Type: "invalid", Errors: []fieldErr{{Field: "email", Code: "invalid"}}})

		s := apitest.Start(t, dialect, apitest.Options{})
		r = s.Do("GET", "/api/v1/users?email=%00", nil)
		checkProblem(t, r, "/api/v1/users", problemWant{Status: 422, Type: "invalid", Errors: []fieldErr{{Field: "email", Code: "invalid"}}})
		r = s.Do("GET", "/api/v1/search?q=a%01b", nil)
		checkProblem(t, r, "/api/v1/search", problemWant{Status: 422, Type: "invalid", Errors: []fieldErr{{Field: "q", Code: "invalid"}}})
		r = s.Do("POST", "/api/v1/organisations", `{"name":"Westmarch\u001bPolice","sector":"police","aliases":["ok","bad\u0007"]}`)
		checkProblem(t, r, "/api/v1/organisations", problemWant{Status: 422, Type: "invalid", Errors: []fieldErr{{Field: "aliases[1]", Code: "invalid"}}})
		before := countAll(t, s)
		r = s.Do("POST", "/api/v1/partnerships", `{"name":"Nul\u0000 CSP","kind":"other"}`)
		checkProblem(t, r, "/api/v1/partnerships", problemWant{Status: 422, Type: "invalid", Errors: []fieldErr{{Field: "name", Code: "invalid"}}})
		before.same(t, s, "refused partnership")
		// Text with line breaks and tabs is fine.
		f := newFixture(t, s)
		do(t, s, 201, "POST", "/api/v1/recommendations", `{"review_id":"`+f.Review+`","number":"1","scope":"local","text":"Train staff.\n\tThen audit."}`)
	})
}
