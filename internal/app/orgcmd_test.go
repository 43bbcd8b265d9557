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

// `casereview org duplicates|merge` find and merge duplicate organisations as the system, audited.
func TestOrgCommand(t *testing.T) {
	dbtest.EachSerial(t, func(t *testing.T, dialect string) {
		cfg := testConfig(t, dialect)
		t.Setenv("CASEREVIEW_DATA_DIR", cfg.DataDir)
		t.Setenv("CASEREVIEW_DATABASE_URL", cfg.DatabaseURL)
		t.Setenv("CASEREVIEW_DEMO", "false")
		t.Setenv("CASEREVIEW_SECRET_KEY", testSecretKey)
		sys := casereview.WithActor(context.Background(), casereview.System)
		a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{NoSearch: true})
		if err != nil {
			t.Fatal(err)
		}
		police, err := a.Store().CreateOrganisation(sys, casereview.OrganisationDraft{Name: "Quendale Police", Sector: "police"})
		if err != nil {
			t.Fatal(err)
		}
		constab, err := a.Store().CreateOrganisation(sys, casereview.OrganisationDraft{Name: "Quendale Constabulary", Sector: "police"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Store().CreateOrganisation(sys, casereview.OrganisationDraft{Name: "Westdale Police", Sector: "police"}); err != nil {
			t.Fatal(err)
		}
		a.Close()

		run := func(want int, args ...string) string {
			t.Helper()
			var out, errOut bytes.Buffer
			if code := Main(append([]string{"casereview", "org"}, args...), &out, &errOut); code != want {
				t.Fatalf("org %v: exit %d, want %d: %s%s", args, code, want, out.String(), errOut.String())
			}
			return out.String() + errOut.String()
		}
		if out := run(0, "duplicates"); !strings.Contains(out, "similar") || !strings.Contains(out, constab.ID) || strings.Contains(out, "Westdale") ||
			!strings.Contains(out, "1 likely duplicates") {
			t.Fatalf("duplicates printed %q", out)
		}
		run(1, "merge", police.ID, police.ID)
		out := run(0, "merge", "quendale police", constab.ID)
		if !strings.Contains(out, "merged Quendale Constabulary ("+constab.ID+") into Quendale Police") || !strings.Contains(out, "1 aliases") {
			t.Fatalf("merge printed %q", out)
		}
		if out := run(0, "duplicates"); !strings.Contains(out, "0 likely duplicates") {
			t.Fatalf("duplicates after the merge printed %q", out)
		}

		a, err = New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{NoSearch: true})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		page, err := a.Store().ListAudit(sys, casereview.AuditFilter{EntityType: "organisation", EntityID: police.ID}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 2 || page.Items[0].Action != casereview.AuditOrganisationMerged || page.Items[0].ActorUserID != "" {
			t.Fatalf("audit of the survivor: %+v", page.Items)
		}
	})
}
