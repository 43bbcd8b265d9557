package app

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/config"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// running is an App whose background work has been started.
type running struct {
	*App
	stop func()
}

func start(t *testing.T, cfg config.Config) running {
	t.Helper()
	a, err := New(context.Background(), cfg, quietLog(), Options{})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if err := a.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		}
	}
	t.Cleanup(stop)
	a.Start(ctx)
	return running{a, stop}
}

// seed creates n recommendations straight through the store.
func seed(t *testing.T, a *App, n int) {
	t.Helper()
	ctx := casereview.WithActor(context.Background(), casereview.System)
	s := a.Store()
	p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Northfold CSP", Kind: "community_safety_partnership"})
	mustOK(t, err)
	org, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police", Sector: "police"})
	mustOK(t, err)
	rv, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: p.ID, Reference: "NF-DHR-01", Title: "Adult Q",
		Status: "in_progress", Visibility: "shared"})
	mustOK(t, err)
	addRecommendations(t, a, rv.ID, org.ID, 1, n)
}

func addRecommendations(t *testing.T, a *App, reviewID, orgID string, from, to int) {
	t.Helper()
	ctx := casereview.WithActor(context.Background(), casereview.System)
	for i := from; i <= to; i++ {
		_, err := a.Store().CreateRecommendation(ctx, casereview.RecommendationDraft{ReviewID: reviewID, Number: fmt.Sprint(i),
			Text: fmt.Sprintf("Recommendation %d about DASH training.", i), Scope: "local",
			Addressees: []casereview.AddresseeDraft{{OrganisationID: orgID, Role: "lead"}}, Themes: []casereview.ThemeDraft{{Code: "stalking"}}})
		mustOK(t, err)
	}
}

// caughtUp waits until the app's index is ready and has applied the journal head, then checks
// that it holds exactly the database's recommendations.
func caughtUp(t *testing.T, a *App) {
	t.Helper()
	ctx := context.Background()
	head, err := a.store.JournalHead(ctx)
	mustOK(t, err)
	deadline := time.Now().Add(20 * time.Second)
	for {
		ix := a.search.indexer.Load() // nil while a replacement index is being built
		if ix != nil && ix.Ready() && ix.Applied() >= head && a.search.Ready() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index never caught up to %d (follower running: %v)", head, ix != nil)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got, err := a.search.live.AppliedSeq(); err != nil || got != head {
		t.Fatalf("the index records %d (%v); head %d", got, err, head)
	}
	var want []string
	after := ""
	for {
		ids, err := a.store.RecommendationIDsAfter(ctx, after, 100)
		mustOK(t, err)
		if len(ids) == 0 {
			break
		}
		want = append(want, ids...)
		after = ids[len(ids)-1]
	}
	res, err := a.search.live.Search(ctx, search.Request{Scope: casereview.ReadScope{All: true}, Size: casereview.MaxPageSize})
	mustOK(t, err)
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.ID)
	}
	sort.Strings(got)
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) || res.Total != uint64(len(want)) {
		t.Fatalf("index holds %v (total %d); database %v", got, res.Total, want)
	}
}

func brokenAside(t *testing.T, cfg config.Config) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(cfg.DataDir, "index.broken-*"))
	mustOK(t, err)
	return m
}

// indexed starts an app on a fresh data folder, indexes three recommendations and stops it,
// leaving a healthy index behind.
func indexed(t *testing.T, dialect string) config.Config {
	t.Helper()
	cfg := testConfig(t, dialect)
	a := start(t, cfg)
	seed(t, a.App, 3)
	caughtUp(t, a.App)
	a.stop()
	return cfg
}

// restartRebuilds starts the app again on cfg and checks how the index was rebuilt: an index
// that will not open is moved aside (once) and a new one filled; a stale one that opens keeps
// answering while its replacement is built beside it and swapped in. Either way the new index
// is sound on disk and nothing is left beside it.
func restartRebuilds(t *testing.T, cfg config.Config, want startMode) {
	t.Helper()
	b := start(t, cfg)
	if b.search.mode != want {
		t.Fatalf("start mode %d, want %d", b.search.mode, want)
	}
	wantAside := map[startMode]int{modeFill: 1, modeReplace: 0}[want]
	if aside := brokenAside(t, cfg); len(aside) != wantAside {
		t.Fatalf("moved aside: %v; want %d index.broken-*", aside, wantAside)
	}
	caughtUp(t, b.App)
	left, err := filepath.Glob(filepath.Join(cfg.DataDir, "index.*"))
	mustOK(t, err)
	if len(left) != wantAside {
		t.Fatalf("left beside the index: %v", left)
	}
	inDB, err := b.store.CountRecommendations(context.Background())
	mustOK(t, err)
	if n, _ := b.search.live.Count(); n != uint64(inDB) || inDB < 3 {
		t.Fatalf("rebuilt index holds %d documents; the database %d", n, inDB)
	}
	b.stop()
	idx, err := bleveindex.Open(filepath.Join(cfg.DataDir, "index"))
	if err != nil {
		t.Fatalf("the rebuilt index does not reopen: %v", err)
	}
	idx.Close()
}

// A corrupt index (junk in its files, or a file where its folder should be) is moved aside and
// rebuilt at start, never a crash.
func TestCorruptIndexIsMovedAsideAndRebuilt(t *testing.T) {
	corruptions := []struct {
		name    string
		corrupt func(t *testing.T, dir string)
	}{
		{"junk in every file", func(t *testing.T, dir string) { junkFiles(t, dir, func(string) bool { return true }) }},
		{"junk in the segment store only", func(t *testing.T, dir string) {
			junkFiles(t, dir, func(p string) bool { return filepath.Base(p) != "index_meta.json" })
		}},
		{"a file instead of the folder", func(t *testing.T, dir string) {
			mustOK(t, os.RemoveAll(dir))
			mustOK(t, os.WriteFile(dir, []byte("this is not a search index\x00\xff"), 0o644))
		}},
		{"an empty folder", func(t *testing.T, dir string) {
			mustOK(t, os.RemoveAll(dir))
			mustOK(t, os.Mkdir(dir, 0o755))
		}},
	}
	dbtest.Each(t, func(t *testing.T, dialect string) {
		for _, c := range corruptions {
			t.Run(c.name, func(t *testing.T) {
				cfg := indexed(t, dialect)
				c.corrupt(t, filepath.Join(cfg.DataDir, "index"))
				restartRebuilds(t, cfg, modeFill)
			})
		}
	})
}

func junkFiles(t *testing.T, dir string, which func(path string) bool) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !which(p) {
			return err
		}
		n++
		return os.WriteFile(p, []byte("garbage\x00\xff garbage"), 0o644)
	})
	mustOK(t, err)
	if n == 0 {
		t.Fatal("no index files to corrupt")
	}
}

// An index built with another mapping version is rebuilt.
func TestStaleMappingVersionIsRebuilt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := indexed(t, dialect)
		idx, err := bleve.Open(filepath.Join(cfg.DataDir, "index"))
		mustOK(t, err)
		mustOK(t, idx.SetInternal([]byte("casereview.mapping_version"), []byte("0")))
		mustOK(t, idx.Close())
		restartRebuilds(t, cfg, modeReplace)
	})
}

// An index ahead of the database (the database was restored from an older backup) is rebuilt.
func TestIndexAheadOfDatabaseIsRebuilt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := indexed(t, dialect)
		idx, err := bleveindex.Open(filepath.Join(cfg.DataDir, "index"))
		mustOK(t, err)
		seq, err := idx.AppliedSeq()
		mustOK(t, err)
		mustOK(t, idx.Apply(context.Background(), nil, nil, seq+10))
		mustOK(t, idx.Close())
		restartRebuilds(t, cfg, modeReplace)
	})
}

// A healthy index is kept across a restart and catches up with what was written while the
// process was down, without a rebuild.
func TestHealthyIndexResumesWithoutRebuild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := indexed(t, dialect)
		b, err := New(context.Background(), cfg, quietLog(), Options{})
		mustOK(t, err)
		defer b.Close()
		if b.search.mode != modeFollow || len(brokenAside(t, cfg)) != 0 {
			t.Fatalf("a healthy index was replaced (mode %d, aside %v)", b.search.mode, brokenAside(t, cfg))
		}
		// Written before the indexer runs, as after a crash between commit and indexing.
		ctx := casereview.WithActor(context.Background(), casereview.System)
		rvs, err := b.Store().ListReviews(ctx, casereview.ReviewFilter{}, casereview.PageRequest{Limit: 1})
		mustOK(t, err)
		recs, err := b.Store().ListRecommendations(ctx, casereview.RecommendationFilter{}, casereview.PageRequest{Limit: 1})
		mustOK(t, err)
		if len(rvs.Items) != 1 || len(recs.Items) != 1 {
			t.Fatalf("fixture: %d reviews, %d recommendations", len(rvs.Items), len(recs.Items))
		}
		addRecommendations(t, b, rvs.Items[0].ID, recs.Items[0].Addressees[0].OrganisationID, 4, 5)
		runCtx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b.Start(runCtx)
		caughtUp(t, b)
		if n, _ := b.search.live.Count(); n != 5 {
			t.Fatalf("index holds %d documents; want 5", n)
		}
	})
}
