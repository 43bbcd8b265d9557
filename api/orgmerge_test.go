package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// Merging duplicate organisations end to end: suggested, merged through the API, the merged id
// answering 308, and a search for the merged organisation's old name finding its recommendation,
// now under the survivor, at once.
func TestMergeOrganisationsEndToEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		w := &srWorld{s: s}
		p := idOf(create(t, s, "partnerships", map[string]any{"name": "Quendale Safeguarding Partnership", "kind": "other"}))
		survivor := idOf(create(t, s, "organisations", map[string]any{"name": "Quendale Police", "sector": "police"}))
		merged := idOf(create(t, s, "organisations", map[string]any{"name": "Quendale Constabulary", "sector": "police", "aliases": []string{"Ravensholt Force"}}))
		create(t, s, "organisations", map[string]any{"name": "Westdale Police", "sector": "police"})
		review := idOf(create(t, s, "reviews", map[string]any{"type": "DHR", "partnership_id": p, "reference": "QM-1", "title": "Adult M",
			"status": "published", "published_on": "2024-02-01", "visibility": "public"}))
		rec := idOf(create(t, s, "recommendations", map[string]any{"review_id": review, "number": "1", "title": "Pathway",
			"text": "Map the referral pathway for every agency.", "scope": "local",
			"addressees": []map[string]any{{"organisation_id": merged, "role": "lead"}}}))

		var dups struct {
			Items []struct {
				A, B   struct{ ID, Name string }
				Reason string
			}
		}
		do(t, s, http.StatusOK, "GET", "/api/v1/organisations/duplicates", nil).JSON(t, &dups)
		if len(dups.Items) != 1 || dups.Items[0].Reason != "similar" || dups.Items[0].A.Name != "Quendale Constabulary" || dups.Items[0].B.Name != "Quendale Police" {
			t.Errorf("duplicates %+v: want Quendale Constabulary and Quendale Police alone", dups.Items)
		}

		do(t, s, http.StatusPreconditionFailed, "POST", "/api/v1/organisations/"+survivor+"/merge", map[string]any{"merge": merged, "version": 1, "merge_version": 2})
		r := do(t, s, http.StatusOK, "POST", "/api/v1/organisations/"+survivor+"/merge", map[string]any{"merge": merged, "version": 1, "merge_version": 1})
		if got := r.Header.Get("X-Search-Consistency"); got != "applied" {
			t.Errorf("merge: X-Search-Consistency %q, want applied", got)
		}
		var out struct {
			Survivor struct {
				ID      string
				Aliases []string
				Version int
			}
			Moved map[string]int
		}
		r.JSON(t, &out)
		if out.Survivor.ID != survivor || out.Survivor.Version != 2 || !slices.Equal(out.Survivor.Aliases, []string{"Quendale Constabulary", "Ravensholt Force"}) ||
			out.Moved["addressees"] != 1 || out.Moved["aliases"] != 2 || out.Moved["recommendations"] != 1 {
			t.Errorf("merge answered %+v", out)
		}
		if r.Header.Get("ETag") == "" {
			t.Error("merge answered no ETag")
		}

		r = do(t, s, http.StatusPermanentRedirect, "GET", "/api/v1/organisations/"+merged, nil)
		if got := r.Header.Get("Location"); got != "/api/v1/organisations/"+survivor {
			t.Errorf("merged id: Location %q, want the survivor", got)
		}
		do(t, s, http.StatusConflict, "POST", "/api/v1/organisations/"+merged+"/merge", map[string]any{"merge": survivor, "version": 1, "merge_version": 2})

		for _, q := range []string{"Ravensholt", `"Quendale Constabulary"`} {
			if got := w.found(t, srPath("q", q)); len(got) != 1 || got[0] != "?"+rec {
				t.Errorf("search %s after the merge found %v, want the recommendation", q, got)
			}
		}
		if got := w.found(t, srPath("organisation", survivor)); len(got) != 1 || got[0] != "?"+rec {
			t.Errorf("the survivor's recommendations %v, want the moved one", got)
		}
	})
}
