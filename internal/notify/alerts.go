package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/store"
)

// JobAlerts is the lease of the saved-search and follow job: one replica runs it at a time.
const JobAlerts = "search-alerts"

// AlertStore is what the alert job needs of the store.
type AlertStore interface {
	JournalHead(ctx context.Context) (int64, error)
	WatchedSearches(ctx context.Context) ([]store.WatchedSearch, error)
	ChangedRecommendations(ctx context.Context, after, upto int64) ([]store.ChangedRecommendation, error)
	PersonActor(ctx context.Context, userID string) (casereview.Actor, bool, error)
	RecordSearchAlert(ctx context.Context, w store.WatchedSearch, upto int64, matches []string, fresh int) (bool, error)
	NotifyFollowers(ctx context.Context, limit int) (store.FollowRun, error)
}

// Applied says how far the search index has applied the change journal.
type Applied interface {
	AppliedSeq() (int64, error)
}

// Alerts evaluates watched saved searches and tells followers of changes (issue 18 §3). It runs
// from the scheduler's tick, each minute, under the JobAlerts lease.
type Alerts struct {
	Store  AlertStore
	Finder *search.Finder // nil (no search in this process): only followers are told
	Index  Applied
}

// AlertRun is what one run of the alert job did.
type AlertRun struct {
	Searches int // watched searches evaluated
	Alerts   int // search alerts raised
	Follows  store.FollowRun
}

// Run evaluates, as the system, every watched search against the recommendations changed since
// its mark, up to what the search index has applied, each under its owner's permissions of now,
// and tells followers of what changed since the follow job's mark.
func (a *Alerts) Run(ctx context.Context) (AlertRun, error) {
	var out AlertRun
	var err error
	sys := casereview.WithActor(ctx, casereview.System)
	if out.Follows, err = a.Store.NotifyFollowers(sys, 500); err != nil {
		return out, fmt.Errorf("followers: %w", err)
	}
	if a.Finder == nil || a.Index == nil {
		return out, nil
	}
	applied, err := a.Index.AppliedSeq()
	if err != nil {
		return out, err
	}
	head, err := a.Store.JournalHead(sys)
	if err != nil {
		return out, err
	}
	upto := min(applied, head) // the index has applied these changes: a search sees them
	watched, err := a.Store.WatchedSearches(sys)
	if err != nil {
		return out, err
	}
	changedSince := map[int64][]store.ChangedRecommendation{}
	for _, w := range watched {
		if w.CheckedSeq >= upto {
			continue
		}
		changed, ok := changedSince[w.CheckedSeq]
		if !ok {
			if changed, err = a.Store.ChangedRecommendations(sys, w.CheckedSeq, upto); err != nil {
				return out, err
			}
			changedSince[w.CheckedSeq] = changed
		}
		matches, fresh, err := a.evaluate(sys, w, changed)
		if err != nil {
			return out, fmt.Errorf("saved search %s: %w", w.ID, err)
		}
		out.Searches++
		raised, err := a.Store.RecordSearchAlert(sys, w, upto, matches, fresh)
		if err != nil {
			return out, err
		}
		if raised {
			out.Alerts++
		}
	}
	return out, nil
}

// evaluate runs w over the changed recommendations as its owner, and returns the ids of those
// that match and the owner may read now, and how many of them are new since w's last run.
func (a *Alerts) evaluate(sys context.Context, w store.WatchedSearch, changed []store.ChangedRecommendation) ([]string, int, error) {
	if len(changed) == 0 {
		return nil, 0, nil
	}
	owner, ok, err := a.Store.PersonActor(sys, w.OwnerID)
	if err != nil || !ok {
		return nil, 0, err
	}
	p, _, err := search.ParseSaved(w.Query)
	if err != nil {
		return nil, 0, nil // a search no longer valid (it was checked when saved) matches nothing
	}
	ids := make([]string, len(changed))
	created := map[string]time.Time{}
	for i, c := range changed {
		ids[i], created[c.ID] = c.ID, c.CreatedAt
	}
	recs, err := a.Finder.Among(casereview.WithActor(sys, owner), p, ids)
	if err != nil {
		if casereview.IsCode(err, casereview.CodeInvalid) || casereview.IsCode(err, casereview.CodeMalformed) {
			return nil, 0, nil
		}
		return nil, 0, err
	}
	var matches []string
	fresh := 0
	for _, r := range recs {
		matches = append(matches, r.ID)
		if !created[r.ID].Before(w.CheckedAt) { // created since the last evaluation
			fresh++
		}
	}
	return matches, fresh, nil
}
