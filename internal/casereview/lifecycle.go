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

// Validate checks the form of a response: the organisation, the decision, the lengths and the
// date. What a decision needs (a narrative, a timetable, reasons) depends on what it follows, so
// CheckResponse asks the response table.
func (d *ResponseDraft) Validate(today Date) error {
	var p Problems
	d.validate(&p, today)
	return p.Err()
}

func (d *ResponseDraft) validate(p *Problems, today Date) {
	d.OrganisationID = CheckID(p, "organisation_id", d.OrganisationID, true)
	CheckEnum(p, "decision", d.Decision, ResponseDecisions)
	CheckText(p, "narrative", d.Narrative, false, 20000)
	CheckText(p, "timetable", d.Timetable, false, 5000)
	CheckText(p, "reasons", d.Reasons, false, 20000)
	if d.ReceivedOn != nil && today.Before(*d.ReceivedOn) {
		p.Add("received_on", FieldInvalid, "received_on (%s) is in the future", d.ReceivedOn)
	}
}

// CheckResponse says whether a may record d for an addressee whose response stands at from, and
// what is missing: reasons are mandatory unless the recommendation is accepted in full (49 USC
// 1135's rule, which DHR practice lacks), a decision to act needs a timetable, and revising a
// decision needs reasons; a decision never falls back to a holding reply.
func CheckResponse(a Actor, partnershipID string, from ResponseStatus, d *ResponseDraft, today Date) error {
	if org, ok := NormaliseID(d.OrganisationID); ok {
		d.OrganisationID = org
	}
	if !CanRespond(a, partnershipID, d.OrganisationID) {
		return Deny(a, "only the addressed organisation (or the review panel) records its response")
	}
	if from == "" {
		from = ResponseAwaiting
	}
	if Valid(d.Decision, ResponseStatuses) {
		if _, ok := responseMachine.find(string(from), string(d.Decision)); !ok {
			return Invalid("decision", "illegal_transition", "the response stands at %s and cannot become %s (allowed: %s)",
				from, d.Decision, strings.Join(responseMachine.targets(string(from)), ", "))
		}
	}
	var p Problems
	d.validate(&p, today)
	if tr, ok := responseMachine.find(string(from), string(d.Decision)); ok {
		revising := from != ResponseAwaiting && from != ResponseReceived
		for _, f := range tr.Requires {
			switch f {
			case ReqNarrative:
				if strings.TrimSpace(d.Narrative) == "" {
					p.Add(f, FieldRequired, "narrative is required")
				}
			case ReqTimetable:
				if strings.TrimSpace(d.Timetable) == "" {
					p.Add(f, FieldRequired, "a decision to act needs a timetable")
				}
			case ReqReasons:
				if strings.TrimSpace(d.Reasons) == "" {
					msg := "reasons are required unless the recommendation is accepted in full"
					if revising {
						msg = fmt.Sprintf("say why the response is revised from %s to %s", from, d.Decision)
					}
					p.Add(f, FieldRequired, "%s", msg)
				}
			}
		}
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

// ActionMove is a requested change of an action's implementation status.
type ActionMove struct {
	From, To      ImplementationStatus
	Reason        string // required to abandon, to reopen, or to send a claim back
	Outcome       string // the outcome statement (required to claim completion)
	EvidenceCount int    // evidence items on the action not rejected
	HasTarget     bool   // the action has a target date (required to plan)
}

// CheckActionMove says whether a may make the move on an action of partnershipID owned by
// organisationID, and what is missing, as the implementation table says.
func CheckActionMove(a Actor, partnershipID, organisationID string, m ActionMove) error {
	var p Problems
	CheckEnum(&p, "status", m.To, ImplementationStatuses)
	if !p.Empty() {
		return p.Err()
	}
	tr, ok := implMachine.find(string(m.From), string(m.To))
	if !ok {
		return Invalid("status", "illegal_transition", "an action cannot move from %s to %s (allowed: %s)", m.From, m.To, strings.Join(implMachine.targets(string(m.From)), ", "))
	}
	if !mayMove(a, tr.By, partnershipID, organisationID) {
		if tr.By == ByOversight {
			return Deny(a, fmt.Sprintf("only an oversight officer moves an action from %s to %s", m.From, m.To))
		}
		return Deny(a, "only the organisation that owns the action (or the review panel) moves it on")
	}
	for _, f := range tr.Requires {
		switch f {
		case ReqTargetDate:
			if !m.HasTarget {
				p.Add(f, FieldRequired, "set the action's target date before marking it planned")
			}
		case ReqOutcome:
			if strings.TrimSpace(m.Outcome) == "" {
				p.Add(f, FieldRequired, "describe the outcome before claiming the action is implemented")
			}
		case ReqEvidence:
			if m.EvidenceCount == 0 {
				if m.To == ImplVerified {
					p.Add(f, FieldRequired, "a claim is verified on its evidence: the action has none that is not rejected")
				} else {
					p.Add(f, FieldRequired, "attach at least one item of evidence before claiming the action is implemented")
				}
			}
		case ReqReason:
			if strings.TrimSpace(m.Reason) == "" {
				if m.To == ImplNotImplemented {
					p.Add(f, FieldRequired, "say why the action will not be implemented")
				} else {
					p.Add(f, FieldRequired, "say why the action is being sent back or reopened")
				}
			}
		}
	}
	return p.Err()
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

// CheckAssessment says whether a may classify, and what is missing, as the oversight table says:
// only oversight classifies; every closure and every reopening needs a rationale; superseded and
// duplicate closures need a link to the other recommendation; closing as acted upon needs
// verified implementation; a closed recommendation is only ever reopened.
func CheckAssessment(a Actor, d *AssessmentDraft, c AssessmentContext, today Date) error {
	if !(a.IsSystem() || a.IsOversight()) {
		return Deny(a, "only oversight officers classify recommendations")
	}
	var p Problems
	CheckEnum(&p, "classification", d.Classification, OversightStatuses)
	if !p.Empty() {
		return p.Err()
	}
	tr, ok := oversightMachine.find(string(c.Current), string(d.Classification))
	if !ok {
		switch {
		case d.Classification == c.Current:
			return Invalid("classification", "illegal_transition", "the recommendation is already %s", c.Current)
		case c.Current.IsClosed() && d.Classification.IsClosed():
			return Invalid("classification", "illegal_transition", "the recommendation is closed (%s): reopen it first (oversight, with a rationale), then close it as %s", c.Current, d.Classification)
		}
		return Invalid("classification", "illegal_transition", "a recommendation cannot move from %s to %s (allowed: %s)",
			c.Current, d.Classification, strings.Join(oversightMachine.targets(string(c.Current)), ", "))
	}
	CheckText(&p, "rationale", d.Rationale, false, 20000)
	needLink := slices.Contains(tr.Requires, ReqLink)
	for _, f := range tr.Requires {
		switch f {
		case ReqRationale:
			if strings.TrimSpace(d.Rationale) == "" {
				p.Add(f, FieldRequired, "a rationale is required to close or reopen a recommendation")
			}
		case ReqVerified:
			if c.Implementation != ImplVerified {
				p.Add("classification", "not_verified", "%s needs implementation verified by oversight (it is %s)", d.Classification, c.Implementation)
			}
		}
	}
	d.LinkedID = CheckID(&p, ReqLink, d.LinkedID, needLink)
	if needLink && d.LinkedID != "" && !c.HasLink {
		kind := "supersedes"
		if d.Classification == ClosedDuplicate {
			kind = "duplicate_of"
		}
		p.Add(ReqLink, "link_required", "link the recommendations first (a %s link) and then close", kind)
	}
	if d.FollowUpOn != nil && !d.Classification.IsClosed() {
		p.Add("follow_up_on", FieldInvalid, "a follow-up check is scheduled only when closing")
	}
	if d.FollowUpOn != nil && d.FollowUpOn.Before(today) {
		p.Add("follow_up_on", FieldInvalid, "follow_up_on (%s) is in the past", d.FollowUpOn)
	}
	return p.Err()
}

// CheckOpen says whether the record of a recommendation classified s (closed on closedOn) may
// still change. A closed recommendation is settled: its text, addressees, themes, actions,
// responses and evidence are frozen until oversight reopens it, which the timeline shows.
func CheckOpen(s OversightStatus, closedOn *Date) error {
	if !s.IsClosed() {
		return nil
	}
	since := ""
	if closedOn != nil {
		since = " on " + closedOn.String()
	}
	msg := fmt.Sprintf("the recommendation was closed as %s%s, so its record is settled: reopen it first (oversight, with a rationale) to change it", s, since)
	return &Error{Code: CodeConflict, Message: msg,
		Fields: []FieldError{{Field: "oversight_status", Code: "closed", Message: msg}}}
}

// --- Links between recommendations -----------------------------------------------------------

type LinkType string

var LinkTypes = []LinkType{"duplicate_of", "repeats", "similar_to", "supersedes", "implements", "contradicts"}

// CanLink: the panel of the recommendation's partnership, and oversight, link recommendations.
func CanLink(a Actor, partnershipID string) bool {
	return a.IsSystem() || a.IsOversight() || a.PanelOf(partnershipID)
}
