package eval

import (
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/suggest"
)

// ev is made-up evidence: for each theme, one keyword "k" of the given weight.
func ev(split string, want []string, raw map[string]float64) evidence {
	var parts []suggest.Evidence
	for code, w := range raw {
		parts = append(parts, suggest.Evidence{Code: code, Keyword: "k", Weight: w})
	}
	return newEvidence(judgedItem{split: split, want: want}, parts)
}

// Made-up evidence: X's evidence is right when strong and wrong when weak; Y's is always right
// but weak; Z has too few items to learn from.
func learnItems() []evidence {
	var out []evidence
	add := func(split string, want []string, raw map[string]float64) {
		out = append(out, ev(split, want, raw))
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
	defer func(k bool) { learnKeywords = k }(learnKeywords)
	learnKeywords = false
	c := learnCalibration(learnItems(), 0.6)
	f := c.themes
	if !(f["X"] > 0 && f["X"] < 1) {
		t.Errorf("X: factor %v, want below 1 (its weak evidence is wrong)", f["X"])
	}
	if !(f["Y"] > 1) {
		t.Errorf("Y: factor %v, want above 1 (its weak evidence is right)", f["Y"])
	}
	if _, ok := f["Z"]; ok {
		t.Errorf("Z learnt from one item: %v", f["Z"])
	}
	before, after := countCodes(learnItems(), calibration{}, 0.6), countCodes(learnItems(), c, 0.6)
	if !(after.precision() > before.precision() && after.recall() >= before.recall()) {
		t.Errorf("before %+v, after %+v", before, after)
	}
	if !strings.Contains(calibrationYAML(c), `  "X": `) {
		t.Errorf("yaml: %q", calibrationYAML(c))
	}
}

// One theme, two keywords: "good" is weak but always right, "bad" is as strong as one plain word
// but wrong unless "good" is there too. A theme factor cannot tell them apart; keyword factors do.
func TestLearnKeywordFactors(t *testing.T) {
	var items []evidence
	for _, split := range seenParts {
		items = append(items,
			newEvidence(judgedItem{split: split, want: []string{"W"}}, []suggest.Evidence{{Code: "W", Keyword: "good", Weight: 0.8}}),
			newEvidence(judgedItem{split: split}, []suggest.Evidence{{Code: "W", Keyword: "bad", Weight: 1}}),
			newEvidence(judgedItem{split: split, want: []string{"W"}}, []suggest.Evidence{{Code: "W", Keyword: "good", Weight: 0.8}, {Code: "W", Keyword: "bad", Weight: 1}}),
		)
	}
	c := learnCalibration(items, 0.6)
	if !(c.keywords["W good"] > 1) || !(c.keywords["W bad"] < 1) {
		t.Errorf("keyword factors %v, want good above 1 and bad below", c.keywords)
	}
	if n := countCodes(items, c, 0.6); n.fp != 0 || n.fn != 0 {
		t.Errorf("with the factors learnt: %+v", n)
	}
	if !strings.Contains(calibrationYAML(c), "keywords:\n") {
		t.Errorf("yaml: %q", calibrationYAML(c))
	}
}

func TestLearnRefusesTheOutOfSamplePart(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("learnt from an out-of-sample item")
		}
	}()
	learnCalibration(append(learnItems(), ev(outOfSample, nil, map[string]float64{"X": 1})), 0.6)
}

func TestCrossCheckCountsEveryPartOnce(t *testing.T) {
	c := crossCheck(learnItems(), 0.6)
	if c.items != len(learnItems()) {
		t.Errorf("%d items counted, want %d", c.items, len(learnItems()))
	}
}
