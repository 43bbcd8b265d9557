package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Admins manage the taxonomy through the API (issue 13 item 10): a new theme is assignable,
// searchable by its label and suggested from its keywords at once; a label change reaches the
// search index on every recommendation carrying the theme; keyword edits change suggestions; a
// deprecated theme stays where it was assigned, shown as deprecated, and cannot be assigned
// again; every change raises the taxonomy version and is audited old -> new.
func TestTaxonomyAdministration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		f := newFixture(t, s)
		version := func() int {
			var l struct {
				TaxonomyVersion int `json:"taxonomy_version"`
			}
			do(t, s, http.StatusOK, "GET", "/api/v1/themes", nil).JSON(t, &l)
			return l.TaxonomyVersion
		}
		v0 := version()

		r := do(t, s, http.StatusCreated, "POST", "/api/v1/themes", map[string]any{"code": "A40", "group": "A",
			"label": "Cyber-flashing", "definition": "Sending sexual images without consent.", "keywords": []string{" Unsolicited Images ", "airdrop"}})
		if loc := r.Header.Get("Location"); loc != "/api/v1/themes/A40" {
			t.Errorf("Location %q", loc)
		}
		created := decode(t, r)
		if created["slug"] != "cyber-flashing" || created["origin"] != "admin" || created["active"] != true ||
			!slices.Equal(anyStrings(created["keywords"]), []string{"unsolicited images", "airdrop"}) {
			t.Fatalf("created %v", created)
		}
		v1 := version()
		if v1 != v0+1 || int(created["taxonomy_version"].(float64)) != v1 {
			t.Fatalf("taxonomy version %d -> %d, theme at %v", v0, v1, created["taxonomy_version"])
		}
		// Duplicates in code, slug or label (any case) are refused with the field named.
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"code": "A40", "group": "A", "label": "Other", "definition": "d"}, "code"},
			{map[string]any{"code": "A41", "group": "A", "label": "Other", "slug": "stalking", "definition": "d"}, "slug"},
			{map[string]any{"code": "A41", "group": "A", "label": "CYBER-FLASHING", "slug": "x", "definition": "d"}, "label"},
		} {
			checkProblem(t, s.Do("POST", "/api/v1/themes", c.body), "/api/v1/themes", problemWant{Status: http.StatusConflict, Type: "conflict",
				Errors: []fieldErr{{Field: c.field, Code: "duplicate"}}})
		}
		checkProblem(t, s.Do("POST", "/api/v1/themes", map[string]any{"code": "41", "group": "Z", "label": "", "definition": "d"}), "/api/v1/themes",
			problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid", Errors: []fieldErr{{Field: "code", Code: "invalid"}, {Field: "label", Code: "required"}}})

		// Assignable and searchable by its label at once.
		text := "Several unsolicited images were sent to the victim by phone before the attack."
		rec := idOf(create(t, s, "recommendations", map[string]any{"review_id": f.Review, "number": "1", "text": "Review the training on image abuse.",
			"scope": "local", "themes": []map[string]any{{"code": "cyber-flashing"}}}))
		other := idOf(create(t, s, "recommendations", map[string]any{"review_id": f.Review, "number": "2", "text": text, "scope": "local"}))
		if got := taSearch(t, s, `theme:"Cyber-flashing"`); !slices.Equal(got, []string{rec}) {
			t.Fatalf(`theme:"Cyber-flashing" found %v, want [%s]`, got, rec)
		}
		if got := taSearch(t, s, `theme:"cyber flashing"`); !slices.Equal(got, []string{rec}) {
			t.Fatalf(`theme:"cyber flashing" (the label's words) found %v, want [%s]`, got, rec)
		}
		if got := sgGet(t, s, other); !slices.Contains(got.codes(), "A40") {
			t.Fatalf("suggestions %v lack the new theme A40", got.codes())
		}

		// Edit: the label reaches the index of every recommendation carrying the theme, and the
		// keywords the suggestions.
		tag := etagOf(t, s, "/api/v1/themes/A40")
		do(t, s, http.StatusPreconditionRequired, "PATCH", "/api/v1/themes/A40", map[string]any{"label": "Image-based abuse"})
		do(t, s, http.StatusPreconditionFailed, "PATCH", "/api/v1/themes/A40", map[string]any{"label": "Image-based abuse"}, "If-Match", `"1"`)
		r = do(t, s, http.StatusOK, "PATCH", "/api/v1/themes/A40", map[string]any{"label": "Image-based abuse", "keywords": []string{"deepfake image"}}, "If-Match", tag)
		if r.Header.Get("ETag") == tag || version() != v1+1 {
			t.Errorf("an edit must raise the version: ETag %s -> %s, taxonomy %d", tag, r.Header.Get("ETag"), version())
		}
		if got := taSearch(t, s, `theme:"image-based abuse"`); !slices.Equal(got, []string{rec}) {
			t.Fatalf("after the label change, theme:\"image-based abuse\" found %v, want [%s]", got, rec)
		}
		if got := taSearch(t, s, `theme:"cyber-flashing"`); !slices.Equal(got, []string{rec}) {
			t.Fatalf("the slug still finds it: got %v", got)
		}
		if got := taSearch(t, s, `theme:"cyber flashing"`); len(got) != 0 {
			t.Fatalf("the old label lingers in the index: %v", got)
		}
		if got := sgGet(t, s, other); slices.Contains(got.codes(), "A40") {
			t.Fatalf("suggested from a keyword that was removed: %v", got.codes())
		}
		third := idOf(create(t, s, "recommendations", map[string]any{"review_id": f.Review, "number": "3", "text": "A deepfake image was shared.", "scope": "local"}))
		// A phrase is enough on its own; one single word needs corroboration (issue 16 §3).
		if got := sgGet(t, s, third); !slices.Contains(got.codes(), "A40") {
			t.Fatalf("not suggested from the new keyword: %v", got.codes())
		}

		// Deprecate, naming a successor: the old assignment stays, marked; a new one is refused.
		tag = etagOf(t, s, "/api/v1/themes/A40")
		checkProblem(t, s.Do("POST", "/api/v1/themes/A40/deprecate", map[string]any{"replaced_by": "A40"}, "If-Match", tag), "/api/v1/themes/A40/deprecate",
			problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid", Errors: []fieldErr{{Field: "replaced_by", Code: "invalid"}}})
		dep := decode(t, do(t, s, http.StatusOK, "POST", "/api/v1/themes/A40/deprecate", map[string]any{"replaced_by": "tech-abuse"}, "If-Match", tag))
		if dep["active"] != false || dep["replaced_by"] == nil || dep["deprecated_at"] == nil {
			t.Fatalf("deprecated theme %v", dep)
		}
		var got struct {
			Themes []struct {
				Code       string `json:"code"`
				Deprecated bool   `json:"deprecated"`
			} `json:"themes"`
		}
		do(t, s, http.StatusOK, "GET", "/api/v1/recommendations/"+rec, nil).JSON(t, &got)
		if len(got.Themes) != 1 || got.Themes[0].Code != "A40" || !got.Themes[0].Deprecated {
			t.Fatalf("the existing assignment: %+v", got.Themes)
		}
		recTag := etagOf(t, s, "/api/v1/recommendations/"+rec)
		do(t, s, http.StatusOK, "PATCH", "/api/v1/recommendations/"+rec, map[string]any{"title": "Kept", "themes": []map[string]any{{"code": "A40"}}}, "If-Match", recTag)
		otherTag := etagOf(t, s, "/api/v1/recommendations/"+other)
		checkProblem(t, s.Do("PATCH", "/api/v1/recommendations/"+other, map[string]any{"themes": []map[string]any{{"code": "A09"}, {"code": "A40"}}}, "If-Match", otherTag),
			"/api/v1/recommendations/"+other, problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid", Errors: []fieldErr{{Field: "themes[1].code", Code: "deprecated"}}})
		if got := sgGet(t, s, third); slices.Contains(got.codes(), "A40") {
			t.Fatalf("a deprecated theme is still suggested: %v", got.codes())
		}
		do(t, s, http.StatusConflict, "POST", "/api/v1/themes/A40/deprecate", nil, "If-Match", etagOf(t, s, "/api/v1/themes/A40"))

		// Audited, old -> new.
		page, err := s.App.Store().ListAudit(casereview.WithActor(context.Background(), casereview.System),
			casereview.AuditFilter{EntityType: "theme", EntityID: "A40"}, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range page.Items {
			actions = append(actions, string(e.Action))
			if e.Action == casereview.AuditThemeUpdated {
				var before, after struct{ Label string }
				_ = json.Unmarshal([]byte(e.Before), &before)
				_ = json.Unmarshal([]byte(e.After), &after)
				if before.Label != "Cyber-flashing" || after.Label != "Image-based abuse" {
					t.Errorf("theme.updated before %s after %s", e.Before, e.After)
				}
			}
		}
		if !slices.Equal(actions, []string{"theme.deprecated", "theme.updated", "theme.created"}) {
			t.Fatalf("audit of A40: %v", actions)
		}
	})
}

func taSearch(t *testing.T, s *apitest.Server, q string) []string {
	t.Helper()
	var p srPage
	do(t, s, http.StatusOK, "GET", srPath("q", q), nil).JSON(t, &p)
	var ids []string
	for _, it := range p.Items {
		ids = append(ids, it.Recommendation.ID)
	}
	slices.Sort(ids)
	return ids
}

func anyStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, strings.TrimSpace(x.(string)))
	}
	return out
}
