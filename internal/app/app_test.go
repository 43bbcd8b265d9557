package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/config"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/extract"
)

func testConfig(t *testing.T, dialect string) config.Config {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL, cfg.DataDir = dbtest.URL(t, dialect)
	cfg.Addr = "127.0.0.1:0"
	cfg.ShutdownTimeout = 5 * time.Second
	cfg.SecretKey = testSecretKey
	return cfg
}

// testSecretKey is the key every test application seals second-factor secrets with (the same
// for both replicas of one database).
const testSecretKey = "dGVzdCBrZXkgZm9yIGNhc2VyZXZpZXcgdGVzdHMgMzI="

// Run serves until its context ends, then shuts down cleanly; a second start on the same
// database finds the schema migrated and the demo data already there, and adds nothing.
func TestRunServesAndShutsDownGracefully(t *testing.T) {
	dbtest.EachSerial(t, func(t *testing.T, dialect string) {
		cfg := testConfig(t, dialect)
		cfg.Demo = true
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		a, err := New(context.Background(), cfg, log, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		ready := make(chan string, 1)
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx, ready) }()
		addr := <-ready
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"database":"`+dialect+`"`) {
			t.Fatalf("readyz: %d %s", resp.StatusCode, body)
		}
		// Whether PDF reports can be read is reported, whichever way it is.
		if !strings.Contains(string(body), `"pdf_text":"`+extract.FindPDFReader("").Describe()+`"`) {
			t.Fatalf("readyz does not report the PDF text extractor: %s", body)
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run returned %v after shutdown", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context was cancelled")
		}
		first, err := a.Store().JournalAfter(context.Background(), 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		a.Close()

		b, err := New(context.Background(), cfg, log, Options{})
		if err != nil {
			t.Fatalf("second start: %v", err)
		}
		defer b.Close()
		again, err := b.Store().JournalAfter(context.Background(), 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		if len(first) < 100 || len(again) != len(first) {
			t.Fatalf("journal rows: %d after first start, %d after second; the restart must write nothing", len(first), len(again))
		}
	})
}

func TestMainCommands(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"casereview", "version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "casereview ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	out.Reset()
	if code := Main([]string{"casereview", "frobnicate"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "unknown command") {
		t.Fatalf("unknown command: %d %q", code, errb.String())
	}
	errb.Reset()
	t.Setenv("CASEREVIEW_LOG_LEVEL", "shouting")
	if code := Main([]string{"casereview", "migrate"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "CASEREVIEW_LOG_LEVEL") {
		t.Fatalf("bad configuration: %d %q", code, errb.String())
	}
}

func TestMigrateCommandIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CASEREVIEW_DATA_DIR", dir)
	t.Setenv("CASEREVIEW_LOG_LEVEL", "error")
	for i := 0; i < 2; i++ {
		var out, errb bytes.Buffer
		if code := Main([]string{"casereview", "migrate"}, &out, &errb); code != 0 {
			t.Fatalf("migrate run %d: exit %d: %s", i+1, code, errb.String())
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "casereview.db")); err != nil || st.Size() == 0 {
		t.Fatalf("migrate left no database file: %v", err)
	}
}
