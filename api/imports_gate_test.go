package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/importer"
)

// Import jobs past the configured concurrency and queue are turned away at once with 503 and
// Retry-After, before anything of them is recorded; once the running job ends, the next upload
// is accepted (issue 14 item 5, bounded imports).
func TestImportsBeyondTheQueueAreRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		gate := importer.NewGate(1, 0)
		s := apitest.Start(t, dialect, apitest.Options{ImportGate: gate})
		st := s.App.Store()
		ctx := casereview.WithActor(context.Background(), casereview.System)
		p, err := st.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Eastmere CSP", Kind: "community_safety_partnership"})
		must(t, err)
		_, err = st.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Eastmere Police", Sector: "police"})
		must(t, err)
		jobs := func() int {
			db, err := st.SQLDB()
			must(t, err)
			var n int
			must(t, db.QueryRowContext(ctx, "SELECT count(*) FROM import_jobs").Scan(&n))
			return n
		}
		plan := []byte(strings.Replace(imPlanCSV, "%s", "Eastmere Police", 1))
		fields := []string{"partnership_id", p.ID, "review_reference", "GATE-1", "type", "DHR", "title", "Adult G"}

		resume := gate.Pause() // the first job takes the only slot and stays running
		first := imPost(t, s, "?dry_run=true", "plan.csv", plan, fields...)
		before := jobs()
		for _, path := range []string{"/api/v1/imports?dry_run=true", "/api/v1/instance-imports?dry_run=true"} {
			body, ctype := lcMultipart(t, "bulk.json", []byte(`{"format":"casereview-bulk/2"}`))
			if path == "/api/v1/imports?dry_run=true" {
				body, ctype = lcMultipart(t, "plan.csv", plan, fields...)
			}
			r := s.Do("POST", path, body, "Content-Type", ctype)
			checkProblem(t, r, strings.TrimSuffix(path, "?dry_run=true"), problemWant{Status: http.StatusServiceUnavailable, Type: "unavailable"})
			if r.Header.Get("Retry-After") == "" {
				t.Errorf("%s: 503 without Retry-After", path)
			}
		}
		if n := jobs(); n != before {
			t.Fatalf("refused uploads recorded jobs: %d rows, want %d", n, before)
		}
		resume()
		if j := imWait(t, s, first); j.Status != "succeeded" {
			t.Fatalf("held job %+v", j)
		}
		if j := imWait(t, s, imPost(t, s, "?dry_run=true", "plan.csv", plan, fields...)); j.Status != "succeeded" {
			t.Fatalf("job after the held one %+v", j)
		}
	})
}
