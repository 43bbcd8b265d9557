package casereview

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Summaries count what oversight officers report on: recommendations by theme, review type, year
// and status layer, by organisation and sector, themes that recur together, trends, the overdue
// list and the national register. They count only what the caller may read. The types and the
// arithmetic live here; the store aggregates in SQL and the API turns the results into JSON,
// CSV, XLSX and HTML.

// Dimension is one axis of a cross-tabulation.
type Dimension string

const (
	DimTheme          Dimension = "theme"
	DimThemeGroup     Dimension = "theme_group"
	DimReviewType     Dimension = "review_type"
	DimYear           Dimension = "year"        // the year the recommendation was issued
	DimClosedYear     Dimension = "closed_year" // the year it was closed ("open" while open)
	DimResponse       Dimension = "response"
	DimImplementation Dimension = "implementation"
	DimOversight      Dimension = "oversight"
	DimScope          Dimension = "scope"
	DimIntervention   Dimension = "intervention"
	DimPartnership    Dimension = "partnership"  // the partnership (or coroner area) that ran the review
	DimSector         Dimension = "sector"       // the sectors of the organisations addressed
	DimOrganisation   Dimension = "organisation" // the organisations addressed
)

// Dimensions lists every dimension a cross-tab may use.
var Dimensions = []Dimension{DimTheme, DimThemeGroup, DimReviewType, DimYear, DimClosedYear, DimResponse,
	DimImplementation, DimOversight, DimScope, DimIntervention, DimPartnership, DimSector, DimOrganisation}

// MultiValued reports whether one recommendation can fall under several values of d (it can carry
// several themes, or be addressed to several organisations), so that a table's cells add up to
// more than the recommendations counted.
func (d Dimension) MultiValued() bool {
	return d == DimTheme || d == DimThemeGroup || d == DimSector || d == DimOrganisation || d.BySubject()
}

// The dimensions by a subject's protected characteristic (characteristic.go) are cross-tab
// dimensions too; the store lets only those who may see them use them (EqualityScope).
func init() { Dimensions = append(Dimensions, SubjectDimensions()...) }

const (
	// MaxCrossTabCells bounds a cross-tab: beyond it a table is no longer something to read, and
	// an export of it would be large.
	MaxCrossTabCells = 2000
	// DefaultSDCThreshold is the smallest count shown in a shareable output.
	DefaultSDCThreshold = 5
	// MinYear and MaxYear bound the years a filter may name.
	MinYear, MaxYear = 1900, 2200
	// MaxSummaryList bounds the overdue list and the national register.
	MaxSummaryList = 5000
	// MaxDocumentItems bounds the list of recommendations in a thematic summary: beyond it the
	// document says the list was cut and the reader narrows the filters.
	MaxDocumentItems = 2000
)

// Disclosure says who an output is for. Internal outputs show every count; shareable ones (for
// anyone beyond oversight) apply statistical disclosure control.
type Disclosure string

const (
	DisclosureInternal  Disclosure = "internal"
	DisclosureShareable Disclosure = "shareable"
)

var Disclosures = []Disclosure{DisclosureInternal, DisclosureShareable}

// SummaryFilter selects the recommendations a summary counts. It mirrors the search filters:
// several values of one filter are OR-ed, different filters AND-ed.
type SummaryFilter struct {
	Themes          []string // codes or slugs
	ThemeGroups     []string
	ReviewTypes     []string
	Organisations   []string // ids of addressed organisations
	Sectors         []Sector
	Scopes          []Scope
	Interventions   []string
	Responses       []ResponseStatus
	Implementations []ImplementationStatus
	Oversights      []OversightStatus
	Years           []int // issued in one of these years
	YearFrom        *int  // issued in or after this year
	YearTo          *int  // issued in or before this year
	IssuedFrom      *Date // issued on or after this day (a period: dates or a financial year)
	IssuedTo        *Date // issued on or before this day
	Partnerships    []string
	Flag            Flag
	// Subjects keeps the recommendations about people at the centre of their reviews with
	// these characteristics (subject_filter.go); only EqualityScope's callers may use it.
	Subjects []SubjectCondition
	AsOf     Date
	// IDs, when not nil, keeps only these recommendations: the ones a query text matched in the
	// search index. An empty, non-nil slice matches nothing.
	IDs []string
}

// KeepsAll reports whether f keeps every recommendation the caller may see: no filter but the
// date figures are worked out on.
func (f SummaryFilter) KeepsAll() bool {
	return len(f.Themes)+len(f.ThemeGroups)+len(f.ReviewTypes)+len(f.Organisations)+len(f.Sectors)+len(f.Scopes)+
		len(f.Interventions)+len(f.Responses)+len(f.Implementations)+len(f.Oversights)+len(f.Years)+len(f.Partnerships)+
		len(f.Subjects) == 0 && f.YearFrom == nil && f.YearTo == nil && f.IssuedFrom == nil && f.IssuedTo == nil &&
		f.Flag == "" && f.IDs == nil
}

// Validate checks what can be checked without the database and normalises case. Unknown theme
// codes, review types and intervention types are checked by the store against its tables.
func (f *SummaryFilter) Validate() error {
	var p Problems
	for i := range f.Themes {
		f.Themes[i] = strings.TrimSpace(f.Themes[i])
	}
	upper := func(vs []string) {
		for i := range vs {
			vs[i] = strings.ToUpper(strings.TrimSpace(vs[i]))
		}
	}
	upper(f.ThemeGroups)
	upper(f.ReviewTypes)
	for i, g := range f.ThemeGroups {
		if g != "A" && g != "B" && g != "C" {
			p.Add(fmt.Sprintf("theme_group[%d]", i), FieldUnknownValue, "%q is not one of: A, B, C", g)
		}
	}
	checkAll(&p, "sector", f.Sectors, Sectors)
	checkAll(&p, "scope", f.Scopes, Scopes)
	checkAll(&p, "response", f.Responses, ResponseStatuses)
	checkAll(&p, "implementation", f.Implementations, ImplementationStatuses)
	checkAll(&p, "oversight", f.Oversights, OversightStatuses)
	if f.Flag != "" {
		CheckEnum(&p, "flag", f.Flag, Flags)
	}
	f.checkSubjects(&p)
	for i, y := range f.Years {
		if y < MinYear || y > MaxYear {
			p.Add(fmt.Sprintf("year[%d]", i), FieldInvalid, "year must be between %d and %d", MinYear, MaxYear)
		}
	}
	for _, b := range []struct {
		name string
		v    *int
	}{{"year_from", f.YearFrom}, {"year_to", f.YearTo}} {
		if b.v != nil && (*b.v < MinYear || *b.v > MaxYear) {
			p.Add(b.name, FieldInvalid, "%s must be between %d and %d", b.name, MinYear, MaxYear)
		}
	}
	if f.YearFrom != nil && f.YearTo != nil && *f.YearFrom > *f.YearTo {
		p.Add("year_to", FieldOrder, "year_to (%d) is before year_from (%d)", *f.YearTo, *f.YearFrom)
	}
	if f.IssuedFrom != nil && f.IssuedTo != nil && f.IssuedTo.Before(*f.IssuedFrom) {
		p.Add("issued_to", FieldOrder, "issued_to (%s) is before issued_from (%s)", f.IssuedTo, f.IssuedFrom)
	}
	for i, id := range f.Organisations {
		if _, ok := NormaliseID(id); !ok {
			p.Add(fmt.Sprintf("organisation[%d]", i), FieldInvalid, "%q is not an organisation id", id)
		}
	}
	for i, id := range f.Partnerships {
		if _, ok := NormaliseID(id); !ok {
			p.Add(fmt.Sprintf("partnership[%d]", i), FieldInvalid, "%q is not a partnership id", id)
		}
	}
	return p.Err()
}

func checkAll[T ~string](p *Problems, field string, vs []T, allowed []T) {
	for i, v := range vs {
		CheckEnum(p, fmt.Sprintf("%s[%d]", field, i), T(strings.ToLower(strings.TrimSpace(string(v)))), allowed)
		vs[i] = T(strings.ToLower(strings.TrimSpace(string(v))))
	}
}

// YearSpan returns the number of years the filter allows when it names a closed range (0 when
// it does not): the number of year rows a table by year can have at most.
func (f SummaryFilter) YearSpan() int {
	if len(f.Years) > 0 {
		n := map[int]bool{}
		for _, y := range f.Years {
			if (f.YearFrom == nil || y >= *f.YearFrom) && (f.YearTo == nil || y <= *f.YearTo) {
				n[y] = true
			}
		}
		return len(n)
	}
	if f.YearFrom != nil && f.YearTo != nil {
		return *f.YearTo - *f.YearFrom + 1
	}
	return 0
}

// CrossTabRequest asks for counts of recommendations by two dimensions.
type CrossTabRequest struct {
	Rows, Cols Dimension
}

// Check validates the dimensions and, where the filter fixes how many values each can take, that
// the table stays within MaxCrossTabCells. themes is the number of themes in the taxonomy.
func (r CrossTabRequest) Check(f SummaryFilter, themes int) error {
	var p Problems
	CheckEnum(&p, "rows", r.Rows, Dimensions)
	CheckEnum(&p, "cols", r.Cols, Dimensions)
	if !p.Empty() {
		return p.Err()
	}
	if r.Rows == r.Cols {
		return Invalid("cols", FieldDuplicate, "cols must differ from rows (both are %s)", r.Rows)
	}
	if n := DimensionBound(r.Rows, f, themes) * DimensionBound(r.Cols, f, themes); n > MaxCrossTabCells {
		return TooManyCells(n)
	}
	return nil
}

// TooManyCells is the error for a table larger than MaxCrossTabCells.
func TooManyCells(n int) error {
	return Invalid("cols", "too_many_cells", "%d cells is more than the %d a table may have; narrow the filter (for example with year_from and year_to) or choose other dimensions", n, MaxCrossTabCells)
}

// DimensionBound is the most values d can take under f, known before counting anything. Years
// without a closed range count as 1 here; the store checks the real size after counting.
func DimensionBound(d Dimension, f SummaryFilter, themes int) int {
	switch d {
	case DimTheme:
		if len(f.Themes) > 0 {
			return len(f.Themes)
		}
		return max(themes, 1)
	case DimThemeGroup:
		return 3
	case DimReviewType:
		return 9
	case DimYear:
		return max(f.YearSpan(), 1)
	case DimClosedYear:
		return max(f.YearSpan(), 1) + 1
	case DimResponse:
		return len(ResponseStatuses)
	case DimImplementation:
		return len(ImplementationStatuses)
	case DimOversight:
		return len(OversightStatuses)
	case DimScope:
		return len(Scopes)
	case DimIntervention:
		return 12
	case DimSector:
		return len(Sectors) + 1 // and "no addressee"
	case DimPartnership:
		return max(len(f.Partnerships), 1) // unknown until counted: the store checks after counting
	case DimOrganisation:
		return max(len(f.Organisations), 1)
	}
	if c, ok := d.Characteristic(); ok {
		return len(c.Groups)
	}
	return 1
}

// Value is one row or column heading of a table.
type Value struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// CrossTab is a two-way table with its margins. When a dimension is multi-valued, margins are
// sums of cells (assignments), and Recommendations says how many distinct recommendations the
// table covers.
type CrossTab struct {
	Rows, Cols      Dimension
	RowValues       []Value
	ColValues       []Value
	Counts          [][]int // [row][col]
	RowTotals       []int
	ColTotals       []int
	Total           int
	Recommendations int
	// The sums of the record keys behind each figure, for the cell key method (cellkey.go). A
	// margin's key sum is the sum of its cells', so the same assignments give the same key.
	Keys               [][]int64
	RowKeys, ColKeys   []int64
	TotalKey           int64
	RecommendationsKey int64
}

// Tally is figure (i, j) of the table with its key sum; i == len(RowValues) is the column
// totals' row and j == len(ColValues) the row totals' column.
func (t CrossTab) Tally(i, j int) Tally {
	R, C := len(t.RowValues), len(t.ColValues)
	switch {
	case i < R && j < C:
		return Tally{N: t.Counts[i][j], KeySum: t.Keys[i][j]}
	case i < R:
		return Tally{N: t.RowTotals[i], KeySum: t.RowKeys[i]}
	case j < C:
		return Tally{N: t.ColTotals[j], KeySum: t.ColKeys[j]}
	}
	return Tally{N: t.Total, KeySum: t.TotalKey}
}

// Verified closure: oversight closed the recommendation having verified that it was done.
var verifiedClosures = []OversightStatus{ClosedAcceptable, ClosedExceeds, "closed_acceptable_alternative_action"}

// VerifiedClosures are the closed classifications that mean the work was done and checked.
func VerifiedClosures() []OversightStatus { return slices.Clone(verifiedClosures) }

// IsVerifiedClosure reports whether s closes a recommendation as done.
func (s OversightStatus) IsVerifiedClosure() bool { return slices.Contains(verifiedClosures, s) }

// Accepted reports whether s accepts a recommendation in full, in part or by an alternative.
func (s ResponseStatus) Accepted() bool {
	return s == "accepted" || s == "accepted_in_part" || s == "accepted_alternative"
}

// InProgress reports whether implementation has begun but is not yet verified or abandoned.
func (s ImplementationStatus) InProgress() bool {
	return s == "planned" || s == "in_progress" || s == ImplPending
}

// OrganisationFigures are one organisation's (or sector's) figures over the recommendations
// addressed to it. Each figure counts recommendations; the medians are in days and nil when
// nothing has been measured.
type OrganisationFigures struct {
	Key            string   // organisation id, or sector
	Name           string   // organisation name, or sector
	Sector         string   // the organisation's sector (empty for a sector row)
	Addressed      int      // addressed to it (any role)
	Responded      int      // it has responded
	Accepted       int      // it accepted in full, in part or by an alternative
	InProgress     int      // implementation planned, in progress or awaiting verification
	VerifiedClosed int      // closed by oversight as done and verified
	Overdue        int      // carrying response_overdue or action_overdue as of the as-of date
	MedianResponse *float64 // days from notification (or issue) to its first response
	MedianClosure  *float64 // days from issue to verified closure
	ResponseDays   []int    `json:"-"` // the measurements behind MedianResponse
	ClosureDays    []int    `json:"-"`
	// Keys are the sums of the record keys behind Addressed, Responded, Accepted, InProgress,
	// VerifiedClosed and Overdue, in that order (cellkey.go).
	Keys [6]int64 `json:"-"`
}

// Tallies are the six counts with their key sums, in the order of Keys.
func (o OrganisationFigures) Tallies() [6]Tally {
	ns := [6]int{o.Addressed, o.Responded, o.Accepted, o.InProgress, o.VerifiedClosed, o.Overdue}
	var out [6]Tally
	for i := range out {
		out[i] = Tally{N: ns[i], KeySum: o.Keys[i]}
	}
	return out
}

// ThemePair is two themes carried by the same recommendations.
type ThemePair struct {
	A, B   Value
	Count  int     // recommendations carrying both
	CountA int     // carrying A
	CountB int     // carrying B
	Lift   float64 // how much more often they occur together than independence predicts
	// The sums of the record keys behind Count, CountA and CountB (cellkey.go).
	KeySum, KeySumA, KeySumB int64
}

// TrendRow is one year's figures.
type TrendRow struct {
	Year           int
	Issued         int // issued that year
	Closed         int // closed that year (any closed classification)
	VerifiedClosed int // closed as done and verified that year
	// The sums of the record keys behind each figure (cellkey.go).
	IssuedKey, ClosedKey, VerifiedClosedKey int64
}

// Tallies are the row's three figures with their key sums: issued, closed, verified closed.
func (r TrendRow) Tallies() [3]Tally {
	return [3]Tally{{N: r.Issued, KeySum: r.IssuedKey}, {N: r.Closed, KeySum: r.ClosedKey}, {N: r.VerifiedClosed, KeySum: r.VerifiedClosedKey}}
}

// OverdueItem is one recommendation on the overdue and escalation list.
type OverdueItem struct {
	Recommendation Recommendation
	ReviewRef      string
	ReviewType     string
	Since          Date // the earliest date it fell overdue (or issue date when escalated)
	DaysOverdue    int
	Escalated      bool // oversight judged the response unacceptable
}

// OverdueGroup is one organisation's overdue items, oldest first.
type OverdueGroup struct {
	OrganisationID   string
	OrganisationName string
	Items            []OverdueItem
}

// OverdueTally is one organisation's line in the overdue list's summary: how many items it owes
// (a recommendation counts once per organisation), how many of them are escalations, and how long
// the oldest has been overdue.
type OverdueTally struct {
	OrganisationID   string
	OrganisationName string
	Items, Escalated int
	OldestSince      Date
	OldestDays       int
}

// NationalEntry is one national-scope recommendation on the register, with its addressees'
// acknowledgements.
type NationalEntry struct {
	Recommendation Recommendation
	ReviewRef      string
	ReviewType     string
	Acknowledged   int // addressees that acknowledged it
	Addressees     int
}

// SummaryListItem is one recommendation in a thematic summary's list.
type SummaryListItem struct {
	Recommendation Recommendation
	ReviewRef      string
	ReviewType     string
	ReviewTitle    string
}

// Headline is the first block of a thematic summary.
type Headline struct {
	Recommendations int
	Reviews         int
	Organisations   int
	Responded       int
	Accepted        int
	InProgress      int
	VerifiedClosed  int
	Overdue         int
	// Restricted is how many of Recommendations are on restricted reviews (a read of figures
	// over any is audited).
	Restricted int
	// Keys are the sums of the record keys behind Recommendations, Responded, Accepted,
	// InProgress, VerifiedClosed and Overdue, in that order (cellkey.go).
	Keys [6]int64
}

// ThematicSummary is the whole document for a theme or any query.
type ThematicSummary struct {
	Headline        Headline
	Response        []Count // by response status
	Implementation  []Count
	Oversight       []Count
	Organisations   []OrganisationFigures
	Trends          []TrendRow
	Pairs           []ThemePair
	Items           []SummaryListItem
	Truncated       bool // Items stops at MaxDocumentItems
	RestrictedCount int  // how many counted recommendations are on restricted reviews
}

// Count is one value of a one-way table.
type Count struct {
	Value  Value
	N      int
	KeySum int64 // the sum of the record keys of what N counts (cellkey.go)
}

// SummaryService aggregates recommendations for oversight reporting. Every method counts only
// what the caller may read.
type SummaryService interface {
	SummaryCrossTab(ctx context.Context, f SummaryFilter, r CrossTabRequest) (CrossTab, error)
	SummaryOrganisations(ctx context.Context, f SummaryFilter, bySector bool) ([]OrganisationFigures, error)
	SummaryThemePairs(ctx context.Context, f SummaryFilter) ([]ThemePair, int, error)
	SummaryTrends(ctx context.Context, f SummaryFilter) ([]TrendRow, error)
	SummaryOverdue(ctx context.Context, f SummaryFilter) ([]OverdueGroup, error)
	// SummaryOverdueByOrganisation counts each organisation's overdue items over the whole
	// filtered set, most first: the overdue list without the list.
	SummaryOverdueByOrganisation(ctx context.Context, f SummaryFilter) ([]OverdueTally, error)
	// SummaryOverdueOf lists one organisation's overdue items over the whole filtered set,
	// oldest first: limit of them from offset, and how many there are in all.
	SummaryOverdueOf(ctx context.Context, f SummaryFilter, organisationID string, offset, limit int) (OverdueGroup, int, error)
	SummaryNational(ctx context.Context, f SummaryFilter) ([]NationalEntry, bool, error)
	SummaryDocument(ctx context.Context, f SummaryFilter) (ThematicSummary, error)
	// SummaryHeadline is the document's headline alone (Organisations and Reviews left at zero).
	SummaryHeadline(ctx context.Context, f SummaryFilter) (Headline, error)
	// SummaryHeadlines is SummaryHeadline of f and, for each of years, of f with its years
	// replaced by that one: the dashboard's figures and their trend.
	SummaryHeadlines(ctx context.Context, f SummaryFilter, years []int) (Headline, []Headline, error)
	// SummaryClosures lists the latest limit of what was closed on or after since, latest
	// first, and counts them all.
	SummaryClosures(ctx context.Context, f SummaryFilter, since Date, limit int) ([]SummaryListItem, int, error)
	// AuditSummaryExport records the export of a summary that counts restricted material.
	AuditSummaryExport(ctx context.Context, kind string, detail any) error
	// SummaryRecurringMembers returns the recommendations f keeps that belong to a recurrence
	// cluster, each with its record key, for the recurring recommendations report.
	SummaryRecurringMembers(ctx context.Context, f SummaryFilter) (map[string]int64, error)
	// SummaryPopulation counts what f keeps (Matched), what the caller could count without any
	// filter (Visible) and how many of those f keeps are on restricted reviews: for the refusal
	// rule of shareable outputs (DisclosureRisk) and the audit of summaries read as JSON.
	SummaryPopulation(ctx context.Context, f SummaryFilter) (Population, error)
	// AuditSummaryRead records that a summary counting restricted material was read.
	AuditSummaryRead(ctx context.Context, kind string, detail any) error
	EqualityService
}

// Population is what SummaryPopulation counts.
type Population struct {
	Matched, Visible, Restricted int
	MatchedKeySum                int64 // the sum of the record keys of what f keeps
}
