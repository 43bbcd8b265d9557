package casereview_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

func TestProblemsCollectsEverything(t *testing.T) {
	var p cr.Problems
	if !p.Empty() || p.Err() != nil {
		t.Fatal("new Problems is not empty")
	}
	p.Add("name", cr.FieldRequired, "name is required")
	p.Add("addressees[1].role", cr.FieldUnknownValue, "%q is not one of: %s", "boss", "lead")
	p.Extend(cr.FieldError{Field: "limit", Code: cr.FieldInvalid, Message: "bad"}, cr.FieldError{Field: "cursor", Code: cr.FieldInvalid, Message: "worse"})
	if p.Empty() {
		t.Fatal("Problems with four entries reports Empty")
	}
	fs := wantFields(t, p.Err(),
		[2]string{"name", cr.FieldRequired},
		[2]string{"addressees[1].role", cr.FieldUnknownValue},
		[2]string{"limit", cr.FieldInvalid},
		[2]string{"cursor", cr.FieldInvalid})
	if fs[1].Message != `"boss" is not one of: lead` {
		t.Errorf("formatted message %q", fs[1].Message)
	}
}

func TestDraftsReportEveryProblemAtOnce(t *testing.T) {
	cases := []struct {
		name  string
		err   func() error
		pairs [][2]string
	}{
		{"partnership", func() error {
			d := cr.PartnershipDraft{Name: " ", Kind: "council", AreaCodes: []string{"E1", "E2\x00"}}
			return d.Validate()
		}, [][2]string{{"name", "required"}, {"kind", "unknown_value"}, {"area_codes[1]", "invalid"}}},
		{"organisation", func() error {
			d := cr.OrganisationDraft{Name: strings.Repeat("n", 201), Sector: "", ParentID: ptr("nope")}
			return d.Validate()
		}, [][2]string{{"name", "too_long"}, {"sector", "required"}, {"parent_id", "invalid"}}},
		{"review", func() error {
			d := validReview()
			d.Type, d.Reference, d.IncidentYear = "", "\x00", ptr(3000)
			return d.Validate(today)
		}, [][2]string{{"type", "required"}, {"reference", "invalid"}, {"incident_year", "invalid"}}},
		{"recommendation", func() error {
			d := validRecommendation()
			d.Number = ""
			d.Addressees[1].Role = "owner"
			d.Themes[1].Code = "A09"
			return d.Validate()
		}, [][2]string{{"number", "required"}, {"addressees[1].role", "unknown_value"}, {"themes[1].code", "duplicate"}}},
		{"action", func() error {
			d := validAction()
			d.RecommendationID, d.Description, d.CompletionDate = "x", "", ptr(today.AddDays(1))
			return d.Validate(today)
		}, [][2]string{{"recommendation_id", "invalid"}, {"description", "required"}, {"completion_date", "invalid"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantFields(t, c.err(), c.pairs...)
		})
	}
}

func TestErrorCode(t *testing.T) {
	inv := cr.Invalid("number", cr.FieldRequired, "number is required")
	nf := cr.NotFound("review")
	cases := []struct {
		name string
		err  error
		want cr.Code
	}{
		{"nil", nil, cr.CodeInternal},
		{"plain", errors.New("connection refused"), cr.CodeInternal},
		{"wrapped plain", fmt.Errorf("store: %w", errors.New("boom")), cr.CodeInternal},
		{"direct", nf, cr.CodeNotFound},
		{"wrapped", fmt.Errorf("get review: %w", nf), cr.CodeNotFound},
		{"wrapped twice", fmt.Errorf("api: %w", fmt.Errorf("store: %w", inv)), cr.CodeInvalid},
		{"joined", errors.Join(errors.New("x"), cr.Conflict("taken")), cr.CodeConflict},
		{"stale", cr.Stale("review", 3), cr.CodePreconditionFailed},
		{"not wrapped with %v", fmt.Errorf("lost: %v", nf), cr.CodeInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := cr.ErrorCode(c.err); got != c.want {
				t.Errorf("ErrorCode = %q, want %q", got, c.want)
			}
			if c.err != nil && !cr.IsCode(c.err, c.want) {
				t.Errorf("IsCode(%q) = false", c.want)
			}
			if cr.IsCode(c.err, cr.CodeUnavailable) {
				t.Error("IsCode(unavailable) = true")
			}
		})
	}
	if cr.IsCode(nil, cr.CodeInternal) {
		t.Error("IsCode(nil, internal) = true: a nil error has no code")
	}
}

func TestErrorString(t *testing.T) {
	var p cr.Problems
	p.Add("addressees[1].role", cr.FieldUnknownValue, "%q is not one of: lead", "boss")
	p.Add("number", cr.FieldRequired, "number is required")
	err := p.Err()
	want := `invalid: the request has invalid fields; addressees[1].role: "boss" is not one of: lead; number: number is required`
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q\nwant      %q", got, want)
	}
	wrapped := fmt.Errorf("create recommendation: %w", err)
	if !strings.Contains(wrapped.Error(), "number: number is required") {
		t.Errorf("wrapped Error() = %q", wrapped.Error())
	}

	cause := errors.New("pq: connection reset")
	e := &cr.Error{Code: cr.CodeUnavailable, Message: "the database is unavailable", Err: cause}
	if got, want := e.Error(), "unavailable: the database is unavailable: pq: connection reset"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, cause) || errors.Unwrap(e) != cause {
		t.Error("Error does not unwrap to its cause")
	}
	if got := (&cr.Error{Code: cr.CodeInternal}).Error(); got != "internal" {
		t.Errorf("bare Error() = %q", got)
	}
}

func TestErrorConstructors(t *testing.T) {
	nf := cr.NotFound("review")
	if nf.Code != cr.CodeNotFound || nf.Message != "review not found" || len(nf.Fields) != 0 {
		t.Errorf("NotFound = %+v", nf)
	}
	c := cr.Conflict("the number is already in use", cr.FieldError{Field: "number", Code: cr.FieldDuplicate, Message: "m"})
	if c.Code != cr.CodeConflict || len(c.Fields) != 1 || c.Fields[0].Field != "number" || c.Fields[0].Code != cr.FieldDuplicate {
		t.Errorf("Conflict = %+v", c)
	}
	s := cr.Stale("review", 7)
	if s.Code != cr.CodePreconditionFailed || !strings.Contains(s.Message, "current version 7") {
		t.Errorf("Stale = %+v", s)
	}
	inv := cr.Invalid("limit", cr.FieldInvalid, "limit must be between 1 and %d", 200)
	if inv.Code != cr.CodeInvalid || len(inv.Fields) != 1 ||
		inv.Fields[0] != (cr.FieldError{Field: "limit", Code: "invalid", Message: "limit must be between 1 and 200"}) {
		t.Errorf("Invalid = %+v", inv)
	}
}

func TestFieldCodesAreStable(t *testing.T) {
	// Clients branch on these strings.
	got := []string{cr.FieldRequired, cr.FieldInvalid, cr.FieldUnknownValue, cr.FieldTooLong, cr.FieldNotFound,
		cr.FieldDuplicate, cr.FieldOrder, cr.FieldUnknownField, cr.FieldWrongType}
	want := []string{"required", "invalid", "unknown_value", "too_long", "not_found", "duplicate", "out_of_order",
		"unknown_field", "wrong_type"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field code %d = %q, want %q", i, got[i], want[i])
		}
	}
}
