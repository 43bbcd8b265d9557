package casereview_test

import (
	"slices"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

// TestActionMovesFor: a form offers exactly the moves CheckActionMove would let this actor make
// (requirements aside), written out by hand for each starting status.
func TestActionMovesFor(t *testing.T) {
	type S = cr.ImplementationStatus
	work := map[S][]S{ // what the owner's editors and the panel may do
		cr.ImplNotStarted:     {cr.ImplPlanned, cr.ImplInProgress, cr.ImplNotImplemented},
		cr.ImplPlanned:        {cr.ImplInProgress, cr.ImplNotStarted, cr.ImplNotImplemented},
		cr.ImplInProgress:     {cr.ImplPending, cr.ImplPlanned, cr.ImplNotImplemented},
		cr.ImplPending:        nil,
		cr.ImplVerified:       nil,
		cr.ImplNotImplemented: {cr.ImplPlanned, cr.ImplInProgress},
	}
	oversight := map[S][]S{
		cr.ImplPending:  {cr.ImplVerified, cr.ImplInProgress},
		cr.ImplVerified: {cr.ImplInProgress},
	}
	system := map[S][]S{}
	for from, to := range work {
		system[from] = to
	}
	for from, to := range oversight {
		system[from] = to
	}
	want := map[string]map[S][]S{
		"owner editor": work, "panel": work, "oversight": oversight, "system": system,
		"other editor": {}, "other panel": {}, "viewer": {}, "admin": {}, "anonymous": {},
	}
	for _, ac := range lcActors {
		w, ok := want[ac.name]
		if !ok {
			t.Fatalf("no expectation for %s", ac.name)
		}
		for _, from := range lcStatuses {
			got := cr.ActionMovesFor(ac.actor, lcPartnership, lcOwner, from)
			if !slices.Equal(got, w[from]) {
				t.Errorf("%s from %s: got %v, want %v", ac.name, from, got, w[from])
			}
			// Every move offered is one CheckActionMove accepts once its requirements are met.
			for _, to := range got {
				m := cr.ActionMove{From: from, To: to, Reason: "r", Outcome: "o", EvidenceCount: 1, HasTarget: true}
				if err := cr.CheckActionMove(ac.actor, lcPartnership, lcOwner, m); err != nil {
					t.Errorf("%s offered %s -> %s, which CheckActionMove refuses: %v", ac.name, from, to, err)
				}
			}
		}
	}
	// An owner editor of another organisation is offered nothing on this one.
	owner := lcActors[0].actor
	if got := cr.ActionMovesFor(owner, lcPartnership, lcOtherOrg, cr.ImplNotStarted); len(got) != 0 {
		t.Errorf("editor offered moves on another organisation's action: %v", got)
	}
}

func TestResponseNeedsReasons(t *testing.T) {
	want := map[cr.ResponseStatus]bool{"awaiting_response": false, "response_received": false, "accepted": false,
		"accepted_in_part": true, "accepted_alternative": true, "not_accepted": true}
	for _, s := range cr.ResponseStatuses {
		if got := s.NeedsReasons(); got != want[s] {
			t.Errorf("%s.NeedsReasons() = %v", s, got)
		}
	}
}
