package casereview_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

// Well-formed ids used throughout the tests.
const (
	idA = "3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f"
	idB = "0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d"
	idC = "ffffffff-0000-4000-8000-000000000001"
)

var today = cr.MustDate("2024-06-15")

func ptr[T any](v T) *T { return &v }

func datePtr(s string) *cr.Date { return ptr(cr.MustDate(s)) }

// fieldsOf returns the field errors of an invalid-input error, failing the test for any other error.
func fieldsOf(t *testing.T, err error) []cr.FieldError {
	t.Helper()
	if err == nil {
		t.Fatal("got nil error, want an invalid-input error")
	}
	var e *cr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *casereview.Error", err, err)
	}
	if e.Code != cr.CodeInvalid {
		t.Fatalf("error code %q, want %q (%v)", e.Code, cr.CodeInvalid, err)
	}
	if len(e.Fields) == 0 {
		t.Fatalf("invalid-input error names no fields: %v", err)
	}
	return e.Fields
}

func describe(fs []cr.FieldError) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n\t%s [%s] %s", f.Field, f.Code, f.Message)
	}
	return b.String()
}

// wantOnly asserts that err reports exactly one problem: code on field.
func wantOnly(t *testing.T, err error, field, code string) cr.FieldError {
	t.Helper()
	fs := fieldsOf(t, err)
	if len(fs) != 1 || fs[0].Field != field || fs[0].Code != code {
		t.Fatalf("want exactly %s [%s]; got:%s", field, code, describe(fs))
	}
	return fs[0]
}

// wantFields asserts that err reports exactly the given field/code pairs, in order.
func wantFields(t *testing.T, err error, pairs ...[2]string) []cr.FieldError {
	t.Helper()
	fs := fieldsOf(t, err)
	ok := len(fs) == len(pairs)
	for i := 0; ok && i < len(pairs); i++ {
		ok = fs[i].Field == pairs[i][0] && fs[i].Code == pairs[i][1]
	}
	if !ok {
		var want strings.Builder
		for _, p := range pairs {
			fmt.Fprintf(&want, "\n\t%s [%s]", p[0], p[1])
		}
		t.Fatalf("want:%s\ngot:%s", want.String(), describe(fs))
	}
	return fs
}

func wantNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		var e *cr.Error
		if errors.As(err, &e) {
			t.Fatalf("want nil, got %v:%s", err, describe(e.Fields))
		}
		t.Fatalf("want nil, got %v", err)
	}
}

// Valid drafts; each test copies one and breaks a single thing.

func validPartnership() cr.PartnershipDraft {
	return cr.PartnershipDraft{Name: "Northshire Safeguarding Children Partnership",
		Kind: "safeguarding_children_partnership", AreaCodes: []string{"E06000001", "Northshire Police"}}
}

func validOrganisation() cr.OrganisationDraft {
	return cr.OrganisationDraft{Name: "Northshire Police", Aliases: []string{"NP", "Northshire Constabulary"},
		Sector: "police", ParentID: ptr(idC)}
}

func validReview() cr.ReviewDraft {
	return cr.ReviewDraft{Type: "DHR", PartnershipID: idA, Reference: "DHR-2023-01", Title: "Adult A",
		Status: cr.ReviewPublished, IncidentYear: ptr(2022), CommissionedOn: datePtr("2023-01-10"),
		PublishedOn: datePtr("2024-03-01"), ReportURL: ptr("https://example.org/dhr/adult-a.pdf"),
		Summary: "A review of the circumstances.\nSecond paragraph.", Visibility: cr.VisibilityPublic}
}

func validRecommendation() cr.RecommendationDraft {
	return cr.RecommendationDraft{ReviewID: idA, Number: "3a", Title: "Training on coercive control",
		Text: "Northshire Police should train all response officers.\n\tWithin six months.", Scope: "local",
		InterventionType: ptr("training"), ResponseDue: datePtr("2024-09-01"),
		Addressees: []cr.AddresseeDraft{
			{OrganisationID: idB, Role: cr.RoleLead, RawText: "Northshire Police",
				NotifiedOn: datePtr("2024-03-02"), AcknowledgedOn: datePtr("2024-03-10")},
			{OrganisationID: idC, Role: cr.RoleSupporting},
		},
		Themes: []cr.ThemeDraft{{Code: "A09", Primary: true, Source: "rule"}, {Code: "stalking", Source: "manual"}},
	}
}

func validAction() cr.ActionDraft {
	return cr.ActionDraft{RecommendationID: idA, OrganisationID: idB, Description: "Deliver training",
		Owner: "Learning and development team", TargetDate: datePtr("2024-12-31"),
		CompletionDate: datePtr("2024-05-01"), Outcome: ptr("Delivered to 240 officers")}
}
