package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bleveindex "github.com/casereview/casereview/internal/search/bleve"

	"github.com/casereview/casereview/internal/indexer"
)

// searcher owns this process's search index and the indexer that keeps it in step.
type searcher struct {
	idx     *bleveindex.Index
	indexer *indexer.Indexer
	rebuild bool // the index is new or was replaced: fill it from the database first

	once    sync.Once
	started bool
	done    chan struct{}
}

// openSearch opens (or creates) the index in the data folder. An index that will not open, was
// built with another mapping version, or is ahead of the database (a restored backup) is moved
// aside and rebuilt, never a crash loop.
func (a *App) openSearch(ctx context.Context) error {
	dir := filepath.Join(a.cfg.DataDir, "index")
	_, statErr := os.Stat(dir)
	fresh := errors.Is(statErr, os.ErrNotExist)
	idx, err := bleveindex.Open(dir)
	if err == nil && !fresh {
		if err = indexer.Check(ctx, a.store, idx); err != nil {
			idx.Close()
			if !errors.Is(err, indexer.ErrBehind) {
				return err // the database did not answer: the index may be fine, so leave it be
			}
		}
	}
	if err != nil {
		aside := fmt.Sprintf("%s.broken-%s", dir, time.Now().UTC().Format("20060102T150405.000000000"))
		a.log.Warn("search index unusable; moving it aside and rebuilding", "reason", err.Error(), "moved_to", aside)
		if rerr := os.Rename(dir, aside); rerr != nil {
			return fmt.Errorf("move the search index aside: %w", rerr)
		}
		if idx, err = bleveindex.Open(dir); err != nil {
			return err
		}
		fresh = true
	}
	ix, err := indexer.New(a.store, idx, a.log)
	if err != nil {
		idx.Close()
		return err
	}
	a.search = &searcher{idx: idx, indexer: ix, rebuild: fresh, done: make(chan struct{})}
	a.store.OnCommit(func(int64) { ix.Wake() })
	return nil
}

// Start runs the background work (rebuilding the index if it needs it, then following the
// journal) until ctx ends. Run calls it; tests that serve the handler directly call it too.
func (a *App) Start(ctx context.Context) {
	s := a.search
	if s == nil {
		return
	}
	s.once.Do(func() {
		s.started = true
		go func() {
			defer close(s.done)
			if s.rebuild {
				start := time.Now()
				err := s.indexer.Rebuild(ctx, nil)
				if err != nil {
					a.log.Error("search index rebuild failed; following the journal from the start instead", "error", err)
				} else {
					n, _ := s.idx.Count()
					a.log.Info("search index rebuilt", "documents", n, "took", time.Since(start).Round(time.Millisecond))
				}
			}
			go a.reconcileEvery(ctx, a.cfg.Reconcile)
			go a.store.FollowJournal(ctx, s.indexer.Wake)
			if err := s.indexer.Run(ctx); err != nil {
				a.log.Error("search indexer stopped", "error", err)
			}
		}()
	})
}

// closeSearch waits for the background work (whose context the caller has ended) to stop and
// closes the index.
func (a *App) closeSearch() error {
	if a.search == nil {
		return nil
	}
	if a.search.started {
		select {
		case <-a.search.done:
		case <-time.After(10 * time.Second):
			a.log.Warn("the search indexer did not stop in time")
		}
	}
	return a.search.idx.Close()
}

// reconcileEvery compares the index with the database once the index has caught up, then every
// interval, and repairs what differs: a change written behind the application's back, or a
// document a failed batch skipped, heals without a rebuild.
func (a *App) reconcileEvery(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		return
	}
	for !a.search.indexer.Ready() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
	for {
		start := time.Now()
		n, err := a.search.indexer.Reconcile(ctx, a.store)
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Error("search reconciliation failed", "error", err)
		case n > 0:
			a.log.Warn("search reconciliation repaired documents that differed from the database", "documents", n,
				"took", time.Since(start).Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
