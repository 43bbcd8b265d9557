package casereview_test

import (
	"slices"
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

// The allowed values are a contract with the database CHECK constraints and the API, so they are
// spelled out here rather than read back from the package.
var (
	wantKinds = []string{"community_safety_partnership", "safeguarding_children_partnership",
		"safeguarding_adults_board", "child_death_overview_panel", "coroner_area", "other"}
	wantSectors = []string{"police", "nhs_trust", "icb", "gp", "ambulance", "la_childrens_services",
		"la_adult_services", "housing", "probation", "prisons", "education", "cps_courts",
		"specialist_da_service", "government_department", "regulator", "other"}
	wantStatuses     = []string{"commissioned", "in_progress", "submitted_for_qa", "published", "withdrawn"}
	wantVisibilities = []string{"restricted", "shared", "public"}
	wantScopes       = []string{"local", "regional", "national"}
	wantRoles        = []string{"lead", "supporting", "for_information"}
	wantSources      = []string{"manual", "rule", "suggested"}
	wantResponse     = []string{"awaiting_response", "response_received", "accepted",
		"accepted_in_part", "accepted_alternative", "not_accepted"}
	wantImplementation = []string{"not_started", "planned", "in_progress",
		"implemented_pending_verification", "implemented_verified", "not_implemented"}
	wantOversight = []string{"open_unassessed", "open_acceptable", "open_acceptable_alternative",
		"open_unacceptable", "closed_acceptable_action", "closed_acceptable_alternative_action", "closed_exceeds",
		"closed_unacceptable_action", "closed_no_response", "closed_superseded", "closed_duplicate",
		"closed_no_longer_applicable", "closed_reconsidered"}
)

func strs[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

func TestEnumListsAreTheContract(t *testing.T) {
	cases := []struct {
		name      string
		got, want []string
	}{
		{"PartnershipKinds", strs(cr.PartnershipKinds), wantKinds},
		{"Sectors", strs(cr.Sectors), wantSectors},
		{"ReviewStatuses", strs(cr.ReviewStatuses), wantStatuses},
		{"Visibilities", strs(cr.Visibilities), wantVisibilities},
		{"Scopes", strs(cr.Scopes), wantScopes},
		{"AddresseeRoles", strs(cr.AddresseeRoles), wantRoles},
		{"ThemeSources", strs(cr.ThemeSources), wantSources},
		{"ResponseStatuses", strs(cr.ResponseStatuses), wantResponse},
		{"ImplementationStatuses", strs(cr.ImplementationStatuses), wantImplementation},
		{"OversightStatuses", strs(cr.OversightStatuses), wantOversight},
	}
	for _, c := range cases {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

type enumCase struct {
	name    string
	field   string
	allowed []string
	// check validates a valid object whose enumeration under test is set to v.
	check func(v string) error
}

func enumCases() []enumCase {
	return []enumCase{
		{"partnership kind", "kind", wantKinds, func(v string) error {
			d := validPartnership()
			d.Kind = cr.PartnershipKind(v)
			return d.Validate()
		}},
		{"partnership filter kind", "kind", wantKinds, func(v string) error {
			return cr.PartnershipFilter{Kind: cr.PartnershipKind(v)}.Validate()
		}},
		{"organisation sector", "sector", wantSectors, func(v string) error {
			d := validOrganisation()
			d.Sector = cr.Sector(v)
			return d.Validate()
		}},
		{"organisation filter sector", "sector", wantSectors, func(v string) error {
			f := cr.OrganisationFilter{Sector: cr.Sector(v)}
			return f.Validate()
		}},
		{"review status", "status", wantStatuses, func(v string) error {
			d := validReview()
			d.Status = cr.ReviewStatus(v)
			d.Visibility = cr.VisibilityRestricted
			return d.Validate(today)
		}},
		{"review filter status", "status", wantStatuses, func(v string) error {
			f := cr.ReviewFilter{Status: cr.ReviewStatus(v)}
			return f.Validate()
		}},
		{"review visibility", "visibility", wantVisibilities, func(v string) error {
			d := validReview()
			d.Visibility = cr.Visibility(v)
			return d.Validate(today)
		}},
		{"review filter visibility", "visibility", wantVisibilities, func(v string) error {
			f := cr.ReviewFilter{Visibility: cr.Visibility(v)}
			return f.Validate()
		}},
		{"recommendation scope", "scope", wantScopes, func(v string) error {
			d := validRecommendation()
			d.Scope = cr.Scope(v)
			return d.Validate()
		}},
		{"recommendation filter scope", "scope", wantScopes, func(v string) error {
			f := cr.RecommendationFilter{Scope: cr.Scope(v)}
			return f.Validate()
		}},
		{"addressee role", "addressees[1].role", wantRoles, func(v string) error {
			d := validRecommendation()
			d.Addressees[1].Role = cr.AddresseeRole(v)
			return d.Validate()
		}},
		{"recommendation filter addressee role", "addressee_role", wantRoles, func(v string) error {
			f := cr.RecommendationFilter{AddresseeRole: cr.AddresseeRole(v)}
			return f.Validate()
		}},
		{"theme source", "themes[1].source", wantSources, func(v string) error {
			d := validRecommendation()
			d.Themes[1].Source = cr.ThemeSource(v)
			return d.Validate()
		}},
		{"recommendation filter response status", "response_status", wantResponse, func(v string) error {
			f := cr.RecommendationFilter{ResponseStatus: cr.ResponseStatus(v)}
			return f.Validate()
		}},
		{"recommendation filter implementation status", "implementation_status", wantImplementation, func(v string) error {
			f := cr.RecommendationFilter{ImplementationStatus: cr.ImplementationStatus(v)}
			return f.Validate()
		}},
		{"recommendation filter oversight status", "oversight_status", wantOversight, func(v string) error {
			f := cr.RecommendationFilter{OversightStatus: cr.OversightStatus(v)}
			return f.Validate()
		}},
		{"action filter implementation status", "implementation_status", wantImplementation, func(v string) error {
			f := cr.ActionFilter{ImplementationStatus: cr.ImplementationStatus(v)}
			return f.Validate()
		}},
	}
}

func TestEnumsAcceptEveryAllowedValue(t *testing.T) {
	for _, c := range enumCases() {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range c.allowed {
				if err := c.check(v); err != nil {
					t.Errorf("%q rejected: %v", v, err)
				}
			}
		})
	}
}

func TestEnumsRejectUnknownValues(t *testing.T) {
	for _, c := range enumCases() {
		t.Run(c.name, func(t *testing.T) {
			unknown := []string{"bogus", strings.ToUpper(c.allowed[0]), " " + c.allowed[0], c.allowed[0] + " ",
				strings.ReplaceAll(c.allowed[0], "_", "-"), c.allowed[0][:len(c.allowed[0])-1]}
			for _, v := range unknown {
				if slices.Contains(c.allowed, v) {
					continue // a variant that happens to be allowed, e.g. no underscore to replace
				}
				fe := wantOnly(t, c.check(v), c.field, cr.FieldUnknownValue)
				if !strings.Contains(fe.Message, `"`+v+`"`) {
					t.Errorf("message %q does not quote the rejected value %q", fe.Message, v)
				}
				if want := strings.Join(c.allowed, ", "); !strings.HasSuffix(fe.Message, want) {
					t.Errorf("message %q does not list the allowed values %q", fe.Message, want)
				}
			}
		})
	}
}

// Filters treat an empty enumeration as "any"; drafts treat it as missing (see the required tests).
func TestFiltersAcceptEmpty(t *testing.T) {
	wantNil(t, cr.PartnershipFilter{}.Validate())
	wantNil(t, (&cr.OrganisationFilter{}).Validate())
	wantNil(t, (&cr.ReviewFilter{}).Validate())
	wantNil(t, (&cr.RecommendationFilter{}).Validate())
	wantNil(t, (&cr.ActionFilter{}).Validate())
}

func TestFilterReportsEveryBadEnum(t *testing.T) {
	f := cr.RecommendationFilter{AddresseeRole: "x", Scope: "x", ResponseStatus: "x",
		ImplementationStatus: "x", OversightStatus: "x"}
	wantFields(t, f.Validate(),
		[2]string{"addressee_role", cr.FieldUnknownValue},
		[2]string{"scope", cr.FieldUnknownValue},
		[2]string{"response_status", cr.FieldUnknownValue},
		[2]string{"implementation_status", cr.FieldUnknownValue},
		[2]string{"oversight_status", cr.FieldUnknownValue})
}

func TestCheckEnumDirect(t *testing.T) {
	var p cr.Problems
	cr.CheckEnum(&p, "scope", cr.Scope("local"), cr.Scopes)
	if !p.Empty() {
		t.Fatalf("local rejected: %v", p.Err())
	}
	cr.CheckEnum(&p, "scope", cr.Scope(""), cr.Scopes)
	cr.CheckEnum(&p, "scope", cr.Scope("planetary"), cr.Scopes)
	fs := wantFields(t, p.Err(), [2]string{"scope", cr.FieldRequired}, [2]string{"scope", cr.FieldUnknownValue})
	if want := `"planetary" is not one of: local, regional, national`; fs[1].Message != want {
		t.Errorf("message %q, want %q", fs[1].Message, want)
	}
	if !cr.Valid(cr.RoleLead, cr.AddresseeRoles) || cr.Valid(cr.AddresseeRole("Lead"), cr.AddresseeRoles) {
		t.Error("Valid is wrong about roles")
	}
}
