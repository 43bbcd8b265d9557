package casereview_test

import (
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

func TestValidDraftsPass(t *testing.T) {
	t.Run("partnership", func(t *testing.T) { d := validPartnership(); wantNil(t, d.Validate()) })
	t.Run("organisation", func(t *testing.T) { d := validOrganisation(); wantNil(t, d.Validate()) })
	t.Run("organisation without parent or aliases", func(t *testing.T) {
		d := cr.OrganisationDraft{Name: "GP practice", Sector: "gp"}
		wantNil(t, d.Validate())
	})
	t.Run("review", func(t *testing.T) { d := validReview(); wantNil(t, d.Validate(today)) })
	t.Run("review minimal", func(t *testing.T) {
		d := cr.ReviewDraft{Type: "CSPR", PartnershipID: idA, Reference: "R1", Title: "Child B",
			Status: cr.ReviewCommissioned, Visibility: cr.VisibilityRestricted}
		wantNil(t, d.Validate(today))
	})
	t.Run("recommendation", func(t *testing.T) { d := validRecommendation(); wantNil(t, d.Validate()) })
	t.Run("recommendation minimal", func(t *testing.T) {
		d := cr.RecommendationDraft{ReviewID: idA, Number: "1", Text: "Do it.", Scope: "national"}
		wantNil(t, d.Validate())
	})
	t.Run("action", func(t *testing.T) { d := validAction(); wantNil(t, d.Validate(today)) })
	t.Run("action minimal", func(t *testing.T) {
		d := cr.ActionDraft{RecommendationID: idA, OrganisationID: idB, Description: "x"}
		wantNil(t, d.Validate(today))
	})
}

// blanks are the values that count as a missing required text field.
var blanks = []string{"", " ", "   \t\n\r\n  "}

func TestPartnershipRequired(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(d *cr.PartnershipDraft)
		field string
	}{
		{"name empty", func(d *cr.PartnershipDraft) { d.Name = "" }, "name"},
		{"name spaces", func(d *cr.PartnershipDraft) { d.Name = "  \t\n" }, "name"},
		{"kind", func(d *cr.PartnershipDraft) { d.Kind = "" }, "kind"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validPartnership()
			c.edit(&d)
			fe := wantOnly(t, d.Validate(), c.field, cr.FieldRequired)
			if fe.Message != c.field+" is required" {
				t.Errorf("message %q", fe.Message)
			}
		})
	}
}

func TestOrganisationRequired(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(d *cr.OrganisationDraft)
		field string
	}{
		{"name empty", func(d *cr.OrganisationDraft) { d.Name = "" }, "name"},
		{"name spaces", func(d *cr.OrganisationDraft) { d.Name = " \n " }, "name"},
		{"sector", func(d *cr.OrganisationDraft) { d.Sector = "" }, "sector"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validOrganisation()
			c.edit(&d)
			wantOnly(t, d.Validate(), c.field, cr.FieldRequired)
		})
	}
}

func TestReviewRequired(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(d *cr.ReviewDraft)
		field string
	}{
		{"type", func(d *cr.ReviewDraft) { d.Type = "" }, "type"},
		{"partnership_id", func(d *cr.ReviewDraft) { d.PartnershipID = "" }, "partnership_id"},
		{"reference empty", func(d *cr.ReviewDraft) { d.Reference = "" }, "reference"},
		{"reference spaces", func(d *cr.ReviewDraft) { d.Reference = "\t \n" }, "reference"},
		{"title empty", func(d *cr.ReviewDraft) { d.Title = "" }, "title"},
		{"title spaces", func(d *cr.ReviewDraft) { d.Title = "    " }, "title"},
		// An empty status is not published, so a public review would also fail; keep it shared.
		{"status", func(d *cr.ReviewDraft) { d.Status = ""; d.Visibility = cr.VisibilityShared }, "status"},
		{"visibility", func(d *cr.ReviewDraft) { d.Visibility = "" }, "visibility"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validReview()
			c.edit(&d)
			wantOnly(t, d.Validate(today), c.field, cr.FieldRequired)
		})
	}
	t.Run("summary is optional", func(t *testing.T) {
		for _, s := range blanks {
			d := validReview()
			d.Summary = s
			wantNil(t, d.Validate(today))
		}
	})
}

func TestRecommendationRequired(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(d *cr.RecommendationDraft)
		field string
	}{
		{"review_id", func(d *cr.RecommendationDraft) { d.ReviewID = "" }, "review_id"},
		{"number empty", func(d *cr.RecommendationDraft) { d.Number = "" }, "number"},
		{"number spaces", func(d *cr.RecommendationDraft) { d.Number = " " }, "number"},
		{"text empty", func(d *cr.RecommendationDraft) { d.Text = "" }, "text"},
		{"text spaces", func(d *cr.RecommendationDraft) { d.Text = "\n\n\t " }, "text"},
		{"scope", func(d *cr.RecommendationDraft) { d.Scope = "" }, "scope"},
		{"addressee organisation_id", func(d *cr.RecommendationDraft) { d.Addressees[1].OrganisationID = "" }, "addressees[1].organisation_id"},
		{"addressee role", func(d *cr.RecommendationDraft) { d.Addressees[1].Role = "" }, "addressees[1].role"},
		{"first addressee role", func(d *cr.RecommendationDraft) { d.Addressees[0].Role = "" }, "addressees[0].role"},
		{"theme code", func(d *cr.RecommendationDraft) { d.Themes[1].Code = "" }, "themes[1].code"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validRecommendation()
			c.edit(&d)
			wantOnly(t, d.Validate(), c.field, cr.FieldRequired)
		})
	}
	t.Run("optional fields", func(t *testing.T) {
		for _, s := range blanks {
			d := validRecommendation()
			d.Title = s
			d.Addressees[0].RawText = s
			d.Addressees[0].NotifiedOn, d.Addressees[0].AcknowledgedOn = nil, nil
			d.ResponseDue = nil
			d.InterventionType = nil
			d.Themes[1].Source = ""
			wantNil(t, d.Validate())
		}
	})
}

func TestActionRequired(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(d *cr.ActionDraft)
		field string
	}{
		{"recommendation_id", func(d *cr.ActionDraft) { d.RecommendationID = "" }, "recommendation_id"},
		{"organisation_id", func(d *cr.ActionDraft) { d.OrganisationID = "" }, "organisation_id"},
		{"description empty", func(d *cr.ActionDraft) { d.Description = "" }, "description"},
		{"description spaces", func(d *cr.ActionDraft) { d.Description = " \r\n " }, "description"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validAction()
			c.edit(&d)
			wantOnly(t, d.Validate(today), c.field, cr.FieldRequired)
		})
	}
	t.Run("optional fields", func(t *testing.T) {
		for _, s := range blanks {
			d := validAction()
			d.Owner = s
			d.Outcome = ptr(s)
			d.TargetDate, d.CompletionDate = nil, nil
			wantNil(t, d.Validate(today))
		}
		d := validAction()
		d.Outcome = nil
		wantNil(t, d.Validate(today))
	})
}
