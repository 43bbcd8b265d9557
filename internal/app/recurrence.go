package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/casereview/casereview/internal/casereview"
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

// nearestFinder answers GET /api/v1/recurrence/nearest from the follower, once it has loaded,
// keeping only what the caller may read.
type nearestFinder struct{ a *App }

func (n nearestFinder) Nearest(ctx context.Context, text string, limit int) ([]casereview.ScoredRecommendation, error) {
	f := n.a.recur.Load()
	for wait := time.Now().Add(2 * time.Second); f == nil && time.Now().Before(wait); f = n.a.recur.Load() {
		select { // just after start the follower is still loading: wait a little for it
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	if f == nil {
		return nil, &casereview.Error{Code: casereview.CodeUnavailable, RetryAfter: 5 * time.Second, Message: "the recurrence clusters are still loading"}
	}
	// Ask for more than limit: some may be hidden from the caller.
	matches := f.Nearest(text, "", nil, limit*4, 0.05)
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.ID
	}
	recs, err := n.a.store.RecommendationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []casereview.ScoredRecommendation{}
	for _, m := range matches {
		if r, ok := recs[m.ID]; ok && len(out) < limit {
			out = append(out, casereview.ScoredRecommendation{Recommendation: r, Score: m.Score})
		}
	}
	return out, nil
}
