// Package suggest proposes themes for a recommendation from the taxonomy's keywords and their
// synonyms. Keywords and text go through the analyser of the search index's text fields, so a
// keyword matches every form the search would ("referral" finds "referred"), and a keyword of
// several words matches only as a phrase of analysed words. It implements
// casereview.ThemeSuggester; it reads no database and decides nothing: a person accepts or
// rejects each suggestion.
package suggest

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/casereview/casereview/internal/casereview"
	cbleve "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/taxonomy"
)

// Weights and the threshold were chosen on the seen parts of a hand-judged set of real PFD and
// TAIC recommendations (make eval, section themes; docs/eval.md) and checked on the fictional
// demo data (quality_test.go). A theme's score is 1 - e^-(its evidence), the evidence being the
// sum of its keywords' weights, each keyword's ^weight and learnt factor scaling its part, a
// keyword found only outside the operative sentences counting at Options.Passing, the sum scaled
// by the theme's learnt factor (calibration.yaml). One plain word where the concern is stated
// gives 0.632, just over the threshold; the same word in passing 0.503, under it; a word with
// factor 0.6 needs support. The threshold 0.6 is the one whose precision was highest, with recall
// at least 0.6, when factors learnt on all seen parts but one were counted on that one (the
// cross-check table).
// The score is the suggestion's confidence, and DefaultMinScore the least a theme needs.
const (
	phraseWeight       = 1.2
	wordWeight         = 1.0
	legacyPhraseWeight = 1.0
	legacyWordWeight   = 0.7
	// DefaultMinScore is the least score a theme needs to be suggested.
	DefaultMinScore = 0.6
	// LegacyMinScore is the threshold of the rules before compound keywords, unstemmed words and
	// boilerplate (taxonomy version 2): one single word was enough.
	LegacyMinScore = 0.5
)

// Options say how a Matcher reads keywords and text.
type Options struct {
	// MinScore is the least score a theme needs to be suggested.
	MinScore float64
	// Stemmed matches words through the search index's analyser (Porter stemming), as the
	// suggestions did before taxonomy version 3; otherwise words match as written, apart from
	// case, possessives and plurals.
	Stemmed bool
	// Boilerplate lists standard wording whose words suggest nothing (the coroner's template:
	// "during the course of the investigation"). A keyword match that overlaps one is dropped.
	Boilerplate []string
	// WordWeight and PhraseWeight weigh a keyword of one word and one of several words (or a
	// compound keyword); zero means the default.
	WordWeight, PhraseWeight float64
	// Factors scale each theme's evidence before it becomes a score: below 1 for a theme whose
	// words are often named in passing, above 1 for one whose words rarely are. A theme not
	// listed has 1. DefaultCalibration's are learnt on judged real items (calibration.yaml).
	Factors map[string]float64
	// KeywordFactors scale one keyword's part of a theme's evidence, keyed by the theme's code, a
	// space and the keyword as its trigger names it ("C03 information"): below 1 for a word that
	// is right for the theme less often than its others, above 1 for one that is right more
	// often. A keyword not listed has 1. Learnt like Factors (calibration.yaml).
	KeywordFactors map[string]float64
	// Passing weighs a keyword found outside the text's operative sentences (operative.go);
	// zero means 1, no discount.
	Passing float64
	// Nested lets a keyword inside another theme's longer keyword count for its own theme
	// ("mental health" inside "mental health services"); without it the longer match claims
	// the words, as before issue 16's second round.
	Nested bool
}

// DefaultOptions are the options of Default: the embedded boilerplate and factors, passing
// mentions discounted, nested keywords counted, DefaultMinScore.
func DefaultOptions() (Options, error) {
	bp, err := taxonomy.DefaultBoilerplate()
	if err != nil {
		return Options{}, err
	}
	c, err := DefaultCalibration()
	if err != nil {
		return Options{}, err
	}
	return Options{MinScore: DefaultMinScore, Boilerplate: bp, Factors: c.Factors, KeywordFactors: c.Keywords, Passing: passingFactor, Nested: true}, nil
}

// Matcher suggests themes. It is safe for concurrent use.
type Matcher struct {
	analyzer analysis.Analyzer
	syn      *taxonomy.Synonyms
	opts     Options

	mu        sync.Mutex
	sig       string // the themes and keywords the patterns were compiled from
	patterns  []pattern
	compounds []compound
	byFirst   map[string][]int // a term -> the patterns whose first word it can be
}

var _ casereview.ThemeSuggester = (*Matcher)(nil)

// New returns a matcher over the given synonyms that suggests themes scoring at least minScore,
// reading words as written and ignoring the embedded boilerplate.
func New(syn *taxonomy.Synonyms, minScore float64) (*Matcher, error) {
	o, err := DefaultOptions()
	if err != nil {
		return nil, err
	}
	o.MinScore = minScore
	return NewWithOptions(syn, o)
}

// NewWithOptions returns a matcher over the given synonyms with the given options.
func NewWithOptions(syn *taxonomy.Synonyms, o Options) (*Matcher, error) {
	var a analysis.Analyzer
	var err error
	if o.Stemmed {
		a, err = registry.NewCache().AnalyzerNamed(cbleve.TextAnalyzer)
	} else {
		a, err = wordAnalyzer()
	}
	if err != nil {
		return nil, fmt.Errorf("suggest: analyser: %w", err)
	}
	if o.WordWeight == 0 {
		o.WordWeight = wordWeight
	}
	if o.PhraseWeight == 0 {
		o.PhraseWeight = phraseWeight
	}
	return &Matcher{analyzer: a, syn: syn, opts: o}, nil
}

// Default returns a matcher over the embedded synonyms and boilerplate with the default threshold.
func Default() (*Matcher, error) {
	syn, err := taxonomy.DefaultSynonyms()
	if err != nil {
		return nil, err
	}
	return New(syn, DefaultMinScore)
}

// Legacy returns the matcher as it was before taxonomy version 3 (stemmed words, no boilerplate,
// one single word enough), for measuring the change against: make eval runs it beside Default.
func Legacy() (*Matcher, error) {
	syn, err := taxonomy.DefaultSynonyms()
	if err != nil {
		return nil, err
	}
	return NewWithOptions(syn, Options{MinScore: LegacyMinScore, Stemmed: true, WordWeight: legacyWordWeight, PhraseWeight: legacyPhraseWeight})
}

// compiled returns the patterns for themes, their compound keywords and the index of their
// first words, compiling them again only when the themes or their keywords changed (an admin
// loaded a new taxonomy).
func (m *Matcher) compiled(themes []casereview.Theme) ([]pattern, []compound, map[string][]int) {
	var sig strings.Builder
	for _, th := range themes {
		fmt.Fprintf(&sig, "%s/%v/%s\x00", th.Code, th.Active, strings.Join(th.Keywords, "\x01"))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sig != sig.String() || m.patterns == nil {
		m.patterns, m.compounds = m.compile(themes)
		m.sig = sig.String()
		m.byFirst = map[string][]int{}
		for i, p := range m.patterns {
			for _, t := range p.slots[0].terms {
				m.byFirst[t] = append(m.byFirst[t], i)
			}
		}
	}
	return m.patterns, m.compounds, m.byFirst
}

// match is one occurrence of a pattern in the text, in token positions [from, to].
type match struct {
	p        *pattern
	from, to int
	start    int // byte offsets in the text
	end      int
}

// Suggest returns the themes among themes that text points at, best first, each with its score
// (the confidence) and the words that triggered it. Inactive themes are never suggested.
func (m *Matcher) Suggest(text string, themes []casereview.Theme) []casereview.ThemeSuggestion {
	byTheme := m.evidence(text, themes)
	var out []casereview.ThemeSuggestion
	for _, th := range themes {
		a := byTheme[th.Code]
		if a == nil || !th.Active {
			continue
		}
		score := 1 - math.Exp(-Sum(th.Code, a.parts, m.opts.Factors, m.opts.KeywordFactors))
		if score < m.opts.MinScore {
			continue
		}
		sort.SliceStable(a.triggers, func(i, j int) bool { return a.triggers[i].Start < a.triggers[j].Start })
		out = append(out, casereview.ThemeSuggestion{Code: th.Code, Slug: th.Slug, Label: th.Label, Group: th.Group,
			Score: math.Round(score*1000) / 1000, Triggers: dedupeTriggers(a.triggers)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out
}

// Evidence is one keyword's part of a theme's evidence in a text: its weight, discounted when it
// is found only in passing and raised a little when it is repeated, before any factor.
type Evidence struct {
	Code, Keyword string
	Weight        float64
}

// Evidence returns each keyword's part of each active theme's evidence in text, before the
// learnt factors: what the factors are learnt from (make eval, section themes).
func (m *Matcher) Evidence(text string, themes []casereview.Theme) []Evidence {
	byTheme := m.evidence(text, themes)
	var out []Evidence
	for _, th := range themes {
		if a := byTheme[th.Code]; a != nil && th.Active {
			out = append(out, a.parts...)
		}
	}
	return out
}

// Sum is theme code's evidence from its keywords' parts under the given factors (Options.Factors
// and Options.KeywordFactors; a factor not listed is 1): each part scaled by its keyword's
// factor, the sum by the theme's. Suggest scores with it, and the factors are learnt through it.
func Sum(code string, parts []Evidence, factors, keywordFactors map[string]float64) float64 {
	sum := 0.0
	for _, p := range parts {
		f, ok := keywordFactors[code+" "+p.Keyword]
		if !ok {
			f = 1
		}
		sum += p.Weight * f
	}
	if f, ok := factors[code]; ok {
		sum *= f
	}
	return sum
}

// themeEvidence is what a text holds for one theme: each keyword's part, and the triggers.
type themeEvidence struct {
	parts    []Evidence
	triggers []casereview.SuggestionTrigger
}

// evidence finds the keywords of themes in text and weighs each theme's, by theme code.
func (m *Matcher) evidence(text string, themes []casereview.Theme) map[string]*themeEvidence {
	ps, comps, byFirst := m.compiled(themes)
	ts := m.analyzer.Analyze([]byte(text))
	at := make(map[int]*analysis.Token, len(ts))
	for _, t := range ts {
		at[t.Position] = t
	}
	var found []match
	for _, t := range ts {
		for _, i := range byFirst[string(t.Term)] {
			p := &ps[i]
			ok, last := true, t
			for _, s := range p.slots[1:] {
				u := at[t.Position+s.offset]
				if u == nil || !has(s.terms, string(u.Term)) {
					ok = false
					break
				}
				last = u
			}
			if ok {
				found = append(found, match{p: p, from: t.Position, to: t.Position + p.span() - 1, start: t.Start, end: last.End})
			}
		}
	}
	found = withoutBoilerplate(longest(found, m.opts.Nested))
	passing := m.opts.Passing
	if passing == 0 {
		passing = 1
	}
	var operative [][2]int
	if passing != 1 {
		operative = operativeSpans(text)
	}

	type acc struct {
		counts   map[string]int // pattern key -> occurrences
		weights  map[string]float64
		names    map[string]string // pattern key -> the keyword as its trigger names it
		order    []string          // pattern keys in the order found
		triggers []casereview.SuggestionTrigger
	}
	byTheme := map[string]*acc{}
	get := func(theme string) *acc {
		a := byTheme[theme]
		if a == nil {
			a = &acc{counts: map[string]int{}, weights: map[string]float64{}, names: map[string]string{}}
			byTheme[theme] = a
		}
		return a
	}
	// The parts of each compound keyword found so far, and their triggers.
	type partial struct {
		parts    map[int]int // part -> occurrences
		triggers []casereview.SuggestionTrigger
		factor   float64 // the best place any part was found in (see inOperative)
	}
	var partials map[int]*partial
	for _, f := range found {
		if f.p.theme == "" {
			continue
		}
		tr := casereview.SuggestionTrigger{Text: text[f.start:f.end], Keyword: f.p.keyword, Start: f.start, End: f.end}
		factor := passing
		if passing == 1 || inSpans(operative, f.start) {
			factor = 1
		}
		if f.p.compound >= 0 {
			if partials == nil {
				partials = map[int]*partial{}
			}
			c := partials[f.p.compound]
			if c == nil {
				c = &partial{parts: map[int]int{}}
				partials[f.p.compound] = c
			}
			c.parts[f.p.part]++
			c.triggers = append(c.triggers, tr)
			c.factor = max(c.factor, factor)
			continue
		}
		a := get(f.p.theme)
		if a.counts[f.p.key] == 0 {
			a.order = append(a.order, f.p.key)
			a.names[f.p.key] = f.p.keyword
		}
		a.counts[f.p.key]++
		a.weights[f.p.key] = max(a.weights[f.p.key], f.p.weight*factor)
		a.triggers = append(a.triggers, tr)
	}
	for ci, c := range partials {
		if len(c.parts) < comps[ci].parts {
			continue // a part is missing: no evidence at all
		}
		n := 0
		for _, k := range c.parts {
			n = max(n, k)
		}
		a := get(comps[ci].theme)
		key := fmt.Sprintf("compound/%d", ci)
		if a.counts[key] == 0 {
			a.order = append(a.order, key)
			a.names[key] = comps[ci].keyword
		}
		a.counts[key] += n
		a.weights[key] = comps[ci].weight * c.factor
		a.triggers = append(a.triggers, c.triggers...)
	}
	out := make(map[string]*themeEvidence, len(byTheme))
	for code, a := range byTheme {
		e := &themeEvidence{triggers: a.triggers}
		for _, k := range a.order {
			// Repeating a keyword adds a little; a second, different keyword adds more.
			e.parts = append(e.parts, Evidence{Code: code, Keyword: a.names[k], Weight: a.weights[k] * (1 + 0.25*math.Log(float64(a.counts[k])))})
		}
		out[code] = e
	}
	return out
}

// withoutBoilerplate drops the standard wording's matches and every match that overlaps one.
func withoutBoilerplate(ms []match) []match {
	var spans [][2]int
	for _, f := range ms {
		if f.p.boiler {
			spans = append(spans, [2]int{f.from, f.to})
		}
	}
	if spans == nil {
		return ms
	}
	var out []match
	for _, f := range ms {
		if f.p.boiler {
			continue
		}
		overlaps := false
		for _, s := range spans {
			if f.from <= s[1] && s[0] <= f.to {
				overlaps = true
				break
			}
		}
		if !overlaps {
			out = append(out, f)
		}
	}
	return out
}

// dedupeTriggers drops a trigger at the same place as the one before it (a word that is a part
// of two compound keywords of one theme).
func dedupeTriggers(ts []casereview.SuggestionTrigger) []casereview.SuggestionTrigger {
	out := ts[:0:0]
	for i, t := range ts {
		if i > 0 && t.Start == ts[i-1].Start && t.End == ts[i-1].End {
			continue
		}
		out = append(out, t)
	}
	return out
}

// longest drops every match that lies inside a longer one, so the words of "learning
// disability" or of a partnership's name do not also count as "learning" or "community".
// Matches of the same span (one phrase that is a keyword of two themes) all stay, but each
// theme keeps one match per span.
func longest(ms []match, nested bool) []match {
	var out []match
	for i, a := range ms {
		inside := false
		for j, b := range ms {
			// A keyword inside another theme's longer keyword still counts: "mental health
			// services" is about health services and about mental health. Inside a name, standard
			// wording, or a longer keyword of its own theme, it does not.
			if i != j && b.from <= a.from && a.to <= b.to && (b.to-b.from) > (a.to-a.from) &&
				(!nested || b.p.theme == "" || b.p.boiler || b.p.theme == a.p.theme) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, a)
		}
	}
	// One occurrence of the same words should trigger one theme once, even when two of its
	// keywords (or a keyword and its synonym) both match it.
	seen := map[string]bool{}
	var uniq []match
	for _, f := range out {
		k := fmt.Sprintf("%s/%d/%d/%d", f.p.theme, f.p.compound, f.from, f.to)
		if seen[k] {
			continue
		}
		seen[k] = true
		uniq = append(uniq, f)
	}
	return uniq
}

func has(terms []string, t string) bool {
	for _, x := range terms {
		if x == t {
			return true
		}
	}
	return false
}
