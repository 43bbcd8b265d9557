package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/dbtest"
)

// An agency addressed by a recommendation of another partnership's restricted review reads that
// recommendation and records its response, and the response is really there; it reads neither
// the review nor a sibling recommendation addressed to someone else (issue 13 §10).
func TestPermissionMatrixAddressee(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := pmStart(t, dialect)
		p2 := w.byKey["P2-restricted"] // its recommendation is addressed to O1 and O2
		sibling := w.freshRecommendationTo(t, p2.id, "O2")
		ed := pmEditor
		for _, c := range []struct {
			path string
			want int
		}{
			{"/api/v1/recommendations/" + p2.rec, http.StatusOK},
			{"/api/v1/recommendations/" + p2.rec + "/timeline", http.StatusOK},
			{"/api/v1/actions/" + p2.actions["O1"], http.StatusOK},
			{"/api/v1/reviews/" + p2.id, http.StatusNotFound},
			{"/api/v1/recommendations/" + sibling, http.StatusNotFound},
		} {
			if r := w.send(ed, "GET", c.path, nil, ""); r.Status != c.want {
				t.Errorf("editor GET %s: status %d, want %d", c.path, r.Status, c.want)
			}
		}
		r := w.send(ed, "POST", "/api/v1/recommendations/"+p2.rec+"/responses",
			map[string]any{"organisation_id": w.o["O1"], "decision": "response_received"}, "")
		if r.Status != http.StatusCreated {
			t.Fatalf("editor POST its response: status %d: %s", r.Status, r.Body)
		}
		var list struct {
			Items []struct {
				OrganisationID string `json:"organisation_id"`
			} `json:"items"`
		}
		lr := w.send(pmOversight, "GET", "/api/v1/recommendations/"+p2.rec+"/responses", nil, "")
		lr.JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].OrganisationID != w.o["O1"] {
			t.Errorf("the response is not recorded as O1's: %s", lr.Body)
		}
		if r := w.send(ed, "POST", "/api/v1/recommendations/"+sibling+"/responses",
			map[string]any{"organisation_id": w.o["O1"], "decision": "response_received"}, ""); r.Status != http.StatusNotFound {
			t.Errorf("editor POST a response to a sibling not addressed to it: status %d, want 404", r.Status)
		}
		// Of P2's recommendations it lists the restricted one addressed to it and the shared one,
		// not the sibling.
		ids, total := w.list(t, ed, "/api/v1/recommendations?partnership_id="+w.p["P2"])
		if want := pmSorted([]string{p2.rec, w.byKey["P2-shared"].rec}); total != 2 || !slices.Equal(ids, want) {
			t.Errorf("editor lists P2's recommendations: %v (total %d), want %v", ids, total, want)
		}
	})
}
