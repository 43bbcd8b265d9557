// Package indexer keeps a search index in step with the database by following the change
// journal. One Indexer per process is the only writer of that process's index: it reads journal
// rows after the sequence stored inside the index, reloads each affected recommendation from the
// database (ids travel, never stale payloads), and writes documents, deletions and the new
// sequence in one batch, so a restart resumes exactly where it stopped.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/store"
)

// Source is what the indexer reads from the database.
type Source interface {
	JournalAfter(ctx context.Context, after int64, limit int) ([]store.JournalEntry, error)
	JournalHead(ctx context.Context) (int64, error)
	JournalOldest(ctx context.Context) (int64, error)
	AffectedRecommendations(ctx context.Context, entityType string, ids []string) ([]string, error)
	SearchDocuments(ctx context.Context, ids []string) ([]search.Document, error)
	RecommendationIDsAfter(ctx context.Context, after string, limit int) ([]string, error)
}

// batchSize is how many journal rows one step reads. A bulk import journals about two rows a
// recommendation (its review, its actions), and bleve indexes large batches much faster than
// small ones, so a step takes in a good many.
const batchSize = 2000

// DefaultPollInterval is how often an indexer looks at the journal when nothing wakes it: the
// fallback for other processes' writes when LISTEN/NOTIFY is not available (SetPollInterval).
const DefaultPollInterval = 2 * time.Second

// Indexer follows the journal into an index.
type Indexer struct {
	poll time.Duration // see DefaultPollInterval
	src  Source
	idx  search.Index
	log  *slog.Logger
	wake chan struct{}

	step    sync.Mutex // held by Step and Reconcile, the two writers
	mu      sync.Mutex
	applied int64
	changed chan struct{} // closed and replaced whenever applied moves on
	ready   bool
	lastErr error // of the latest step; nil once a step succeeds again
}

// New returns an indexer over idx, which must already be open.
func New(src Source, idx search.Index, log *slog.Logger) (*Indexer, error) {
	seq, err := idx.AppliedSeq()
	if err != nil {
		return nil, err
	}
	return &Indexer{poll: DefaultPollInterval, src: src, idx: idx, log: log, wake: make(chan struct{}, 1), applied: seq, changed: make(chan struct{})}, nil
}

// SetPollInterval sets how often x looks at the journal when nothing wakes it; call it before Run.
func (x *Indexer) SetPollInterval(d time.Duration) {
	if d > 0 {
		x.poll = d
	}
}

// Wake asks the indexer to look at the journal now rather than at its next poll.
func (x *Indexer) Wake() {
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

// Applied returns the last journal sequence in the index.
func (x *Indexer) Applied() int64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.applied
}

// Ready reports whether the index has caught up at least once since start (a step that failed
// is not catching up).
func (x *Indexer) Ready() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.ready
}

// Err returns the error of the latest step Run took, or nil when it succeeded: an indexer whose
// steps fail is not following the journal, however long ago it caught up.
func (x *Indexer) Err() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.lastErr
}

// Exclusive runs fn while no step or reconciliation writes the index, then takes the index's
// applied sequence as its own: fn swaps a rebuilt index in under a running indexer.
func (x *Indexer) Exclusive(fn func() error) error {
	x.step.Lock()
	defer x.step.Unlock()
	if err := fn(); err != nil {
		return err
	}
	seq, err := x.idx.AppliedSeq()
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if seq != x.applied {
		x.applied = seq
		close(x.changed)
		x.changed = make(chan struct{})
	}
	return nil
}

func (x *Indexer) advance(seq int64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if seq > x.applied {
		x.applied = seq
		close(x.changed)
		x.changed = make(chan struct{})
	}
}

// WaitFor blocks until the index has applied seq, ctx ends or max passes, and reports whether
// it got there. Writes call it so that a caller who changes something and then searches sees the
// change (read-your-writes on this process).
func (x *Indexer) WaitFor(ctx context.Context, seq int64, max time.Duration) bool {
	deadline := time.NewTimer(max)
	defer deadline.Stop()
	for {
		x.mu.Lock()
		applied, ch := x.applied, x.changed
		x.mu.Unlock()
		if applied >= seq {
			return true
		}
		x.Wake()
		select {
		case <-ch:
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// Run follows the journal until ctx ends.
func (x *Indexer) Run(ctx context.Context) error {
	for {
		n, err := x.Step(ctx)
		if errors.Is(err, ErrPruned) && ctx.Err() == nil {
			// Rebuilt in place: every document is rewritten and the sequence moves to the head;
			// reconciliation then removes any document deleted meanwhile.
			x.log.Warn("search index fell behind the journal's retention window; rebuilding it", "reason", err.Error())
			if err = x.Rebuild(ctx, nil); err == nil {
				if db, ok := x.src.(Reconciler); ok {
					_, err = x.Reconcile(ctx, db)
				}
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			x.log.Error("search indexer", "error", err)
		}
		x.mu.Lock()
		x.lastErr = err
		if err == nil && n < batchSize {
			x.ready = true // caught up: nothing more was waiting
		}
		x.mu.Unlock()
		if err == nil && n == batchSize {
			continue // more is waiting
		}
		select {
		case <-ctx.Done():
			return nil
		case <-x.wake:
		case <-time.After(x.poll):
		}
	}
}

// Step applies one batch of journal rows and returns how many it read.
func (x *Indexer) Step(ctx context.Context) (int, error) {
	x.step.Lock()
	defer x.step.Unlock()
	after := x.Applied()
	rows, err := x.src.JournalAfter(ctx, after, batchSize)
	if err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		// Nothing after what was applied. Rows become visible in sequence order, so a head beyond
		// it means the rows were pruned while this index was not following.
		head, err := x.src.JournalHead(ctx)
		if err == nil && head > after {
			err = fmt.Errorf("%w: the journal head is %d, the index is at %d, and nothing between is kept", ErrPruned, head, after)
		}
		return 0, err
	}
	// Journal sequence numbers are gapless (taken under one row lock at commit), so the next row
	// is always after+1; a gap means rows were pruned and the index must be rebuilt.
	if rows[0].Seq != after+1 {
		return 0, fmt.Errorf("%w: the journal has no row %d (it starts at %d)", ErrPruned, after+1, rows[0].Seq)
	}
	byType := map[string][]string{}
	for _, r := range rows {
		byType[r.EntityType] = append(byType[r.EntityType], r.EntityID)
	}
	affected := map[string]bool{}
	for typ, entities := range byType {
		ids, err := x.src.AffectedRecommendations(ctx, typ, entities)
		if err != nil {
			return 0, err
		}
		for _, id := range ids {
			affected[id] = true
		}
	}
	if err := x.apply(ctx, affected, after, rows[len(rows)-1].Seq); err != nil {
		return 0, err
	}
	return len(rows), nil
}

// loadChunk bounds the ids read and written at once: one batch of journal rows can affect far
// more recommendations (a taxonomy upgrade journals every theme) than a database statement takes
// bind parameters (32,766 on SQLite, 65,535 on PostgreSQL).
const loadChunk = 1000

// apply reloads the affected ids, indexes those that exist and deletes the rest, recording seq
// with the last chunk. Earlier chunks record prev, the sequence already applied, so a crash
// part-way repeats the whole batch.
func (x *Indexer) apply(ctx context.Context, affected map[string]bool, prev, seq int64) error {
	ids := make([]string, 0, len(affected))
	for id := range affected {
		ids = append(ids, id)
	}
	for start := 0; ; start += loadChunk {
		chunk := ids[start:min(start+loadChunk, len(ids))]
		docs, err := x.src.SearchDocuments(ctx, chunk)
		if err != nil {
			return err
		}
		found := map[string]bool{}
		for _, d := range docs {
			found[d.ID] = true
		}
		var deletes []string
		for _, id := range chunk {
			if !found[id] {
				deletes = append(deletes, id)
			}
		}
		last := start+loadChunk >= len(ids)
		recorded := prev
		if last {
			recorded = seq
		}
		if err := x.idx.Apply(ctx, docs, deletes, recorded); err != nil {
			return err
		}
		if last {
			break
		}
	}
	x.advance(seq)
	return nil
}

// Rebuild indexes every recommendation afresh. It records the journal head read before it
// starts, so changes made during the rebuild are applied by following the journal afterwards.
func Rebuild(ctx context.Context, src Source, idx search.Index, progress func(done int)) error {
	head, err := src.JournalHead(ctx)
	if err != nil {
		return err
	}
	// Reading from the database and indexing overlap: the next batch is loaded while bleve
	// analyses the current one.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type loaded struct {
		docs []search.Document
		err  error
	}
	batches := make(chan loaded, 2)
	go func() {
		defer close(batches)
		after := ""
		for {
			ids, err := src.RecommendationIDsAfter(ctx, after, rebuildBatch)
			if err == nil && len(ids) == 0 {
				return
			}
			var docs []search.Document
			if err == nil {
				docs, err = src.SearchDocuments(ctx, ids)
			}
			select {
			case batches <- loaded{docs, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
			after = ids[len(ids)-1]
		}
	}()
	done := 0
	for b := range batches {
		if b.err != nil {
			return b.err
		}
		// Until the last batch the recorded sequence stays 0, so a rebuild cut short starts over.
		if err := idx.Apply(ctx, b.docs, nil, 0); err != nil {
			return err
		}
		done += len(b.docs)
		if progress != nil {
			progress(done)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if head == 0 {
		return nil
	}
	return idx.Apply(ctx, nil, nil, head)
}

// rebuildBatch is how many documents a rebuild loads and indexes at once: larger than a
// journal step's batch, since fewer, larger bleve batches make fewer segments to merge.
const rebuildBatch = 2000

// Rebuild rebuilds this indexer's index (see the function Rebuild) and moves the indexer on to
// the head the rebuild recorded, so it does not then replay the whole journal over it.
func (x *Indexer) Rebuild(ctx context.Context, progress func(done int)) error {
	x.step.Lock()
	defer x.step.Unlock()
	if err := Rebuild(ctx, x.src, x.idx, progress); err != nil {
		return err
	}
	seq, err := x.idx.AppliedSeq()
	if err != nil {
		return err
	}
	x.advance(seq)
	return nil
}

// ErrBehind says the index has applied a sequence the database never reached: the database was
// restored from an older backup, and the index must be rebuilt.
var ErrBehind = errors.New("the search index is ahead of the database")

// ErrPruned says the index is further behind than the journal's retention window: the rows it
// would need to catch up were pruned, and it must be rebuilt.
var ErrPruned = errors.New("the search index is behind the journal's retention window")

// Check compares the index with the journal at start.
func Check(ctx context.Context, src Source, idx search.Index) error {
	head, err := src.JournalHead(ctx)
	if err != nil {
		return err
	}
	applied, err := idx.AppliedSeq()
	if err != nil {
		return err
	}
	if applied > head {
		return ErrBehind
	}
	if applied < head {
		oldest, err := src.JournalOldest(ctx)
		if err != nil {
			return err
		}
		if oldest > applied+1 {
			return fmt.Errorf("%w: it is at %d and the oldest journal row kept is %d", ErrPruned, applied, oldest)
		}
	}
	return nil
}
