package casereview

import (
	"slices"
	"strings"
)

// Enumerations are plain strings checked against fixed lists: the database holds the same lists
// in CHECK constraints, so an invalid value cannot arrive by any route.

type PartnershipKind string

var PartnershipKinds = []PartnershipKind{"community_safety_partnership", "safeguarding_children_partnership",
	"safeguarding_adults_board", "child_death_overview_panel", "coroner_area", "other"}

type Sector string

var Sectors = []Sector{"police", "nhs_trust", "icb", "gp", "ambulance", "la_childrens_services",
	"la_adult_services", "housing", "probation", "prisons", "education", "cps_courts",
	"specialist_da_service", "government_department", "regulator", "other"}

type ReviewStatus string

const (
	ReviewCommissioned   ReviewStatus = "commissioned"
	ReviewInProgress     ReviewStatus = "in_progress"
	ReviewSubmittedForQA ReviewStatus = "submitted_for_qa"
	ReviewPublished      ReviewStatus = "published"
	ReviewWithdrawn      ReviewStatus = "withdrawn"
)

var ReviewStatuses = []ReviewStatus{ReviewCommissioned, ReviewInProgress, ReviewSubmittedForQA, ReviewPublished, ReviewWithdrawn}

// Visibility is inherited by everything beneath a review.
type Visibility string

const (
	VisibilityRestricted Visibility = "restricted" // the owning partnership, oversight and admins
	VisibilityShared     Visibility = "shared"     // every signed-in user
	VisibilityPublic     Visibility = "public"     // published; readable without signing in
)

var Visibilities = []Visibility{VisibilityRestricted, VisibilityShared, VisibilityPublic}

type Scope string

var Scopes = []Scope{"local", "regional", "national"}

type AddresseeRole string

const (
	RoleLead           AddresseeRole = "lead"
	RoleSupporting     AddresseeRole = "supporting"
	RoleForInformation AddresseeRole = "for_information"
)

var AddresseeRoles = []AddresseeRole{RoleLead, RoleSupporting, RoleForInformation}

type ThemeSource string

var ThemeSources = []ThemeSource{"manual", "rule", "suggested"}

// The three status layers of DESIGN §4. The lifecycle that moves between them arrives with the
// tracking work; the values exist now so the schema and the API carry them from the start.

type ResponseStatus string

var ResponseStatuses = []ResponseStatus{"awaiting_response", "response_received", "accepted",
	"accepted_in_part", "accepted_alternative", "not_accepted"}

type ImplementationStatus string

var ImplementationStatuses = []ImplementationStatus{"not_started", "planned", "in_progress",
	"implemented_pending_verification", "implemented_verified", "not_implemented"}

type OversightStatus string

var OversightStatuses = []OversightStatus{"open_unassessed", "open_acceptable", "open_acceptable_alternative",
	"open_unacceptable", "closed_acceptable_action", "closed_acceptable_alternative_action", "closed_exceeds",
	"closed_unacceptable_action", "closed_no_response", "closed_superseded", "closed_duplicate",
	"closed_no_longer_applicable", "closed_reconsidered"}

// Valid reports whether v is one of allowed.
func Valid[T ~string](v T, allowed []T) bool { return slices.Contains(allowed, v) }

// CheckEnum records an unknown_value problem when v is not allowed, listing what is.
func CheckEnum[T ~string](p *Problems, field string, v T, allowed []T) {
	if v == "" {
		p.Add(field, FieldRequired, "%s is required", field)
		return
	}
	if !Valid(v, allowed) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		p.Add(field, FieldUnknownValue, "%q is not one of: %s", string(v), strings.Join(names, ", "))
	}
}
