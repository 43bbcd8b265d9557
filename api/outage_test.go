package api_test

import (
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// Issue 13 item 10: with the database gone under a running app (its connection pool closed),
// requests answer 503 with Retry-After, not 500.
func TestDatabaseOutageAnswers503(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		do(t, s, 200, "GET", "/api/v1/users", nil)
		if err := s.App.Store().Close(); err != nil { // every pool of the store, as an outage leaves it
			t.Fatal(err)
		}
		// Filters that look a code up first: a failed lookup is the database's failure, never
		// "not a theme code" (422) for a theme or review type that exists.
		for _, path := range []string{"/api/v1/users", "/api/v1/partnerships", "/api/v1/audit",
			"/api/v1/recommendations?theme=stalking", "/api/v1/recommendations?review_type=DHR", "/api/v1/reviews?type=DHR"} {
			r := s.Do("GET", path, nil)
			checkProblem(t, r, path, problemWant{Status: 503, Type: "unavailable"})
			if r.Header.Get("Retry-After") == "" {
				t.Errorf("%s: no Retry-After", path)
			}
		}
		r := s.Do("POST", "/api/v1/partnerships", map[string]any{"name": "Westmarch CSP", "kind": "other"})
		checkProblem(t, r, "/api/v1/partnerships", problemWant{Status: 503, Type: "unavailable"})
	})
}
