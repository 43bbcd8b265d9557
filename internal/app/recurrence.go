package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/casereview/casereview/internal/config"
	"github.com/casereview/casereview/internal/recurrence/follower"
)

// followRecurrence loads the recurrence clusters and keeps them in step with the journal until
// ctx ends (docs/recurrence.md). A failure to load is logged and retried: the pages then leave
// "made before" as it was stored.
func (a *App) followRecurrence(ctx context.Context) {
	poll := a.indexPoll
	if poll <= 0 {
		poll = 2 * time.Second
	}
	for {
		f, err := follower.Open(ctx, a.store, a.log)
		if err == nil {
			a.recur.Store(f)
			f.Run(ctx, poll)
			return
		}
		if ctx.Err() != nil {
			return
		}
		a.log.Warn("recurrence clusters: loading failed; trying again", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(30 * time.Second):
		}
	}
}

// rebuildRecurrence is `casereview recurrence rebuild`: every recommendation placed afresh in
// the order they were issued, and the stored clusters replaced. A running server keeps its own
// clusterer in memory, so restart it afterwards.
func rebuildRecurrence(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) int {
	log := commandLogger(cfg, stderr)
	s, err := openMigrated(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	defer s.Close()
	start := time.Now()
	f, err := follower.Open(ctx, s, log)
	if err == nil {
		err = f.Rebuild(ctx)
	}
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	_, members, err := s.RecurrenceState(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	clusters := map[string]int{}
	for _, c := range members {
		clusters[c]++
	}
	recurring := 0
	for _, n := range clusters {
		if n > 1 {
			recurring++
		}
	}
	fmt.Fprintf(stdout, "placed %d recommendations in %d clusters (%d with more than one) in %s\n", len(members), len(clusters), recurring, time.Since(start).Round(time.Millisecond))
	return 0
}
