package suggest

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
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
	// A part of a compound keyword ("domestic abuse + suicide") is evidence only when every
	// part of its keyword occurs in the text: compound is the keyword's index in the matcher's
	// compounds (-1 for a keyword that stands alone), part the part's place in it.
	compound, part int
	boiler         bool // standard wording (a coroner's template) whose words suggest nothing
}

// A compound keyword needs every one of its parts in the text, each part anywhere: "domestic
// abuse|domestic violence + suicide|self-harm" is domestic abuse (or violence) and suicide (or
// self-harm). It is how a theme whose name joins two things asks for evidence of both.
type compound struct {
	theme   string
	keyword string
	parts   int
	weight  float64
}

// Keyword syntax: " + " (with its spaces, so "lgbtq+" stays a word) joins the parts of a
// compound keyword, and "|" separates alternatives (within a part, or of a whole keyword).
const (
	partSep = " + "
	altSep  = "|"
)

// splitKeyword returns a keyword's parts, each a list of alternatives, blanks dropped.
func splitKeyword(kw string) [][]string {
	var out [][]string
	for _, part := range strings.Split(kw, partSep) {
		var alts []string
		for _, a := range strings.Split(part, altSep) {
			if a = strings.TrimSpace(a); a != "" {
				alts = append(alts, a)
			}
		}
		if len(alts) > 0 {
			out = append(out, alts)
		}
	}
	return out
}

type slot struct {
	offset int
	terms  []string
}

func (p pattern) span() int { return p.slots[len(p.slots)-1].offset + 1 }

// compile turns the themes' keywords, and their synonyms, into patterns, and lists the
// compound keywords the patterns' parts belong to.
func (m *Matcher) compile(themes []casereview.Theme) ([]pattern, []compound) {
	var out []pattern
	var comps []compound
	seen := map[string]bool{} // theme + analysed key
	add := func(p pattern) {
		k := fmt.Sprintf("%s\x00%s\x00%d/%d", p.theme, p.key, p.compound, p.part)
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, p)
	}
	for _, th := range themes {
		if !th.Active {
			continue
		}
		for _, kw := range th.Keywords {
			kw, w := keywordWeight(kw)
			parts := splitKeyword(kw)
			if len(parts) == 1 {
				for _, alt := range parts[0] {
					for _, p := range m.keywordPatterns(alt) {
						p.theme, p.compound = th.Code, -1
						p.weight = m.baseWeight(p) * w
						add(p)
					}
				}
				continue
			}
			if len(parts) == 0 {
				continue
			}
			ci := len(comps)
			comps = append(comps, compound{theme: th.Code, keyword: kw, parts: len(parts), weight: m.opts.PhraseWeight * w})
			for i, alts := range parts {
				for _, alt := range alts {
					for _, p := range m.keywordPatterns(alt) {
						p.theme, p.compound, p.part = th.Code, ci, i
						add(p)
					}
				}
			}
		}
	}
	// Names of bodies and schemes in the synonyms file (community safety partnership,
	// integrated care board…) are not topics: they claim their words so that "community"
	// inside a partnership's name suggests nothing.
	for _, phrase := range m.syn.Phrases() {
		for _, p := range m.analysePatterns(phrase, false) {
			if len(p.slots) > 1 {
				p.compound = -1
				out = append(out, p)
			}
		}
	}
	// Standard wording claims its words too, and more: a keyword that overlaps it is dropped.
	for _, phrase := range m.opts.Boilerplate {
		for _, p := range m.analysePatterns(phrase, false) {
			if len(p.slots) > 1 {
				p.compound, p.boiler = -1, true
				out = append(out, p)
			}
		}
	}
	return out, comps
}

// baseWeight: a phrase is better evidence than a single word (in the legacy rules; words as
// written weigh as much as phrases). A keyword two themes share suggests both: the taxonomy's
// authors meant it for each.
func (m *Matcher) baseWeight(p pattern) float64 {
	if len(p.slots) > 1 {
		return m.opts.PhraseWeight
	}
	return m.opts.WordWeight
}

// keywordWeight reads a keyword's weight, written after it as in a search query's boost
// ("hospital^0.5": a weak keyword that needs another keyword's support). Without one, or with
// one that is not a number in (0, 2], the weight is 1.
func keywordWeight(kw string) (string, float64) {
	i := strings.LastIndex(kw, "^")
	if i < 0 {
		return kw, 1
	}
	w, err := strconv.ParseFloat(strings.TrimSpace(kw[i+1:]), 64)
	if err != nil || w <= 0 || w > 2 {
		return kw, 1
	}
	return strings.TrimSpace(kw[:i]), w
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
