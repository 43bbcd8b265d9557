package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/casereview/casereview/api"
	"github.com/casereview/casereview/internal/dbtest"
)

// A viewer scoped to a partnership does not read its restricted reviews (issue 3; issue 13 item
// 10) until an admin lets the partnership's viewers read them (viewers_see_restricted), and then
// reads them everywhere at once: single reads, lists, search hits, totals and facets, similar
// recommendations, summaries and exports, with no re-index; turning it off hides them again.
func TestPartnershipViewerSeesRestrictedOnlyWhenAllowed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := pmStart(t, dialect)
		w.awaitIndex(t)
		restricted, shared := w.byKey["P1-restricted"], w.byKey["P1-shared"]
		v, p1 := pmViewerP1, w.p["P1"]

		// sees checks every read path of the viewer of P1, expecting it to read P1's restricted
		// review and what lies beneath it exactly when open.
		sees := func(open bool, when string) {
			t.Helper()
			single := http.StatusNotFound
			if open {
				single = http.StatusOK
			}
			for _, path := range []string{"/api/v1/reviews/" + restricted.id, "/api/v1/recommendations/" + restricted.rec,
				"/api/v1/actions/" + restricted.actions["O1"], "/api/v1/recommendations/" + restricted.rec + "/timeline",
				"/api/v1/recommendations/" + restricted.rec + "/similar", "/api/v1/reviews/" + restricted.id + "/action-plan.csv"} {
				if r := w.send(v, "GET", path, nil, ""); r.Status != single {
					t.Errorf("%s: viewer of P1 GET %s: status %d, want %d", when, path, r.Status, single)
				}
			}
			// Lists and their totals.
			want := func(ids ...string) []string {
				if !open {
					return []string{}
				}
				return pmSorted(ids)
			}
			for _, c := range []struct {
				path string
				ids  []string
			}{
				{"/api/v1/reviews?visibility=restricted&partnership_id=" + p1, want(restricted.id)},
				{"/api/v1/recommendations?review_id=" + restricted.id, want(restricted.rec)},
				{"/api/v1/actions?recommendation_id=" + restricted.rec, want(restricted.actions["O1"], restricted.actions["O2"])},
			} {
				got, total := w.list(t, v, c.path)
				if !slices.Equal(pmNonNil(got), c.ids) || total != int64(len(c.ids)) {
					t.Errorf("%s: viewer of P1 GET %s: %v (total %d), want %v", when, c.path, got, total, c.ids)
				}
			}
			// Search: hits, totals and facets follow at once, from the index.
			p := w.search(t, v, "/api/v1/search?limit=100&q="+url.QueryEscape("pathway visibility:restricted"))
			if got := p.ids(); !slices.Equal(got, want(restricted.rec)) || p.Total != int64(len(want(restricted.rec))) || p.Source != "index" {
				t.Errorf("%s: viewer of P1 searching restricted: %v (total %d, from %s), want %v from the index", when, got, p.Total, p.Source, want(restricted.rec))
			}
			p = w.search(t, v, "/api/v1/search?limit=100")
			p1n := 0
			for _, r := range w.reviews {
				if r.partnership == "P1" && (open || r != restricted) {
					p1n++
				}
			}
			if n := p.facet("partnership")[p1]; n != p1n {
				t.Errorf("%s: viewer of P1: partnership facet counts %d of P1's, want %d", when, n, p1n)
			}
			// Like a shared recommendation: the restricted one, worded alike, only when open.
			res := w.send(v, "GET", "/api/v1/recommendations/"+shared.rec+"/similar", nil, "")
			var sim pmSearchPage
			res.JSON(t, &sim)
			if got := slices.Contains(sim.ids(), restricted.rec); got != open {
				t.Errorf("%s: viewer of P1: similar to the shared recommendation lists the restricted one: %v, want %v", when, got, open)
			}
			// Summaries count it only when open.
			var ct api.SummaryCrossTab
			sr := w.send(v, "GET", "/api/v1/summaries/crosstab?rows=review_type&cols=year&partnership="+p1, nil, "")
			sr.JSON(t, &ct)
			if wantN := p1n; ct.Recommendations.Count == nil || *ct.Recommendations.Count != wantN {
				t.Errorf("%s: viewer of P1: the summary counts %v of P1's recommendations, want %d", when, ct.Recommendations.Count, wantN)
			}
		}

		sees(false, "by default")
		var part struct {
			ViewersSeeRestricted bool `json:"viewers_see_restricted"`
			Version              int  `json:"version"`
		}
		w.send(v, "GET", "/api/v1/partnerships/"+p1, nil, "").JSON(t, &part)
		if part.ViewersSeeRestricted {
			t.Fatalf("a new partnership lets its viewers read its restricted reviews")
		}

		// Only an admin changes the setting, with If-Match; a refused attempt changes nothing.
		set := func(role string, on bool, ifMatch string) int {
			return w.send(role, "PATCH", "/api/v1/partnerships/"+p1, map[string]any{"viewers_see_restricted": on}, ifMatch).Status
		}
		for _, c := range []struct {
			role, ifMatch string
			want          int
		}{
			{pmPanel, pmTag(part.Version), http.StatusForbidden},
			{pmViewerP1, pmTag(part.Version), http.StatusForbidden},
			{pmAdmin, "", http.StatusPreconditionRequired},
			{pmAdmin, pmTag(part.Version + 1), http.StatusPreconditionFailed},
		} {
			before := w.state(t)
			if got := set(c.role, true, c.ifMatch); got != c.want {
				t.Errorf("%s PATCH viewers_see_restricted with If-Match %q: status %d, want %d", c.role, c.ifMatch, got, c.want)
			}
			if after := w.state(t); after.seq != before.seq || len(moved(before, after)) > 0 {
				t.Errorf("%s PATCH viewers_see_restricted, refused, changed the database", c.role)
			}
		}
		sees(false, "after refused changes")

		seq := w.state(t).seq
		if got := set(pmAdmin, true, pmTag(part.Version)); got != http.StatusOK {
			t.Fatalf("admin PATCH viewers_see_restricted: status %d", got)
		}
		w.send(v, "GET", "/api/v1/partnerships/"+p1, nil, "").JSON(t, &part)
		if !part.ViewersSeeRestricted {
			t.Errorf("GET the partnership after the change: viewers_see_restricted is false")
		}
		// Audited as old -> new, and nothing else.
		evs := w.events(t, seq)
		if len(evs) != 1 || evs[0].Action != "partnership.updated" || evs[0].EntityID != p1 {
			t.Fatalf("audit events %v, want one partnership.updated of P1", evs)
		}
		var page struct {
			Items []struct {
				Before map[string]any `json:"before"`
				After  map[string]any `json:"after"`
			} `json:"items"`
		}
		w.send(pmAdmin, "GET", "/api/v1/audit?limit=1&action=partnership.updated&entity_id="+p1, nil, "").JSON(t, &page)
		if len(page.Items) != 1 || fmt.Sprint(page.Items[0].Before["ViewersSeeRestricted"]) != "false" ||
			fmt.Sprint(page.Items[0].After["ViewersSeeRestricted"]) != "true" {
			t.Errorf("the audit event does not record false -> true: %+v", page.Items)
		}
		sees(true, "once P1 lets its viewers")

		// The panel-and-editor user and the other partnership's viewer gain nothing from it.
		if r := w.send(pmViewerP2, "GET", "/api/v1/reviews/"+restricted.id, nil, ""); r.Status != http.StatusNotFound {
			t.Errorf("viewer of P2 GET P1's restricted review once P1 lets its viewers: status %d, want 404", r.Status)
		}
		if r := w.send(pmViewer, "GET", "/api/v1/reviews/"+restricted.id, nil, ""); r.Status != http.StatusNotFound {
			t.Errorf("system-wide viewer GET P1's restricted review once P1 lets its viewers: status %d, want 404", r.Status)
		}

		if got := set(pmAdmin, false, pmTag(part.Version)); got != http.StatusOK {
			t.Fatalf("admin PATCH viewers_see_restricted back: status %d", got)
		}
		sees(false, "once P1 stops letting its viewers")
	})
}

func pmNonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
