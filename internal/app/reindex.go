package app

import (
	"context"
	"errors"
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
// a half-built index is never the one in use. It refuses while a server uses the data folder:
// each process owns its index folder, and a running server is asked to rebuild its own with
// POST /api/v1/admin/search/rebuild.
func reindex(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) int {
	log := commandLogger(cfg, stderr)
	lock, err := lockFolder(cfg.DataDir)
	if errors.Is(err, errFolderInUse) {
		fmt.Fprintf(stderr, "error: %v\nA running server rebuilds its own index: ask it with POST /api/v1/admin/search/rebuild (as an admin), or stop it and run reindex again.\n", err)
		return 1
	} else if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	defer lock.Close()
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
	bar := newProgress(stderr, "recommendations")
	err = indexer.Rebuild(ctx, s, idx, func(done int) { bar.set(done, int(total)) })
	bar.done()
	idx.Close()
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	if _, err := os.Stat(dir); err == nil {
		old := fmt.Sprintf("%s.old-%s", dir, time.Now().UTC().Format("20060102T150405"))
		if err := os.Rename(dir, old); err != nil {
			fmt.Fprintln(stderr, "error:", err)
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
