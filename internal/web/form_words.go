package web

// The domain's generic "x is required" problems, worded for the agency editor's forms as the
// GOV.UK error message pattern asks: say what to do, in the form's own words. Problems the domain
// already words specifically (reasons, timetable, outcome, evidence) keep its message.

var respondWords = map[string]string{
	"organisation_id:required": "Select which organisation is responding",
	"decision:required":        "Select what the organisation decided",
	"narrative:required":       "Enter the organisation's response, as it said it",
}

var actionWords = map[string]string{
	"organisation_id:required": "Select the organisation that owns this action",
	"description:required":     "Enter what will be done",
}

var progressWords = map[string]string{
	"narrative:required": "Enter a progress note, or choose how the action has moved on",
}
