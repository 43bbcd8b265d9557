package casereview

import (
	"fmt"
	"time"
)

// Date is a calendar date with no time or zone: review dates, due dates and target dates are
// days in the UK, and carrying them as instants invites off-by-one-day errors at midnight.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads an ISO 8601 calendar date (2024-03-31).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// MustDate is ParseDate for literals in tests and fixtures.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Before reports whether d is strictly earlier than o.
func (d Date) Before(o Date) bool { return d.Time().Before(o.Time()) }

// AddDays returns the date n days after d.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// datePtr parses an optional date field, recording a problem rather than failing.
func parseDateField(p *Problems, field string, s *string) *Date {
	if s == nil {
		return nil
	}
	d, err := ParseDate(*s)
	if err != nil {
		p.Add(field, FieldInvalid, "%s", err.Error())
		return nil
	}
	if d.Year < 1900 || d.Year > 2200 {
		p.Add(field, FieldInvalid, "%s is outside the years 1900 to 2200", *s)
		return nil
	}
	return &d
}

// ParseDateField parses an optional date from the API, recording a field problem when it is bad.
func ParseDateField(p *Problems, field string, s *string) *Date { return parseDateField(p, field, s) }

// FormatDate renders an optional date for the API.
func FormatDate(d *Date) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

// MarshalJSON writes d as "YYYY-MM-DD" (in audit records and exports).
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("a date must be a string in the form YYYY-MM-DD")
	}
	x, err := ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*d = x
	return nil
}
