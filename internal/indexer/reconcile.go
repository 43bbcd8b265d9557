package indexer

import (
	"context"

	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/store"
)

// Reconciler is what reconciliation reads beyond Source.
type Reconciler interface {
	RecommendationVersionsAfter(ctx context.Context, after string, limit int) ([]store.IDVersion, error)
	RecommendationsExist(ctx context.Context, ids []string) (map[string]bool, error)
	ReviewAccessAfter(ctx context.Context, after string, limit int) ([]search.ReviewAccess, error)
}

// misfiledChunk is how many reviews one index query checks (a disjunction per review).
const misfiledChunk = 200

// Reconcile compares every recommendation's (id, version) in the database with the index and
// repairs each difference: a document missing or out of date is re-indexed, one the database no
// longer holds is deleted, and the documents of a review whose visibility or partnership the
// index has wrong (changed behind the application's back: no recommendation's version moved)
// are re-indexed. It heals changes written behind the application's back and documents
// a failed batch skipped. It returns how many documents it repaired.
func (x *Indexer) Reconcile(ctx context.Context, db Reconciler) (int, error) {
	x.step.Lock() // never interleave with Step: both write the index and its recorded sequence
	defer x.step.Unlock()
	stale := map[string]bool{}
	for after := ""; ; {
		rows, err := db.RecommendationVersionsAfter(ctx, after, loadChunk)
		if err != nil {
			return 0, err
		}
		if len(rows) == 0 {
			break
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		indexed, err := x.idx.Versions(ctx, ids)
		if err != nil {
			return 0, err
		}
		for _, r := range rows {
			if v, ok := indexed[r.ID]; !ok || v != r.Version {
				stale[r.ID] = true
			}
		}
		after = rows[len(rows)-1].ID
	}
	for after := ""; ; {
		ids, err := x.idx.IDsAfter(ctx, after, loadChunk)
		if err != nil {
			return 0, err
		}
		if len(ids) == 0 {
			break
		}
		exist, err := db.RecommendationsExist(ctx, ids)
		if err != nil {
			return 0, err
		}
		for _, id := range ids {
			if !exist[id] {
				stale[id] = true
			}
		}
		after = ids[len(ids)-1]
	}
	for after := ""; ; {
		reviews, err := db.ReviewAccessAfter(ctx, after, misfiledChunk)
		if err != nil {
			return 0, err
		}
		if len(reviews) == 0 {
			break
		}
		ids, err := x.idx.Misfiled(ctx, reviews)
		if err != nil {
			return 0, err
		}
		for _, id := range ids {
			stale[id] = true
		}
		after = reviews[len(reviews)-1].ID
	}
	if len(stale) == 0 {
		return 0, nil
	}
	applied := x.Applied()
	return len(stale), x.apply(ctx, stale, applied, applied)
}
