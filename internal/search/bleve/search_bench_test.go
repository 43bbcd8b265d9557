package bleve_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/search/query"
)

// BenchmarkBroadSearch compares, in one run, highlighting while collecting (bleve's way: word
// positions decoded for every candidate) with highlighting the page's hits afterwards, on a
// broad query over 20,000 generated documents with every facet:
// go test -run ^$ -bench BroadSearch ./internal/search/bleve
func BenchmarkBroadSearch(b *testing.B) {
	idx, err := bleveindex.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	docs := generated(rand.New(rand.NewPCG(1, 2)), 20000, 1)
	for i := 0; i < len(docs); i += 2000 {
		if err := idx.Apply(context.Background(), docs[i:i+2000], nil, int64(i+1)); err != nil {
			b.Fatal(err)
		}
	}
	n, err := query.Parse("police risk")
	if err != nil {
		b.Fatal(err)
	}
	req := search.Request{Query: n, Facets: search.AllFacets, Size: 20,
		Scope: casereview.ReadScope{Visibilities: []casereview.Visibility{"public", "shared"}, Partnerships: []string{"p1"}}}
	for _, c := range []struct {
		name    string
		onePass bool
	}{{"highlight while collecting", true}, {"highlight the page afterwards", false}} {
		b.Run(c.name, func(b *testing.B) {
			idx.Tune(bleveindex.Tuning{HighlightInOnePass: c.onePass})
			defer idx.Tune(bleveindex.Tuning{})
			var total uint64
			for b.Loop() {
				res, err := idx.Search(context.Background(), req)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Hits) == 0 || len(res.Hits[0].Fragments) == 0 {
					b.Fatal("no highlighted hits")
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
}
