package search_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

func busyErr(t *testing.T, err error) {
	t.Helper()
	var de *casereview.Error
	if !errors.As(err, &de) || de.Code != casereview.CodeUnavailable || de.RetryAfter <= 0 {
		t.Fatalf("got %v, want unavailable with a Retry-After", err)
	}
}

// The gate runs its slots' worth at once, queues the next ones in order of arrival, turns away
// at once what the queue cannot hold, and turns away a wait that lasts too long.
func TestGateAdmitsQueuesAndSheds(t *testing.T) {
	ctx := context.Background()
	g := search.NewGate(1, 1, time.Minute)
	leave, err := g.Enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admitted := make(chan error)
	go func() {
		l, err := g.Enter(ctx) // queued behind the first
		if err == nil {
			l()
		}
		admitted <- err
	}()
	// Once the second is in the queue, the queue is full and a third is shed at once.
	for deadline := time.Now().Add(5 * time.Second); g.Waiting() != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second search never queued")
		}
	}
	if g.Running() != 1 {
		t.Fatalf("running %d, want 1", g.Running())
	}
	_, err = g.Enter(ctx)
	busyErr(t, err)
	leave()
	if err := <-admitted; err != nil {
		t.Fatalf("the queued search was not admitted when the slot came free: %v", err)
	}

	// A wait longer than maxWait is turned away; a cancelled caller stops waiting.
	g = search.NewGate(1, 4, 50*time.Millisecond)
	leave, err = g.Enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Enter(ctx)
	busyErr(t, err)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.Enter(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled wait: %v", err)
	}
	leave()
	if l, err := g.Enter(ctx); err != nil {
		t.Fatalf("the slot did not come back: %v", err)
	} else {
		l()
	}
}
