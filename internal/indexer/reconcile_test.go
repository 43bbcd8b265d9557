package indexer_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/indexer"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/search/query"
)

// Changes made behind the application's back (no journal row), a document lost from the index
// and a document the database never had are all found and repaired by Reconcile.
func TestReconcileRepairsWhatTheJournalMissed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		ctx := casereview.WithActor(context.Background(), casereview.System)
		s := dbtest.Open(t, dialect, dbtest.Options{})
		p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Reconcile CSP", Kind: "community_safety_partnership"})
		if err != nil {
			t.Fatal(err)
		}
		pub := casereview.MustDate("2024-05-01")
		rv, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: p.ID, Reference: "R-1", Title: "Adult R",
			Status: "published", PublishedOn: &pub, Visibility: "shared"})
		if err != nil {
			t.Fatal(err)
		}
		var recs []casereview.Recommendation
		for _, n := range []string{"1", "2", "3"} {
			r, err := s.CreateRecommendation(ctx, casereview.RecommendationDraft{ReviewID: rv.ID, Number: n, Text: "Improve the referral pathway " + n, Scope: "local"})
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, r)
		}
		idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
		if err != nil {
			t.Fatal(err)
		}
		defer idx.Close()
		ix, err := indexer.New(s, idx, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		for {
			n, err := ix.Step(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		if n, err := ix.Reconcile(ctx, s); err != nil || n != 0 {
			t.Fatalf("an index in step needs no repair: %d %v", n, err)
		}
		// Behind the application's back: rewrite one recommendation, and lose another from the
		// index; and put a document in the index that the database never had.
		db, _ := s.SQLDB()
		q := "UPDATE recommendations SET text = 'Commission a specialist stalking service', version = version + 1 WHERE id = $1"
		if dialect == "sqlite" {
			q = "UPDATE recommendations SET text = 'Commission a specialist stalking service', version = version + 1 WHERE id = ?"
		}
		if _, err := db.ExecContext(ctx, q, recs[0].ID); err != nil {
			t.Fatal(err)
		}
		applied := ix.Applied()
		if err := idx.Apply(ctx, []search.Document{{ID: "00000000-0000-7000-8000-000000000000", Text: "ghost", Version: 1}}, []string{recs[1].ID}, applied); err != nil {
			t.Fatal(err)
		}
		n, err := ix.Reconcile(ctx, s)
		if err != nil || n != 3 {
			t.Fatalf("repaired %d (%v), want 3: the rewritten, the lost and the ghost", n, err)
		}
		find := func(text string) int {
			node, _ := query.Parse(text)
			res, err := idx.Search(ctx, search.Request{Query: node, Scope: casereview.ReadScope{All: true}, Size: 10})
			if err != nil {
				t.Fatal(err)
			}
			return int(res.Total)
		}
		if find("stalking") != 1 || find("ghost") != 0 || find("pathway") != 2 {
			t.Fatalf("after repair: stalking %d (want 1), ghost %d (want 0), pathway %d (want 2)", find("stalking"), find("ghost"), find("pathway"))
		}
		if got := ix.Applied(); got != applied {
			t.Fatalf("reconciliation moved the applied sequence from %d to %d", applied, got)
		}
	})
}
