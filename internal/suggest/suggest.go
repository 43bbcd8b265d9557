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

// Weights and the threshold were chosen on the fictional demo data (see quality_test.go and the
// README). A theme's score is 1 - e^-(sum of its keywords' weights): one single word gives 0.503
// and one phrase 0.632, so at DefaultMinScore a single keyword is enough, and the score ranks.
// A person confirms every suggestion, so recall is worth more than precision here; a threshold
// that needs two keywords (0.55) measured precision 0.73 but recall 0.39.
const (
	phraseWeight = 1.0
	wordWeight   = 0.7
	// DefaultMinScore is the least score a theme needs to be suggested.
	DefaultMinScore = 0.5
)

// Matcher suggests themes. It is safe for concurrent use.
type Matcher struct {
	analyzer analysis.Analyzer
	syn      *taxonomy.Synonyms
	minScore float64

	mu       sync.Mutex
	sig      string // the themes and keywords the patterns were compiled from
	patterns []pattern
	byFirst  map[string][]int // a term -> the patterns whose first word it can be
}

var _ casereview.ThemeSuggester = (*Matcher)(nil)

// New returns a matcher over the given synonyms that suggests themes scoring at least minScore.
func New(syn *taxonomy.Synonyms, minScore float64) (*Matcher, error) {
	a, err := registry.NewCache().AnalyzerNamed(cbleve.TextAnalyzer)
	if err != nil {
		return nil, fmt.Errorf("suggest: analyser: %w", err)
	}
	return &Matcher{analyzer: a, syn: syn, minScore: minScore}, nil
}

// Default returns a matcher over the embedded synonyms with the default threshold.
func Default() (*Matcher, error) {
	syn, err := taxonomy.DefaultSynonyms()
	if err != nil {
		return nil, err
	}
	return New(syn, DefaultMinScore)
}

// compiled returns the patterns for themes, and the index of their first words, compiling them
// again only when the themes or their keywords changed (an admin loaded a new taxonomy).
func (m *Matcher) compiled(themes []casereview.Theme) ([]pattern, map[string][]int) {
	var sig strings.Builder
	for _, th := range themes {
		fmt.Fprintf(&sig, "%s/%v/%s\x00", th.Code, th.Active, strings.Join(th.Keywords, "\x01"))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sig != sig.String() || m.patterns == nil {
		m.patterns, m.sig = m.compile(themes), sig.String()
		m.byFirst = map[string][]int{}
		for i, p := range m.patterns {
			for _, t := range p.slots[0].terms {
				m.byFirst[t] = append(m.byFirst[t], i)
			}
		}
	}
	return m.patterns, m.byFirst
}

// match is one occurrence of a pattern in the text, in token positions [from, to].
type match struct {
	p        *pattern
	from, to int
	start    int // byte offsets in the text
	end      int
}

// Suggest returns the themes among themes that text points at, best first, each with the words
// that triggered it. Inactive themes are never suggested.
func (m *Matcher) Suggest(text string, themes []casereview.Theme) []casereview.ThemeSuggestion {
	ps, byFirst := m.compiled(themes)
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
	found = longest(found)

	type acc struct {
		counts   map[string]int // pattern key -> occurrences
		weights  map[string]float64
		triggers []casereview.SuggestionTrigger
	}
	byTheme := map[string]*acc{}
	for _, f := range found {
		if f.p.theme == "" {
			continue
		}
		a := byTheme[f.p.theme]
		if a == nil {
			a = &acc{counts: map[string]int{}, weights: map[string]float64{}}
			byTheme[f.p.theme] = a
		}
		a.counts[f.p.key]++
		a.weights[f.p.key] = max(a.weights[f.p.key], f.p.weight)
		a.triggers = append(a.triggers, casereview.SuggestionTrigger{Text: text[f.start:f.end], Keyword: f.p.keyword, Start: f.start, End: f.end})
	}
	var out []casereview.ThemeSuggestion
	for _, th := range themes {
		a := byTheme[th.Code]
		if a == nil || !th.Active {
			continue
		}
		raw := 0.0
		for k, n := range a.counts {
			// Repeating a keyword adds a little; a second, different keyword adds more.
			raw += a.weights[k] * (1 + 0.25*math.Log(float64(n)))
		}
		score := 1 - math.Exp(-raw)
		if score < m.minScore {
			continue
		}
		sort.SliceStable(a.triggers, func(i, j int) bool { return a.triggers[i].Start < a.triggers[j].Start })
		out = append(out, casereview.ThemeSuggestion{Code: th.Code, Slug: th.Slug, Label: th.Label, Group: th.Group,
			Score: math.Round(score*1000) / 1000, Triggers: a.triggers})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out
}

// longest drops every match that lies inside a longer one, so the words of "learning
// disability" or of a partnership's name do not also count as "learning" or "community".
// Matches of the same span (one phrase that is a keyword of two themes) all stay, but each
// theme keeps one match per span.
func longest(ms []match) []match {
	var out []match
	for i, a := range ms {
		inside := false
		for j, b := range ms {
			if i != j && b.from <= a.from && a.to <= b.to && (b.to-b.from) > (a.to-a.from) {
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
		k := fmt.Sprintf("%s/%d/%d", f.p.theme, f.from, f.to)
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
