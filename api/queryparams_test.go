package api_test

import (
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// Issue 19 item 3: an unknown query parameter is refused with 400 naming it and the parameters
// the endpoint accepts; it used to be ignored, so `?organization_id=` returned every row and a
// summary's `?review_type=` unfiltered figures.
func TestUnknownQueryParametersAreRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		f := newFixture(t, s)
		cases := []struct{ path, unknown string }{
			{"/api/v1/recommendations?organization_id=" + f.Police, "organization_id"},
			{"/api/v1/summaries/crosstab?rows=theme&cols=year&review_type=DHR", "review_type"},
			{"/api/v1/reviews?limit=5&partnership=x&sort=new", "partnership"},
			{"/api/v1/reviews/" + f.Review + "?expand=all", "expand"},
		}
		for _, c := range cases {
			r := s.Do("GET", c.path, nil)
			if r.Status != 400 {
				t.Fatalf("%s: status %d, want 400: %s", c.path, r.Status, r.Body)
			}
			body := string(r.Body)
			if !strings.Contains(body, `"field":"`+c.unknown+`"`) || !strings.Contains(body, "unknown_field") {
				t.Errorf("%s: the problem does not name %q: %s", c.path, c.unknown, body)
			}
		}
		// The accepted ones are listed, so the caller can correct the spelling.
		r := s.Do("GET", "/api/v1/recommendations?organization_id=x", nil)
		if !strings.Contains(string(r.Body), "organisation_id") {
			t.Errorf("the problem does not list the accepted parameters: %s", r.Body)
		}
		// Several unknown at once are all named; a declared parameter passes.
		r = s.Do("GET", "/api/v1/reviews?zz=1&aa=2", nil)
		if r.Status != 400 || !strings.Contains(string(r.Body), `"aa"`) || !strings.Contains(string(r.Body), `"zz"`) {
			t.Errorf("two unknown parameters: %d %s", r.Status, r.Body)
		}
		do(t, s, 200, "GET", "/api/v1/recommendations?limit=2&organisation_id="+f.Police, nil)
		do(t, s, 200, "GET", "/api/v1/reviews/"+f.Review, nil)
	})
}
