package bleve

import (
	"bytes"
	"regexp"
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
	keep := analysis.NewTokenMap()
	for _, w := range unstemmed {
		keep.AddToken(w)
	}
	stem, err := cache.TokenFilterNamed(porter.Name)
	if err != nil {
		return nil, err
	}
	filters = append(filters, keyword.NewKeyWordMarkerFilter(keep), stem)
	return &analysis.DefaultAnalyzer{
		CharFilters: []analysis.CharFilter{
			charregexp.New(ampersandWord, []byte("a_e")),
			charregexp.New(loneAmpersand, []byte("${1}a${2}")),
		},
		Tokenizer:    tok,
		TokenFilters: filters,
	}, nil
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
const PairsAnalyzer = "casereview_en_pairs"

type pairs struct{ text analysis.Analyzer }

func (p pairs) Analyze(input []byte) analysis.TokenStream {
	toks := p.text.Analyze(input)
	if len(toks) < 2 {
		return nil
	}
	out := make(analysis.TokenStream, 0, len(toks)-1)
	for i := 1; i < len(toks); i++ {
		a, b := toks[i-1], toks[i]
		if a.End <= b.Start && b.Start <= len(input) && bytes.ContainsAny(input[a.End:b.Start], ",;:.!?()[]") {
			continue
		}
		term := make([]byte, 0, len(a.Term)+1+len(b.Term))
		term = append(append(append(term, a.Term...), ' '), b.Term...)
		out = append(out, &analysis.Token{Term: term, Position: len(out) + 1, Start: a.Start, End: b.End, Type: analysis.AlphaNumeric})
	}
	return out
}

func pairsAnalyzerConstructor(config map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
	a, err := textAnalyzerConstructor(config, cache)
	if err != nil {
		return nil, err
	}
	return pairs{a}, nil
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
