package bench

import (
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
)

func init() {
	Register("search levers: the query mix over HTTP with each of issue 20's levers off, interleaved", searchLevers)
}

// searchLevers times the mix with the index's fast paths (the default) and with each lever of
// issue 20 turned back to the way it replaced, alone and all together, query by query in turn,
// so load on the machine falls on every variant alike; it prints p50 and p99 and each variant's
// ratio to the default.
func searchLevers(e *Env) error {
	variants := []struct {
		name   string
		tuning bleveindex.Tuning
	}{
		{"default (every lever)", bleveindex.Tuning{}},
		{"tie-break on _id", bleveindex.Tuning{IDTieBreak: true}},
		{"highlight with filters", bleveindex.Tuning{HighlightWithFilters: true}},
		{"highlight whole query", bleveindex.Tuning{HighlightWholeQuery: true}},
		{"typo clauses always", bleveindex.Tuning{FuzzyAlways: true}},
		{"hidden reviews as term queries", bleveindex.Tuning{UnreadableQuery: true}},
		// HighlightWithFilters highlights with the whole query and its filters: the code before.
		{"every lever off", bleveindex.Tuning{IDTieBreak: true, HighlightWithFilters: true, FuzzyAlways: true, UnreadableQuery: true}},
	}
	defer e.App.TuneSearch(bleveindex.Tuning{})
	samples := make([]*Sample, len(variants))
	for i := range samples {
		samples[i] = &Sample{}
	}
	rounds := 3
	for round := range rounds + 1 {
		for _, q := range Mix {
			for i, v := range variants {
				e.App.TuneSearch(v.tuning)
				_, took, err := e.search(q)
				if err != nil {
					return err
				}
				if round > 0 { // the first round warms up
					samples[i].Add(took)
				}
			}
		}
	}
	base := samples[0]
	for i, v := range variants {
		e.Printf("%-24s %s; p50 %.2fx, p99 %.2fx the default\n", v.name, samples[i].Summary(),
			ratio(samples[i].Pct(50), base.Pct(50)), ratio(samples[i].Pct(99), base.Pct(99)))
	}
	return nil
}
