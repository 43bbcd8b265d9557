package store

import (
	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

// The conditions the flags are made of, on the current row of recommendations.
const (
	flagOpen     = "recommendations.oversight_status NOT LIKE 'closed\\_%' ESCAPE '\\'"
	flagAwaiting = "recommendations.response_status = 'awaiting_response'"
	// noRecord is the historic flag's own part: nothing has happened since a recommendation
	// issued before the cut-off @historic.
	noRecord = "(recommendations.last_activity_on IS NULL AND recommendations.issued_on < @historic)"
)

// overdueWhere narrows q (over recommendations) to those overdue for a response or for an
// action as of asOf: flagWhere's two overdue flags joined by OR, stated once, with what they
// share (open, and not historic) tested once.
func overdueWhere(q *gorm.DB, asOf casereview.Date) *gorm.DB {
	historicD := asOf.AddDays(-365 * casereview.HistoricYears)
	args := map[string]any{"asof": dateOf(&asOf), "historic": dateOf(&historicD)}
	return q.Where(flagOpen+" AND (("+flagAwaiting+" AND recommendations.response_due < @asof) OR recommendations.action_due_on < @asof)"+
		" AND NOT ("+flagAwaiting+" AND "+noRecord+")", args)
}

// flagWhere narrows q (over recommendations) to those carrying flag as of asOf. It states in SQL
// exactly what casereview.ComputeFlags states in Go; a test compares the two on the same data.
func flagWhere(q *gorm.DB, flag casereview.Flag, asOf casereview.Date) *gorm.DB {
	a := dateOf(&asOf)
	soonD := asOf.AddDays(casereview.DueSoonDays)
	stalledD := asOf.AddDays(-casereview.StalledDays)
	historicD := asOf.AddDays(-365 * casereview.HistoricYears)
	soon, stalled, historicBefore := dateOf(&soonD), dateOf(&stalledD), dateOf(&historicD)
	const open, awaiting = flagOpen, flagAwaiting
	const unfinishedAction = "a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')" +
		" AND a.completion_date IS NULL"
	const unfinished = unfinishedAction + " AND a.target_date IS NOT NULL"
	// An open milestone of an unfinished action counts as the action's target does.
	milestoneDue := func(cond string) string {
		return "EXISTS (SELECT 1 FROM milestones m JOIN actions a ON a.id = m.action_id WHERE m.recommendation_id = recommendations.id" +
			" AND m.done_date IS NULL AND " + cond + " AND " + unfinishedAction + ")"
	}
	historic := "(" + open + " AND " + awaiting + " AND " + noRecord + ")"
	args := map[string]any{"asof": a, "soon": soon, "stalled": stalled, "historic": historicBefore}
	// The two overdue flags hold only where the historic one does not. Each leaves out of that
	// exclusion what it has already required (open; for the response, awaiting), so a row is
	// tested for fewer conditions: the summaries test them on every recommendation of their set.
	switch flag {
	case casereview.FlagResponseOverdue:
		return q.Where(open+" AND "+awaiting+" AND recommendations.response_due < @asof AND NOT "+noRecord, args)
	case casereview.FlagActionOverdue:
		// action_due_on is the earliest target or open milestone of an unfinished action, kept by
		// triggers on actions and milestones (migration 00019): overdue when it has passed.
		return q.Where(open+" AND recommendations.action_due_on < @asof AND NOT ("+awaiting+" AND "+noRecord+")", args)
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
