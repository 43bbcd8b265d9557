package imports_test

import (
	"context"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/imports"
)

// TestImportJobsBelongToTheirStarter: panel members start imports (admins alone a whole-state
// one), every request is audited, a job is read by its starter, oversight and admins, and its
// progress is recorded by its starter's runner alone: no one else, oversight included, can
// rewrite what an import reports.
func TestImportJobsBelongToTheirStarter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		imp := imports.New(s)
		ctx := sysCtx()
		ps, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Jobs CSP", Kind: "community_safety_partnership"})
		must(t, err)
		as := func(email string, m casereview.MembershipDraft) context.Context {
			u, err := s.CreateUser(ctx, casereview.UserDraft{Email: email, DisplayName: email}, "not-a-real-hash")
			must(t, err)
			u, err = s.AddMembership(ctx, u.ID, m)
			must(t, err)
			return casereview.WithActor(context.Background(), u.Actor())
		}
		panel := as("panel@test.invalid", casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: ps.ID})
		other := as("panel2@test.invalid", casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: ps.ID})
		oversight := as("oversight@test.invalid", casereview.MembershipDraft{Role: casereview.RoleOversight})
		viewer := as("viewer@test.invalid", casereview.MembershipDraft{Role: casereview.RoleViewer})
		admin := as("admin@test.invalid", casereview.MembershipDraft{Role: casereview.RoleAdmin})

		for _, c := range []struct {
			name string
			ctx  context.Context
			kind string
			code casereview.Code
		}{
			{"anonymous", context.Background(), "actionplan", casereview.CodeUnauthenticated},
			{"a viewer", viewer, "actionplan", casereview.CodeForbidden},
			{"a panel member, whole state", panel, "state", casereview.CodeForbidden},
			{"a panel member, unknown kind", panel, "csv", casereview.CodeInvalid},
		} {
			if _, err := imp.CreateImportJob(c.ctx, c.kind, "plan.csv", false); !casereview.IsCode(err, c.code) {
				t.Errorf("%s starts a %s import: %v; want %s", c.name, c.kind, err, c.code)
			}
		}
		st, err := imp.CreateImportJob(admin, "state", "instance.json", true)
		must(t, err)
		if st.Kind != "json" || !st.DryRun {
			t.Errorf("an admin's whole-state job: %+v", st)
		}

		j, err := imp.CreateImportJob(panel, "actionplan", "plan.csv", false)
		must(t, err)
		page, err := s.ListAudit(ctx, casereview.AuditFilter{EntityType: "import", EntityID: j.ID}, 10, 0)
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].Action != casereview.AuditImportRequested {
			t.Errorf("the request's audit: %+v", page.Items)
		}
		for name, c := range map[string]context.Context{"its starter": panel, "oversight": oversight, "an admin": admin} {
			if _, err := imp.GetImportJob(c, j.ID); err != nil {
				t.Errorf("%s reads the job: %v", name, err)
			}
		}
		for name, c := range map[string]context.Context{"another panel member": other, "a viewer": viewer} {
			if _, err := imp.GetImportJob(c, j.ID); !casereview.IsCode(err, casereview.CodeNotFound) {
				t.Errorf("%s reads the job: %v; want not found", name, err)
			}
		}
		forged := j
		forged.Status, forged.Done, forged.Total = casereview.JobSucceeded, 7, 7
		for name, c := range map[string]context.Context{"another panel member": other, "oversight": oversight, "an admin": admin} {
			if err := imp.UpdateImportJob(c, forged); !casereview.IsCode(err, casereview.CodeNotFound) {
				t.Errorf("%s records the job's progress: %v; want not found", name, err)
			}
		}
		if got := get(t, imp, panel, j.ID); got.Status != casereview.JobQueued || got.Done != 0 {
			t.Fatalf("after others tried, the job is %s with %d done", got.Status, got.Done)
		}
		must(t, imp.UpdateImportJob(panel, forged))
		if got := get(t, imp, oversight, j.ID); got.Status != casereview.JobSucceeded || got.Done != 7 {
			t.Errorf("after its runner recorded it, the job is %s with %d done", got.Status, got.Done)
		}
	})
}

func get(t *testing.T, imp *imports.Service, ctx context.Context, id string) casereview.ImportJob {
	t.Helper()
	j, err := imp.GetImportJob(ctx, id)
	must(t, err)
	return j
}
