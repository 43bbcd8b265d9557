package store_test

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// action_owing (who owes what on an overdue action, kept by triggers: migration 00032) follows
// every change to actions and milestones, through the store and behind its back. After each step
// the table is compared with what the domain says from the actions and milestones as they are:
// for each (recommendation, organisation), the earliest of casereview.ActionDates.Dues over the
// organisation's actions.
func TestActionOwingFollowsEveryChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		both := f.recDraft("1")
		both.Addressees = append(both.Addressees, casereview.AddresseeDraft{OrganisationID: f.la.ID, Role: "supporting", RawText: "NCCS"})
		r1, err := s.CreateRecommendation(ctx, both)
		must(t, err)
		r2, err := s.CreateRecommendation(ctx, f.recDraft("2"))
		must(t, err)
		day := func(n int) *casereview.Date { return ptr(flBase.AddDays(n)) }
		steps := 0
		check := func(step string, wantRows int) {
			t.Helper()
			steps++
			want, got := owingFromDomain(t, s), owingTable(t, s)
			if !maps.Equal(got, want) {
				t.Errorf("%s: action_owing\n%v\nwant\n%v", step, got, want)
			}
			if len(want) != wantRows {
				t.Fatalf("%s: the step proves little: %d (recommendation, organisation) pairs owe, want %d", step, len(want), wantRows)
			}
		}
		check("no actions", 0)
		police, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r1.ID, OrganisationID: f.police.ID, Description: "Train staff", TargetDate: day(30)})
		must(t, err)
		la, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r1.ID, OrganisationID: f.la.ID, Description: "Audit referrals", TargetDate: day(-20)})
		must(t, err)
		check("an action each", 2)
		_, err = s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r1.ID, OrganisationID: f.police.ID, Description: "No date yet"})
		must(t, err)
		check("an action without a target", 2)
		m, err := s.CreateMilestone(ctx, police.ID, casereview.MilestoneDraft{Title: "Course booked", DueDate: day(-40)})
		must(t, err)
		check("an earlier milestone", 2)
		m, err = s.CompleteMilestone(ctx, m.ID, m.Version, day(0))
		must(t, err)
		check("the milestone done", 2)
		police, err = s.UpdateAction(ctx, police.ID, police.Version, casereview.ActionDraft{RecommendationID: r1.ID, OrganisationID: f.police.ID, Description: "Train staff", TargetDate: day(-5)})
		must(t, err)
		check("a new target", 2)
		must(t, execSQL(s, "UPDATE actions SET organisation_id = ? WHERE id = ?", f.police.ID, la.ID))
		check("the council's action given to the police", 1)
		must(t, execSQL(s, "UPDATE actions SET organisation_id = ? WHERE id = ?", f.la.ID, la.ID))
		check("and given back", 2)
		must(t, execSQL(s, "UPDATE actions SET implementation_status = 'implemented_pending_verification' WHERE id = ?", la.ID))
		check("the council's action implemented", 1)
		must(t, execSQL(s, "UPDATE actions SET implementation_status = 'in_progress', completion_date = ?, completion_source = 'import' WHERE id = ?", flDate(ptr(0)), police.ID))
		check("the police action completed", 0)
		must(t, execSQL(s, "UPDATE actions SET completion_date = NULL, completion_source = NULL WHERE id = ?", police.ID))
		must(t, execSQL(s, "UPDATE actions SET implementation_status = 'in_progress' WHERE id = ?", la.ID))
		check("both taken back", 2)
		m2, err := s.CreateMilestone(ctx, la.ID, casereview.MilestoneDraft{Title: "Sample drawn", DueDate: day(-60)})
		must(t, err)
		check("a milestone of the council's", 2)
		must(t, s.DeleteMilestone(ctx, m2.ID, m2.Version))
		check("the milestone deleted", 2)
		late, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r1.ID, OrganisationID: f.police.ID, Description: "Review policy", TargetDate: day(-90)})
		must(t, err)
		check("another police action", 2)
		must(t, execSQL(s, "UPDATE actions SET recommendation_id = ? WHERE id = ?", r2.ID, late.ID))
		check("moved to another recommendation", 3)
		must(t, execSQL(s, "DELETE FROM actions WHERE id = ?", late.ID))
		check("the action deleted", 2)
		if steps < 10 {
			t.Fatalf("only %d steps checked", steps)
		}
		// Undone and done again, the migration fills the table from what is there, and the
		// triggers it leaves keep action_due_on as 00019's did.
		_, err = s.CreateMilestone(ctx, la.ID, casereview.MilestoneDraft{Title: "Sample drawn", DueDate: day(-70)})
		must(t, err)
		must(t, s.MigrateDownTo(context.Background(), 31))
		must(t, execSQL(s, "UPDATE actions SET target_date = ? WHERE id = ?", flDate(ptr(-100)), police.ID))
		_, err = s.Migrate(context.Background())
		must(t, err)
		check("migrated again", 2)
		must(t, execSQL(s, "UPDATE actions SET target_date = ? WHERE id = ?", flDate(ptr(-120)), la.ID))
		check("after the migration", 2)
		var due sql.NullString
		db, err := s.SQLDB()
		must(t, err)
		must(t, db.QueryRow(rebind(s, "SELECT action_due_on FROM recommendations WHERE id = ?"), r1.ID).Scan(&due))
		if want := day(-120).String(); !due.Valid || due.String[:10] != want {
			t.Errorf("action_due_on = %v, want %s", due, want)
		}
	})
}

// owingTable reads action_owing as recommendation|organisation -> due date.
func owingTable(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	db, err := s.SQLDB()
	must(t, err)
	rows, err := db.Query("SELECT recommendation_id, organisation_id, due_on FROM action_owing")
	must(t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var rec, org, due string
		must(t, rows.Scan(&rec, &org, &due))
		out[rec+"|"+org] = due[:10]
	}
	must(t, rows.Err())
	return out
}

// owingFromDomain works out action_owing from the actions and milestones with the domain's rules.
func owingFromDomain(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	db, err := s.SQLDB()
	must(t, err)
	day := func(v sql.NullString) *casereview.Date {
		if !v.Valid {
			return nil
		}
		return ptr(casereview.MustDate(v.String[:10]))
	}
	type action struct {
		key   string
		dates casereview.ActionDates
	}
	acts := map[string]*action{}
	rows, err := db.Query("SELECT id, recommendation_id, organisation_id, target_date, completion_date, implementation_status FROM actions")
	must(t, err)
	for rows.Next() {
		var id, rec, org, status string
		var target, done sql.NullString
		must(t, rows.Scan(&id, &rec, &org, &target, &done, &status))
		acts[id] = &action{key: rec + "|" + org, dates: casereview.ActionDates{TargetDate: day(target), Completed: done.Valid, Status: casereview.ImplementationStatus(status)}}
	}
	must(t, rows.Err())
	rows.Close()
	rows, err = db.Query("SELECT action_id, due_date FROM milestones WHERE done_date IS NULL AND due_date IS NOT NULL")
	must(t, err)
	for rows.Next() {
		var id string
		var due sql.NullString
		must(t, rows.Scan(&id, &due))
		acts[id].dates.Milestones = append(acts[id].dates.Milestones, *day(due))
	}
	must(t, rows.Err())
	rows.Close()
	out := map[string]string{}
	for _, a := range acts {
		dues := a.dates.Dues()
		if len(dues) == 0 {
			continue
		}
		first := slices.MinFunc(dues, func(x, y casereview.Date) int { return x.Time().Compare(y.Time()) }).String()
		if cur, ok := out[a.key]; !ok || first < cur {
			out[a.key] = first
		}
	}
	return out
}
