package api_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// Milestones through the API (issue 13 §4): 201 + Location + ETag, If-Match on every change,
// field-level 422s, the timeline, and the recommendation's flags (list and search) following
// open milestones.
func TestMilestonesAPI(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{Now: func() time.Time { return now }})
		f := newFixture(t, s)
		rec := idOf(create(t, s, "recommendations", map[string]any{"review_id": f.Review, "number": "1", "text": "Train officers in coercive control.", "scope": "local",
			"addressees": []map[string]any{{"organisation_id": f.Police, "role": "lead"}}}))
		do(t, s, http.StatusCreated, "POST", "/api/v1/recommendations/"+rec+"/responses",
			map[string]any{"organisation_id": f.Police, "decision": "accepted", "narrative": "Accepted.", "timetable": "By December."})
		act := idOf(create(t, s, "recommendations/"+rec+"/actions", map[string]any{"organisation_id": f.Police, "description": "Train.",
			"target_date": "2026-12-31"}))
		flags := func(flag string) (list, search []string) {
			t.Helper()
			var l struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			do(t, s, http.StatusOK, "GET", "/api/v1/recommendations?flag="+flag, nil).JSON(t, &l)
			for _, it := range l.Items {
				list = append(list, it.ID)
			}
			s.WaitForIndex()
			var r struct {
				Items []struct {
					Recommendation struct {
						ID string `json:"id"`
					} `json:"recommendation"`
				} `json:"items"`
			}
			do(t, s, http.StatusOK, "GET", "/api/v1/search?facets=none&flag="+flag, nil).JSON(t, &r)
			for _, it := range r.Items {
				search = append(search, it.Recommendation.ID)
			}
			return list, search
		}
		if l, q := flags("action_overdue"); len(l)+len(q) != 0 {
			t.Fatalf("overdue before any milestone: list %v, search %v", l, q)
		}

		// Created: 201, Location, ETag; invalid input names its fields, nothing written.
		path := "/api/v1/actions/" + act + "/milestones"
		checkProblem(t, s.Do("POST", path, map[string]any{"title": "Step", "due_date": "2026-02-30"}), path, problemWant{
			Status: http.StatusUnprocessableEntity, Type: "invalid", Errors: []fieldErr{{Field: "due_date", Code: "invalid"}}})
		checkProblem(t, s.Do("POST", path, map[string]any{"title": " ", "done_date": "2026-03-09"}), path, problemWant{
			Status: http.StatusUnprocessableEntity, Type: "invalid",
			Errors: []fieldErr{{Field: "title", Code: "required"}, {Field: "done_date", Code: "invalid"}}})
		do(t, s, http.StatusBadRequest, "POST", path, map[string]any{"title": "Step", "colour": "red"})
		r := do(t, s, http.StatusCreated, "POST", path, map[string]any{"title": "Course written", "due_date": "2026-02-27"})
		m := decode(t, r)
		id := idOf(m)
		if loc := r.Header.Get("Location"); loc != "/api/v1/milestones/"+id {
			t.Errorf("Location %q", loc)
		}
		if tag := r.Header.Get("ETag"); tag != `"1"` {
			t.Errorf("ETag %q", tag)
		}
		if m["state"] != "overdue" || m["done_date"] != nil || m["action_id"] != act || m["recommendation_id"] != rec {
			t.Errorf("created %v", m)
		}
		if l, q := flags("action_overdue"); !slices.Equal(l, []string{rec}) || !slices.Equal(q, []string{rec}) {
			t.Fatalf("a milestone past due: overdue list %v, search %v", l, q)
		}
		// The overdue list (action_owing, migration 00032): the police owe since the milestone's date.
		var owed struct {
			Groups []struct {
				OrganisationID string `json:"organisation_id"`
				Items          []struct {
					Since       string `json:"since"`
					DaysOverdue int    `json:"days_overdue"`
				} `json:"items"`
			} `json:"groups"`
		}
		do(t, s, http.StatusOK, "GET", "/api/v1/summaries/overdue", nil).JSON(t, &owed)
		if len(owed.Groups) != 1 || owed.Groups[0].OrganisationID != f.Police || len(owed.Groups[0].Items) != 1 ||
			owed.Groups[0].Items[0].Since != "2026-02-27" || owed.Groups[0].Items[0].DaysOverdue != 3 {
			t.Fatalf("a milestone past due: the overdue list is %+v", owed)
		}

		// Changed: If-Match required, stale refused.
		mp := "/api/v1/milestones/" + id
		do(t, s, http.StatusPreconditionRequired, "PATCH", mp, map[string]any{"due_date": "2026-03-20"})
		do(t, s, http.StatusPreconditionFailed, "PATCH", mp, map[string]any{"due_date": "2026-03-20"}, "If-Match", `"7"`)
		m = decode(t, do(t, s, http.StatusOK, "PATCH", mp, map[string]any{"due_date": "2026-03-20"}, "If-Match", `"1"`))
		if m["due_date"] != "2026-03-20" || m["state"] != "due_soon" || m["version"] != float64(2) {
			t.Errorf("patched %v", m)
		}
		if l, q := flags("due_soon"); !slices.Equal(l, []string{rec}) || !slices.Equal(q, []string{rec}) {
			t.Fatalf("a milestone due in 18 days: due-soon list %v, search %v", l, q)
		}
		if l, _ := flags("action_overdue"); len(l) != 0 {
			t.Fatalf("still overdue after the due date moved: %v", l)
		}

		// Completed: done today unless told; a second completion conflicts.
		cp := mp + "/complete"
		do(t, s, http.StatusPreconditionRequired, "POST", cp, nil)
		m = decode(t, do(t, s, http.StatusOK, "POST", cp, nil, "If-Match", `"2"`))
		if m["done_date"] != "2026-03-02" || m["state"] != "done" || m["done_by_name"] == nil {
			t.Errorf("completed %v", m)
		}
		checkProblem(t, s.Do("POST", cp, map[string]any{"done_date": "2026-03-01"}, "If-Match", `"3"`), cp, problemWant{
			Status: http.StatusConflict, Type: "conflict", Errors: []fieldErr{{Field: "done_date", Code: "done"}}})
		if l, q := flags("due_soon"); len(l)+len(q) != 0 {
			t.Fatalf("due soon after completion: list %v, search %v", l, q)
		}

		// Listed, and told in the timeline.
		var list struct {
			Items []map[string]any `json:"items"`
		}
		do(t, s, http.StatusOK, "GET", path, nil).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0]["id"] != id {
			t.Fatalf("list %v", list.Items)
		}
		var tl struct {
			Items []map[string]any `json:"items"`
		}
		do(t, s, http.StatusOK, "GET", "/api/v1/recommendations/"+rec+"/timeline", nil).JSON(t, &tl)
		var story []string
		for _, e := range tl.Items {
			if e["kind"] == "milestone" {
				if e["milestone_id"] != id || e["action_id"] != act {
					t.Errorf("entry %v", e)
				}
				story = append(story, e["field"].(string)+":"+e["old_status"].(string)+"→"+e["new_status"].(string))
			}
		}
		if want := []string{"added:→2026-02-27 – Course written", "due_date:2026-02-27→2026-03-20", "completed:→2026-03-02"}; !slices.Equal(story, want) {
			t.Fatalf("timeline %q, want %q", story, want)
		}

		// Removed with If-Match; then gone.
		do(t, s, http.StatusPreconditionRequired, "DELETE", mp, nil)
		do(t, s, http.StatusNoContent, "DELETE", mp, nil, "If-Match", `"3"`)
		do(t, s, http.StatusNotFound, "GET", mp, nil)
	})
}
