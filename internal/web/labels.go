package web

import (
	"fmt"
	"reflect"
	"strings"
)

// labels names the domain's codes for people. A code not listed here is shown humanised
// ("open_unassessed" -> "Open unassessed").
var labels = map[string]string{
	// crosswalk schemes
	"pfd_category": "Prevention of future deaths report category",
	// review types and scopes
	"DHR": "Domestic homicide review", "CSPR": "Child safeguarding practice review", "SCR": "Serious case review",
	"CDR": "Child death review", "SAR": "Safeguarding adults review", "SUSR": "Single unified safeguarding review",
	"MHHR": "Mental health homicide review", "PFD": "Prevention of future deaths report", "OTHER": "Other review",
	// sectors
	"nhs_trust": "NHS trust", "icb": "Integrated care board", "gp": "GP practice",
	"la_childrens_services": "Local authority children's services", "la_adult_services": "Local authority adult services",
	"cps_courts": "CPS and courts", "specialist_da_service": "Specialist domestic abuse service",
	"government_department": "Government department",
	// roles
	"agency_editor": "Agency editor", "for_information": "For information",
	// statuses
	"implemented_pending_verification":     "Implemented, pending verification",
	"implemented_verified":                 "Implemented and verified",
	"accepted_alternative":                 "Accepted (alternative action)",
	"open_acceptable_alternative":          "Open: acceptable alternative",
	"open_unassessed":                      "Open: not yet assessed",
	"open_acceptable":                      "Open: acceptable",
	"open_unacceptable":                    "Open: unacceptable",
	"closed_acceptable_action":             "Closed: acceptable action",
	"closed_acceptable_alternative_action": "Closed: acceptable alternative action",
	"closed_exceeds":                       "Closed: exceeds recommendation",
	"closed_unacceptable_action":           "Closed: unacceptable action",
	"closed_no_response":                   "Closed: no response",
	"closed_superseded":                    "Closed: superseded",
	"closed_duplicate":                     "Closed: duplicate",
	"closed_no_longer_applicable":          "Closed: no longer applicable",
	"closed_reconsidered":                  "Closed: reconsidered",
	// flags
	"historic_no_record": "Historic, no record", "follow_up_due": "Follow-up due",
}

// label names a code for people.
func label(code any) string {
	s := toString(code)
	if l, ok := labels[s]; ok {
		return l
	}
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// tagColours gives each status and flag a GOV.UK tag colour. The text always says the status:
// colour only repeats it.
var tagColours = map[string]string{
	"awaiting_response": "grey", "response_received": "blue", "accepted": "green", "accepted_in_part": "turquoise",
	"accepted_alternative": "turquoise", "not_accepted": "red",
	"not_started": "grey", "planned": "light-blue", "in_progress": "blue", "implemented_pending_verification": "yellow",
	"implemented_verified": "green", "not_implemented": "red",
	"open_unassessed": "grey", "open_acceptable": "blue", "open_acceptable_alternative": "blue", "open_unacceptable": "orange",
	"closed_acceptable_action": "green", "closed_acceptable_alternative_action": "green", "closed_exceeds": "green",
	"closed_unacceptable_action": "red", "closed_no_response": "red", "closed_superseded": "purple",
	"closed_duplicate": "purple", "closed_no_longer_applicable": "purple", "closed_reconsidered": "purple",
	"response_overdue": "red", "action_overdue": "red", "due_soon": "yellow", "stalled": "orange",
	"historic_no_record": "grey", "follow_up_due": "orange",
	"pending": "yellow", "verified": "green", "rejected": "red", "sent": "green", "failed": "red", "withheld": "grey",
}

// tagClass is the govuk-tag class for a status or flag.
func tagClass(code any) string {
	if c, ok := tagColours[toString(code)]; ok {
		return "govuk-tag govuk-tag--" + c
	}
	return "govuk-tag govuk-tag--grey"
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case *string:
		if x == nil {
			return ""
		}
		return *x
	case fmt.Stringer:
		return x.String()
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String() // the domain's enums: ResponseStatus, Role, Sector …
	}
	return fmt.Sprint(v)
}
