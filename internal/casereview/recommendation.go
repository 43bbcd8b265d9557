package casereview

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Recommendation is the core record: what a review asked someone to do, in its own words.
type Recommendation struct {
	ID                   string
	ReviewID             string
	Number               string // as printed: 1, 3a, R4
	Title                string
	Text                 string // verbatim
	Scope                Scope
	InterventionType     *string
	ResponseDue          *Date
	ResponseDueExplicit  bool // set by hand; otherwise notified date + the review type's window
	ResponseStatus       ResponseStatus
	ImplementationStatus ImplementationStatus
	OversightStatus      OversightStatus
	ClosedOn             *Date
	ClosureRationale     string
	FollowUpOn           *Date
	LastActivityOn       *Date // the last response, progress update, evidence or assessment
	IssuedOn             Date  // the review's publication date, or the day the record was made
	Addressees           []Addressee
	Themes               []ThemeAssignment
	Links                []Link
	Flags                []Flag // derived against an as-of date when read; never stored
	Version              int
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// Addressee links a recommendation to an organisation that must respond or act.
type Addressee struct {
	OrganisationID   string
	OrganisationName string
	Role             AddresseeRole
	RawText          string // the addressee as printed in the report
	NotifiedOn       *Date
	AcknowledgedOn   *Date
	ResponseStatus   ResponseStatus // this addressee's latest formal response
}

// ThemeAssignment tags a recommendation with a theme; exactly one is primary.
type ThemeAssignment struct {
	Code  string
	Slug  string
	Label string
	Group string
	// Deprecated: the theme is no longer in use (an admin deprecated it or the taxonomy dropped
	// it); it stays on the recommendations that carry it, and cannot be newly assigned.
	Deprecated bool
	Primary    bool
	Source     ThemeSource
	// Who accepted the suggestion that became this assignment, and when (see suggestion.go);
	// empty for themes a person set directly.
	ConfirmedBy     string // user id; empty for the system
	ConfirmedByName string
	ConfirmedAt     *time.Time
}

// Confirmed: a theme a person set, or a suggestion a person accepted. An assignment with source
// "suggested" that nobody confirmed (an import's crosswalk suggestion, say) awaits confirmation:
// it is shown as suggested and counts in no theme filter, facet or summary.
func (a ThemeAssignment) Confirmed() bool { return a.Source != "suggested" || a.ConfirmedAt != nil }

type RecommendationDraft struct {
	ReviewID         string
	Number           string
	Title            string
	Text             string
	Scope            Scope
	InterventionType *string
	ResponseDue      *Date // nil: the earliest notified date of an addressee plus the review type's window
	Addressees       []AddresseeDraft
	Themes           []ThemeDraft
}

type AddresseeDraft struct {
	OrganisationID string
	Role           AddresseeRole
	RawText        string
	NotifiedOn     *Date
	AcknowledgedOn *Date
}

type ThemeDraft struct {
	Code    string // code (A09) or slug (stalking); the store resolves it
	Primary bool
	Source  ThemeSource
}

// Validate checks everything that needs no database and settles defaults: a theme list with no
// primary makes its first theme primary, and a theme's source defaults to manual.
func (d *RecommendationDraft) Validate() error {
	var p Problems
	d.ReviewID = CheckID(&p, "review_id", d.ReviewID, true)
	CheckText(&p, "number", d.Number, true, 20)
	CheckText(&p, "title", d.Title, false, 300)
	CheckText(&p, "text", d.Text, true, 20000)
	CheckEnum(&p, "scope", d.Scope, Scopes)
	if d.InterventionType != nil && *d.InterventionType == "" {
		d.InterventionType = nil
	}
	CheckOptionalText(&p, "intervention_type", d.InterventionType, 50)
	if len(d.Addressees) > 100 {
		p.Add("addressees", FieldTooLong, "at most 100 addressees")
	}
	seenOrg := map[string]int{}
	for i := range d.Addressees {
		a := &d.Addressees[i]
		f := fmt.Sprintf("addressees[%d]", i)
		a.OrganisationID = CheckID(&p, f+".organisation_id", a.OrganisationID, true)
		CheckEnum(&p, f+".role", a.Role, AddresseeRoles)
		CheckText(&p, f+".raw_text", a.RawText, false, 500)
		if a.NotifiedOn != nil && a.AcknowledgedOn != nil && a.AcknowledgedOn.Before(*a.NotifiedOn) {
			p.Add(f+".acknowledged_on", FieldOrder, "acknowledged_on (%s) is before notified_on (%s)", a.AcknowledgedOn, a.NotifiedOn)
		}
		if a.OrganisationID != "" {
			if j, dup := seenOrg[a.OrganisationID]; dup {
				p.Add(f+".organisation_id", FieldDuplicate, "the same organisation is already addressees[%d]", j)
			}
			seenOrg[a.OrganisationID] = i
		}
	}
	if len(d.Themes) > 20 {
		p.Add("themes", FieldTooLong, "at most 20 themes")
	}
	primaries := 0
	seenTheme := map[string]int{}
	for i := range d.Themes {
		t := &d.Themes[i]
		f := fmt.Sprintf("themes[%d]", i)
		var codeProblems Problems
		CheckText(&codeProblems, f+".code", t.Code, true, 50)
		p.Extend(codeProblems.list...)
		if j, dup := seenTheme[t.Code]; dup && codeProblems.Empty() {
			p.Add(f+".code", FieldDuplicate, "theme %s is already themes[%d]", t.Code, j)
		} else if codeProblems.Empty() {
			seenTheme[t.Code] = i
		}
		if t.Source == "" {
			t.Source = "manual"
		}
		CheckEnum(&p, f+".source", t.Source, ThemeSources)
		if t.Primary {
			primaries++
		}
	}
	if primaries > 1 {
		p.Add("themes", FieldInvalid, "only one theme can be primary; %d are", primaries)
	}
	if primaries == 0 && len(d.Themes) > 0 {
		d.Themes[0].Primary = true
	}
	return p.Err()
}

func (x Recommendation) Draft() RecommendationDraft {
	d := RecommendationDraft{ReviewID: x.ReviewID, Number: x.Number, Title: x.Title, Text: x.Text, Scope: x.Scope,
		InterventionType: x.InterventionType}
	if x.ResponseDueExplicit {
		d.ResponseDue = x.ResponseDue
	}
	for _, a := range x.Addressees {
		d.Addressees = append(d.Addressees, AddresseeDraft{OrganisationID: a.OrganisationID, Role: a.Role,
			RawText: a.RawText, NotifiedOn: a.NotifiedOn, AcknowledgedOn: a.AcknowledgedOn})
	}
	for _, t := range x.Themes {
		d.Themes = append(d.Themes, ThemeDraft{Code: t.Code, Primary: t.Primary, Source: t.Source})
	}
	return d
}

type RecommendationFilter struct {
	ReviewID             string
	ReviewType           string
	PartnershipID        string
	OrganisationID       string
	AddresseeRole        AddresseeRole
	Theme                string // code or slug
	Scope                Scope
	InterventionType     string
	ResponseStatus       ResponseStatus
	ImplementationStatus ImplementationStatus
	OversightStatus      OversightStatus
	DueFrom              *Date
	DueTo                *Date
	Flag                 Flag   // only recommendations carrying this derived flag (as of AsOf)
	Sector               Sector // addressed to an organisation of this sector
	OrganisationIDs      []string
}

func (f *RecommendationFilter) Validate() error {
	var p Problems
	checkFilterText(&p, map[string]string{"review_type": f.ReviewType, "theme": f.Theme, "intervention_type": f.InterventionType})
	f.ReviewID = CheckID(&p, "review_id", f.ReviewID, false)
	f.PartnershipID = CheckID(&p, "partnership_id", f.PartnershipID, false)
	f.OrganisationID = CheckID(&p, "organisation_id", f.OrganisationID, false)
	if f.AddresseeRole != "" {
		CheckEnum(&p, "addressee_role", f.AddresseeRole, AddresseeRoles)
	}
	if f.Scope != "" {
		CheckEnum(&p, "scope", f.Scope, Scopes)
	}
	if f.ResponseStatus != "" {
		CheckEnum(&p, "response_status", f.ResponseStatus, ResponseStatuses)
	}
	if f.ImplementationStatus != "" {
		CheckEnum(&p, "implementation_status", f.ImplementationStatus, ImplementationStatuses)
	}
	if f.OversightStatus != "" {
		CheckEnum(&p, "oversight_status", f.OversightStatus, OversightStatuses)
	}
	if f.Flag != "" {
		CheckEnum(&p, "flag", f.Flag, Flags)
	}
	if f.Sector != "" {
		CheckEnum(&p, "sector", f.Sector, Sectors)
	}
	return p.Err()
}

type RecommendationService interface {
	CreateRecommendation(ctx context.Context, d RecommendationDraft) (Recommendation, error)
	GetRecommendation(ctx context.Context, id string) (Recommendation, error)
	ListRecommendations(ctx context.Context, f RecommendationFilter, page PageRequest) (Page[Recommendation], error)
	UpdateRecommendation(ctx context.Context, id string, version int, d RecommendationDraft) (Recommendation, error)
	DeleteRecommendation(ctx context.Context, id string, version int) error
	// RecommendationsByID returns those of ids the caller may read (search hits are re-checked
	// against the database with it).
	RecommendationsByID(ctx context.Context, ids []string) (map[string]Recommendation, error)
	// Unreadable returns what the caller may not read, from the database, for searches to apply
	// on top of the index's own copy of visibility.
	Unreadable(ctx context.Context) (Unreadable, error)
}

// FieldChange is one field of a recommendation changed by an edit, as its timeline shows it.
type FieldChange struct {
	Field    string
	Old, New string
}

// RecommendationChanges lists the fields an edit changed, for the timeline that every reader of
// the recommendation sees (the audit trail, which holds the same, is for oversight and admins).
func RecommendationChanges(before, after Recommendation) []FieldChange {
	var out []FieldChange
	add := func(field, old, new string) {
		if old != new {
			out = append(out, FieldChange{Field: field, Old: old, New: new})
		}
	}
	add("number", before.Number, after.Number)
	add("title", before.Title, after.Title)
	add("text", before.Text, after.Text)
	add("scope", string(before.Scope), string(after.Scope))
	opt := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	add("intervention_type", opt(before.InterventionType), opt(after.InterventionType))
	add("response_due", dueText(before), dueText(after))
	add("addressees", addresseesText(before.Addressees), addresseesText(after.Addressees))
	add("themes", themesText(before.Themes), themesText(after.Themes))
	return out
}

func dueText(r Recommendation) string {
	if r.ResponseDue == nil {
		return ""
	}
	if r.ResponseDueExplicit {
		return r.ResponseDue.String()
	}
	return r.ResponseDue.String() + " (default)"
}

func addresseesText(as []Addressee) string {
	parts := make([]string, len(as))
	for i, a := range as {
		name := a.OrganisationName
		if name == "" {
			name = a.OrganisationID
		}
		s := name + " (" + string(a.Role)
		if a.NotifiedOn != nil {
			s += ", notified " + a.NotifiedOn.String()
		}
		if a.AcknowledgedOn != nil {
			s += ", acknowledged " + a.AcknowledgedOn.String()
		}
		parts[i] = s + ")"
	}
	return strings.Join(parts, "; ")
}

func themesText(ts []ThemeAssignment) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		s := t.Code
		if t.Label != "" {
			s += " " + t.Label
		}
		if t.Primary {
			s += " (primary)"
		}
		parts[i] = s
	}
	return strings.Join(parts, "; ")
}

// ScoredRecommendation is a recommendation with how close it came to something (a draft's
// words, for recurrence).
type ScoredRecommendation struct {
	Recommendation Recommendation
	Score          float64
}

// RecurringCluster is one recurrence cluster as the recurring-themes report shows it, counted
// over the recommendations the caller may read.
type RecurringCluster struct {
	Members       []Recommendation // earliest first
	FirstYear     int
	LastYear      int
	Reviews       int
	Verified      int            // implemented and verified
	RepeatedOrgs  map[string]int // organisation name -> recommendations addressed to it, where 2 or more
	ReviewIDs     map[string]bool
	OrganisationN int
	// The sums of the record keys of the members and of those verified, when the clusters were
	// asked for with the members' keys (shareable figures under the cell key method).
	MembersKeySum, VerifiedKeySum int64
}
