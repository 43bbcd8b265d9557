package importer

import (
	"context"
	"runtime/debug"
	"sync"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Gate bounds the import jobs of one process. A job holds its whole file in memory and, while it
// parses, a good deal more; unbounded, a burst of uploads would run them all at once and the
// process out of memory. So at most Running jobs run at once and Queue more wait their turn; an
// upload beyond those is turned away with 503 and Retry-After before anything of it is recorded.
//
// Unlike the search gate (internal/search), which holds a request while it waits, a job is
// admitted when its request is answered and waits for its turn in the background.
type Gate struct {
	slots chan struct{}
	mu    sync.Mutex
	held  int // admitted and not yet finished: running and waiting
	limit int // Running + Queue
	pause chan struct{}
	// free returns the finished job's memory to the operating system (debug.FreeOSMemory): the
	// runtime would keep the pages of a large file's parse for the next allocation, and the
	// process's resident size would stay at its peak long after the job.
	free func()
}

// DefaultRunning and DefaultQueue are CASEREVIEW_IMPORT_CONCURRENCY's and CASEREVIEW_IMPORT_QUEUE's defaults.
const (
	DefaultRunning = 2
	DefaultQueue   = 8
)

// RetryAfter is what a refused upload is told to wait: about as long as a large job takes.
const RetryAfter = 10 * time.Second

// NewGate runs at most running jobs at once (at least 1) and lets queue more wait.
func NewGate(running, queue int) *Gate {
	running, queue = max(running, 1), max(queue, 0)
	return &Gate{slots: make(chan struct{}, running), limit: running + queue, free: debug.FreeOSMemory}
}

// Ticket is one admitted job's place: Wait for its turn to run, then Done (also when it never ran).
type Ticket struct {
	g                *Gate
	running, settled bool
	size             int // the bytes of the file the job holds (Holds)
}

// FreeAbove is the size of file from which a finished job returns its memory to the operating
// system. Below it the parse's pages are few, the runtime's background scavenger returns them
// soon enough, and a forced collection after every small job (the tests run hundreds) would
// cost more than it gives back.
const FreeAbove = 1 << 20

// Holds records the size of the file the job holds, which decides whether Done returns the
// job's memory to the operating system.
func (t *Ticket) Holds(bytes int) {
	if t != nil {
		t.size = bytes
	}
}

// Admit gives a job its place, or refuses it (casereview.CodeUnavailable with RetryAfter) when
// Running jobs run and Queue wait already.
func (g *Gate) Admit() (*Ticket, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.held >= g.limit {
		return nil, &casereview.Error{Code: casereview.CodeUnavailable, RetryAfter: RetryAfter,
			Message: "too many imports are running or waiting; try again in a few seconds"}
	}
	g.held++
	return &Ticket{g: g}, nil
}

// Wait blocks until the job may run (or ctx ends).
func (t *Ticket) Wait(ctx context.Context) error {
	select {
	case t.g.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	t.running = true
	t.g.mu.Lock()
	pause := t.g.pause
	t.g.mu.Unlock()
	if pause != nil {
		<-pause
	}
	return nil
}

// Done gives the place back; the next waiting job may run. A job that ran on a file of at least
// FreeAbove bytes first returns its memory to the operating system, so that the next one starts
// from a small heap. Calling Done again does nothing.
func (t *Ticket) Done() {
	if t == nil || t.settled {
		return
	}
	t.settled = true
	if t.running {
		if t.size >= FreeAbove {
			t.g.free()
		}
		<-t.g.slots
	}
	t.g.mu.Lock()
	t.g.held--
	t.g.mu.Unlock()
}

// Pause holds every job that gets its turn from now on, after it takes its slot and before it
// starts, until resume is called: tests use it to keep a job running.
func (g *Gate) Pause() (resume func()) {
	ch := make(chan struct{})
	g.mu.Lock()
	g.pause = ch
	g.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.pause = nil
			g.mu.Unlock()
			close(ch)
		})
	}
}

// Running is how many jobs hold a slot now.
func (g *Gate) Running() int { return len(g.slots) }

// Held is how many jobs are admitted and not finished (running or waiting).
func (g *Gate) Held() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held
}
