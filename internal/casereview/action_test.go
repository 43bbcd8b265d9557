package casereview_test

import (
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

func TestActionDates(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(d *cr.ActionDraft)
		field string
	}{
		{"completed today", func(d *cr.ActionDraft) { d.CompletionDate = ptr(today) }, ""},
		{"completed tomorrow", func(d *cr.ActionDraft) { d.CompletionDate = ptr(today.AddDays(1)) }, "completion_date"},
		{"completed next year", func(d *cr.ActionDraft) { d.CompletionDate = datePtr("2025-01-01") }, "completion_date"},
		{"target in the future is fine", func(d *cr.ActionDraft) { d.TargetDate = datePtr("2030-01-01") }, ""},
		{"target in the past is fine", func(d *cr.ActionDraft) { d.TargetDate = datePtr("2000-01-01") }, ""},
		{"not completed", func(d *cr.ActionDraft) { d.CompletionDate = nil }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validAction()
			c.edit(&d)
			err := d.Validate(today)
			if c.field == "" {
				wantNil(t, err)
				return
			}
			wantOnly(t, err, c.field, cr.FieldInvalid)
		})
	}
}
