package bleve_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/search/query"
)

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkQueryMix times the kinds of query people type, one sub-benchmark each, over 10,000
// generated documents with every facet and the page highlighted, as the API asks:
// go test -run ^$ -bench QueryMix ./internal/search/bleve
func BenchmarkQueryMix(b *testing.B) {
	idx, err := bleveindex.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	docs := generated(rand.New(rand.NewPCG(3, 4)), 10000, 1)
	for i := 0; i < len(docs); i += 2000 {
		if err := idx.Apply(context.Background(), docs[i:i+2000], nil, int64(i+1)); err != nil {
			b.Fatal(err)
		}
	}
	scope := casereview.ReadScope{Visibilities: []casereview.Visibility{"public", "shared"}, Partnerships: []string{"p1"}}
	for _, c := range []struct{ name, q string }{
		{"single word", "police"},
		{"two words", "risk assessment"},
		{"three words", "mental health police"},
		{"phrase", `"information sharing"`},
		{"hyphenated", "multi-agency"},
		{"abbreviation", "MARAC"},
		{"exclusion", "police -training"},
		{"or", "stalking OR custody"},
		{"typo", "assesment"},
	} {
		n, err := query.Parse(c.q)
		if err != nil {
			b.Fatal(err)
		}
		req := search.Request{Query: n, Facets: search.AllFacets, Size: 20, Scope: scope}
		b.Run(c.name, func(b *testing.B) {
			before := cpuTime()
			for b.Loop() {
				if _, err := idx.Search(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
			// The process's CPU time per search: on a machine shared with other work, the wall time
			// (ns/op) counts the waits for a core too, and varies twofold from run to run.
			b.ReportMetric(float64(cpuTime()-before)/float64(b.N), "cpu-ns/op")
		})
	}
}
