package suggest

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/taxonomy"
)

// The rules of issue 16's second round, on fictional text: passing mentions, keywords nested in
// another theme's keyword, and per-theme and per-keyword factors.

func matcherWith(t *testing.T, o Options) *Matcher {
	t.Helper()
	syn, err := taxonomy.DefaultSynonyms()
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewWithOptions(syn, o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func scoreOf(sugs []casereview.ThemeSuggestion, code string) float64 {
	for _, s := range sugs {
		if s.Code == code {
			return s.Score
		}
	}
	return 0
}

func TestOperativeSentences(t *testing.T) {
	text := "The van was driving to the hospital. It was raining. There was no system to record near misses."
	spans := operativeSpans(text)
	if inSpans(spans, 20) {
		t.Errorf("the narrative sentence is operative: %v", spans)
	}
	if !inSpans(spans, len("The van was driving to the hospital. It was raining. ")+5) {
		t.Errorf("the sentence stating a lack is not operative: %v", spans)
	}
	// A text of one or two sentences is all concern.
	if spans := operativeSpans("The van was driving to the hospital. There was no system to record near misses."); !inSpans(spans, 20) {
		t.Errorf("two sentences: %v", spans)
	}
	// A bare heading has no operative word: it is all concern, so all of it counts.
	if spans := operativeSpans("Ambulance response times in rural areas"); !inSpans(spans, 0) || !inSpans(spans, 30) {
		t.Errorf("heading: %v", spans)
	}
	// Semicolons join clauses of one statement: the lack in the second clause makes the whole
	// sentence operative.
	if spans := operativeSpans("It was late. The ward was full. She told the hospital; nobody was told and no plan followed."); !inSpans(spans, len("It was late. The ward was full. ")+4) {
		t.Errorf("semicolon: %v", spans)
	}
}

func TestPassingMentionsWeighLess(t *testing.T) {
	th := []casereview.Theme{theme("C12", "hospital")}
	m := matcherWith(t, Options{Passing: 0.7})
	passing := scoreOf(m.Suggest("The courier van was carrying samples to the hospital. It was dark. The junction must have a filter light.", th), "C12")
	operative := scoreOf(m.Suggest("The courier van crossed the junction. It was dark. The hospital must review its discharge letters.", th), "C12")
	if passing == 0 || operative == 0 || !(passing < operative) {
		t.Errorf("passing mention %v, operative %v: want the passing one lower, both present", passing, operative)
	}
	// Without the option the two weigh the same (the legacy rules).
	m = matcherWith(t, Options{})
	a := scoreOf(m.Suggest("The courier van was carrying samples to the hospital. It was dark. The junction must have a filter light.", th), "C12")
	b := scoreOf(m.Suggest("The courier van crossed the junction. It was dark. The hospital must review its discharge letters.", th), "C12")
	if a != b {
		t.Errorf("without Passing: %v and %v", a, b)
	}
	// The default matcher: a hospital named in passing in a road concern is not suggested, one
	// named where the concern is stated is.
	d, all := mustMatcher(t), taxonomyThemes(t)
	if got := d.Suggest("The courier van was carrying samples to the hospital. It was dark. The junction must have a filter light.", all); slices.Contains(codes(got), "C12") {
		t.Errorf("default, passing mention: %v", codes(got))
	}
	p := scoreOf(d.Suggest("The van carried the hospital's doctors. It was dark. The junction must have a filter light.", all), "C12")
	o := scoreOf(d.Suggest("The van crossed the junction. It was dark. The hospital's doctors must review the junction's filter light.", all), "C12")
	if !(o >= DefaultMinScore && p < o) {
		t.Errorf("default: passing %v, operative %v", p, o)
	}
}

func TestNestedKeywordsCountForOtherThemes(t *testing.T) {
	th := []casereview.Theme{theme("C12", "mental health services"), theme("B04", "mental health"), theme("C13", "school", "primary school")}
	text := "Mental health services must see young people within a week, and the primary school should be told."
	nested := codes(matcherWith(t, Options{MinScore: 0.5, Nested: true}).Suggest(text, th))
	if !slices.Contains(nested, "C12") || !slices.Contains(nested, "B04") {
		t.Errorf("nested: %v, want C12 and B04", nested)
	}
	old := codes(matcherWith(t, Options{MinScore: 0.5}).Suggest(text, th))
	if slices.Contains(old, "B04") {
		t.Errorf("without Nested the longer keyword claims its words: %v", old)
	}
	// Within one theme the longer keyword still claims its words: "primary school" is one
	// piece of evidence for C13, not two.
	m := matcherWith(t, Options{MinScore: 0, Nested: true})
	one := scoreOf(m.Suggest("The primary school should be told.", th), "C13")
	only := scoreOf(m.Suggest("The primary school should be told.", []casereview.Theme{theme("C13", "primary school")}), "C13")
	if one != only {
		t.Errorf("primary school: %v with the nested word, %v without", one, only)
	}
	// A name in the synonyms file still claims its words for no theme.
	if got := matcherWith(t, Options{MinScore: 0.5, Nested: true}).Suggest("The Community Safety Partnership must meet.", []casereview.Theme{theme("C23", "community")}); len(got) != 0 {
		t.Errorf("a name's word: %v", codes(got))
	}
}

func TestFactorsScaleATheme(t *testing.T) {
	th := []casereview.Theme{theme("C12", "hospital"), theme("C22", "staffing")}
	text := "The hospital must review its staffing."
	plain := matcherWith(t, Options{}).Suggest(text, th)
	scaled := matcherWith(t, Options{Factors: map[string]float64{"C12": 0.5}}).Suggest(text, th)
	if !(scoreOf(scaled, "C12") < scoreOf(plain, "C12")) {
		t.Errorf("C12 %v scaled, %v plain", scoreOf(scaled, "C12"), scoreOf(plain, "C12"))
	}
	if scoreOf(scaled, "C22") != scoreOf(plain, "C22") {
		t.Errorf("an unlisted theme changed: %v and %v", scoreOf(scaled, "C22"), scoreOf(plain, "C22"))
	}
}

func TestKeywordFactorsScaleOneKeyword(t *testing.T) {
	th := []casereview.Theme{{Code: "C12", Keywords: []string{"hospital", "ward"}, Active: true}, theme("C22", "staffing")}
	text := "The hospital ward must review its staffing."
	plain := matcherWith(t, Options{}).Suggest(text, th)
	scaled := matcherWith(t, Options{KeywordFactors: map[string]float64{"C12 hospital": 0.5}}).Suggest(text, th)
	if !(scoreOf(scaled, "C12") < scoreOf(plain, "C12")) {
		t.Errorf("C12 %v scaled, %v plain", scoreOf(scaled, "C12"), scoreOf(plain, "C12"))
	}
	// The scaled keyword's part is halved and the other's kept: 1 - e^-(0.5 + 1).
	if got, want := scoreOf(scaled, "C12"), 0.777; math.Abs(got-want) > 0.001 {
		t.Errorf("C12 scaled %v, want %v", got, want)
	}
	if scoreOf(scaled, "C22") != scoreOf(plain, "C22") {
		t.Errorf("another theme changed: %v and %v", scoreOf(scaled, "C22"), scoreOf(plain, "C22"))
	}
	// Evidence is before any factor, one part per keyword.
	ev := matcherWith(t, Options{KeywordFactors: map[string]float64{"C12 hospital": 0.5}}).Evidence(text, th)
	var c12 []string
	for _, e := range ev {
		if e.Code == "C12" {
			c12 = append(c12, fmt.Sprintf("%s=%.1f", e.Keyword, e.Weight))
		}
	}
	if strings.Join(c12, " ") != "hospital=1.0 ward=1.0" {
		t.Errorf("C12 evidence %v", c12)
	}
}

func TestDefaultFactorsAreLearntOnes(t *testing.T) {
	c, err := DefaultCalibration()
	if err != nil {
		t.Fatal(err)
	}
	f := c.Factors
	if len(f) == 0 {
		t.Fatal("no factors")
	}
	codes := map[string]bool{}
	for _, th := range taxonomyThemes(t) {
		codes[th.Code] = true
	}
	for code, v := range f {
		if !codes[code] {
			t.Errorf("factor for %s, which is no theme", code)
		}
		// The learner's grid (internal/eval/themes_learn.go) runs from 0.7 to 1.3.
		if v < 0.7-1e-9 || v > 1.3+1e-9 {
			t.Errorf("%s: factor %v is off the learner's grid", code, v)
		}
	}
	if len(c.Keywords) == 0 {
		t.Fatal("no keyword factors")
	}
	for k, v := range c.Keywords {
		code, kw, _ := strings.Cut(k, " ")
		if !codes[code] || kw == "" {
			t.Errorf("keyword factor %q names no theme's keyword", k)
		}
		// Its grid runs from 0.4 to 1.5.
		if v < 0.4-1e-9 || v > 1.5+1e-9 {
			t.Errorf("%s: factor %v is off the learner's grid", k, v)
		}
	}
}
