package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// TestWalkthrough follows the README's curl walk-through, from an empty database to a tracked
// recommendation, and then the rules around it: optimistic concurrency, action ownership,
// clearing fields with null and what may be deleted when.
func TestWalkthrough(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		const at = "2026-03-02T10:00:00Z" // apitest.Fixed

		// 1. A partnership and the organisations to address.
		p := create(t, s, "partnerships", map[string]any{"name": "Westmarch Community Safety Partnership",
			"kind": "community_safety_partnership", "area_codes": []string{"LA:Westmarch"}})
		P := idOf(p)
		same(t, "partnership", p, map[string]any{"id": P, "name": "Westmarch Community Safety Partnership",
			"kind": "community_safety_partnership", "area_codes": []string{"LA:Westmarch"}, "viewers_see_restricted": false, "version": 1,
			"created_at": at, "updated_at": at})
		o := create(t, s, "organisations", map[string]any{"name": "Westmarch Police", "sector": "police",
			"aliases": []string{"WMP", "Westmarch Constabulary"}})
		O := idOf(o)
		same(t, "organisation", o, map[string]any{"id": O, "name": "Westmarch Police", "sector": "police",
			"aliases": []string{"WMP", "Westmarch Constabulary"}, "parent_id": nil, "version": 1, "created_at": at, "updated_at": at})
		H := idOf(create(t, s, "organisations", map[string]any{"name": "Westmarch NHS Trust", "sector": "nhs_trust"}))

		// 2. A review.
		r := create(t, s, "reviews", map[string]any{"type": "DHR", "partnership_id": P, "reference": "WM-DHR-2025-01",
			"title": "Adult A", "status": "published", "commissioned_on": "2024-01-15", "published_on": "2025-09-30",
			"visibility": "shared", "report_url": "https://westmarch.example/dhr/adult-a.pdf"})
		R := idOf(r)
		reviewWant := map[string]any{"id": R, "type": "DHR", "partnership_id": P, "reference": "WM-DHR-2025-01", "title": "Adult A",
			"status": "published", "incident_year": nil, "commissioned_on": "2024-01-15", "published_on": "2025-09-30",
			"report_url": "https://westmarch.example/dhr/adult-a.pdf", "summary": "", "visibility": "shared",
			"recommendation_count": 0, "version": 1, "created_at": at, "updated_at": at}
		same(t, "review", r, reviewWant)
		R2 := idOf(create(t, s, "reviews", map[string]any{"type": "sar", "partnership_id": P, "reference": "WM-SAR-2025-02", "title": "Adult B"}))

		// 3. A recommendation addressed to the police (and the trust), tagged by slug.
		rec := create(t, s, "recommendations", map[string]any{"review_id": R, "number": "1",
			"text":  "Westmarch Police should ensure that every DASH risk assessment records the victim's own account of stalking behaviour.",
			"scope": "local", "intervention_type": "practice_tool",
			"addressees": []map[string]any{{"organisation_id": O, "role": "lead", "raw_text": "WMP"}, {"organisation_id": H, "role": "supporting"}},
			"themes":     []map[string]any{{"code": "risk-assessment", "primary": true}, {"code": "stalking"}}})
		REC := idOf(rec)
		recWant := map[string]any{"id": REC, "review_id": R, "number": "1", "title": "",
			"text":  "Westmarch Police should ensure that every DASH risk assessment records the victim's own account of stalking behaviour.",
			"scope": "local", "intervention_type": "practice_tool", "response_due": nil, "response_status": "awaiting_response",
			"implementation_status": "not_started", "oversight_status": "open_unassessed", "closed_on": nil,
			"closure_rationale": "", "follow_up_on": nil, "last_activity_on": nil, "issued_on": "2025-09-30", "response_due_explicit": false,
			"flags": []string{}, "links": []any{},
			"addressees": []map[string]any{
				{"organisation_id": O, "organisation_name": "Westmarch Police", "role": "lead", "raw_text": "WMP", "notified_on": nil, "acknowledged_on": nil,
					"response_status": "awaiting_response"},
				{"organisation_id": H, "organisation_name": "Westmarch NHS Trust", "role": "supporting", "raw_text": "", "notified_on": nil, "acknowledged_on": nil,
					"response_status": "awaiting_response"}},
			"themes": []map[string]any{
				{"code": "C01", "slug": "risk-assessment", "label": "Risk identification and assessment", "group": "C", "primary": true, "source": "manual", "deprecated": false},
				{"code": "A09", "slug": "stalking", "label": "Stalking", "group": "A", "primary": false, "source": "manual", "deprecated": false}},
			"version": 1, "created_at": at, "updated_at": at}
		same(t, "recommendation", rec, recWant)
		same(t, "GET recommendation", decode(t, do(t, s, 200, "GET", "/api/v1/recommendations/"+REC, nil)), recWant)
		REC2 := idOf(create(t, s, "recommendations", map[string]any{"review_id": R, "number": "2", "text": "Share MARAC minutes with GPs.",
			"scope": "national", "addressees": []map[string]any{{"organisation_id": H, "role": "lead"}},
			"themes": []map[string]any{{"code": "information-sharing"}}}))
		create(t, s, "recommendations", map[string]any{"review_id": R2, "number": "1", "text": "Train staff in the Care Act duties.",
			"scope": "local", "themes": []map[string]any{{"code": "C01"}}})
		reviewWant["recommendation_count"] = 2
		same(t, "review after recommendations", decode(t, do(t, s, 200, "GET", "/api/v1/reviews/"+R, nil)), reviewWant)

		// 4. Lists with filters: newest first, with the total.
		for _, c := range []struct {
			query string
			want  []string // "review/number", newest first
		}{
			{"", []string{"R2/1", "R/2", "R/1"}},
			{"review_id=" + R, []string{"R/2", "R/1"}},
			{"review_id=" + strings.ToUpper(R2), []string{"R2/1"}},
			{"review_id=" + unknownID, nil},
			{"theme=stalking", []string{"R/1"}},
			{"theme=A09", []string{"R/1"}},
			{"theme=c01", []string{"R2/1", "R/1"}},
			{"theme=information-sharing", []string{"R/2"}},
			{"organisation_id=" + O, []string{"R/1"}},
			{"organisation_id=" + H, []string{"R/2", "R/1"}},
			{"organisation_id=" + H + "&addressee_role=lead", []string{"R/2"}},
			{"organisation_id=" + H + "&addressee_role=supporting", []string{"R/1"}},
			{"scope=local", []string{"R2/1", "R/1"}},
			{"scope=national", []string{"R/2"}},
			{"scope=regional", nil},
			{"review_type=DHR", []string{"R/2", "R/1"}},
			{"review_type=sar", []string{"R2/1"}},
			{"partnership_id=" + P, []string{"R2/1", "R/2", "R/1"}},
			{"intervention_type=practice_tool", []string{"R/1"}},
			{"response_status=awaiting_response&implementation_status=not_started&oversight_status=open_unassessed", []string{"R2/1", "R/2", "R/1"}},
			{"theme=stalking&organisation_id=" + O + "&review_type=DHR&scope=local&limit=20", []string{"R/1"}},
			{"review_id=" + R + "&scope=local&theme=risk-assessment&organisation_id=" + O, []string{"R/1"}},
		} {
			var got []string
			var page struct {
				Items      []map[string]any `json:"items"`
				Total      int              `json:"total"`
				NextCursor *string          `json:"next_cursor"`
			}
			do(t, s, 200, "GET", "/api/v1/recommendations?"+c.query, nil).JSON(t, &page)
			for _, it := range page.Items {
				rv := "R"
				if it["review_id"] == R2 {
					rv = "R2"
				}
				got = append(got, rv+"/"+it["number"].(string))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) || page.Total != len(c.want) || page.NextCursor != nil {
				t.Errorf("recommendations?%s: %v (total %d, next %v), want %v", c.query, got, page.Total, page.NextCursor, c.want)
			}
		}

		// 5. Update with If-Match: read the ETag, send it back.
		path := "/api/v1/recommendations/" + REC
		tag := etagOf(t, s, path)
		if tag != `"1"` {
			t.Fatalf("ETag %s, want \"1\"", tag)
		}
		up := do(t, s, 200, "PATCH", path, map[string]any{"title": "Record the victim's account in DASH", "response_due": "2025-12-29"}, "If-Match", tag)
		if up.Header.Get("ETag") != `"2"` {
			t.Errorf("PATCH: ETag %q, want \"2\"", up.Header.Get("ETag"))
		}
		recWant["title"], recWant["response_due"], recWant["version"] = "Record the victim's account in DASH", "2025-12-29", 2
		// Set by hand, and already past on the test's clock (2026-03-02).
		recWant["response_due_explicit"], recWant["flags"] = true, []string{"response_overdue"}
		same(t, "updated recommendation", decode(t, up), recWant)
		if got := etagOf(t, s, path); got != `"2"` {
			t.Errorf("GET after PATCH: ETag %s, want \"2\"", got)
		}

		// The same (now stale) ETag again is refused, and nothing changes.
		stale := s.Do("PATCH", path, map[string]any{"title": "Lost update"}, "If-Match", tag)
		checkProblem(t, stale, path, problemWant{Status: 412, Type: "precondition_failed",
			Detail: "recommendation has changed since you read it (current version 2); reload and try again"})
		same(t, "after a stale PATCH", decode(t, do(t, s, 200, "GET", path, nil)), recWant)
		// Without If-Match: 428, nothing changes.
		checkProblem(t, s.Do("PATCH", path, map[string]any{"title": "Lost update"}), path, problemWant{Status: 428,
			Type: "precondition_required", Detail: "send the record's ETag in an If-Match header (read it first with GET)"})
		checkProblem(t, s.Do("PATCH", path, map[string]any{"title": "Lost update"}, "If-Match", "  "), path, problemWant{Status: 428,
			Type: "precondition_required", Detail: "send the record's ETag in an If-Match header (read it first with GET)"})
		// An If-Match that names no version at all.
		for _, bad := range []string{"abc", `"0"`, `"-2"`, `"two"`} {
			checkProblem(t, s.Do("PATCH", path, map[string]any{"title": "Lost update"}, "If-Match", bad), path, problemWant{Status: 412,
				Type: "precondition_failed", Detail: "If-Match does not name a version of this record"})
		}
		same(t, "after refused PATCHes", decode(t, do(t, s, 200, "GET", path, nil)), recWant)
		// If-Match: * means whatever is current; a weak ETag names its version too.
		up = do(t, s, 200, "PATCH", path, map[string]any{"scope": "regional"}, "If-Match", "*")
		recWant["scope"], recWant["version"] = "regional", 3
		same(t, "PATCH If-Match *", decode(t, up), recWant)
		if up.Header.Get("ETag") != `"3"` {
			t.Errorf("PATCH If-Match *: ETag %q", up.Header.Get("ETag"))
		}
		up = do(t, s, 200, "PATCH", path, map[string]any{"scope": "local"}, "If-Match", `W/"3"`)
		recWant["scope"], recWant["version"] = "local", 4
		same(t, "PATCH weak ETag", decode(t, up), recWant)

		// Themes, when sent, replace the set (here: a new primary, by code, in a new order).
		up = do(t, s, 200, "PATCH", path, map[string]any{"themes": []map[string]any{{"code": "stalking"}, {"code": "A01", "primary": true}}}, "If-Match", `"4"`)
		recWant["version"] = 5
		recWant["themes"] = []map[string]any{
			{"code": "A09", "slug": "stalking", "label": "Stalking", "group": "A", "primary": false, "source": "manual", "deprecated": false},
			{"code": "A01", "slug": "intimate-partner-abuse", "label": themeLabel(t, s, "A01"), "group": "A", "primary": true, "source": "manual", "deprecated": false}}
		same(t, "PATCH themes", decode(t, up), recWant)
		if n := total(t, s, "/api/v1/recommendations?theme=risk-assessment&review_id="+R); n != 0 {
			t.Errorf("the replaced theme still matches: total %d", n)
		}

		// 6. An action-plan line, owned by an addressee of the recommendation.
		ar := do(t, s, http.StatusCreated, "POST", path+"/actions", map[string]any{"organisation_id": O,
			"description": "Add a mandatory victim-account field to the DASH form", "owner": "Head of Public Protection", "target_date": "2026-06-30"})
		act := decode(t, ar)
		A := idOf(act)
		if loc := ar.Header.Get("Location"); loc != "/api/v1/actions/"+A {
			t.Errorf("action Location %q", loc)
		}
		if ar.Header.Get("ETag") != `"1"` {
			t.Errorf("action ETag %q", ar.Header.Get("ETag"))
		}
		actWant := map[string]any{"id": A, "recommendation_id": REC, "organisation_id": O,
			"description": "Add a mandatory victim-account field to the DASH form", "owner": "Head of Public Protection",
			"target_date": "2026-06-30", "completion_date": nil, "completion_source": nil, "outcome": nil, "implementation_status": "not_started",
			"version": 1, "created_at": at, "updated_at": at}
		same(t, "action", act, actWant)
		same(t, "GET action", decode(t, do(t, s, 200, "GET", "/api/v1/actions/"+A, nil)), actWant)

		// An action for an organisation the recommendation is not addressed to is refused.
		X := idOf(create(t, s, "organisations", map[string]any{"name": "Westmarch Housing", "sector": "housing"}))
		before := countAll(t, s)
		for _, org := range []string{X, unknownID} {
			r := s.Do("POST", path+"/actions", map[string]any{"organisation_id": org, "description": "Not theirs to do"})
			checkProblem(t, r, path+"/actions", problemWant{Status: 422, Type: "invalid", Detail: "the request has invalid fields",
				Errors: []fieldErr{{"organisation_id", "not_addressee", "organisation " + org + " is not an addressee of this recommendation; add it as an addressee first"}}})
		}
		before.same(t, s, "actions for non-addressees")
		if n := total(t, s, "/api/v1/actions?recommendation_id="+REC); n != 1 {
			t.Errorf("actions of the recommendation: %d, want 1", n)
		}
		// Nor can an action be moved to one.
		checkProblem(t, s.Do("PATCH", "/api/v1/actions/"+A, map[string]any{"organisation_id": X}, "If-Match", `"1"`), "/api/v1/actions/"+A,
			problemWant{Status: 422, Type: "invalid", Detail: "the request has invalid fields",
				Errors: []fieldErr{{"organisation_id", "not_addressee", ""}}})
		// An addressee that owns actions cannot be removed.
		checkProblem(t, s.Do("PATCH", path, map[string]any{"addressees": []map[string]any{{"organisation_id": H, "role": "lead"}}}, "If-Match", "*"), path,
			problemWant{Status: 409, Type: "conflict", Detail: "an addressee that owns actions cannot be removed",
				Errors: []fieldErr{{"addressees", "owns_actions", ""}}})
		same(t, "after refusing to drop an addressee", decode(t, do(t, s, 200, "GET", path, nil)), recWant)
		// Addressees, when sent, replace the set: the trust goes, the police stay and change role.
		up = do(t, s, 200, "PATCH", path, map[string]any{"addressees": []map[string]any{{"organisation_id": O, "role": "supporting", "raw_text": "WMP",
			"notified_on": "2025-10-01"}}}, "If-Match", `"5"`)
		recWant["version"] = 6
		recWant["addressees"] = []map[string]any{{"organisation_id": O, "organisation_name": "Westmarch Police", "role": "supporting",
			"raw_text": "WMP", "notified_on": "2025-10-01", "acknowledged_on": nil, "response_status": "awaiting_response"}}
		same(t, "PATCH addressees", decode(t, up), recWant)

		// 7. null clears a nullable field; an absent field is left alone.
		rpath := "/api/v1/reviews/" + R
		up = do(t, s, 200, "PATCH", rpath, `{"report_url":null,"commissioned_on":null}`, "If-Match", etagOf(t, s, rpath))
		reviewWant["report_url"], reviewWant["commissioned_on"], reviewWant["version"] = nil, nil, 2
		same(t, "review with report_url cleared", decode(t, up), reviewWant)
		up = do(t, s, 200, "PATCH", rpath, `{"summary":"A short summary."}`, "If-Match", `"2"`)
		reviewWant["summary"], reviewWant["version"] = "A short summary.", 3
		same(t, "review after an unrelated PATCH", decode(t, up), reviewWant)

		apath := "/api/v1/actions/" + A
		// A completion date comes only with a claim of implementation (POST …/progress), never by PATCH.
		do(t, s, 422, "PATCH", apath, `{"outcome":"Field added to the form","completion_date":"2026-02-27"}`, "If-Match", `"1"`)
		up = do(t, s, 200, "PATCH", apath, `{"outcome":"Field added to the form"}`, "If-Match", `"1"`)
		actWant["outcome"], actWant["version"] = "Field added to the form", 2
		same(t, "action with an outcome", decode(t, up), actWant)
		up = do(t, s, 200, "PATCH", apath, `{"target_date":null,"outcome":null}`, "If-Match", `"2"`)
		actWant["target_date"], actWant["outcome"], actWant["version"] = nil, nil, 3
		same(t, "action with target_date cleared", decode(t, up), actWant)
		same(t, "GET action after clearing", decode(t, do(t, s, 200, "GET", apath, nil)), actWant)

		up = do(t, s, 200, "PATCH", path, `{"response_due":null,"intervention_type":null}`, "If-Match", `"6"`)
		recWant["response_due"], recWant["intervention_type"], recWant["version"] = nil, nil, 7
		// Cleared by hand, the due date falls back to the notified date plus the DHR window (90 days).
		recWant["response_due"], recWant["response_due_explicit"] = "2025-12-30", false
		same(t, "recommendation with response_due cleared", decode(t, up), recWant)

		child := idOf(create(t, s, "organisations", map[string]any{"name": "Westmarch Housing Options", "sector": "housing", "parent_id": X}))
		cpath := "/api/v1/organisations/" + child
		if got := decode(t, do(t, s, 200, "GET", cpath, nil))["parent_id"]; got != X {
			t.Errorf("child parent_id %v, want %s", got, X)
		}

		// 8. Deletes: only where nothing depends on the record.
		del := func(path, detail string) {
			t.Helper()
			r := s.Do("DELETE", path, nil, "If-Match", "*")
			checkProblem(t, r, path, problemWant{Status: 409, Type: "conflict", Detail: detail})
		}
		before = countAll(t, s)
		del("/api/v1/partnerships/"+P, "the partnership has reviews; it cannot be deleted")
		del(rpath, "the review has recommendations; delete them first")
		del(path, "the recommendation has actions; delete them first")
		del("/api/v1/organisations/"+O, "the organisation cannot be deleted: recommendations are addressed to it")
		del("/api/v1/organisations/"+X, "the organisation cannot be deleted: other organisations name it as their parent")
		before.same(t, s, "refused deletes")
		// Deletes need a current If-Match too.
		checkProblem(t, s.Do("DELETE", apath, nil), apath, problemWant{Status: 428, Type: "precondition_required"})
		checkProblem(t, s.Do("DELETE", apath, nil, "If-Match", `"1"`), apath, problemWant{Status: 412, Type: "precondition_failed",
			Detail: "action has changed since you read it (current version 3); reload and try again"})
		before.same(t, s, "deletes without a current If-Match")

		gone := func(path, kind string) {
			t.Helper()
			r := do(t, s, http.StatusNoContent, "DELETE", path, nil, "If-Match", etagOf(t, s, path))
			if len(r.Body) != 0 {
				t.Errorf("DELETE %s: 204 with a body: %s", path, r.Body)
			}
			w := problemWant{Status: 404, Type: "not_found", Detail: kind + " not found"}
			checkProblem(t, s.Do("GET", path, nil), path, w)
			checkProblem(t, s.Do("DELETE", path, nil, "If-Match", "*"), path, w)
		}
		gone(apath, "action")
		gone(path, "recommendation")
		gone("/api/v1/recommendations/"+REC2, "recommendation")
		gone(rpath, "review")
		del("/api/v1/partnerships/"+P, "the partnership has reviews; it cannot be deleted") // R2 remains
		// Organisation parent links can be cleared with null, after which the parent can go.
		up = do(t, s, 200, "PATCH", cpath, `{"parent_id":null}`, "If-Match", `"1"`)
		if m := decode(t, up); m["parent_id"] != nil || m["version"] != 2.0 {
			t.Errorf("organisation with parent cleared: %s", up.Body)
		}
		gone("/api/v1/organisations/"+X, "organisation")
		gone("/api/v1/organisations/"+O, "organisation") // no longer addressed
		for _, rc := range listIDs(t, s, "/api/v1/recommendations?review_id="+R2) {
			gone("/api/v1/recommendations/"+rc, "recommendation")
		}
		gone("/api/v1/reviews/"+R2, "review")
		gone("/api/v1/partnerships/"+P, "partnership")
		want := counts{"partnerships": 0, "organisations": 2, "reviews": 0, "recommendations": 0, "actions": 0}
		want.same(t, s, "the end of the walk-through")
	})
}

// same compares a decoded JSON object with want, exactly (both are rendered as JSON).
func same(t *testing.T, what string, got map[string]any, want map[string]any) {
	t.Helper()
	if g, w := jsonString(got), jsonString(want); g != w {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func themeLabel(t *testing.T, s *apitest.Server, code string) string {
	t.Helper()
	return decode(t, do(t, s, 200, "GET", "/api/v1/themes/"+code, nil))["label"].(string)
}

func listIDs(t *testing.T, s *apitest.Server, path string) []string {
	t.Helper()
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	do(t, s, 200, "GET", path, nil).JSON(t, &page)
	var out []string
	for _, it := range page.Items {
		out = append(out, it.ID)
	}
	return out
}
