package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/casereview/casereview/internal/config"
	"github.com/casereview/casereview/internal/indexer"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
)

// reindex rebuilds the search index from the database into a new folder and swaps it in, so
// a half-built index is never the one in use. The server must be stopped: each process owns its
// index folder (a running server rebuilds its own index by itself when it needs to).
func reindex(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) int {
	log := NewLogger(cfg, stderr)
	s, err := openMigrated(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	defer s.Close()
	dir := filepath.Join(cfg.DataDir, "index")
	tmp := dir + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	idx, err := bleveindex.Open(tmp)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	total, err := s.CountRecommendations(ctx)
	if err != nil {
		idx.Close()
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	start := time.Now()
	err = indexer.Rebuild(ctx, s, idx, func(done int) { fmt.Fprint(stderr, progressLine(done, total, time.Since(start))) })
	fmt.Fprintln(stderr)
	idx.Close()
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	if _, err := os.Stat(dir); err == nil {
		old := fmt.Sprintf("%s.old-%s", dir, time.Now().UTC().Format("20060102T150405"))
		if err := os.Rename(dir, old); err != nil {
			fmt.Fprintln(stderr, "error: is the server still running? ", err)
			return 1
		}
		defer os.RemoveAll(old)
	}
	if err := os.Rename(tmp, dir); err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	fmt.Fprintf(stdout, "reindexed %d recommendations in %s\n", total, time.Since(start).Round(time.Millisecond))
	return 0
}

// progressLine draws a one-line progress bar with the rate and the time left.
func progressLine(done int, total int64, elapsed time.Duration) string {
	const width = 30
	frac := 1.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
	}
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if i < int(frac*width) {
			bar[i] = '='
		}
	}
	rate := float64(done) / max(elapsed.Seconds(), 0.001)
	eta := time.Duration(0)
	if rate > 0 && total > int64(done) {
		eta = time.Duration(float64(total-int64(done)) / rate * float64(time.Second))
	}
	return fmt.Sprintf("\r[%s] %d/%d  %.0f/s  ETA %s ", bar, done, total, rate, eta.Round(time.Second))
}
