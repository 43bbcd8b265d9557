// Command bench runs the project's benchmark: `make bench`, or
// `BENCH_SCALE=1000000 go run ./internal/bench/cmd/bench`. See internal/bench.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/casereview/casereview/internal/bench"
)

func main() {
	if child, code := bench.Child(); child { // a measured child of the XLSX memory part
		os.Exit(code)
	}
	cfg, err := bench.ConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if path := os.Getenv("BENCH_CPUPROFILE"); path != "" { // for finding where the time goes
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	// The XLSX memory part needs neither PostgreSQL nor the corpus, so it runs first, always
	// (BENCH_SECTIONS=xlsx runs it alone).
	xlsx := 0
	if cfg.Selected("xlsx import memory") {
		xlsx = bench.XLSXMemory(os.Stdout)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := 0
	if cfg.Only != "xlsx" {
		code = bench.Run(ctx, cfg, os.Stdout)
	}
	code = max(code, xlsx)
	stop()
	if code != 0 {
		os.Exit(code)
	}
}
