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

// `casereview recurrence rebuild` places every recommendation afresh: two that ask for the same
// thing share a cluster, a third stands alone.
func TestRecurrenceRebuildCommand(t *testing.T) {
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
		org, err := st.CreateOrganisation(sys, casereview.OrganisationDraft{Name: "Quendale Police", Sector: "police"})
		mustOK(t, err)
		rv, err := st.CreateReview(sys, casereview.ReviewDraft{Type: "DHR", PartnershipID: p.ID, Reference: "Q-1", Title: "Adult Q", Status: "in_progress", Visibility: "shared"})
		mustOK(t, err)
		for i, text := range []string{
			"Officers should receive refresher training in completing the DASH risk assessment.",
			"Refresher training in completing the DASH risk assessment should be given to officers.",
			"The trust should send discharge letters to the GP within seven days.",
		} {
			_, err = st.CreateRecommendation(sys, casereview.RecommendationDraft{ReviewID: rv.ID, Number: string(rune('1' + i)), Text: text, Scope: "local",
				Addressees: []casereview.AddresseeDraft{{OrganisationID: org.ID, Role: "lead"}}})
			mustOK(t, err)
		}
		a.Close()
		var out, errOut bytes.Buffer
		if code := Main([]string{"casereview", "recurrence", "rebuild"}, &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
		}
		if !strings.Contains(out.String(), "placed 3 recommendations in 2 clusters (1 with more than one)") {
			t.Fatalf("rebuild said %q", out.String())
		}
	})
}
