package imports_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/imports"
)

// BenchmarkImportBundles measures the bulk path alone (no search index): go test -bench
// ImportBundles -benchtime 1x ./internal/store/imports with CASEREVIEW_TEST_DATABASE_URL for PostgreSQL.
func BenchmarkImportBundles(b *testing.B) {
	dialect := "sqlite"
	if os.Getenv("CASEREVIEW_TEST_DATABASE_URL") != "" {
		dialect = "postgres"
	}
	s := dbtest.Open(b, dialect, dbtest.Options{})
	ctx := casereview.WithActor(context.Background(), casereview.System)
	p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Bench CSP", Kind: "community_safety_partnership"})
	if err != nil {
		b.Fatal(err)
	}
	org, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Bench Police", Sector: "police"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	recs := 0
	start := time.Now()
	for i := range b.N {
		bundles := importBundles(p.ID, org.ID, 300, 10)
		for j := range bundles {
			bundles[j].Review.Reference = fmt.Sprintf("B%d-%d", i, j)
			for k := range bundles[j].Recommendations {
				bundles[j].Recommendations[k].Actions = nil
				bundles[j].Recommendations[k].Draft.Themes = []casereview.ThemeDraft{{Code: "stalking", Source: "suggested"}}
			}
		}
		res, err := imports.New(s).ImportBundles(ctx, bundles, casereview.ImportOptions{Source: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		recs += res.RecommendationsCreated
	}
	b.ReportMetric(float64(recs)/time.Since(start).Seconds(), "recs/s")
}
