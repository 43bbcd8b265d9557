package casereview

import (
	"fmt"
	"slices"
	"strings"
)

// The three status layers of DESIGN §4 are state machines, each stated once, as a table of
// transitions: from, to, who makes the move, and which fields the move needs. The Check…
// functions in lifecycle.go enforce the tables; the …MovesFor functions list what an actor may
// do next (the web UI offers only those); docs/status-machines.md is generated from them
// (see MachinesMarkdown) and a test fails when it is stale.

// Mover says who may make a move.
type Mover string

const (
	// ByOwnerOrPanel: the agency editors of the organisation that owns the action, or the panel
	// of the review's partnership (CanWriteAction).
	ByOwnerOrPanel Mover = "owner_or_panel"
	// ByAddresseeOrPanel: the agency editors of the addressed organisation, or the panel
	// recording a reply received on paper (CanRespond).
	ByAddresseeOrPanel Mover = "addressee_or_panel"
	// ByOversight: oversight officers.
	ByOversight Mover = "oversight"
)

// Transition is one allowed move of a status layer.
type Transition struct {
	From, To string
	By       Mover
	Requires []string // fields the move needs (see each layer's Check… function for their meaning)
}

// Machine is a status layer: its states and every allowed move. A move not listed is refused.
type Machine struct {
	Layer  string
	States []string
	Moves  []Transition
}

func (m Machine) find(from, to string) (Transition, bool) {
	for _, t := range m.Moves {
		if t.From == from && t.To == to {
			return t, true
		}
	}
	return Transition{}, false
}

func (m Machine) targets(from string) []string {
	var out []string
	for _, t := range m.Moves {
		if t.From == from {
			out = append(out, t.To)
		}
	}
	return out
}

// mayMove reports whether a is among those who make moves by.
func mayMove(a Actor, by Mover, partnershipID, organisationID string) bool {
	switch by {
	case ByOwnerOrPanel:
		return CanWriteAction(a, partnershipID, organisationID)
	case ByAddresseeOrPanel:
		return CanRespond(a, partnershipID, organisationID)
	case ByOversight:
		return a.IsSystem() || a.IsOversight()
	}
	return false
}

func (m Machine) movesFor(a Actor, from, partnershipID, organisationID string) []Transition {
	var out []Transition
	for _, t := range m.Moves {
		if t.From == from && mayMove(a, t.By, partnershipID, organisationID) {
			t.Requires = slices.Clone(t.Requires)
			out = append(out, t)
		}
	}
	return out
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// --- Layer 1: response ------------------------------------------------------------------------

// Fields a response move may need.
const (
	ReqNarrative = "narrative" // what the organisation says
	ReqTimetable = "timetable" // when it will act (a decision to act)
	ReqReasons   = "reasons"   // why not in full, and why a decision is being revised
)

// responseNeeds is what a decision needs, whatever came before it.
func responseNeeds(to ResponseStatus) []string {
	switch to {
	case ResponseAccepted:
		return []string{ReqNarrative, ReqTimetable}
	case ResponseInPart, ResponseAlternative:
		return []string{ReqNarrative, ReqTimetable, ReqReasons}
	case ResponseNotAccepted:
		return []string{ReqNarrative, ReqReasons}
	}
	return nil
}

// responseMachine: an addressee first sends a holding reply or a decision; a holding reply is
// followed by a decision; a decision may be revised to another decision, with reasons, but never
// falls back to a holding reply or to awaiting.
var responseMachine = func() Machine {
	m := Machine{Layer: "response", States: strs(ResponseStatuses)}
	decisions := []ResponseStatus{ResponseAccepted, ResponseInPart, ResponseAlternative, ResponseNotAccepted}
	m.Moves = append(m.Moves, Transition{From: string(ResponseAwaiting), To: string(ResponseReceived), By: ByAddresseeOrPanel})
	for _, from := range []ResponseStatus{ResponseAwaiting, ResponseReceived} {
		for _, to := range decisions {
			m.Moves = append(m.Moves, Transition{From: string(from), To: string(to), By: ByAddresseeOrPanel, Requires: responseNeeds(to)})
		}
	}
	for _, from := range decisions {
		for _, to := range decisions {
			if from == to {
				continue
			}
			req := responseNeeds(to)
			if !slices.Contains(req, ReqReasons) {
				req = append(slices.Clone(req), ReqReasons)
			}
			m.Moves = append(m.Moves, Transition{From: string(from), To: string(to), By: ByAddresseeOrPanel, Requires: req})
		}
	}
	return m
}()

// ResponseMovesFor lists the responses a may record for organisationID's addressee standing at from.
func ResponseMovesFor(a Actor, partnershipID, organisationID string, from ResponseStatus) []Transition {
	if from == "" {
		from = ResponseAwaiting
	}
	return responseMachine.movesFor(a, string(from), partnershipID, organisationID)
}

// --- Layer 2: implementation ---------------------------------------------------------------------

// Fields an action move may need.
const (
	ReqTargetDate = "target_date" // the action has a target date
	ReqOutcome    = "outcome"     // an outcome statement
	ReqEvidence   = "evidence"    // at least one item of evidence not rejected
	ReqReason     = "reason"      // why it is abandoned, sent back or reopened
)

// implMachine: owners and the panel move an action through its work; only oversight verifies a
// claim of completion (which must still rest on evidence) or sends it back.
var implMachine = Machine{Layer: "implementation", States: strs(ImplementationStatuses), Moves: []Transition{
	{From: "not_started", To: "planned", By: ByOwnerOrPanel, Requires: []string{ReqTargetDate}},
	{From: "not_started", To: "in_progress", By: ByOwnerOrPanel},
	{From: "not_started", To: "not_implemented", By: ByOwnerOrPanel, Requires: []string{ReqReason}},
	{From: "planned", To: "in_progress", By: ByOwnerOrPanel},
	{From: "planned", To: "not_started", By: ByOwnerOrPanel},
	{From: "planned", To: "not_implemented", By: ByOwnerOrPanel, Requires: []string{ReqReason}},
	{From: "in_progress", To: "implemented_pending_verification", By: ByOwnerOrPanel, Requires: []string{ReqOutcome, ReqEvidence}},
	{From: "in_progress", To: "planned", By: ByOwnerOrPanel, Requires: []string{ReqTargetDate}},
	{From: "in_progress", To: "not_implemented", By: ByOwnerOrPanel, Requires: []string{ReqReason}},
	{From: "implemented_pending_verification", To: "implemented_verified", By: ByOversight, Requires: []string{ReqEvidence}},
	{From: "implemented_pending_verification", To: "in_progress", By: ByOversight, Requires: []string{ReqReason}},
	{From: "implemented_verified", To: "in_progress", By: ByOversight, Requires: []string{ReqReason}},
	{From: "not_implemented", To: "planned", By: ByOwnerOrPanel, Requires: []string{ReqTargetDate, ReqReason}},
	{From: "not_implemented", To: "in_progress", By: ByOwnerOrPanel, Requires: []string{ReqReason}},
}}

// ActionMovesFor lists the moves a may make on an action of partnershipID owned by
// organisationID standing at from.
func ActionMovesFor(a Actor, partnershipID, organisationID string, from ImplementationStatus) []Transition {
	return implMachine.movesFor(a, string(from), partnershipID, organisationID)
}

// --- Layer 3: oversight classification -------------------------------------------------------------

// Fields an oversight move may need.
const (
	ReqRationale = "rationale"                // why it is closed or reopened
	ReqLink      = "linked_recommendation_id" // the recommendation it duplicates or that supersedes it, already linked
	ReqVerified  = "verified_implementation"  // the recommendation's implementation is implemented_verified
)

// OpenStatuses and ClosedStatuses split OversightStatuses.
var (
	OpenStatuses   = oversightStatusesWhere(false)
	ClosedStatuses = oversightStatusesWhere(true)
)

func oversightStatusesWhere(closed bool) []OversightStatus {
	var out []OversightStatus
	for _, s := range OversightStatuses {
		if s.IsClosed() == closed {
			out = append(out, s)
		}
	}
	return out
}

// oversightMachine: an unassessed recommendation is assessed (open) or closed; an assessment may
// change while open; every closure needs a rationale, some more; a closed recommendation is
// settled: it changes only by being reopened (with a rationale), never from one closure to
// another, and never back to unassessed from an assessment.
var oversightMachine = func() Machine {
	m := Machine{Layer: "oversight", States: strs(OversightStatuses)}
	for _, from := range OpenStatuses {
		for _, to := range OpenStatuses {
			if from != to && to != OversightUnassessed {
				m.Moves = append(m.Moves, Transition{From: string(from), To: string(to), By: ByOversight})
			}
		}
		for _, to := range ClosedStatuses {
			req := []string{ReqRationale}
			switch to {
			case ClosedSuperseded, ClosedDuplicate:
				req = append(req, ReqLink)
			case ClosedAcceptable, ClosedExceeds:
				req = append(req, ReqVerified)
			}
			m.Moves = append(m.Moves, Transition{From: string(from), To: string(to), By: ByOversight, Requires: req})
		}
	}
	for _, from := range ClosedStatuses {
		for _, to := range OpenStatuses {
			m.Moves = append(m.Moves, Transition{From: string(from), To: string(to), By: ByOversight, Requires: []string{ReqRationale}})
		}
	}
	return m
}()

// OversightMovesFor lists the classifications a may give a recommendation classified from.
func OversightMovesFor(a Actor, from OversightStatus) []Transition {
	return oversightMachine.movesFor(a, string(from), "", "")
}

// Machines returns the three status layers, in DESIGN §4's order.
func Machines() []Machine {
	out := []Machine{responseMachine, implMachine, oversightMachine}
	for i := range out {
		out[i].States = slices.Clone(out[i].States)
		out[i].Moves = slices.Clone(out[i].Moves)
	}
	return out
}

// MachinesMarkdown renders the tables as the page docs/status-machines.md: a mermaid state
// diagram and a table of moves for each layer. It is generated, never written by hand.
func MachinesMarkdown() string {
	var b strings.Builder
	b.WriteString("<!-- Generated from the transition tables in internal/casereview/machines.go by\n" +
		"     `go test ./internal/casereview -run TestStatusMachinesDoc -update`. Do not edit by hand. -->\n\n")
	b.WriteString("# Status machines\n\n")
	b.WriteString("Each status layer of a recommendation (DESIGN §4) is a state machine. A move that is not\n" +
		"listed here is refused (422, `illegal_transition`); a move by someone not listed is refused\n" +
		"(403); a move without the fields it needs is refused (422, naming each field). A closed\n" +
		"recommendation is settled: its text, addressees, actions, responses and evidence change only\n" +
		"after oversight reopens it (409 until then).\n\n")
	b.WriteString("Who: `addressee_or_panel` is the addressed organisation's agency editors or the review's\n" +
		"panel; `owner_or_panel` is the owning organisation's agency editors or the review's panel;\n" +
		"`oversight` is oversight officers.\n")
	for _, m := range Machines() {
		fmt.Fprintf(&b, "\n## %s\n\n```mermaid\nstateDiagram-v2\n", m.Layer)
		for _, t := range m.Moves {
			label := string(t.By)
			if len(t.Requires) > 0 {
				label += ": " + strings.Join(t.Requires, ", ")
			}
			fmt.Fprintf(&b, "    %s --> %s : %s\n", t.From, t.To, label)
		}
		b.WriteString("```\n\n| from | to | who | requires |\n|---|---|---|---|\n")
		for _, t := range m.Moves {
			req := "—"
			if len(t.Requires) > 0 {
				req = strings.Join(t.Requires, ", ")
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", t.From, t.To, t.By, req)
		}
	}
	return b.String()
}
