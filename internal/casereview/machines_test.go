package casereview_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

// Exhaustive tests of the response and oversight state machines: every from × to × actor, with
// everything a move needs given and with nothing given. Expectations are written out by hand.

var lcResponseStatuses = []cr.ResponseStatus{cr.ResponseAwaiting, cr.ResponseReceived, cr.ResponseAccepted, cr.ResponseInPart,
	cr.ResponseAlternative, cr.ResponseNotAccepted}

// lcResponseLegal is the response machine: from>to → the field problems of the move when nothing
// but the decision is given. Every move is the addressee's (or the panel's).
var lcResponseLegal = map[string][]string{
	"awaiting_response>response_received":    nil,
	"awaiting_response>accepted":             {"narrative=required", "timetable=required"},
	"awaiting_response>accepted_in_part":     {"narrative=required", "timetable=required", "reasons=required"},
	"awaiting_response>accepted_alternative": {"narrative=required", "timetable=required", "reasons=required"},
	"awaiting_response>not_accepted":         {"narrative=required", "reasons=required"},
	"response_received>accepted":             {"narrative=required", "timetable=required"},
	"response_received>accepted_in_part":     {"narrative=required", "timetable=required", "reasons=required"},
	"response_received>accepted_alternative": {"narrative=required", "timetable=required", "reasons=required"},
	"response_received>not_accepted":         {"narrative=required", "reasons=required"},
	// Revising a decision always needs reasons.
	"accepted>accepted_in_part":             {"narrative=required", "timetable=required", "reasons=required"},
	"accepted>accepted_alternative":         {"narrative=required", "timetable=required", "reasons=required"},
	"accepted>not_accepted":                 {"narrative=required", "reasons=required"},
	"accepted_in_part>accepted":             {"narrative=required", "timetable=required", "reasons=required"},
	"accepted_in_part>accepted_alternative": {"narrative=required", "timetable=required", "reasons=required"},
	"accepted_in_part>not_accepted":         {"narrative=required", "reasons=required"},
	"accepted_alternative>accepted":         {"narrative=required", "timetable=required", "reasons=required"},
	"accepted_alternative>accepted_in_part": {"narrative=required", "timetable=required", "reasons=required"},
	"accepted_alternative>not_accepted":     {"narrative=required", "reasons=required"},
	"not_accepted>accepted":                 {"narrative=required", "timetable=required", "reasons=required"},
	"not_accepted>accepted_in_part":         {"narrative=required", "timetable=required", "reasons=required"},
	"not_accepted>accepted_alternative":     {"narrative=required", "timetable=required", "reasons=required"},
}

func TestResponseMoveMatrix(t *testing.T) {
	today := cr.MustDate("2026-03-02")
	checked := 0
	for _, from := range lcResponseStatuses {
		for _, to := range lcResponseStatuses {
			key := string(from) + ">" + string(to)
			missing, legal := lcResponseLegal[key]
			for _, ac := range lcActors {
				name := key + " by " + ac.name
				allowed := ac.name == "owner editor" || ac.name == "panel" || ac.name == "system"
				var wantFull, wantBare string
				switch {
				case !allowed:
					// A refusal comes before anything else: the caller learns nothing of the record.
					wantFull, wantBare = string(ac.deny), string(ac.deny)
				case !legal:
					wantFull, wantBare = lcInvalid("decision=illegal_transition"), lcInvalid("decision=illegal_transition")
				default:
					wantFull, wantBare = "ok", lcInvalid(missing...)
				}
				full := cr.ResponseDraft{OrganisationID: lcOwner, Decision: to, Narrative: "We have considered it.", Timetable: "By June.", Reasons: "Our reasons."}
				if got := lcErr(t, cr.CheckResponse(ac.actor, lcPartnership, from, &full, today)); got != wantFull {
					t.Errorf("%s (everything given): got %s, want %s", name, got, wantFull)
				}
				bare := cr.ResponseDraft{OrganisationID: lcOwner, Decision: to}
				if got := lcErr(t, cr.CheckResponse(ac.actor, lcPartnership, from, &bare, today)); got != wantBare {
					t.Errorf("%s (nothing given): got %s, want %s", name, got, wantBare)
				}
				checked++
			}
		}
	}
	if checked != 36*len(lcActors) {
		t.Fatalf("checked %d cases", checked)
	}
	// The case: an accepted response cannot fall back to a holding reply, even with reasons.
	d := cr.ResponseDraft{OrganisationID: lcOwner, Decision: cr.ResponseReceived, Reasons: "changed our mind"}
	err := cr.CheckResponse(lcActors[0].actor, lcPartnership, cr.ResponseAccepted, &d, today)
	var e *cr.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || !strings.Contains(e.Fields[0].Message, "not_accepted") {
		t.Errorf("accepted → response_received: %v (the message lists what is allowed)", err)
	}
	// An empty from is awaiting (a legacy row).
	d = cr.ResponseDraft{OrganisationID: lcOwner, Decision: cr.ResponseReceived}
	wantNil(t, cr.CheckResponse(cr.System, lcPartnership, "", &d, today))
	// Revising says why reasons are needed.
	d = cr.ResponseDraft{OrganisationID: lcOwner, Decision: cr.ResponseAccepted, Narrative: "n", Timetable: "t"}
	fs := fieldsOf(t, cr.CheckResponse(cr.System, lcPartnership, cr.ResponseNotAccepted, &d, today))
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "revised") {
		t.Errorf("revision message: %s", describe(fs))
	}
	// The editor is the addressed organisation's.
	d = cr.ResponseDraft{OrganisationID: lcOtherOrg, Decision: cr.ResponseReceived}
	if got := lcErr(t, cr.CheckResponse(lcActors[0].actor, lcPartnership, cr.ResponseAwaiting, &d, today)); got != "forbidden" {
		t.Errorf("owner editor responding for another organisation: %s", got)
	}
}

// lcOversightLegal says whether from → to is an oversight move, and what it needs when nothing
// is given (with implementation not verified and no link): written as the rules read, not
// computed from the machine under test.
func lcOversightLegal(from, to cr.OversightStatus) (bool, []string) {
	open := map[cr.OversightStatus]bool{"open_unassessed": true, "open_acceptable": true, "open_acceptable_alternative": true, "open_unacceptable": true}
	switch {
	case from == to:
		return false, nil
	case open[from] && open[to]:
		return to != "open_unassessed", nil // an assessment never returns to unassessed
	case open[from] && !open[to]:
		switch to {
		case "closed_superseded", "closed_duplicate":
			return true, []string{"rationale=required", "linked_recommendation_id=required"}
		case "closed_acceptable_action", "closed_exceeds":
			return true, []string{"rationale=required", "classification=not_verified"}
		}
		return true, []string{"rationale=required"}
	case !open[from] && open[to]:
		return true, []string{"rationale=required"} // reopening
	}
	return false, nil // closed to closed: reopen first
}

func TestOversightMoveMatrix(t *testing.T) {
	today := cr.MustDate("2026-03-02")
	const linked = "55555555-5555-4555-8555-555555555555"
	if len(cr.OversightStatuses) != 13 {
		t.Fatalf("%d oversight statuses; the matrix below expects 13", len(cr.OversightStatuses))
	}
	checked, legalCount := 0, 0
	for _, from := range cr.OversightStatuses {
		for _, to := range cr.OversightStatuses {
			legal, missing := lcOversightLegal(from, to)
			if legal {
				legalCount++
			}
			for _, ac := range lcActors {
				name := string(from) + ">" + string(to) + " by " + ac.name
				allowed := ac.name == "oversight" || ac.name == "system"
				var wantFull, wantBare string
				switch {
				case !allowed:
					wantFull, wantBare = string(ac.deny), string(ac.deny)
				case !legal:
					wantFull, wantBare = lcInvalid("classification=illegal_transition"), lcInvalid("classification=illegal_transition")
				default:
					wantFull, wantBare = "ok", lcInvalid(missing...)
				}
				full := cr.AssessmentDraft{Classification: to, Rationale: "Reasoned.", LinkedID: linked}
				fullCtx := cr.AssessmentContext{Current: from, Implementation: cr.ImplVerified, HasLink: true}
				if !to.IsClosed() && legal {
					full.LinkedID = "" // a link is for a closure
				}
				if got := lcErr(t, cr.CheckAssessment(ac.actor, &full, fullCtx, today)); got != wantFull {
					t.Errorf("%s (everything given): got %s, want %s", name, got, wantFull)
				}
				bare := cr.AssessmentDraft{Classification: to}
				if got := lcErr(t, cr.CheckAssessment(ac.actor, &bare, cr.AssessmentContext{Current: from, Implementation: cr.ImplPending}, today)); got != wantBare {
					t.Errorf("%s (nothing given): got %s, want %s", name, got, wantBare)
				}
				checked++
			}
		}
	}
	if checked != 169*len(lcActors) || legalCount != 3+3*2+4*9+9*4 {
		t.Fatalf("checked %d cases, %d legal moves", checked, legalCount)
	}
	// Closed to closed tells the caller what to do.
	d := cr.AssessmentDraft{Classification: "closed_no_response", Rationale: "r"}
	fs := fieldsOf(t, cr.CheckAssessment(lcActors[2].actor, &d, cr.AssessmentContext{Current: "closed_reconsidered"}, today))
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "reopen it first") {
		t.Errorf("closed → closed message: %s", describe(fs))
	}
}

func TestMovesFor(t *testing.T) {
	targets := func(ts []cr.Transition) []string {
		var out []string
		for _, x := range ts {
			out = append(out, x.To)
		}
		sort.Strings(out)
		return out
	}
	for _, ac := range lcActors {
		// Response.
		for _, from := range lcResponseStatuses {
			var want []string
			if ac.name == "owner editor" || ac.name == "panel" || ac.name == "system" {
				for k := range lcResponseLegal {
					if f, to, _ := strings.Cut(k, ">"); f == string(from) {
						want = append(want, to)
					}
				}
			}
			sort.Strings(want)
			if got := targets(cr.ResponseMovesFor(ac.actor, lcPartnership, lcOwner, from)); !slices.Equal(got, want) {
				t.Errorf("response moves of %s from %s: got %v, want %v", ac.name, from, got, want)
			}
		}
		// Implementation.
		for _, from := range lcStatuses {
			var want []string
			for k, v := range lcLegal {
				f, to, _ := strings.Cut(k, ">")
				if f != string(from) {
					continue
				}
				if ac.name == "system" || (v.by == "oversight" && ac.name == "oversight") || (v.by == "work" && (ac.name == "owner editor" || ac.name == "panel")) {
					want = append(want, to)
				}
			}
			sort.Strings(want)
			if got := targets(cr.ActionMovesFor(ac.actor, lcPartnership, lcOwner, from)); !slices.Equal(got, want) {
				t.Errorf("action moves of %s from %s: got %v, want %v", ac.name, from, got, want)
			}
		}
		// Oversight.
		for _, from := range cr.OversightStatuses {
			var want []string
			if ac.name == "oversight" || ac.name == "system" {
				for _, to := range cr.OversightStatuses {
					if ok, _ := lcOversightLegal(from, to); ok {
						want = append(want, string(to))
					}
				}
			}
			sort.Strings(want)
			if got := targets(cr.OversightMovesFor(ac.actor, from)); !slices.Equal(got, want) {
				t.Errorf("oversight moves of %s from %s: got %v, want %v", ac.name, from, got, want)
			}
		}
	}
	// A move lists what it needs, and the caller cannot change the table through it.
	ms := cr.ActionMovesFor(cr.System, "", "", cr.ImplInProgress)
	for _, m := range ms {
		if m.To == string(cr.ImplPending) {
			if !slices.Equal(m.Requires, []string{"outcome", "evidence"}) {
				t.Errorf("claim requires %v", m.Requires)
			}
			m.Requires[0] = "nothing"
		}
	}
	for _, m := range cr.ActionMovesFor(cr.System, "", "", cr.ImplInProgress) {
		if m.To == string(cr.ImplPending) && m.Requires[0] != "outcome" {
			t.Error("a caller changed the table")
		}
	}
}

var update = flag.Bool("update", false, "rewrite docs/status-machines.md from the transition tables")

// TestStatusMachinesDoc fails when docs/status-machines.md no longer matches the tables; run it
// with -update to rewrite the page.
func TestStatusMachinesDoc(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "status-machines.md")
	want := cr.MachinesMarkdown()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run go test ./internal/casereview -run TestStatusMachinesDoc -update", err)
	}
	if string(got) != want {
		t.Fatalf("%s is stale: it no longer matches the transition tables; run go test ./internal/casereview -run TestStatusMachinesDoc -update", path)
	}
	// The page shows every move of every layer, with who makes it.
	for _, m := range cr.Machines() {
		for _, tr := range m.Moves {
			if !strings.Contains(want, "    "+tr.From+" --> "+tr.To+" : "+string(tr.By)) {
				t.Errorf("%s: %s → %s missing from the diagram", m.Layer, tr.From, tr.To)
			}
		}
	}
	if !strings.Contains(want, "closed_reconsidered --> open_unassessed : oversight: rationale") ||
		strings.Contains(want, "closed_reconsidered --> closed_no_response") {
		t.Error("the oversight diagram does not show reopening, or shows closed → closed")
	}
}

func TestCheckOpen(t *testing.T) {
	for _, s := range cr.OversightStatuses {
		err := cr.CheckOpen(s, datePtr("2026-02-01"))
		if !s.IsClosed() {
			wantNil(t, err)
			continue
		}
		var e *cr.Error
		if !errors.As(err, &e) || e.Code != cr.CodeConflict || len(e.Fields) != 1 || e.Fields[0].Field != "oversight_status" ||
			!strings.Contains(e.Message, "reopen it first") || !strings.Contains(e.Message, string(s)) || !strings.Contains(e.Message, "2026-02-01") {
			t.Errorf("%s: %v", s, err)
		}
	}
}
