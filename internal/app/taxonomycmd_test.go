package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// `casereview taxonomy list|add|edit|deprecate` change the taxonomy as the system, audited.
func TestTaxonomyCommand(t *testing.T) {
	dbtest.EachSerial(t, func(t *testing.T, dialect string) {
		cfg := testConfig(t, dialect)
		t.Setenv("CASEREVIEW_DATA_DIR", cfg.DataDir)
		t.Setenv("CASEREVIEW_DATABASE_URL", cfg.DatabaseURL)
		t.Setenv("CASEREVIEW_DEMO", "false")
		t.Setenv("CASEREVIEW_SECRET_KEY", testSecretKey)
		run := func(want int, args ...string) string {
			t.Helper()
			var out, errOut bytes.Buffer
			if code := Main(append([]string{"casereview", "taxonomy"}, args...), &out, &errOut); code != want {
				t.Fatalf("taxonomy %v: exit %d, want %d: %s%s", args, code, want, out.String(), errOut.String())
			}
			return out.String() + errOut.String()
		}
		out := run(0, "add", "--code", "B40", "--group", "B", "--label", "Rural isolation", "--definition", "Living far from help.", "--keywords", "remote farm, isolated village")
		if !strings.Contains(out, "B40 rural-isolation (B) Rural isolation") || !strings.Contains(out, "remote farm, isolated village") {
			t.Fatalf("add printed %q", out)
		}
		if out := run(1, "add", "--code", "B40", "--group", "B", "--label", "Other", "--definition", "d"); !strings.Contains(out, "code:") {
			t.Fatalf("a duplicate code should name the field: %q", out)
		}
		run(0, "edit", "--code", "rural-isolation", "--label", "Rural and remote isolation", "--keywords", "remote croft")
		out = run(0, "deprecate", "--code", "B40", "--replaced-by", "B12")
		if !strings.Contains(out, "Rural and remote isolation [deprecated; use B12]") || !strings.Contains(out, "keywords: remote croft") {
			t.Fatalf("deprecate printed %q", out)
		}
		if out := run(0, "list", "--group", "B"); strings.Contains(out, "B40") || !strings.Contains(out, "B12") {
			t.Fatalf("list shows active themes only: %q", out)
		}
		if out := run(0, "list", "--all"); !strings.Contains(out, "B40 rural-isolation") {
			t.Fatalf("list --all lacks the deprecated theme: %q", out)
		}

		a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{NoSearch: true})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		page, err := a.Store().ListAudit(casereview.WithActor(context.Background(), casereview.System), casereview.AuditFilter{EntityType: "theme", EntityID: "B40"}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range page.Items {
			actions = append(actions, string(e.Action))
		}
		if strings.Join(actions, " ") != "theme.deprecated theme.updated theme.created" {
			t.Fatalf("audit of B40: %v", actions)
		}
	})
}
