package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/dbtest"
)

// Outside the demo the application refuses to start without a key for second-factor secrets;
// the demo makes one in its data folder, once, readable by the owner only, and keeps it.
func TestSecretKeyRule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		cfg := testConfig(t, dialect)
		cfg.SecretKey = ""
		if _, err := New(context.Background(), cfg, log, Options{NoSearch: true}); err == nil || !strings.Contains(err.Error(), "CASEREVIEW_SECRET_KEY") {
			t.Fatalf("started without a key: %v", err)
		}
		cfg.SecretKey = "not a key"
		if _, err := New(context.Background(), cfg, log, Options{NoSearch: true}); err == nil || !strings.Contains(err.Error(), "CASEREVIEW_SECRET_KEY") {
			t.Fatalf("started with a malformed key: %v", err)
		}
		cfg.SecretKey, cfg.Demo = "", true
		a, err := New(context.Background(), cfg, log, Options{NoSearch: true})
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
		path := filepath.Join(cfg.DataDir, demoKeyFile)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("demo key file mode %v, want 0600", fi.Mode().Perm())
		}
		first, _ := os.ReadFile(path)
		a, err = New(context.Background(), cfg, log, Options{NoSearch: true})
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
		if again, _ := os.ReadFile(path); string(again) != string(first) {
			t.Error("the demo key changed between starts")
		}
	})
}
