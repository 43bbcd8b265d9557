// Package bench is the project's benchmark (`make bench`): it builds a corpus from the real
// coroners' prevention of future deaths concerns, amplified with varied metadata to BENCH_SCALE
// recommendations, loads it through the bulk import into PostgreSQL, starts the real application
// on it, and runs sections that print the figures of DESIGN §8. It is not a test: nothing of it
// runs under `go test` but TestXLSXImportPeakRSS, the memory bound of xlsxrss.go, on a small file.
//
// Other work adds its own sections in its own file:
//
//	func init() { bench.Register("summary latency", func(e *bench.Env) error { … }) }
//
// Sections run in the order they were registered (files in name order, then init order), after
// the shared set-up, each with the loaded database and the running application in Env.
package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/casereview/casereview/internal/app"
	"github.com/casereview/casereview/internal/store"
)

// Section is one part of the benchmark.
type Section struct {
	Name string
	Run  func(*Env) error
}

var (
	regMu    sync.Mutex
	sections []Section
)

// Register adds a section. Call it from an init function.
func Register(name string, run func(*Env) error) {
	regMu.Lock()
	defer regMu.Unlock()
	sections = append(sections, Section{Name: name, Run: run})
}

// Sections returns the registered sections in order.
func Sections() []Section {
	regMu.Lock()
	defer regMu.Unlock()
	return slices.Clone(sections)
}

// Config is what the environment chooses.
type Config struct {
	Scale       int    // BENCH_SCALE: recommendations to load (default 100000)
	DatabaseURL string // BENCH_DATABASE_URL; empty: a fresh casereview_bench database on the local server
	CorpusPath  string // BENCH_CORPUS: the PFD concerns CSV
	Only        string // BENCH_SECTIONS: comma-separated parts of section names to run (default all)
	Seed        uint64 // BENCH_SEED
}

// ConfigFromEnv reads the BENCH_* variables.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{Scale: 100000, DatabaseURL: getenv("BENCH_DATABASE_URL"), CorpusPath: getenv("BENCH_CORPUS"), Only: getenv("BENCH_SECTIONS"), Seed: 20261127}
	if c.CorpusPath == "" {
		c.CorpusPath = "../shared/corpus/pfd/pfd_reports_concerns_union.csv"
	}
	if v := getenv("BENCH_SCALE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 {
			return c, fmt.Errorf("BENCH_SCALE=%q: want a whole number of recommendations, at least 100", v)
		}
		c.Scale = n
	}
	if v := getenv("BENCH_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return c, fmt.Errorf("BENCH_SEED=%q: %w", v, err)
		}
		c.Seed = n
	}
	return c, nil
}

// Env is what every section gets: the loaded data, the running application and helpers.
type Env struct {
	Ctx     context.Context
	Out     io.Writer
	Config  Config
	App     *app.App
	Store   *store.Store
	Handler http.Handler // the real router; call it in process with Client
	DataDir string       // the temporary data folder (search index inside)
	DBURL   string       // the PostgreSQL database the data was loaded into
	Corpus  *Corpus
	Loaded  Loaded
	User    *Session // the signed-in user searches run as

	analysed bool // the summary tables have had their VACUUM (ANALYZE)
}

// Printf writes a line of the report.
func (e *Env) Printf(format string, args ...any) { fmt.Fprintf(e.Out, format, args...) }

// Sample holds durations and summarises them.
type Sample struct {
	mu sync.Mutex
	d  []time.Duration
}

// Add records one duration.
func (s *Sample) Add(d time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
}

// Len is the number of durations recorded.
func (s *Sample) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.d)
}

// Pct returns the p-th percentile (nearest rank), p in [0,100].
func (s *Sample) Pct(p float64) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.d) == 0 {
		return 0
	}
	slices.Sort(s.d)
	i := int(p/100*float64(len(s.d))+0.999999) - 1
	return s.d[min(max(i, 0), len(s.d)-1)]
}

// Summary formats p50/p95/p99 and max.
func (s *Sample) Summary() string {
	return fmt.Sprintf("p50 %s  p95 %s  p99 %s  max %s  (n=%d)", ms(s.Pct(50)), ms(s.Pct(95)), ms(s.Pct(99)), ms(s.Pct(100)), s.Len())
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// Selected reports whether a section is to run under BENCH_SECTIONS.
func (c Config) Selected(name string) bool { return c.selected(name) }

// selected reports whether a section is to run under BENCH_SECTIONS.
func (c Config) selected(name string) bool {
	if strings.TrimSpace(c.Only) == "" {
		return true
	}
	for _, part := range strings.Split(c.Only, ",") {
		if p := strings.TrimSpace(part); p != "" && strings.Contains(strings.ToLower(name), strings.ToLower(p)) {
			return true
		}
	}
	return false
}

// Run sets everything up and runs the sections. It returns a process exit code: 0 also when the
// corpus is absent (the benchmark then says so and does nothing).
func Run(ctx context.Context, cfg Config, out io.Writer) int {
	if _, err := os.Stat(cfg.CorpusPath); err != nil {
		fmt.Fprintf(out, "bench: the PFD corpus is not at %s (%v); nothing to benchmark. Set BENCH_CORPUS to its path.\n", cfg.CorpusPath, err)
		return 0
	}
	env, cleanup, err := setUp(ctx, cfg, out)
	if cleanup != nil {
		defer cleanup()
	}
	if err != nil {
		fmt.Fprintln(out, "bench: set-up failed:", err)
		return 1
	}
	failed := 0
	for _, s := range Sections() {
		if !cfg.selected(s.Name) {
			continue
		}
		env.Printf("\n== %s\n", s.Name)
		env.Printf("(machine %s; load average before: %s)\n", waitQuiet(), loadAverage())
		start := time.Now()
		if err := s.Run(env); err != nil {
			env.Printf("FAILED: %v\n", err)
			failed++
			continue
		}
		env.Printf("(section took %s)\n", time.Since(start).Round(time.Millisecond))
	}
	if failed > 0 {
		fmt.Fprintf(out, "\nbench: %d section(s) failed\n", failed)
		return 1
	}
	return 0
}

// loadAverage reads /proc/loadavg: other work on the machine slows every figure.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return fmt.Sprintf("%s %s %s on %d cores", f[0], f[1], f[2], runtime.NumCPU())
}
