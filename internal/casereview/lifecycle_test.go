package casereview_test

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

// Tests of the three status layers (DESIGN §4): who may make which move, and what each move
// needs. Expectations are written out by hand, never derived from the tables under test.

const (
	lcPartnership      = "11111111-1111-4111-8111-111111111111"
	lcOtherPartnership = "22222222-2222-4222-8222-222222222222"
	lcOwner            = "33333333-3333-4333-8333-333333333333"
	lcOtherOrg         = "44444444-4444-4444-8444-444444444444"
)

func lcUser(name string, ms ...cr.Membership) cr.Actor {
	return cr.Actor{UserID: "0190f0e4-0000-7000-8000-0000000000" + fmt.Sprintf("%02d", len(name)), Name: name, Memberships: ms}
}

// lcActors are the actors of the matrices; deny says what a refusal looks like for each.
var lcActors = []struct {
	name  string
	actor cr.Actor
	deny  cr.Code
}{
	{"owner editor", lcUser("owner editor", cr.Membership{Role: cr.RoleAgencyEditor, OrganisationID: lcOwner}), cr.CodeForbidden},
	{"panel", lcUser("panel", cr.Membership{Role: cr.RolePanel, PartnershipID: lcPartnership}), cr.CodeForbidden},
	{"oversight", lcUser("oversight", cr.Membership{Role: cr.RoleOversight}), cr.CodeForbidden},
	{"other editor", lcUser("other editor", cr.Membership{Role: cr.RoleAgencyEditor, OrganisationID: lcOtherOrg}), cr.CodeForbidden},
	{"other panel", lcUser("other panel", cr.Membership{Role: cr.RolePanel, PartnershipID: lcOtherPartnership}), cr.CodeForbidden},
	{"viewer", lcUser("viewer", cr.Membership{Role: cr.RoleViewer, PartnershipID: lcPartnership}), cr.CodeForbidden},
	{"admin", lcUser("admin", cr.Membership{Role: cr.RoleAdmin}), cr.CodeForbidden},
	{"anonymous", cr.Anonymous, cr.CodeUnauthenticated},
	{"system", cr.System, ""},
}

// lcErr renders an error as "code" or "invalid[field=code,...]" (fields sorted), "ok" for nil.
func lcErr(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return "ok"
	}
	var e *cr.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v (%T) is not a *casereview.Error", err, err)
	}
	if len(e.Fields) == 0 {
		return string(e.Code)
	}
	fs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		fs[i] = f.Field + "=" + f.Code
	}
	sort.Strings(fs)
	return string(e.Code) + "[" + strings.Join(fs, ",") + "]"
}

func lcInvalid(fields ...string) string {
	if len(fields) == 0 {
		return "ok"
	}
	sort.Strings(fields)
	return "invalid[" + strings.Join(fields, ",") + "]"
}

var lcStatuses = []cr.ImplementationStatus{cr.ImplNotStarted, cr.ImplPlanned, cr.ImplInProgress, cr.ImplPending, cr.ImplVerified, cr.ImplNotImplemented}

// lcLegal is the action state machine, written out: from>to → who makes the move ("work": the
// owner's editors and the review panel; "oversight": oversight officers) and the field problems
// of the move when nothing else is given.
var lcLegal = map[string]struct {
	by      string
	missing []string
}{
	"not_started>planned":                                   {"work", []string{"target_date=required"}},
	"not_started>in_progress":                               {"work", nil},
	"not_started>not_implemented":                           {"work", []string{"reason=required"}},
	"planned>in_progress":                                   {"work", nil},
	"planned>not_started":                                   {"work", nil},
	"planned>not_implemented":                               {"work", []string{"reason=required"}},
	"in_progress>implemented_pending_verification":          {"work", []string{"outcome=required", "evidence=required"}},
	"in_progress>planned":                                   {"work", []string{"target_date=required"}},
	"in_progress>not_implemented":                           {"work", []string{"reason=required"}},
	"implemented_pending_verification>implemented_verified": {"oversight", []string{"evidence=required"}},
	"implemented_pending_verification>in_progress":          {"oversight", []string{"reason=required"}},
	"implemented_verified>in_progress":                      {"oversight", []string{"reason=required"}},
	"not_implemented>planned":                               {"work", []string{"target_date=required", "reason=required"}},
	"not_implemented>in_progress":                           {"work", []string{"reason=required"}},
}

func TestActionMoveMatrix(t *testing.T) {
	full := func(from, to cr.ImplementationStatus) cr.ActionMove {
		return cr.ActionMove{From: from, To: to, Reason: "because", Outcome: "training delivered to 240 officers", EvidenceCount: 1, HasTarget: true}
	}
	checked := 0
	for _, from := range lcStatuses {
		for _, to := range lcStatuses {
			key := string(from) + ">" + string(to)
			legal, isLegal := lcLegal[key]
			for _, ac := range lcActors {
				name := key + " by " + ac.name
				// Who may move it, and what it needs.
				var wantFull, wantBare string
				allowed := false
				switch {
				case !isLegal:
					wantFull = lcInvalid("status=illegal_transition")
					wantBare = wantFull
				case ac.name == "system":
					allowed = true
				case legal.by == "oversight":
					allowed = ac.name == "oversight"
				default:
					allowed = ac.name == "owner editor" || ac.name == "panel"
				}
				if isLegal {
					if allowed {
						wantFull, wantBare = "ok", lcInvalid(legal.missing...)
					} else {
						// A refusal comes before any complaint about missing fields.
						wantFull, wantBare = string(ac.deny), string(ac.deny)
					}
				}
				if got := lcErr(t, cr.CheckActionMove(ac.actor, lcPartnership, lcOwner, full(from, to))); got != wantFull {
					t.Errorf("%s (everything given): got %s, want %s", name, got, wantFull)
				}
				if got := lcErr(t, cr.CheckActionMove(ac.actor, lcPartnership, lcOwner, cr.ActionMove{From: from, To: to})); got != wantBare {
					t.Errorf("%s (nothing given): got %s, want %s", name, got, wantBare)
				}
				checked++
			}
		}
	}
	if checked != 36*len(lcActors) {
		t.Fatalf("checked %d cases", checked)
	}
	// The hand-written table and the status list agree.
	for k := range lcLegal {
		from, to, _ := strings.Cut(k, ">")
		if !slices.Contains(lcStatuses, cr.ImplementationStatus(from)) || !slices.Contains(lcStatuses, cr.ImplementationStatus(to)) {
			t.Errorf("table names an unknown status: %s", k)
		}
	}
}

func TestActionMoveDetails(t *testing.T) {
	owner := lcActors[0].actor
	check := func(name string, m cr.ActionMove, want string) {
		t.Helper()
		if got := lcErr(t, cr.CheckActionMove(owner, lcPartnership, lcOwner, m)); got != want {
			t.Errorf("%s: got %s, want %s", name, got, want)
		}
	}
	// Blank text is missing text.
	check("whitespace reason", cr.ActionMove{From: cr.ImplInProgress, To: cr.ImplNotImplemented, Reason: " \t\n"}, lcInvalid("reason=required"))
	check("whitespace outcome", cr.ActionMove{From: cr.ImplInProgress, To: cr.ImplPending, Outcome: "  ", EvidenceCount: 2}, lcInvalid("outcome=required"))
	check("evidence only missing", cr.ActionMove{From: cr.ImplInProgress, To: cr.ImplPending, Outcome: "done"}, lcInvalid("evidence=required"))
	check("target given", cr.ActionMove{From: cr.ImplNotStarted, To: cr.ImplPlanned, HasTarget: true}, "ok")
	check("reopen abandoned: target but no reason", cr.ActionMove{From: cr.ImplNotImplemented, To: cr.ImplPlanned, HasTarget: true}, lcInvalid("reason=required"))
	// The requested status must be a status.
	check("unknown status", cr.ActionMove{From: cr.ImplNotStarted, To: "finished"}, lcInvalid("status=unknown_value"))
	check("empty status", cr.ActionMove{From: cr.ImplNotStarted, To: ""}, lcInvalid("status=required"))
	check("unknown from", cr.ActionMove{From: "weird", To: cr.ImplPlanned, HasTarget: true}, lcInvalid("status=illegal_transition"))
	// The owner is the organisation given, not any organisation the actor edits for.
	if got := lcErr(t, cr.CheckActionMove(owner, lcPartnership, lcOtherOrg, cr.ActionMove{From: cr.ImplNotStarted, To: cr.ImplInProgress})); got != "forbidden" {
		t.Errorf("owner editor on another organisation's action: %s", got)
	}
	// The panel is the panel of the review's partnership.
	panel := lcActors[1].actor
	if got := lcErr(t, cr.CheckActionMove(panel, lcOtherPartnership, lcOwner, cr.ActionMove{From: cr.ImplNotStarted, To: cr.ImplInProgress})); got != "forbidden" {
		t.Errorf("panel of another partnership: %s", got)
	}
	// The illegal-transition message lists what is allowed.
	err := cr.CheckActionMove(owner, lcPartnership, lcOwner, cr.ActionMove{From: cr.ImplNotStarted, To: cr.ImplVerified})
	var e *cr.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || !strings.Contains(e.Fields[0].Message, "planned") {
		t.Errorf("illegal transition message: %v", err)
	}
}

func TestResponseDraftValidate(t *testing.T) {
	today := cr.MustDate("2026-03-02")
	base := func(decision cr.ResponseStatus) cr.ResponseDraft {
		return cr.ResponseDraft{OrganisationID: lcOwner, Decision: decision, Narrative: "We have considered the recommendation.",
			Timetable: "By the end of the year.", Reasons: "Our reasons."}
	}
	cases := []struct {
		name string
		edit func(d *cr.ResponseDraft)
		want string
	}{
		{"accepted, complete", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseAccepted; d.Reasons = "" }, "ok"},
		{"accepted needs no reasons", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseAccepted; d.Reasons = "  " }, "ok"},
		{"accepted needs a timetable", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseAccepted; d.Timetable = "" }, lcInvalid("timetable=required")},
		{"accepted needs a narrative", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseAccepted; d.Narrative = " " }, lcInvalid("narrative=required")},
		{"in part, complete", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseInPart }, "ok"},
		{"in part needs reasons", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseInPart; d.Reasons = "" }, lcInvalid("reasons=required")},
		{"in part, blank reasons", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseInPart; d.Reasons = "\n\t " }, lcInvalid("reasons=required")},
		{"in part needs a timetable", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseInPart; d.Timetable = "" }, lcInvalid("timetable=required")},
		{"alternative needs reasons and timetable", func(d *cr.ResponseDraft) {
			d.Decision = cr.ResponseAlternative
			d.Reasons, d.Timetable = "", ""
		}, lcInvalid("reasons=required", "timetable=required")},
		{"not accepted, complete without timetable", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseNotAccepted; d.Timetable = "" }, "ok"},
		{"not accepted needs reasons", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseNotAccepted; d.Reasons = "" }, lcInvalid("reasons=required")},
		{"not accepted needs a narrative", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseNotAccepted; d.Narrative = "" }, lcInvalid("narrative=required")},
		{"holding reply needs nothing", func(d *cr.ResponseDraft) {
			d.Decision = cr.ResponseReceived
			d.Narrative, d.Timetable, d.Reasons = "", "", ""
		}, "ok"},
		{"received today", func(d *cr.ResponseDraft) { d.ReceivedOn = datePtr("2026-03-02") }, "ok"},
		{"received in the past", func(d *cr.ResponseDraft) { d.ReceivedOn = datePtr("2025-01-01") }, "ok"},
		{"received tomorrow", func(d *cr.ResponseDraft) { d.ReceivedOn = datePtr("2026-03-03") }, lcInvalid("received_on=invalid")},
		{"unknown decision", func(d *cr.ResponseDraft) { d.Decision = "maybe" }, lcInvalid("decision=unknown_value")},
		{"awaiting is not a decision", func(d *cr.ResponseDraft) { d.Decision = cr.ResponseAwaiting }, lcInvalid("decision=illegal_transition")},
		{"no decision", func(d *cr.ResponseDraft) { d.Decision = "" }, lcInvalid("decision=required")},
		{"no organisation", func(d *cr.ResponseDraft) { d.OrganisationID = "" }, lcInvalid("organisation_id=required")},
		{"malformed organisation", func(d *cr.ResponseDraft) { d.OrganisationID = "police" }, lcInvalid("organisation_id=invalid")},
		{"everything wrong", func(d *cr.ResponseDraft) {
			d.OrganisationID, d.Decision, d.Narrative, d.Timetable, d.Reasons = "", cr.ResponseAlternative, "", "", ""
			d.ReceivedOn = datePtr("2027-01-01")
		}, lcInvalid("organisation_id=required", "narrative=required", "reasons=required", "timetable=required", "received_on=invalid")},
	}
	for _, c := range cases {
		d := base(cr.ResponseAccepted)
		c.edit(&d)
		if got := lcErr(t, cr.CheckResponse(cr.System, lcPartnership, cr.ResponseAwaiting, &d, today)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	// The reasons problem says why.
	d := base(cr.ResponseNotAccepted)
	d.Reasons = ""
	fs := fieldsOf(t, cr.CheckResponse(cr.System, lcPartnership, cr.ResponseAwaiting, &d, today))
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "accepted in full") {
		t.Errorf("reasons message: %s", describe(fs))
	}
	// The organisation id is normalised.
	d = base(cr.ResponseAccepted)
	d.OrganisationID = " " + strings.ToUpper(lcOwner) + " "
	wantNil(t, cr.CheckResponse(cr.System, lcPartnership, cr.ResponseAwaiting, &d, today))
	if d.OrganisationID != lcOwner {
		t.Errorf("organisation id not normalised: %q", d.OrganisationID)
	}
}

func TestCanRespond(t *testing.T) {
	want := map[string]bool{"owner editor": true, "panel": true, "system": true}
	for _, ac := range lcActors {
		if got := cr.CanRespond(ac.actor, lcPartnership, lcOwner); got != want[ac.name] {
			t.Errorf("%s: CanRespond = %v, want %v", ac.name, got, want[ac.name])
		}
	}
	// Nobody but the system responds for an organisation that is not named.
	for _, ac := range lcActors {
		if ac.name == "system" || ac.name == "panel" {
			continue
		}
		if cr.CanRespond(ac.actor, lcPartnership, "") {
			t.Errorf("%s may respond for no organisation", ac.name)
		}
	}
	if cr.CanRespond(lcActors[1].actor, "", lcOwner) {
		t.Error("a panel member responds for a review of no partnership")
	}
}

func lcAddr(role cr.AddresseeRole, s cr.ResponseStatus) cr.Addressee {
	return cr.Addressee{OrganisationID: lcOwner, Role: role, ResponseStatus: s}
}

// lcResponseOrder is least to most advanced.
var lcResponseOrder = []cr.ResponseStatus{cr.ResponseAwaiting, cr.ResponseReceived, cr.ResponseNotAccepted, cr.ResponseInPart,
	cr.ResponseAlternative, cr.ResponseAccepted}

func TestRollUpResponse(t *testing.T) {
	cases := []struct {
		name string
		in   []cr.Addressee
		want cr.ResponseStatus
	}{
		{"no addressees", nil, cr.ResponseAwaiting},
		{"one lead accepted", []cr.Addressee{lcAddr(cr.RoleLead, cr.ResponseAccepted)}, cr.ResponseAccepted},
		{"lead with no status", []cr.Addressee{lcAddr(cr.RoleLead, "")}, cr.ResponseAwaiting},
		{"least advanced lead", []cr.Addressee{lcAddr(cr.RoleLead, cr.ResponseAccepted), lcAddr(cr.RoleLead, cr.ResponseNotAccepted)}, cr.ResponseNotAccepted},
		{"non-leads ignored when a lead exists", []cr.Addressee{lcAddr(cr.RoleSupporting, cr.ResponseAwaiting), lcAddr(cr.RoleLead, cr.ResponseInPart),
			lcAddr(cr.RoleForInformation, cr.ResponseAwaiting)}, cr.ResponseInPart},
		{"lead awaiting, supporting accepted", []cr.Addressee{lcAddr(cr.RoleLead, cr.ResponseAwaiting), lcAddr(cr.RoleSupporting, cr.ResponseAccepted)}, cr.ResponseAwaiting},
		{"no lead: least advanced of all", []cr.Addressee{lcAddr(cr.RoleSupporting, cr.ResponseAccepted), lcAddr(cr.RoleForInformation, cr.ResponseAlternative)}, cr.ResponseAlternative},
		{"no lead, one with no status", []cr.Addressee{lcAddr(cr.RoleSupporting, cr.ResponseAccepted), lcAddr(cr.RoleSupporting, "")}, cr.ResponseAwaiting},
		{"received before decided", []cr.Addressee{lcAddr(cr.RoleLead, cr.ResponseReceived), lcAddr(cr.RoleLead, cr.ResponseNotAccepted)}, cr.ResponseReceived},
	}
	for _, c := range cases {
		if got := cr.RollUpResponse(c.in); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	// Every pair, both orders, with and without lead addressees.
	for i, lo := range lcResponseOrder {
		for _, hi := range lcResponseOrder[i:] {
			for _, role := range []cr.AddresseeRole{cr.RoleLead, cr.RoleSupporting} {
				for _, in := range [][]cr.Addressee{{lcAddr(role, lo), lcAddr(role, hi)}, {lcAddr(role, hi), lcAddr(role, lo)}} {
					if got := cr.RollUpResponse(in); got != lo {
						t.Errorf("%s %s + %s: got %s, want %s", role, in[0].ResponseStatus, in[1].ResponseStatus, got, lo)
					}
				}
			}
			// A less advanced non-lead never pulls a lead down.
			if got := cr.RollUpResponse([]cr.Addressee{lcAddr(cr.RoleSupporting, lo), lcAddr(cr.RoleLead, hi)}); got != hi {
				t.Errorf("lead %s, supporting %s: got %s, want %s", hi, lo, got, hi)
			}
		}
	}
}

// lcImplOrder is least to most advanced: abandoned counts lowest.
var lcImplOrder = []cr.ImplementationStatus{cr.ImplNotImplemented, cr.ImplNotStarted, cr.ImplPlanned, cr.ImplInProgress, cr.ImplPending, cr.ImplVerified}

func TestRollUpImplementation(t *testing.T) {
	act := func(org string, s cr.ImplementationStatus) cr.Action {
		return cr.Action{OrganisationID: org, ImplementationStatus: s}
	}
	leads := []string{lcOwner}
	cases := []struct {
		name    string
		actions []cr.Action
		leads   []string
		want    cr.ImplementationStatus
	}{
		{"no actions", nil, leads, cr.ImplNotStarted},
		{"no actions, no leads", nil, nil, cr.ImplNotStarted},
		{"one lead action", []cr.Action{act(lcOwner, cr.ImplVerified)}, leads, cr.ImplVerified},
		{"least advanced lead action", []cr.Action{act(lcOwner, cr.ImplVerified), act(lcOwner, cr.ImplInProgress), act(lcOwner, cr.ImplPending)}, leads, cr.ImplInProgress},
		{"abandoned is lowest", []cr.Action{act(lcOwner, cr.ImplNotStarted), act(lcOwner, cr.ImplNotImplemented)}, leads, cr.ImplNotImplemented},
		{"non-lead ignored when a lead acts", []cr.Action{act(lcOtherOrg, cr.ImplNotImplemented), act(lcOwner, cr.ImplVerified), act(lcOtherOrg, cr.ImplNotStarted)}, leads, cr.ImplVerified},
		{"non-lead counts when no lead acts", []cr.Action{act(lcOtherOrg, cr.ImplPending), act(lcOtherOrg, cr.ImplPlanned)}, leads, cr.ImplPlanned},
		{"no leads at all", []cr.Action{act(lcOtherOrg, cr.ImplPending), act(lcOwner, cr.ImplInProgress)}, nil, cr.ImplInProgress},
		{"two leads", []cr.Action{act(lcOwner, cr.ImplVerified), act(lcOtherOrg, cr.ImplPlanned)}, []string{lcOwner, lcOtherOrg}, cr.ImplPlanned},
	}
	for _, c := range cases {
		if got := cr.RollUpImplementation(c.actions, c.leads); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	for i, lo := range lcImplOrder {
		for _, hi := range lcImplOrder[i:] {
			for _, in := range [][]cr.Action{{act(lcOwner, lo), act(lcOwner, hi)}, {act(lcOwner, hi), act(lcOwner, lo)}} {
				if got := cr.RollUpImplementation(in, leads); got != lo {
					t.Errorf("%s + %s: got %s, want %s", in[0].ImplementationStatus, in[1].ImplementationStatus, got, lo)
				}
			}
			if got := cr.RollUpImplementation([]cr.Action{act(lcOtherOrg, lo), act(lcOwner, hi)}, leads); got != hi {
				t.Errorf("lead %s, non-lead %s: got %s, want %s", hi, lo, got, hi)
			}
		}
	}
}

func TestCheckAssessmentWho(t *testing.T) {
	today := cr.MustDate("2026-03-02")
	for _, ac := range lcActors {
		d := cr.AssessmentDraft{Classification: "open_acceptable"}
		got := lcErr(t, cr.CheckAssessment(ac.actor, &d, cr.AssessmentContext{Current: cr.OversightUnassessed}, today))
		want := "ok"
		if ac.name != "oversight" && ac.name != "system" {
			want = string(ac.deny)
		}
		if got != want {
			t.Errorf("%s: got %s, want %s", ac.name, got, want)
		}
		// A refusal comes before any complaint about the draft.
		if want != "ok" {
			d := cr.AssessmentDraft{Classification: "nonsense"}
			if got := lcErr(t, cr.CheckAssessment(ac.actor, &d, cr.AssessmentContext{}, today)); got != want {
				t.Errorf("%s with a bad draft: got %s, want %s", ac.name, got, want)
			}
		}
	}
}

func TestCheckAssessmentRules(t *testing.T) {
	today := cr.MustDate("2026-03-02")
	oversight := lcActors[2].actor
	const linked = "55555555-5555-4555-8555-555555555555"
	open, verified := cr.OversightUnassessed, cr.ImplVerified
	cases := []struct {
		name string
		d    cr.AssessmentDraft
		c    cr.AssessmentContext
		want string
	}{
		{"open to open needs no rationale", cr.AssessmentDraft{Classification: "open_acceptable"}, cr.AssessmentContext{Current: open}, "ok"},
		{"open to another open", cr.AssessmentDraft{Classification: "open_unacceptable"}, cr.AssessmentContext{Current: "open_acceptable"}, "ok"},
		{"close with rationale", cr.AssessmentDraft{Classification: "closed_no_longer_applicable", Rationale: "The service was decommissioned."}, cr.AssessmentContext{Current: open}, "ok"},
		{"close without rationale", cr.AssessmentDraft{Classification: "closed_no_longer_applicable"}, cr.AssessmentContext{Current: open}, lcInvalid("rationale=required")},
		{"close with blank rationale", cr.AssessmentDraft{Classification: "closed_reconsidered", Rationale: " \n "}, cr.AssessmentContext{Current: open}, lcInvalid("rationale=required")},
		{"reopen without rationale", cr.AssessmentDraft{Classification: "open_acceptable"}, cr.AssessmentContext{Current: "closed_reconsidered"}, lcInvalid("rationale=required")},
		{"reopen with rationale", cr.AssessmentDraft{Classification: "open_unassessed", Rationale: "New evidence."}, cr.AssessmentContext{Current: "closed_reconsidered"}, "ok"},
		{"closed to other closed, even with a rationale", cr.AssessmentDraft{Classification: "closed_no_response", Rationale: "r"}, cr.AssessmentContext{Current: "closed_reconsidered"}, lcInvalid("classification=illegal_transition")},
		{"same open classification", cr.AssessmentDraft{Classification: open}, cr.AssessmentContext{Current: open}, lcInvalid("classification=illegal_transition")},
		{"same closed classification", cr.AssessmentDraft{Classification: "closed_reconsidered", Rationale: "again"}, cr.AssessmentContext{Current: "closed_reconsidered"}, lcInvalid("classification=illegal_transition")},
		{"unknown classification", cr.AssessmentDraft{Classification: "closed_forever", Rationale: "x"}, cr.AssessmentContext{Current: open}, lcInvalid("classification=unknown_value")},
		{"no classification", cr.AssessmentDraft{}, cr.AssessmentContext{Current: open}, lcInvalid("classification=required")},

		{"superseded without id", cr.AssessmentDraft{Classification: cr.ClosedSuperseded, Rationale: "r"}, cr.AssessmentContext{Current: open, HasLink: true}, lcInvalid("linked_recommendation_id=required")},
		{"superseded with malformed id", cr.AssessmentDraft{Classification: cr.ClosedSuperseded, Rationale: "r", LinkedID: "rec-9"}, cr.AssessmentContext{Current: open, HasLink: true}, lcInvalid("linked_recommendation_id=invalid")},
		{"superseded without link", cr.AssessmentDraft{Classification: cr.ClosedSuperseded, Rationale: "r", LinkedID: linked}, cr.AssessmentContext{Current: open}, lcInvalid("linked_recommendation_id=link_required")},
		{"superseded with link", cr.AssessmentDraft{Classification: cr.ClosedSuperseded, Rationale: "r", LinkedID: linked}, cr.AssessmentContext{Current: open, HasLink: true}, "ok"},
		{"duplicate without id", cr.AssessmentDraft{Classification: cr.ClosedDuplicate, Rationale: "r"}, cr.AssessmentContext{Current: open}, lcInvalid("linked_recommendation_id=required")},
		{"duplicate without link", cr.AssessmentDraft{Classification: cr.ClosedDuplicate, Rationale: "r", LinkedID: linked}, cr.AssessmentContext{Current: open}, lcInvalid("linked_recommendation_id=link_required")},
		{"duplicate with link", cr.AssessmentDraft{Classification: cr.ClosedDuplicate, Rationale: "r", LinkedID: linked}, cr.AssessmentContext{Current: open, HasLink: true}, "ok"},
		{"duplicate, nothing given", cr.AssessmentDraft{Classification: cr.ClosedDuplicate}, cr.AssessmentContext{Current: open}, lcInvalid("rationale=required", "linked_recommendation_id=required")},

		{"acted upon, not verified", cr.AssessmentDraft{Classification: cr.ClosedAcceptable, Rationale: "r"}, cr.AssessmentContext{Current: open, Implementation: cr.ImplPending}, lcInvalid("classification=not_verified")},
		{"acted upon, verified", cr.AssessmentDraft{Classification: cr.ClosedAcceptable, Rationale: "r"}, cr.AssessmentContext{Current: open, Implementation: verified}, "ok"},
		{"exceeds, not started", cr.AssessmentDraft{Classification: cr.ClosedExceeds, Rationale: "r"}, cr.AssessmentContext{Current: open, Implementation: cr.ImplNotStarted}, lcInvalid("classification=not_verified")},
		{"exceeds, verified", cr.AssessmentDraft{Classification: cr.ClosedExceeds, Rationale: "r"}, cr.AssessmentContext{Current: open, Implementation: verified}, "ok"},
		{"exceeds, nothing recorded", cr.AssessmentDraft{Classification: cr.ClosedExceeds, Rationale: "r"}, cr.AssessmentContext{Current: open}, lcInvalid("classification=not_verified")},

		{"follow-up when closing, today", cr.AssessmentDraft{Classification: "closed_no_response", Rationale: "r", FollowUpOn: datePtr("2026-03-02")}, cr.AssessmentContext{Current: open}, "ok"},
		{"follow-up when closing, later", cr.AssessmentDraft{Classification: "closed_no_response", Rationale: "r", FollowUpOn: datePtr("2027-03-02")}, cr.AssessmentContext{Current: open}, "ok"},
		{"follow-up in the past", cr.AssessmentDraft{Classification: "closed_no_response", Rationale: "r", FollowUpOn: datePtr("2026-03-01")}, cr.AssessmentContext{Current: open}, lcInvalid("follow_up_on=invalid")},
		{"follow-up when not closing", cr.AssessmentDraft{Classification: "open_acceptable", FollowUpOn: datePtr("2026-06-01")}, cr.AssessmentContext{Current: open}, lcInvalid("follow_up_on=invalid")},
		{"follow-up when reopening", cr.AssessmentDraft{Classification: "open_acceptable", Rationale: "r", FollowUpOn: datePtr("2026-06-01")}, cr.AssessmentContext{Current: "closed_no_response"}, lcInvalid("follow_up_on=invalid")},
	}
	for _, c := range cases {
		d := c.d
		if got := lcErr(t, cr.CheckAssessment(oversight, &d, c.c, today)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	// The rationale problem says why, and the linked id comes back normalised.
	d := cr.AssessmentDraft{Classification: "open_acceptable"}
	fs := fieldsOf(t, cr.CheckAssessment(oversight, &d, cr.AssessmentContext{Current: "closed_reconsidered"}, today))
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "close or reopen") {
		t.Errorf("rationale message: %s", describe(fs))
	}
	d = cr.AssessmentDraft{Classification: cr.ClosedDuplicate, Rationale: "r", LinkedID: strings.ToUpper(linked)}
	wantNil(t, cr.CheckAssessment(oversight, &d, cr.AssessmentContext{Current: open, HasLink: true}, today))
	if d.LinkedID != linked {
		t.Errorf("linked id not normalised: %q", d.LinkedID)
	}
}

func TestOversightStatusIsClosed(t *testing.T) {
	for _, s := range cr.OversightStatuses {
		want := strings.HasPrefix(string(s), "closed_")
		if s.IsClosed() != want {
			t.Errorf("%s.IsClosed() = %v", s, !want)
		}
	}
	if cr.OversightStatus("closedish").IsClosed() || cr.OversightStatus("").IsClosed() {
		t.Error("IsClosed accepts a non-closed value")
	}
}

func TestCanLink(t *testing.T) {
	want := map[string]bool{"panel": true, "oversight": true, "system": true}
	for _, ac := range lcActors {
		if got := cr.CanLink(ac.actor, lcPartnership); got != want[ac.name] {
			t.Errorf("%s: CanLink = %v, want %v", ac.name, got, want[ac.name])
		}
	}
}

func TestLinkDraftValidate(t *testing.T) {
	cases := []struct {
		d    cr.LinkDraft
		want string
	}{
		{cr.LinkDraft{Type: "supersedes", TargetID: lcOwner}, "ok"},
		{cr.LinkDraft{Type: "duplicate_of", TargetID: strings.ToUpper(lcOwner), Note: "same wording"}, "ok"},
		{cr.LinkDraft{Type: "same_as", TargetID: lcOwner}, lcInvalid("type=unknown_value")},
		{cr.LinkDraft{TargetID: lcOwner}, lcInvalid("type=required")},
		{cr.LinkDraft{Type: "repeats"}, lcInvalid("target_id=required")},
		{cr.LinkDraft{Type: "repeats", TargetID: "x"}, lcInvalid("target_id=invalid")},
		{cr.LinkDraft{Type: "repeats", TargetID: lcOwner, Note: strings.Repeat("n", 2001)}, lcInvalid("note=too_long")},
	}
	for _, c := range cases {
		d := c.d
		if got := lcErr(t, d.Validate()); got != c.want {
			t.Errorf("%+v: got %s, want %s", c.d, got, c.want)
		}
		if c.want == "ok" && d.TargetID != lcOwner {
			t.Errorf("target id not normalised: %q", d.TargetID)
		}
	}
}

func TestActionProgressValidate(t *testing.T) {
	cases := []struct {
		d    cr.ActionProgress
		want string
	}{
		{cr.ActionProgress{Narrative: "Met with the team."}, "ok"},
		{cr.ActionProgress{}, lcInvalid("narrative=required")},
		{cr.ActionProgress{Status: cr.ImplInProgress}, "ok"},
		{cr.ActionProgress{Status: "done"}, lcInvalid("status=unknown_value")},
		{cr.ActionProgress{Status: cr.ImplPending, Outcome: ptr(strings.Repeat("o", 10001))}, lcInvalid("outcome=too_long")},
	}
	for _, c := range cases {
		d := c.d
		if got := lcErr(t, d.Validate()); got != c.want {
			t.Errorf("%+v: got %s, want %s", c.d, got, c.want)
		}
	}
}
