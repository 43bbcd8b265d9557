package store_test

import (
	"errors"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// An action's dates must be possible: no target before the recommendation was issued (its
// review's publication), no completion before the review was commissioned.
func TestActionDatesInAnImpossibleOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s) // review published 2025-06-01, no commissioned date
		ctx := sysCtx()
		rec, err := s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		comm := casereview.MustDate("2024-01-10")
		d := f.review.Draft()
		d.CommissionedOn = &comm
		if _, err := s.UpdateReview(ctx, f.review.ID, f.review.Version, d); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name              string
			target, completed string
			field             string
		}{
			{"target before issue", "2025-05-31", "", "target_date"},
			{"completed before commissioned", "", "2024-01-09", "completion_date"},
		}
		for _, c := range cases {
			a := casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: c.name}
			if c.target != "" {
				x := casereview.MustDate(c.target)
				a.TargetDate = &x
			}
			if c.completed != "" {
				x := casereview.MustDate(c.completed)
				a.CompletionDate = &x
			}
			_, err := s.CreateAction(ctx, a)
			var de *casereview.Error
			if !errors.As(err, &de) || de.Code != casereview.CodeInvalid || len(de.Fields) != 1 || de.Fields[0].Field != c.field || de.Fields[0].Code != casereview.FieldOrder {
				t.Errorf("%s: got %v, want invalid %s out_of_order", c.name, err, c.field)
			}
		}
		ok := casereview.MustDate("2025-06-01")
		done := casereview.MustDate("2024-01-10")
		if _, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "on the day",
			TargetDate: &ok, CompletionDate: &done}); err != nil {
			t.Fatalf("dates on the boundaries were refused: %v", err)
		}
	})
}
