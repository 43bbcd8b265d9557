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

// `casereview notify run` evaluates today's ladder by hand, once; --force evaluates again and
// raises nothing already raised. Without an SMTP server the emails stay in the outbox.
func TestNotifyCommand(t *testing.T) {
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
		st := a.Store()
		p, err := st.CreatePartnership(sys, casereview.PartnershipDraft{Name: "Quendale CSP", Kind: "community_safety_partnership", AreaCodes: []string{"LA:Quendale"}})
		mustOK(t, err)
		org, err := st.CreateOrganisation(sys, casereview.OrganisationDraft{Name: "Quendale Police", Sector: "police",
			SeniorContactName: "Chief Constable", SeniorContactEmail: "chief@quendale.example"})
		mustOK(t, err)
		pub := casereview.MustDate("2025-06-01")
		rv, err := st.CreateReview(sys, casereview.ReviewDraft{Type: "DHR", PartnershipID: p.ID, Reference: "Q-1", Title: "Adult Q",
			Status: "published", PublishedOn: &pub, Visibility: "shared"})
		mustOK(t, err)
		due := casereview.DateOf(a.Now()).AddDays(-45)
		_, err = st.CreateRecommendation(sys, casereview.RecommendationDraft{ReviewID: rv.ID, Number: "1", Text: "Do it.", Scope: "local",
			ResponseDue: &due, Addressees: []casereview.AddresseeDraft{{OrganisationID: org.ID, Role: "lead", RawText: "QP"}}})
		mustOK(t, err)
		a.Close()

		run := func(args ...string) string {
			t.Helper()
			var out, errOut bytes.Buffer
			if code := Main(append([]string{"casereview", "notify", "run"}, args...), &out, &errOut); code != 0 {
				t.Fatalf("notify run %v: exit %d: %s%s", args, code, out.String(), errOut.String())
			}
			return out.String()
		}
		// No editors or oversight: the escalation goes to the senior contact only.
		if out := run(); !strings.Contains(out, "2 new notifications (1 escalations)") || !strings.Contains(out, "stay in the outbox") {
			t.Fatalf("first run: %q", out)
		}
		if out := run(); !strings.Contains(out, "already run") || !strings.Contains(out, "0 new notifications") {
			t.Fatalf("second run: %q", out)
		}
		if out := run("--force"); !strings.Contains(out, "0 new notifications") {
			t.Fatalf("forced run: %q", out)
		}
	})
}
