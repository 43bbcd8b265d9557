package eval

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/casereview/casereview/internal/suggest"
)

// The evidence factors of internal/suggest/calibration.yaml are learnt here, from the seen parts
// of the judged set only (never the out-of-sample part, which measures them). First each
// keyword's (a theme's keyword found in at least learnMinSupport items), then each theme's: the
// factor on a fixed grid that maximises the theme's right suggestions less lambda times its
// wrong ones at the threshold, the factor nearest 1 on a tie, the other factors held. A keyword
// or theme with too few items to learn from keeps 1. A theme factor alone cannot tell a theme's
// precise words from its loose ones ("C03 information" was right for 16 items and wrong for 15,
// "C12 gp" right for all 12); keyword factors can. EVAL_THEMES_LEARN=1 prints what it learns,
// and how well factors learnt on all seen parts but one do on that one (a cross-check that needs
// no out-of-sample items).

const (
	learnLambda     = 3.0 // a wrong suggestion costs three right ones (precision first)
	learnMinSupport = 4   // items where the theme is judged right or has any evidence
)

var learnGrid = []float64{0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3}

// keywordGrid is the factors a keyword may have: from a word that needs a second keyword's
// support to one that is enough even in passing.
var keywordGrid = []float64{0.4, 0.6, 0.8, 1, 1.25, 1.5}

// learnKeywords: learn per-keyword factors before the per-theme ones.
var learnKeywords = true

// evidence is one judged item with each theme's keyword parts before any factor.
type evidence struct {
	split string
	want  []string
	parts map[string][]suggest.Evidence // theme -> its keywords' parts
}

func newEvidence(it judgedItem, parts []suggest.Evidence) evidence {
	e := evidence{split: it.split, want: it.want, parts: map[string][]suggest.Evidence{}}
	for _, p := range parts {
		e.parts[p.Code] = append(e.parts[p.Code], p)
	}
	return e
}

// calibration is what calibration.yaml holds: per-theme and per-keyword factors (a missing one
// is 1).
type calibration struct{ themes, keywords map[string]float64 }

func rawOf(score float64) float64 {
	if score >= 0.9999 {
		return 10
	}
	return -math.Log(1 - score)
}

// raw is code's evidence in e under the factors of c, as suggest.Matcher sums it.
func (e evidence) raw(code string, c calibration) float64 {
	return suggest.Sum(code, e.parts[code], c.themes, c.keywords)
}

// suggested lists the themes whose evidence, under c, reaches the threshold.
func (e evidence) suggested(c calibration, threshold float64) []string {
	need := rawOf(threshold)
	var out []string
	for code := range e.parts {
		if e.raw(code, c) >= need-1e-9 {
			out = append(out, code)
		}
	}
	return out
}

func countCodes(items []evidence, c calibration, threshold float64) counts {
	var n counts
	for _, e := range items {
		got := e.suggested(c, threshold)
		n.items++
		for _, g := range got {
			if slices.Contains(e.want, g) {
				n.tp++
			} else {
				n.fp++
			}
		}
		for _, w := range e.want {
			if !slices.Contains(got, w) {
				n.fn++
			}
		}
	}
	return n
}

// gain is code's right suggestions less lambda times its wrong ones, under c.
func gain(items []evidence, code string, c calibration, need float64) float64 {
	g := 0.0
	for _, e := range items {
		if e.raw(code, c) < need-1e-9 {
			continue
		}
		if slices.Contains(e.want, code) {
			g++
		} else {
			g -= learnLambda
		}
	}
	return g
}

// best sets f[key] (a map of c) to the grid's factor that maximises code's gain, the one nearest
// 1 on a tie, and deletes it when that is 1.
func best(items []evidence, code string, c calibration, need float64, grid []float64, f map[string]float64, key string) {
	bestF, bestGain := 1.0, math.Inf(-1)
	for _, x := range grid {
		f[key] = x
		g := gain(items, code, c, need)
		if g > bestGain+1e-9 || (math.Abs(g-bestGain) < 1e-9 && math.Abs(x-1) < math.Abs(bestF-1)) {
			bestF, bestGain = x, g
		}
	}
	if bestF == 1 {
		delete(f, key)
	} else {
		f[key] = bestF
	}
}

// learnCalibration learns the keywords' factors first (each with enough support, in two passes,
// the others held), then the themes' factors over them.
func learnCalibration(items []evidence, threshold float64) calibration {
	themeSupport, kwSupport := map[string]int{}, map[string]int{}
	for _, e := range items {
		if e.split == outOfSample {
			panic("themes: the out-of-sample part must never be learnt from")
		}
		seen := map[string]bool{}
		for _, w := range e.want {
			seen[w] = true
		}
		for code, ps := range e.parts {
			seen[code] = true
			kws := map[string]bool{}
			for _, p := range ps {
				kws[code+" "+p.Keyword] = true
			}
			for k := range kws {
				kwSupport[k]++
			}
		}
		for c := range seen {
			themeSupport[c]++
		}
	}
	need := rawOf(threshold)
	c := calibration{themes: map[string]float64{}, keywords: map[string]float64{}}
	if learnKeywords {
		keys := make([]string, 0, len(kwSupport))
		for k, n := range kwSupport {
			if n >= learnMinSupport {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for range 2 {
			for _, k := range keys {
				code, _, _ := strings.Cut(k, " ")
				best(items, code, c, need, keywordGrid, c.keywords, k)
			}
		}
	}
	codes := make([]string, 0, len(themeSupport))
	for code, n := range themeSupport {
		if n >= learnMinSupport {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	for _, code := range codes {
		best(items, code, c, need, learnGrid, c.themes, code)
	}
	return c
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
		c := countCodes(test, learnCalibration(train, threshold), threshold)
		total.tp, total.fp, total.fn, total.items = total.tp+c.tp, total.fp+c.fp, total.fn+c.fn, total.items+c.items
	}
	return total
}

// calibrationYAML prints c as calibration.yaml holds it.
func calibrationYAML(c calibration) string {
	var b strings.Builder
	for _, sec := range []struct {
		name string
		f    map[string]float64
	}{{"factors", c.themes}, {"keywords", c.keywords}} {
		keys := make([]string, 0, len(sec.f))
		for k := range sec.f {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(sec.name + ":\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "  %q: %.2f\n", k, sec.f[k])
		}
	}
	return b.String()
}
