package imports_test

import (
	"context"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/imports"
)

// TestOrphanedImportJobsFailAtStart: a job left running by a process that died (kill -9 during
// an import) is marked failed when the application starts, saying why; on PostgreSQL a job
// another live process has claimed is left running until its claim ends.
func TestOrphanedImportJobsFailAtStart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		imp := imports.New(s)
		ps, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Orphan CSP", Kind: "community_safety_partnership"})
		must(t, err)
		u, err := s.CreateUser(ctx, casereview.UserDraft{Email: "importer@test.invalid", DisplayName: "Importer"}, "not-a-real-hash")
		must(t, err)
		u, err = s.AddMembership(ctx, u.ID, casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: ps.ID})
		must(t, err)
		as := casereview.WithActor(context.Background(), u.Actor())
		start := func(name string) casereview.ImportJob {
			j, err := imp.CreateImportJob(as, "json", name, false)
			must(t, err)
			j.Status = casereview.JobRunning
			must(t, imp.UpdateImportJob(as, j))
			return j
		}
		dead, live := start("dead.json"), start("live.json")
		done, err := imp.CreateImportJob(as, "json", "done.json", false)
		must(t, err)
		done.Status = casereview.JobSucceeded
		must(t, imp.UpdateImportJob(as, done))
		release, err := imp.ClaimImportJob(ctx, live.ID)
		must(t, err)

		n, err := imp.FailOrphanedImportJobs(ctx)
		must(t, err)
		status := func(id string) casereview.ImportJob {
			j, err := imp.GetImportJob(as, id)
			must(t, err)
			return j
		}
		if j := status(dead.ID); j.Status != casereview.JobFailed || !strings.Contains(j.Error, "stopped before it finished") || j.FinishedAt == nil {
			t.Errorf("the dead job: %s %q", j.Status, j.Error)
		}
		if j := status(done.ID); j.Status != casereview.JobSucceeded {
			t.Errorf("a finished job became %s", j.Status)
		}
		wantLive, wantN := casereview.JobRunning, 1
		if dialect != "postgres" { // one process owns an SQLite file: at start, every running job is orphaned
			wantLive, wantN = casereview.JobFailed, 2
		}
		if j := status(live.ID); j.Status != wantLive || n != wantN {
			t.Errorf("the claimed job is %s after %d marked; want %s and %d", j.Status, n, wantLive, wantN)
		}
		release()
		if dialect == "postgres" {
			n, err := imp.FailOrphanedImportJobs(ctx)
			must(t, err)
			if j := status(live.ID); j.Status != casereview.JobFailed || n != 1 {
				t.Errorf("after its claim ended the job is %s (%d marked)", j.Status, n)
			}
		}
	})
}
