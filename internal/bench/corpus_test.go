package bench

import (
	"reflect"
	"strings"
	"testing"
)

// The texts here are invented; the real corpus is read only by the benchmark, at run time.
func TestSplitConcernsTakesItemNumbersInSequence(t *testing.T) {
	text := "MATTERS OF CONCERN\n1. The ward had no written procedure for checking observations at night.\n" +
		"2. Staff were not trained under section 2. of the local policy, and handover notes were incomplete.\n" +
		"3) Nobody reviewed the discharge plan with the family before the patient went home."
	got := SplitConcerns(text)
	want := []string{
		"The ward had no written procedure for checking observations at night.",
		"Staff were not trained under section 2. of the local policy, and handover notes were incomplete.",
		"Nobody reviewed the discharge plan with the family before the patient went home.",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("items:\n%q\nwant\n%q", got, want)
	}
}

func TestSplitConcernsKeepsUnnumberedTextWhole(t *testing.T) {
	text := "There was no system for sharing the care plan between the two teams, so the risk was not seen."
	if got := SplitConcerns(text); len(got) != 1 || got[0] != text {
		t.Fatalf("got %q", got)
	}
	if got := SplitConcerns("too short"); len(got) != 0 {
		t.Fatalf("a fragment under 40 characters should be dropped, got %q", got)
	}
	// A lone "1." is not a list: the text stays one item, control characters removed.
	one := "1. The only concern\x07 is that the out-of-hours service had no access to records."
	got := SplitConcerns(one)
	if len(got) != 1 || strings.ContainsRune(got[0], '\x07') {
		t.Fatalf("got %q", got)
	}
}
