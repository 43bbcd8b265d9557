package casereview

import (
	"context"
	"time"
)

// Records of the life of a recommendation. All are append-only except the evidence review and
// links (which can be removed, with an audit event).

// Link relates two recommendations; it is shown on both.
type Link struct {
	ID        string
	Type      LinkType
	FromID    string // the recommendation the link reads from: FromID <type> ToID
	ToID      string
	Note      string
	CreatedBy string
	CreatedAt time.Time
}

type LinkDraft struct {
	Type     LinkType
	TargetID string
	Note     string
}

func (d *LinkDraft) Validate() error {
	var p Problems
	CheckEnum(&p, "type", d.Type, LinkTypes)
	d.TargetID = CheckID(&p, "target_id", d.TargetID, true)
	CheckText(&p, "note", d.Note, false, 2000)
	return p.Err()
}

// Response is an addressee's formal reply, as recorded.
type Response struct {
	ID               string
	RecommendationID string
	OrganisationID   string
	Decision         ResponseStatus
	Narrative        string
	Timetable        string
	Reasons          string
	ReceivedOn       Date
	AuthorID         string
	AuthorName       string
	CreatedAt        time.Time
}

// ProgressKind says what a timeline entry records.
type ProgressKind string

const (
	ProgressResponse   ProgressKind = "response"
	ProgressAction     ProgressKind = "action"     // an action's status change or note
	ProgressEvidence   ProgressKind = "evidence"   // evidence added, verified, rejected or withdrawn
	ProgressAssessment ProgressKind = "assessment" // an oversight classification
	ProgressLink       ProgressKind = "link"
	ProgressEdit       ProgressKind = "edit" // a field of the recommendation changed: Field, OldStatus → NewStatus
	// ProgressEscalation: overdue past the escalation period, the organisation's senior contact
	// and oversight were told (issue 18 §2). Not progress: it does not count as activity.
	ProgressEscalation ProgressKind = "escalation"
)

// ProgressUpdate is one append-only entry of a recommendation's timeline.
type ProgressUpdate struct {
	ID               string
	RecommendationID string
	ActionID         string
	EvidenceID       string
	RelatedID        string // for link entries, the recommendation at the other end
	MilestoneID      string // for milestone entries
	Field            string // for edit entries: text, title, response_due, addressees or themes
	Kind             ProgressKind
	OldStatus        string
	NewStatus        string
	Narrative        string
	AuthorID         string
	AuthorName       string
	OrganisationID   string
	CreatedAt        time.Time
}

// ActionProgress is an owner's (or oversight's) update to an action: a note, a status change,
// or both.
type ActionProgress struct {
	Status    ImplementationStatus // empty: a note only
	Narrative string
	Reason    string
	Outcome   *string // sets the outcome statement
	// CompletionDate goes only with a claim of implementation (status
	// implemented_pending_verification); the claim's day when not given.
	CompletionDate *Date
}

func (d *ActionProgress) Validate() error {
	var p Problems
	if d.Status != "" {
		CheckEnum(&p, "status", d.Status, ImplementationStatuses)
	}
	CheckText(&p, "narrative", d.Narrative, d.Status == "", 20000)
	CheckText(&p, "reason", d.Reason, false, 20000)
	CheckOptionalText(&p, "outcome", d.Outcome, 10000)
	if d.CompletionDate != nil && d.Status != ImplPending {
		p.Add("completion_date", "claim_required", "a completion date goes only with a claim of implementation (status %s, with an outcome and evidence)", ImplPending)
	}
	return p.Err()
}

// EvidenceKind: a link to where the proof lives, or an uploaded document kept in the database.
type EvidenceKind string

// EvidenceStatus is oversight's view of an item of evidence.
type EvidenceStatus string

const (
	EvidencePending  EvidenceStatus = "pending"
	EvidenceVerified EvidenceStatus = "verified"
	EvidenceRejected EvidenceStatus = "rejected"
	// EvidenceWithdrawn names a withdrawal in the timeline (a progress entry's new status). The
	// evidence itself keeps the status it had, pending, and records the withdrawal beside it.
	EvidenceWithdrawn EvidenceStatus = "withdrawn"
)

// Evidence supports a claim that an action is done.
type Evidence struct {
	ID               string
	ActionID         string
	RecommendationID string
	Kind             EvidenceKind // link or file
	Title            string
	EvidenceType     string // policy_document, training_record, audit_result, minutes, data_extract, other
	URL              string
	Filename         string
	MediaType        string
	SizeBytes        int64
	SHA256           string
	Status           EvidenceStatus
	SubmittedByID    string
	SubmittedByName  string
	SubmittedAt      time.Time
	ReviewedByName   string
	ReviewedAt       *time.Time
	ReviewNote       string
	// A withdrawal by its uploader (withdrawal.go): the item is then hidden from the record.
	WithdrawnAt      *time.Time
	WithdrawnByName  string
	WithdrawalReason string
}

var EvidenceTypes = []string{"policy_document", "training_record", "audit_result", "minutes", "data_extract", "other"}

// EvidenceDraft describes new evidence; for a file, Content holds the bytes.
type EvidenceDraft struct {
	Title        string
	EvidenceType string
	URL          string
	Filename     string
	Content      []byte
}

// Assessment is an oversight officer's recorded classification.
type Assessment struct {
	ID               string
	RecommendationID string
	From, To         OversightStatus
	Rationale        string
	LinkedID         string
	FollowUpOn       *Date
	AssessorName     string
	CreatedAt        time.Time
}

// TrackingService runs the lifecycle of recommendations.
type TrackingService interface {
	RecordResponse(ctx context.Context, recommendationID string, d ResponseDraft) (Response, error)
	ListResponses(ctx context.Context, recommendationID string) ([]Response, error)
	// GetResponse and GetLink read one record, for whoever may read its recommendation.
	GetResponse(ctx context.Context, id string) (Response, error)
	GetLink(ctx context.Context, id string) (Link, error)
	ProgressAction(ctx context.Context, actionID string, version int, d ActionProgress) (Action, error)
	AddEvidence(ctx context.Context, actionID string, d EvidenceDraft) (Evidence, error)
	GetEvidence(ctx context.Context, id string) (Evidence, error)
	EvidenceContent(ctx context.Context, id string) (Evidence, []byte, error)
	ReviewEvidence(ctx context.Context, id string, status EvidenceStatus, note string) (Evidence, error)
	ListEvidence(ctx context.Context, actionID string) ([]Evidence, error)
	// WithdrawEvidence withdraws evidence its uploader added by mistake (CheckWithdrawal).
	WithdrawEvidence(ctx context.Context, id, reason string) error
	Assess(ctx context.Context, recommendationID string, version int, d AssessmentDraft) (Recommendation, error)
	AddLink(ctx context.Context, recommendationID string, d LinkDraft) (Link, error)
	RemoveLink(ctx context.Context, id string) error
	Timeline(ctx context.Context, recommendationID string) ([]ProgressUpdate, error)
	Work(ctx context.Context) (WorkList, error)
}

// OverdueCount is one organisation's line of the overdue list.
type OverdueCount struct {
	OrganisationID   string
	OrganisationName string
	ResponseOverdue  int
	ActionOverdue    int
	Recommendations  []string
}

// WorkList is what the caller should look at next.
type WorkList struct {
	AsOf                  Date
	Overdue               []Recommendation
	DueSoon               []Recommendation
	AwaitingResponse      []Recommendation
	ResponsesToAssess     []Recommendation
	EvidenceToVerify      []Evidence
	OverdueByOrganisation []OverdueCount
}
