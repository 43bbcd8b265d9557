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

// While a stale index is replaced, the old one keeps answering searches; writes made meanwhile
// reach the new one before it is swapped in, and the swap leaves nothing behind.
func TestStaleIndexAnswersWhileItsReplacementIsBuilt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := indexed(t, dialect) // three recommendations about DASH training
		idx, err := bleve.Open(filepath.Join(cfg.DataDir, "index"))
		mustOK(t, err)
		mustOK(t, idx.SetInternal([]byte("casereview.mapping_version"), []byte("0")))
		mustOK(t, idx.Close())

		b, err := New(context.Background(), cfg, quietLog(), Options{})
		mustOK(t, err)
		defer b.Close()
		if b.search.mode != modeReplace {
			t.Fatalf("start mode %d, want replace", b.search.mode)
		}
		built, release := make(chan struct{}), make(chan struct{})
		b.search.beforeSwap = func() { close(built); <-release }
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b.Start(ctx)

		count := func(q string) int {
			t.Helper()
			n, err := query.Parse(q)
			mustOK(t, err)
			res, err := b.search.live.Search(ctx, search.Request{Query: n, Scope: casereview.ReadScope{All: true}, Size: 50})
			mustOK(t, err)
			return int(res.Total)
		}
		select {
		case <-built:
		case <-time.After(20 * time.Second):
			t.Fatal("the replacement was never built")
		}
		if !b.search.Ready() {
			t.Fatal("search is not answering while the replacement waits to be swapped in")
		}
		if got := count("dash"); got != 3 {
			t.Fatalf("the old index answers %d hits for dash; want its 3", got)
		}
		// A write while the old index answers is not waited for (there is nothing following the
		// journal into the old index), and reaches the new index once it is swapped in.
		if b.search.WaitFor(ctx, 1<<40, time.Second) {
			t.Fatal("WaitFor reported success with no follower running")
		}
		recs, err := b.Store().ListRecommendations(casereview.WithActor(ctx, casereview.System), casereview.RecommendationFilter{}, casereview.PageRequest{Limit: 1})
		mustOK(t, err)
		addRecommendations(t, b, recs.Items[0].ReviewID, recs.Items[0].Addressees[0].OrganisationID, 4, 4)
		close(release)
		caughtUp(t, b)
		if got := count("dash"); got != 4 {
			t.Fatalf("after the swap dash finds %d; want 4", got)
		}
		left, err := filepath.Glob(filepath.Join(cfg.DataDir, "index.*"))
		mustOK(t, err)
		if len(left) != 0 {
			t.Fatalf("left beside the index after the swap: %v", left)
		}
	})
}

// An index ahead of the database (restored from another deployment) holds documents the database
// does not: while its replacement is built it must not answer at all, so that no total or facet
// ever counts them (issue 13 §9b); searches are answered from the database meanwhile.
func TestIndexAheadOfTheDatabaseNeverAnswersWhileReplaced(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := indexed(t, dialect)
		idx, err := bleve.Open(filepath.Join(cfg.DataDir, "index"))
		mustOK(t, err)
		mustOK(t, idx.SetInternal([]byte("casereview.applied_seq"), []byte("999999")))
		mustOK(t, idx.Close())

		b, err := New(context.Background(), cfg, quietLog(), Options{})
		mustOK(t, err)
		defer b.Close()
		if b.search.mode != modeReplace {
			t.Fatalf("start mode %d, want replace", b.search.mode)
		}
		if b.search.Ready() {
			t.Fatal("an index ahead of the database is answering before anything started")
		}
		built, release := make(chan struct{}), make(chan struct{})
		b.search.beforeSwap = func() { close(built); <-release }
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b.Start(ctx)
		select {
		case <-built:
		case <-time.After(20 * time.Second):
			t.Fatal("the replacement was never built")
		}
		if b.search.Ready() {
			t.Fatal("an index ahead of the database answers while its replacement is built")
		}
		close(release)
		caughtUp(t, b)
		if !b.search.Ready() {
			t.Fatal("the replacement is in place but search does not answer from it")
		}
	})
}

// Journal rows older than the retention window are pruned; an index that had not applied them
// is rebuilt at start (answering from the old one meanwhile) instead of missing changes.
func TestIndexBehindThePrunedJournalIsRebuilt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := indexed(t, dialect)
		// Written while this replica was down, then pruned away before it came back.
		a, err := New(context.Background(), cfg, quietLog(), Options{NoSearch: true})
		mustOK(t, err)
		ctx := casereview.WithActor(context.Background(), casereview.System)
		recs, err := a.Store().ListRecommendations(ctx, casereview.RecommendationFilter{}, casereview.PageRequest{Limit: 1})
		mustOK(t, err)
		addRecommendations(t, a, recs.Items[0].ReviewID, recs.Items[0].Addressees[0].OrganisationID, 4, 5)
		n, err := a.Store().PruneJournal(ctx, time.Now().Add(time.Hour))
		mustOK(t, err)
		if n == 0 {
			t.Fatal("nothing was pruned")
		}
		head, err := a.Store().JournalHead(ctx)
		mustOK(t, err)
		if oldest, err := a.Store().JournalOldest(ctx); err != nil || oldest != head+1 {
			t.Fatalf("oldest kept %d (%v) after pruning everything; want the head plus one, %d", oldest, err, head+1)
		}
		mustOK(t, a.Close())

		restartRebuilds(t, cfg, modeReplace)
	})
}

// With no index to answer from (the first fill after the index folder was lost), a browse is
// answered from the database listing and says so; a text query is refused with a time to retry.
func TestSearchAnswersFromTheDatabaseWhileTheFirstIndexFills(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := indexed(t, dialect)
		mustOK(t, os.RemoveAll(filepath.Join(cfg.DataDir, "index")))
		sys := casereview.System
		b, err := New(context.Background(), cfg, quietLog(), Options{Unauthenticated: &sys})
		mustOK(t, err)
		defer b.Close()
		if b.search.mode != modeFill || b.search.Ready() {
			t.Fatalf("mode %d ready %v; want filling and not ready", b.search.mode, b.search.Ready())
		}
		get := func(path string) (int, map[string]any, http.Header) {
			t.Helper()
			rec := httptest.NewRecorder()
			b.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			var body map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			return rec.Code, body, rec.Header()
		}
		code, body, _ := get("/api/v1/search?type=DHR")
		if code != http.StatusOK || body["source"] != "database" || body["total"] != float64(3) {
			t.Fatalf("browse while filling: %d %v; want 200 from the database with 3", code, body)
		}
		if code, body, h := get("/api/v1/search?q=dash"); code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
			t.Fatalf("text query while filling: %d %v; want 503 with Retry-After", code, body)
		}
		if code, _, _ := get("/api/v1/search?type=DHR&type=SAR"); code != http.StatusServiceUnavailable {
			t.Fatalf("two values of one filter while filling: %d; want 503", code)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b.Start(ctx)
		caughtUp(t, b)
		if code, body, _ := get("/api/v1/search?q=dash"); code != http.StatusOK || body["source"] != "index" || body["total"] != float64(3) {
			t.Fatalf("text query once filled: %d %v", code, body)
		}
	})
}
