package recurrence

import (
	"strings"
	"testing"
)

// Fictional long concerns: a narrative around a short ask. The two ask for the same change
// (refresher training in the risk assessment for custody staff) in different stories.
const (
	longA = `Mr Brown was found in his cell on the morning of 3 May. The night officer had checked on him at 02:00 and recorded nothing unusual. His family told the inquest that he had been low for weeks. The officers on the wing accepted that they had not completed the risk assessment when he arrived. The custody provider should give every wing officer mandatory refresher training in the self-harm risk assessment.`
	longB = `Ms Green had been remanded on a Friday afternoon. She was placed on a wing far from her family, and her medication arrived two days late. Staff told the court they were unsure when the self-harm risk assessment had to be opened. Mandatory refresher training in the self-harm risk assessment is needed for all wing officers. The prison has since moved her neighbour to another wing.`
)

func TestSentences(t *testing.T) {
	got := Sentences("Dr. Smith saw him, e.g. twice. He left;\nthen returned\nlater.\n\n- one point\n1. second point")
	want := []string{"Dr. Smith saw him, e.g. twice.", "He left;", "then returned later.", "- one point", "1. second point"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q", got)
	}
}

func TestAskKeepsTheAskOfLongTextsOnly(t *testing.T) {
	if got := Ask(longA, 3); got != "The custody provider should give every wing officer mandatory refresher training in the self-harm risk assessment." {
		t.Fatalf("ask of longA: %q", got)
	}
	if got := Ask(longB, 3); !strings.HasPrefix(got, "Mandatory refresher training") || strings.Contains(got, "neighbour") {
		t.Fatalf("ask of longB: %q", got)
	}
	short := "Officers should complete the DASH risk assessment. They must record it."
	if Ask(short, 3) != short || Ask(longA, 0) != longA {
		t.Fatal("short texts, and every text when AskOver is 0, are compared whole")
	}
	noCue := "One. Two happened. Three happened. Four happened. Five closes it."
	if got := Ask(noCue, 3); got != "Four happened. Five closes it." {
		t.Fatalf("without a cue the last sentences stand for the ask: %q", got)
	}
}

// Two long texts that ask for the same thing in different narratives join one cluster when
// compared by their asks, and do not when compared whole.
func TestLongTextsWithTheSameAskJoin(t *testing.T) {
	a := Item{ID: "a", Text: longA}
	b := Item{ID: "b", Text: longB}
	askOpt := Default
	askOpt.AskOver = 3
	x := New(askOpt)
	x.Add(a)
	if c := x.Add(b); c != "a" {
		t.Fatalf("same ask in different stories should join: %q (score %.2f)", c, x.Score(a, b))
	}
	whole := Default
	whole.AskOver = 0
	w := New(whole)
	w.Add(a)
	if c := w.Add(b); c == "a" {
		t.Fatalf("compared whole the narratives should keep them apart (score %.2f); the test no longer shows the ask rule", w.Score(a, b))
	}
}
