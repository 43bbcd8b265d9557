package bleve

import "github.com/casereview/casereview/internal/taxonomy"

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
