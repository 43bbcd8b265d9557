package search

import (
	"context"
	"errors"
	"sync"
)

// ErrNoIndex is what a Live answers while it holds no index.
var ErrNoIndex = errors.New("no search index is open")

// Live is the index a process searches, swappable while it serves: a rebuild fills a new index
// beside the old one, which keeps answering until Swap puts the new one in its place.
type Live struct {
	mu  sync.RWMutex
	cur Index
}

var _ Index = (*Live)(nil)

// NewLive returns a Live answering from idx (nil for none yet).
func NewLive(idx Index) *Live { return &Live{cur: idx} }

// Has reports whether an index is open to answer searches.
func (l *Live) Has() bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur != nil
}

// Swap puts idx in place and returns the index it replaced (nil if none), which the caller
// closes. Searches running on the old index finish on it first.
func (l *Live) Swap(idx Index) Index {
	l.mu.Lock()
	defer l.mu.Unlock()
	old := l.cur
	l.cur = idx
	return old
}

// with runs fn on the current index under the read lock, so a swap waits for it.
func with[T any](l *Live, fn func(Index) (T, error)) (T, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.cur == nil {
		var zero T
		return zero, ErrNoIndex
	}
	return fn(l.cur)
}

func (l *Live) Apply(ctx context.Context, docs []Document, deletes []string, seq int64) error {
	_, err := with(l, func(x Index) (struct{}, error) { return struct{}{}, x.Apply(ctx, docs, deletes, seq) })
	return err
}

func (l *Live) AppliedSeq() (int64, error) {
	return with(l, func(x Index) (int64, error) { return x.AppliedSeq() })
}

func (l *Live) Search(ctx context.Context, r Request) (Result, error) {
	return with(l, func(x Index) (Result, error) { return x.Search(ctx, r) })
}

func (l *Live) Similar(ctx context.Context, r SimilarRequest) (SimilarResult, error) {
	return with(l, func(x Index) (SimilarResult, error) { return x.Similar(ctx, r) })
}

func (l *Live) Count() (uint64, error) {
	return with(l, func(x Index) (uint64, error) { return x.Count() })
}

func (l *Live) Versions(ctx context.Context, ids []string) (map[string]int, error) {
	return with(l, func(x Index) (map[string]int, error) { return x.Versions(ctx, ids) })
}

func (l *Live) IDsAfter(ctx context.Context, after string, limit int) ([]string, error) {
	return with(l, func(x Index) ([]string, error) { return x.IDsAfter(ctx, after, limit) })
}

func (l *Live) Misfiled(ctx context.Context, reviews []ReviewAccess) ([]string, error) {
	return with(l, func(x Index) ([]string, error) { return x.Misfiled(ctx, reviews) })
}

// Close closes the current index and leaves none.
func (l *Live) Close() error {
	if old := l.Swap(nil); old != nil {
		return old.Close()
	}
	return nil
}

// Replace swaps in what fn returns for the current index, with every search held off while fn
// runs (fn may close the old index and reopen files).
func (l *Live) Replace(fn func(old Index) Index) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cur = fn(l.cur)
}
