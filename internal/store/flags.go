package store

import (
	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

// flagWhere narrows q (over recommendations) to those carrying flag as of asOf. It states in SQL
// exactly what casereview.ComputeFlags states in Go; a test compares the two on the same data.
func flagWhere(q *gorm.DB, flag casereview.Flag, asOf casereview.Date) *gorm.DB {
	a := dateOf(&asOf)
	soonD := asOf.AddDays(casereview.DueSoonDays)
	stalledD := asOf.AddDays(-casereview.StalledDays)
	historicD := asOf.AddDays(-365 * casereview.HistoricYears)
	soon, stalled, historicBefore := dateOf(&soonD), dateOf(&stalledD), dateOf(&historicD)
	const open = "recommendations.oversight_status NOT LIKE 'closed\\_%' ESCAPE '\\'"
	const awaiting = "recommendations.response_status = 'awaiting_response'"
	const unfinishedAction = "a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')" +
		" AND a.completion_date IS NULL"
	const unfinished = unfinishedAction + " AND a.target_date IS NOT NULL"
	// An open milestone of an unfinished action counts as the action's target does.
	milestoneDue := func(cond string) string {
		return "EXISTS (SELECT 1 FROM milestones m JOIN actions a ON a.id = m.action_id WHERE m.recommendation_id = recommendations.id" +
			" AND m.done_date IS NULL AND " + cond + " AND " + unfinishedAction + ")"
	}
	historic := "(" + open + " AND " + awaiting + " AND recommendations.last_activity_on IS NULL AND recommendations.issued_on < @historic)"
	args := map[string]any{"asof": a, "soon": soon, "stalled": stalled, "historic": historicBefore}
	switch flag {
	case casereview.FlagResponseOverdue:
		return q.Where(open+" AND "+awaiting+" AND recommendations.response_due IS NOT NULL AND recommendations.response_due < @asof AND NOT "+historic, args)
	case casereview.FlagActionOverdue:
		// action_due_on is the earliest target or open milestone of an unfinished action, kept by
		// triggers on actions and milestones (migration 00019): overdue when it has passed.
		return q.Where(open+" AND recommendations.action_due_on < @asof AND NOT "+historic, args)
	case casereview.FlagDueSoon:
		return q.Where(open+" AND (("+awaiting+" AND recommendations.response_due >= @asof AND recommendations.response_due <= @soon)"+
			" OR EXISTS (SELECT 1 FROM actions a WHERE a.recommendation_id = recommendations.id AND "+unfinished+
			" AND a.target_date >= @asof AND a.target_date <= @soon) OR "+milestoneDue("m.due_date >= @asof AND m.due_date <= @soon")+")", args)
	case casereview.FlagStalled:
		return q.Where(open+" AND recommendations.last_activity_on IS NOT NULL AND recommendations.last_activity_on < @stalled", args)
	case casereview.FlagHistoricNoRecord:
		return q.Where(historic, args)
	case casereview.FlagFollowUpDue:
		return q.Where("NOT ("+open+") AND recommendations.follow_up_on IS NOT NULL AND recommendations.follow_up_on <= @asof", args)
	}
	return q
}
