package eval

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// The per-theme evidence factors of internal/suggest/calibration.yaml are learnt here, from the
// seen parts of the judged set only (never the out-of-sample part, which measures them): for each theme,
// the factor on a fixed grid that maximises right suggestions less lambda times wrong ones at the
// threshold, the factor nearest 1 on a tie. A theme with too few judged or suggested items to
// learn from keeps 1. EVAL_THEMES_LEARN=1 prints what it learns, and how well factors learnt on
// all seen parts but one do on that one (a cross-check that needs no out-of-sample items).

const (
	learnLambda     = 3.0 // a wrong suggestion costs three right ones (precision first)
	learnMinSupport = 4   // items where the theme is judged right or has any evidence
)

var learnGrid = []float64{0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3}

// evidence is one judged item with each theme's evidence before any factor (the raw sum whose
// 1 - e^-sum is the score).
type evidence struct {
	split string
	want  []string
	raw   map[string]float64
	sugs  []casereview.ThemeSuggestion
}

func rawOf(score float64) float64 {
	if score >= 0.9999 {
		return 10
	}
	return -math.Log(1 - score)
}

func newEvidence(it judgedItem, all []casereview.ThemeSuggestion) evidence {
	e := evidence{split: it.split, want: it.want, raw: map[string]float64{}, sugs: all}
	for _, s := range all {
		e.raw[s.Code] = rawOf(s.Score)
	}
	return e
}

// suggested lists the themes whose evidence, scaled by its factor, reaches the threshold.
func (e evidence) suggested(factors map[string]float64, threshold float64) []string {
	need := rawOf(threshold)
	var out []string
	for code, r := range e.raw {
		f, ok := factors[code]
		if !ok {
			f = 1
		}
		if r*f >= need-1e-9 {
			out = append(out, code)
		}
	}
	return out
}

func countCodes(items []evidence, factors map[string]float64, threshold float64) counts {
	var c counts
	for _, e := range items {
		got := e.suggested(factors, threshold)
		c.items++
		for _, g := range got {
			if slices.Contains(e.want, g) {
				c.tp++
			} else {
				c.fp++
			}
		}
		for _, w := range e.want {
			if !slices.Contains(got, w) {
				c.fn++
			}
		}
	}
	return c
}

func learnFactors(items []evidence, threshold float64) map[string]float64 {
	support := map[string]int{}
	for _, e := range items {
		if e.split == outOfSample {
			panic("themes: the out-of-sample part must never be learnt from")
		}
		seen := map[string]bool{}
		for _, w := range e.want {
			seen[w] = true
		}
		for c := range e.raw {
			seen[c] = true
		}
		for c := range seen {
			support[c]++
		}
	}
	need := rawOf(threshold)
	out := map[string]float64{}
	for code, n := range support {
		if n < learnMinSupport {
			continue
		}
		best, bestGain := 1.0, math.Inf(-1)
		for _, f := range learnGrid {
			gain := 0.0
			for _, e := range items {
				if e.raw[code]*f < need-1e-9 {
					continue
				}
				if slices.Contains(e.want, code) {
					gain++
				} else {
					gain -= learnLambda
				}
			}
			if gain > bestGain+1e-9 || (math.Abs(gain-bestGain) < 1e-9 && math.Abs(f-1) < math.Abs(best-1)) {
				best, bestGain = f, gain
			}
		}
		if best != 1 {
			out[code] = best
		}
	}
	return out
}

// crossCheck learns factors on all seen parts but one and counts on that one, for each.
func crossCheck(items []evidence, threshold float64) counts {
	var total counts
	for _, held := range seenParts {
		var train, test []evidence
		for _, e := range items {
			if e.split == held {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		c := countCodes(test, learnFactors(train, threshold), threshold)
		total.tp, total.fp, total.fn, total.items = total.tp+c.tp, total.fp+c.fp, total.fn+c.fn, total.items+c.items
	}
	return total
}

// factorsYAML prints factors as calibration.yaml holds them.
func factorsYAML(f map[string]float64) string {
	codes := make([]string, 0, len(f))
	for c := range f {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var b strings.Builder
	b.WriteString("factors:\n")
	for _, c := range codes {
		fmt.Fprintf(&b, "  %s: %.1f\n", c, f[c])
	}
	return b.String()
}
