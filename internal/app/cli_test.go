package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// cliAuExec runs raw SQL behind the application's back (placeholders as ?).
func cliAuExec(t *testing.T, s *store.Store, q string, args ...any) {
	t.Helper()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	if s.Dialect() == "postgres" {
		var b strings.Builder
		n := 0
		for _, r := range q {
			if r == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(r)
		}
		q = b.String()
	}
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// cliAuBypass lifts the append-only triggers as a database superuser would, runs fn and puts
// them back.
func cliAuBypass(t *testing.T, s *store.Store, fn func()) {
	t.Helper()
	if s.Dialect() == "postgres" {
		cliAuExec(t, s, "ALTER TABLE audit_events DISABLE TRIGGER USER")
		fn()
		cliAuExec(t, s, "ALTER TABLE audit_events ENABLE TRIGGER USER")
		return
	}
	cliAuExec(t, s, "DROP TRIGGER audit_events_no_update")
	cliAuExec(t, s, "DROP TRIGGER audit_events_no_delete")
	fn()
	cliAuExec(t, s, "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE is not allowed'); END")
	cliAuExec(t, s, "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE is not allowed'); END")
}

// `casereview audit verify`, configured through the environment like a deployment, exits 0 on
// an honest trail and 1, naming the first broken event, after each kind of tampering.
func TestAuditVerifyCommand(t *testing.T) {
	dbtest.EachSerial(t, func(t *testing.T, dialect string) {
		cfg := testConfig(t, dialect)
		t.Setenv("CASEREVIEW_DATA_DIR", cfg.DataDir)
		t.Setenv("CASEREVIEW_DATABASE_URL", cfg.DatabaseURL)
		t.Setenv("CASEREVIEW_DEMO", "false")
		t.Setenv("CASEREVIEW_SECRET_KEY", testSecretKey)
		a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		s := a.Store()
		ctx := casereview.WithActor(context.Background(), casereview.System)
		p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Westmarch CSP", Kind: "community_safety_partnership"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdatePartnership(ctx, p.ID, 1, casereview.PartnershipDraft{Name: "Westmarch Community Safety Partnership", Kind: "community_safety_partnership"}); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"Westmarch Police", "Westmarch NHS Trust"} {
			if _, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: name, Sector: "other"}); err != nil {
				t.Fatal(err)
			}
		}
		const n = 6 // the marker of the keyed chain, the taxonomy seed and the four writes above

		verify := func() (int, string) {
			t.Helper()
			var out, errOut bytes.Buffer
			code := Main([]string{"casereview", "audit", "verify"}, &out, &errOut)
			if strings.Contains(errOut.String(), "error:") {
				t.Fatalf("audit verify failed to run: %s", errOut.String())
			}
			return code, out.String()
		}
		if code, out := verify(); code != 0 || out != fmt.Sprintf("ok: %d events, chain intact up to event %d (keyed from event 1), 0 checkpoints agree\n", n, n) {
			t.Fatalf("honest trail: exit %d: %q", code, out)
		}

		cliAuExec(t, s, "CREATE TABLE audit_honest AS SELECT * FROM audit_events")
		for _, c := range []struct {
			name   string
			tamper func()
			broken int
		}{
			{"edit_after_json", func() {
				cliAuExec(t, s, "UPDATE audit_events SET after_json = replace(after_json, 'Westmarch', 'Eastmarch') WHERE seq = 3")
			}, 3},
			{"edit_actor_name", func() { cliAuExec(t, s, "UPDATE audit_events SET actor_name = 'Nobody' WHERE seq = 4") }, 4},
			{"delete_middle", func() { cliAuExec(t, s, "DELETE FROM audit_events WHERE seq = 4") }, 5},
			{"delete_last", func() { cliAuExec(t, s, "DELETE FROM audit_events WHERE seq = ?", n) }, n},
			{"reorder", func() {
				cliAuExec(t, s, "UPDATE audit_events SET seq = -1 WHERE seq = 4")
				cliAuExec(t, s, "UPDATE audit_events SET seq = 4 WHERE seq = 5")
				cliAuExec(t, s, "UPDATE audit_events SET seq = 5 WHERE seq = -1")
			}, 4},
			{"forged_row", func() {
				// Linked to the last event, as a forger would; only the recorded head gives it away.
				cliAuExec(t, s, `INSERT INTO audit_events (seq, occurred_at, actor_user_id, actor_name, actor_organisation_id, action,
					entity_type, entity_id, before_json, after_json, request_id, client_ip, prev_hash, hash)
					SELECT seq + 1, occurred_at, NULL, 'system', NULL, 'organisation.deleted', entity_type, entity_id, after_json, NULL,
					request_id, client_ip, hash, 'forged' FROM audit_events WHERE seq = ?`, n)
			}, n + 1},
		} {
			t.Run(c.name, func(t *testing.T) {
				defer cliAuBypass(t, s, func() {
					cliAuExec(t, s, "DELETE FROM audit_events")
					cliAuExec(t, s, "INSERT INTO audit_events SELECT * FROM audit_honest")
				})
				cliAuBypass(t, s, c.tamper)
				code, out := verify()
				if code != 1 || !strings.HasPrefix(out, fmt.Sprintf("BROKEN at event %d: ", c.broken)) {
					t.Fatalf("after %s: exit %d: %q; want exit 1, broken at event %d", c.name, code, out, c.broken)
				}
			})
		}
		if code, out := verify(); code != 0 {
			t.Fatalf("restored trail: exit %d: %q", code, out)
		}

		// --checkpoints: the chain agrees with the signed checkpoint file; after the last events
		// are removed and the head moved back, only the checkpoint beyond the head tells.
		if _, err := s.WriteCheckpoint(ctx); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(cfg.DataDir, "checkpoints.jsonl")
		withCheckpoints := func() (int, string) {
			t.Helper()
			var out, errOut bytes.Buffer
			code := Main([]string{"casereview", "audit", "verify", "--checkpoints", file}, &out, &errOut)
			if strings.Contains(errOut.String(), "error:") {
				t.Fatalf("audit verify --checkpoints failed to run: %s", errOut.String())
			}
			return code, out.String()
		}
		code, out := withCheckpoints()
		if code != 0 || !strings.Contains(out, "1 checkpoints agree") {
			t.Fatalf("against the checkpoint: exit %d: %q", code, out)
		}
		m := n + 1 // running the command wrote nothing: the chain was keyed already
		if _, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Westmarch Homes", Sector: "housing"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.WriteCheckpoint(ctx); err != nil {
			t.Fatal(err)
		}
		page, err := s.ListAudit(ctx, casereview.AuditFilter{}, 2, 0)
		if err != nil || len(page.Items) != 2 || page.Items[1].Seq != int64(n) {
			t.Fatalf("the newest events: %+v %v", page.Items, err)
		}
		prev := page.Items[1].Hash
		cliAuBypass(t, s, func() {
			cliAuExec(t, s, "DELETE FROM audit_events WHERE seq = ?", m)
			cliAuExec(t, s, "UPDATE journal_head SET audit_seq = ?, audit_hash = ? WHERE id = 1", n, prev)
		})
		if code, out := verify(); code != 0 {
			t.Fatalf("the shortened chain without checkpoints: exit %d: %q (it is intact as far as it goes)", code, out)
		}
		if code, out := withCheckpoints(); code != 1 || !strings.HasPrefix(out, fmt.Sprintf("BROKEN at event %d: a signed checkpoint", m)) {
			t.Fatalf("the shortened chain against the checkpoints: exit %d: %q", code, out)
		}
	})
}
