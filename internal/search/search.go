// Package search defines the search index the application keeps beside its database: what a
// document holds, what a search asks and returns, and the Index interface that
// internal/search/bleve implements. The database stays the source of truth; the index is
// derived data that can always be rebuilt from it.
//
// Finder is the search the front ends call (the JSON API and the HTML pages alike): it holds
// every rule of a search request, from reading the parameters to re-checking hits against the
// database, so neither front end depends on the index's implementation.
package search

import (
	"context"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Document is one recommendation as the index sees it.
type Document struct {
	ID                   string
	Text                 string
	Title                string
	Number               string
	ReviewID             string
	ReviewType           string
	ReviewReference      string
	ReviewTitle          string
	PartnershipID        string
	PartnershipName      string
	AreaCodes            []string
	Year                 int // the year the recommendation was issued
	IssuedOn             time.Time
	Visibility           string
	OrganisationIDs      []string
	OrganisationNames    []string
	OrganisationAliases  []string // the addressees' aliases, merged organisations' names among them
	Sectors              []string
	ThemeCodes           []string
	ThemeSlugs           []string
	ThemeGroups          []string
	ThemeLabels          []string // searched by theme:"label words"; admins may change them
	InterventionType     string
	Scope                string
	ResponseStatus       string
	ImplementationStatus string
	OversightStatus      string
	Version              int
	// RecordKey is the recommendation's fixed random key for the cell key method
	// (casereview/cellkey.go): published counts are perturbed from the sum of their records' keys.
	RecordKey int
	// The dates the derived flags are computed from, at query time against an as-of date.
	ResponseDue       *time.Time
	LastActivityOn    *time.Time
	FollowUpOn        *time.Time
	UnfinishedTargets []time.Time // target dates, and open milestones' due dates, of actions neither finished nor completed
}

// Facets that can be requested and filtered on, by name.
const (
	FacetTheme          = "theme"
	FacetThemeGroup     = "theme_group"
	FacetReviewType     = "type"
	FacetOrganisation   = "organisation"
	FacetSector         = "sector"
	FacetScope          = "scope"
	FacetIntervention   = "intervention"
	FacetResponse       = "response"
	FacetImplementation = "implementation"
	FacetOversight      = "oversight"
	FacetYear           = "year"
	FacetPartnership    = "partnership"
)

// FacetFlag counts the derived flags (overdue, stalled…) of the matches. Flags are computed at
// query time against the as-of date, one count per flag, so it is counted only when asked for
// by name and is not among AllFacets.
const FacetFlag = "flag"

// AllFacets lists every facet counted by default, in the order a results page shows them.
var AllFacets = []string{FacetTheme, FacetThemeGroup, FacetReviewType, FacetOrganisation, FacetSector, FacetScope,
	FacetIntervention, FacetResponse, FacetImplementation, FacetOversight, FacetYear, FacetPartnership}

// KnownFacets is every facet that may be asked for: AllFacets and the flag facet.
var KnownFacets = append(append([]string{}, AllFacets...), FacetFlag)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest"
	SortOldest    = "oldest"
)

// Request is one search.
type Request struct {
	Query   any                 // a query.Node from internal/search/query; nil matches everything
	Filters map[string][]string // facet name -> accepted values (OR within a facet, AND across)
	Scope   casereview.ReadScope
	// Unreadable is the database's word, at query time, on what the caller may not read; the
	// index excludes it on top of Scope (which uses the index's own copy of visibility), so
	// totals and facets never count what a lagging or tampered-with index still shows.
	Unreadable casereview.Unreadable
	Facets     []string
	Sort       string
	Size       int
	After      []string // the sort key of the last hit of the previous page
	Flag       casereview.Flag
	AsOf       casereview.Date // for Flag
	// IDs, when not empty, keeps only these documents (the recommendations a watched saved
	// search is evaluated against).
	IDs []string
	// KeySums asks for the sum of the record keys of the total and of each facet value, so that
	// they can be published under the cell key method (Finder, for callers who get shareable
	// figures). It costs a walk down the matches.
	KeySums bool
}

// Hit is one matching document.
type Hit struct {
	ID        string
	Score     float64
	Fragments map[string][]string // field -> highlighted snippets, HTML-escaped except <mark>
	SortKey   []string
}

// FacetCount is one value of a facet and how many matching documents carry it.
type FacetCount struct {
	Value  string
	Count  int
	KeySum int64 // with Request.KeySums: the sum of the record keys of the documents counted
}

// Result is a page of hits.
type Result struct {
	Total  uint64
	KeySum int64 // with Request.KeySums: the sum of the record keys of every match
	Hits   []Hit
	Facets map[string][]FacetCount
	Took   time.Duration
}

// Index is a search index that follows the database.
type Index interface {
	// Apply indexes docs and removes deletes, and records seq as the last journal sequence
	// applied, atomically: after a crash the index resumes from the seq it last recorded.
	Apply(ctx context.Context, docs []Document, deletes []string, seq int64) error
	AppliedSeq() (int64, error)
	Search(ctx context.Context, r Request) (Result, error)
	Count() (uint64, error)
	Close() error
	// Versions returns the version indexed for each of ids the index holds, and IDsAfter pages
	// through every id the index holds: reconciliation compares both with the database.
	Versions(ctx context.Context, ids []string) (map[string]int, error)
	IDsAfter(ctx context.Context, after string, limit int) ([]string, error)
	// Misfiled returns the ids of the documents of reviews whose indexed visibility or
	// partnership differs from the review's as given (the database's): reconciliation re-indexes
	// them, since a review's visibility changed behind the application's back leaves every one
	// of its recommendations at the same version.
	Misfiled(ctx context.Context, reviews []ReviewAccess) ([]string, error)
	// Similar finds the recommendations most like a text ("more like this").
	Similar(ctx context.Context, r SimilarRequest) (SimilarResult, error)
}

// ReviewAccess is who may read a review's recommendations, as the database has it.
type ReviewAccess struct {
	ID            string `gorm:"column:id"`
	Visibility    string `gorm:"column:visibility"`
	PartnershipID string `gorm:"column:partnership_id"`
}

// SimilarRequest asks for the recommendations most like Text, leaving out one review's own
// recommendations, within what Scope may see.
type SimilarRequest struct {
	Text            string
	ExcludeReviewID string
	ExcludeID       string
	Scope           casereview.ReadScope
	Unreadable      casereview.Unreadable
	Size            int
}

// SimilarResult lists the hits and the distinctive terms (analysed, as indexed) they were
// matched on, most telling first.
type SimilarResult struct {
	Terms []string
	Hits  []Hit
}
