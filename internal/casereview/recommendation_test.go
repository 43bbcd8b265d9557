package casereview_test

import (
	"fmt"
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

func orgID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

func addressees(n int) []cr.AddresseeDraft {
	out := make([]cr.AddresseeDraft, n)
	for i := range out {
		out[i] = cr.AddresseeDraft{OrganisationID: orgID(i), Role: cr.RoleForInformation}
	}
	return out
}

func themes(n int) []cr.ThemeDraft {
	out := make([]cr.ThemeDraft, n)
	for i := range out {
		out[i] = cr.ThemeDraft{Code: fmt.Sprintf("A%02d", i+1)}
	}
	return out
}

func primaries(ts []cr.ThemeDraft) []int {
	var out []int
	for i, t := range ts {
		if t.Primary {
			out = append(out, i)
		}
	}
	return out
}

func TestRecommendationAddressees(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(d *cr.RecommendationDraft)
		field string // "" means valid
		code  string
	}{
		{"acknowledged before notified", func(d *cr.RecommendationDraft) {
			d.Addressees[1].NotifiedOn, d.Addressees[1].AcknowledgedOn = datePtr("2024-03-02"), datePtr("2024-03-01")
		}, "addressees[1].acknowledged_on", cr.FieldOrder},
		{"acknowledged the day notified", func(d *cr.RecommendationDraft) {
			d.Addressees[1].NotifiedOn, d.Addressees[1].AcknowledgedOn = datePtr("2024-03-02"), datePtr("2024-03-02")
		}, "", ""},
		{"acknowledged without notified", func(d *cr.RecommendationDraft) {
			d.Addressees[1].AcknowledgedOn = datePtr("2024-03-02")
		}, "", ""},
		{"notified without acknowledged", func(d *cr.RecommendationDraft) {
			d.Addressees[1].NotifiedOn = datePtr("2024-03-02")
		}, "", ""},
		{"same organisation twice", func(d *cr.RecommendationDraft) {
			d.Addressees[1].OrganisationID = d.Addressees[0].OrganisationID
		}, "addressees[1].organisation_id", cr.FieldDuplicate},
		{"same organisation in another case", func(d *cr.RecommendationDraft) {
			d.Addressees[1].OrganisationID = strings.ToUpper(d.Addressees[0].OrganisationID)
		}, "addressees[1].organisation_id", cr.FieldDuplicate},
		{"same organisation with another role", func(d *cr.RecommendationDraft) {
			d.Addressees[1].OrganisationID, d.Addressees[1].Role = d.Addressees[0].OrganisationID, cr.RoleLead
		}, "addressees[1].organisation_id", cr.FieldDuplicate},
		{"raw text with NUL", func(d *cr.RecommendationDraft) { d.Addressees[0].RawText = "Police\x00" }, "addressees[0].raw_text", cr.FieldInvalid},
		{"no addressees", func(d *cr.RecommendationDraft) { d.Addressees = nil }, "", ""},
		{"100 addressees", func(d *cr.RecommendationDraft) { d.Addressees = addressees(100) }, "", ""},
		{"101 addressees", func(d *cr.RecommendationDraft) { d.Addressees = addressees(101) }, "addressees", cr.FieldTooLong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validRecommendation()
			c.edit(&d)
			err := d.Validate()
			if c.field == "" {
				wantNil(t, err)
				return
			}
			wantOnly(t, err, c.field, c.code)
		})
	}
}

func TestRecommendationDuplicateOrganisationNamesFirstIndex(t *testing.T) {
	d := validRecommendation()
	d.Addressees = append(d.Addressees, cr.AddresseeDraft{OrganisationID: idB, Role: cr.RoleSupporting})
	fe := wantOnly(t, d.Validate(), "addressees[2].organisation_id", cr.FieldDuplicate)
	if !strings.Contains(fe.Message, "addressees[0]") {
		t.Errorf("message %q does not name addressees[0]", fe.Message)
	}
}

func TestRecommendationThemes(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(d *cr.RecommendationDraft)
		field string // "" means valid
		code  string
	}{
		{"duplicate code", func(d *cr.RecommendationDraft) { d.Themes[1].Code = "A09" }, "themes[1].code", cr.FieldDuplicate},
		{"two primaries", func(d *cr.RecommendationDraft) { d.Themes[1].Primary = true }, "themes", cr.FieldInvalid},
		{"no themes", func(d *cr.RecommendationDraft) { d.Themes = nil }, "", ""},
		{"unknown source", func(d *cr.RecommendationDraft) { d.Themes[0].Source = "import" }, "themes[0].source", cr.FieldUnknownValue},
		{"20 themes", func(d *cr.RecommendationDraft) { d.Themes = themes(20) }, "", ""},
		{"21 themes", func(d *cr.RecommendationDraft) { d.Themes = themes(21) }, "themes", cr.FieldTooLong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := validRecommendation()
			c.edit(&d)
			err := d.Validate()
			if c.field == "" {
				wantNil(t, err)
				return
			}
			wantOnly(t, err, c.field, c.code)
		})
	}
}

func TestRecommendationThemeDuplicatesAndPrimariesTogether(t *testing.T) {
	d := validRecommendation()
	d.Themes = []cr.ThemeDraft{{Code: "A01", Primary: true}, {Code: "A02"}, {Code: "A01", Primary: true},
		{Code: "A02", Primary: true}}
	fs := wantFields(t, d.Validate(),
		[2]string{"themes[2].code", cr.FieldDuplicate},
		[2]string{"themes[3].code", cr.FieldDuplicate},
		[2]string{"themes", cr.FieldInvalid})
	if !strings.Contains(fs[0].Message, "themes[0]") || !strings.Contains(fs[1].Message, "themes[1]") {
		t.Errorf("duplicate messages do not name the first occurrence:%s", describe(fs))
	}
	if !strings.Contains(fs[2].Message, "3") {
		t.Errorf("message %q does not say how many are primary", fs[2].Message)
	}
}

func TestRecommendationFirstThemeBecomesPrimary(t *testing.T) {
	d := validRecommendation()
	d.Themes = themes(3)
	wantNil(t, d.Validate())
	if got := primaries(d.Themes); len(got) != 1 || got[0] != 0 {
		t.Errorf("primary themes at %v, want [0]", got)
	}

	// An explicit primary is kept where it is.
	d = validRecommendation()
	d.Themes = themes(3)
	d.Themes[2].Primary = true
	wantNil(t, d.Validate())
	if got := primaries(d.Themes); len(got) != 1 || got[0] != 2 {
		t.Errorf("primary themes at %v, want [2]", got)
	}

	// Two primaries are an error, and Validate does not quietly pick one.
	d = validRecommendation()
	d.Themes = themes(3)
	d.Themes[1].Primary, d.Themes[2].Primary = true, true
	wantOnly(t, d.Validate(), "themes", cr.FieldInvalid)
	if got := primaries(d.Themes); len(got) != 2 {
		t.Errorf("primary themes at %v after a rejected draft", got)
	}
}

func TestRecommendationThemeSourceDefaults(t *testing.T) {
	d := validRecommendation()
	d.Themes = []cr.ThemeDraft{{Code: "A01"}, {Code: "A02", Source: "rule"}, {Code: "A03", Source: "suggested"}, {Code: "A04"}}
	wantNil(t, d.Validate())
	want := []cr.ThemeSource{"manual", "rule", "suggested", "manual"}
	for i, th := range d.Themes {
		if th.Source != want[i] {
			t.Errorf("themes[%d].source = %q, want %q", i, th.Source, want[i])
		}
	}
}

func TestRecommendationInterventionType(t *testing.T) {
	d := validRecommendation()
	d.InterventionType = ptr("")
	wantNil(t, d.Validate())
	if d.InterventionType != nil {
		t.Errorf("empty intervention type kept as %q", *d.InterventionType)
	}
	d = validRecommendation()
	wantNil(t, d.Validate())
	if d.InterventionType == nil || *d.InterventionType != "training" {
		t.Errorf("intervention type = %v", d.InterventionType)
	}
}

func TestRecommendationValidateIsIdempotent(t *testing.T) {
	d := validRecommendation()
	d.ReviewID = strings.ToUpper(d.ReviewID)
	d.Themes = themes(2)
	wantNil(t, d.Validate())
	first := fmt.Sprintf("%+v", d)
	wantNil(t, d.Validate())
	if second := fmt.Sprintf("%+v", d); second != first {
		t.Errorf("second Validate changed the draft:\n%s\n%s", first, second)
	}
}

func TestRecommendationDraftRoundTrip(t *testing.T) {
	x := cr.Recommendation{ReviewID: idA, Number: "R4", Text: "t", Scope: "regional",
		Addressees: []cr.Addressee{{OrganisationID: idB, OrganisationName: "Police", Role: cr.RoleLead}},
		Themes:     []cr.ThemeAssignment{{Code: "A09", Slug: "stalking", Primary: true, Source: "rule"}}}
	d := x.Draft()
	wantNil(t, d.Validate())
	if d.Addressees[0].OrganisationID != idB || d.Themes[0].Code != "A09" || !d.Themes[0].Primary || d.Themes[0].Source != "rule" {
		t.Errorf("Draft() = %+v", d)
	}
}
