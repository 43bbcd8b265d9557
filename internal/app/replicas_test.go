package app

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/search/query"
)

// Two processes over one PostgreSQL, each with its own index folder: a write through either is
// searchable in both. The second one hears of it by LISTEN/NOTIFY well within its 2-second poll.
func TestTwoReplicasConverge(t *testing.T) {
	for _, d := range dbtest.Dialects() {
		if d != "postgres" {
			continue
		}
		t.Run(d, func(t *testing.T) {
			// With polling all but off, only the notification can bring the other replica up to date.
			url, _ := dbtest.URL(t, d)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			start := func(name string) *App {
				cfg := testConfig(t, d)
				cfg.DatabaseURL, cfg.DataDir = url, filepath.Join(t.TempDir(), name)
				a, err := New(context.Background(), cfg, log, Options{IndexPoll: time.Minute})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				t.Cleanup(func() { cancel(); a.Close() })
				a.Start(ctx)
				return a
			}
			a, b := start("a"), start("b")
			for _, x := range []*App{a, b} {
				deadline := time.Now().Add(10 * time.Second)
				for !x.search.indexer.Load().Ready() && time.Now().Before(deadline) {
					time.Sleep(20 * time.Millisecond)
				}
			}
			ctx := casereview.WithActor(context.Background(), casereview.System)
			find := func(x *App, word string) uint64 {
				n, _ := query.Parse(word)
				res, err := x.search.live.Search(ctx, search.Request{Query: n, Scope: casereview.ReadScope{All: true}, Size: 5})
				if err != nil {
					t.Fatal(err)
				}
				return res.Total
			}
			for i, pair := range [][2]*App{{a, b}, {b, a}} {
				writer, reader := pair[0], pair[1]
				p, err := writer.Store().CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Replica CSP " + string(rune('A'+i)), Kind: "other"})
				if err != nil {
					t.Fatal(err)
				}
				rv, err := writer.Store().CreateReview(ctx, casereview.ReviewDraft{Type: "SAR", PartnershipID: p.ID, Reference: "REP", Title: "Adult R",
					Status: "commissioned", Visibility: "shared"})
				if err != nil {
					t.Fatal(err)
				}
				word := []string{"kingfisher", "heronry"}[i]
				if _, err := writer.Store().CreateRecommendation(ctx, casereview.RecommendationDraft{ReviewID: rv.ID, Number: "1",
					Text: "Record every " + word + " contact.", Scope: "local"}); err != nil {
					t.Fatal(err)
				}
				head, err := writer.Store().JournalHead(ctx)
				if err != nil {
					t.Fatal(err)
				}
				// Polling is a minute away, so catching up well within that shows the notification
				// (or the look a listener takes when it connects) did it. How fast is the
				// benchmark's business ("write to searchable" in make bench), not this test's.
				began := time.Now()
				reader.search.indexer.Load().WaitFor(ctx, head, 30*time.Second)
				took := time.Since(began)
				// The writer's own index follows asynchronously too (its API writes wait for it).
				writer.search.indexer.Load().WaitFor(ctx, head, 5*time.Second)
				if reader.search.indexer.Load().Applied() < head || find(reader, word) != 1 || find(writer, word) != 1 {
					t.Fatalf("write %d: the other replica did not converge (applied %d of %d after %s)", i+1, reader.search.indexer.Load().Applied(), head, took)
				}
			}
		})
	}
}
