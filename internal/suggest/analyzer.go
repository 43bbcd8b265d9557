package suggest

import (
	"regexp"

	"github.com/blevesearch/bleve/v2/analysis"
	charregexp "github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// The word analyser of suggestions keeps words as they are written, apart from case, possessives
// and plurals: "risk assessments" is the keyword "risk assessment", but "accessibility" is not
// "access", "train station" is not "training", "culture specifically" is not "culturally
// specific" and "Document Template" is not "documentation", as they all are to the search
// index's Porter stemmer. A keyword that should match other forms of a word lists them (or the
// synonyms file joins them: "referral" and "referred"). Stop words still leave their gaps, so a
// keyword of several words matches as a phrase would.
var (
	ampersandWord = regexp.MustCompile(`(?i)\ba&e\b`)
	loneAmpersand = regexp.MustCompile(`(\s)&(\s)`)
)

func wordAnalyzer() (analysis.Analyzer, error) {
	cache := registry.NewCache()
	tok, err := cache.TokenizerNamed(unicode.Name)
	if err != nil {
		return nil, err
	}
	var filters []analysis.TokenFilter
	for _, name := range []string{en.PossessiveName, lowercase.Name, en.StopName, en.PluralStemmerName} {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, err
		}
		filters = append(filters, f)
	}
	return &analysis.DefaultAnalyzer{
		// As the search index does: "A&E" is one word (the same length, so offsets stay right),
		// and a lone "&" leaves the gap of "and".
		CharFilters: []analysis.CharFilter{
			charregexp.New(ampersandWord, []byte("a_e")),
			charregexp.New(loneAmpersand, []byte("${1}a${2}")),
		},
		Tokenizer:    tok,
		TokenFilters: filters,
	}, nil
}
