package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/indexer"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
)

// SearchStatus reports what this process's search index is doing and how far behind the
// journal it is (for /readyz and the metrics).
func (a *App) SearchStatus(ctx context.Context) (search.Status, error) {
	if a.search == nil {
		return search.Status{}, errors.New("this process has no search index")
	}
	return a.search.Status(ctx)
}

// Status reads the journal head and describes the index against it.
func (s *searcher) Status(ctx context.Context) (search.Status, error) {
	ix := s.indexer.Load()
	st := search.Status{}
	switch {
	case s.stopped.Load():
		st.State = search.StateStopped
	case s.filling.Load():
		st.State = search.StateFilling
	case s.rebuilding.Load() || ix == nil:
		st.State = search.StateRebuilding
	case ix.Err() != nil:
		st.State = search.StateStalled
	case !ix.Ready():
		st.State = search.StateCatchingUp
	default:
		st.State = search.StateFollowing
	}
	if ix != nil {
		st.Applied = ix.Applied()
	} else if s.live.Has() {
		st.Applied, _ = s.live.AppliedSeq()
	}
	head, err := s.src.JournalHead(ctx)
	st.Head = head
	return st, err
}

// RebuildSearch starts rebuilding this process's search index from the database beside the
// one answering, swapping it in when it has caught up with the journal (POST
// /api/v1/admin/search/rebuild). It is audited, refused while a rebuild runs, and is how an
// admin recovers an index that stopped following the journal.
func (a *App) RebuildSearch(ctx context.Context) (search.Status, error) {
	actor := casereview.ActorFrom(ctx)
	if !casereview.CanRebuildSearch(actor) {
		return search.Status{}, casereview.Deny(actor, "only admins rebuild the search index")
	}
	s := a.search
	if s == nil || !s.started {
		return search.Status{}, &casereview.Error{Code: casereview.CodeUnavailable, Message: "this process has no running search index"}
	}
	if s.filling.Load() || !s.rebuilding.CompareAndSwap(false, true) {
		return search.Status{}, casereview.Conflict("the search index is already being built; see /readyz")
	}
	before, _ := s.Status(ctx)
	err := a.store.Audit(ctx, casereview.AuditSearchRebuildRequested, "search_index", "index",
		map[string]any{"state": before.State, "applied_seq": before.Applied, "journal_head": before.Head})
	if err != nil {
		s.rebuilding.Store(false)
		return search.Status{}, err
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer s.rebuilding.Store(false)
		start := time.Now()
		if err := a.rebuildBeside(s.ctx, s); err != nil {
			if s.ctx.Err() == nil {
				a.log.Error("search index rebuild failed; the index in use is unchanged", "error", err)
			}
			return
		}
		n, _ := s.live.Count()
		a.log.Info("search index rebuilt and swapped in", "documents", n, "took", time.Since(start).Round(time.Millisecond))
	}()
	st, _ := s.Status(ctx)
	return st, nil
}

// rebuildBeside builds a new index in dir+".new" while the current one answers and follows the
// journal, then, with the follower held still, applies the last journal rows to it and swaps it
// in. A follower that had stopped is started again over the new index.
func (a *App) rebuildBeside(ctx context.Context, s *searcher) error {
	next := s.dir + ".new"
	if err := os.RemoveAll(next); err != nil {
		return err
	}
	idx, err := bleveindex.OpenWith(next, a.indexOpts)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			idx.Close()
		}
	}()
	build, err := indexer.New(a.store, idx, a.log)
	if err != nil {
		return err
	}
	if err := build.Rebuild(ctx, nil); err != nil {
		return err
	}
	catchUp := func() error {
		for {
			n, err := build.Step(ctx)
			if err != nil || n == 0 {
				return err
			}
		}
	}
	if err := catchUp(); err != nil { // most of what was written during the rebuild
		return err
	}
	if s.beforeSwap != nil {
		s.beforeSwap()
	}
	swap := func() error {
		if err := catchUp(); err != nil { // the rest, with the follower held still
			return err
		}
		closed = true
		if err := idx.Close(); err != nil {
			return err
		}
		return a.swapIn(s)
	}
	if ix := s.indexer.Load(); ix != nil && !s.stopped.Load() {
		return ix.Exclusive(swap)
	}
	if err := swap(); err != nil {
		return err
	}
	ix, err := indexer.New(a.store, s.live, a.log)
	if err != nil {
		return err
	}
	s.indexer.Store(ix)
	s.foreign.Store(false)
	s.stopped.Store(false)
	a.startFollowing(s)
	return nil
}

// swapIn replaces the index in s.dir with the one built in s.dir+".new" (already closed).
// Searches wait on the swap for the few milliseconds it takes to close, rename and reopen. If a
// step fails, the old index is put back where it can be.
func (a *App) swapIn(s *searcher) error {
	next := s.dir + ".new"
	var swapErr error
	s.live.Replace(func(old search.Index) search.Index {
		aside := fmt.Sprintf("%s.old-%s", s.dir, time.Now().UTC().Format("20060102T150405.000000000"))
		if old != nil {
			old.Close()
		}
		restore := func(err error) search.Index {
			swapErr = err
			if _, statErr := os.Stat(s.dir); errors.Is(statErr, os.ErrNotExist) {
				_ = os.Rename(aside, s.dir)
			}
			if idx, err := bleveindex.OpenStale(s.dir, a.indexOpts); err == nil {
				return idx
			}
			return nil
		}
		if err := os.Rename(s.dir, aside); err != nil && !errors.Is(err, os.ErrNotExist) {
			return restore(err)
		}
		if err := os.Rename(next, s.dir); err != nil {
			return restore(err)
		}
		idx, err := bleveindex.OpenWith(s.dir, a.indexOpts)
		if err != nil {
			_ = os.Rename(s.dir, next)
			return restore(err)
		}
		if err := os.RemoveAll(aside); err != nil {
			a.log.Warn("could not remove the replaced search index", "dir", aside, "error", err)
		}
		return idx
	})
	if swapErr != nil {
		return fmt.Errorf("swap in the new search index: %w", swapErr)
	}
	return nil
}
