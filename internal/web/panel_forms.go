package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// panelForm reads the review panel's forms (a review, a recommendation) into the domain's
// drafts. What it cannot even read (a date that is not a date) becomes a field problem here;
// every rule about the values themselves is the domain's.
type panelForm struct {
	form   url.Values
	labels map[string]string // the domain's field -> how the form names it, for messages
	probs  []FieldProblem
}

func (f *panelForm) text(name string) string { return strings.TrimSpace(f.form.Get(name)) }

// optional returns nil for an empty field.
func (f *panelForm) optional(name string) *string {
	if s := f.text(name); s != "" {
		return &s
	}
	return nil
}

// date reads a GOV.UK date input (name-day, name-month, name-year); all three empty is no date.
func (f *panelForm) date(name string) *casereview.Date {
	d, m, y := f.text(name+"-day"), f.text(name+"-month"), f.text(name+"-year")
	if d == "" && m == "" && y == "" {
		return nil
	}
	label := f.label(name)
	missing := []string{}
	for _, p := range [][2]string{{d, "day"}, {m, "month"}, {y, "year"}} {
		if p[0] == "" {
			missing = append(missing, p[1])
		}
	}
	if len(missing) > 0 {
		f.problem(name, label+" must include a "+strings.Join(missing, " and a "))
		return nil
	}
	day, err1 := strconv.Atoi(d)
	month, err2 := strconv.Atoi(m)
	year, err3 := strconv.Atoi(y)
	if err1 != nil || err2 != nil || err3 != nil || len(y) != 4 || month < 1 || month > 12 || day < 1 ||
		day > time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		f.problem(name, label+" must be a real date")
		return nil
	}
	return &casereview.Date{Year: year, Month: time.Month(month), Day: day}
}

// year reads a four-digit year, or nothing.
func (f *panelForm) year(name string) *int {
	s := f.text(name)
	if s == "" {
		return nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 {
		f.problem(name, f.label(name)+" must be a year, like 2021")
		return nil
	}
	return &y
}

func (f *panelForm) problem(field, msg string) {
	f.probs = append(f.probs, FieldProblem{Field: field, Message: msg})
}

func (f *panelForm) label(field string) string {
	if l, ok := f.labels[field]; ok {
		return l
	}
	return label(field)
}

// setDate writes d into the three fields of a date input.
func setDate(v url.Values, name string, d *casereview.Date) {
	if d == nil {
		return
	}
	v.Set(name+"-day", strconv.Itoa(d.Day))
	v.Set(name+"-month", strconv.Itoa(int(d.Month)))
	v.Set(name+"-year", strconv.Itoa(d.Year))
}

// panelProblems turns the domain's refusal of a draft into messages at the form's fields: a
// validation error, or a clash (a reference or number already in use) that names its field.
// messages gives the GOV.UK message for a missing field (or a choice not among those offered)
// under the field's name ("Enter the …", "Select the …")
// and for any other problem under code:field ("duplicate:number"); rename moves a problem to the
// input it belongs to. It returns nil for any other error.
func panelProblems(err error, labels, messages map[string]string, rename func(string) string) []FieldProblem {
	var de *casereview.Error
	if !errors.As(err, &de) {
		return nil
	}
	switch de.Code {
	case casereview.CodeInvalid, casereview.CodeMalformed, casereview.CodeTooLarge:
	case casereview.CodeConflict:
		if len(de.Fields) == 0 {
			return nil
		}
	default:
		return nil
	}
	var out []FieldProblem
	for _, fe := range de.Fields {
		field := fe.Field
		if rename != nil {
			field = rename(field)
		}
		generic := anyIndex(field)
		msg := messages[fe.Code+":"+generic]
		if msg == "" && (fe.Code == casereview.FieldRequired || fe.Code == casereview.FieldUnknownValue) {
			msg = messages[generic]
		}
		if msg == "" {
			msg = humanise(fe.Message, fe.Field, labels[generic])
		}
		out = append(out, FieldProblem{Field: field, Message: msg})
	}
	if len(out) == 0 {
		out = append(out, FieldProblem{Message: sentence(de.Message)})
	}
	return out
}

// anyIndex writes the indexes of a field path as [] ("addressees[2].role" -> "addressees[].role"),
// so one message serves every row.
func anyIndex(field string) string {
	var b strings.Builder
	skip := false
	for _, r := range field {
		switch {
		case r == '[':
			skip = true
			b.WriteString("[]")
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// humanise rewrites a domain message about field ("published_on (2030-01-01) is in the future")
// with the name the form gives the field ("Date published (2030-01-01) is in the future").
func humanise(msg, field, name string) string {
	if name != "" {
		msg = strings.Replace(msg, field, name, 1)
		if i := strings.LastIndexAny(field, ".]"); i >= 0 && i+1 < len(field) {
			msg = strings.Replace(msg, field[i+1:], name, 1)
		}
	}
	return sentence(msg)
}

// mergeProblems adds the domain's problems to the ones found reading the form, one message per
// field: a date that could not be read is not also "required".
func mergeProblems(read, domain []FieldProblem) []FieldProblem {
	seen := map[string]bool{}
	for _, p := range read {
		seen[p.Field] = true
	}
	out := append([]FieldProblem(nil), read...)
	for _, p := range domain {
		if !seen[p.Field] {
			out = append(out, p)
		}
	}
	return out
}

// change is one field that differs between the saved record and what the person submitted.
type change struct {
	Label   string
	Current string
	Yours   string
}

// changes lists the rows whose values differ; each row is label, value.
func changes(current, yours [][2]string) []change {
	var out []change
	for i := range current {
		if i < len(yours) && current[i][1] != yours[i][1] {
			out = append(out, change{Label: current[i][0], Current: current[i][1], Yours: yours[i][1]})
		}
	}
	return out
}

// dateText shows an optional date in a comparison.
func dateText(d *casereview.Date) string {
	if d == nil {
		return "Not set"
	}
	return formatDate(*d)
}

func orNotSet(s string) string {
	if strings.TrimSpace(s) == "" {
		return "Not set"
	}
	return s
}
