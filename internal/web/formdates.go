package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// GOV.UK date inputs: three fields named <field>-day, <field>-month and <field>-year. The day
// input's id is the field's own id, so the error summary's link lands on it.

// postedDate reads the date input of field. Three empty boxes are no date (nil, no problem);
// anything else must be a real date, or the problem says so in the GOV.UK words, naming the
// date by what (e.g. "Target date").
func postedDate(form url.Values, field, what string) (*casereview.Date, *FieldProblem) {
	day := strings.TrimSpace(form.Get(field + "-day"))
	month := strings.TrimSpace(form.Get(field + "-month"))
	year := strings.TrimSpace(form.Get(field + "-year"))
	if day == "" && month == "" && year == "" {
		return nil, nil
	}
	bad := &FieldProblem{Field: field, Message: what + " must be a real date"}
	if day == "" || month == "" || year == "" {
		missing := []string{}
		for _, part := range []struct{ name, v string }{{"day", day}, {"month", month}, {"year", year}} {
			if part.v == "" {
				missing = append(missing, part.name)
			}
		}
		return nil, &FieldProblem{Field: field, Message: what + " must include a " + strings.Join(missing, " and ")}
	}
	d, err1 := strconv.Atoi(day)
	m, err2 := strconv.Atoi(month)
	y, err3 := strconv.Atoi(year)
	if err1 != nil || err2 != nil || err3 != nil || len(year) != 4 || m < 1 || m > 12 || d < 1 || d > 31 {
		return nil, bad
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return nil, bad // 31 April, 29 February in a common year
	}
	out := casereview.DateOf(t)
	return &out, nil
}

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
