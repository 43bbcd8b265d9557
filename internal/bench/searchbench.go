package bench

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	bleveindex "github.com/casereview/casereview/internal/search/bleve"
)

// searchAnswer is the part of a search response the benchmark reads.
type searchAnswer struct {
	Total  int64  `json:"total"`
	Source string `json:"source"`
	Items  []struct {
		Recommendation struct {
			ID string `json:"id"`
		} `json:"recommendation"`
		Highlights map[string][]string `json:"highlights"`
	} `json:"items"`
	Facets []struct {
		Name   string `json:"name"`
		Values []struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		} `json:"values"`
	} `json:"facets"`
}

func (e *Env) fill(v string) string {
	switch v {
	case "@partnership":
		return e.Loaded.PanelPartnership
	case "@organisation":
		return e.Loaded.Reference.Organisations[0].ID
	}
	return v
}

// search runs one query of the mix through the HTTP API and times it.
func (e *Env) search(q Query) (searchAnswer, time.Duration, error) {
	t0 := time.Now()
	st, body, err := e.User.Get(q.Path(e.fill))
	took := time.Since(t0)
	var a searchAnswer
	if err != nil {
		return a, took, err
	}
	if st != http.StatusOK {
		return a, took, fmt.Errorf("%q: status %d: %.300s", q.Text, st, body)
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return a, took, err
	}
	if a.Source != "" && a.Source != "index" {
		return a, took, fmt.Errorf("%q was answered from %q, not the index", q.Text, a.Source)
	}
	return a, took, nil
}

func init() {
	Register("search latency: the query mix over HTTP, one client", searchLatency)
	Register("facet counting: bleve built-in facets vs our column facet path (broad queries, every facet)", facetComparison)
	Register("concurrent clients: the query mix over HTTP", concurrency)
	Register("PostgreSQL full-text search baseline: same data, same queries, in this run", postgresBaseline)
	Register("write to searchable, index size, process memory", writesAndMemory)
}

// rounds is how many times the sequential pass repeats the mix.
func (e *Env) rounds() int {
	if e.Config.Scale >= 500000 {
		return 3
	}
	return 6
}

// searchTimes keeps the last sequential pass for the PostgreSQL comparison.
var searchTimes struct {
	sample *Sample
	totals map[string]int64
}

func searchLatency(e *Env) error {
	for _, q := range Mix { // warm up
		if _, _, err := e.search(q); err != nil {
			return err
		}
	}
	all, byKind := &Sample{}, map[string]*Sample{}
	totals := map[string]int64{}
	start := time.Now()
	for range e.rounds() {
		for _, q := range Mix {
			a, took, err := e.search(q)
			if err != nil {
				return err
			}
			all.Add(took)
			if byKind[q.Kind] == nil {
				byKind[q.Kind] = &Sample{}
			}
			byKind[q.Kind].Add(took)
			totals[q.Path(e.fill)] = a.Total
		}
	}
	elapsed := time.Since(start)
	searchTimes.sample, searchTimes.totals = all, totals
	e.Printf("%d queries in the mix (%d kinds), %d rounds; every search asks for highlights and (unless a facet-subset query) all 12 facets\n", len(Mix), len(byKind), e.rounds())
	e.Printf("all:        %s\n", all.Summary())
	e.Printf("throughput: %.0f searches/s (one client)\n", float64(all.Len())/elapsed.Seconds())
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		e.Printf("  %-13s %s\n", k, byKind[k].Summary())
	}
	return nil
}

func facetComparison(e *Env) error {
	var broad []Query
	for _, q := range Mix {
		if q.Broad() {
			broad = append(broad, q)
		}
	}
	reps := 5
	run := func(builtin bool) (*Sample, int64, map[string]searchAnswer, error) {
		e.App.TuneSearch(bleveindex.Tuning{BleveOnly: builtin})
		defer e.App.TuneSearch(bleveindex.Tuning{})
		s := &Sample{}
		var hits int64
		answers := map[string]searchAnswer{}
		for i := range reps + 1 {
			for _, q := range broad {
				a, took, err := e.search(q)
				if err != nil {
					return nil, 0, nil, err
				}
				if i == 0 { // warm-up, and the answer to compare
					answers[q.Text] = a
					continue
				}
				s.Add(took)
				hits += a.Total
			}
		}
		return s, hits / int64(reps*len(broad)), answers, nil
	}
	builtin, hits, wantAns, err := run(true)
	if err != nil {
		return err
	}
	ours, _, gotAns, err := run(false)
	if err != nil {
		return err
	}
	same := 0
	for k, want := range wantAns {
		w, _ := json.Marshal(want.Facets)
		g, _ := json.Marshal(gotAns[k].Facets)
		if string(w) == string(g) && want.Total == gotAns[k].Total {
			same++
		}
	}
	e.Printf("%d broad queries x %d, mean %d matching documents each, 12 facets each\n", len(broad), reps, hits)
	e.Printf("bleve built-in facets: %s\n", builtin.Summary())
	e.Printf("our facet path:        %s\n", ours.Summary())
	e.Printf("speed-up at p50: %.1fx; identical facets and totals in %d of %d queries\n",
		float64(builtin.Pct(50))/float64(max(ours.Pct(50), 1)), same, len(broad))
	if same != len(broad) {
		return fmt.Errorf("the two facet paths disagree on %d queries", len(broad)-same)
	}
	return nil
}

// concurrency runs the mix from many clients at once: 8 clients with no pause (the saturated
// throughput), then 200 users who each pause between searches as a person reading results would
// (think time drawn uniformly from 5 to 15 s), the DESIGN §8 load; no request may fail.
func concurrency(e *Env) error {
	for _, c := range []struct {
		clients int
		think   time.Duration
		dur     time.Duration
	}{{8, 0, 20 * time.Second}, {200, 10 * time.Second, 60 * time.Second}} {
		s := &Sample{}
		var errs, done atomic.Int64
		var firstErr atomic.Value
		var wg sync.WaitGroup
		start := time.Now()
		stop := start.Add(c.dur)
		for client := range c.clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(client), 7))
				if c.think > 0 { // users arrive spread over the first think time
					time.Sleep(time.Duration(rng.Int64N(int64(c.think))))
				}
				for i := 0; time.Now().Before(stop); i++ {
					q := Mix[(client*7+i)%len(Mix)]
					_, took, err := e.search(q)
					done.Add(1)
					if err != nil {
						errs.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
					} else {
						s.Add(took)
					}
					if c.think > 0 {
						time.Sleep(min(c.think/2+time.Duration(rng.Int64N(int64(c.think))), time.Until(stop)))
					}
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		what := "clients, no pause"
		if c.think > 0 {
			what = fmt.Sprintf("users, %s think time", c.think)
		}
		e.Printf("%3d %-26s %5d searches in %s, %d errors, %.0f searches/s; %s\n", c.clients, what, done.Load(),
			elapsed.Round(time.Second), errs.Load(), float64(done.Load())/elapsed.Seconds(), s.Summary())
		if n := errs.Load(); n > 0 {
			e.Printf("     first error: %v\n", firstErr.Load())
		}
	}
	return nil
}
