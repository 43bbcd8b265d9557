package casereview_test

import (
	"strings"
	"testing"
	"time"

	cr "github.com/casereview/casereview/internal/casereview"
)

func TestParseDate(t *testing.T) {
	good := []struct {
		in   string
		want cr.Date
	}{
		{"2024-02-29", cr.Date{Year: 2024, Month: time.February, Day: 29}},
		{"2000-02-29", cr.Date{Year: 2000, Month: time.February, Day: 29}},
		{"2024-12-31", cr.Date{Year: 2024, Month: time.December, Day: 31}},
		{"1900-01-01", cr.Date{Year: 1900, Month: time.January, Day: 1}},
	}
	for _, c := range good {
		got, err := cr.ParseDate(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
		if got.String() != c.in {
			t.Errorf("ParseDate(%q).String() = %q", c.in, got.String())
		}
	}
	bad := []string{"2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
		"31/12/2024", "2024/12/31", "", " 2024-01-01", "2024-01-01 ", "2024-1-1", "24-01-01",
		"2024-01-01T00:00:00Z", "20240101", "tomorrow"}
	for _, in := range bad {
		d, err := cr.ParseDate(in)
		if err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, d)
			continue
		}
		if d != (cr.Date{}) {
			t.Errorf("ParseDate(%q) returned %v with its error", in, d)
		}
		if !strings.Contains(err.Error(), "YYYY-MM-DD") {
			t.Errorf("ParseDate(%q) error %q does not show the form", in, err)
		}
	}
}

func TestMustDatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustDate accepted 2023-02-29")
		}
	}()
	cr.MustDate("2023-02-29")
}

func TestParseDateField(t *testing.T) {
	cases := []struct {
		in   *string
		want string // "" means nil without problems
		bad  bool
	}{
		{nil, "", false},
		{ptr("2024-02-29"), "2024-02-29", false},
		{ptr("1900-01-01"), "1900-01-01", false},
		{ptr("2200-12-31"), "2200-12-31", false},
		{ptr("1899-12-31"), "", true},
		{ptr("2201-01-01"), "", true},
		{ptr("0001-01-01"), "", true},
		{ptr("9999-12-31"), "", true},
		{ptr("2023-02-29"), "", true},
		{ptr("31/12/2024"), "", true},
		{ptr(""), "", true},
	}
	for _, c := range cases {
		var p cr.Problems
		got := cr.ParseDateField(&p, "due_from", c.in)
		if c.bad {
			if got != nil {
				t.Errorf("ParseDateField(%q) = %v, want nil", *c.in, got)
			}
			wantOnly(t, p.Err(), "due_from", cr.FieldInvalid)
			continue
		}
		wantNil(t, p.Err())
		if s := cr.FormatDate(got); (s == nil) != (c.want == "") || (s != nil && *s != c.want) {
			t.Errorf("ParseDateField(%v) formatted as %v, want %q", c.in, s, c.want)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := cr.MustDate("2024-02-28")
	if got := d.AddDays(1).String(); got != "2024-02-29" {
		t.Errorf("AddDays(1) = %s", got)
	}
	if got := d.AddDays(2).String(); got != "2024-03-01" {
		t.Errorf("AddDays(2) = %s", got)
	}
	if got := cr.MustDate("2024-01-01").AddDays(-1).String(); got != "2023-12-31" {
		t.Errorf("AddDays(-1) = %s", got)
	}
	if !d.Before(d.AddDays(1)) || d.Before(d) || d.AddDays(1).Before(d) {
		t.Error("Before is wrong")
	}
	if got := d.Time(); !got.Equal(time.Date(2024, 2, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time() = %v", got)
	}
	// DateOf uses the instant's own zone: 23:30 in New York on 31 Dec is 1 Jan in UTC.
	ny := time.FixedZone("EST", -5*3600)
	if got := cr.DateOf(time.Date(2024, 12, 31, 23, 30, 0, 0, ny)).String(); got != "2024-12-31" {
		t.Errorf("DateOf = %s", got)
	}
	if cr.FormatDate(nil) != nil {
		t.Error("FormatDate(nil) is not nil")
	}
	if got := (cr.Date{Year: 7, Month: 3, Day: 4}).String(); got != "0007-03-04" {
		t.Errorf("String = %s", got)
	}
}
