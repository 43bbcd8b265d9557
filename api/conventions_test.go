package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// The cross-cutting conventions of the API: problems, request ids, headers, routing errors,
// body handling and the health endpoints.

func TestProblemShape(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		r := s.Do("POST", "/api/v1/partnerships", `{"name":"  ","kind":"parish_council"}`)
		checkProblem(t, r, "/api/v1/partnerships", problemWant{Status: 422, Type: "invalid", Detail: "the request has invalid fields",
			Errors: []fieldErr{
				{"name", "required", "name is required"},
				{"kind", "unknown_value", `"parish_council" is not one of: community_safety_partnership, safeguarding_children_partnership, safeguarding_adults_board, child_death_overview_panel, coroner_area, other`},
			}})
		// Exactly these members, nothing else (checkProblem rejects unknown ones too).
		m := decode(t, r)
		for _, k := range []string{"type", "title", "status", "detail", "instance", "request_id", "errors"} {
			if _, ok := m[k]; !ok {
				t.Errorf("problem has no %q: %s", k, r.Body)
			}
		}
		if len(m) != 7 {
			t.Errorf("problem has %d members, want 7: %s", len(m), r.Body)
		}
		// A problem without field errors leaves the list out rather than sending an empty one.
		r = s.Do("GET", "/api/v1/reviews/"+unknownID, nil)
		checkProblem(t, r, "/api/v1/reviews/"+unknownID, problemWant{Status: 404, Type: "not_found", Detail: "review not found"})
		if _, ok := decode(t, r)["errors"]; ok {
			t.Errorf("a 404 carries an errors list: %s", r.Body)
		}
	})
}

func TestRequestID(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{MaxBodyBytes: 2048})
		requests := []struct {
			method, path string
			body         any
			want         int
		}{
			{"GET", "/healthz", nil, 200},
			{"GET", "/readyz", nil, 200},
			{"GET", "/api/v1/openapi.yaml", nil, 200},
			{"GET", "/api/v1/themes", nil, 200},
			{"POST", "/api/v1/partnerships", map[string]any{"name": "Echo Partnership", "kind": "other"}, 201},
			{"POST", "/api/v1/partnerships", `{}`, 422},
			{"POST", "/api/v1/partnerships", `{`, 400},
			{"POST", "/api/v1/partnerships", `{"name":"` + strings.Repeat("x", 3000) + `"}`, 413},
			{"GET", "/api/v1/partnerships/" + unknownID, nil, 404},
			{"GET", "/api/v1/no/such/thing", nil, 404},
			{"DELETE", "/api/v1/partnerships", nil, 405},
		}
		seen := map[string]bool{}
		for _, rq := range requests {
			// No id sent: the server makes a fresh one for each request.
			r := s.Do(rq.method, rq.path, rq.body)
			if r.Status != rq.want {
				t.Errorf("%s %s: status %d, want %d: %s", rq.method, rq.path, r.Status, rq.want, r.Body)
			}
			id := r.Header.Get("X-Request-Id")
			if !generatedRequestID.MatchString(id) || seen[id] {
				t.Errorf("%s %s: X-Request-Id %q is not a fresh generated id", rq.method, rq.path, id)
			}
			seen[id] = true
			if strings.HasPrefix(r.Header.Get("Content-Type"), problemType) && decode(t, r)["request_id"] != id {
				t.Errorf("%s %s: problem request_id differs from X-Request-Id %q: %s", rq.method, rq.path, id, r.Body)
			}
			// A safe id from the caller is echoed, so one id follows a request through proxies.
			const safe = "edge-7f3a.B_9"
			if r := s.Do(rq.method, rq.path, rq.body, "X-Request-Id", safe); r.Header.Get("X-Request-Id") != safe {
				t.Errorf("%s %s: safe X-Request-Id not echoed: got %q", rq.method, rq.path, r.Header.Get("X-Request-Id"))
			}
		}
		// Unsafe ids are replaced, never reflected.
		for _, bad := range []string{"has space", "<script>alert(1)</script>", "a;b", "ünïcode", "line\tbreak",
			strings.Repeat("a", 65), "quote\"d", "../../etc/passwd", "x=1,y=2"} {
			r := s.Do("GET", "/api/v1/reviews/"+unknownID, nil, "X-Request-Id", bad)
			id := r.Header.Get("X-Request-Id")
			if id == bad || !generatedRequestID.MatchString(id) {
				t.Errorf("unsafe X-Request-Id %q: answered with %q, want a generated id", bad, id)
			}
			if decode(t, r)["request_id"] != id {
				t.Errorf("unsafe X-Request-Id %q: problem request_id differs from the header: %s", bad, r.Body)
			}
		}
		// The longest safe id is still echoed.
		long := strings.Repeat("a", 64)
		if got := s.Do("GET", "/healthz", nil, "X-Request-Id", long).Header.Get("X-Request-Id"); got != long {
			t.Errorf("64-character X-Request-Id: got %q", got)
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		want := map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "no-referrer",
			"X-Frame-Options":        "DENY",
		}
		for _, rq := range []struct {
			method, path string
			body         any
			api          bool
		}{
			{"GET", "/healthz", nil, false},
			{"GET", "/api/v1/openapi.yaml", nil, true},
			{"GET", "/api/v1/review-types", nil, true},
			{"GET", "/api/v1/partnerships", nil, true},
			{"POST", "/api/v1/partnerships", map[string]any{"name": "Headers Partnership", "kind": "other"}, true},
			{"GET", "/api/v1/organisations/" + unknownID, nil, true},
			{"GET", "/api/v1/no-such-collection", nil, true},
			{"POST", "/api/v1/reviews", `not json`, true},
			{"PUT", "/api/v1/reviews", `{}`, true},
		} {
			r := s.Do(rq.method, rq.path, rq.body)
			for k, v := range want {
				if got := r.Header.Get(k); got != v {
					t.Errorf("%s %s (%d): %s %q, want %q", rq.method, rq.path, r.Status, k, got, v)
				}
			}
			csp := r.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("%s %s: Content-Security-Policy %q", rq.method, rq.path, csp)
			}
			if rq.api {
				if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("%s %s (%d): Cache-Control %q, want no-store", rq.method, rq.path, r.Status, cc)
				}
			}
		}
	})
}

func TestNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		for _, path := range []string{"/api", "/api/v2/reviews", "/api/v1/widgets", "/api/v1/reviews/" + unknownID + "/children"} {
			checkProblem(t, s.Do("GET", path, nil), path, problemWant{Status: 404, Detail: "no such endpoint; see /api/v1/openapi.yaml"})
		}
		ids := []string{
			unknownID,                              // well formed, unknown
			strings.ToUpper(unknownID),             // upper case, unknown
			"abc",                                  // malformed
			"12345",                                // malformed
			unknownID + "0",                        // too long
			"0190f0e4-0000-7000-8000-00000000000g", // not hex
			"%27%20OR%201=1--",                     // SQL in disguise
		}
		for _, kind := range []string{"partnership", "organisation", "review", "recommendation", "action"} {
			for _, id := range ids {
				path := "/api/v1/" + kind + "s/" + id
				w := problemWant{Status: 404, Type: "not_found", Detail: kind + " not found"}
				checkProblem(t, s.Do("GET", path, nil), path, w)
				checkProblem(t, s.Do("PATCH", path, `{}`, "If-Match", `"1"`), path, w)
				checkProblem(t, s.Do("DELETE", path, nil, "If-Match", `"1"`), path, w)
				// Not found is answered before a missing precondition.
				checkProblem(t, s.Do("DELETE", path, nil), path, w)
			}
		}
		for _, id := range []string{unknownID, "abc"} {
			path := "/api/v1/recommendations/" + id + "/actions"
			checkProblem(t, s.Do("POST", path, map[string]any{"organisation_id": unknownID, "description": "Anything"}), path,
				problemWant{Status: 404, Type: "not_found", Detail: "recommendation not found"})
		}
		checkProblem(t, s.Do("GET", "/api/v1/review-types/XYZ", nil), "/api/v1/review-types/XYZ",
			problemWant{Status: 404, Type: "not_found", Detail: "review type not found"})
		checkProblem(t, s.Do("GET", "/api/v1/themes/no-such-theme", nil), "/api/v1/themes/no-such-theme",
			problemWant{Status: 404, Type: "not_found", Detail: "theme not found"})
		// The reference data itself is found by code in any case, and themes by slug.
		do(t, s, 200, "GET", "/api/v1/review-types/dhr", nil)
		if th := decode(t, do(t, s, 200, "GET", "/api/v1/themes/stalking", nil)); th["slug"] != "stalking" {
			t.Errorf("GET /api/v1/themes/stalking: %v", th)
		}
	})
}

func TestMethodNotAllowed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		for _, rq := range []struct{ method, path, allow string }{
			{"DELETE", "/api/v1/partnerships", "GET, HEAD, POST"},
			{"PUT", "/api/v1/reviews/" + unknownID, "DELETE, GET, HEAD, PATCH"},
			{"PATCH", "/api/v1/recommendations", "GET, HEAD, POST"},
			{"DELETE", "/api/v1/recommendations/" + unknownID + "/actions", "GET, HEAD, POST"},
			{"GET", "/api/v1/recommendations/" + unknownID + "/assessments", "POST"},
			{"DELETE", "/api/v1/themes", "GET, HEAD, POST"},
			{"PUT", "/healthz", "GET, HEAD"},
		} {
			var body any
			if rq.method != "GET" && rq.method != "DELETE" {
				body = `{}`
			}
			r := s.Do(rq.method, rq.path, body)
			checkProblem(t, r, rq.path, problemWant{Status: 405, Detail: "this endpoint does not accept " + rq.method})
			if got := sortedAllow(r.Header.Get("Allow")); got != rq.allow {
				t.Errorf("%s %s: Allow %q, want %q", rq.method, rq.path, got, rq.allow)
			}
		}
	})
}

func sortedAllow(h string) string {
	parts := strings.Split(h, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	for i := 1; i < len(parts); i++ {
		for j := i; j > 0 && parts[j] < parts[j-1]; j-- {
			parts[j], parts[j-1] = parts[j-1], parts[j]
		}
	}
	return strings.Join(parts, ", ")
}

func TestBodyMustBeJSON(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		f := newFixture(t, s)
		before := countAll(t, s)
		body := `{"name":"Form Partnership","kind":"other"}`
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
			"application/xml", "", "json", "application/jsonx"} {
			for _, rq := range []struct{ method, path string }{
				{"POST", "/api/v1/partnerships"},
				{"PATCH", "/api/v1/reviews/" + f.Review},
				{"POST", "/api/v1/recommendations/" + unknownID + "/actions"},
			} {
				r := s.Do(rq.method, rq.path, body, "Content-Type", ct, "If-Match", "*")
				checkProblem(t, r, rq.path, problemWant{Status: 415, Detail: "send the body as JSON with Content-Type: application/json"})
				if r.Header.Get("Accept") != "application/json" {
					t.Errorf("%s %s with %q: Accept %q, want application/json", rq.method, rq.path, ct, r.Header.Get("Accept"))
				}
			}
		}
		before.same(t, s, "non-JSON bodies")
		// JSON with parameters, and +json types, are JSON.
		do(t, s, 201, "POST", "/api/v1/partnerships", body, "Content-Type", "application/json; charset=utf-8")
		do(t, s, 201, "POST", "/api/v1/partnerships", `{"name":"Merge Partnership","kind":"other"}`, "Content-Type", "application/merge-patch+json")
		do(t, s, 201, "POST", "/api/v1/partnerships", `{"name":"Upper Partnership","kind":"other"}`, "Content-Type", "Application/JSON")
	})
}

func TestBodyTooLarge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{MaxBodyBytes: 2048})
		f := newFixture(t, s)
		before := countAll(t, s)
		big := `{"name":"Big Partnership","kind":"other","area_codes":["` + strings.Repeat("A", 2100) + `"]}`
		checkProblem(t, s.Do("POST", "/api/v1/partnerships", big), "/api/v1/partnerships",
			problemWant{Status: 413, Type: "too_large", Detail: "the request body is larger than 2048 bytes"})
		// Whitespace counts: the body is too large even when its values are small.
		padded := `{"name":"Padded Partnership",` + strings.Repeat(" ", 2048) + `"kind":"other"}`
		checkProblem(t, s.Do("POST", "/api/v1/partnerships", padded), "/api/v1/partnerships",
			problemWant{Status: 413, Type: "too_large", Detail: "the request body is larger than 2048 bytes"})
		rec := map[string]any{"review_id": f.Review, "number": "1", "text": strings.Repeat("Long text. ", 200), "scope": "local"}
		checkProblem(t, s.Do("POST", "/api/v1/recommendations", rec), "/api/v1/recommendations",
			problemWant{Status: 413, Type: "too_large", Detail: "the request body is larger than 2048 bytes"})
		path := "/api/v1/reviews/" + f.Review
		checkProblem(t, s.Do("PATCH", path, map[string]any{"summary": strings.Repeat("s", 2100)}, "If-Match", `"1"`), path,
			problemWant{Status: 413, Type: "too_large", Detail: "the request body is larger than 2048 bytes"})
		before.same(t, s, "oversized bodies")
		if v := decode(t, do(t, s, 200, "GET", path, nil))["version"]; v != 1.0 {
			t.Errorf("the review changed after an oversized PATCH: version %v", v)
		}
		// A body just under the limit is accepted.
		under := `{"name":"Under Partnership","kind":"other"}`
		under += strings.Repeat(" ", 2048-len(under))
		do(t, s, 201, "POST", "/api/v1/partnerships", under)
	})
}

func TestUnreadableBodies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		f := newFixture(t, s)
		before := countAll(t, s)
		const malformed = "malformed"
		cases := []struct {
			name, path, body string
			detail           string
			errors           []fieldErr
		}{
			{"truncated", "/api/v1/reviews", `{"title":"x"`, "the JSON ends unexpectedly", nil},
			{"syntax", "/api/v1/reviews", `{"title" "x"}`, "the body is not valid JSON (at byte 10)", nil},
			{"not JSON at all", "/api/v1/organisations", `name=Police`, "the body is not valid JSON (at byte 2)", nil},
			{"empty", "/api/v1/partnerships", ``, "the request body is empty; send a JSON object", nil},
			{"whitespace only", "/api/v1/partnerships", " \n\t ", "the request body is empty; send a JSON object", nil},
			{"array", "/api/v1/partnerships", `[{"name":"x"}]`, "the body must be a JSON object", nil},
			{"string", "/api/v1/recommendations", `"text"`, "the body must be a JSON object", nil},
			{"number", "/api/v1/organisations", `42`, "the body must be a JSON object", nil},
			{"unknown field", "/api/v1/partnerships", `{"name":"P","kind":"other","colour":"red"}`, "the body has a field this endpoint does not accept",
				[]fieldErr{{"colour", "unknown_field", "colour is not a field of this request"}}},
			{"unknown field, review", "/api/v1/reviews", `{"type":"DHR","victim_name":"x"}`, "the body has a field this endpoint does not accept",
				[]fieldErr{{"victim_name", "unknown_field", "victim_name is not a field of this request"}}},
			{"read-only field", "/api/v1/recommendations", `{"id":"` + unknownID + `"}`, "the body has a field this endpoint does not accept",
				[]fieldErr{{"id", "unknown_field", "id is not a field of this request"}}},
			{"wrong type, string", "/api/v1/partnerships", `{"name":1,"kind":"other"}`, "a field has the wrong type",
				[]fieldErr{{"name", "wrong_type", "name must be a string, not number"}}},
			{"wrong type, integer", "/api/v1/reviews", `{"incident_year":"2020"}`, "a field has the wrong type",
				[]fieldErr{{"incident_year", "wrong_type", "incident_year must be a number, not string"}}},
			{"wrong type, array", "/api/v1/organisations", `{"name":"O","sector":"police","aliases":"WMP"}`, "a field has the wrong type",
				[]fieldErr{{"aliases", "wrong_type", "aliases must be an array, not string"}}},
			{"wrong type, bool", "/api/v1/recommendations", `{"themes":[{"code":"stalking","primary":"yes"}]}`, "a field has the wrong type",
				[]fieldErr{{"themes.primary", "wrong_type", ""}}},
			{"wrong type, nested", "/api/v1/recommendations", `{"addressees":[{"organisation_id":"x","role":5}]}`, "a field has the wrong type",
				[]fieldErr{{"addressees.role", "wrong_type", ""}}},
			{"wrong type, action", "/api/v1/recommendations/" + unknownID + "/actions", `{"organisation_id":7}`, "a field has the wrong type",
				[]fieldErr{{"organisation_id", "wrong_type", "organisation_id must be a string, not number"}}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := s.Do("POST", c.path, c.body)
				if len(c.errors) == 1 && strings.Contains(c.errors[0].Field, ".") && r.Status == 400 {
					// The decoder may or may not give array indices in a nested path; either names the field.
					if m := decode(t, r); len(m["errors"].([]any)) == 1 {
						got := m["errors"].([]any)[0].(map[string]any)["field"].(string)
						if strings.ReplaceAll(got, "[0]", "") == c.errors[0].Field {
							c.errors[0].Field = got
						}
					}
				}
				checkProblem(t, r, c.path, problemWant{Status: 400, Type: malformed, Detail: c.detail, Errors: c.errors})
			})
		}
		// PATCH bodies are read the same way.
		path := "/api/v1/reviews/" + f.Review
		checkProblem(t, s.Do("PATCH", path, `{"title":`, "If-Match", `"1"`), path,
			problemWant{Status: 400, Type: malformed, Detail: "the JSON ends unexpectedly"})
		checkProblem(t, s.Do("PATCH", path, `{"status":"published","published":"2025-01-01"}`, "If-Match", `"1"`), path,
			problemWant{Status: 400, Type: malformed, Detail: "the body has a field this endpoint does not accept",
				Errors: []fieldErr{{"published", "unknown_field", "published is not a field of this request"}}})
		checkProblem(t, s.Do("PATCH", path, `{"incident_year":"last year"}`, "If-Match", `"1"`), path,
			problemWant{Status: 400, Type: malformed, Detail: "a field has the wrong type",
				Errors: []fieldErr{{"incident_year", "wrong_type", ""}}})
		// Query parameters of the wrong type are unreadable too.
		for _, q := range []struct{ path, field string }{
			{"/api/v1/partnerships?limit=ten", "limit"},
			{"/api/v1/reviews?limit=1.5", "limit"},
			{"/api/v1/actions?completed=maybe", "completed"},
		} {
			checkProblem(t, s.Do("GET", q.path, nil), q.path, problemWant{Status: 400, Type: malformed, Detail: "a parameter could not be read",
				Errors: []fieldErr{{q.field, "wrong_type", q.field + " has the wrong format"}}})
		}
		before.same(t, s, "unreadable bodies")
		if v := decode(t, do(t, s, 200, "GET", path, nil))["version"]; v != 1.0 {
			t.Errorf("the review changed after unreadable PATCHes: version %v", v)
		}
	})
}

func TestHealth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		r := do(t, s, 200, "GET", "/healthz", nil)
		if got := decode(t, r); jsonString(got) != `{"status":"ok"}` {
			t.Errorf("GET /healthz: %s", r.Body)
		}
		if ct := r.Header.Get("Content-Type"); ct != jsonType {
			t.Errorf("GET /healthz: Content-Type %q", ct)
		}
		r = do(t, s, 200, "GET", "/readyz", nil)
		got := decode(t, r)
		// The search index reports its state and lag against the journal head (issue 19 item 1).
		search, _ := got["search"].(map[string]any)
		delete(got, "search")
		// Which PDF text extractor the process found (issue 17 §2): a version, or "none".
		if pdf, _ := got["pdf_text"].(string); pdf == "" {
			t.Errorf("GET /readyz: no pdf_text in %s", r.Body)
		}
		delete(got, "pdf_text")
		want := map[string]any{"status": "ready", "database": dialect, "schema_version": schemaVersion(t, dialect)}
		if jsonString(got) != jsonString(want) {
			t.Errorf("GET /readyz: %s, want %s and search", r.Body, jsonString(want))
		}
		head, _ := s.App.Store().JournalHead(context.Background())
		if st := search["state"]; st != "following" && st != "catching_up" {
			t.Errorf("GET /readyz: search state %v, want following or catching_up", st)
		}
		if search["journal_head"] != float64(head) || search["lag"] != search["journal_head"].(float64)-search["applied_seq"].(float64) {
			t.Errorf("GET /readyz: search %v, journal head %d", search, head)
		}
		if ct := r.Header.Get("Content-Type"); ct != jsonType {
			t.Errorf("GET /readyz: Content-Type %q", ct)
		}
	})
}
