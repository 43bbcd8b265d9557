package indexer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/indexer"
)

// A follower whose next journal rows were pruned says so (ErrPruned) rather than skipping them,
// both when some later rows are kept and when none are; Check says so at start; and Run rebuilds
// the index and carries on, so nothing is missed.
func TestPrunedJournalIsNeverSkipped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		s, ctx := e.s, sysCtx()
		w := newWorld(t, s)
		first, err := s.CreateRecommendation(ctx, w.rec(w.dhr.ID, "1", "Refresh the heron protocol.", w.police, "stalking"))
		must(t, err)
		e.catchUp(t)

		second, err := s.CreateRecommendation(ctx, w.rec(w.dhr.ID, "2", "Audit the egret referrals.", w.police, "stalking"))
		must(t, err)
		n, err := s.PruneJournal(context.Background(), time.Now().Add(24*time.Hour)) // everything
		must(t, err)
		if n == 0 {
			t.Fatal("nothing pruned")
		}
		if _, err := e.x.Step(context.Background()); !errors.Is(err, indexer.ErrPruned) {
			t.Fatalf("step over an emptied journal: %v; want ErrPruned", err)
		}
		if err := indexer.Check(context.Background(), s, e.idx); !errors.Is(err, indexer.ErrPruned) {
			t.Fatalf("Check: %v; want ErrPruned", err)
		}
		// A later row is kept, but not the ones between.
		third, err := s.CreateRecommendation(ctx, w.rec(w.dhr.ID, "3", "Train on kingfisher cases.", w.police, "stalking"))
		must(t, err)
		if _, err := e.x.Step(context.Background()); !errors.Is(err, indexer.ErrPruned) {
			t.Fatalf("step over a gap: %v; want ErrPruned", err)
		}
		expectHits(t, e.idx, "egret") // not yet indexed

		runCtx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.x.Run(runCtx) }()
		deadline := time.Now().Add(20 * time.Second)
		for e.x.Applied() < e.head(t) || len(hits(t, e.idx, "egret", nil)) == 0 {
			if time.Now().After(deadline) {
				cancel()
				t.Fatal("Run did not rebuild past the pruned journal")
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		must(t, <-done)
		expectHits(t, e.idx, "", first.ID, second.ID, third.ID)
		inStep(t, s, e.idx)
		if err := indexer.Check(context.Background(), s, e.idx); err != nil {
			t.Fatalf("Check after the rebuild: %v", err)
		}
	})
}

// Pruning keeps rows newer than the cutoff.
func TestPruneKeepsRecentRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		s, ctx := e.s, sysCtx()
		w := newWorld(t, s)
		_, err := s.CreateRecommendation(ctx, w.rec(w.dhr.ID, "1", "Refresh the heron protocol.", w.police, "stalking"))
		must(t, err)
		before, err := s.JournalOldest(context.Background())
		must(t, err)
		n, err := s.PruneJournal(context.Background(), time.Now().Add(-24*time.Hour))
		must(t, err)
		after, err := s.JournalOldest(context.Background())
		must(t, err)
		if n != 0 || after != before || before != 1 {
			t.Fatalf("pruning before yesterday deleted %d rows; oldest %d -> %d, want 1 kept", n, before, after)
		}
		e.catchUp(t)
	})
}
