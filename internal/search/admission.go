package search

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Gate is admission control for searches. A search is CPU work inside the index: past a few at
// once per core they only slow each other down, until every one of them misses its deadline and
// overload becomes failure for everybody. So at most a few run at once; the next ones wait their
// turn in a short queue, and only the excess beyond the queue, or a search that waited too long,
// is turned away at once with 503 and Retry-After. An admitted search's deadline starts when it
// is admitted, so it runs as fast as on a quiet machine.
type Gate struct {
	slots    chan struct{}
	waiting  atomic.Int64
	maxQueue int64
	maxWait  time.Duration
}

// NewGate admits running searches at once, queues up to queue more, each for at most maxWait.
func NewGate(running, queue int, maxWait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, max(running, 1)), maxQueue: int64(max(queue, 0)), maxWait: maxWait}
}

// DefaultGate runs two searches per core at once, and queues 32 per core for up to a second.
func DefaultGate() *Gate {
	n := runtime.GOMAXPROCS(0)
	return NewGate(2*n, 32*n, time.Second)
}

// Enter waits for a slot and returns the function that gives it back; or the refusal.
func (g *Gate) Enter(ctx context.Context) (func(), error) {
	release := func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
		return release, nil
	default:
	}
	if g.waiting.Add(1) > g.maxQueue {
		g.waiting.Add(-1)
		return nil, busy()
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.maxWait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, busy()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Waiting is how many searches are queued now (for metrics, and tests).
func (g *Gate) Waiting() int { return int(g.waiting.Load()) }

// Running is how many searches hold a slot now.
func (g *Gate) Running() int { return len(g.slots) }

// busy is the answer to a search the gate turns away.
func busy() error {
	return &casereview.Error{Code: casereview.CodeUnavailable, RetryAfter: time.Second,
		Message: "search is busy with other people's searches; try again in a moment"}
}
