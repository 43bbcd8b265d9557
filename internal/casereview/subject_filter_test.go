package casereview

import (
	"errors"
	"testing"
)

// The subject filter is read under its dimensions' names, checked value by value, and marks the
// filter as one by protected characteristic.
func TestSubjectFilter(t *testing.T) {
	q := map[string][]string{"subject_sex": {" Female ", "female", ""}, "subject_minoritised": {"not_recorded"}, "subject_colour": {"blue"}, "sex": {"male"}}
	f := SummaryFilter{Subjects: SubjectConditionsFrom(func(n string) []string { return q[n] })}
	if len(f.Subjects) != 2 || f.Subjects[0].Characteristic != "sex" || len(f.Subjects[0].Values) != 2 || f.Subjects[1].Characteristic != "minoritised" {
		t.Fatalf("read: %+v", f.Subjects)
	}
	if err := f.Validate(); err != nil || !f.BySubject() || f.Subjects[0].Values[0] != "female" {
		t.Fatalf("validate: %v %+v", err, f.Subjects)
	}
	bad := SummaryFilter{Subjects: []SubjectCondition{{Characteristic: "ethnicity", Values: []string{"white_british", "martian"}}, {Characteristic: "colour", Values: []string{"x"}}}}
	var e *Error
	if err := bad.Validate(); !errors.As(err, &e) || len(e.Fields) != 2 || e.Fields[0].Field != "subject_ethnicity[1]" || e.Fields[1].Field != "subject_colour" {
		t.Fatalf("problems: %v", err)
	}
	if (SummaryFilter{}).BySubject() || len(SubjectFilterNames()) != len(Characteristics) || SubjectFilterNames()[1] != "subject_sex" {
		t.Error("names")
	}
}
