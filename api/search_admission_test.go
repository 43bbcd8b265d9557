package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/search"
)

// Searches past what the machine can run at once are turned away at once with 503 and
// Retry-After, and only they: the search holding the slot is unaffected, and the next one after
// it is answered (issue 20 item 4, graceful overload).
func TestSearchSheddingUnderOverload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		gate := search.NewGate(1, 0, time.Second)
		s := apitest.Start(t, dialect, apitest.Options{SearchGate: gate})
		do(t, s, 200, "GET", "/api/v1/search?q=police", nil)
		leave, err := gate.Enter(context.Background()) // another search is running
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/search?q=police", "/api/v1/search?q=training&facets=none"} {
			r := s.Do("GET", path, nil)
			checkProblem(t, r, "/api/v1/search", problemWant{Status: 503, Type: "unavailable"})
			if r.Header.Get("Retry-After") != "1" {
				t.Errorf("%s: Retry-After %q, want 1", path, r.Header.Get("Retry-After"))
			}
		}
		leave()
		do(t, s, 200, "GET", "/api/v1/search?q=police", nil)
	})
}
