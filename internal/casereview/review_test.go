package casereview_test

import (
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

func TestReviewRules(t *testing.T) {
	tomorrow := today.AddDays(1)
	cases := []struct {
		name  string
		edit  func(d *cr.ReviewDraft)
		field string // "" means valid
		code  string
	}{
		{"published before commissioned", func(d *cr.ReviewDraft) {
			d.CommissionedOn, d.PublishedOn = datePtr("2024-01-10"), datePtr("2024-01-09")
		}, "published_on", cr.FieldOrder},
		{"published on the day commissioned", func(d *cr.ReviewDraft) {
			d.CommissionedOn, d.PublishedOn = datePtr("2024-01-10"), datePtr("2024-01-10")
		}, "", ""},
		{"published without commissioned", func(d *cr.ReviewDraft) { d.CommissionedOn = nil }, "", ""},
		{"commissioned tomorrow", func(d *cr.ReviewDraft) {
			d.Status, d.Visibility, d.PublishedOn, d.CommissionedOn = cr.ReviewInProgress, cr.VisibilityShared, nil, &tomorrow
		}, "commissioned_on", cr.FieldInvalid},
		{"commissioned today", func(d *cr.ReviewDraft) {
			d.Status, d.Visibility, d.PublishedOn, d.CommissionedOn = cr.ReviewInProgress, cr.VisibilityShared, nil, ptr(today)
		}, "", ""},
		{"published tomorrow", func(d *cr.ReviewDraft) { d.PublishedOn = &tomorrow }, "published_on", cr.FieldInvalid},
		{"published today", func(d *cr.ReviewDraft) { d.PublishedOn = ptr(today) }, "", ""},
		{"published status without published_on", func(d *cr.ReviewDraft) {
			d.PublishedOn = nil
		}, "published_on", cr.FieldRequired},
		{"published_on without published status", func(d *cr.ReviewDraft) {
			d.Status, d.Visibility = cr.ReviewWithdrawn, cr.VisibilityShared
		}, "", ""},
		{"public but in progress", func(d *cr.ReviewDraft) { d.Status = cr.ReviewInProgress }, "visibility", cr.FieldInvalid},
		{"public but withdrawn", func(d *cr.ReviewDraft) { d.Status = cr.ReviewWithdrawn }, "visibility", cr.FieldInvalid},
		{"restricted and published", func(d *cr.ReviewDraft) { d.Visibility = cr.VisibilityRestricted }, "", ""},
		{"incident 1899", func(d *cr.ReviewDraft) { d.IncidentYear = ptr(1899) }, "incident_year", cr.FieldInvalid},
		{"incident 1900", func(d *cr.ReviewDraft) { d.IncidentYear = ptr(1900) }, "", ""},
		{"incident this year", func(d *cr.ReviewDraft) { d.IncidentYear = ptr(today.Year) }, "", ""},
		{"incident next year", func(d *cr.ReviewDraft) { d.IncidentYear = ptr(today.Year + 1) }, "incident_year", cr.FieldInvalid},
		{"incident negative", func(d *cr.ReviewDraft) { d.IncidentYear = ptr(-2022) }, "incident_year", cr.FieldInvalid},
		{"incident absent", func(d *cr.ReviewDraft) { d.IncidentYear = nil }, "", ""},
		{"url http", func(d *cr.ReviewDraft) { d.ReportURL = ptr("http://example.org/r.pdf") }, "", ""},
		{"url with query", func(d *cr.ReviewDraft) { d.ReportURL = ptr("https://example.org:8443/r?id=4#p2") }, "", ""},
		{"url ftp", func(d *cr.ReviewDraft) { d.ReportURL = ptr("ftp://example.org/r.pdf") }, "report_url", cr.FieldInvalid},
		{"url javascript", func(d *cr.ReviewDraft) { d.ReportURL = ptr("javascript:alert(1)") }, "report_url", cr.FieldInvalid},
		{"url mailto", func(d *cr.ReviewDraft) { d.ReportURL = ptr("mailto:dhr@example.org") }, "report_url", cr.FieldInvalid},
		{"url without scheme", func(d *cr.ReviewDraft) { d.ReportURL = ptr("example.org/r.pdf") }, "report_url", cr.FieldInvalid},
		{"url scheme-relative", func(d *cr.ReviewDraft) { d.ReportURL = ptr("//example.org/r.pdf") }, "report_url", cr.FieldInvalid},
		{"url without host", func(d *cr.ReviewDraft) { d.ReportURL = ptr("https:///r.pdf") }, "report_url", cr.FieldInvalid},
		{"url scheme only", func(d *cr.ReviewDraft) { d.ReportURL = ptr("https://") }, "report_url", cr.FieldInvalid},
		{"url opaque", func(d *cr.ReviewDraft) { d.ReportURL = ptr("https:example.org") }, "report_url", cr.FieldInvalid},
		{"url unparseable", func(d *cr.ReviewDraft) { d.ReportURL = ptr("https://exa mple.org/") }, "report_url", cr.FieldInvalid},
		{"url control char", func(d *cr.ReviewDraft) { d.ReportURL = ptr("https://example.org/\x00") }, "report_url", cr.FieldInvalid},
		{"url too long", func(d *cr.ReviewDraft) {
			d.ReportURL = ptr("https://example.org/" + strings.Repeat("a", 2000))
		}, "report_url", cr.FieldInvalid},
		{"url at 2000", func(d *cr.ReviewDraft) {
			d.ReportURL = ptr("https://example.org/" + strings.Repeat("a", 2000-len("https://example.org/")))
		}, "", ""},
		{"url absent", func(d *cr.ReviewDraft) { d.ReportURL = nil }, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validReview()
			c.edit(&d)
			err := d.Validate(today)
			if c.field == "" {
				wantNil(t, err)
				return
			}
			wantOnly(t, err, c.field, c.code)
		})
	}
}

func TestReviewEmptyReportURLBecomesNil(t *testing.T) {
	d := validReview()
	d.ReportURL = ptr("")
	wantNil(t, d.Validate(today))
	if d.ReportURL != nil {
		t.Errorf("report_url = %q, want nil", *d.ReportURL)
	}
}

func TestReviewFutureAndOutOfOrderTogether(t *testing.T) {
	// Both dates in the future and in the wrong order: all three problems are reported.
	d := validReview()
	d.CommissionedOn, d.PublishedOn = ptr(today.AddDays(10)), ptr(today.AddDays(5))
	wantFields(t, d.Validate(today),
		[2]string{"published_on", cr.FieldOrder},
		[2]string{"commissioned_on", cr.FieldInvalid},
		[2]string{"published_on", cr.FieldInvalid})
}

func TestReviewStatusRulesReportEveryProblem(t *testing.T) {
	d := validReview()
	d.Status, d.PublishedOn = "", nil
	// Status missing, and a public review that is not published.
	wantFields(t, d.Validate(today),
		[2]string{"status", cr.FieldRequired},
		[2]string{"visibility", cr.FieldInvalid})
}
