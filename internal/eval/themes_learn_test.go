package eval

import (
	"strings"
	"testing"
)

// Made-up evidence: X's evidence is right when strong and wrong when weak; Y's is always right
// but weak; Z has too few items to learn from.
func learnItems() []evidence {
	var out []evidence
	add := func(split string, want []string, raw map[string]float64) {
		out = append(out, evidence{split: split, want: want, raw: raw})
	}
	for _, split := range seenParts {
		add(split, []string{"X"}, map[string]float64{"X": 2})
		add(split, nil, map[string]float64{"X": 1})             // X named in passing
		add(split, nil, map[string]float64{"X": 1})             // and again
		add(split, []string{"Y"}, map[string]float64{"Y": 0.8}) // Y right, just under 0.6's raw 0.916
	}
	add("tuning", []string{"Y"}, map[string]float64{"Y": 0.85})
	add("tuning", nil, map[string]float64{"Z": 0.1})
	return out
}

func TestLearnFactors(t *testing.T) {
	f := learnFactors(learnItems(), 0.6)
	if !(f["X"] > 0 && f["X"] < 1) {
		t.Errorf("X: factor %v, want below 1 (its weak evidence is wrong)", f["X"])
	}
	if !(f["Y"] > 1) {
		t.Errorf("Y: factor %v, want above 1 (its weak evidence is right)", f["Y"])
	}
	if _, ok := f["Z"]; ok {
		t.Errorf("Z learnt from one item: %v", f["Z"])
	}
	before, after := countCodes(learnItems(), nil, 0.6), countCodes(learnItems(), f, 0.6)
	if !(after.precision() > before.precision() && after.recall() >= before.recall()) {
		t.Errorf("before %+v, after %+v", before, after)
	}
	if !strings.Contains(factorsYAML(f), "  X: ") {
		t.Errorf("yaml: %q", factorsYAML(f))
	}
}

func TestLearnRefusesTheOutOfSamplePart(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("learnt from an out-of-sample item")
		}
	}()
	learnFactors(append(learnItems(), evidence{split: outOfSample, raw: map[string]float64{"X": 1}}), 0.6)
}

func TestCrossCheckCountsEveryPartOnce(t *testing.T) {
	c := crossCheck(learnItems(), 0.6)
	if c.items != len(learnItems()) {
		t.Errorf("%d items counted, want %d", c.items, len(learnItems()))
	}
}
