package casereview

import (
	"context"
	"strings"
	"time"
)

// Milestone is a step of an action with its own due date: the "Key milestones" column of the
// action-plan template, as records rather than text. An open milestone past its due date makes
// the recommendation action_overdue, one due within DueSoonDays makes it due_soon, as the
// action's own target date does (see ComputeFlags). A milestone belongs to its action: whoever
// writes the action writes its milestones, and a closed recommendation freezes them with it.
type Milestone struct {
	ID               string
	ActionID         string
	RecommendationID string
	Title            string
	DueDate          *Date // nil: a step with no date, which never raises a flag
	DoneDate         *Date // nil while open
	DoneByID         string
	DoneByName       string
	CreatedByID      string
	CreatedByName    string
	Version          int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// MaxMilestoneTitle bounds a milestone's title: a step, not a narrative.
const MaxMilestoneTitle = 500

// MaxMilestonesPerAction bounds an action's milestones, so a plan stays readable (and one cell
// of a spreadsheet holds them).
const MaxMilestonesPerAction = 50

// MilestoneDraft is a milestone as written: added, edited or imported.
type MilestoneDraft struct {
	Title    string
	DueDate  *Date
	DoneDate *Date
}

// Validate checks d as of today. The title is one line (a plan lists one milestone per line);
// a done date may not be in the future. The store checks the dates against the review's.
func (d *MilestoneDraft) Validate(today Date) error {
	var p Problems
	d.Title = strings.TrimSpace(d.Title)
	CheckText(&p, "title", d.Title, true, MaxMilestoneTitle)
	if strings.ContainsAny(d.Title, "\r\n") {
		p.Add("title", FieldInvalid, "title must be one line: add each step as its own milestone")
	}
	if d.DoneDate != nil && today.Before(*d.DoneDate) {
		p.Add("done_date", FieldInvalid, "done_date (%s) is in the future", d.DoneDate)
	}
	return p.Err()
}

// Draft returns the milestone's writable fields.
func (m Milestone) Draft() MilestoneDraft {
	return MilestoneDraft{Title: m.Title, DueDate: m.DueDate, DoneDate: m.DoneDate}
}

// Done reports whether the milestone is reached.
func (m Milestone) Done() bool { return m.DoneDate != nil }

// MilestoneState is how a milestone stands as of a day, for display and for the flags.
type MilestoneState string

const (
	MilestoneDone    MilestoneState = "done"
	MilestoneOverdue MilestoneState = "overdue"
	MilestoneDueSoon MilestoneState = "due_soon"
	MilestoneOpen    MilestoneState = "open"
)

// State says how m stands as of asOf: done, overdue (its due date has passed), due soon (due
// within DueSoonDays) or open. The recommendation's flags say the same for open milestones of
// unfinished actions.
func (m Milestone) State(asOf Date) MilestoneState {
	switch {
	case m.DoneDate != nil:
		return MilestoneDone
	case m.DueDate == nil:
		return MilestoneOpen
	case m.DueDate.Before(asOf):
		return MilestoneOverdue
	case !asOf.AddDays(DueSoonDays).Before(*m.DueDate):
		return MilestoneDueSoon
	}
	return MilestoneOpen
}

// CanWriteMilestone: a milestone is part of its action, so whoever writes the action (its owning
// organisation's agency editors, or the review's panel) adds, changes, completes and removes its
// milestones. Oversight reads them.
func CanWriteMilestone(a Actor, partnershipID, organisationID string) bool {
	return CanWriteAction(a, partnershipID, organisationID)
}

// MilestoneEvent says what a milestone timeline entry records.
type MilestoneEvent string

const (
	MilestoneAdded     MilestoneEvent = "added"
	MilestoneChanged   MilestoneEvent = "changed" // one field: title, due_date or done_date, old → new
	MilestoneCompleted MilestoneEvent = "completed"
	MilestoneRemoved   MilestoneEvent = "removed"
)

// ProgressMilestone is the timeline kind of milestone entries: ProgressUpdate.Field holds the
// event (added, completed, removed) or, for a change, the field changed ("title", "due_date",
// "done_date"), OldStatus → NewStatus the values, and Narrative the milestone's title.
const ProgressMilestone ProgressKind = "milestone"

// Audit actions of milestones.
const (
	AuditMilestoneCreated   AuditAction = "milestone.created"
	AuditMilestoneUpdated   AuditAction = "milestone.updated"
	AuditMilestoneCompleted AuditAction = "milestone.completed"
	AuditMilestoneDeleted   AuditAction = "milestone.deleted"
)

// MilestoneLabel renders a milestone for the timeline: "2026-03-31 – Title", or the title alone
// when it has no due date.
func MilestoneLabel(title string, due *Date) string {
	if due == nil {
		return title
	}
	return due.String() + " – " + title
}

// MilestoneService keeps actions' milestones. Every write is checked against CanWriteMilestone
// and CheckOpen, audited, journaled for the recommendation (its flags change) and shown in the
// recommendation's timeline.
type MilestoneService interface {
	ListMilestones(ctx context.Context, actionID string) ([]Milestone, error)
	// MilestonesOfRecommendation returns the milestones of each of a recommendation's actions,
	// keyed by action id, each list in due-date order.
	MilestonesOfRecommendation(ctx context.Context, recommendationID string) (map[string][]Milestone, error)
	GetMilestone(ctx context.Context, id string) (Milestone, error)
	CreateMilestone(ctx context.Context, actionID string, d MilestoneDraft) (Milestone, error)
	UpdateMilestone(ctx context.Context, id string, version int, d MilestoneDraft) (Milestone, error)
	// CompleteMilestone records the milestone reached on done (today when nil).
	CompleteMilestone(ctx context.Context, id string, version int, done *Date) (Milestone, error)
	DeleteMilestone(ctx context.Context, id string, version int) error
}
