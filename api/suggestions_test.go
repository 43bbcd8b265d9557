package api_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Theme suggestions end to end through the real router: suggested from the text, accepted as a
// `suggested` assignment that names who confirmed it and makes the recommendation searchable by
// the theme, rejected for good, and guarded like every recommendation write.

type sgTrigger struct {
	Text    string `json:"text"`
	Keyword string `json:"keyword"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
}

type sgList struct {
	Items []struct {
		Code     string      `json:"code"`
		Slug     string      `json:"slug"`
		Label    string      `json:"label"`
		Group    string      `json:"group"`
		Score    float64     `json:"score"`
		Triggers []sgTrigger `json:"triggers"`
	} `json:"items"`
}

func (l sgList) codes() []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it.Code)
	}
	return out
}

func sgGet(t *testing.T, s *apitest.Server, rec string, headers ...string) sgList {
	t.Helper()
	var l sgList
	do(t, s, http.StatusOK, "GET", "/api/v1/recommendations/"+rec+"/theme-suggestions", nil, headers...).JSON(t, &l)
	return l
}

func TestThemeSuggestions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		f := newFixture(t, s)
		other := idOf(create(t, s, "partnerships", map[string]any{"name": "Northvale Safeguarding Partnership", "kind": "other"}))
		shared := idOf(create(t, s, "reviews", map[string]any{"type": "DHR", "partnership_id": f.Partnership, "reference": "WM-DHR-2025-02",
			"title": "Adult B", "visibility": "shared"}))
		hidden := idOf(create(t, s, "reviews", map[string]any{"type": "DHR", "partnership_id": other, "reference": "NV-DHR-2025-01",
			"title": "Adult C", "visibility": "restricted"}))
		panel := []string{"Authorization", "Bearer " + srToken(t, s, "panel@suggest.example.org",
			casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: f.Partnership})}
		viewer := []string{"Authorization", "Bearer " + srToken(t, s, "viewer@suggest.example.org",
			casereview.MembershipDraft{Role: casereview.RoleViewer})}
		var me struct {
			User struct {
				ID string `json:"id"`
			} `json:"user"`
		}
		do(t, s, http.StatusOK, "GET", "/api/v1/me", nil, panel...).JSON(t, &me)

		text := "Officers referred to MARAC twice, but neither risk assessment recorded the strangulation."
		rec := idOf(create(t, s, "recommendations", map[string]any{"review_id": shared, "number": "1", "text": text, "scope": "local"}))
		recPath := "/api/v1/recommendations/" + rec

		// Suggested from the text, through the analyser: "referred to MARAC" is the keyword
		// "referral to marac", and every trigger quotes the text exactly.
		got := sgGet(t, s, rec, viewer...)
		for _, want := range []string{"C02", "C01", "A12"} {
			if !slices.Contains(got.codes(), want) {
				t.Fatalf("suggestions %v lack %s", got.codes(), want)
			}
		}
		for _, it := range got.Items {
			if it.Score <= 0 || it.Score > 1 || it.Slug == "" || it.Label == "" || it.Group == "" || len(it.Triggers) == 0 {
				t.Errorf("suggestion %+v is incomplete", it)
			}
			for _, tr := range it.Triggers {
				if text[tr.Start:tr.End] != tr.Text {
					t.Errorf("%s trigger %+v: the text there is %q", it.Code, tr, text[tr.Start:tr.End])
				}
			}
			if it.Code == "C02" && !slices.Contains(it.Triggers, sgTrigger{Text: "referred to MARAC", Keyword: "referral to marac",
				Start: len("Officers "), End: len("Officers referred to MARAC")}) {
				t.Errorf("C02 triggers %+v lack \"referred to MARAC\"", it.Triggers)
			}
		}
		// Nothing was tagged by suggesting.
		if th := decode(t, do(t, s, http.StatusOK, "GET", recPath, nil))["themes"].([]any); len(th) != 0 {
			t.Fatalf("suggesting tagged the recommendation: %v", th)
		}
		// search waits while the index is first built (503), as a client would.
		search := func(q string) int64 {
			t.Helper()
			deadline := time.Now().Add(10 * time.Second)
			for {
				r := s.Do("GET", srPath("q", q), nil)
				if r.Status == http.StatusOK {
					p := srPage{}
					r.JSON(t, &p)
					return p.Total
				}
				if r.Status != http.StatusServiceUnavailable || time.Now().After(deadline) {
					t.Fatalf("search %q: status %d: %s", q, r.Status, r.Body)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		if n := search("theme:risk-management"); n != 0 {
			t.Fatalf("theme:risk-management finds %d before anything was accepted", n)
		}

		// Accepting needs If-Match and the right to change the recommendation's themes.
		accept := recPath + "/theme-suggestions/C02/accept"
		do(t, s, http.StatusPreconditionRequired, "POST", accept, nil, panel...)
		do(t, s, http.StatusForbidden, "POST", accept, nil, append([]string{"If-Match", `"1"`}, viewer...)...)
		r := do(t, s, http.StatusOK, "POST", accept, nil, append([]string{"If-Match", `"1"`}, panel...)...)
		if tag := r.Header.Get("ETag"); tag != `"2"` {
			t.Errorf("ETag after accepting %q, want \"2\"", tag)
		}
		m := decode(t, r)
		th := m["themes"].([]any)
		if len(th) != 1 {
			t.Fatalf("themes after accepting: %v", th)
		}
		a := th[0].(map[string]any)
		if a["code"] != "C02" || a["source"] != "suggested" || a["primary"] != true || a["confirmed_by"] != me.User.ID ||
			a["confirmed_by_name"] != "Search panel@suggest.example.org" || a["confirmed_at"] == nil {
			t.Errorf("assignment %v; want C02, suggested, primary, confirmed by %s", a, me.User.ID)
		}
		// The write waited for the index, so the theme is searchable at once.
		if n := search("theme:risk-management"); n != 1 {
			t.Errorf("theme:risk-management finds %d after accepting, want 1", n)
		}
		if slices.Contains(sgGet(t, s, rec, panel...).codes(), "C02") {
			t.Error("an assigned theme is still suggested")
		}
		// A stale version is refused and changes nothing.
		do(t, s, http.StatusPreconditionFailed, "POST", recPath+"/theme-suggestions/C01/accept", nil, append([]string{"If-Match", `"1"`}, panel...)...)
		if v := decode(t, do(t, s, http.StatusOK, "GET", recPath, nil))["version"]; v != 2.0 {
			t.Errorf("version after a stale accept: %v", v)
		}
		// A theme that is not suggested cannot be accepted.
		do(t, s, http.StatusNotFound, "POST", recPath+"/theme-suggestions/A09/accept", nil, append([]string{"If-Match", `"2"`}, panel...)...)

		// Rejecting hides the suggestion for good; the reason is kept.
		do(t, s, http.StatusForbidden, "POST", recPath+"/theme-suggestions/C01/reject", map[string]any{"reason": "x"}, viewer...)
		rj := decode(t, do(t, s, http.StatusCreated, "POST", recPath+"/theme-suggestions/risk-assessment/reject",
			map[string]any{"reason": "The assessment is background, not the point."}, panel...))
		if rj["theme_code"] != "C01" || rj["reason"] != "The assessment is background, not the point." || rj["rejected_by"] != me.User.ID {
			t.Errorf("rejection %v", rj)
		}
		if slices.Contains(sgGet(t, s, rec, panel...).codes(), "C01") {
			t.Error("a rejected theme is still suggested")
		}
		do(t, s, http.StatusNotFound, "POST", recPath+"/theme-suggestions/C01/reject", nil, panel...)
		do(t, s, http.StatusNotFound, "POST", recPath+"/theme-suggestions/C01/accept", nil, append([]string{"If-Match", `"2"`}, panel...)...)
		if v := decode(t, do(t, s, http.StatusOK, "GET", recPath, nil))["version"]; v != 2.0 {
			t.Errorf("a rejection changed the version to %v", v)
		}

		// A change of text changes the suggestions; a rejection still holds.
		do(t, s, http.StatusOK, "PATCH", recPath, map[string]any{"text": text + " She had also reported stalking."},
			append([]string{"If-Match", `"2"`}, panel...)...)
		now := sgGet(t, s, rec, panel...).codes()
		if !slices.Contains(now, "A09") || slices.Contains(now, "C01") || slices.Contains(now, "C02") {
			t.Errorf("after the edit, suggestions %v; want A09, and neither C01 (rejected) nor C02 (assigned)", now)
		}
		// The accepted assignment survives the edit, confirmation and all.
		a = decode(t, do(t, s, http.StatusOK, "GET", recPath, nil))["themes"].([]any)[0].(map[string]any)
		if a["source"] != "suggested" || a["confirmed_by"] != me.User.ID {
			t.Errorf("after the edit, the assignment is %v", a)
		}
		// Restated as a manual theme, it no longer claims a confirmation.
		a = decode(t, do(t, s, http.StatusOK, "PATCH", recPath, map[string]any{"themes": []map[string]any{{"code": "C02", "source": "manual"}}},
			append([]string{"If-Match", `"3"`}, panel...)...))["themes"].([]any)[0].(map[string]any)
		if _, has := a["confirmed_by"]; has || a["source"] != "manual" || a["confirmed_at"] != nil {
			t.Errorf("a manual assignment carries a confirmation: %v", a)
		}

		// A recommendation the caller may not see answers 404 to every suggestion endpoint.
		h := idOf(create(t, s, "recommendations", map[string]any{"review_id": hidden, "number": "1", "text": text, "scope": "local"}))
		hPath := "/api/v1/recommendations/" + h
		do(t, s, http.StatusNotFound, "GET", hPath+"/theme-suggestions", nil, viewer...)
		do(t, s, http.StatusNotFound, "GET", hPath+"/theme-suggestions", nil, panel...)
		do(t, s, http.StatusNotFound, "POST", hPath+"/theme-suggestions/C02/accept", nil, append([]string{"If-Match", `"1"`}, panel...)...)
		do(t, s, http.StatusNotFound, "POST", hPath+"/theme-suggestions/C02/reject", nil, panel...)
		if n := len(sgGet(t, s, h).Items); n == 0 {
			t.Error("the system sees no suggestions for the hidden recommendation")
		}

		// A bad reason is a field error.
		bad := hPath + "/theme-suggestions/C02/reject"
		checkProblem(t, s.Do("POST", bad, map[string]any{"reason": "a\u0007b"}), bad,
			problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid", Errors: []fieldErr{{Field: "reason", Code: "invalid"}}})
	})
}
