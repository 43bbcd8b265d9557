package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// A running server signs the audit head into checkpoints.jsonl at start and at shutdown (and
// logs each), and the file verifies the chain.
func TestCheckpointsAtStartAndShutdown(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := testConfig(t, dialect)
		var logged strings.Builder
		a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(&logged, nil)), Options{NoSearch: true})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		a.Start(ctx)
		cancel()
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(cfg.DataDir, "checkpoints.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		cps, err := casereview.ParseCheckpoints(b)
		if err != nil || len(cps) != 2 {
			t.Fatalf("checkpoints %+v %v; want two (start, shutdown)", cps, err)
		}
		if n := strings.Count(logged.String(), `msg="audit checkpoint"`); n != 2 {
			t.Errorf("%d checkpoint log lines; want 2:\n%s", n, logged.String())
		}
		b2, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{NoSearch: true})
		if err != nil {
			t.Fatal(err)
		}
		defer b2.Close()
		r, err := b2.Store().VerifyAudit(casereview.WithActor(context.Background(), casereview.System), cps)
		if err != nil || !r.OK || r.Anchored != 1 || r.KeyedFrom != 1 {
			t.Fatalf("verify against the server's checkpoints: %+v %v", r, err)
		}
	})
}
