package bleve

import (
	"bytes"
	"regexp"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	charregexp "github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// TextAnalyzer analyses the text fields: bleve's English analyser (possessives, lower case,
// stop words, Porter stemming) with three repairs for the words of this field. Theme
// suggestions (internal/suggest) analyse keywords and recommendation text with it too, so a
// keyword matches what a search for it would.
//
//   - "A&E" is one word. The plain tokenizer splits it at the ampersand and drops "a" as a stop
//     word, leaving a lone "e" that matches "e-mail" and "vitamin E". It is rewritten "a_e"
//     (the same length, so highlight offsets stay right), which the tokenizer keeps whole.
//   - A lone "&" between spaces reads as "and": it becomes "a" (a stop word of one letter), so it
//     leaves the same gap as "and" does and "accident & emergency" matches the phrase
//     "accident and emergency".
//   - Some words must not be stemmed into others: "news" (NEWS, the early warning score) is not
//     "new".
const TextAnalyzer = "casereview_en"

// unstemmed are the words the stemmer must leave as they are.
var unstemmed = []string{"news"}

var (
	ampersandWord = regexp.MustCompile(`(?i)\ba&e\b`)
	loneAmpersand = regexp.MustCompile(`(\s)&(\s)`)
)

func textAnalyzerConstructor(config map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
	tok, err := cache.TokenizerNamed(unicode.Name)
	if err != nil {
		return nil, err
	}
	var filters []analysis.TokenFilter
	for _, name := range []string{en.PossessiveName, lowercase.Name, en.StopName} {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, err
		}
		filters = append(filters, f)
	}
	stem, err := stemFilters(cache)
	if err != nil {
		return nil, err
	}
	return &analysis.DefaultAnalyzer{CharFilters: charFilters(), Tokenizer: tok, TokenFilters: append(filters, stem...)}, nil
}

func charFilters() []analysis.CharFilter {
	return []analysis.CharFilter{
		charregexp.New(ampersandWord, []byte("a_e")),
		charregexp.New(loneAmpersand, []byte("${1}a${2}")),
	}
}

// stemFilters are the text analyser's last steps: the words kept whole, and Porter stemming.
func stemFilters(cache *registry.Cache) ([]analysis.TokenFilter, error) {
	keep := analysis.NewTokenMap()
	for _, w := range unstemmed {
		keep.AddToken(w)
	}
	stem, err := cache.TokenFilterNamed(porter.Name)
	if err != nil {
		return nil, err
	}
	return []analysis.TokenFilter{keyword.NewKeyWordMarkerFilter(keep), stem}, nil
}

func init() {
	if err := registry.RegisterAnalyzer(TextAnalyzer, textAnalyzerConstructor); err != nil {
		panic(err)
	}
}

// textAnalyzer is TextAnalyzer, for analysing query words as the text fields were analysed.
var textAnalyzer = sync.OnceValue(func() analysis.Analyzer {
	a, err := registry.NewCache().AnalyzerNamed(TextAnalyzer)
	if err != nil {
		return nil
	}
	return a
})

// PairsAnalyzer analyses text as TextAnalyzer does, then gives each two neighbouring terms as
// one term ("safeguard referr"): the index of which words stand together, so a search can favour
// documents holding its words together with a term lookup instead of reading word positions.
// Stop words between two terms are skipped ("victim of stalking" pairs victim with stalking);
// punctuation that ends a clause (, ; : . ! ? and brackets) is not.
//
// It also gives each term with the one and the two stop words just before it (as written, within
// the clause; a lone "&" is "and") as terms typed analysis.Shingle: "of hour", "out of hour". A phrase of stop
// words and one word ("out of hours", "at risk", "in care") analyses to that word alone, which
// matched every "hours"; these terms let a search tell the phrase from the word.
const PairsAnalyzer = "casereview_en_pairs"

const maxStopRun = 2

type pairs struct {
	chars []analysis.CharFilter  // applied in Analyze, so clause punctuation is looked for in what was tokenized
	base  analysis.Analyzer      // TextAnalyzer's tokenizer, possessives and lower case
	stop  analysis.TokenMap      // TextAnalyzer's stop words
	stem  []analysis.TokenFilter // and its stemming
}

func clauseBreak(input []byte, from, to int) bool {
	return from <= to && to <= len(input) && bytes.ContainsAny(input[from:to], ",;:.!?()[]")
}

func (p pairs) Analyze(input []byte) analysis.TokenStream {
	for _, c := range p.chars {
		input = c.Filter(input)
	}
	toks := p.base.Analyze(input)
	if len(toks) < 2 {
		return nil
	}
	isStop := make([]bool, len(toks))
	surface := make([]string, len(toks))
	var content analysis.TokenStream
	for i, t := range toks {
		surface[i] = string(t.Term)
		if _, ok := p.stop[surface[i]]; ok {
			isStop[i] = true
			continue
		}
		content = append(content, t)
	}
	for _, f := range p.stem { // stems the content tokens in place, so toks holds them stemmed
		content = f.Filter(content)
	}
	out := make(analysis.TokenStream, 0, 2*len(content))
	emit := func(term []byte, start, end int, typ analysis.TokenType) {
		out = append(out, &analysis.Token{Term: term, Position: len(out) + 1, Start: start, End: end, Type: typ})
	}
	prev := -1 // the last content token
	for i, b := range toks {
		if isStop[i] {
			continue
		}
		if prev >= 0 {
			if a := toks[prev]; !clauseBreak(input, a.End, b.Start) {
				term := make([]byte, 0, len(a.Term)+1+len(b.Term))
				term = append(append(append(term, a.Term...), ' '), b.Term...)
				emit(term, a.Start, b.End, analysis.AlphaNumeric)
			}
		}
		// Each run's last one and two stop words, so a phrase that starts with a stop word
		// ("his majesty's …") matches a text with another before it ("the his majesty's …").
		for first := i - 1; first >= 0 && i-first <= maxStopRun && isStop[first] && !clauseBreak(input, toks[first].End, toks[first+1].Start); first-- {
			term := []byte(strings.Join(surface[first:i], " "))
			term = append(append(term, ' '), b.Term...)
			emit(term, toks[first].Start, b.End, analysis.Shingle)
		}
		prev = i
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func pairsAnalyzerConstructor(config map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
	tok, err := cache.TokenizerNamed(unicode.Name)
	if err != nil {
		return nil, err
	}
	var filters []analysis.TokenFilter
	for _, name := range []string{en.PossessiveName, lowercase.Name} {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, err
		}
		filters = append(filters, f)
	}
	stop, err := cache.TokenMapNamed(en.StopName)
	if err != nil {
		return nil, err
	}
	stem, err := stemFilters(cache)
	if err != nil {
		return nil, err
	}
	// "&" is the stop word "and" here (TextAnalyzer makes it "a", of the same length, to keep the
	// highlights' offsets, which this field has none of), so "accident & emergency" is
	// "accident and emergency".
	chars := []analysis.CharFilter{charregexp.New(ampersandWord, []byte("a_e")), charregexp.New(loneAmpersand, []byte("${1}and${2}"))}
	return pairs{chars: chars, base: &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: filters}, stop: stop, stem: stem}, nil
}

func init() {
	if err := registry.RegisterAnalyzer(PairsAnalyzer, pairsAnalyzerConstructor); err != nil {
		panic(err)
	}
}

var pairsAnalyzer = sync.OnceValue(func() analysis.Analyzer {
	a, err := registry.NewCache().AnalyzerNamed(PairsAnalyzer)
	if err != nil {
		return nil
	}
	return a
})
