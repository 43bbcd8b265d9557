package bleve

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/casereview/casereview/internal/search/query"
)

// Relevance weights of the words of a query (issue 16 §2): the word as typed scores above its
// synonyms, and both above a one-typo match; the words of an unquoted query found together, as
// a phrase, score above the same words scattered through the text.
const (
	synonymBoost   = 0.6
	fuzzyBoost     = 0.3
	pairBoost      = 2  // two neighbouring words of the query side by side
	maxSynonymRun  = 12 // the longest run of unquoted words looked up as one synonym (his majesty's inspectorate of constabulary and fire & rescue services)
	maxProximityIn = 8  // longer queries get no proximity clauses: their cost grows with each pair
)

// analysed is the terms the text fields' analyser makes of s.
func analysed(s string) []string {
	a := textAnalyzer()
	if a == nil {
		return []string{strings.ToLower(s)}
	}
	toks := a.Analyze([]byte(s))
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = string(t.Term)
	}
	return out
}

// tokens is the analyser's output with offsets, for marking matches (highlight.go).
func tokens(s string) analysis.TokenStream {
	if a := textAnalyzer(); a != nil {
		return a.Analyze([]byte(s))
	}
	return nil
}

// meaningless reports whether terms say nothing a search can use: nothing at all (stop words),
// or letters on their own ("A&E" split by a plain tokenizer leaves "e", which is in "e-mail").
// A lone digit means something ("NEWS 2").
func meaningless(terms []string) bool {
	for _, t := range terms {
		r, _ := utf8.DecodeRuneInString(t)
		if utf8.RuneCountInString(t) > 1 || !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// synonymKey is how a word or phrase is looked up in the synonyms: "&" between words reads as
// "and", as the analyser reads it.
func synonymKey(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), " & ", " and ")
}

// alternative is one way of writing what was searched for: the text as typed, or a synonym.
type alternative struct {
	text    string
	terms   []string
	synonym bool
}

// alternatives returns text and its synonyms, each with its analysed terms. One that analyses to
// nothing useful (stop words, lone letters) is left out, the text itself included when it has
// synonyms; without synonyms it is left out only when it analyses to nothing.
func alternatives(text string) []alternative {
	var out []alternative
	alts := synonyms(text)
	for i, alt := range alts {
		terms := analysed(alt)
		// A lone letter is searched for only when typed alone with no synonym: "A & E" is A&E.
		if len(terms) == 0 || ((i > 0 || len(alts) > 1) && meaningless(terms)) {
			continue
		}
		out = append(out, alternative{text: alt, terms: terms, synonym: i > 0})
	}
	return out
}

// textMatch searches the text fields for alt: a single term as a word, several terms (a
// hyphenated word, a multi-word synonym) as a phrase, never as either of its parts. A phrase
// scores the sum of its terms, so its boost is shared among them: the four words of
// "independent domestic violence advisor" must not outscore "IDVA" typed as it is.
func textMatch(alt alternative, boost float64) []bq.Query {
	var out []bq.Query
	if len(alt.terms) > 1 {
		boost /= float64(len(alt.terms))
	}
	for _, f := range textFields {
		if len(alt.terms) > 1 {
			p := bq.NewMatchPhraseQuery(alt.text)
			p.SetField(f.name)
			p.SetBoost(f.boost * boost)
			out = append(out, p)
			continue
		}
		m := bq.NewMatchQuery(alt.text)
		m.SetField(f.name)
		m.SetBoost(f.boost * boost)
		out = append(out, m)
	}
	return out
}

// wordQuery searches the text fields for one word: stemmed, fuzzy (one edit) for plain words
// of five letters or more, and expanded through the synonyms both ways. Nil when the word
// analyses to nothing and has no synonym (a stop word).
func wordQuery(word string, fz bool) bq.Query {
	var any []bq.Query
	for _, alt := range alternatives(word) {
		boost := 1.0
		if alt.synonym {
			boost = synonymBoost
		}
		any = append(any, textMatch(alt, boost)...)
		if len(alt.terms) == 1 && utf8.RuneCountInString(alt.text) >= 5 && plainWord(alt.text) {
			// One typo is forgiven in longer words (fz), counted on the unstemmed words and scored
			// below an exact match. Without fz, the word as written, unstemmed, in the same place:
			// the typo clause matched it too, and a document holding the word itself (medication,
			// not only medical, of the same stem) matches one more clause of the disjunction, whose
			// score counts the clauses matched.
			m := bq.NewMatchQuery(alt.text)
			m.SetField(fPlain)
			if fz {
				m.SetFuzziness(1)
				m.SetPrefix(1)
			}
			m.SetBoost(fuzzyBoost * boost)
			any = append(any, m)
		}
	}
	if len(any) == 0 {
		return nil
	}
	return bq.NewDisjunctionQuery(any)
}

// plainWord reports whether w is letters only (no digits, hyphens or ampersands), the words a
// typo match is meant for.
func plainWord(w string) bool {
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 && r != '’') {
			return false
		}
	}
	return true
}

func phraseQuery(field, text string) (bq.Query, error) {
	if field != "" {
		return fieldQuery(field, text, true)
	}
	var any []bq.Query
	for _, alt := range alternatives(text) {
		boost := 1.0
		if alt.synonym {
			boost = synonymBoost
		}
		m := textMatch(alt, boost)
		if runs := stopRuns(alt.text); len(runs) > 0 {
			// The phrase's stop words are not in the text fields ("out of hours" is "hour" there),
			// so in the title and text it must also be found with them, in the pairs field; the
			// review's title and the addressees' names are matched as before.
			req := []bq.Query{bq.NewDisjunctionQuery(m[:2])}
			for _, r := range runs {
				q := bq.NewTermQuery(r)
				q.SetField(fPairs)
				q.SetBoost(boost) // the phrase with its stop words is rarer than its word, and scores so
				req = append(req, q)
			}
			m = append([]bq.Query{bq.NewConjunctionQuery(req)}, m[2:]...)
		}
		any = append(any, m...)
	}
	if len(any) == 0 {
		return bq.NewMatchNoneQuery(), nil
	}
	return bq.NewDisjunctionQuery(any), nil
}

// stopRuns are the pairs field's terms of s that hold stop words with the word after them
// ("out of hour" of "out of hours"): what a quoted phrase with stop words must also match.
func stopRuns(s string) []string {
	a := pairsAnalyzer()
	if a == nil {
		return nil
	}
	var out []string
	for _, t := range a.Analyze([]byte(s)) {
		if t.Type == analysis.Shingle {
			out = append(out, string(t.Term))
		}
	}
	return out
}

// agencyQuery is agency:value: the addressees' names and aliases, and the value's synonyms
// (agency:CQC finds the Care Quality Commission under its full name too).
func agencyQuery(v string) bq.Query {
	var any []bq.Query
	for _, alt := range alternatives(v) {
		if len(alt.terms) > 1 {
			p := bq.NewMatchPhraseQuery(alt.text)
			p.SetField(fOrganisationText)
			any = append(any, p)
			continue
		}
		m := bq.NewMatchQuery(alt.text)
		m.SetField(fOrganisationText)
		any = append(any, m)
	}
	if len(any) == 0 {
		return bq.NewMatchNoneQuery()
	}
	return bq.NewDisjunctionQuery(any)
}

func termQuery(t *query.Term, fz bool) (bq.Query, error) {
	if t.Field != "" {
		return fieldQuery(t.Field, t.Text, false)
	}
	if t.Prefix {
		var any []bq.Query
		for _, f := range textFields {
			p := bq.NewPrefixQuery(strings.ToLower(t.Text))
			p.SetField(f.name)
			any = append(any, p)
		}
		return bq.NewDisjunctionQuery(any), nil
	}
	// A stop word gives nil: the analyser drops it from the documents, so requiring it would
	// match nothing ("victim of stalking" searches for victim and stalking).
	return wordQuery(t.Text, fz), nil
}

// plainTerm is an unquoted word of the query with no field and no star: a word of the phrase
// the query may be.
func plainTerm(n query.Node) (*query.Term, bool) {
	t, ok := n.(*query.Term)
	return t, ok && t.Field == "" && !t.Prefix
}

// andQuery requires every child. Runs of unquoted words that together are a synonym ("mental
// health act", "NEWS 2") also match their synonyms, and when the query has several unquoted
// words, documents holding them together (as a phrase, or two neighbours at a time) score
// higher than those where they are scattered.
func andQuery(children []query.Node, fz bool) (bq.Query, error) {
	var qs []bq.Query
	positive := false
	var words []string // the unquoted words, in order, for proximity
	for i := 0; i < len(children); i++ {
		c := children[i]
		if _, ok := plainTerm(c); ok {
			if n, q := synonymRun(children[i:], fz); n > 1 {
				qs, positive = append(qs, q), true
				for _, w := range children[i : i+n] {
					words = append(words, w.(*query.Term).Text)
				}
				i += n - 1
				continue
			}
		}
		q, err := translate(c, fz)
		if err != nil {
			return nil, err
		}
		if t, ok := plainTerm(c); ok {
			words = append(words, t.Text)
		}
		if q == nil {
			continue
		}
		if _, not := c.(*query.Not); !not {
			positive = true
		}
		qs = append(qs, q)
	}
	if !positive { // only stop words were left to look for
		return nil, nil
	}
	must := bq.NewConjunctionQuery(qs)
	near := proximity(words)
	if len(near) == 0 {
		return must, nil
	}
	return bq.NewBooleanQuery([]bq.Query{must}, near, nil), nil
}

// synonymRun looks for the longest run of unquoted words at the start of children that is a
// term of the synonyms, and returns its length and its query: the words anywhere, as before, or
// the run's synonyms. A length under 2 means no run.
func synonymRun(children []query.Node, fz bool) (int, bq.Query) {
	var words []string
	for _, c := range children[:min(len(children), maxSynonymRun)] {
		t, ok := plainTerm(c)
		if !ok {
			break
		}
		words = append(words, t.Text)
	}
	for n := len(words); n > 1; n-- {
		text := strings.Join(words[:n], " ")
		if len(synonyms(text)) < 2 {
			continue
		}
		var each []bq.Query
		for _, w := range words[:n] {
			if meaningless(analysed(w)) {
				continue // "A & E" is A&E, not any lone "e"
			}
			if q := wordQuery(w, fz); q != nil {
				each = append(each, q)
			}
		}
		alts, _ := phraseQuery("", text)
		if len(each) == 0 {
			return n, alts
		}
		return n, bq.NewDisjunctionQuery([]bq.Query{bq.NewConjunctionQuery(each), alts})
	}
	return 0, nil
}

// proximity scores the unquoted words found together: each two neighbouring words of the query
// (stop words skipped) found side by side in the title or text, looked up in the pairs field, so
// the more of the query stands together in a document, up to the whole of it, the higher it
// ranks. A query with one word that means something and stop words ("out of hours", "at risk")
// has no such pair: that word with the stop words before it is looked up instead. None for long
// queries.
func proximity(words []string) []bq.Query {
	a := pairsAnalyzer()
	if a == nil || len(words) < 2 || len(words) > maxProximityIn {
		return nil
	}
	var out []bq.Query
	seen := map[string]bool{}
	toks := a.Analyze([]byte(strings.Join(words, " ")))
	onlyStopRuns := true
	for _, t := range toks {
		onlyStopRuns = onlyStopRuns && t.Type == analysis.Shingle
	}
	for _, t := range toks {
		if t.Type == analysis.Shingle && !onlyStopRuns {
			continue // words with their stop words count only when nothing else stands together
		}
		if pair := string(t.Term); !seen[pair] {
			seen[pair] = true
			q := bq.NewTermQuery(pair)
			q.SetField(fPairs)
			q.SetBoost(pairBoost)
			out = append(out, q)
		}
	}
	return out
}
