package suggest

import (
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/casereview/casereview/internal/casereview"
)

// A pattern is one keyword (or one synonym of it) as the analyser sees it: terms at positions
// relative to the first. A slot holds every term that may stand there, so "referral pathway"
// also matches "referred … pathway" through the word's synonyms. Offsets keep the gaps stop
// words leave, as a phrase query does.
type pattern struct {
	theme   string // "" for a blocker: a name that claims its words for no theme
	keyword string // as written in the taxonomy or the synonyms file
	slots   []slot
	key     string // the analysed form, shared by equivalent keywords of different themes
	weight  float64
}

type slot struct {
	offset int
	terms  []string
}

func (p pattern) span() int { return p.slots[len(p.slots)-1].offset + 1 }

// compile turns the themes' keywords, and their synonyms, into patterns.
func (m *Matcher) compile(themes []casereview.Theme) []pattern {
	var out []pattern
	seen := map[string]bool{} // theme + analysed key
	for _, th := range themes {
		if !th.Active {
			continue
		}
		for _, kw := range th.Keywords {
			for _, p := range m.keywordPatterns(kw) {
				p.theme = th.Code
				if seen[p.theme+"\x00"+p.key] {
					continue
				}
				seen[p.theme+"\x00"+p.key] = true
				out = append(out, p)
			}
		}
	}
	// A keyword two themes share suggests both: the taxonomy's authors meant it for each.
	for i := range out {
		out[i].weight = baseWeight(out[i])
	}
	// Names of bodies and schemes in the synonyms file (community safety partnership,
	// integrated care board…) are not topics: they claim their words so that "community"
	// inside a partnership's name suggests nothing.
	for _, phrase := range m.syn.Phrases() {
		for _, p := range m.analysePatterns(phrase, false) {
			if len(p.slots) > 1 {
				out = append(out, p)
			}
		}
	}
	return out
}

// baseWeight: a phrase is better evidence than a single word.
func baseWeight(p pattern) float64 {
	if len(p.slots) > 1 {
		return phraseWeight
	}
	return wordWeight
}

// keywordPatterns returns the patterns of a keyword and of each of its synonyms.
func (m *Matcher) keywordPatterns(kw string) []pattern {
	var out []pattern
	for i, alt := range m.syn.Expand(kw) {
		out = append(out, m.analysePatterns(alt, i == 0)...)
	}
	return out
}

// analysePatterns analyses text into a pattern. With perWord, each word of a phrase also
// accepts the one-word synonyms of that word.
func (m *Matcher) analysePatterns(text string, perWord bool) []pattern {
	ts := m.analyzer.Analyze([]byte(text))
	if len(ts) == 0 {
		return nil
	}
	// A keyword the analyser leaves only single letters of ("A&E" keeps just "e") would match
	// everywhere; its longer synonyms still match.
	if !slices.ContainsFunc(ts, func(t *analysis.Token) bool { return len(t.Term) > 1 }) {
		return nil
	}
	// A phrase the analyser leaves one word of ("did not attend" keeps only "attend") has lost
	// what made it specific.
	if len(ts) == 1 && len(strings.Fields(text)) > 1 {
		return nil
	}
	p := pattern{keyword: text}
	first := ts[0].Position
	for _, t := range ts {
		s := slot{offset: t.Position - first, terms: []string{string(t.Term)}}
		if perWord && len(ts) > 1 {
			for _, alt := range m.syn.Expand(text[t.Start:t.End]) {
				if at := m.analyzer.Analyze([]byte(alt)); len(at) == 1 && !slices.Contains(s.terms, string(at[0].Term)) {
					s.terms = append(s.terms, string(at[0].Term))
				}
			}
		}
		sort.Strings(s.terms)
		p.slots = append(p.slots, s)
	}
	var key strings.Builder
	for _, s := range p.slots {
		key.WriteString(strings.Join(s.terms, "|"))
		key.WriteByte(' ')
	}
	p.key = key.String()
	return []pattern{p}
}
