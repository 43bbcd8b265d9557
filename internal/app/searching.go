package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casereview/casereview/internal/indexer"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/store"
)

// searcher owns this process's search index and the indexer that keeps it in step. The API
// searches live, which answers from the current index; when the index must be rebuilt and the
// old one still opens, the old one keeps answering while the new one is filled beside it and
// swapped in.
type searcher struct {
	dir     string
	src     *store.Store
	live    *search.Live
	indexer atomic.Pointer[indexer.Indexer] // follows the journal into live; nil while replacing
	filling atomic.Bool                     // live is being filled from empty: nothing to answer from yet
	// foreign: live is ahead of the database (restored from another deployment or a newer
	// backup) and holds documents the database does not: it must not answer, not even counts,
	// until its replacement is in place; searches fall back to the database meanwhile.
	foreign atomic.Bool
	// rebuilding: a new index is being built beside live (at start, or asked for by an admin).
	rebuilding atomic.Bool
	// stopped: nothing follows the journal (a rebuild or swap failed): live, if it still holds
	// an index, is stale, so searches answer from the database until an admin rebuilds it.
	stopped atomic.Bool

	mode startMode
	next *bleveindex.Index // replace: the new index being built in dir+".new"
	// beforeSwap, when set (by tests), runs after the replacement is built and before it is
	// swapped in, while the old index still answers.
	beforeSwap func()
	once       sync.Once
	ctx        context.Context // Start's: the background work's lifetime
	following  sync.Once       // starts the journal follower and its companions
	started    bool
	bg         sync.WaitGroup // the background work closeSearch waits for
}

type startMode int

const (
	modeFollow  startMode = iota // the index is fine: follow the journal from where it stopped
	modeFill                     // the index is new and empty: fill it, with nothing to answer from meanwhile
	modeReplace                  // the index is stale: answer from it while a new one is built and swapped in
)

// Ready reports whether searches can be answered from an index (perhaps a stale one while a
// new one is built).
func (s *searcher) Ready() bool {
	return s.live.Has() && !s.filling.Load() && !s.foreign.Load() && !s.stopped.Load()
}

// WaitFor waits for this process's index to apply seq, so a writer then sees the write in its
// searches. While the index is being filled or replaced it does not wait.
func (s *searcher) WaitFor(ctx context.Context, seq int64, max time.Duration) bool {
	ix := s.indexer.Load()
	if ix == nil || s.filling.Load() {
		return false
	}
	return ix.WaitFor(ctx, seq, max)
}

// openSearch opens (or creates) the index in the data folder and decides how to start. An index
// that will not open is moved aside and a new one filled; one built with another mapping
// version, ahead of the database (a restored backup) or behind the journal's retention window
// keeps answering while its replacement is built. Never a crash loop.
func (a *App) openSearch(ctx context.Context) error {
	dir := filepath.Join(a.cfg.DataDir, "index")
	s := &searcher{dir: dir, src: a.store}
	_, statErr := os.Stat(dir)
	fresh := errors.Is(statErr, os.ErrNotExist)
	idx, err := bleveindex.OpenWith(dir, a.indexOpts)
	switch {
	case err == nil && fresh:
		s.mode = modeFill
	case err == nil:
		switch cerr := indexer.Check(ctx, a.store, idx); {
		case cerr == nil:
			s.mode = modeFollow
		case errors.Is(cerr, indexer.ErrBehind):
			// It holds what this database never had: its totals and facets would count them.
			a.log.Warn("search index is ahead of the database; answering from the database until a new one is built", "reason", cerr.Error())
			s.mode = modeReplace
			s.foreign.Store(true)
		case errors.Is(cerr, indexer.ErrPruned):
			a.log.Warn("search index must be rebuilt; answering from it until the new one is ready", "reason", cerr.Error())
			s.mode = modeReplace
		default:
			idx.Close()
			return cerr // the database did not answer: the index may be fine, so leave it be
		}
	case errors.Is(err, bleveindex.ErrStale):
		if idx, err = bleveindex.OpenStale(dir, a.indexOpts); err == nil {
			a.log.Warn("search index was built with another mapping version; answering from it until the new one is ready")
			s.mode = modeReplace
		}
	}
	if err != nil { // it will not open at all
		if idx, err = a.moveAsideAndCreate(dir, err); err != nil {
			return err
		}
		s.mode = modeFill
	}
	s.live = search.NewLive(idx)
	switch s.mode {
	case modeReplace:
		next := dir + ".new"
		if err := os.RemoveAll(next); err != nil {
			idx.Close()
			return err
		}
		if s.next, err = bleveindex.OpenWith(next, a.indexOpts); err != nil {
			idx.Close()
			return err
		}
		s.rebuilding.Store(true)
	default:
		ix, err := indexer.New(a.store, s.live, a.log)
		if err != nil {
			idx.Close()
			return err
		}
		s.indexer.Store(ix)
		s.filling.Store(s.mode == modeFill)
	}
	a.search = s
	a.store.OnCommit(func(int64) {
		if ix := s.indexer.Load(); ix != nil {
			ix.Wake()
		}
	})
	return nil
}

func (a *App) moveAsideAndCreate(dir string, reason error) (*bleveindex.Index, error) {
	aside := fmt.Sprintf("%s.broken-%s", dir, time.Now().UTC().Format("20060102T150405.000000000"))
	a.log.Warn("search index unusable; moving it aside and rebuilding", "reason", reason.Error(), "moved_to", aside)
	if err := os.Rename(dir, aside); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("move the search index aside: %w", err)
	}
	return bleveindex.OpenWith(dir, a.indexOpts)
}

// Start runs the background work (filling or replacing the index if it needs it, then following
// the journal) until ctx ends. Run calls it; tests that serve the handler directly call it too.
func (a *App) Start(ctx context.Context) {
	a.checkpointOnce.Do(func() {
		a.checkpointDone = make(chan struct{})
		go a.checkpointEvery(ctx, a.cfg.Checkpoints)
		go a.forgetThrottlesEvery(ctx)
		a.startNotifications(ctx)
		if !a.noRecurrence {
			go a.followRecurrence(ctx)
		}
	})
	s := a.search
	if s == nil {
		return
	}
	s.once.Do(func() {
		s.started, s.ctx = true, ctx
		s.bg.Add(1)
		go func() {
			defer s.bg.Done()
			switch s.mode {
			case modeFill:
				start := time.Now()
				if err := s.indexer.Load().Rebuild(ctx, nil); err != nil {
					a.log.Error("search index rebuild failed; following the journal from the start instead", "error", err)
				} else {
					n, _ := s.live.Count()
					a.log.Info("search index built", "documents", n, "took", time.Since(start).Round(time.Millisecond))
				}
				s.filling.Store(false)
			case modeReplace:
				err := a.replaceIndex(ctx, s)
				s.rebuilding.Store(false)
				if err != nil {
					if ctx.Err() == nil {
						s.stopped.Store(true)
						a.log.Error("search index replacement failed; nothing follows the journal until an admin rebuilds the index", "error", err)
					}
					return
				}
			}
			a.startFollowing(s)
		}()
	})
}

// startFollowing starts, once, the journal follower and its companions (reconciliation, journal
// pruning, the PostgreSQL listener) over s's current indexer.
func (a *App) startFollowing(s *searcher) {
	s.following.Do(func() {
		ctx := s.ctx
		go a.reconcileEvery(ctx, a.cfg.Reconcile)
		go a.pruneEvery(ctx, a.cfg.JournalRetention)
		go a.store.FollowJournal(ctx, func() {
			if ix := s.indexer.Load(); ix != nil {
				ix.Wake()
			}
		})
		s.bg.Add(1)
		go func() {
			defer s.bg.Done()
			ix := s.indexer.Load()
			ix.SetPollInterval(a.indexPoll)
			if err := ix.Run(ctx); err != nil {
				a.log.Error("search indexer stopped", "error", err)
			}
			if ctx.Err() == nil {
				s.stopped.Store(true)
			}
		}()
	})
}

// replaceIndex fills the new index beside the one answering, brings it up to the journal head,
// then swaps it in: the old one is closed and kept aside until the new one is in its place.
func (a *App) replaceIndex(ctx context.Context, s *searcher) error {
	start := time.Now()
	build, err := indexer.New(a.store, s.next, a.log)
	if err != nil {
		return err
	}
	if err := build.Rebuild(ctx, nil); err != nil {
		return err
	}
	for { // catch up with what was written during the rebuild
		n, err := build.Step(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	if s.beforeSwap != nil {
		s.beforeSwap()
	}
	err = s.next.Close()
	s.next = nil // closed: closeSearch must not close it again
	if err != nil {
		return err
	}
	if err := a.swapIn(s); err != nil {
		return err
	}
	ix, err := indexer.New(a.store, s.live, a.log)
	if err != nil {
		return err
	}
	s.indexer.Store(ix)
	s.foreign.Store(false)
	n, _ := s.live.Count()
	a.log.Info("search index replaced", "documents", n, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// closeSearch waits for the background work (whose context the caller has ended) to stop and
// closes the index.
func (a *App) closeSearch() error {
	s := a.search
	if s == nil {
		return nil
	}
	if s.started {
		done := make(chan struct{})
		go func() { s.bg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			a.log.Warn("the search indexer did not stop in time")
		}
	}
	if s.next != nil {
		s.next.Close() // the replacement was cut short
	}
	return s.live.Close()
}

// reconcileEvery compares the index with the database once the index has caught up, then every
// interval, and repairs what differs: a change written behind the application's back, or a
// document a failed batch skipped, heals without a rebuild.
func (a *App) reconcileEvery(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		return
	}
	for ix := a.search.indexer.Load(); !ix.Ready(); ix = a.search.indexer.Load() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
	for {
		start := time.Now()
		n, err := a.search.indexer.Load().Reconcile(ctx, a.store)
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

// Reconcile compares this process's index with the database once, now, and repairs what
// differs (as the background reconciliation does every interval); it returns how many documents
// it repaired.
func (a *App) Reconcile(ctx context.Context) (int, error) {
	if a.search == nil {
		return 0, nil
	}
	ix := a.search.indexer.Load()
	if ix == nil {
		return 0, errors.New("the search index is being replaced")
	}
	return ix.Reconcile(ctx, a.store)
}

// pruneEvery deletes journal rows older than the retention window, hourly. An index that falls
// further behind than the window (a replica stopped for longer) is rebuilt when it next starts.
func (a *App) pruneEvery(ctx context.Context, retention time.Duration) {
	if retention <= 0 {
		return
	}
	for {
		n, err := a.store.PruneJournal(ctx, a.now().Add(-retention))
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Error("pruning the change journal failed", "error", err)
		case n > 0:
			a.log.Info("pruned the change journal", "rows", n, "older_than", retention.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

// TuneSearch sets the tuning of the live search index (the benchmark compares the paths).
func (a *App) TuneSearch(t bleveindex.Tuning) {
	if a.search == nil {
		return
	}
	a.search.live.Replace(func(cur search.Index) search.Index {
		if b, ok := cur.(*bleveindex.Index); ok {
			b.Tune(t)
		}
		return cur
	})
}

// SearchReady reports whether searches are answered from an index (true when search is off).
func (a *App) SearchReady() bool { return a.search == nil || a.search.Ready() }
