package casereview

import (
	"context"
	"time"
)

// Action is one line of an action plan, owned by one organisation that the recommendation is
// addressed to.
type Action struct {
	ID               string
	RecommendationID string
	OrganisationID   string
	Description      string
	Owner            string // the role or team that owns it, as the plan names it
	TargetDate       *Date
	CompletionDate   *Date
	// CompletionSource says where CompletionDate came from: CompletionClaimed (the owner's claim
	// of implementation, with an outcome and evidence) or CompletionImported (a historic date from
	// an imported plan, unverified); empty when there is no completion date.
	CompletionSource     CompletionSource
	Outcome              *string
	ImplementationStatus ImplementationStatus
	Version              int
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

type ActionDraft struct {
	RecommendationID string
	OrganisationID   string
	Description      string
	Owner            string
	TargetDate       *Date
	CompletionDate   *Date
	Outcome          *string
}

// Validate checks d; the store checks that the owner is an addressee of the recommendation.
func (d *ActionDraft) Validate(today Date) error {
	var p Problems
	d.RecommendationID = CheckID(&p, "recommendation_id", d.RecommendationID, true)
	d.OrganisationID = CheckID(&p, "organisation_id", d.OrganisationID, true)
	CheckText(&p, "description", d.Description, true, 5000)
	CheckText(&p, "owner", d.Owner, false, 200)
	CheckOptionalText(&p, "outcome", d.Outcome, 10000)
	if d.CompletionDate != nil && today.Before(*d.CompletionDate) {
		p.Add("completion_date", FieldInvalid, "completion_date (%s) is in the future", d.CompletionDate)
	}
	return p.Err()
}

// CompletionSource says where an action's completion date came from.
type CompletionSource string

const (
	CompletionClaimed  CompletionSource = "claim"
	CompletionImported CompletionSource = "import" // historic and unverified: never counted as verified
)

// CheckCompletionEdit refuses a completion date set or changed by editing an action: a
// completion date comes only with a claim of implementation (POST /actions/{id}/progress moving
// the action to implemented_pending_verification, with an outcome and evidence), which oversight
// then verifies. was is the action's date (nil for a new action). Imports, which record history,
// do not edit actions this way; their dates are labelled imported (unverified).
func CheckCompletionEdit(was, now *Date) error {
	if sameDate(was, now) {
		return nil
	}
	return Invalid("completion_date", "claim_required",
		"a completion date is recorded only by claiming the action implemented: POST /actions/{id}/progress with status %s, an outcome and evidence (and completion_date if it was not today)", ImplPending)
}

func sameDate(a, b *Date) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func (x Action) Draft() ActionDraft {
	return ActionDraft{RecommendationID: x.RecommendationID, OrganisationID: x.OrganisationID,
		Description: x.Description, Owner: x.Owner, TargetDate: x.TargetDate, CompletionDate: x.CompletionDate, Outcome: x.Outcome}
}

type ActionFilter struct {
	RecommendationID     string
	OrganisationID       string
	ImplementationStatus ImplementationStatus
	TargetFrom           *Date
	TargetTo             *Date
	Completed            *bool
	Flag                 Flag // action_overdue or due_soon, as of the context's as-of date
	Sector               Sector
	ReviewType           string
}

func (f *ActionFilter) Validate() error {
	var p Problems
	f.RecommendationID = CheckID(&p, "recommendation_id", f.RecommendationID, false)
	f.OrganisationID = CheckID(&p, "organisation_id", f.OrganisationID, false)
	if f.ImplementationStatus != "" {
		CheckEnum(&p, "implementation_status", f.ImplementationStatus, ImplementationStatuses)
	}
	if f.Flag != "" {
		CheckEnum(&p, "flag", f.Flag, []Flag{FlagActionOverdue, FlagDueSoon})
	}
	if f.Sector != "" {
		CheckEnum(&p, "sector", f.Sector, Sectors)
	}
	checkFilterText(&p, map[string]string{"review_type": f.ReviewType})
	return p.Err()
}

type ActionService interface {
	CreateAction(ctx context.Context, d ActionDraft) (Action, error)
	GetAction(ctx context.Context, id string) (Action, error)
	ListActions(ctx context.Context, f ActionFilter, page PageRequest) (Page[Action], error)
	UpdateAction(ctx context.Context, id string, version int, d ActionDraft) (Action, error)
	DeleteAction(ctx context.Context, id string, version int) error
}
