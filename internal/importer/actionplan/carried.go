package actionplan

import "github.com/casereview/casereview/internal/casereview"

// uncarried is what a plan does not hold, which an import leaves as recorded (issue 14 §1): the
// template has no column for a recommendation's title or intervention type, an addressee's role
// or dates, and a plan may lack the scope, lead officer or target date columns. A completion
// date is written only with "Completed", so a cell without one keeps the recorded date; and
// cells come back trimmed, so a difference of surrounding space is no change.
func uncarried(p Plan) casereview.Uncarried {
	return casereview.Uncarried{
		RecommendationTitle:  true,
		InterventionType:     true,
		Scope:                !has(p.Columns, ColScope),
		AddresseeRole:        true,
		AddresseeDates:       true,
		ActionOwner:          !has(p.Columns, ColOwner),
		ActionTargetDate:     !has(p.Columns, ColTarget),
		ActionCompletionDate: true,
		CellText:             true,
	}
}
