package bleve_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/search/query"
)

// leverDir holds leverIndex; TestMain removes it when the benchmarks are done.
var leverDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if leverDir != "" {
		if idx, err := leverIndex(); err == nil {
			idx.Close()
		}
		os.RemoveAll(leverDir)
	}
	os.Exit(code)
}

// leverIndex is built once per test binary for BenchmarkLevers: LEVERS_DOCS generated documents
// (20,000 by default) in batches of 2,000, as the indexer writes them.
var leverIndex = sync.OnceValues(func() (*bleveindex.Index, error) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("LEVERS_DOCS")); err == nil && v > 0 {
		n = v
	}
	dir, err := os.MkdirTemp("", "levers-")
	if err != nil {
		return nil, err
	}
	leverDir = dir
	idx, err := bleveindex.Open(filepath.Join(dir, "index"))
	if err != nil {
		return nil, err
	}
	docs := generated(rand.New(rand.NewPCG(7, 8)), n, 1)
	for i := 0; i < len(docs); i += 2000 {
		if err := idx.Apply(context.Background(), docs[i:min(i+2000, len(docs))], nil, int64(i+1)); err != nil {
			return nil, err
		}
	}
	// Let the merges that the batches started finish before anything is timed.
	n0, _ := query.Parse("police")
	for range 30 {
		if _, err := idx.Search(context.Background(), search.Request{Query: n0, Facets: search.AllFacets, Size: 20}); err != nil {
			return nil, err
		}
	}
	time.Sleep(2 * time.Second)
	return idx, nil
})

// BenchmarkLevers compares, in one run, each of search's fast paths (each lever of issue 20)
// with the way it replaced, on the same index and the same mix of queries (every facet, a page
// of 20, highlighted, a panel member's scope, the second page too). Each op is the whole mix.
// Compare with benchstat, e.g.
//
//	go test -run '^$' -bench Levers -count 6 ./internal/search/bleve | tee /tmp/l.txt
//	benchstat -col /path /tmp/l.txt
func BenchmarkLevers(b *testing.B) {
	idx, err := leverIndex()
	if err != nil {
		b.Fatal(err)
	}
	reqs := leverMix(b)
	for _, c := range leverPaths {
		b.Run("path="+c.name, func(b *testing.B) {
			idx.Tune(c.tuning)
			defer idx.Tune(bleveindex.Tuning{})
			before := cpuTime()
			for b.Loop() {
				runLeverMix(b, idx, reqs)
			}
			b.ReportMetric(float64(cpuTime()-before)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkLeversInterleaved runs the mix once on every path in each op, in turn, and reports
// each path's CPU time per mix (the process's, in ms) and its ratio to the fast path: load that
// comes and goes on a shared machine falls on every path alike, which consecutive sub-benchmarks
// cannot promise.
//
//	go test -run '^$' -bench LeversInterleaved -benchtime 20x -count 3 ./internal/search/bleve
func BenchmarkLeversInterleaved(b *testing.B) {
	idx, err := leverIndex()
	if err != nil {
		b.Fatal(err)
	}
	reqs := leverMix(b)
	took := make([]time.Duration, len(leverPaths))
	for b.Loop() {
		for i, c := range leverPaths {
			idx.Tune(c.tuning)
			t0 := cpuTime()
			runLeverMix(b, idx, reqs)
			took[i] += cpuTime() - t0
		}
	}
	idx.Tune(bleveindex.Tuning{})
	for i, c := range leverPaths {
		b.ReportMetric(float64(took[i].Milliseconds())/float64(b.N), c.name+"-cpu-ms/mix")
		if i > 0 {
			b.ReportMetric(float64(took[i])/float64(max(took[0], 1)), c.name+"-x")
		}
	}
}

// leverPaths are the fast paths (the default) and each lever turned back alone.
var leverPaths = []struct {
	name   string
	tuning bleveindex.Tuning
}{
	{"fast", bleveindex.Tuning{}},
	{"tiebreak-on-id", bleveindex.Tuning{IDTieBreak: true}},
	{"highlight-with-filters", bleveindex.Tuning{HighlightWithFilters: true}},
	{"highlight-whole-query", bleveindex.Tuning{HighlightWholeQuery: true}},
	{"fuzzy-always", bleveindex.Tuning{FuzzyAlways: true}},
	{"all-off", bleveindex.Tuning{IDTieBreak: true, HighlightWithFilters: true, FuzzyAlways: true}},
}

func leverMix(b *testing.B) []search.Request {
	scope := casereview.ReadScope{Visibilities: []casereview.Visibility{"public", "shared"}, Partnerships: []string{"p1"}}
	var reqs []search.Request
	for _, q := range []string{"police", "risk assessment", "mental health police", `"information sharing"`, "MARAC",
		"police -training", "stalking OR custody", "assesment", "multi-agency"} {
		n, err := query.Parse(q)
		if err != nil {
			b.Fatal(err)
		}
		reqs = append(reqs, search.Request{Query: n, Facets: search.AllFacets, Size: 20, Scope: scope})
	}
	return reqs
}

// runLeverMix searches each request and, when it fills a page, the next page, as a reader paging on.
func runLeverMix(b *testing.B, idx *bleveindex.Index, reqs []search.Request) {
	for _, r := range reqs {
		res, err := idx.Search(context.Background(), r)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Hits) == 20 {
			r.After = res.Hits[19].SortKey
			if _, err := idx.Search(context.Background(), r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
