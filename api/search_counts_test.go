package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Counts that never leak (issue 13 §9): a review made restricted behind the application's back
// (direct SQL, no journal row, no recommendation's version moved) must drop out of an agency
// editor's search total and facet counts at once, not only out of its items; reconciliation
// then repairs the index itself.
func TestSearchCountsFollowVisibilityChangedUnderneath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := pmStart(t, dialect)
		// Three more recommendations on a shared review of P2, addressed to O2 only: the editor
		// of O1 reads them while the review is shared, and must not once it is restricted.
		hidden := w.freshReview(t, "P2", casereview.VisibilityShared)
		for range 3 {
			w.freshRecommendationTo(t, hidden, "O2")
		}
		want := int64(len(w.reviews) + 3)
		deadline := time.Now().Add(10 * time.Second)
		for {
			p := w.search(t, pmAdmin, "/api/v1/search?facets=none&limit=100")
			// Caught up with the whole journal, not only the three creations: a later row about
			// them, applied after the visibility changes below, would re-index some of them
			// already, leaving reconciliation less to repair than it should.
			st, err := w.s.App.SearchStatus(w.ctx)
			if p.Total == want && p.Source == "index" && err == nil && st.Applied >= st.Head {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the index did not catch up: total %d", p.Total)
			}
			time.Sleep(20 * time.Millisecond)
		}
		before := w.search(t, pmEditor, "/api/v1/search?limit=100")
		// O1's editor reads every fixture recommendation (all addressed to O1, restricted or
		// not) and the new shared review's three, P2's own and those three being P2's.
		fixture, fixtureP2 := len(w.reviews), 0
		for _, r := range w.reviews {
			if r.partnership == "P2" {
				fixtureP2++
			}
		}
		if n := fixture + 3; before.Total != int64(n) || len(before.Items) != n || before.facet("partnership")[w.p["P2"]] != fixtureP2+3 {
			t.Fatalf("before: total %d, items %d, P2 facet %d; want %d, %d, %d", before.Total, len(before.Items),
				before.facet("partnership")[w.p["P2"]], n, n, fixtureP2+3)
		}

		db, err := w.st.SQLDB()
		pmOK(t, err, "sql db")
		q := "UPDATE reviews SET visibility = 'restricted' WHERE id = $1"
		if dialect == "sqlite" {
			q = "UPDATE reviews SET visibility = 'restricted' WHERE id = ?"
		}
		if _, err := db.ExecContext(w.ctx, q, hidden); err != nil {
			t.Fatal(err)
		}

		after := w.search(t, pmEditor, "/api/v1/search?limit=100")
		if after.Total != int64(fixture) || len(after.Items) != fixture {
			t.Errorf("after: total %d with %d items; want %d and %d (the index still holds the review as shared)", after.Total, len(after.Items), fixture, fixture)
		}
		for _, name := range []string{"partnership", "type", "organisation", "scope"} {
			sum := 0
			for _, n := range after.facet(name) {
				sum += n
			}
			if name == "partnership" || name == "type" || name == "scope" {
				if sum != fixture {
					t.Errorf("after: facet %s counts %d documents, want %d: %v", name, sum, fixture, after.facet(name))
				}
			}
		}
		if n := after.facet("organisation")[w.o["O2"]]; n != fixture {
			t.Errorf("after: O2 facet %d, want %d (the hidden review's three are addressed to O2)", n, fixture)
		}
		// The same search narrowed to P2 counts only P2's fixture recommendations, addressed to O1.
		if p := w.search(t, pmEditor, "/api/v1/search?partnership="+w.p["P2"]); p.Total != int64(fixtureP2) || len(p.Facets) == 0 {
			t.Errorf("filtered to P2: total %d, want %d", p.Total, fixtureP2)
		}
		// Oversight still reads everything.
		if p := w.search(t, pmOversight, "/api/v1/search?facets=none&limit=100"); p.Total != want {
			t.Errorf("oversight: total %d, want %d", p.Total, want)
		}
		// Reconciliation repairs the index itself: the three documents are re-indexed as
		// restricted, and a second pass finds nothing to do.
		n, err := w.s.App.Reconcile(w.ctx)
		if err != nil || n != 3 {
			t.Fatalf("reconcile repaired %d (%v), want 3", n, err)
		}
		if n, err := w.s.App.Reconcile(w.ctx); err != nil || n != 0 {
			t.Fatalf("second reconcile repaired %d (%v), want 0", n, err)
		}
		if r := w.send(pmEditor, "GET", "/api/v1/search?facets=none", nil, ""); r.Status != http.StatusOK {
			t.Fatalf("search after reconcile: %d", r.Status)
		}
	})
}

// The score travels only to callers who read the whole index (issue 13 §9b): it is computed
// from term statistics that restricted documents move.
func TestSearchScoreOnlyForWholeIndexReaders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := pmStart(t, dialect)
		w.awaitIndex(t)
		for role, want := range map[string]bool{pmAdmin: true, pmOversight: true, pmPanel: false, pmEditor: false, pmViewer: false} {
			r := w.send(role, "GET", "/api/v1/search?q=referral&facets=none", nil, "")
			if r.Status != http.StatusOK {
				t.Fatalf("%s: status %d", role, r.Status)
			}
			var page struct {
				Items []map[string]any `json:"items"`
			}
			r.JSON(t, &page)
			if len(page.Items) == 0 {
				t.Fatalf("%s: no hits for referral", role)
			}
			for _, it := range page.Items {
				if _, has := it["score"]; has != want {
					t.Errorf("%s: hit has a score: %v, want %v", role, has, want)
				}
			}
		}
	})
}
