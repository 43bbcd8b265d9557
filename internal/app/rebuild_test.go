package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/search/query"
)

func dashHits(t *testing.T, a *App) int {
	t.Helper()
	n, err := query.Parse("dash")
	mustOK(t, err)
	res, err := a.search.live.Search(context.Background(), search.Request{Query: n, Scope: casereview.ReadScope{All: true}, Size: 50})
	mustOK(t, err)
	return int(res.Total)
}

func waitRebuilt(t *testing.T, a *App) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); a.search.rebuilding.Load(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the rebuild did not finish")
		}
	}
}

func status(t *testing.T, a *App) search.Status {
	t.Helper()
	st, err := a.SearchStatus(context.Background())
	mustOK(t, err)
	return st
}

// An admin's rebuild of a running server's index builds beside the live one, which keeps
// answering and following the journal; writes made meanwhile reach the new index; the swap
// leaves nothing behind, and the request is audited. A second request while one runs is refused.
func TestAdminRebuildsTheLiveIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := indexed(t, dialect) // three recommendations about DASH training
		cfg.Reconcile = 0          // the damage below is for the rebuild to repair, not reconciliation
		a := start(t, cfg)
		caughtUp(t, a.App)
		sys := casereview.WithActor(context.Background(), casereview.System)
		// Damage the live index behind the follower's back: only a rebuild puts the document back.
		recs, err := a.Store().ListRecommendations(sys, casereview.RecommendationFilter{}, casereview.PageRequest{Limit: 3})
		mustOK(t, err)
		applied, err := a.search.live.AppliedSeq()
		mustOK(t, err)
		mustOK(t, a.search.live.Apply(context.Background(), nil, []string{recs.Items[0].ID}, applied))
		if got := dashHits(t, a.App); got != 2 {
			t.Fatalf("the damaged index finds %d; want 2", got)
		}

		viewer := casereview.WithActor(context.Background(), casereview.Actor{UserID: "u-viewer", Name: "Vic",
			Memberships: []casereview.Membership{{Role: casereview.RoleViewer}}})
		if _, err := a.RebuildSearch(viewer); casereview.ErrorCode(err) != casereview.CodeForbidden {
			t.Fatalf("a viewer's rebuild: %v, want forbidden", err)
		}
		built, release := make(chan struct{}), make(chan struct{})
		a.search.beforeSwap = func() { close(built); <-release }
		st, err := a.RebuildSearch(sys)
		mustOK(t, err)
		if st.State != search.StateRebuilding {
			t.Errorf("state after the request %q, want rebuilding", st.State)
		}
		select {
		case <-built:
		case <-time.After(20 * time.Second):
			t.Fatal("the new index was never built")
		}
		if _, err := a.RebuildSearch(sys); casereview.ErrorCode(err) != casereview.CodeConflict {
			t.Fatalf("a second rebuild while one runs: %v, want conflict", err)
		}
		if !a.search.Ready() {
			t.Fatal("the live index stopped answering while its replacement was built")
		}
		if got := dashHits(t, a.App); got != 2 {
			t.Fatalf("the live index finds %d while its replacement is built; want its 2", got)
		}
		addRecommendations(t, a.App, recs.Items[0].ReviewID, recs.Items[0].Addressees[0].OrganisationID, 4, 4)
		close(release)
		waitRebuilt(t, a.App)
		caughtUp(t, a.App)
		if got := dashHits(t, a.App); got != 4 {
			t.Fatalf("after the swap dash finds %d; want 4", got)
		}
		if st := status(t, a.App); st.State != search.StateFollowing || st.Lag() != 0 {
			t.Errorf("after the rebuild: %+v", st)
		}
		// The follower still runs: a write after the swap is searchable.
		addRecommendations(t, a.App, recs.Items[0].ReviewID, recs.Items[0].Addressees[0].OrganisationID, 5, 5)
		caughtUp(t, a.App)
		left, err := filepath.Glob(filepath.Join(cfg.DataDir, "index.*"))
		mustOK(t, err)
		if len(left) != 0 {
			t.Fatalf("left beside the index after the swap: %v", left)
		}
		events, err := a.Store().ListAudit(sys, casereview.AuditFilter{Action: string(casereview.AuditSearchRebuildRequested)}, 10, 0)
		mustOK(t, err)
		if len(events.Items) != 1 {
			t.Fatalf("%d rebuild events audited, want 1", len(events.Items))
		}
	})
}

// A replacement that fails leaves a stale index nothing follows: the status says stopped (not
// ready), searches stop answering from it, and an admin's rebuild brings it back.
func TestFailedReplacementIsReportedAndRecovers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := indexed(t, dialect)
		idx, err := bleve.Open(filepath.Join(cfg.DataDir, "index"))
		mustOK(t, err)
		mustOK(t, idx.SetInternal([]byte("casereview.mapping_version"), []byte("0")))
		mustOK(t, idx.Close())

		a, err := New(context.Background(), cfg, quietLog(), Options{})
		mustOK(t, err)
		defer a.Close()
		if a.search.mode != modeReplace {
			t.Fatalf("start mode %d, want replace", a.search.mode)
		}
		// The replacement vanishes between its build and the swap, which then fails.
		a.search.beforeSwap = func() { _ = os.RemoveAll(filepath.Join(cfg.DataDir, "index.new")) }
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		a.Start(ctx)
		deadline := time.Now().Add(20 * time.Second)
		for !a.search.stopped.Load() {
			if time.Now().After(deadline) {
				t.Fatalf("the failed replacement was never reported: %+v", status(t, a))
			}
			time.Sleep(10 * time.Millisecond)
		}
		st := status(t, a)
		if st.State != search.StateStopped || st.Healthy() {
			t.Fatalf("after a failed replacement: %+v", st)
		}
		if a.search.Ready() {
			t.Fatal("a stale index nothing follows still answers searches")
		}
		readyz := func() (int, string) {
			rec := httptest.NewRecorder()
			a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
			var body struct {
				Search struct{ State string } `json:"search"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			return rec.Code, body.Search.State
		}
		if code, state := readyz(); code != http.StatusServiceUnavailable || state != "stopped" {
			t.Fatalf("/readyz with a stopped index: %d, search %q; want 503, stopped", code, state)
		}
		a.search.beforeSwap = nil
		_, err = a.RebuildSearch(casereview.WithActor(context.Background(), casereview.System))
		mustOK(t, err)
		waitRebuilt(t, a)
		caughtUp(t, a)
		if st := status(t, a); st.State != search.StateFollowing || !st.Healthy() {
			t.Fatalf("after the admin's rebuild: %+v", st)
		}
		if code, state := readyz(); code != http.StatusOK || state != "following" {
			t.Fatalf("/readyz after the rebuild: %d, search %q; want 200, following", code, state)
		}
		if got := dashHits(t, a); got != 3 {
			t.Fatalf("after the rebuild dash finds %d; want 3", got)
		}
	})
}
