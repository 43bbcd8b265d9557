package importer

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

func TestGateAdmitsRunningPlusQueueAndFreesMemoryAfterALargeJob(t *testing.T) {
	g := NewGate(1, 1)
	freed := 0
	g.free = func() { freed++ }
	ctx := context.Background()
	a, err := g.Admit()
	if err != nil {
		t.Fatal(err)
	}
	b, err := g.Admit()
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Admit()
	var de *casereview.Error
	if !casereview.IsCode(err, casereview.CodeUnavailable) || !asError(err, &de) || de.RetryAfter <= 0 {
		t.Fatalf("third admission: %v, want unavailable with Retry-After", err)
	}
	if err := a.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	a.Holds(FreeAbove)
	short, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	if err := b.Wait(short); err == nil {
		t.Fatal("the queued job ran while the first held the only slot")
	}
	a.Done()
	a.Done() // a second call does nothing
	if freed != 1 || g.Held() != 1 || g.Running() != 0 {
		t.Fatalf("after the first job: freed %d times, held %d, running %d", freed, g.Held(), g.Running())
	}
	b.Done() // admitted, never ran: nothing to free
	if freed != 1 || g.Held() != 0 {
		t.Fatalf("after the unrun job: freed %d times, held %d", freed, g.Held())
	}
	c, err := g.Admit()
	if err != nil {
		t.Fatalf("admission after both ended: %v", err)
	}
	if err := c.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	c.Holds(FreeAbove - 1)
	c.Done() // a small file: the runtime returns its pages in its own time
	if freed != 1 || g.Held() != 0 {
		t.Fatalf("after a small job: freed %d times, held %d", freed, g.Held())
	}
}

func asError(err error, de **casereview.Error) bool {
	return errors.As(err, de)
}
