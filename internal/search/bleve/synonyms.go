package bleve

import (
	"strings"
	"sync"

	"github.com/casereview/casereview/internal/taxonomy"
)

// Expand returns word and its synonyms (abbreviations and British/American spellings), from the
// project's synonyms file. Expansion happens at query time, so a change to the file needs no
// rebuild of the index.
func Expand(word string) []string {
	s, err := taxonomy.DefaultSynonyms()
	if err != nil {
		return []string{word} // the file is embedded and tested; this cannot happen in a build that passed
	}
	return s.Expand(word)
}

// multiWordSynonyms maps the analysed form of each synonym of several words to the synonym, so
// that words typed without their stop words or punctuation ("fire & rescue" loses its "&" to
// the query parser, "fire and rescue" its "and" to the analyser) still find it.
var multiWordSynonyms = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	s, err := taxonomy.DefaultSynonyms()
	if err != nil {
		return out
	}
	for _, t := range s.Terms() {
		if !strings.Contains(t, " ") {
			continue
		}
		if key := strings.Join(analysed(t), " "); key != "" {
			if _, taken := out[key]; !taken {
				out[key] = t
			}
		}
	}
	return out
})

// synonyms returns text and its synonyms, text first: by the text as written, or else, for
// several words, by their analysed form.
func synonyms(text string) []string {
	alts := Expand(synonymKey(text))
	if len(alts) > 1 || !strings.Contains(strings.TrimSpace(text), " ") {
		alts[0] = text
		return alts
	}
	if t, ok := multiWordSynonyms()[strings.Join(analysed(text), " ")]; ok {
		alts = Expand(t)
	}
	alts[0] = text
	return alts
}
