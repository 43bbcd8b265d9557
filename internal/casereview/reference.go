package casereview

import (
	"context"
	"time"
)

// Reference data comes from the embedded taxonomy file and is seeded into the database at start.

type ReviewType struct {
	Code                string
	Label               string
	Description         string
	DefaultResponseDays int
}

type InterventionType struct {
	Code        string
	Label       string
	Description string
}

type Theme struct {
	Code            string
	Slug            string
	Group           string
	Label           string
	Definition      string
	Keywords        []string
	Crosswalks      []Crosswalk
	Active          bool // false once a newer taxonomy drops it or an admin deprecates it; existing assignments stay
	TaxonomyVersion int  // the taxonomy version that last changed it: the theme's version for If-Match
	// Set when an admin deprecated the theme (see theme_admin.go).
	DeprecatedAt *time.Time
	ReplacedBy   string // the theme to use instead; may be empty
	Origin       string // "file" (the embedded taxonomy updates it) or "admin" (an admin added or changed it)
}

// Crosswalk maps a native code of another system (a PFD report category, a CDOP category) to a theme.
type Crosswalk struct {
	Scheme     string
	NativeCode string
}

type ReferenceService interface {
	ListReviewTypes(ctx context.Context) ([]ReviewType, error)
	GetReviewType(ctx context.Context, code string) (ReviewType, error)
	ListInterventionTypes(ctx context.Context) ([]InterventionType, error)
	ListThemes(ctx context.Context, group string) ([]Theme, int, error)
	GetTheme(ctx context.Context, codeOrSlug string) (Theme, error)
	TaxonomyAdminService
}

// Health is what readiness reports.
type Health struct {
	SchemaVersion int64
	Dialect       string
}

// Service is everything the API needs from storage but the summaries, the bundle imports and the
// whole-state moves, which a SummaryService, an ImportService and a StateService of their own
// serve (internal/store/summaries, internal/store/imports, internal/store/state).
type Service interface {
	ReferenceService
	PartnershipService
	OrganisationService
	OrganisationMergeService
	ReviewService
	SubjectService
	RecommendationService
	ReportService
	ActionService
	MilestoneService
	UserService
	AuditService
	TrackingService
	ThemeSuggestionService
	SavedSummaryService
	ReportScheduleService
	NotificationService
	SavedSearchService
	FollowService
	Ready(ctx context.Context) (Health, error)
	// Names returns the names of the organisations (kind "organisation") or partnerships (kind
	// "partnership") with the given ids, in one query: search facets label their values with it.
	Names(ctx context.Context, kind string, ids []string) (map[string]string, error)
}
