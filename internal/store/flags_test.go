package store_test

import (
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// The SQL that filters by flag (store.flagWhere) and the Go that computes flags
// (casereview.ComputeFlags) must say the same thing. These tests build recommendations on every
// edge and ask both, for several as-of dates.

// flBase is the as-of date the specs are written around: the fixed clock's day.
var flBase = casereview.DateOf(fixedNow)

func flOff(n int) *int { return &n }

func flDate(n *int) any {
	if n == nil {
		return nil
	}
	return flBase.AddDays(*n).String()
}

type flActSpec struct {
	target, completed *int // days from flBase; nil: none
	status            casereview.ImplementationStatus
	milestones        []flMsSpec
}

type flMsSpec struct{ due, done *int } // days from flBase; nil: none

type flRecSpec struct {
	name                        string
	due, issued, last, followUp *int // days from flBase; nil: NULL (issued nil: keep the review's date)
	response                    casereview.ResponseStatus
	oversight                   casereview.OversightStatus
	actions                     []flActSpec
	want                        []casereview.Flag // as of flBase
}

func flSpecs() []flRecSpec {
	const (
		ro = casereview.FlagResponseOverdue
		ao = casereview.FlagActionOverdue
		ds = casereview.FlagDueSoon
		st = casereview.FlagStalled
		hi = casereview.FlagHistoricNoRecord
		fu = casereview.FlagFollowUpDue
	)
	acc := casereview.ResponseAccepted
	return []flRecSpec{
		{name: "due yesterday", due: flOff(-1), want: []casereview.Flag{ro}},
		{name: "due today", due: flOff(0), want: []casereview.Flag{ds}},
		{name: "due tomorrow", due: flOff(1), want: []casereview.Flag{ds}},
		{name: "due in 28 days", due: flOff(28), want: []casereview.Flag{ds}},
		{name: "due in 29 days", due: flOff(29)},
		{name: "due yesterday, accepted", due: flOff(-1), response: acc},
		{name: "due soon, holding reply", due: flOff(5), response: casereview.ResponseReceived},
		{name: "action due yesterday", response: acc, actions: []flActSpec{{target: flOff(-1), status: "in_progress"}}, want: []casereview.Flag{ao}},
		{name: "action due today", response: acc, actions: []flActSpec{{target: flOff(0), status: "in_progress"}}, want: []casereview.Flag{ds}},
		{name: "action due in 28 days", response: acc, actions: []flActSpec{{target: flOff(28), status: "planned"}}, want: []casereview.Flag{ds}},
		{name: "action due in 29 days", response: acc, actions: []flActSpec{{target: flOff(29), status: "not_started"}}},
		{name: "action completed", response: acc, actions: []flActSpec{{target: flOff(-5), completed: flOff(-10), status: "in_progress"}}},
		{name: "action claimed", response: acc, actions: []flActSpec{{target: flOff(-5), status: "implemented_pending_verification"}}},
		{name: "action verified", response: acc, actions: []flActSpec{{target: flOff(-5), status: "implemented_verified"}}},
		{name: "action abandoned", response: acc, actions: []flActSpec{{target: flOff(-5), status: "not_implemented"}}},
		{name: "action without target", response: acc, actions: []flActSpec{{status: "in_progress"}}},
		{name: "activity 90 days ago", response: acc, last: flOff(-90)},
		{name: "activity 91 days ago", response: acc, last: flOff(-91), want: []casereview.Flag{st}},
		{name: "issued two years ago", issued: flOff(-730)},
		{name: "issued two years and a day ago, overdue", issued: flOff(-731), due: flOff(-100), want: []casereview.Flag{hi}},
		{name: "historic with an overdue action", issued: flOff(-731), actions: []flActSpec{{target: flOff(-10), status: "not_started"}}, want: []casereview.Flag{hi}},
		{name: "old with activity", issued: flOff(-800), last: flOff(-10), due: flOff(-700), want: []casereview.Flag{ro}},
		{name: "old and answered", issued: flOff(-800), response: acc},
		{name: "closed, everything late, follow-up today", oversight: "closed_no_response", due: flOff(-10), last: flOff(-200), followUp: flOff(0),
			actions: []flActSpec{{target: flOff(-5), status: "in_progress"}, {target: flOff(5), status: "planned"}}, want: []casereview.Flag{fu}},
		{name: "closed, follow-up tomorrow", oversight: "closed_reconsidered", response: acc, followUp: flOff(1)},
		{name: "closed, follow-up passed", oversight: "closed_duplicate", response: acc, followUp: flOff(-30), want: []casereview.Flag{fu}},
		{name: "closed, old, no follow-up", oversight: "closed_no_longer_applicable", issued: flOff(-900)},
		{name: "closed, old, follow-up passed", oversight: "closed_exceeds", issued: flOff(-1000), followUp: flOff(-1), want: []casereview.Flag{fu}},
		{name: "open with a follow-up date", oversight: "open_acceptable", response: acc, followUp: flOff(-5)},
		{name: "overdue, due soon and stalled", oversight: "open_unacceptable", due: flOff(-3), last: flOff(-100),
			actions: []flActSpec{{target: flOff(10), status: "in_progress"}, {target: flOff(-1), status: "planned"}}, want: []casereview.Flag{ro, ao, ds, st}},
		{name: "historic yet due soon", issued: flOff(-1000), due: flOff(10), want: []casereview.Flag{ds, hi}},
		{name: "one action finished, one due soon", response: acc,
			actions: []flActSpec{{target: flOff(-9), status: "implemented_pending_verification"}, {target: flOff(9), status: "in_progress"}}, want: []casereview.Flag{ds}},
		{name: "holding reply, stale", response: casereview.ResponseReceived, due: flOff(-10), last: flOff(-95), want: []casereview.Flag{st}},
		{name: "nothing at all"},

		// Milestones (issue 13 §4): an open milestone of an unfinished action counts as a target.
		{name: "milestone late, target far off", response: acc, actions: []flActSpec{{target: flOff(200), status: "in_progress",
			milestones: []flMsSpec{{due: flOff(-1)}}}}, want: []casereview.Flag{ao}},
		{name: "milestone late, no target", response: acc, actions: []flActSpec{{status: "planned",
			milestones: []flMsSpec{{due: flOff(-20)}, {due: flOff(60)}}}}, want: []casereview.Flag{ao}},
		{name: "milestone due today", response: acc, actions: []flActSpec{{status: "in_progress", milestones: []flMsSpec{{due: flOff(0)}}}},
			want: []casereview.Flag{ds}},
		{name: "milestone due in 28 days", response: acc, actions: []flActSpec{{status: "in_progress", milestones: []flMsSpec{{due: flOff(28)}}}},
			want: []casereview.Flag{ds}},
		{name: "milestone due in 29 days", response: acc, actions: []flActSpec{{status: "in_progress", milestones: []flMsSpec{{due: flOff(29)}}}}},
		{name: "late milestone done", response: acc, actions: []flActSpec{{status: "in_progress",
			milestones: []flMsSpec{{due: flOff(-10), done: flOff(-12)}, {due: flOff(5), done: flOff(-1)}}}}},
		{name: "milestone without a due date", response: acc, actions: []flActSpec{{status: "in_progress", milestones: []flMsSpec{{}}}}},
		{name: "late milestone of a claimed action", response: acc, actions: []flActSpec{{status: "implemented_pending_verification",
			milestones: []flMsSpec{{due: flOff(-3)}}}}},
		{name: "late milestone of a completed action", response: acc, actions: []flActSpec{{completed: flOff(-1), status: "in_progress",
			milestones: []flMsSpec{{due: flOff(-3)}}}}},
		{name: "late and soon milestones", response: acc, actions: []flActSpec{{status: "in_progress",
			milestones: []flMsSpec{{due: flOff(-3)}, {due: flOff(3)}}}}, want: []casereview.Flag{ao, ds}},
		{name: "closed, milestone late", oversight: "closed_no_longer_applicable", response: acc, actions: []flActSpec{{status: "in_progress",
			milestones: []flMsSpec{{due: flOff(-3)}}}}},
	}
}

func TestFlagsSQLAgreesWithGo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		specs := flSpecs()
		ids := make([]string, len(specs))
		byID := map[string]string{}
		for i, sp := range specs {
			r, err := s.CreateRecommendation(ctx, f.recDraft(fmt.Sprint(i+1)))
			must(t, err)
			ids[i], byID[r.ID] = r.ID, sp.name
			for _, a := range sp.actions {
				var target, completed *casereview.Date
				if a.target != nil {
					target = ptr(flBase.AddDays(*a.target))
				}
				if a.completed != nil {
					completed = ptr(flBase.AddDays(*a.completed))
				}
				act, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r.ID, OrganisationID: f.police.ID,
					Description: "Do the thing", TargetDate: target, CompletionDate: completed})
				must(t, err)
				for _, m := range a.milestones {
					d := casereview.MilestoneDraft{Title: "Step"}
					if m.due != nil {
						d.DueDate = ptr(flBase.AddDays(*m.due))
					}
					if m.done != nil {
						d.DoneDate = ptr(flBase.AddDays(*m.done))
					}
					_, err := s.CreateMilestone(ctx, act.ID, d)
					must(t, err)
				}
				must(t, execSQL(s, "UPDATE actions SET implementation_status = ? WHERE id = ?", string(a.status), act.ID))
			}
			resp, ov := sp.response, sp.oversight
			if resp == "" {
				resp = casereview.ResponseAwaiting
			}
			if ov == "" {
				ov = casereview.OversightUnassessed
			}
			must(t, execSQL(s, "UPDATE recommendations SET response_due = ?, last_activity_on = ?, follow_up_on = ?, response_status = ?, oversight_status = ? WHERE id = ?",
				flDate(sp.due), flDate(sp.last), flDate(sp.followUp), string(resp), string(ov), r.ID))
			if sp.issued != nil {
				must(t, execSQL(s, "UPDATE recommendations SET issued_on = ? WHERE id = ?", flDate(sp.issued), r.ID))
			}
		}

		// As of the base day, each recommendation carries exactly the flags written down.
		base := casereview.WithAsOf(ctx, flBase)
		for i, sp := range specs {
			r, err := s.GetRecommendation(base, ids[i])
			must(t, err)
			if !slices.Equal(r.Flags, sp.want) && !(len(r.Flags) == 0 && len(sp.want) == 0) {
				t.Errorf("%s: flags %v, want %v", sp.name, r.Flags, sp.want)
			}
		}

		seen := map[casereview.Flag]int{}
		for _, days := range []int{-400, -1, 0, 1, 29, 92, 800} {
			asOf := flBase.AddDays(days)
			actx := casereview.WithAsOf(ctx, asOf)
			want := map[casereview.Flag][]string{}
			for _, id := range ids {
				r, err := s.GetRecommendation(actx, id)
				must(t, err)
				for _, fl := range r.Flags {
					want[fl] = append(want[fl], id)
				}
			}
			for _, fl := range casereview.Flags {
				got, total := pageAll(t, 7, func(p casereview.PageRequest) (casereview.Page[casereview.Recommendation], error) {
					page, err := s.ListRecommendations(actx, casereview.RecommendationFilter{ReviewID: f.review.ID, Flag: fl}, p)
					for _, it := range page.Items {
						if !slices.Contains(it.Flags, fl) {
							t.Errorf("as of %s: list for %s returned %q whose flags are %v", asOf, fl, byID[it.ID], it.Flags)
						}
					}
					return page, err
				}, func(r casereview.Recommendation) string { return r.ID })
				if int(total) != len(got) {
					t.Errorf("as of %s, %s: total %d, listed %d", asOf, fl, total, len(got))
				}
				w := slices.Clone(want[fl])
				sort.Strings(got)
				sort.Strings(w)
				if !slices.Equal(got, w) {
					t.Errorf("as of %s, flag %s:\n SQL says %s\n Go says  %s", asOf, fl, flNamesOf(got, byID), flNamesOf(w, byID))
				}
				seen[fl] += len(w)
			}
			// OverdueWhere is either overdue flag, stated as one condition.
			var got []string
			must(t, s.Read(actx, func(q store.Query) error {
				return q.OverdueWhere(q.DB().Table("recommendations"), asOf).Where("review_id = ?", f.review.ID).Pluck("id", &got).Error
			}))
			w := append(slices.Clone(want[casereview.FlagResponseOverdue]), want[casereview.FlagActionOverdue]...)
			slices.Sort(w)
			w = slices.Compact(w)
			slices.Sort(got)
			if !slices.Equal(got, w) {
				t.Errorf("as of %s, overdue for a response or an action:\n SQL says %s\n Go says  %s", asOf, flNamesOf(got, byID), flNamesOf(w, byID))
			}
		}
		for _, fl := range casereview.Flags {
			if seen[fl] == 0 {
				t.Errorf("no recommendation ever carried %s: the test proves nothing about it", fl)
			}
		}
	})
}

func flNamesOf(ids []string, byID map[string]string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	sort.Strings(out)
	return "[" + strings.Join(out, "; ") + "]"
}

// TestFlagsFollowTheClock checks that without an as-of date the flags are computed against the
// store's clock, and that the flag filter rejects an unknown flag.
func TestFlagsFollowTheClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		d := f.recDraft("1")
		d.ResponseDue = date("2026-03-01") // the day before the fixed clock's
		r, err := s.CreateRecommendation(ctx, d)
		must(t, err)
		if !slices.Equal(r.Flags, []casereview.Flag{casereview.FlagResponseOverdue}) {
			t.Fatalf("flags today: %v", r.Flags)
		}
		r, err = s.GetRecommendation(casereview.WithAsOf(ctx, casereview.MustDate("2026-03-01")), r.ID)
		must(t, err)
		if !slices.Equal(r.Flags, []casereview.Flag{casereview.FlagDueSoon}) {
			t.Fatalf("flags as of the due date: %v", r.Flags)
		}
		page, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{Flag: casereview.FlagResponseOverdue}, casereview.PageRequest{Limit: 10})
		must(t, err)
		if page.Total != 1 || len(page.Items) != 1 || page.Items[0].ID != r.ID {
			t.Fatalf("overdue list today: %+v", page)
		}
		_, err = s.ListRecommendations(ctx, casereview.RecommendationFilter{Flag: "late"}, casereview.PageRequest{Limit: 10})
		wantErr(t, err, casereview.CodeInvalid, fe{"flag", casereview.FieldUnknownValue})
	})
}

// action_due_on (the action_overdue flag's column, kept by triggers) follows every change to
// actions and milestones, through the store and behind its back: the earliest target or open
// milestone of an unfinished action, or nothing.
func TestActionDueFollowsEveryChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		r, err := s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		day := func(n int) *casereview.Date { return ptr(flBase.AddDays(n)) }
		check := func(step string, want *casereview.Date) {
			t.Helper()
			db, err := s.SQLDB()
			must(t, err)
			var got sql.NullString
			must(t, db.QueryRow(rebind(s, "SELECT action_due_on FROM recommendations WHERE id = ?"), r.ID).Scan(&got))
			switch {
			case want == nil && got.Valid:
				t.Errorf("%s: action_due_on = %s, want none", step, got.String)
			case want != nil && (!got.Valid || !strings.HasPrefix(got.String, want.String())):
				t.Errorf("%s: action_due_on = %v, want %s", step, got, want)
			}
		}
		check("no actions", nil)
		act, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r.ID, OrganisationID: f.police.ID, Description: "Train staff", TargetDate: day(30)})
		must(t, err)
		check("an action", day(30))
		m, err := s.CreateMilestone(ctx, act.ID, casereview.MilestoneDraft{Title: "Course booked", DueDate: day(10)})
		must(t, err)
		check("an earlier milestone", day(10))
		m, err = s.CompleteMilestone(ctx, m.ID, m.Version, day(0))
		must(t, err)
		check("the milestone done", day(30))
		act, err = s.UpdateAction(ctx, act.ID, act.Version, casereview.ActionDraft{RecommendationID: r.ID, OrganisationID: f.police.ID, Description: "Train staff", TargetDate: day(45)})
		must(t, err)
		check("a new target", day(45))
		m2, err := s.CreateMilestone(ctx, act.ID, casereview.MilestoneDraft{Title: "Audit", DueDate: day(40)})
		must(t, err)
		check("a second milestone", day(40))
		must(t, s.DeleteMilestone(ctx, m2.ID, m2.Version))
		check("the milestone deleted", day(45))
		must(t, execSQL(s, "UPDATE actions SET implementation_status = 'implemented_pending_verification' WHERE id = ?", act.ID))
		check("the action implemented", nil)
		must(t, execSQL(s, "UPDATE actions SET implementation_status = 'in_progress', completion_date = ?, completion_source = 'import' WHERE id = ?", flDate(ptr(0)), act.ID))
		check("the action completed", nil)
		must(t, execSQL(s, "UPDATE actions SET completion_date = NULL, completion_source = NULL WHERE id = ?", act.ID))
		check("the completion taken back", day(45))
		must(t, execSQL(s, "DELETE FROM milestones WHERE action_id = ?", act.ID))
		must(t, execSQL(s, "DELETE FROM actions WHERE id = ?", act.ID))
		check("the action deleted", nil)
	})
}
