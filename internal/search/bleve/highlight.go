package bleve

import (
	"context"
	"errors"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	htmlhl "github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/search/query"
)

// snippetField names the snippets of each field for the API: the addressees' names and aliases
// are "organisation".
var snippetField = map[string]string{fText: "text", fTitle: "title", fOrganisationText: "organisation"}

// snippetRunes is about the length of a snippet made here, like bleve's own fragments.
const snippetRunes = 200

// highlight adds snippets to a page of hits: the same query again, restricted to the page's
// ids, so word positions are read for those documents only. Every hit's snippets show why it
// matched (issue 16 §2): bleve marks the words it matched in the text and title; a hit found by
// a typo, by a prefix or only by an addressee's name gets its words marked here, and an addressee
// match is shown as an "organisation" snippet. A title snippet with nothing marked is dropped
// (the title is shown anyway), and so is any empty snippet.
func (x *Index) highlight(ctx context.Context, parsed query.Node, musts []bq.Query, hits []search.Hit) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	if t := x.tuned(); !t.HighlightWholeQuery && !t.HighlightWithFilters {
		if leaves := highlightLeaves(musts[0], nil); len(leaves) > 0 {
			musts = []bq.Query{bq.NewDisjunctionQuery(leaves)}
		}
	}
	req := bleve.NewSearchRequestOptions(bq.NewConjunctionQuery(append([]bq.Query{bq.NewDocIDQuery(ids)}, musts...)), len(ids), 0, false)
	req.Highlight = bleve.NewHighlightWithStyle(htmlhl.Name)
	req.Highlight.AddField(fText)
	req.Highlight.AddField(fTitle)
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return deadline(err)
	}
	frags := make(map[string]map[string][]string, len(res.Hits))
	for _, h := range res.Hits {
		frags[h.ID] = h.Fragments
	}
	var unmarked []string
	at := map[string]int{}
	for i := range hits {
		for f, fr := range frags[hits[i].ID] {
			hits[i].Fragments[f] = fr
		}
		tidy(hits[i].Fragments)
		if !marked(hits[i].Fragments) {
			unmarked = append(unmarked, hits[i].ID)
			at[hits[i].ID] = i
		}
	}
	if len(unmarked) == 0 || parsed == nil {
		return nil
	}
	// Only the hits bleve marked nothing in are read again, with their stored text.
	req = bleve.NewSearchRequestOptions(bq.NewDocIDQuery(unmarked), len(unmarked), 0, false)
	req.Fields = []string{fText, fTitle, fOrganisationText}
	if res, err = x.idx.SearchInContext(ctx, req); err != nil {
		return deadline(err)
	}
	m := newMarker(parsed)
	for _, h := range res.Hits {
		stored := func(f string) string { s, _ := h.Fields[f].(string); return s }
		for _, f := range []string{fText, fTitle, fOrganisationText} {
			if s, ok := m.mark(stored(f), f == fOrganisationText); ok {
				hits[at[h.ID]].Fragments[snippetField[f]] = []string{s}
				break
			}
		}
	}
	return nil
}

// highlightLeaves adds to out the parts of q that search the highlighted fields (the text and
// the title), leaving out what q excludes. The page's hits matched q already, so the search that
// marks their words needs only these, any of them, rather than q's conjunctions over every text
// field, the unstemmed and pairs fields and the exclusions: bleve marks the locations of the
// leaves that match, which are the same. (Words of an OR's branch that did not match as a whole
// can be marked too.)
func highlightLeaves(q bq.Query, out []bq.Query) []bq.Query {
	hl := func(f string) bool { return f == fText || f == fTitle }
	switch q := q.(type) {
	case *bq.ConjunctionQuery:
		for _, c := range q.Conjuncts {
			out = highlightLeaves(c, out)
		}
	case *bq.DisjunctionQuery:
		for _, c := range q.Disjuncts {
			out = highlightLeaves(c, out)
		}
	case *bq.BooleanQuery:
		if q.Must != nil {
			out = highlightLeaves(q.Must, out)
		}
		if q.Should != nil {
			out = highlightLeaves(q.Should, out)
		}
	case *bq.MatchQuery:
		if hl(q.FieldVal) {
			out = append(out, q)
		}
	case *bq.MatchPhraseQuery:
		if hl(q.FieldVal) {
			out = append(out, q)
		}
	case *bq.PrefixQuery:
		if hl(q.FieldVal) {
			out = append(out, q)
		}
	case *bq.TermQuery:
		if hl(q.FieldVal) {
			out = append(out, q)
		}
	}
	return out
}

func deadline(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &casereview.Error{Code: casereview.CodeUnavailable, Message: "the search took too long; narrow it down", Err: err}
	}
	return err
}

// tidy drops empty snippets, and title snippets with nothing marked.
func tidy(frags map[string][]string) {
	for f, fr := range frags {
		var keep []string
		for _, s := range fr {
			if strings.TrimSpace(s) == "" || (f == fTitle && !strings.Contains(s, "<mark>")) {
				continue
			}
			keep = append(keep, s)
		}
		if len(keep) == 0 {
			delete(frags, f)
		} else {
			frags[f] = keep
		}
	}
}

func marked(frags map[string][]string) bool {
	for _, fr := range frags {
		for _, s := range fr {
			if strings.Contains(s, "<mark>") {
				return true
			}
		}
	}
	return false
}

// marker finds the words of a query in a text as the search matched them: analysed terms of the
// words and their synonyms, prefixes, and words one typo away.
type marker struct {
	terms    map[string]bool
	agency   map[string]bool // the terms of agency: values, marked in the addressees' names only
	prefixes []string
	fuzzy    []string // lower case, as typed
}

func newMarker(n query.Node) *marker {
	m := &marker{terms: map[string]bool{}, agency: map[string]bool{}}
	var walk func(n query.Node)
	walk = func(n query.Node) {
		switch n := n.(type) {
		case *query.And:
			for _, c := range n.Children {
				walk(c)
			}
		case *query.Or:
			for _, c := range n.Children {
				walk(c)
			}
		case *query.Term:
			switch {
			case n.Prefix:
				m.prefixes = append(m.prefixes, strings.ToLower(n.Text))
			case n.Field == "agency":
				m.add(m.agency, n.Text)
			case n.Field == "":
				m.add(m.terms, n.Text)
				if utf8.RuneCountInString(n.Text) >= 5 && plainWord(n.Text) {
					m.fuzzy = append(m.fuzzy, strings.ToLower(n.Text))
				}
			}
		case *query.Phrase:
			switch n.Field {
			case "":
				m.add(m.terms, n.Text)
			case "agency":
				m.add(m.agency, n.Text)
			}
		}
	}
	walk(n)
	return m
}

func (m *marker) add(set map[string]bool, text string) {
	for _, alt := range alternatives(text) {
		for _, t := range alt.terms {
			set[t] = true
		}
	}
}

func (m *marker) matches(term, word string, names bool) bool {
	if m.terms[term] || (names && m.agency[term]) {
		return true
	}
	lw := strings.ToLower(word)
	for _, p := range m.prefixes {
		if strings.HasPrefix(lw, p) {
			return true
		}
	}
	for _, f := range m.fuzzy {
		if lw != "" && f[0] == lw[0] && withinOneEdit(f, lw) {
			return true
		}
	}
	return false
}

// mark returns a snippet of s, HTML-escaped, around its first matching word, with every
// matching word in it marked; false when no word matches. names says s is the addressees'
// names, where the words of agency: are marked too.
func (m *marker) mark(s string, names bool) (string, bool) {
	type span struct{ start, end int }
	var spans []span
	for _, t := range tokens(s) {
		if t.Start < 0 || t.End > len(s) || t.Start >= t.End {
			continue
		}
		if m.matches(string(t.Term), s[t.Start:t.End], names) {
			spans = append(spans, span{t.Start, t.End})
		}
	}
	if len(spans) == 0 {
		return "", false
	}
	// A window of about snippetRunes around the first match, on word boundaries.
	from := spans[0].start
	for back := 0; from > 0 && back < snippetRunes/4; back++ {
		_, size := utf8.DecodeLastRuneInString(s[:from])
		from -= size
	}
	to := from
	for n := 0; to < len(s) && n < snippetRunes; n++ {
		_, size := utf8.DecodeRuneInString(s[to:])
		to += size
	}
	if from > 0 {
		if i := strings.IndexByte(s[from:spans[0].start], ' '); i >= 0 {
			from += i + 1
		}
	}
	if to < len(s) {
		if i := strings.LastIndexByte(s[spans[0].end:to], ' '); i >= 0 {
			to = spans[0].end + i
		}
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	at := from
	for _, sp := range spans {
		if sp.start < from || sp.end > to {
			continue
		}
		b.WriteString(html.EscapeString(s[at:sp.start]))
		b.WriteString("<mark>" + html.EscapeString(s[sp.start:sp.end]) + "</mark>")
		at = sp.end
	}
	b.WriteString(html.EscapeString(s[at:to]))
	if to < len(s) {
		b.WriteString("…")
	}
	return b.String(), true
}

// withinOneEdit reports whether a and b differ by at most one insertion, deletion or
// substitution (of runes).
func withinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if i == len(ra) {
		return true
	}
	if len(ra) == len(rb) {
		return string(ra[i+1:]) == string(rb[i+1:])
	}
	return string(ra[i:]) == string(rb[i+1:])
}
