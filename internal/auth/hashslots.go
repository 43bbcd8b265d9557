package auth

import (
	"context"
	"runtime"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Each argon2id verification holds DefaultParams.Memory (19 MiB) and a core for tens of
// milliseconds. Unbounded, a burst of sign-ins (even failing ones) takes the process's memory
// up by gigabytes and starves every other request of CPU. So at most one hash per core runs at
// once; a few callers per core may queue for a slot, briefly; anyone beyond that is refused at
// once with 503 and Retry-After, before any other work, and their attempt is not counted.

// hashSlots bounds concurrent password hashing.
type hashSlots struct {
	run   chan struct{} // one token per hash allowed to run
	queue chan struct{} // one token per caller allowed to wait or run
	wait  time.Duration // the longest a queued caller waits for a slot
}

func newHashSlots(running, queued int, wait time.Duration) *hashSlots {
	running = max(running, 1)
	return &hashSlots{run: make(chan struct{}, running), queue: make(chan struct{}, running+max(queued, 0)), wait: wait}
}

// defaultHashSlots sizes the bound to the machine: a slot per core, four queued per core.
func defaultHashSlots() *hashSlots {
	n := runtime.NumCPU()
	return newHashSlots(n, 4*n, 5*time.Second)
}

var errBusy = &casereview.Error{Code: casereview.CodeUnavailable, RetryAfter: 2 * time.Second,
	Message: "the service is busy checking other sign-ins; try again in a few seconds"}

// acquire takes a hashing slot, or refuses with 503 when too many are waiting already. The
// returned release must be called once the hashing is done.
func (h *hashSlots) acquire(ctx context.Context) (release func(), err error) {
	select {
	case h.queue <- struct{}{}:
	default:
		return nil, errBusy
	}
	t := time.NewTimer(h.wait)
	defer t.Stop()
	select {
	case h.run <- struct{}{}:
		return func() { <-h.run; <-h.queue }, nil
	case <-t.C:
	case <-ctx.Done():
	}
	<-h.queue
	return nil, errBusy
}
