package casereview

import (
	"fmt"
	"slices"
	"strings"
)

// The three status layers of DESIGN §4 as state machines. Each table says which moves are
// allowed; the functions below add who may make them and what each requires. The store calls
// them inside the transaction that writes the change, its ProgressUpdate and its AuditEvent.

// --- Layer 1: the response of an addressee -------------------------------------------------

const (
	ResponseAwaiting    ResponseStatus = "awaiting_response"
	ResponseReceived    ResponseStatus = "response_received"
	ResponseAccepted    ResponseStatus = "accepted"
	ResponseInPart      ResponseStatus = "accepted_in_part"
	ResponseAlternative ResponseStatus = "accepted_alternative"
	ResponseNotAccepted ResponseStatus = "not_accepted"
)

// responseRank orders responses from least to most advanced, for the roll-up: a recommendation
// stands where its least advanced lead addressee stands.
var responseRank = map[ResponseStatus]int{ResponseAwaiting: 0, ResponseReceived: 1, ResponseNotAccepted: 2,
	ResponseInPart: 3, ResponseAlternative: 4, ResponseAccepted: 5}

// ResponseDecisions are what a formal response can say.
var ResponseDecisions = []ResponseStatus{ResponseReceived, ResponseAccepted, ResponseInPart, ResponseAlternative, ResponseNotAccepted}

// ResponseDraft is an addressee's formal reply.
type ResponseDraft struct {
	OrganisationID string
	Decision       ResponseStatus // response_received records a holding reply; the others decide
	Narrative      string
	Timetable      string
	Reasons        string
	ReceivedOn     *Date
}

// Validate checks a response: reasons are mandatory unless the recommendation is accepted in
// full (49 USC 1135's rule, which DHR practice lacks), and a decision to act needs a timetable.
func (d *ResponseDraft) Validate(today Date) error {
	var p Problems
	d.OrganisationID = CheckID(&p, "organisation_id", d.OrganisationID, true)
	CheckEnum(&p, "decision", d.Decision, ResponseDecisions)
	CheckText(&p, "narrative", d.Narrative, d.Decision != ResponseReceived, 20000)
	CheckText(&p, "timetable", d.Timetable, false, 5000)
	needReasons := d.Decision.NeedsReasons()
	CheckText(&p, "reasons", d.Reasons, needReasons, 20000)
	if needReasons && strings.TrimSpace(d.Reasons) == "" {
		// CheckText has recorded "required"; say why.
		p.list[len(p.list)-1].Message = "reasons are required unless the recommendation is accepted in full"
	}
	if (d.Decision == ResponseAccepted || d.Decision == ResponseInPart || d.Decision == ResponseAlternative) && strings.TrimSpace(d.Timetable) == "" {
		p.Add("timetable", FieldRequired, "a decision to act needs a timetable")
	}
	if d.ReceivedOn != nil && today.Before(*d.ReceivedOn) {
		p.Add("received_on", FieldInvalid, "received_on (%s) is in the future", d.ReceivedOn)
	}
	return p.Err()
}

// NeedsReasons reports whether a response with this decision must give its reasons: every
// decision short of full acceptance.
func (s ResponseStatus) NeedsReasons() bool {
	return s == ResponseInPart || s == ResponseAlternative || s == ResponseNotAccepted
}

// CanRespond: the agency editors of the addressed organisation give its response; the review's
// panel may record one received on paper.
func CanRespond(a Actor, partnershipID, organisationID string) bool {
	return a.IsSystem() || a.EditorOf(organisationID) || a.PanelOf(partnershipID)
}

// RollUpResponse returns the least advanced of the lead addressees' responses (all addressees'
// when none is lead).
func RollUpResponse(addressees []Addressee) ResponseStatus {
	out, found := ResponseAccepted, false
	consider := func(lead bool) {
		for _, a := range addressees {
			if (a.Role == RoleLead) == lead {
				s := a.ResponseStatus
				if s == "" {
					s = ResponseAwaiting
				}
				if !found || responseRank[s] < responseRank[out] {
					out, found = s, true
				}
			}
		}
	}
	consider(true)
	if !found {
		consider(false)
	}
	if !found {
		return ResponseAwaiting
	}
	return out
}

// --- Layer 2: implementation of an action --------------------------------------------------

const (
	ImplNotStarted     ImplementationStatus = "not_started"
	ImplPlanned        ImplementationStatus = "planned"
	ImplInProgress     ImplementationStatus = "in_progress"
	ImplPending        ImplementationStatus = "implemented_pending_verification"
	ImplVerified       ImplementationStatus = "implemented_verified"
	ImplNotImplemented ImplementationStatus = "not_implemented"
)

var implRank = map[ImplementationStatus]int{ImplNotImplemented: -1, ImplNotStarted: 0, ImplPlanned: 1, ImplInProgress: 2,
	ImplPending: 3, ImplVerified: 4}

// implMoves lists the allowed moves. Verification, and sending a claim of completion back, are
// oversight's (see CanMoveAction).
var implMoves = map[ImplementationStatus][]ImplementationStatus{
	ImplNotStarted:     {ImplPlanned, ImplInProgress, ImplNotImplemented},
	ImplPlanned:        {ImplInProgress, ImplNotStarted, ImplNotImplemented},
	ImplInProgress:     {ImplPending, ImplPlanned, ImplNotImplemented},
	ImplPending:        {ImplVerified, ImplInProgress},
	ImplVerified:       {ImplInProgress},
	ImplNotImplemented: {ImplPlanned, ImplInProgress},
}

// ActionMove is a requested change of an action's implementation status.
type ActionMove struct {
	From, To      ImplementationStatus
	Reason        string // required to abandon, to reopen, or to send a claim back
	Outcome       string // the outcome statement (required to claim completion)
	EvidenceCount int    // evidence items on the action not rejected
	HasTarget     bool   // the action has a target date (required to plan)
}

// CheckActionMove says whether a may make the move on an action of partnershipID owned by
// organisationID, and what is missing. Owners and the panel move an action through its work;
// only oversight verifies a claim of completion or sends it back.
func CheckActionMove(a Actor, partnershipID, organisationID string, m ActionMove) error {
	var p Problems
	CheckEnum(&p, "status", m.To, ImplementationStatuses)
	if !p.Empty() {
		return p.Err()
	}
	if err := actionMovePermitted(a, partnershipID, organisationID, m.From, m.To); err != nil {
		return err
	}
	switch m.To {
	case ImplPlanned:
		if !m.HasTarget {
			p.Add("target_date", FieldRequired, "set the action's target date before marking it planned")
		}
	case ImplPending:
		if strings.TrimSpace(m.Outcome) == "" {
			p.Add("outcome", FieldRequired, "describe the outcome before claiming the action is implemented")
		}
		if m.EvidenceCount == 0 {
			p.Add("evidence", FieldRequired, "attach at least one item of evidence before claiming the action is implemented")
		}
	case ImplNotImplemented:
		if strings.TrimSpace(m.Reason) == "" {
			p.Add("reason", FieldRequired, "say why the action will not be implemented")
		}
	}
	if (m.From == ImplPending || m.From == ImplVerified || m.From == ImplNotImplemented) && m.To != ImplVerified && strings.TrimSpace(m.Reason) == "" {
		p.Add("reason", FieldRequired, "say why the action is being sent back or reopened")
	}
	return p.Err()
}

// actionMovePermitted says whether the table allows from -> to at all, and whether a may make
// that move: owners and the panel move an action through its work; only oversight verifies a
// claim of completion or sends it back.
func actionMovePermitted(a Actor, partnershipID, organisationID string, from, to ImplementationStatus) error {
	if !slices.Contains(implMoves[from], to) {
		return Invalid("status", "illegal_transition", "an action cannot move from %s to %s (allowed: %s)", from, to, joinStatuses(implMoves[from]))
	}
	oversightMove := to == ImplVerified || from == ImplPending || from == ImplVerified
	switch {
	case oversightMove && !(a.IsSystem() || a.IsOversight()):
		return Deny(a, fmt.Sprintf("only an oversight officer moves an action from %s to %s", from, to))
	case !oversightMove && !CanWriteAction(a, partnershipID, organisationID):
		return Deny(a, "only the organisation that owns the action (or the review panel) moves it on")
	}
	return nil
}

// ActionMovesFor lists, in the table's order, the statuses a may move an action of
// partnershipID owned by organisationID to from its status from, so that a form offers only
// those. What each move also needs (a target date, an outcome and evidence, a reason) is still
// checked by CheckActionMove when the move is made.
func ActionMovesFor(a Actor, partnershipID, organisationID string, from ImplementationStatus) []ImplementationStatus {
	var out []ImplementationStatus
	for _, to := range implMoves[from] {
		if actionMovePermitted(a, partnershipID, organisationID, from, to) == nil {
			out = append(out, to)
		}
	}
	return out
}

// RollUpImplementation returns the least advanced implementation status among the actions of
// lead addressees (all actions when no lead owns one); not_started when there are none.
func RollUpImplementation(actions []Action, leads []string) ImplementationStatus {
	pick := func(onlyLeads bool) (ImplementationStatus, bool) {
		var out ImplementationStatus
		found := false
		for _, x := range actions {
			if onlyLeads && !slices.Contains(leads, x.OrganisationID) {
				continue
			}
			if !found || implRank[x.ImplementationStatus] < implRank[out] {
				out, found = x.ImplementationStatus, true
			}
		}
		return out, found
	}
	if s, ok := pick(true); ok {
		return s
	}
	if s, ok := pick(false); ok {
		return s
	}
	return ImplNotStarted
}

// --- Layer 3: oversight classification of a recommendation ----------------------------------

const (
	OversightUnassessed OversightStatus = "open_unassessed"
	ClosedSuperseded    OversightStatus = "closed_superseded"
	ClosedDuplicate     OversightStatus = "closed_duplicate"
	ClosedAcceptable    OversightStatus = "closed_acceptable_action"
	ClosedExceeds       OversightStatus = "closed_exceeds"
)

// IsClosed reports whether s is a closed classification.
func (s OversightStatus) IsClosed() bool { return strings.HasPrefix(string(s), "closed_") }

// AssessmentDraft is an oversight officer's classification of a recommendation.
type AssessmentDraft struct {
	Classification OversightStatus
	Rationale      string
	LinkedID       string // the recommendation it supersedes or duplicates (closed_superseded, closed_duplicate)
	FollowUpOn     *Date  // when to check that a closure has held
}

// AssessmentContext is what the rules need to know about the recommendation being assessed.
type AssessmentContext struct {
	Current        OversightStatus
	Implementation ImplementationStatus
	HasLink        bool // a link of the kind the classification needs, to LinkedID
}

// CheckAssessment says whether a may classify, and what is missing: only oversight classifies;
// every closure and every reopening needs a rationale; superseded and duplicate closures need a
// link to the other recommendation; closing as acted upon needs verified implementation.
func CheckAssessment(a Actor, d *AssessmentDraft, c AssessmentContext, today Date) error {
	if !(a.IsSystem() || a.IsOversight()) {
		return Deny(a, "only oversight officers classify recommendations")
	}
	var p Problems
	CheckEnum(&p, "classification", d.Classification, OversightStatuses)
	CheckText(&p, "rationale", d.Rationale, d.Classification.IsClosed() || c.Current.IsClosed(), 20000)
	if !p.Empty() && strings.TrimSpace(d.Rationale) == "" && (d.Classification.IsClosed() || c.Current.IsClosed()) {
		for i := range p.list {
			if p.list[i].Field == "rationale" {
				p.list[i].Message = "a rationale is required to close or reopen a recommendation"
			}
		}
	}
	if d.Classification == c.Current {
		p.Add("classification", FieldInvalid, "the recommendation is already %s", c.Current)
	}
	d.LinkedID = CheckID(&p, "linked_recommendation_id", d.LinkedID, d.Classification == ClosedSuperseded || d.Classification == ClosedDuplicate)
	if (d.Classification == ClosedSuperseded || d.Classification == ClosedDuplicate) && d.LinkedID != "" && !c.HasLink {
		kind := "supersedes"
		if d.Classification == ClosedDuplicate {
			kind = "duplicate_of"
		}
		p.Add("linked_recommendation_id", "link_required", "link the recommendations first (a %s link) and then close", kind)
	}
	if (d.Classification == ClosedAcceptable || d.Classification == ClosedExceeds) && c.Implementation != ImplVerified {
		p.Add("classification", "not_verified", "%s needs implementation verified by oversight (it is %s)", d.Classification, c.Implementation)
	}
	if d.FollowUpOn != nil && !d.Classification.IsClosed() {
		p.Add("follow_up_on", FieldInvalid, "a follow-up check is scheduled only when closing")
	}
	if d.FollowUpOn != nil && d.FollowUpOn.Before(today) {
		p.Add("follow_up_on", FieldInvalid, "follow_up_on (%s) is in the past", d.FollowUpOn)
	}
	return p.Err()
}

// --- Links between recommendations -----------------------------------------------------------

type LinkType string

var LinkTypes = []LinkType{"duplicate_of", "repeats", "similar_to", "supersedes", "implements", "contradicts"}

// CanLink: the panel of the recommendation's partnership, and oversight, link recommendations.
func CanLink(a Actor, partnershipID string) bool {
	return a.IsSystem() || a.IsOversight() || a.PanelOf(partnershipID)
}

func joinStatuses[T ~string](xs []T) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return strings.Join(out, ", ")
}
