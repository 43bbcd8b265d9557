package casereview_test

import (
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

func TestResponseNeedsReasons(t *testing.T) {
	want := map[cr.ResponseStatus]bool{"awaiting_response": false, "response_received": false, "accepted": false,
		"accepted_in_part": true, "accepted_alternative": true, "not_accepted": true}
	for _, s := range cr.ResponseStatuses {
		if got := s.NeedsReasons(); got != want[s] {
			t.Errorf("%s.NeedsReasons() = %v", s, got)
		}
	}
}
