package indexer_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/indexer"
	"github.com/casereview/casereview/internal/store"
)

// failingSource fails every journal read while broken is set, as a database that went away.
type failingSource struct {
	*store.Store
	broken *atomic.Bool
}

func (f failingSource) JournalAfter(ctx context.Context, after int64, limit int) ([]store.JournalEntry, error) {
	if f.broken.Load() {
		return nil, errors.New("the database went away")
	}
	return f.Store.JournalAfter(ctx, after, limit)
}

// An indexer whose steps fail has not caught up and says so; once a step succeeds again it has,
// and the error clears. (Ready used to turn true after a failed step.)
func TestFailedStepIsNotReady(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect)
		broken := &atomic.Bool{}
		broken.Store(true)
		x, err := indexer.New(failingSource{Store: e.s, broken: broken}, e.idx, quiet)
		must(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = x.Run(ctx) }()
		defer func() { cancel(); <-done }()
		for deadline := time.Now().Add(10 * time.Second); x.Err() == nil; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the failing step was never reported")
			}
		}
		if x.Ready() {
			t.Fatal("the indexer says it caught up after a failed step")
		}
		broken.Store(false)
		x.Wake()
		for deadline := time.Now().Add(10 * time.Second); !x.Ready() || x.Err() != nil; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the indexer did not recover: ready %v, error %v", x.Ready(), x.Err())
			}
		}
	})
}
