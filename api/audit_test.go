package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/extract/extracttest"
)

// Tests of the audit trail through the API (DESIGN §7): every successful write adds exactly one
// event and every rejected one none, GET /api/v1/audit filters and pages the trail, only
// oversight and admins may read it, and GET /api/v1/audit/verify finds tampering.

// auEvent is an audit event as the API returns it.
type auEvent struct {
	Seq                 int64          `json:"seq"`
	OccurredAt          time.Time      `json:"occurred_at"`
	ActorUserID         *string        `json:"actor_user_id"`
	ActorName           string         `json:"actor_name"`
	ActorOrganisationID *string        `json:"actor_organisation_id"`
	Action              string         `json:"action"`
	EntityType          string         `json:"entity_type"`
	EntityID            string         `json:"entity_id"`
	Before              map[string]any `json:"before"`
	After               map[string]any `json:"after"`
	RequestID           string         `json:"request_id"`
	PrevHash            string         `json:"prev_hash"`
	Hash                string         `json:"hash"`
	raw                 map[string]json.RawMessage
}

type auPage struct {
	Items      []auEvent `json:"items"`
	Total      int64     `json:"total"`
	NextCursor *string   `json:"next_cursor"`
}

// auList reads one page of GET /api/v1/audit?query, checking that before and after are JSON
// objects or null, never strings.
func auList(t *testing.T, s *apitest.Server, query string, headers ...string) auPage {
	t.Helper()
	r := do(t, s, http.StatusOK, "GET", "/api/v1/audit?"+query, nil, headers...)
	var p auPage
	r.JSON(t, &p)
	var raw struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	r.JSON(t, &raw)
	for i := range p.Items {
		p.Items[i].raw = raw.Items[i]
		for _, k := range []string{"before", "after"} {
			v := strings.TrimSpace(string(raw.Items[i][k]))
			if v != "null" && !strings.HasPrefix(v, "{") {
				t.Errorf("event %d: %s is %s; want a JSON object or null", p.Items[i].Seq, k, v)
			}
		}
	}
	return p
}

// auAllPages follows next_cursor from the first page of query with page size limit, checking
// that every page reports the same total and only the last lacks a cursor; newest first.
func auAllPages(t *testing.T, s *apitest.Server, query string, limit int) ([]auEvent, int64) {
	t.Helper()
	var all []auEvent
	total := int64(-1)
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("audit paging does not end")
		}
		q := fmt.Sprintf("%s&limit=%d", query, limit)
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		p := auList(t, s, q)
		if total >= 0 && p.Total != total {
			t.Fatalf("%s: page %d reports total %d, the first said %d", query, pages, p.Total, total)
		}
		total = p.Total
		all = append(all, p.Items...)
		if p.NextCursor == nil {
			if len(p.Items) > limit {
				t.Fatalf("%s: page of %d with limit %d", query, len(p.Items), limit)
			}
			break
		}
		if len(p.Items) != limit {
			t.Fatalf("%s: page %d has %d items and a cursor; want full pages of %d", query, pages, len(p.Items), limit)
		}
		cursor = *p.NextCursor
	}
	return all, total
}

// auNewest returns the total and the newest event.
func auNewest(t *testing.T, s *apitest.Server) (int64, auEvent) {
	t.Helper()
	p := auList(t, s, "limit=1")
	if len(p.Items) == 0 {
		return p.Total, auEvent{}
	}
	return p.Total, p.Items[0]
}

// auUser creates a user through the store, as the system, with password pw (may be empty)
// and the given memberships, and returns it with an API token for it.
func auUser(t *testing.T, s *apitest.Server, email, name, pw string, ms ...casereview.MembershipDraft) (casereview.User, string) {
	t.Helper()
	ctx := casereview.WithActor(context.Background(), casereview.System)
	hash := ""
	if pw != "" {
		var err error
		if hash, err = s.App.Auth().NewPasswordHash(pw); err != nil {
			t.Fatal(err)
		}
	}
	u, err := s.App.Store().CreateUser(ctx, casereview.UserDraft{Email: email, DisplayName: name}, hash)
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	for _, m := range ms {
		if u, err = s.App.Store().AddMembership(ctx, u.ID, m); err != nil {
			t.Fatalf("membership for %s: %v", email, err)
		}
	}
	tok, _, err := s.IssueToken(ctx, u, "tests")
	if err != nil {
		t.Fatalf("token for %s: %v", email, err)
	}
	return u, tok
}

func auBearer(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

// Every write endpoint, successful or rejected: a success adds exactly one event describing it
// (action, entity, actor, before and after), a rejection adds none and changes no data. The
// deliberate exceptions: a failed sign-in or second factor is refused and audited, starting an
// authenticator enrolment records nothing until it is confirmed, and revoking a revoked token
// changes nothing and records nothing. A final check fails when openapi.yaml has a write
// operation the walk does not cover.
func TestAuditEveryWriteEndpoint(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		clk := &auClock{t: apitest.Fixed}
		s := apitest.Start(t, dialect, apitest.Options{Now: clk.Now})
		const password = "quartz meadow lantern seven"
		walked := map[string]bool{} // "METHOD /api/v1/path/{id}" of every write sent
		var lastHeader http.Header
		admin, adminTok := auUser(t, s, "ada@example.org", "Ada Admin", "", casereview.MembershipDraft{Role: casereview.RoleAdmin})
		viewer, _ := auUser(t, s, "vic@example.org", "Vic Viewer", password)
		system := func() (string, *string) { return "system", nil }
		asAdmin := func() (string, *string) { return "Ada Admin", &admin.ID }
		asViewer := func() (string, *string) { return "Vic Viewer", &viewer.ID }

		n, _ := auNewest(t, s)
		data := countAll(t, s)
		users := total(t, s, "/api/v1/users")

		// write sends a request that must succeed with status and add exactly one event.
		// entity gives the expected entity id from the response; shape says which of before and
		// after are objects: "c" (created: after only), "u" (both), "d" (deleted: before only),
		// "-" (neither) or "a" (after only, not a record).
		write := func(status int, method, path string, body any, action, typ string, entity func(map[string]any) string,
			shape string, actor func() (string, *string), headers ...string) map[string]any {
			t.Helper()
			r := do(t, s, status, method, path, body, headers...)
			walked[auTemplate(method, path)], lastHeader = true, r.Header
			var m map[string]any
			if len(r.Body) > 0 {
				m = decode(t, r)
			}
			got, e := auNewest(t, s)
			if got != n+1 {
				t.Fatalf("%s %s: %d new events, want 1", method, path, got-n)
			}
			n = got
			data, users = countAll(t, s), total(t, s, "/api/v1/users")
			name, uid := actor()
			if e.Action != action || e.EntityType != typ || e.EntityID != entity(m) {
				t.Errorf("%s %s: event %s %s/%s, want %s %s/%s", method, path, e.Action, e.EntityType, e.EntityID, action, typ, entity(m))
			}
			if e.ActorName != name || !reflect.DeepEqual(e.ActorUserID, uid) {
				t.Errorf("%s %s: actor %q %v, want %q %v", method, path, e.ActorName, e.ActorUserID, name, uid)
			}
			if e.RequestID == "" || e.RequestID != r.Header.Get("X-Request-Id") {
				t.Errorf("%s %s: event request_id %q, response X-Request-Id %q", method, path, e.RequestID, r.Header.Get("X-Request-Id"))
			}
			wantBefore, wantAfter := map[string]bool{"c": false, "u": true, "d": true, "-": false, "a": false}[shape],
				map[string]bool{"c": true, "u": true, "d": false, "-": false, "a": true}[shape]
			if (e.Before != nil) != wantBefore || (e.After != nil) != wantAfter {
				t.Errorf("%s %s: before %v after %v, want shape %q", method, path, e.Before, e.After, shape)
			}
			key := "ID"
			if typ == "theme" {
				key = "Code" // a theme is known by its code
			}
			if wantAfter && shape != "a" && e.After[key] != entity(m) {
				t.Errorf("%s %s: after describes %v, not %s", method, path, e.After[key], entity(m))
			}
			if wantBefore && e.Before[key] != entity(m) {
				t.Errorf("%s %s: before describes %v, not %s", method, path, e.Before[key], entity(m))
			}
			return m
		}
		// reject sends a request that must be refused with status and leave nothing behind.
		// watch lists GET paths whose bodies a refused write must leave as they were: the
		// tracking records (responses, timelines, evidence, links) are not in countAll's lists.
		var watch []string
		look := func() map[string]string {
			t.Helper()
			out := map[string]string{}
			for _, p := range watch {
				out[p] = string(do(t, s, http.StatusOK, "GET", p, nil).Body)
			}
			return out
		}
		reject := func(status int, method, path string, body any, headers ...string) {
			t.Helper()
			seen := look()
			do(t, s, status, method, path, body, headers...)
			walked[auTemplate(method, path)] = true
			if got, e := auNewest(t, s); got != n {
				t.Errorf("%s %s (refused %d): %d new events, newest %s", method, path, status, got-n, e.Action)
			}
			data.same(t, s, method+" "+path)
			for p, b := range look() {
				if b != seen[p] {
					t.Errorf("%s %s (refused %d) changed %s:\n  before %s\n  after  %s", method, path, status, p, seen[p], b)
				}
			}
			if u := total(t, s, "/api/v1/users"); u != users {
				t.Errorf("%s %s (refused %d): users %d, want %d", method, path, status, u, users)
			}
		}
		id := func(m map[string]any) string { return m["id"].(string) }
		is := func(v string) func(map[string]any) string { return func(map[string]any) string { return v } }
		ifMatch := func(v int) []string { return []string{"If-Match", fmt.Sprintf(`"%d"`, v)} }

		// Partnerships.
		P := id(write(201, "POST", "/api/v1/partnerships", map[string]any{"name": "Westmarch CSP", "kind": "community_safety_partnership"},
			"partnership.created", "partnership", id, "c", system))
		P2 := id(write(201, "POST", "/api/v1/partnerships", map[string]any{"name": "Eastmere SAB", "kind": "safeguarding_adults_board"},
			"partnership.created", "partnership", id, "c", system))
		reject(422, "POST", "/api/v1/partnerships", map[string]any{"name": "", "kind": "nonsense"})
		reject(409, "POST", "/api/v1/partnerships", map[string]any{"name": "westmarch csp", "kind": "other"})
		write(200, "PATCH", "/api/v1/partnerships/"+P, map[string]any{"area_codes": []string{"LA:Westmarch"}},
			"partnership.updated", "partnership", id, "u", system, ifMatch(1)...)
		reject(412, "PATCH", "/api/v1/partnerships/"+P, map[string]any{"name": "Stale"}, ifMatch(1)...)
		reject(428, "PATCH", "/api/v1/partnerships/"+P, map[string]any{"name": "No If-Match"})
		reject(404, "PATCH", "/api/v1/partnerships/"+unknownID, map[string]any{"name": "Nobody"}, ifMatch(1)...)
		reject(422, "PATCH", "/api/v1/partnerships/"+P, map[string]any{"kind": "planet"}, ifMatch(2)...)

		// Organisations.
		O := id(write(201, "POST", "/api/v1/organisations", map[string]any{"name": "Westmarch Police", "sector": "police"},
			"organisation.created", "organisation", id, "c", system))
		O2 := id(write(201, "POST", "/api/v1/organisations", map[string]any{"name": "Westmarch Homes", "sector": "housing"},
			"organisation.created", "organisation", id, "c", system))
		reject(422, "POST", "/api/v1/organisations", map[string]any{"name": "Nowhere", "sector": "astrology"})
		write(200, "PATCH", "/api/v1/organisations/"+O, map[string]any{"aliases": []string{"WMP"}},
			"organisation.updated", "organisation", id, "u", system, ifMatch(1)...)
		reject(412, "PATCH", "/api/v1/organisations/"+O, map[string]any{"name": "Stale"}, ifMatch(1)...)
		reject(404, "DELETE", "/api/v1/organisations/"+unknownID, nil, ifMatch(1)...)

		// Reviews.
		R := id(write(201, "POST", "/api/v1/reviews", map[string]any{"type": "DHR", "partnership_id": P, "reference": "WM-DHR-01", "title": "Adult A"},
			"review.created", "review", id, "c", system))
		R2 := id(write(201, "POST", "/api/v1/reviews", map[string]any{"type": "DHR", "partnership_id": P, "reference": "WM-DHR-02", "title": "Adult B"},
			"review.created", "review", id, "c", system))
		reject(422, "POST", "/api/v1/reviews", map[string]any{"type": "DHR", "partnership_id": unknownID, "reference": "X-1", "title": "X"})
		write(200, "PATCH", "/api/v1/reviews/"+R, map[string]any{"summary": "A summary."}, "review.updated", "review", id, "u", system, ifMatch(1)...)
		reject(412, "PATCH", "/api/v1/reviews/"+R, map[string]any{"summary": "Stale"}, ifMatch(1)...)
		reject(409, "DELETE", "/api/v1/partnerships/"+P, nil, ifMatch(2)...)

		// Recommendations.
		REC := id(write(201, "POST", "/api/v1/recommendations", map[string]any{"review_id": R, "number": "1", "text": "Train staff.", "scope": "local",
			"addressees": []map[string]any{{"organisation_id": O, "role": "lead"}}}, "recommendation.created", "recommendation", id, "c", system))
		REC2 := id(write(201, "POST", "/api/v1/recommendations", map[string]any{"review_id": R, "number": "2", "text": "Share minutes.", "scope": "local"},
			"recommendation.created", "recommendation", id, "c", system))
		reject(422, "POST", "/api/v1/recommendations", map[string]any{"review_id": R, "number": "3", "text": "", "scope": "galactic"})
		reject(409, "POST", "/api/v1/recommendations", map[string]any{"review_id": R, "number": "1", "text": "Again.", "scope": "local"})
		write(200, "PATCH", "/api/v1/recommendations/"+REC, map[string]any{"title": "Training"},
			"recommendation.updated", "recommendation", id, "u", system, ifMatch(1)...)
		reject(412, "PATCH", "/api/v1/recommendations/"+REC, map[string]any{"title": "Stale"}, ifMatch(1)...)
		reject(404, "PATCH", "/api/v1/recommendations/"+unknownID, map[string]any{"title": "Nobody"}, ifMatch(1)...)

		// A review's report (issue 17 §2): the upload is one event; confirming its proposals
		// records each recommendation's creation and then the confirmation, and only once.
		repBody, repType := lcMultipart(t, "ms-a.txt", extracttest.Text(extracttest.DHR))
		REP := id(write(201, "POST", "/api/v1/reviews/"+R+"/reports", repBody, "report.uploaded", "review_report", id, "a", system, "Content-Type", repType))
		pngBody, pngType := lcMultipart(t, "ms-a.png", evPNG)
		reject(422, "POST", "/api/v1/reviews/"+R+"/reports", pngBody, "Content-Type", pngType)
		unkBody, unkType := lcMultipart(t, "ms-a.txt", extracttest.Text(extracttest.DHR))
		reject(404, "POST", "/api/v1/reviews/"+unknownID+"/reports", unkBody, "Content-Type", unkType)
		confirm := map[string]any{"proposals": []map[string]any{{"number": "R7", "text": extracttest.DHRTexts[0], "scope": "local", "page": 3}}}
		reject(422, "POST", "/api/v1/reports/"+REP+"/confirm", map[string]any{"proposals": []map[string]any{{"number": "R7", "text": "", "scope": "local"}}})
		reject(404, "POST", "/api/v1/reports/"+unknownID+"/confirm", confirm)
		do(t, s, 201, "POST", "/api/v1/reports/"+REP+"/confirm", confirm)
		walked["POST /api/v1/reports/{id}/confirm"] = true
		if got, e := auNewest(t, s); got != n+2 || e.Action != "report.confirmed" || e.EntityType != "review_report" || e.EntityID != REP {
			t.Errorf("POST /api/v1/reports/{id}/confirm: %d new events, newest %s %s/%s; want recommendation.created then report.confirmed", got-n, e.Action, e.EntityType, e.EntityID)
		} else {
			n = got
		}
		data, users = countAll(t, s), total(t, s, "/api/v1/users")
		reject(409, "POST", "/api/v1/reports/"+REP+"/confirm", confirm)

		// Actions.
		A := id(write(201, "POST", "/api/v1/recommendations/"+REC+"/actions", map[string]any{"organisation_id": O, "description": "Refresh training"},
			"action.created", "action", id, "c", system))
		reject(422, "POST", "/api/v1/recommendations/"+REC+"/actions", map[string]any{"organisation_id": O2, "description": "Not an addressee"})
		reject(404, "POST", "/api/v1/recommendations/"+unknownID+"/actions", map[string]any{"organisation_id": O, "description": "x"})
		write(200, "PATCH", "/api/v1/actions/"+A, map[string]any{"owner": "L&D"}, "action.updated", "action", id, "u", system, ifMatch(1)...)
		reject(412, "PATCH", "/api/v1/actions/"+A, map[string]any{"owner": "Stale"}, ifMatch(1)...)
		// Milestones of the action (issue 13 §4).
		watch = []string{"/api/v1/recommendations/" + REC + "/timeline"}
		MS := id(write(201, "POST", "/api/v1/actions/"+A+"/milestones", map[string]any{"title": "Course written", "due_date": "2030-01-31"},
			"milestone.created", "milestone", id, "c", system))
		reject(422, "POST", "/api/v1/actions/"+A+"/milestones", map[string]any{"title": ""})
		reject(404, "POST", "/api/v1/actions/"+unknownID+"/milestones", map[string]any{"title": "x"})
		write(200, "PATCH", "/api/v1/milestones/"+MS, map[string]any{"due_date": "2030-02-28"}, "milestone.updated", "milestone", id, "u", system, ifMatch(1)...)
		reject(412, "PATCH", "/api/v1/milestones/"+MS, map[string]any{"title": "Stale"}, ifMatch(1)...)
		write(200, "POST", "/api/v1/milestones/"+MS+"/complete", nil, "milestone.completed", "milestone", id, "u", system, ifMatch(2)...)
		reject(409, "POST", "/api/v1/milestones/"+MS+"/complete", nil, ifMatch(3)...)
		reject(412, "DELETE", "/api/v1/milestones/"+MS, nil, ifMatch(1)...)
		write(204, "DELETE", "/api/v1/milestones/"+MS, nil, "milestone.deleted", "milestone", is(MS), "d", system, ifMatch(3)...)
		// Subjects of a review and baselines (issue 15 §2): the events name the characteristics
		// recorded or changed, never their values.
		SUB := id(write(201, "POST", "/api/v1/reviews/"+R+"/subjects", map[string]any{"role": "victim", "characteristics": map[string]any{"ethnicity": "asian_pakistani"}},
			"subject.created", "subject", id, "c", system))
		reject(422, "POST", "/api/v1/reviews/"+R+"/subjects", map[string]any{"role": "witness"})
		reject(422, "POST", "/api/v1/reviews/"+R+"/subjects", map[string]any{"role": "victim", "characteristics": map[string]any{"ethnicity": "martian"}})
		reject(404, "POST", "/api/v1/reviews/"+unknownID+"/subjects", map[string]any{"role": "victim"})
		write(200, "PUT", "/api/v1/reviews/"+R+"/subjects/"+SUB, map[string]any{"role": "victim", "characteristics": map[string]any{"sex": "female"}},
			"subject.updated", "subject", id, "u", system, ifMatch(1)...)
		reject(412, "PUT", "/api/v1/reviews/"+R+"/subjects/"+SUB, map[string]any{"role": "victim"}, ifMatch(1)...)
		reject(428, "PUT", "/api/v1/reviews/"+R+"/subjects/"+SUB, map[string]any{"role": "victim"})
		write(204, "DELETE", "/api/v1/reviews/"+R+"/subjects/"+SUB, nil, "subject.deleted", "subject", is(SUB), "d", system, ifMatch(2)...)
		reject(404, "DELETE", "/api/v1/reviews/"+R+"/subjects/"+SUB, nil, ifMatch(2)...)
		write(200, "PUT", "/api/v1/partnerships/"+P+"/baselines/ethnic_group", map[string]any{"csv": "group,population\nwhite,900\nblack,100\n", "source": "Test census"},
			"baseline.uploaded", "partnership", is(P), "a", system)
		reject(422, "PUT", "/api/v1/partnerships/"+P+"/baselines/ethnic_group", map[string]any{"csv": "group,population\nwhite,lots\n"})
		reject(404, "PUT", "/api/v1/partnerships/"+unknownID+"/baselines/ethnic_group", map[string]any{"csv": "group,population\nwhite,9\n"})
		watch = nil
		reject(412, "DELETE", "/api/v1/actions/"+A, nil, ifMatch(1)...)
		write(204, "DELETE", "/api/v1/actions/"+A, nil, "action.deleted", "action", is(A), "d", system, ifMatch(2)...)
		reject(404, "DELETE", "/api/v1/actions/"+A, nil, ifMatch(2)...)

		// Deletions.
		write(204, "DELETE", "/api/v1/recommendations/"+REC2, nil, "recommendation.deleted", "recommendation", is(REC2), "d", system, ifMatch(1)...)
		write(204, "DELETE", "/api/v1/reviews/"+R2, nil, "review.deleted", "review", is(R2), "d", system, ifMatch(1)...)
		write(204, "DELETE", "/api/v1/organisations/"+O2, nil, "organisation.deleted", "organisation", is(O2), "d", system, ifMatch(1)...)
		O3 := id(write(201, "POST", "/api/v1/organisations", map[string]any{"name": "Westmarch Police Service", "sector": "police"},
			"organisation.created", "organisation", id, "c", system))
		reject(412, "POST", "/api/v1/organisations/"+O+"/merge", map[string]any{"merge": O3, "version": 99, "merge_version": 1})
		reject(422, "POST", "/api/v1/organisations/"+O+"/merge", map[string]any{"merge": O, "version": 1, "merge_version": 1})
		write(200, "POST", "/api/v1/organisations/"+O+"/merge", map[string]any{"merge": O3, "version": decode(t, do(t, s, 200, "GET", "/api/v1/organisations/"+O, nil))["version"], "merge_version": 1},
			"organisation.merged", "organisation", is(O), "u", system)
		write(204, "DELETE", "/api/v1/partnerships/"+P2, nil, "partnership.deleted", "partnership", is(P2), "d", system, ifMatch(1)...)
		reject(404, "DELETE", "/api/v1/partnerships/"+P2, nil, ifMatch(1)...)

		// Users and memberships.
		U := id(write(201, "POST", "/api/v1/users", map[string]any{"email": "new@example.org", "display_name": "Nina New"},
			"user.created", "user", id, "c", system))
		reject(409, "POST", "/api/v1/users", map[string]any{"email": "NEW@example.org", "display_name": "Nina Again"})
		reject(422, "POST", "/api/v1/users", map[string]any{"email": "not an address", "display_name": "X"})
		reject(422, "POST", "/api/v1/users", map[string]any{"email": "weak@example.org", "display_name": "Weak", "password": "short"})
		write(200, "PATCH", "/api/v1/users/"+U, map[string]any{"display_name": "Nina N."}, "user.updated", "user", id, "u", system, ifMatch(1)...)
		reject(412, "PATCH", "/api/v1/users/"+U, map[string]any{"display_name": "Stale"}, ifMatch(1)...)
		reject(404, "PATCH", "/api/v1/users/"+unknownID, map[string]any{"display_name": "Nobody"}, ifMatch(1)...)
		um := write(201, "POST", "/api/v1/users/"+U+"/memberships", map[string]any{"role": "agency_editor", "organisation_id": O},
			"membership.added", "user", is(U), "u", system)
		reject(422, "POST", "/api/v1/users/"+U+"/memberships", map[string]any{"role": "emperor"})
		reject(409, "POST", "/api/v1/users/"+U+"/memberships", map[string]any{"role": "agency_editor", "organisation_id": O})
		reject(404, "POST", "/api/v1/users/"+unknownID+"/memberships", map[string]any{"role": "viewer"})
		M := um["memberships"].([]any)[0].(map[string]any)["id"].(string)
		write(200, "DELETE", "/api/v1/users/"+U+"/memberships/"+M, nil, "membership.removed", "user", is(U), "u", system)
		reject(404, "DELETE", "/api/v1/users/"+U+"/memberships/"+M, nil)
		write(200, "PATCH", "/api/v1/users/"+U, map[string]any{"disabled": true}, "user.disabled", "user", id, "u", system, ifMatch(4)...)
		write(200, "PATCH", "/api/v1/users/"+U, map[string]any{"disabled": false}, "user.enabled", "user", id, "u", system, ifMatch(5)...)

		// The caller's own API tokens. A token may not make tokens (only a recent sign-in may):
		// refused, and nothing recorded.
		reject(403, "POST", "/api/v1/me/tokens", map[string]any{"name": "nightly export"}, auBearer(adminTok)...)
		reject(403, "POST", "/api/v1/me/tokens", map[string]any{"name": ""}, auBearer(adminTok)...)
		TK, _ := auUserToken(t, s, admin)
		n, _ = auNewest(t, s) // the token itself was audited
		reject(404, "DELETE", "/api/v1/me/tokens/"+unknownID, nil, auBearer(adminTok)...)
		write(204, "DELETE", "/api/v1/me/tokens/"+TK, nil, "token.revoked", "api_token", is(TK), "u", asAdmin, auBearer(adminTok)...)
		// Revoking it again changes nothing, so records nothing.
		reject(204, "DELETE", "/api/v1/me/tokens/"+TK, nil, auBearer(adminTok)...)
		// An admin's writes are attributed to them.
		write(200, "PATCH", "/api/v1/partnerships/"+P, map[string]any{"name": "Westmarch Community Safety Partnership"},
			"partnership.updated", "partnership", id, "u", asAdmin, append(ifMatch(2), auBearer(adminTok)...)...)
		// Refused for lack of rights: nothing is recorded.
		_, viewerTok := auUserToken(t, s, viewer)
		n, _ = auNewest(t, s) // the token itself was audited
		reject(403, "POST", "/api/v1/users", map[string]any{"email": "x@example.org", "display_name": "X"}, auBearer(viewerTok)...)
		reject(403, "POST", "/api/v1/partnerships", map[string]any{"name": "Viewer's CSP", "kind": "other"}, auBearer(viewerTok)...)

		// The taxonomy, administered: each change recorded old -> new against the theme's code;
		// a viewer is refused and a duplicate or stale write records nothing.
		reject(403, "POST", "/api/v1/themes", map[string]any{"code": "A41", "group": "A", "label": "Cyber-flashing", "definition": "d"}, auBearer(viewerTok)...)
		write(201, "POST", "/api/v1/themes", map[string]any{"code": "A41", "group": "A", "label": "Cyber-flashing", "definition": "Sending sexual images without consent."},
			"theme.created", "theme", is("A41"), "c", system)
		reject(409, "POST", "/api/v1/themes", map[string]any{"code": "A41", "group": "A", "label": "Other", "definition": "d"})
		reject(428, "PATCH", "/api/v1/themes/A41", map[string]any{"label": "Image-based abuse"})
		write(200, "PATCH", "/api/v1/themes/A41", map[string]any{"label": "Image-based abuse"}, "theme.updated", "theme", is("A41"), "u", system,
			"If-Match", etagOf(t, s, "/api/v1/themes/A41"))
		write(200, "POST", "/api/v1/themes/A41/deprecate", nil, "theme.deprecated", "theme", is("A41"), "u", system,
			"If-Match", etagOf(t, s, "/api/v1/themes/A41"))
		reject(409, "POST", "/api/v1/themes/A41/deprecate", nil, "If-Match", etagOf(t, s, "/api/v1/themes/A41"))

		// Tracking to closure (responses, progress, evidence, assessments, links), each write by
		// the role whose work it is, on a shared review so an agency editor sees it. A refusal
		// (wrong role, missing reason, stale or missing If-Match, bad input) records nothing and
		// leaves the records, their timelines and versions as they were.
		eddie, eddieTok := auUser(t, s, "eddie@example.org", "Eddie Editor", "",
			casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: O})
		otto, ottoTok := auUser(t, s, "otto@example.org", "Otto Oversight", "", casereview.MembershipDraft{Role: casereview.RoleOversight})
		asEddie := func() (string, *string) { return "Eddie Editor", &eddie.ID }
		asOtto := func() (string, *string) { return "Otto Oversight", &otto.ID }
		ed, ov, vw := auBearer(eddieTok), auBearer(ottoTok), auBearer(viewerTok)
		n, _ = auNewest(t, s) // the users and their tokens were audited
		users = total(t, s, "/api/v1/users")
		newest := func() auEvent { t.Helper(); _, e := auNewest(t, s); return e }
		with := func(v int, h []string) []string { return append(ifMatch(v), h...) }
		version := func(path string) int {
			t.Helper()
			v, err := strconv.Atoi(strings.Trim(do(t, s, http.StatusOK, "GET", path, nil).Header.Get("ETag"), `"`))
			if err != nil {
				t.Fatalf("GET %s: no ETag: %v", path, err)
			}
			return v
		}
		timeline := func(rec string) []map[string]any {
			t.Helper()
			var tl struct {
				Items []map[string]any `json:"items"`
			}
			do(t, s, http.StatusOK, "GET", "/api/v1/recommendations/"+rec+"/timeline", nil).JSON(t, &tl)
			return tl.Items
		}
		links := func(rec string) []any {
			t.Helper()
			l, _ := decode(t, do(t, s, http.StatusOK, "GET", "/api/v1/recommendations/"+rec, nil))["links"].([]any)
			return l
		}
		check := func(what string, got, want any) {
			t.Helper()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %v, want %v", what, got, want)
			}
		}
		RT := id(write(201, "POST", "/api/v1/reviews", map[string]any{"type": "DHR", "partnership_id": P, "reference": "WM-DHR-03", "title": "Adult C",
			"visibility": "shared"}, "review.created", "review", id, "c", system))
		RT1 := id(write(201, "POST", "/api/v1/recommendations", map[string]any{"review_id": RT, "number": "1", "text": "Retrain the team.", "scope": "local",
			"addressees": []map[string]any{{"organisation_id": O, "role": "lead"}}}, "recommendation.created", "recommendation", id, "c", system))
		RT2 := id(write(201, "POST", "/api/v1/recommendations", map[string]any{"review_id": RT, "number": "2", "text": "Audit referrals.", "scope": "local"},
			"recommendation.created", "recommendation", id, "c", system))
		for _, r := range []string{RT1, RT2} {
			watch = append(watch, "/api/v1/recommendations/"+r, "/api/v1/recommendations/"+r+"/timeline", "/api/v1/recommendations/"+r+"/responses")
		}

		// Responses: the addressee's editor records one; reasons are needed unless accepted in full.
		responses := "/api/v1/recommendations/" + RT1 + "/responses"
		accepted := map[string]any{"organisation_id": O, "decision": "accepted", "narrative": "We will retrain.", "timetable": "By March."}
		reject(422, "POST", responses, map[string]any{"organisation_id": O, "decision": "not_accepted", "narrative": "We disagree."}, ed...)
		reject(403, "POST", responses, accepted, ov...)
		reject(403, "POST", responses, accepted, vw...)
		reject(403, "POST", responses, map[string]any{"organisation_id": O2, "decision": "accepted", "narrative": "x", "timetable": "y"}, ed...)
		reject(422, "POST", responses, map[string]any{"organisation_id": unknownID, "decision": "accepted", "narrative": "x", "timetable": "y"})
		reject(404, "POST", "/api/v1/recommendations/"+unknownID+"/responses", accepted, ed...)
		resp := write(201, "POST", responses, accepted, "response.recorded", "recommendation", is(RT1), "a", asEddie, ed...)
		if e := newest(); e.After["ID"] != id(resp) || e.After["RecommendationID"] != RT1 || e.After["Decision"] != "accepted" ||
			e.ActorOrganisationID == nil || *e.ActorOrganisationID != O {
			t.Errorf("response.recorded: after %v, actor organisation %v; want response %s on %s by %s", e.After, e.ActorOrganisationID, id(resp), RT1, O)
		}

		// Progress on an action: a note or a move, by its owner; oversight may note but not move
		// it on or restate its outcome; abandoning needs a reason.
		AT := id(write(201, "POST", "/api/v1/recommendations/"+RT1+"/actions", map[string]any{"organisation_id": O, "description": "Run the training"},
			"action.created", "action", id, "c", asEddie, ed...))
		watch = append(watch, "/api/v1/actions/"+AT, "/api/v1/actions/"+AT+"/evidence")
		prog := "/api/v1/actions/" + AT + "/progress"
		reject(428, "POST", prog, map[string]any{"narrative": "No If-Match"}, ed...)
		reject(422, "POST", prog, map[string]any{"status": "not_implemented"}, with(1, ed)...)
		reject(422, "POST", prog, map[string]any{"status": "implemented_pending_verification", "outcome": "Done."}, with(1, ed)...)
		reject(403, "POST", prog, map[string]any{"status": "in_progress"}, with(1, ov)...)
		reject(403, "POST", prog, map[string]any{"narrative": "A viewer's note"}, with(1, vw)...)
		reject(404, "POST", "/api/v1/actions/"+unknownID+"/progress", map[string]any{"narrative": "Nobody"}, with(1, ed)...)
		write(200, "POST", prog, map[string]any{"status": "in_progress", "narrative": "Sessions booked."}, "action.progressed", "action", id, "u", asEddie, with(1, ed)...)
		e := newest()
		check("action.progressed status before→after", []any{e.Before["ImplementationStatus"], e.After["ImplementationStatus"]}, []any{"not_started", "in_progress"})
		check("action.progressed version before→after", []any{e.Before["Version"], e.After["Version"]}, []any{1.0, 2.0})
		reject(412, "POST", prog, map[string]any{"narrative": "Stale"}, with(1, ed)...)
		write(200, "POST", prog, map[string]any{"narrative": "Checked in with the team."}, "action.progressed", "action", id, "u", asOtto, with(2, ov)...)
		e = newest()
		check("oversight note status before→after", []any{e.Before["ImplementationStatus"], e.After["ImplementationStatus"]}, []any{"in_progress", "in_progress"})
		reject(403, "POST", prog, map[string]any{"narrative": "Rewritten", "outcome": "Oversight's words"}, with(3, ov)...)

		// Evidence: a link or an upload by the owner, never by oversight; a file is read by content.
		evPath := "/api/v1/actions/" + AT + "/evidence"
		link := map[string]any{"title": "Training minutes", "url": "https://example.org/minutes", "evidence_type": "minutes"}
		reject(422, "POST", evPath, map[string]any{"title": "Minutes", "url": "ftp://example.org/minutes"}, ed...)
		reject(403, "POST", evPath, link, ov...)
		reject(404, "POST", "/api/v1/actions/"+unknownID+"/evidence", link, ed...)
		EV1 := id(write(201, "POST", evPath, link, "evidence.added", "evidence", id, "c", asEddie, ed...))
		e = newest()
		check("evidence.added (link)", []any{e.After["Kind"], e.After["Status"], e.After["ActionID"], e.After["URL"]},
			[]any{"link", "pending", AT, "https://example.org/minutes"})
		bad, badType := lcMultipart(t, "attendance.pdf", evPNG, "title", "Attendance", "evidence_type", "training_record")
		reject(422, "POST", evPath, bad, append([]string{"Content-Type", badType}, ed...)...)
		file, fileType := lcMultipart(t, "attendance.png", evPNG, "title", "Attendance", "evidence_type", "training_record")
		reject(403, "POST", evPath, file, append([]string{"Content-Type", fileType}, ov...)...)
		EV2 := id(write(201, "POST", evPath, file, "evidence.added", "evidence", id, "c", asEddie, append([]string{"Content-Type", fileType}, ed...)...))
		e = newest()
		check("evidence.added (file)", []any{e.After["Kind"], e.After["Filename"], e.After["MediaType"], e.After["SHA256"] != ""},
			[]any{"file", "attendance.png", "image/png", true})
		watch = append(watch, "/api/v1/evidence/"+EV1, "/api/v1/evidence/"+EV2)

		// Reviewing evidence: oversight only; a rejection needs a note; once only.
		reject(422, "POST", "/api/v1/evidence/"+EV2+"/review", map[string]any{"decision": "rejected"}, ov...)
		reject(422, "POST", "/api/v1/evidence/"+EV2+"/review", map[string]any{"decision": "maybe"}, ov...)
		reject(403, "POST", "/api/v1/evidence/"+EV1+"/review", map[string]any{"decision": "verified"}, ed...)
		reject(404, "POST", "/api/v1/evidence/"+unknownID+"/review", map[string]any{"decision": "verified"}, ov...)
		write(200, "POST", "/api/v1/evidence/"+EV1+"/review", map[string]any{"decision": "verified"}, "evidence.reviewed", "evidence", id, "u", asOtto, ov...)
		e = newest()
		check("evidence.reviewed status before→after", []any{e.Before["Status"], e.After["Status"], e.After["ReviewedByName"]},
			[]any{"pending", "verified", "Otto Oversight"})
		reject(409, "POST", "/api/v1/evidence/"+EV1+"/review", map[string]any{"decision": "rejected", "note": "Second thoughts."}, ov...)
		write(200, "POST", "/api/v1/evidence/"+EV2+"/review", map[string]any{"decision": "rejected", "note": "Illegible."}, "evidence.reviewed", "evidence", id, "u", asOtto, ov...)
		e = newest()
		check("evidence.rejected before→after", []any{e.Before["Status"], e.After["Status"], e.After["ReviewNote"]}, []any{"pending", "rejected", "Illegible."})

		// Withdrawing evidence: its uploader alone, with a reason, once; the event keeps the reason.
		EV3 := id(write(201, "POST", evPath, map[string]any{"title": "Wrong minutes", "url": "https://example.org/wrong"}, "evidence.added", "evidence", id, "c", asEddie, ed...))
		watch = append(watch, "/api/v1/actions/"+AT+"/evidence")
		withdraw := "/api/v1/evidence/" + EV3 + "/withdraw"
		reject(403, "POST", withdraw, map[string]any{"reason": "Wrong meeting."}, ov...)
		reject(422, "POST", withdraw, map[string]any{}, ed...)
		reject(409, "POST", "/api/v1/evidence/"+EV1+"/withdraw", map[string]any{"reason": "Wrong meeting."}, ed...)
		reject(404, "POST", "/api/v1/evidence/"+unknownID+"/withdraw", map[string]any{"reason": "Wrong meeting."}, ed...)
		watch = watch[:len(watch)-1]
		write(204, "POST", withdraw, map[string]any{"reason": "Wrong meeting."}, "evidence.withdrawn", "evidence", is(EV3), "u", asEddie, ed...)
		e = newest()
		check("evidence.withdrawn before→after", []any{e.Before["WithdrawnAt"], e.After["WithdrawalReason"], e.After["WithdrawnByName"], e.After["Status"]},
			[]any{nil, "Wrong meeting.", "Eddie Editor", "pending"})
		reject(409, "POST", withdraw, map[string]any{"reason": "Again."}, ed...)

		// Assessments: oversight classifies, closes (with a rationale) and reopens (with one).
		assess := "/api/v1/recommendations/" + RT1 + "/assessments"
		rv := version("/api/v1/recommendations/" + RT1)
		reject(428, "POST", assess, map[string]any{"classification": "open_acceptable"}, ov...)
		reject(403, "POST", assess, map[string]any{"classification": "open_acceptable"}, with(rv, ed)...)
		reject(412, "POST", assess, map[string]any{"classification": "open_acceptable"}, with(rv-1, ov)...)
		reject(422, "POST", assess, map[string]any{"classification": "closed_no_longer_applicable"}, with(rv, ov)...)
		reject(422, "POST", assess, map[string]any{"classification": "open_unassessed"}, with(rv, ov)...)
		reject(404, "POST", "/api/v1/recommendations/"+unknownID+"/assessments", map[string]any{"classification": "open_acceptable"}, with(1, ov)...)
		write(200, "POST", assess, map[string]any{"classification": "open_acceptable"}, "recommendation.assessed", "recommendation", id, "u", asOtto, with(rv, ov)...)
		e = newest()
		check("assessed before→after", []any{e.Before["OversightStatus"], e.After["OversightStatus"], e.Before["Version"], e.After["Version"]},
			[]any{"open_unassessed", "open_acceptable", float64(rv), float64(rv + 1)})
		write(200, "POST", assess, map[string]any{"classification": "closed_no_longer_applicable", "rationale": "The service was decommissioned.",
			"follow_up_on": "2026-09-01"},
			"recommendation.assessed", "recommendation", id, "u", asOtto, with(rv+1, ov)...)
		e = newest()
		check("closed before→after", []any{e.Before["OversightStatus"], e.After["OversightStatus"], e.Before["ClosedOn"], e.After["ClosedOn"] != nil,
			e.After["FollowUpOn"]}, []any{"open_acceptable", "closed_no_longer_applicable", nil, true, "2026-09-01"})
		reject(422, "POST", assess, map[string]any{"classification": "open_acceptable"}, with(rv+2, ov)...)
		write(200, "POST", assess, map[string]any{"classification": "open_acceptable", "rationale": "The service was restarted."},
			"recommendation.reopened", "recommendation", id, "u", asOtto, with(rv+2, ov)...)
		e = newest()
		// After is the record as reopened: no closing date, rationale or follow-up left over.
		check("reopened before→after", []any{e.Before["OversightStatus"], e.After["OversightStatus"], e.After["ClosedOn"], e.After["ClosureRationale"],
			e.After["FollowUpOn"]}, []any{"closed_no_longer_applicable", "open_acceptable", nil, "", nil})

		// Links: by the panel or oversight; one event though both recommendations' timelines
		// gain an entry; removing it is one event too.
		linkPath := "/api/v1/recommendations/" + RT1 + "/links"
		similar := map[string]any{"type": "similar_to", "target_id": RT2, "note": "The same gap."}
		reject(422, "POST", linkPath, map[string]any{"type": "similar_to", "target_id": RT1}, ov...)
		reject(422, "POST", linkPath, map[string]any{"type": "cousin_of", "target_id": RT2}, ov...)
		reject(422, "POST", linkPath, map[string]any{"type": "similar_to", "target_id": unknownID}, ov...)
		reject(403, "POST", linkPath, similar, ed...)
		reject(404, "POST", "/api/v1/recommendations/"+unknownID+"/links", similar, ov...)
		tl1, tl2 := len(timeline(RT1)), len(timeline(RT2))
		L := id(write(201, "POST", linkPath, similar, "link.added", "recommendation_link", id, "c", asOtto, ov...))
		e = newest()
		check("link.added after", []any{e.After["FromID"], e.After["ToID"], e.After["Type"], e.After["Note"]}, []any{RT1, RT2, "similar_to", "The same gap."})
		for rec, before := range map[string]int{RT1: tl1, RT2: tl2} {
			if tl := timeline(rec); len(tl) != before+1 || tl[len(tl)-1]["kind"] != "link" {
				t.Errorf("after the link, the timeline of %s has %d entries (was %d), last %v; want one more, a link", rec, len(tl), before, tl[len(tl)-1])
			}
			if l := links(rec); len(l) != 1 || l[0].(map[string]any)["id"] != L {
				t.Errorf("after the link, %s shows links %v; want %s", rec, l, L)
			}
		}
		reject(409, "POST", linkPath, similar, ov...)
		reject(403, "DELETE", "/api/v1/links/"+L, nil, ed...)
		reject(404, "DELETE", "/api/v1/links/"+unknownID, nil, ov...)
		write(204, "DELETE", "/api/v1/links/"+L, nil, "link.removed", "recommendation_link", is(L), "d", asOtto, ov...)
		e = newest()
		check("link.removed before", []any{e.Before["FromID"], e.Before["ToID"], e.Before["Type"]}, []any{RT1, RT2, "similar_to"})
		for _, rec := range []string{RT1, RT2} {
			if l := links(rec); len(l) != 0 {
				t.Errorf("after removing the link, %s shows links %v", rec, l)
			}
		}
		reject(404, "DELETE", "/api/v1/links/"+L, nil, ov...)

		// Theme suggestions: accepted (with If-Match) or rejected by whoever may change the
		// recommendation's themes. A refusal, or a theme that is not suggested, records nothing.
		RS := id(write(201, "POST", "/api/v1/recommendations", map[string]any{"review_id": RT, "number": "3",
			"text": "Victims referred to MARAC should be offered an IDVA.", "scope": "local"}, "recommendation.created", "recommendation", id, "c", system))
		watch = append(watch, "/api/v1/recommendations/"+RS, "/api/v1/recommendations/"+RS+"/theme-suggestions")
		sugPath := func(code, act string) string {
			return "/api/v1/recommendations/" + RS + "/theme-suggestions/" + code + "/" + act
		}
		reject(428, "POST", sugPath("C02", "accept"), nil)
		reject(412, "POST", sugPath("C02", "accept"), nil, ifMatch(2)...)
		reject(403, "POST", sugPath("C02", "accept"), nil, with(1, ed)...)
		reject(404, "POST", sugPath("A09", "accept"), nil, ifMatch(1)...)
		reject(404, "POST", "/api/v1/recommendations/"+unknownID+"/theme-suggestions/C02/accept", nil, ifMatch(1)...)
		write(200, "POST", sugPath("C02", "accept"), nil, "theme_suggestion.accepted", "recommendation", id, "u", system, ifMatch(1)...)
		e = newest()
		if th, _ := e.After["Themes"].([]any); len(th) != 1 || th[0].(map[string]any)["Code"] != "C02" ||
			th[0].(map[string]any)["Source"] != "suggested" || th[0].(map[string]any)["ConfirmedByName"] != "system" {
			t.Errorf("theme_suggestion.accepted: themes after %v; want C02, suggested, confirmed by the system", e.After["Themes"])
		}
		check("accepted version before→after", []any{e.Before["Version"], e.After["Version"]}, []any{1.0, 2.0})
		reject(403, "POST", sugPath("C16", "reject"), map[string]any{"reason": "x"}, vw...)
		reject(422, "POST", sugPath("C16", "reject"), map[string]any{"reason": "bad\x07"})
		reject(404, "POST", sugPath("C02", "reject"), nil)
		write(201, "POST", sugPath("C16", "reject"), map[string]any{"reason": "The IDVA is mentioned in passing."},
			"theme_suggestion.rejected", "recommendation", is(RS), "a", system)
		e = newest()
		rj, _ := e.After["Rejection"].(map[string]any)
		check("theme_suggestion.rejected after", []any{rj["ThemeCode"], rj["Reason"], rj["RecommendationID"]}, []any{"C16", "The IDVA is mentioned in passing.", RS})
		reject(404, "POST", sugPath("C16", "reject"), nil)
		walked["POST /api/v1/recommendations/{id}/theme-suggestions/{code}/accept"] = true
		walked["POST /api/v1/recommendations/{id}/theme-suggestions/{code}/reject"] = true
		watch = nil

		// Imports (issue 6): the request is audited at once; a dry run then writes nothing more.
		// (A committed import's own events are checked in imports_test.go: they arrive later.)
		impBody, impType := lcMultipart(t, "plan.csv", []byte("Recommendation,Scope,Action to take,Lead agency\n1. Train staff.,local,Deliver training,Westmarch Police\n"),
			"partnership_id", P, "review_reference", "WM-IMP-1", "type", "DHR", "title", "Adult I")
		imp := write(202, "POST", "/api/v1/imports?dry_run=true", impBody, "import.requested", "import", id, "a", system, "Content-Type", impType)
		if j := imWait(t, s, "/api/v1/imports/"+id(imp)); j.Status != "succeeded" || j.Result == nil || j.Result.RecommendationsCreated != 1 {
			t.Errorf("dry-run import job %+v", j)
		}
		if got, e := auNewest(t, s); got != n {
			t.Errorf("a dry-run import recorded %d more events (newest %s)", got-n, e.Action)
		}
		data.same(t, s, "dry-run import")
		noFile, noFileType := lcMultipart(t, "", nil, "partnership_id", P)
		reject(422, "POST", "/api/v1/imports", noFile, "Content-Type", noFileType)
		walked["POST /api/v1/imports"] = true

		// A search index rebuild (issue 19 item 1) changes no record; only admins ask for one, and
		// a second request while it runs is refused and records nothing.
		reject(403, "POST", "/api/v1/admin/search/rebuild", nil, auBearer(viewerTok)...)
		rb := write(202, "POST", "/api/v1/admin/search/rebuild", nil, "search.rebuild_requested", "search_index", func(map[string]any) string { return "index" },
			"a", asAdmin, auBearer(adminTok)...)
		if rb["state"] != "rebuilding" {
			t.Errorf("the rebuild answered state %v, want rebuilding", rb["state"])
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if st, _ := decode(t, do(t, s, 200, "GET", "/readyz", nil))["search"].(map[string]any); st["state"] == "following" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the search index did not come back to following after the rebuild")
			}
		}
		data.same(t, s, "search index rebuild")
		// A whole state (issue 14): the export is audited with its source; an import of it is
		// audited as requested (here a dry run, refused whole since its reviews are already here:
		// it records nothing more); a viewer may do neither.
		exp := do(t, s, http.StatusOK, "GET", "/api/v1/instance-export", nil)
		got, e := auNewest(t, s)
		if got != n+1 || e.Action != "data.exported" || e.EntityType != "state" {
			t.Errorf("GET /api/v1/instance-export: %d new events, newest %s %s", got-n, e.Action, e.EntityType)
		}
		n = got
		reject(403, "GET", "/api/v1/instance-export", nil, vw...)
		stBody, stType := lcMultipart(t, "state.json", exp.Body)
		st := write(202, "POST", "/api/v1/instance-imports?dry_run=true", stBody, "import.requested", "import", id, "a", system, "Content-Type", stType)
		if j := imWait(t, s, "/api/v1/imports/"+id(st)); j.Status != "failed" {
			t.Errorf("a dry run of the instance's own state into itself: %+v", j)
		}
		if got, e := auNewest(t, s); got != n {
			t.Errorf("a refused state import recorded %d more events (newest %s)", got-n, e.Action)
		}
		vwBody, vwType := lcMultipart(t, "state.json", exp.Body)
		reject(403, "POST", "/api/v1/instance-imports", vwBody, append([]string{"Content-Type", vwType}, vw...)...)
		noState, noStateType := lcMultipart(t, "", nil)
		reject(422, "POST", "/api/v1/instance-imports", noState, "Content-Type", noStateType)

		// Sign-in and out, and a password change, by a user without a second factor.
		signIn := func(email, pw string, actor func() (string, *string), userID string) []string {
			t.Helper()
			m := write(200, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": pw},
				"session.login", "user", is(userID), "a", actor)
			var cookie string
			for _, c := range (&http.Response{Header: lastHeader}).Cookies() {
				if c.Name == "casereview_session" {
					cookie = c.Value
				}
			}
			csrf, _ := m["csrf_token"].(string)
			if cookie == "" || csrf == "" {
				t.Fatalf("sign-in of %s: no session cookie or CSRF token", email)
			}
			return []string{"Cookie", "casereview_session=" + cookie, "X-CSRF-Token", csrf, "Content-Type", "application/json"}
		}
		session := signIn("vic@example.org", password, asViewer, viewer.ID)
		// A wrong current password is refused, and audited like a failed sign-in: it counts toward
		// the account's lockout.
		write(422, "POST", "/api/v1/me/password", map[string]string{"current_password": "wrong wrong wrong", "new_password": "brand new long phrase"},
			"session.login_failed", "user", is(viewer.ID), "a", asViewer, session...)
		reject(403, "POST", "/api/v1/auth/logout", nil, session[:2]...) // no CSRF token
		write(204, "POST", "/api/v1/me/password", map[string]string{"current_password": password, "new_password": "copper kettle winter harp"},
			"user.password_changed", "user", is(viewer.ID), "a", asViewer, session...) // after: sessions ended, tokens revoked
		write(204, "POST", "/api/v1/auth/logout", nil, "session.logout", "user", is(viewer.ID), "-", asViewer, session...)
		// A failed sign-in is refused, and audited: recording it is the point. (Callers without
		// credentials act as the system in this server, so the system is the actor.)
		write(401, "POST", "/api/v1/auth/login", map[string]string{"email": "vic@example.org", "password": password},
			"session.login_failed", "user", is(viewer.ID), "a", system)

		// An admin resets someone's password (a weak one is refused, recording nothing).
		reject(422, "POST", "/api/v1/users/"+viewer.ID+"/password", map[string]string{"password": "short"}, auBearer(adminTok)...)
		write(200, "POST", "/api/v1/users/"+viewer.ID+"/password", map[string]string{"password": "meadow lantern quartz ferry"},
			"user.password_reset", "user", is(viewer.ID), "a", asAdmin, auBearer(adminTok)...)

		// A second factor, by an admin, whose role requires one.
		// (Made without an API token: issuing one would set up Mo's second factor first.)
		moHash, err := s.App.Auth().NewPasswordHash(password)
		if err != nil {
			t.Fatal(err)
		}
		sys := casereview.WithActor(context.Background(), casereview.System)
		mo, err := s.App.Store().CreateUser(sys, casereview.UserDraft{Email: "mo@example.org", DisplayName: "Mo Admin"}, moHash)
		if err != nil {
			t.Fatal(err)
		}
		if mo, err = s.App.Store().AddMembership(sys, mo.ID, casereview.MembershipDraft{Role: casereview.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		asMo := func() (string, *string) { return "Mo Admin", &mo.ID }
		n, _ = auNewest(t, s)
		session = signIn("mo@example.org", password, asMo, mo.ID)
		// Starting an enrolment only parks a secret that does nothing until it is confirmed, and
		// records nothing; the confirmation is the audited change.
		var enrol struct {
			Secret string `json:"secret"`
		}
		do(t, s, 200, "POST", "/api/v1/me/mfa/totp", nil, session...).JSON(t, &enrol)
		walked["POST /api/v1/me/mfa/totp"] = true
		if got, _ := auNewest(t, s); got != n {
			t.Errorf("starting an enrolment recorded %d events", got-n)
		}
		code := func(at time.Time) string {
			c, err := auth.TOTPCode(enrol.Secret, at)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		wrong := func() string {
			right := code(clk.Now())
			for d := time.Hour; ; d += time.Hour {
				if c := code(clk.Now().Add(d)); c != right {
					return c
				}
			}
		}
		reject(422, "POST", "/api/v1/me/mfa/totp/confirm", map[string]string{"code": wrong()}, session...)
		rc := write(200, "POST", "/api/v1/me/mfa/totp/confirm", map[string]string{"code": code(clk.Now())},
			"user.mfa_enrolled", "user", is(mo.ID), "a", asMo, session...)
		recovery := rc["recovery_codes"].([]any)[0].(string)
		write(204, "POST", "/api/v1/auth/logout", nil, "session.logout", "user", is(mo.ID), "-", asMo, session...)
		clk.Advance(time.Minute)
		session = signIn("mo@example.org", password, asMo, mo.ID)
		write(422, "POST", "/api/v1/auth/mfa", map[string]string{"code": wrong()}, "session.mfa_failed", "user", is(mo.ID), "a", asMo, session...)
		write(200, "POST", "/api/v1/auth/mfa", map[string]string{"code": code(clk.Now())}, "session.mfa_passed", "user", is(mo.ID), "a", asMo, session...)
		reject(409, "POST", "/api/v1/auth/mfa", map[string]string{"code": code(clk.Now())}, session...)
		write(204, "POST", "/api/v1/auth/logout", nil, "session.logout", "user", is(mo.ID), "-", asMo, session...)
		session = signIn("mo@example.org", password, asMo, mo.ID)
		write(200, "POST", "/api/v1/auth/mfa", map[string]string{"code": recovery}, "user.recovery_code_used", "user", is(mo.ID), "-", asMo, session...)
		// An admin clears Mo's second factor (a lost phone).
		write(200, "POST", "/api/v1/users/"+mo.ID+"/mfa/reset", nil, "user.mfa_reset", "user", is(mo.ID), "a", asAdmin, auBearer(adminTok)...)
		data.same(t, s, "sign-in")

		// Notification choices: a change records the person's choices before and after; the same
		// choices again change nothing and record nothing; an unknown delivery is refused.
		// Marking read with nothing unread changes nothing and records nothing (the store's
		// notification tests read a real one, audited).
		prefs := map[string]any{"preferences": []map[string]string{{"kind": "due_soon", "delivery": "daily"}}}
		write(200, "PUT", "/api/v1/notifications/preferences", prefs, "user.notification_preferences", "notification_preferences",
			is(admin.ID), "u", asAdmin, auBearer(adminTok)...)
		reject(200, "PUT", "/api/v1/notifications/preferences", prefs, auBearer(adminTok)...)
		reject(422, "PUT", "/api/v1/notifications/preferences",
			map[string]any{"preferences": []map[string]string{{"kind": "due_soon", "delivery": "hourly"}}}, auBearer(adminTok)...)
		reject(200, "POST", "/api/v1/notifications/read", map[string]any{}, auBearer(adminTok)...)

		// Saved searches and follows belong to their owner: each change is recorded, a change
		// that changes nothing (watching a watched search, following twice) records nothing.
		ss := id(write(201, "POST", "/api/v1/saved-searches", map[string]any{"name": "Training", "query": "q=training"},
			"saved_search.created", "saved_search", id, "c", asAdmin, auBearer(adminTok)...))
		reject(422, "POST", "/api/v1/saved-searches", map[string]any{"name": " ", "query": "cursor=abc"}, auBearer(adminTok)...)
		reject(422, "POST", "/api/v1/saved-searches", map[string]any{"name": "Bad", "query": "q=(unclosed"}, auBearer(adminTok)...)
		write(200, "PATCH", "/api/v1/saved-searches/"+ss, map[string]any{"watch": true, "name": "Training, watched"},
			"saved_search.updated", "saved_search", id, "u", asAdmin, auBearer(adminTok)...)
		reject(200, "PATCH", "/api/v1/saved-searches/"+ss, map[string]any{"watch": true}, auBearer(adminTok)...)
		reject(422, "PATCH", "/api/v1/saved-searches/"+ss, map[string]any{"name": ""}, auBearer(adminTok)...)
		write(204, "DELETE", "/api/v1/saved-searches/"+ss, nil, "saved_search.deleted", "saved_search", is(ss), "d", asAdmin, auBearer(adminTok)...)
		reject(404, "DELETE", "/api/v1/saved-searches/"+ss, nil, auBearer(adminTok)...)
		write(200, "PUT", "/api/v1/recommendations/"+REC+"/follow", nil, "follow.created", "follow", is(REC), "c", asAdmin, auBearer(adminTok)...)
		reject(200, "PUT", "/api/v1/recommendations/"+REC+"/follow", nil, auBearer(adminTok)...)
		write(200, "DELETE", "/api/v1/recommendations/"+REC+"/follow", nil, "follow.deleted", "follow", is(REC), "d", asAdmin, auBearer(adminTok)...)
		reject(200, "DELETE", "/api/v1/recommendations/"+REC+"/follow", nil, auBearer(adminTok)...)
		write(200, "PUT", "/api/v1/reviews/"+R+"/follow", nil, "follow.created", "follow", is(R), "c", asAdmin, auBearer(adminTok)...)
		write(200, "DELETE", "/api/v1/reviews/"+R+"/follow", nil, "follow.deleted", "follow", is(R), "d", asAdmin, auBearer(adminTok)...)
		reject(404, "PUT", "/api/v1/reviews/01a24950-0000-7000-8000-000000000000/follow", nil, auBearer(adminTok)...)

		// Scheduled reports: an oversight officer's saved summary (saved through the store: the
		// API has no endpoint for saving one), scheduled, paused, resumed, run now and deleted.
		olu, ovTok := auUser(t, s, "olu@example.org", "Olu Oversight", "", casereview.MembershipDraft{Role: casereview.RoleOversight})
		asOv := func() (string, *string) { return "Olu Oversight", &olu.ID }
		_, valTok := auUser(t, s, "val@example.org", "Val Viewer", "", casereview.MembershipDraft{Role: casereview.RoleViewer})
		sum, err := s.App.Store().SaveSummary(casereview.WithActor(context.Background(), olu.Actor()), "Quarterly", "title=Quarterly&section=headline")
		if err != nil {
			t.Fatal(err)
		}
		n, _ = auNewest(t, s)
		users = total(t, s, "/api/v1/users")
		reject(422, "POST", "/api/v1/summaries/saved/"+sum.ID+"/schedules", map[string]any{"frequency": "weekly"}, auBearer(ovTok)...)
		reject(422, "POST", "/api/v1/summaries/saved/"+sum.ID+"/schedules", map[string]any{"frequency": "monthly", "subscribers": []string{"nobody@example.org"}}, auBearer(ovTok)...)
		reject(404, "POST", "/api/v1/summaries/saved/"+sum.ID+"/schedules", map[string]any{"frequency": "monthly"}, auBearer(valTok)...)
		SC := id(write(201, "POST", "/api/v1/summaries/saved/"+sum.ID+"/schedules", map[string]any{"frequency": "quarterly", "subscribers": []string{"ada@example.org"}},
			"report.scheduled", "report_schedule", id, "c", asOv, auBearer(ovTok)...))
		write(200, "POST", "/api/v1/report-schedules/"+SC+"/pause", nil, "report.schedule_changed", "report_schedule", is(SC), "u", asOv, auBearer(ovTok)...)
		write(200, "POST", "/api/v1/report-schedules/"+SC+"/resume", nil, "report.schedule_changed", "report_schedule", is(SC), "u", asOv, auBearer(ovTok)...)
		reject(404, "POST", "/api/v1/report-schedules/"+SC+"/run", nil, auBearer(valTok)...)
		write(201, "POST", "/api/v1/report-schedules/"+SC+"/run", nil, "report.ran", "report_schedule", is(SC), "a", asOv, auBearer(ovTok)...)
		write(204, "DELETE", "/api/v1/report-schedules/"+SC, nil, "report.unscheduled", "report_schedule", is(SC), "d", asOv, auBearer(ovTok)...)
		reject(404, "POST", "/api/v1/report-schedules/"+SC+"/run", nil, auBearer(ovTok)...)

		// Verifying against checkpoints is a POST that reads: it records nothing.
		n, _ = auNewest(t, s)
		cp, err := s.App.Store().SignAuditHead(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		do(t, s, 200, "POST", "/api/v1/audit/verify", map[string]any{"checkpoints": []any{cp}})
		walked["POST /api/v1/audit/verify"] = true
		if got, _ := auNewest(t, s); got != n {
			t.Errorf("verifying against checkpoints recorded %d events", got-n)
		}

		// Every write operation of the API was walked.
		var missed []string
		for path, item := range loadSpec(t).Paths.Map() {
			for method := range item.Operations() {
				op := strings.ToUpper(method) + " " + path
				if method != http.MethodGet && method != http.MethodHead && !walked[op] {
					missed = append(missed, op)
				}
			}
		}
		sort.Strings(missed)
		if len(missed) > 0 {
			t.Errorf("write operations of openapi.yaml this walk does not cover (add them, with their audit event):\n  %s", strings.Join(missed, "\n  "))
		}

		// What was written verifies.
		var v struct {
			OK       bool   `json:"ok"`
			Checked  int64  `json:"checked"`
			BrokenAt *int64 `json:"broken_at"`
		}
		do(t, s, 200, "GET", "/api/v1/audit/verify", nil).JSON(t, &v)
		if !v.OK || v.Checked != n || v.BrokenAt != nil {
			t.Fatalf("verify after the walk: %+v, want ok with %d events", v, n)
		}
	})
}

var auThemeCode = regexp.MustCompile(`^/api/v1/themes/[A-Z][0-9]{2}`)

var auUUID = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// auTemplate turns a request path into its operation in openapi.yaml: the first id is {id}, a
// second one (only memberships have one) {membershipId}.
func auTemplate(method, path string) string {
	i := 0
	path = auThemeCode.ReplaceAllString(path, "/api/v1/themes/{code}")
	second := "{membershipId}"
	if strings.Contains(path, "/subjects/") {
		second = "{subject_id}"
	}
	if strings.Contains(path, "/baselines/") {
		path = path[:strings.LastIndex(path, "/")] + "/{characteristic}"
	}
	return method + " " + auUUID.ReplaceAllStringFunc(path, func(string) string {
		i++
		if i == 1 {
			return "{id}"
		}
		return second
	})
}

// auUserToken makes another API token for u and returns its id and secret.
func auUserToken(t *testing.T, s *apitest.Server, u casereview.User) (string, string) {
	t.Helper()
	ctx := casereview.WithActor(context.Background(), casereview.System)
	tok, info, err := s.IssueToken(ctx, u, "more")
	if err != nil {
		t.Fatal(err)
	}
	return info.ID, tok
}

// auClock is a clock the test moves.
type auClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *auClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *auClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// auWant is an event the test expects.
type auWant struct {
	seq                    int64
	action, typ, id, actor string // actor: a user id, or "" for the system
	org                    string
	at                     time.Time
}

// GET /api/v1/audit: each filter, alone and combined, returns exactly the expected events,
// newest first, with the right total, and pages with next_cursor.
func TestAuditListFiltersAndPaging(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		clk := &auClock{t: apitest.Fixed}
		s := apitest.Start(t, dialect, apitest.Options{Now: clk.Now})
		T0 := apitest.Fixed
		var want []auWant
		add := func(action, typ, id, actor, org string) {
			want = append(want, auWant{int64(len(want) + 1), action, typ, id, actor, org, clk.Now()})
		}
		add("audit.chain_keyed", "audit_chain", "head", "", "") // a new database is keyed from its first event
		add("taxonomy.seeded", "taxonomy", "taxonomy", "", "")

		police := idOf(create(t, s, "organisations", map[string]any{"name": "Westmarch Police", "sector": "police"}))
		add("organisation.created", "organisation", police, "", "")
		P := idOf(create(t, s, "partnerships", map[string]any{"name": "Westmarch CSP", "kind": "community_safety_partnership"}))
		add("partnership.created", "partnership", P, "", "")
		admin, adminTok := auUser(t, s, "ada@example.org", "Ada Admin", "", casereview.MembershipDraft{Role: casereview.RoleAdmin})
		add("user.created", "user", admin.ID, "", "")
		add("membership.added", "user", admin.ID, "", "")
		add("user.mfa_enrolled", "user", admin.ID, admin.ID, "") // an admin's token needs their second factor
		add("token.created", "api_token", "?", admin.ID, "")
		editor, editorTok := auUser(t, s, "eddie@example.org", "Eddie Editor", "",
			casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: police})
		add("user.created", "user", editor.ID, "", "")
		add("membership.added", "user", editor.ID, "", "")
		add("token.created", "api_token", "?", editor.ID, police)

		clk.Advance(time.Hour)
		T1 := clk.Now()
		R := idOf(create(t, s, "reviews", map[string]any{"type": "DHR", "partnership_id": P, "reference": "WM-DHR-01", "title": "Adult A", "visibility": "shared"}))
		add("review.created", "review", R, "", "")
		REC := idOf(create(t, s, "recommendations", map[string]any{"review_id": R, "number": "1", "text": "Train staff.", "scope": "local",
			"addressees": []map[string]any{{"organisation_id": police, "role": "lead"}}}))
		add("recommendation.created", "recommendation", REC, "", "")
		A := idOf(decode(t, do(t, s, 201, "POST", "/api/v1/recommendations/"+REC+"/actions",
			map[string]any{"organisation_id": police, "description": "Refresh training"}, auBearer(editorTok)...)))
		add("action.created", "action", A, editor.ID, police)

		clk.Advance(90 * time.Minute)
		T2 := clk.Now()
		do(t, s, 200, "PATCH", "/api/v1/partnerships/"+P, map[string]any{"name": "Westmarch Community Safety Partnership"},
			append([]string{"If-Match", `"1"`}, auBearer(adminTok)...)...)
		add("partnership.updated", "partnership", P, admin.ID, "")
		do(t, s, 200, "PATCH", "/api/v1/actions/"+A, map[string]any{"owner": "L&D"}, append([]string{"If-Match", `"1"`}, auBearer(editorTok)...)...)
		add("action.updated", "action", A, editor.ID, police)
		O2 := idOf(decode(t, do(t, s, 201, "POST", "/api/v1/organisations", map[string]any{"name": "Westmarch Homes", "sector": "housing"}, auBearer(adminTok)...)))
		add("organisation.created", "organisation", O2, admin.ID, "")

		// The whole trail, newest first, is exactly what was done.
		all, total := auAllPages(t, s, "", 200)
		if total != int64(len(want)) || len(all) != len(want) {
			t.Fatalf("the trail has %d events (total %d); want %d", len(all), total, len(want))
		}
		for i, e := range all {
			w := want[len(want)-1-i]
			if w.id == "?" {
				w.id = e.EntityID // token ids are not returned by CreateToken's caller here
			}
			actor, org := "", ""
			if e.ActorUserID != nil {
				actor = *e.ActorUserID
			}
			if e.ActorOrganisationID != nil {
				org = *e.ActorOrganisationID
			}
			if e.Seq != w.seq || e.Action != w.action || e.EntityType != w.typ || e.EntityID != w.id || actor != w.actor || org != w.org || !e.OccurredAt.Equal(w.at) {
				t.Errorf("event %d: %d %s %s/%s by %q (%q) at %v; want %+v", i, e.Seq, e.Action, e.EntityType, e.EntityID, actor, org, e.OccurredAt, w)
			}
			if i+1 < len(all) && all[i+1].Hash != e.PrevHash {
				t.Errorf("event %d does not link to event %d", e.Seq, all[i+1].Seq)
			}
		}
		for i := range want {
			want[i].id = all[len(all)-1-i].EntityID
		}

		// Before and after are the records themselves, as JSON objects.
		upd := auList(t, s, "action=partnership.updated").Items
		if len(upd) != 1 || upd[0].Before["Name"] != "Westmarch CSP" || upd[0].After["Name"] != "Westmarch Community Safety Partnership" ||
			upd[0].Before["Version"] != 1.0 || upd[0].After["Version"] != 2.0 {
			t.Errorf("partnership.updated before/after: %+v", upd)
		}
		created := auList(t, s, "action=review.created").Items
		if len(created) != 1 || created[0].Before != nil || created[0].After["Reference"] != "WM-DHR-01" {
			t.Errorf("review.created before/after: %+v", created)
		}

		ts := func(x time.Time) string { return url.QueryEscape(x.Format(time.RFC3339Nano)) }
		for _, c := range []struct {
			query string
			match func(w auWant) bool
		}{
			{"actor_user_id=" + admin.ID, func(w auWant) bool { return w.actor == admin.ID }},
			{"actor_user_id=" + editor.ID, func(w auWant) bool { return w.actor == editor.ID }},
			{"actor_user_id=" + unknownID, func(w auWant) bool { return false }},
			{"organisation_id=" + police, func(w auWant) bool { return w.org == police }},
			{"entity_type=action", func(w auWant) bool { return w.typ == "action" }},
			{"entity_type=action&entity_id=" + A, func(w auWant) bool { return w.id == A }},
			{"entity_id=" + P, func(w auWant) bool { return w.id == P }},
			{"entity_type=user&entity_id=" + editor.ID, func(w auWant) bool { return w.typ == "user" && w.id == editor.ID }},
			{"action=organisation.created", func(w auWant) bool { return w.action == "organisation.created" }},
			{"action=token.created", func(w auWant) bool { return w.action == "token.created" }},
			{"action=review.deleted", func(w auWant) bool { return false }},
			{"from=" + ts(T1), func(w auWant) bool { return !w.at.Before(T1) }},
			{"to=" + ts(T1), func(w auWant) bool { return w.at.Before(T1) }},
			{"from=" + ts(T1) + "&to=" + ts(T2), func(w auWant) bool { return !w.at.Before(T1) && w.at.Before(T2) }},
			{"from=" + ts(T0.Add(time.Minute)) + "&to=" + ts(T2.Add(time.Minute)), func(w auWant) bool { return w.at.Equal(T1) || w.at.Equal(T2) }},
			{"from=" + url.QueryEscape(T2.In(time.FixedZone("", 3600)).Format(time.RFC3339)), func(w auWant) bool { return w.at.Equal(T2) }},
			{"from=" + ts(T2.Add(time.Second)), func(w auWant) bool { return false }},
			{"actor_user_id=" + editor.ID + "&entity_type=action&from=" + ts(T2), func(w auWant) bool { return w.actor == editor.ID && w.typ == "action" && w.at.Equal(T2) }},
			{"organisation_id=" + police + "&action=action.created", func(w auWant) bool { return w.action == "action.created" }},
		} {
			var exp []int64
			for i := len(want) - 1; i >= 0; i-- {
				if c.match(want[i]) {
					exp = append(exp, want[i].seq)
				}
			}
			for _, limit := range []int{200, 2} {
				items, total := auAllPages(t, s, c.query, limit)
				var got []int64
				for _, e := range items {
					got = append(got, e.Seq)
				}
				if fmt.Sprint(got) != fmt.Sprint(exp) || total != int64(len(exp)) {
					t.Errorf("audit?%s (limit %d): seqs %v total %d; want %v total %d", c.query, limit, got, total, exp, len(exp))
				}
			}
		}

		// Paging the whole trail by threes: every event once, newest first.
		items, total := auAllPages(t, s, "", 3)
		if total != int64(len(want)) || len(items) != len(want) {
			t.Fatalf("paging by 3: %d items, total %d; want %d", len(items), total, len(want))
		}
		for i, e := range items {
			if e.Seq != int64(len(want)-i) {
				t.Fatalf("paging by 3: item %d is event %d", i, e.Seq)
			}
		}
		p := auList(t, s, "limit=5")
		if p.NextCursor == nil || *p.NextCursor != fmt.Sprint(p.Items[4].Seq) {
			t.Errorf("next_cursor %v after events %d..%d", p.NextCursor, p.Items[0].Seq, p.Items[4].Seq)
		}

		// Bad parameters are field errors.
		for _, c := range []struct{ query, field string }{
			{"limit=0", "limit"}, {"limit=201", "limit"}, {"cursor=abc", "cursor"}, {"cursor=-3", "cursor"},
		} {
			checkProblem(t, s.Do("GET", "/api/v1/audit?"+c.query, nil), "/api/v1/audit?"+c.query,
				problemWant{Status: 422, Type: "invalid", Errors: []fieldErr{{c.field, "invalid", ""}}})
		}
		// Several bad filters are reported together, always in the order of the parameters.
		long := strings.Repeat("x", 201)
		path := "/api/v1/audit?action=" + long + "&entity_id=" + long + "&entity_type=" + long + "&organisation_id=" + long + "&actor_user_id=" + long
		for range 10 {
			checkProblem(t, s.Do("GET", path, nil), path, problemWant{Status: 422, Type: "invalid", Detail: "the request has invalid fields",
				Errors: []fieldErr{{"actor_user_id", "too_long", ""}, {"organisation_id", "too_long", ""}, {"entity_type", "too_long", ""},
					{"entity_id", "too_long", ""}, {"action", "too_long", ""}}})
		}
		if r := s.Do("GET", "/api/v1/audit?from=yesterday", nil); r.Status != 400 {
			t.Errorf("from=yesterday: %d %s; want 400", r.Status, r.Body)
		}
	})
}

// Only oversight and admins read or verify the trail: an anonymous caller is told to sign in,
// a signed-in agency editor or viewer is refused.
func TestAuditAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{Anonymous: true})
		police, err := s.App.Store().CreateOrganisation(casereview.WithActor(context.Background(), casereview.System),
			casereview.OrganisationDraft{Name: "Westmarch Police", Sector: "police"})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/audit", "/api/v1/audit/verify", "/api/v1/audit?action=user.created"} {
			checkProblem(t, s.Do("GET", path, nil), path, problemWant{Status: 401, Type: "unauthenticated"})
		}
		_, editorTok := auUser(t, s, "eddie@example.org", "Eddie Editor", "", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: police.ID})
		_, viewerTok := auUser(t, s, "vic@example.org", "Vic Viewer", "", casereview.MembershipDraft{Role: casereview.RoleViewer})
		_, adminTok := auUser(t, s, "ada@example.org", "Ada Admin", "", casereview.MembershipDraft{Role: casereview.RoleAdmin})
		_, oversightTok := auUser(t, s, "otto@example.org", "Otto Oversight", "", casereview.MembershipDraft{Role: casereview.RoleOversight})
		for _, tok := range []string{editorTok, viewerTok} {
			for _, path := range []string{"/api/v1/audit", "/api/v1/audit/verify"} {
				checkProblem(t, s.Do("GET", path, nil, auBearer(tok)...), path, problemWant{Status: 403, Type: "forbidden"})
			}
		}
		for _, tok := range []string{adminTok, oversightTok} {
			if p := auList(t, s, "limit=1", auBearer(tok)...); p.Total < 9 {
				t.Errorf("an auditor sees %d events", p.Total)
			}
			do(t, s, 200, "GET", "/api/v1/audit/verify", nil, auBearer(tok)...)
		}
	})
}

// auVerify is the body of GET /api/v1/audit/verify.
type auVerify struct {
	OK       bool    `json:"ok"`
	Checked  int64   `json:"checked"`
	LastSeq  *int64  `json:"last_seq"`
	BrokenAt *int64  `json:"broken_at"`
	Problem  *string `json:"problem"`
}

func auGetVerify(t *testing.T, s *apitest.Server) auVerify {
	t.Helper()
	var v auVerify
	r := do(t, s, 200, "GET", "/api/v1/audit/verify", nil)
	r.JSON(t, &v)
	m := decode(t, r)
	for _, k := range []string{"ok", "checked", "broken_at", "problem"} {
		if _, ok := m[k]; !ok {
			t.Errorf("verify response lacks %q: %s", k, r.Body)
		}
	}
	return v
}

// auSQL runs raw SQL on the server's database behind the application's back (placeholders as
// ?), failing the test on error.
func auSQL(t *testing.T, s *apitest.Server, q string, args ...any) {
	t.Helper()
	st := s.App.Store()
	db, err := st.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	if st.Dialect() == "postgres" {
		var b strings.Builder
		n := 0
		for _, r := range q {
			if r == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(r)
		}
		q = b.String()
	}
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// auTamperSQL lifts the append-only triggers as a database superuser would, runs fn and puts
// them back.
func auTamperSQL(t *testing.T, s *apitest.Server, fn func()) {
	t.Helper()
	if s.App.Store().Dialect() == "postgres" {
		auSQL(t, s, "ALTER TABLE audit_events DISABLE TRIGGER USER")
		fn()
		auSQL(t, s, "ALTER TABLE audit_events ENABLE TRIGGER USER")
		return
	}
	auSQL(t, s, "DROP TRIGGER audit_events_no_update")
	auSQL(t, s, "DROP TRIGGER audit_events_no_delete")
	fn()
	auSQL(t, s, "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE is not allowed'); END")
	auSQL(t, s, "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE is not allowed'); END")
}

// GET /api/v1/audit/verify reports ok on an honest trail and, after each kind of tampering,
// ok:false with the first broken event. The cases share one server: the honest trail is copied
// aside first and put back after each case.
func TestAuditVerifyEndpointFindsTampering(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		newFixture(t, s)
		evs, _ := auAllPages(t, s, "", 200)
		for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
			evs[i], evs[j] = evs[j], evs[i]
		}
		auSQL(t, s, "CREATE TABLE audit_honest AS SELECT * FROM audit_events")
		for _, c := range []struct {
			name   string
			tamper func(t *testing.T, s *apitest.Server, evs []auEvent) int64
		}{
			{"edit_after_json", func(t *testing.T, s *apitest.Server, evs []auEvent) int64 {
				auSQL(t, s, "UPDATE audit_events SET after_json = replace(after_json, 'Westmarch', 'Eastmarch') WHERE seq = 3")
				return 3
			}},
			{"edit_actor_name", func(t *testing.T, s *apitest.Server, evs []auEvent) int64 {
				auSQL(t, s, "UPDATE audit_events SET actor_name = 'Nobody' WHERE seq = 4")
				return 4
			}},
			{"delete_middle", func(t *testing.T, s *apitest.Server, evs []auEvent) int64 {
				auSQL(t, s, "DELETE FROM audit_events WHERE seq = 3")
				return 4
			}},
			{"delete_last", func(t *testing.T, s *apitest.Server, evs []auEvent) int64 {
				auSQL(t, s, "DELETE FROM audit_events WHERE seq = ?", len(evs))
				return int64(len(evs))
			}},
			{"reorder", func(t *testing.T, s *apitest.Server, evs []auEvent) int64 {
				auSQL(t, s, "UPDATE audit_events SET seq = -1 WHERE seq = 2")
				auSQL(t, s, "UPDATE audit_events SET seq = 2 WHERE seq = 3")
				auSQL(t, s, "UPDATE audit_events SET seq = 3 WHERE seq = -1")
				return 2
			}},
			{"forged_row", func(t *testing.T, s *apitest.Server, evs []auEvent) int64 {
				last := evs[len(evs)-1]
				auSQL(t, s, `INSERT INTO audit_events (seq, occurred_at, actor_user_id, actor_name, actor_organisation_id, action, entity_type,
					entity_id, before_json, after_json, request_id, client_ip, prev_hash, hash)
					SELECT seq + 1, occurred_at, NULL, 'system', NULL, 'review.deleted', 'review', entity_id, after_json, NULL, request_id,
					client_ip, hash, 'forged' FROM audit_events WHERE seq = ?`, last.Seq)
				return last.Seq + 1
			}},
		} {
			t.Run(c.name, func(t *testing.T) {
				if v := auGetVerify(t, s); !v.OK || v.Checked != int64(len(evs)) || v.LastSeq == nil || *v.LastSeq != int64(len(evs)) ||
					v.BrokenAt != nil || v.Problem != nil {
					t.Fatalf("honest trail: %+v", v)
				}
				defer auTamperSQL(t, s, func() {
					auSQL(t, s, "DELETE FROM audit_events")
					auSQL(t, s, "INSERT INTO audit_events SELECT * FROM audit_honest")
				})
				var want int64
				auTamperSQL(t, s, func() { want = c.tamper(t, s, evs) })
				v := auGetVerify(t, s)
				if v.OK || v.BrokenAt == nil || *v.BrokenAt != want || v.Problem == nil || *v.Problem == "" {
					t.Fatalf("after %s: %+v; want ok:false broken_at %d", c.name, v, want)
				}
			})
		}
	})
}

// An honest database verifies, including one holding the demo data loaded at start-up.
func TestAuditDemoDataVerifies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{Demo: true, Now: time.Now})
		total, _ := auNewest(t, s)
		v := auGetVerify(t, s)
		if !v.OK || v.Checked != total || v.LastSeq == nil || *v.LastSeq != total || v.BrokenAt != nil || v.Problem != nil {
			t.Fatalf("demo data: %+v; want ok over %d events", v, total)
		}
		if total < 100 {
			t.Fatalf("the demo load recorded only %d events", total)
		}
		// Every demo record was audited as created by the system.
		var n int
		db, err := s.App.Store().SQLDB()
		if err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("SELECT count(*) FROM reviews").Scan(&n); err != nil {
			t.Fatal(err)
		}
		reviews, _ := auAllPages(t, s, "action=review.created", 200)
		if len(reviews) != n {
			t.Errorf("%d reviews but %d review.created events", n, len(reviews))
		}
		for _, e := range reviews {
			if e.ActorName != "system" || e.ActorUserID != nil {
				t.Errorf("demo review %s attributed to %q", e.EntityID, e.ActorName)
			}
		}
	})
}
