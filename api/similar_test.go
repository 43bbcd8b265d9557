package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// GET /recommendations/{id}/similar end to end: alike recommendations in other reviews are found,
// the recommendation's own review is left out unless asked for, generic likeness is not
// likeness, and nobody is shown what they may not read.
func TestSimilarRecommendations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		pe := idOf(create(t, s, "partnerships", map[string]any{"name": "Eastmere CSP", "kind": "community_safety_partnership"}))
		pn := idOf(create(t, s, "partnerships", map[string]any{"name": "Northvale SAB", "kind": "other"}))
		review := func(ref, partnership, vis string) string {
			return idOf(create(t, s, "reviews", map[string]any{"type": "DHR", "partnership_id": partnership, "reference": ref,
				"title": ref, "status": "published", "published_on": "2022-01-10", "visibility": vis}))
		}
		r1, r2, r3 := review("SIM-1", pe, "public"), review("SIM-2", pe, "shared"), review("SIM-3", pn, "restricted")
		recs := map[string]string{}
		for _, c := range []struct{ key, review, number, text string }{
			{"x1", r1, "1", "Refer every victim of stalking to a specialist stalking advocate and record breaches of stalking protection orders."},
			{"x2", r1, "2", "Stalking protection orders must be sought when a stalking victim reports a breach to the advocate."},
			{"x3", r2, "1", "A specialist stalking advocate should support victims, and breaches of stalking protection orders be recorded."},
			{"x4", r3, "1", "Victims of stalking should meet a stalking advocate; every breach of a stalking protection order is recorded."},
			{"x5", r2, "2", "Agencies should review their training policy and ensure staff attend training on the procedure."},
			{"x6", r3, "2", "The agency should review its training policy so that staff receive training on each procedure."},
		} {
			recs[c.key] = idOf(create(t, s, "recommendations", map[string]any{"review_id": c.review, "number": c.number, "text": c.text, "scope": "local"}))
		}
		keyOf := map[string]string{}
		for k, id := range recs {
			keyOf[id] = k
		}
		similar := func(t *testing.T, path string, headers ...string) ([]string, []string) {
			t.Helper()
			r := s.Do("GET", path, nil, headers...)
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s: status %d: %s", path, r.Status, r.Body)
			}
			var out struct {
				Terms []string `json:"terms"`
				Items []struct {
					Recommendation struct{ ID string } `json:"recommendation"`
					Highlights     map[string][]string `json:"highlights"`
				} `json:"items"`
			}
			r.JSON(t, &out)
			var keys []string
			for _, it := range out.Items {
				keys = append(keys, keyOf[it.Recommendation.ID])
			}
			return keys, out.Terms
		}
		base := "/api/v1/recommendations/" + recs["x1"] + "/similar"

		got, terms := similar(t, base)
		slices.Sort(got)
		if !slices.Equal(got, []string{"x3", "x4"}) {
			t.Errorf("like x1 in other reviews: %v (terms %v), want x3 and x4", got, terms)
		}
		if !slices.Contains(terms, "stalk") || slices.Contains(terms, "record") && slices.Index(terms, "record") < slices.Index(terms, "stalk") {
			t.Errorf("distinctive terms %v: want stalk, and ahead of record (once in the text, three times in the index)", terms)
		}
		got, _ = similar(t, base+"?same_review=true")
		if !slices.Contains(got, "x2") || slices.Contains(got, "x1") {
			t.Errorf("same_review=true: %v, want x2 and never x1 itself", got)
		}
		if got, terms := similar(t, "/api/v1/recommendations/"+recs["x5"]+"/similar"); slices.Contains(got, "x6") {
			t.Errorf("alike only in generic words, yet x6 was found: %v (terms %v)", got, terms)
		}
		if got, _ := similar(t, base+"?limit=1"); len(got) != 1 {
			t.Errorf("limit=1: %d hits", len(got))
		}

		// A viewer of Eastmere may read x1 but not Northvale's restricted review.
		viewer := []string{"Authorization", "Bearer " + srToken(t, s, "viewer@similar.example.org",
			casereview.MembershipDraft{Role: casereview.RoleViewer, PartnershipID: pe})}
		if got, _ := similar(t, base, viewer...); !slices.Equal(got, []string{"x3"}) {
			t.Errorf("Eastmere viewer: %v, want x3 alone (x4 is restricted to Northvale)", got)
		}
		if r := s.Do("GET", "/api/v1/recommendations/"+recs["x4"]+"/similar", nil, viewer...); r.Status != http.StatusNotFound {
			t.Errorf("Eastmere viewer asking for like a hidden recommendation: status %d, want 404", r.Status)
		}
		if r := s.Do("GET", base+"?limit=0", nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("limit=0: status %d, want 422: %s", r.Status, r.Body)
		}
		if r := s.Do("GET", "/api/v1/recommendations/00000000-0000-4000-8000-000000000000/similar", nil); r.Status != http.StatusNotFound {
			t.Errorf("unknown recommendation: status %d, want 404", r.Status)
		}
	})
}
