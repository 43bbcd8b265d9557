package web

import (
	"strconv"

	"github.com/casereview/casereview/internal/casereview"
)

// GOV.UK date inputs: three fields named <field>-day, <field>-month and <field>-year (read by
// postedDate in oversight.go). The day input's id is the field's own id, so the error summary's
// link lands on it.

// dateParts splits a date (casereview.Date, *casereview.Date or nothing) into the strings a
// date input shows before anything is posted.
func dateParts(v any) [3]string {
	var d casereview.Date
	switch x := v.(type) {
	case casereview.Date:
		d = x
	case *casereview.Date:
		if x == nil {
			return [3]string{}
		}
		d = *x
	default:
		return [3]string{}
	}
	if d.Year == 0 {
		return [3]string{}
	}
	return [3]string{strconv.Itoa(d.Day), strconv.Itoa(int(d.Month)), strconv.Itoa(d.Year)}
}

func init() {
	extraFuncs["dateParts"] = dateParts
}
