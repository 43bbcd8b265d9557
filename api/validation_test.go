package api_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// badWrite is one rejected create: the body (a map merged over a valid one, or a raw string),
// the status and the field errors it must produce.
type badWrite struct {
	name   string
	set    map[string]any // merged over the valid body; a nil value removes the field
	status int
	errors []fieldErr
}

func merged(valid, set map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range valid {
		out[k] = v
	}
	for k, v := range set {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// rejectAll sends every case to path and checks the problem and that nothing was written.
func rejectAll(t *testing.T, s *apitest.Server, path string, valid map[string]any, cases []badWrite) {
	t.Helper()
	before := countAll(t, s)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := s.Do("POST", path, merged(valid, c.set))
			w := problemWant{Status: c.status, Errors: c.errors}
			switch c.status {
			case 422:
				w.Type, w.Detail = "invalid", "the request has invalid fields"
			case 409:
				w.Type = "conflict"
			case 404:
				w.Type = "not_found"
			}
			checkProblem(t, r, path, w)
			before.same(t, s, c.name)
		})
	}
	// The valid body itself is accepted, so every case above failed for its own reason.
	do(t, s, 201, "POST", path, valid)
}

func TestCreatePartnershipValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		create(t, s, "partnerships", map[string]any{"name": "Eastmarch Safeguarding Adults Board", "kind": "safeguarding_adults_board"})
		valid := map[string]any{"name": "Northmarch Safeguarding Children Partnership", "kind": "safeguarding_children_partnership", "area_codes": []string{"LA:Northmarch"}}
		rejectAll(t, s, "/api/v1/partnerships", valid, []badWrite{
			{"name missing", map[string]any{"name": nil}, 422, []fieldErr{{"name", "required", "name is required"}}},
			{"name blank", map[string]any{"name": " \t "}, 422, []fieldErr{{"name", "required", "name is required"}}},
			{"kind missing", map[string]any{"kind": nil}, 422, []fieldErr{{"kind", "required", "kind is required"}}},
			{"kind unknown", map[string]any{"kind": "parish_council"}, 422, []fieldErr{{"kind", "unknown_value",
				`"parish_council" is not one of: community_safety_partnership, safeguarding_children_partnership, safeguarding_adults_board, child_death_overview_panel, coroner_area, other`}}},
			{"kind wrong case", map[string]any{"kind": "OTHER"}, 422, []fieldErr{{"kind", "unknown_value", ""}}},
			{"name too long", map[string]any{"name": strings.Repeat("n", 201)}, 422, []fieldErr{{"name", "too_long", "name is 201 characters long; the limit is 200"}}},
			{"name with a control character", map[string]any{"name": "Bell\u0007"}, 422, []fieldErr{{"name", "invalid", "name contains a control character (U+0007)"}}},
			{"name with NUL", map[string]any{"name": "Nul\u0000"}, 422, []fieldErr{{"name", "invalid", "name contains a control character (U+0000)"}}},
			{"area code with a control character", map[string]any{"area_codes": []string{"ok", "LA:\u001b"}}, 422, []fieldErr{{"area_codes[1]", "invalid", ""}}},
			{"name taken, other case", map[string]any{"name": "EASTMARCH safeguarding adults board"}, 409,
				[]fieldErr{{"name", "duplicate", "another record is already called EASTMARCH safeguarding adults board"}}},
		})
	})
}

func TestCreateOrganisationValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		parent := idOf(create(t, s, "organisations", map[string]any{"name": "Westmarch County Council", "sector": "other"}))
		valid := map[string]any{"name": "Westmarch Children's Services", "sector": "la_childrens_services", "parent_id": parent, "aliases": []string{"WCS"}}
		rejectAll(t, s, "/api/v1/organisations", valid, []badWrite{
			{"name missing", map[string]any{"name": nil}, 422, []fieldErr{{"name", "required", "name is required"}}},
			{"sector missing", map[string]any{"sector": nil}, 422, []fieldErr{{"sector", "required", "sector is required"}}},
			{"sector unknown", map[string]any{"sector": "army"}, 422, []fieldErr{{"sector", "unknown_value", ""}}},
			{"parent malformed", map[string]any{"parent_id": "council"}, 422, []fieldErr{{"parent_id", "invalid", `"council" is not a valid id`}}},
			{"parent empty", map[string]any{"parent_id": ""}, 422, []fieldErr{{"parent_id", "required", ""}}},
			{"parent dangling", map[string]any{"parent_id": unknownID}, 422, []fieldErr{{"parent_id", "not_found", "no organisation has id " + unknownID}}},
			{"alias with a control character", map[string]any{"aliases": []string{"W\u0000CS"}}, 422, []fieldErr{{"aliases[0]", "invalid", ""}}},
			{"name taken", map[string]any{"name": "westmarch county council"}, 409, []fieldErr{{"name", "duplicate", ""}}},
		})
	})
}

func TestCreateReviewValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		f := newFixture(t, s) // has review WM-DHR-2025-01 in f.Partnership
		other := idOf(create(t, s, "partnerships", map[string]any{"name": "Eastmarch Community Safety Partnership", "kind": "community_safety_partnership"}))
		valid := map[string]any{"type": "DHR", "partnership_id": f.Partnership, "reference": "WM-DHR-2025-02", "title": "Adult C",
			"status": "published", "commissioned_on": "2024-05-01", "published_on": "2025-11-30", "visibility": "public",
			"incident_year": 2023, "report_url": "https://westmarch.example/dhr/adult-c.pdf"}
		rejectAll(t, s, "/api/v1/reviews", valid, []badWrite{
			{"type missing", map[string]any{"type": nil}, 422, []fieldErr{{"type", "required", "type is required"}}},
			{"partnership_id missing", map[string]any{"partnership_id": nil}, 422, []fieldErr{{"partnership_id", "required", "partnership_id is required"}}},
			{"reference missing", map[string]any{"reference": nil}, 422, []fieldErr{{"reference", "required", "reference is required"}}},
			{"title missing", map[string]any{"title": nil}, 422, []fieldErr{{"title", "required", "title is required"}}},
			{"type unknown", map[string]any{"type": "inquest"}, 422, []fieldErr{{"type", "unknown_value",
				`"INQUEST" is not one of: DHR, CSPR, SCR, CDR, SAR, SUSR, MHHR, PFD, OTHER`}}},
			{"type with NUL", map[string]any{"type": "DHR\u0000"}, 422, []fieldErr{{"type", "invalid", "type contains a control character (U+0000)"}}},
			{"status unknown", map[string]any{"status": "closed", "visibility": "shared"}, 422, []fieldErr{{"status", "unknown_value",
				`"closed" is not one of: commissioned, in_progress, submitted_for_qa, published, withdrawn`}}},
			{"visibility unknown", map[string]any{"visibility": "secret"}, 422, []fieldErr{{"visibility", "unknown_value",
				`"secret" is not one of: restricted, shared, public`}}},
			{"partnership malformed", map[string]any{"partnership_id": "westmarch"}, 422, []fieldErr{{"partnership_id", "invalid", `"westmarch" is not a valid id`}}},
			{"partnership dangling", map[string]any{"partnership_id": unknownID}, 422, []fieldErr{{"partnership_id", "not_found", "no partnership has id " + unknownID}}},
			{"reference taken in the partnership", map[string]any{"reference": "WM-DHR-2025-01"}, 409,
				[]fieldErr{{"reference", "duplicate", "the partnership already has a review with reference WM-DHR-2025-01"}}},
			{"commissioned_on not a date", map[string]any{"commissioned_on": "2024-02-30"}, 422, []fieldErr{{"commissioned_on", "invalid", `"2024-02-30" is not a date in the form YYYY-MM-DD`}}},
			{"published_on British order", map[string]any{"published_on": "30/11/2025"}, 422, []fieldErr{{"published_on", "invalid", `"30/11/2025" is not a date in the form YYYY-MM-DD`}}},
			{"published_on with a time", map[string]any{"published_on": "2025-11-30T00:00:00Z"}, 422, []fieldErr{{"published_on", "invalid", ""}}},
			{"published_on empty", map[string]any{"published_on": ""}, 422, []fieldErr{{"published_on", "invalid", ""}}},
			{"commissioned_on too old", map[string]any{"commissioned_on": "1850-01-01"}, 422, []fieldErr{{"commissioned_on", "invalid", "1850-01-01 is outside the years 1900 to 2200"}}},
			{"published before commissioned", map[string]any{"published_on": "2024-04-30"}, 422, []fieldErr{{"published_on", "out_of_order",
				"published_on (2024-04-30) is before commissioned_on (2024-05-01)"}}},
			{"commissioned in the future", map[string]any{"commissioned_on": "2026-03-03", "published_on": nil, "status": "commissioned", "visibility": "restricted"}, 422,
				[]fieldErr{{"commissioned_on", "invalid", "commissioned_on (2026-03-03) is in the future"}}},
			{"published without a date", map[string]any{"published_on": nil}, 422, []fieldErr{{"published_on", "required", "published_on is required when status is published"}}},
			{"public but not published", map[string]any{"status": "in_progress", "published_on": nil}, 422, []fieldErr{{"visibility", "invalid", "only a published review can be public"}}},
			{"incident year too early", map[string]any{"incident_year": 1899}, 422, []fieldErr{{"incident_year", "invalid", "incident_year must be between 1900 and 2026"}}},
			{"incident year in the future", map[string]any{"incident_year": 2027}, 422, []fieldErr{{"incident_year", "invalid", ""}}},
			{"report_url not http", map[string]any{"report_url": "ftp://westmarch.example/r.pdf"}, 422, []fieldErr{{"report_url", "invalid", "report_url must be an http or https address"}}},
			{"report_url relative", map[string]any{"report_url": "/reports/adult-c.pdf"}, 422, []fieldErr{{"report_url", "invalid", ""}}},
			{"report_url script", map[string]any{"report_url": "javascript:alert(1)"}, 422, []fieldErr{{"report_url", "invalid", ""}}},
		})
		// The same reference in another partnership is fine.
		create(t, s, "reviews", map[string]any{"type": "DHR", "partnership_id": other, "reference": "WM-DHR-2025-01", "title": "Adult D"})
	})
}

func TestCreateRecommendationValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		f := newFixture(t, s)
		create(t, s, "recommendations", map[string]any{"review_id": f.Review, "number": "1", "text": "The first.", "scope": "local"})
		valid := map[string]any{"review_id": f.Review, "number": "2", "title": "Stalking screening", "text": "Screen every report for stalking.",
			"scope": "local", "intervention_type": "practice_tool", "response_due": "2026-06-01",
			"addressees": []map[string]any{{"organisation_id": f.Police, "role": "lead", "notified_on": "2025-10-01", "acknowledged_on": "2025-10-03"},
				{"organisation_id": f.Health, "role": "supporting"}},
			"themes": []map[string]any{{"code": "stalking", "primary": true}, {"code": "C01", "source": "suggested"}}}
		addr := func(a ...map[string]any) map[string]any { return map[string]any{"addressees": a} }
		themes := func(th ...map[string]any) map[string]any { return map[string]any{"themes": th} }
		rejectAll(t, s, "/api/v1/recommendations", valid, []badWrite{
			{"review_id missing", map[string]any{"review_id": nil}, 422, []fieldErr{{"review_id", "required", "review_id is required"}}},
			{"number missing", map[string]any{"number": nil}, 422, []fieldErr{{"number", "required", "number is required"}}},
			{"text missing", map[string]any{"text": nil}, 422, []fieldErr{{"text", "required", "text is required"}}},
			{"scope missing", map[string]any{"scope": nil}, 422, []fieldErr{{"scope", "required", "scope is required"}}},
			{"everything missing", map[string]any{"review_id": nil, "number": nil, "text": nil, "scope": nil}, 422, []fieldErr{
				{"review_id", "required", ""}, {"number", "required", ""}, {"text", "required", ""}, {"scope", "required", ""}}},
			{"scope unknown", map[string]any{"scope": "planet"}, 422, []fieldErr{{"scope", "unknown_value", `"planet" is not one of: local, regional, national`}}},
			{"intervention type unknown", map[string]any{"intervention_type": "prayer"}, 422, []fieldErr{{"intervention_type", "unknown_value", ""}}},
			{"intervention type with NUL", map[string]any{"intervention_type": "training\u0000"}, 422, []fieldErr{{"intervention_type", "invalid", ""}}},
			{"number too long", map[string]any{"number": strings.Repeat("9", 21)}, 422, []fieldErr{{"number", "too_long", ""}}},
			{"text too long", map[string]any{"text": strings.Repeat("t", 20001)}, 422, []fieldErr{{"text", "too_long", "text is 20001 characters long; the limit is 20000"}}},
			{"text with a control character", map[string]any{"text": "Form\ffeed"}, 422, []fieldErr{{"text", "invalid", ""}}},
			{"review malformed", map[string]any{"review_id": "WM-DHR-2025-01"}, 422, []fieldErr{{"review_id", "invalid", `"WM-DHR-2025-01" is not a valid id`}}},
			{"review dangling", map[string]any{"review_id": unknownID}, 422, []fieldErr{{"review_id", "not_found", "no review has id " + unknownID}}},
			{"number taken in the review", map[string]any{"number": "1"}, 409, []fieldErr{{"number", "duplicate", "the review already has a recommendation numbered 1"}}},
			{"response_due not a date", map[string]any{"response_due": "2026-06-31"}, 422, []fieldErr{{"response_due", "invalid", `"2026-06-31" is not a date in the form YYYY-MM-DD`}}},
			{"response_due far future", map[string]any{"response_due": "2201-01-01"}, 422, []fieldErr{{"response_due", "invalid", ""}}},
			{"addressee role unknown", addr(map[string]any{"organisation_id": f.Police, "role": "boss"}), 422,
				[]fieldErr{{"addressees[0].role", "unknown_value", `"boss" is not one of: lead, supporting, for_information`}}},
			{"addressee role missing", addr(map[string]any{"organisation_id": f.Police}), 422, []fieldErr{{"addressees[0].role", "required", ""}}},
			{"addressee organisation missing", addr(map[string]any{"organisation_id": f.Police, "role": "lead"}, map[string]any{"role": "lead"}), 422,
				[]fieldErr{{"addressees[1].organisation_id", "required", ""}}},
			{"addressee organisation malformed", addr(map[string]any{"organisation_id": "police", "role": "lead"}), 422,
				[]fieldErr{{"addressees[0].organisation_id", "invalid", `"police" is not a valid id`}}},
			{"addressee organisation dangling", addr(map[string]any{"organisation_id": f.Police, "role": "lead"}, map[string]any{"organisation_id": unknownID, "role": "supporting"}), 422,
				[]fieldErr{{"addressees[1].organisation_id", "not_found", "no organisation has id " + unknownID}}},
			{"addressee twice", addr(map[string]any{"organisation_id": f.Police, "role": "lead"}, map[string]any{"organisation_id": strings.ToUpper(f.Police), "role": "supporting"}), 422,
				[]fieldErr{{"addressees[1].organisation_id", "duplicate", "the same organisation is already addressees[0]"}}},
			{"addressee notified_on not a date", addr(map[string]any{"organisation_id": f.Police, "role": "lead", "notified_on": "yesterday"}), 422,
				[]fieldErr{{"addressees[0].notified_on", "invalid", ""}}},
			{"addressee acknowledged before notified", addr(map[string]any{"organisation_id": f.Police, "role": "lead", "notified_on": "2025-10-03", "acknowledged_on": "2025-10-01"}), 422,
				[]fieldErr{{"addressees[0].acknowledged_on", "out_of_order", "acknowledged_on (2025-10-01) is before notified_on (2025-10-03)"}}},
			{"theme unknown", themes(map[string]any{"code": "stalking"}, map[string]any{"code": "astrology"}), 422,
				[]fieldErr{{"themes[1].code", "unknown_value", `"astrology" is not a theme code or slug (see /api/v1/themes)`}}},
			{"theme with NUL", themes(map[string]any{"code": "A09\u0000"}), 422, []fieldErr{{"themes[0].code", "invalid", ""}}},
			{"theme code missing", themes(map[string]any{"primary": true}), 422, []fieldErr{{"themes[0].code", "required", "themes[0].code is required"}}},
			{"theme twice, code and slug", themes(map[string]any{"code": "A09"}, map[string]any{"code": "stalking"}), 422,
				[]fieldErr{{"themes[1].code", "duplicate", "theme A09 is already themes[0]"}}},
			{"theme twice, same code", themes(map[string]any{"code": "A09"}, map[string]any{"code": "A09"}), 422,
				[]fieldErr{{"themes[1].code", "duplicate", ""}}},
			{"two primary themes", themes(map[string]any{"code": "A09", "primary": true}, map[string]any{"code": "C01", "primary": true}), 422,
				[]fieldErr{{"themes", "invalid", "only one theme can be primary; 2 are"}}},
			{"theme source unknown", themes(map[string]any{"code": "A09", "source": "guess"}), 422, []fieldErr{{"themes[0].source", "unknown_value", ""}}},
		})
	})
}

func TestCreateActionValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		f := newFixture(t, s)
		rec := idOf(create(t, s, "recommendations", map[string]any{"review_id": f.Review, "number": "1", "text": "Do it.", "scope": "local",
			"addressees": []map[string]any{{"organisation_id": f.Police, "role": "lead"}}}))
		valid := map[string]any{"organisation_id": f.Police, "description": "Update the policy.", "owner": "Policy team",
			"target_date": "2026-09-30", "completion_date": "2026-03-01", "outcome": "Policy updated."}
		rejectAll(t, s, "/api/v1/recommendations/"+rec+"/actions", valid, []badWrite{
			{"organisation missing", map[string]any{"organisation_id": nil}, 422, []fieldErr{{"organisation_id", "required", "organisation_id is required"}}},
			{"description missing", map[string]any{"description": nil}, 422, []fieldErr{{"description", "required", "description is required"}}},
			{"organisation malformed", map[string]any{"organisation_id": "police"}, 422, []fieldErr{{"organisation_id", "invalid", `"police" is not a valid id`}}},
			{"organisation not an addressee", map[string]any{"organisation_id": f.Health}, 422, []fieldErr{{"organisation_id", "not_addressee", ""}}},
			{"organisation dangling", map[string]any{"organisation_id": unknownID}, 422, []fieldErr{{"organisation_id", "not_addressee", ""}}},
			{"target_date not a date", map[string]any{"target_date": "Q3 2026"}, 422, []fieldErr{{"target_date", "invalid", `"Q3 2026" is not a date in the form YYYY-MM-DD`}}},
			{"completion_date not a date", map[string]any{"completion_date": "2026-02-29"}, 422, []fieldErr{{"completion_date", "invalid", ""}}},
			{"completion_date in the future", map[string]any{"completion_date": "2026-03-03"}, 422, []fieldErr{{"completion_date", "invalid", "completion_date (2026-03-03) is in the future"}}},
			{"description too long", map[string]any{"description": strings.Repeat("d", 5001)}, 422, []fieldErr{{"description", "too_long", ""}}},
			{"outcome with a control character", map[string]any{"outcome": "done\u0008"}, 422, []fieldErr{{"outcome", "invalid", ""}}},
		})
		// A recommendation that does not exist is not found, whatever the body.
		path := "/api/v1/recommendations/" + unknownID + "/actions"
		before := countAll(t, s)
		checkProblem(t, s.Do("POST", path, valid), path, problemWant{Status: 404, Type: "not_found", Detail: "recommendation not found"})
		before.same(t, s, "action for a missing recommendation")
	})
}

func TestListFilterValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		newFixture(t, s)
		cursorOf := func(raw string) string { return base64.RawURLEncoding.EncodeToString([]byte(raw)) }
		for _, c := range []struct {
			path  string
			field string
			code  string
		}{
			{"/api/v1/partnerships?kind=parish_council", "kind", "unknown_value"},
			{"/api/v1/organisations?sector=army", "sector", "unknown_value"},
			{"/api/v1/organisations?parent_id=council", "parent_id", "invalid"},
			{"/api/v1/reviews?status=closed", "status", "unknown_value"},
			{"/api/v1/reviews?visibility=secret", "visibility", "unknown_value"},
			{"/api/v1/reviews?partnership_id=123", "partnership_id", "invalid"},
			{"/api/v1/reviews?published_from=2025-02-30", "published_from", "invalid"},
			{"/api/v1/reviews?published_to=last+week", "published_to", "invalid"},
			{"/api/v1/recommendations?scope=planet", "scope", "unknown_value"},
			{"/api/v1/recommendations?addressee_role=boss&organisation_id=" + unknownID, "addressee_role", "unknown_value"},
			{"/api/v1/recommendations?response_status=ignored", "response_status", "unknown_value"},
			{"/api/v1/recommendations?implementation_status=done", "implementation_status", "unknown_value"},
			{"/api/v1/recommendations?oversight_status=closed", "oversight_status", "unknown_value"},
			{"/api/v1/recommendations?theme=astrology", "theme", "unknown_value"},
			{"/api/v1/recommendations?review_id=R1", "review_id", "invalid"},
			{"/api/v1/recommendations?organisation_id=police", "organisation_id", "invalid"},
			{"/api/v1/recommendations?partnership_id=x", "partnership_id", "invalid"},
			{"/api/v1/recommendations?due_from=2026-13-01", "due_from", "invalid"},
			{"/api/v1/recommendations?due_to=soon", "due_to", "invalid"},
			{"/api/v1/actions?implementation_status=finished", "implementation_status", "unknown_value"},
			{"/api/v1/actions?recommendation_id=1", "recommendation_id", "invalid"},
			{"/api/v1/actions?organisation_id=1", "organisation_id", "invalid"},
			{"/api/v1/actions?target_from=2026-1-1", "target_from", "invalid"},
			{"/api/v1/themes?group=D", "group", "unknown_value"},
			{"/api/v1/partnerships?limit=0", "limit", "invalid"},
			{"/api/v1/organisations?limit=201", "limit", "invalid"},
			{"/api/v1/reviews?limit=-5", "limit", "invalid"},
			{"/api/v1/recommendations?cursor=not-a-cursor", "cursor", "invalid"},
			{"/api/v1/actions?cursor=" + cursorOf(`{"a":"not-an-id"}`), "cursor", "invalid"},
			{"/api/v1/partnerships?cursor=" + cursorOf(`["a"]`), "cursor", "invalid"},
			{"/api/v1/organisations?cursor=" + cursorOf(`{}`), "cursor", "invalid"},
			{"/api/v1/reviews?cursor=%25%25%25", "cursor", "invalid"},
		} {
			checkProblem(t, s.Do("GET", c.path, nil), c.path, problemWant{Status: 422, Type: "invalid", Detail: "the request has invalid fields",
				Errors: []fieldErr{{c.field, c.code, ""}}})
		}
		// Several bad filters are reported together.
		path := "/api/v1/recommendations?scope=planet&review_id=x&oversight_status=y"
		checkProblem(t, s.Do("GET", path, nil), path, problemWant{Status: 422, Type: "invalid", Detail: "the request has invalid fields",
			Errors: []fieldErr{{"review_id", "invalid", ""}, {"scope", "unknown_value", ""}, {"oversight_status", "unknown_value", ""}}})
		// The edges of the limit are fine, and a cursor this server could have issued is accepted.
		for _, ok := range []string{"/api/v1/partnerships?limit=1", "/api/v1/partnerships?limit=200",
			"/api/v1/partnerships?cursor=" + cursorOf(`{"a":"`+unknownID+`"}`), "/api/v1/partnerships?cursor="} {
			do(t, s, 200, "GET", ok, nil)
		}
	})
}

// Text a database cannot store (NUL bytes, invalid UTF-8) in paths and query parameters gets
// the same answer on both dialects, never a 500: PostgreSQL rejects such query parameters.
func TestUnstorableTextInParameters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		newFixture(t, s)
		for _, c := range []struct {
			path   string
			status int
			field  string // for 422 and 400
		}{
			{"/api/v1/review-types/DHR%00", 404, ""},
			{"/api/v1/review-types/%ff", 404, ""},
			{"/api/v1/themes/stalking%00", 404, ""},
			{"/api/v1/themes/A09%ff", 404, ""},
			{"/api/v1/partnerships/%00", 404, ""},
			{"/api/v1/recommendations/%ff", 404, ""},
			{"/api/v1/recommendations?theme=%00", 422, "theme"},
			{"/api/v1/recommendations?theme=%ff", 422, "theme"},
			{"/api/v1/recommendations?review_type=DHR%00", 422, "review_type"},
			{"/api/v1/recommendations?intervention_type=%ff", 422, "intervention_type"},
			{"/api/v1/reviews?type=%00", 422, "type"},
			{"/api/v1/reviews?q=%00", 422, "q"},
			{"/api/v1/reviews?reference=%ff", 422, "reference"},
			{"/api/v1/partnerships?q=%00", 422, "q"},
			{"/api/v1/organisations?q=%ff", 422, "q"},
			{"/api/v1/partnerships?kind=%00", 422, "kind"},
			{"/api/v1/organisations?sector=%ff", 422, "sector"},
			{"/api/v1/themes?group=%00", 422, "group"},
			{"/api/v1/actions?implementation_status=%00", 422, "implementation_status"},
			{"/api/v1/partnerships?cursor=%00", 422, "cursor"},
			{"/api/v1/actions?completed=%00", 422, "completed"}, // refused at the edge, before parsing
		} {
			r := s.Do("GET", c.path, nil)
			switch c.status {
			case 404:
				if r.Status != 404 || decode(t, r)["type"] != "urn:casereview:problem:not_found" {
					t.Errorf("GET %s: %d %s, want a 404 problem", c.path, r.Status, r.Body)
				}
			case 422:
				checkProblem(t, r, c.path, problemWant{Status: 422, Type: "invalid", Detail: "the request has invalid fields",
					Errors: []fieldErr{{c.field, errCode(t, r), ""}}})
			case 400:
				checkProblem(t, r, c.path, problemWant{Status: 400, Type: "malformed", Detail: "a parameter could not be read",
					Errors: []fieldErr{{c.field, "wrong_type", ""}}})
			}
		}
	})
}

// errCode is the code of a problem's only field error, which may be invalid or unknown_value
// depending on which rule caught the text first.
func errCode(t *testing.T, r apitest.Response) string {
	t.Helper()
	if errs, ok := decode(t, r)["errors"].([]any); ok && len(errs) == 1 {
		if code := errs[0].(map[string]any)["code"]; code == "invalid" || code == "unknown_value" {
			return code.(string)
		}
	}
	return "invalid or unknown_value"
}
