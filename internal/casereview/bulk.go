package casereview

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ReviewBundle is one review with its recommendations and their actions, as an importer reads
// them from a spreadsheet, a corpus or another instance. The store writes a whole list of
// bundles in one transaction, keyed by (partnership, review reference) and (review,
// recommendation number), so importing the same bundle again updates in place.
type ReviewBundle struct {
	Review          ReviewDraft
	Recommendations []RecommendationBundle
	// Uncarried says what the source does not hold, which an update leaves as recorded.
	Uncarried Uncarried
}

// RecommendationBundle is one recommendation with its action-plan lines.
type RecommendationBundle struct {
	Draft   RecommendationDraft // ReviewID is ignored; the store fills it in
	Actions []ActionDraft       // their RecommendationID is ignored; the store fills it in
	// ActionStatuses, when given, runs parallel to Actions: the implementation status the source
	// records for each action ("" leaves a new action not_started and an existing one as it is).
	ActionStatuses []ImplementationStatus
	// ActionMilestones, when given, runs parallel to Actions: each action's milestones as the
	// source lists them. A nil entry leaves the action's milestones as they are (a plan without
	// a milestones column, or a blank cell); a list, even an empty one, is the action's milestones
	// after the import (matched by title, so re-importing an export changes nothing).
	ActionMilestones [][]MilestoneDraft
	// ResponseStatus, when set, is the response the source records for every addressee (a PFD
	// tracker's completed/partial/overdue/pending, translated); "" keeps what is there.
	ResponseStatus ResponseStatus
}

// ImportOptions say how a list of bundles is written.
type ImportOptions struct {
	DryRun bool   // validate and work out the changes, write nothing
	Source string // e.g. "actionplan:file.xlsx", "pfd", "json"
	// Progress, when set, is told how many recommendations of the whole have been prepared.
	Progress func(done, total int) `json:"-"`
	// Create lists the partnerships and organisations the bundles name that do not exist yet:
	// the store creates them in the import's own transaction (so a failed import leaves none
	// behind) and writes the bundles with their new ids in place of the keys used here.
	Create ImportCreates `json:"-"`
}

// ImportCreates are partnerships and organisations an import creates.
type ImportCreates struct {
	Partnerships  []NewPartnership
	Organisations []NewOrganisation
}

// NewPartnership is a partnership an import creates: Key is the id the bundles use for it
// (another instance's id, say; compared case-insensitively) and Field where in the source
// a problem with it is reported ("partnerships[2]").
type NewPartnership struct {
	Key, Field string
	Draft      PartnershipDraft
}

// NewOrganisation is an organisation an import creates (see NewPartnership).
type NewOrganisation struct {
	Key, Field string
	Draft      OrganisationDraft
}

// ImportResult counts what an import created, changed and left alone, and lists the changes.
type ImportResult struct {
	Source                   string   `json:"source"`
	DryRun                   bool     `json:"dry_run"`
	ReviewsCreated           int      `json:"reviews_created"`
	ReviewsUpdated           int      `json:"reviews_updated"`
	ReviewsUnchanged         int      `json:"reviews_unchanged"`
	RecommendationsCreated   int      `json:"recommendations_created"`
	RecommendationsUpdated   int      `json:"recommendations_updated"`
	RecommendationsUnchanged int      `json:"recommendations_unchanged"`
	ActionsCreated           int      `json:"actions_created"`
	ActionsUpdated           int      `json:"actions_updated"`
	ActionsUnchanged         int      `json:"actions_unchanged"`
	Changes                  []string `json:"changes"`
	// ReviewIDs lists the reviews written (or that would be), in bundle order.
	ReviewIDs []string `json:"review_ids"`
	// Created counts, by kind of record, what an import created (or would): the partnerships
	// and organisations it added and, for a whole-state import, every table's rows.
	Created map[string]int `json:"created,omitempty"`
}

// MaxChangesListed bounds ImportResult.Changes; the counts stay exact beyond it.
const MaxChangesListed = 1000

// Changed records one change description, up to MaxChangesListed.
func (r *ImportResult) Changed(format string, args ...any) {
	if len(r.Changes) < MaxChangesListed {
		r.Changes = append(r.Changes, fmt.Sprintf(format, args...))
	} else if len(r.Changes) == MaxChangesListed {
		r.Changes = append(r.Changes, "… (further changes not listed)")
	}
}

// Recommendations is the number of recommendations the result covers.
func (r ImportResult) Recommendations() int {
	return r.RecommendationsCreated + r.RecommendationsUpdated + r.RecommendationsUnchanged
}

// placeholderID stands in for the ids the store fills in, so the drafts' own checks (which
// require them) can run before anything exists.
const placeholderID = "00000000-0000-7000-8000-000000000000"

// ValidateBundles checks every bundle without the database and reports every problem at once,
// each against its path (bundles[3].recommendations[2].text). It settles the drafts' defaults as
// their own Validate methods do.
func ValidateBundles(bundles []ReviewBundle, today Date) error {
	var p Problems
	if len(bundles) == 0 {
		p.Add("bundles", FieldRequired, "nothing to import: no reviews")
		return p.Err()
	}
	refs := map[string]int{}
	for i := range bundles {
		b := &bundles[i]
		bp := fmt.Sprintf("bundles[%d]", i)
		prefixed(&p, bp+".review.", b.Review.Validate(today))
		if b.Review.PartnershipID != "" && b.Review.Reference != "" {
			key := b.Review.PartnershipID + "\x00" + b.Review.Reference
			if j, dup := refs[key]; dup {
				p.Add(bp+".review.reference", FieldDuplicate, "reference %q is already bundles[%d]", b.Review.Reference, j)
			}
			refs[key] = i
		}
		numbers := map[string]int{}
		for j := range b.Recommendations {
			r := &b.Recommendations[j]
			rp := fmt.Sprintf("%s.recommendations[%d]", bp, j)
			r.Draft.ReviewID = placeholderID
			prefixed(&p, rp+".", r.Draft.Validate())
			r.Draft.ReviewID = ""
			if r.Draft.Number != "" {
				if k, dup := numbers[r.Draft.Number]; dup {
					p.Add(rp+".number", FieldDuplicate, "number %q is already recommendations[%d]", r.Draft.Number, k)
				}
				numbers[r.Draft.Number] = j
			}
			if r.ResponseStatus != "" {
				CheckEnum(&p, rp+".response_status", r.ResponseStatus, ResponseStatuses)
			}
			if len(r.ActionStatuses) > 0 && len(r.ActionStatuses) != len(r.Actions) {
				p.Add(rp+".action_statuses", FieldInvalid, "%d action statuses for %d actions", len(r.ActionStatuses), len(r.Actions))
			}
			if len(r.ActionMilestones) > 0 && len(r.ActionMilestones) != len(r.Actions) {
				p.Add(rp+".action_milestones", FieldInvalid, "%d milestone lists for %d actions", len(r.ActionMilestones), len(r.Actions))
			}
			for k := range r.ActionMilestones {
				validateImportedMilestones(&p, fmt.Sprintf("%s.actions[%d].milestones", rp, k), r.ActionMilestones[k], b.Review, today)
			}
			owners := map[string]bool{}
			for _, a := range r.Draft.Addressees {
				owners[a.OrganisationID] = true
			}
			for k := range r.Actions {
				a := &r.Actions[k]
				ap := fmt.Sprintf("%s.actions[%d]", rp, k)
				a.RecommendationID = placeholderID
				prefixed(&p, ap+".", a.Validate(today))
				a.RecommendationID = ""
				// A target before publication is common in real plans, which start before the
				// review is published: importers warn of it (EarlyTarget), they do not refuse it.
				if com := b.Review.CommissionedOn; com != nil && a.CompletionDate != nil && a.CompletionDate.Before(*com) {
					p.Add(ap+".completion_date", FieldOrder, "completion_date (%s) is before the review was commissioned (%s)", a.CompletionDate, com)
				}
				if a.OrganisationID != "" && !owners[a.OrganisationID] {
					p.Add(ap+".organisation_id", "not_addressee", "organisation %s is not an addressee of this recommendation", a.OrganisationID)
				}
				if k < len(r.ActionStatuses) && r.ActionStatuses[k] != "" {
					f := fmt.Sprintf("%s.action_statuses[%d]", rp, k)
					CheckEnum(&p, f, r.ActionStatuses[k], ImplementationStatuses)
					if r.ActionStatuses[k] == ImplVerified {
						p.Add(f, FieldInvalid, "an import cannot mark an action verified; oversight verifies it in the application")
					}
				}
			}
		}
	}
	return p.Err()
}

// validateImportedMilestones checks one action's imported milestones: each as a draft, their
// dates against the review's, and their number.
func validateImportedMilestones(p *Problems, path string, ms []MilestoneDraft, rv ReviewDraft, today Date) {
	if len(ms) > MaxMilestonesPerAction {
		p.Add(path, FieldTooLong, "%d milestones; an action has at most %d", len(ms), MaxMilestonesPerAction)
	}
	for m := range ms {
		d := &ms[m]
		mp := fmt.Sprintf("%s[%d]", path, m)
		prefixed(p, mp+".", d.Validate(today))
		if pub := rv.PublishedOn; pub != nil && d.DueDate != nil && d.DueDate.Before(*pub) {
			p.Add(mp+".due_date", FieldOrder, "due_date (%s) is before the review was published (%s)", d.DueDate, pub)
		}
		if com := rv.CommissionedOn; com != nil && d.DoneDate != nil && d.DoneDate.Before(*com) {
			p.Add(mp+".done_date", FieldOrder, "done_date (%s) is before the review was commissioned (%s)", d.DoneDate, com)
		}
	}
}

// prefixed adds the field errors of err (a validation error) to p under prefix.
func prefixed(p *Problems, prefix string, err error) {
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		p.Add(strings.TrimSuffix(prefix, "."), FieldInvalid, "%v", err)
		return
	}
	for _, f := range e.Fields {
		f.Field = prefix + f.Field
		p.Extend(f)
	}
}

// CanImportInto reports whether a may import reviews into partnership p: what it may do by hand.
func CanImportInto(a Actor, partnershipID string) bool { return CanManageReview(a, partnershipID) }

// ImportIssue is one line of an import's validation report: where in the file, and what to do.
type ImportIssue struct {
	Sheet      string `json:"sheet"`
	Row        int    `json:"row"`      // 1-based as the spreadsheet shows it; 0 for the file as a whole
	Column     string `json:"column"`   // the template column, or "" for the whole row or file
	Severity   string `json:"severity"` // error (stops the import) or warning
	Problem    string `json:"problem"`
	Suggestion string `json:"suggestion,omitempty"`
}

func (i ImportIssue) String() string {
	var b strings.Builder
	b.WriteString(i.Severity)
	if i.Sheet != "" {
		fmt.Fprintf(&b, " %s", i.Sheet)
	}
	if i.Row > 0 {
		fmt.Fprintf(&b, " row %d", i.Row)
	}
	if i.Column != "" {
		fmt.Fprintf(&b, " [%s]", i.Column)
	}
	b.WriteString(": " + i.Problem)
	if i.Suggestion != "" {
		b.WriteString(" — " + i.Suggestion)
	}
	return b.String()
}

// Import job states.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobSucceeded = "succeeded" // committed, or a dry run that validated
	JobFailed    = "failed"    // the report says why; nothing was written
)

// ImportJob is an import running in the background for the API.
type ImportJob struct {
	ID         string
	Kind       string // actionplan or json
	FileName   string
	DryRun     bool
	Status     string
	Done       int
	Total      int
	Result     *ImportResult
	Report     []ImportIssue
	Error      string
	CreatedBy  string // user id
	CreatedAt  time.Time
	FinishedAt *time.Time
}

// ImportService writes bundles all or nothing and keeps the import jobs the front ends run them
// in; internal/store/imports serves it.
type ImportService interface {
	ImportBundles(ctx context.Context, bundles []ReviewBundle, o ImportOptions) (ImportResult, error)
	CreateImportJob(ctx context.Context, kind, fileName string, dryRun bool) (ImportJob, error)
	// UpdateImportJob records a job's progress or its end; only the job's own runner calls it.
	UpdateImportJob(ctx context.Context, j ImportJob) error
	GetImportJob(ctx context.Context, id string) (ImportJob, error)
	// ClaimImportJob marks a job as run by this process until release (see internal/store/imports).
	ClaimImportJob(ctx context.Context, id string) (release func(), err error)
}

// StateService moves an instance's case data (bulk JSON /2); internal/store/state serves it.
type StateService interface {
	// ExportState reads an instance's case data (or some partnerships'), for bulk JSON /2.
	ExportState(ctx context.Context, sc StateScope) (StateDump, error)
	// ImportState writes a dump read from bulk JSON /2, all or nothing.
	ImportState(ctx context.Context, d StateDump, o StateImportOptions) (ImportResult, error)
}

// EarlyTarget reports whether an action's target date falls before its review's publication:
// worth a warning on import, since a plan often starts before the report is published.
func EarlyTarget(target, published *Date) bool {
	return target != nil && published != nil && target.Before(*published)
}

// ImportAdvances reports whether an import may move an existing action from one implementation
// status to another: only forward, and never to implemented_verified, which oversight alone
// confirms. An import never undoes progress recorded in the application.
func ImportAdvances(from, to ImplementationStatus) bool {
	return to != ImplVerified && from != ImplVerified && implRank[to] > implRank[from]
}

// ExtendProblems adds err's field problems to p, each under prefix ("organisations[2].").
func ExtendProblems(p *Problems, prefix string, err error) { prefixed(p, prefix, err) }
