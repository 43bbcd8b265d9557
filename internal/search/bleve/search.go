package bleve

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/search/query"
)

// facetFields maps facet names to index fields.
var facetFields = map[string]string{
	search.FacetTheme: fThemeCodes, search.FacetThemeGroup: fThemeGroups, search.FacetReviewType: fReviewType,
	search.FacetOrganisation: fOrganisationIDs, search.FacetSector: fSectors, search.FacetScope: fScope,
	search.FacetIntervention: fIntervention, search.FacetResponse: fResponse, search.FacetImplementation: fImplementation,
	search.FacetOversight: fOversight, search.FacetYear: fYearKeyword, search.FacetPartnership: fPartnershipID,
}

// Search runs r. Visibility is part of the query itself, so totals and facet counts never count
// what the caller may not see.
func (x *Index) Search(ctx context.Context, r search.Request) (search.Result, error) {
	var parsed query.Node
	if r.Query != nil {
		n, ok := r.Query.(query.Node)
		if !ok {
			return search.Result{}, &search.QueryError{Msg: fmt.Sprintf("the query is a %T, not a parsed query", r.Query)}
		}
		parsed = n
	}
	parsed, flagged, err := flagTerms(parsed, r.AsOf)
	if err != nil {
		return search.Result{}, err
	}
	// One typo is forgiven only when the words as written (stemmed, with their synonyms) find
	// too few: the typo clauses walk the term dictionary and add the postings of every word one
	// edit away (police: policy) to every candidate, a third of the time of the query mix, for
	// words that are mostly spelt right.
	if x.tuned().FuzzyAlways || !typoTolerant(parsed) {
		return x.search(ctx, r, parsed, flagged, true)
	}
	res, err := x.search(ctx, r, parsed, flagged, false)
	if err != nil || res.Total >= fuzzyBelow {
		return res, err
	}
	again, err := x.search(ctx, r, parsed, flagged, true)
	again.Took += res.Took
	return again, err
}

// fuzzyBelow is how few matches the words as written must find for a search to forgive typos.
const fuzzyBelow = 10

// typoTolerant reports whether n has a word that a typo could be forgiven in (wordQuery).
func typoTolerant(n query.Node) bool {
	switch n := n.(type) {
	case *query.And:
		return slices.ContainsFunc(n.Children, typoTolerant)
	case *query.Or:
		return slices.ContainsFunc(n.Children, typoTolerant)
	case *query.Not:
		return typoTolerant(n.Child)
	case *query.Term:
		if n.Field != "" || n.Prefix {
			return false
		}
		for _, alt := range alternatives(n.Text) {
			if len(alt.terms) == 1 && utf8.RuneCountInString(alt.text) >= 5 && plainWord(alt.text) {
				return true
			}
		}
	}
	return false
}

// search runs r, its parsed query translated with typo clauses (fz) or without.
func (x *Index) search(ctx context.Context, r search.Request, parsed query.Node, flagged []bq.Query, fz bool) (search.Result, error) {
	q, err := translate(parsed, fz)
	if err != nil {
		return search.Result{}, err
	}
	if q == nil { // nothing but stop words
		q = bq.NewMatchNoneQuery()
	}
	scope, applied := x.scopeFilter(r.Scope, r.Unreadable) // facet_scope.go
	musts := append([]bq.Query{q, scope}, flagged...)
	if u := unreadableQuery(r.Unreadable); u != nil && !applied {
		musts = append(musts, u)
	}
	flagAt := -1 // where the flag filter is in musts: the flag facet counts without it
	if r.Flag != "" {
		fq, err := flagQuery(r.Flag, r.AsOf)
		if err != nil {
			return search.Result{}, err
		}
		flagAt = len(musts)
		musts = append(musts, fq)
	}
	names := make([]string, 0, len(r.Filters))
	for name := range r.Filters {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		field, ok := facetFields[name]
		if !ok {
			return search.Result{}, &search.QueryError{Msg: fmt.Sprintf("%s is not a filter (use one of: %s)", name, strings.Join(search.AllFacets, ", "))}
		}
		var any []bq.Query
		for _, v := range r.Filters[name] {
			any = append(any, term(field, v))
		}
		if len(any) > 0 {
			musts = append(musts, bq.NewDisjunctionQuery(any))
		}
	}
	if len(r.IDs) > 0 { // only these documents (a watched search's changed recommendations)
		musts = append(musts, bq.NewDocIDQuery(r.IDs))
	}
	size := r.Size
	if size <= 0 || size > casereview.MaxPageSize {
		size = 20
	}
	req := bleve.NewSearchRequestOptions(bq.NewConjunctionQuery(musts), size, 0, false)
	switch r.Sort {
	case search.SortNewest:
		req.SortBy([]string{"-" + fIssuedOn, "_id"})
	case search.SortOldest:
		req.SortBy([]string{fIssuedOn, "_id"})
	}
	tuning := x.tuned()
	lazyTies := false // the relevance order, its ties broken here rather than by bleve (tiebreak.go)
	switch {
	case r.Sort == search.SortNewest || r.Sort == search.SortOldest:
	case tuning.IDTieBreak:
		req.SortBy([]string{"-_score", "_id"})
	default:
		req.SortBy([]string{"-_score"})
		var after *afterKey
		if len(r.After) > 0 {
			a, ok := parseAfter(r.After)
			if !ok {
				return search.Result{}, &search.QueryError{Msg: "the cursor does not fit the relevance order"}
			}
			after = &a
		}
		ctx = withLazyTieBreak(ctx, size, after)
		lazyTies = true
	}
	if len(r.After) > 0 && !lazyTies {
		req.SearchAfter = r.After
	}
	// No highlighting here: asking for it makes every term searcher decode word positions for
	// every candidate, thousands on a broad query. The page's hits are highlighted afterwards.
	if tuning.HighlightInOnePass { // the old way, kept for the benchmark's comparison
		req.Highlight = bleve.NewHighlightWithStyle(html.Name)
		req.Highlight.AddField(fText)
		req.Highlight.AddField(fTitle)
	}
	var facets []string // counted from the index's fields; the flag facet is counted apart (flags.go)
	flagFacet := false
	for _, name := range r.Facets {
		if name == search.FacetFlag {
			flagFacet = true
			continue
		}
		facets = append(facets, name)
		field, ok := facetFields[name]
		if !ok {
			return search.Result{}, &search.QueryError{Msg: fmt.Sprintf("%s is not a facet (use one of: %s)", name, strings.Join(search.KnownFacets, ", "))}
		}
		if x.facets == nil || tuning.BleveOnly {
			req.AddFacet(name, bleve.NewFacetRequest(field, facetSize))
		}
	}
	// The searches after this one (highlights, flag counts) collect as bleve does.
	baseCtx := context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, nil)
	var fc *facetCounter // counts the facets from columns (facet_count.go) unless bleve does
	if r.KeySums && x.facets == nil {
		return search.Result{}, fmt.Errorf("record key sums need the column paths")
	}
	if (len(facets) > 0 && len(req.Facets) == 0) || r.KeySums {
		ctx, fc = x.facets.withFacetCounting(ctx)
		defer fc.release()
	}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return search.Result{}, &casereview.Error{Code: casereview.CodeUnavailable, Message: "the search took too long; narrow it down", Err: err}
		}
		return search.Result{}, err
	}
	out := search.Result{Total: res.Total, Took: res.Took, Facets: map[string][]search.FacetCount{}}
	for _, h := range res.Hits {
		hit := search.Hit{ID: h.ID, Score: h.Score, SortKey: h.Sort, Fragments: map[string][]string{}}
		if len(h.Sort) > 0 && h.Sort[0] == "_score" {
			// bleve gives the placeholder "_score" as the sort value; search after needs the score
			// itself, or the next page starts after a score of 0 and is empty.
			hit.SortKey = append([]string{strconv.FormatFloat(h.Score, 'g', -1, 64)}, h.Sort[1:]...)
			if lazyTies {
				hit.SortKey = []string{hit.SortKey[0], h.ID}
			}
		}
		for f, frags := range h.Fragments {
			hit.Fragments[f] = frags
		}
		out.Hits = append(out.Hits, hit)
	}
	if !tuning.HighlightInOnePass {
		// The page's hits passed the filters already, and the filters' fields are not
		// highlighted: the text query alone marks the same words, without the scope filter,
		// the facet filters and the flags being searched again.
		again := musts[:1]
		if tuning.HighlightWithFilters {
			again = musts
		}
		if err := x.highlight(baseCtx, parsed, again, out.Hits); err != nil {
			return search.Result{}, err
		}
	}
	if fc != nil {
		if len(facets) > 0 && len(req.Facets) == 0 {
			out.Facets = fc.counts(facets, r.KeySums)
		}
		if r.KeySums {
			out.KeySum = fc.keySum()
		}
	}
	if flagFacet {
		without := append(append([]bq.Query{}, musts[:max(flagAt, 0)]...), musts[flagAt+1:]...)
		if flagAt < 0 {
			without = musts
		}
		if out.Facets[search.FacetFlag], err = x.flagCounts(baseCtx, without, r.AsOf, r.KeySums); err != nil {
			return search.Result{}, err
		}
	}
	for name, f := range res.Facets {
		var counts []search.FacetCount
		if f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				counts = append(counts, search.FacetCount{Value: t.Term, Count: t.Count})
			}
		}
		out.Facets[name] = counts
	}
	return out, nil
}

func term(field, v string) bq.Query {
	q := bq.NewTermQuery(v)
	q.SetField(field)
	return q
}

// scopeQuery is casereview.ScopeOf as a bleve query.
func scopeQuery(sc casereview.ReadScope) bq.Query {
	if sc.All {
		return bq.NewMatchAllQuery()
	}
	var any []bq.Query
	for _, v := range sc.Visibilities {
		any = append(any, term(fVisibility, string(v)))
	}
	for _, p := range sc.Partnerships {
		any = append(any, bq.NewConjunctionQuery([]bq.Query{term(fVisibility, string(casereview.VisibilityRestricted)), term(fPartnershipID, p)}))
	}
	for _, o := range sc.Organisations {
		any = append(any, bq.NewConjunctionQuery([]bq.Query{term(fVisibility, string(casereview.VisibilityRestricted)), term(fOrganisationIDs, o)}))
	}
	if len(any) == 0 {
		return bq.NewMatchNoneQuery()
	}
	return bq.NewDisjunctionQuery(any)
}

// unreadableQuery excludes what the database says the caller may not read (nil when there is
// nothing to exclude). It scores nothing, so the order of what remains does not change.
func unreadableQuery(u casereview.Unreadable) bq.Query {
	if len(u.Reviews) == 0 {
		return nil
	}
	reviews := make([]bq.Query, len(u.Reviews))
	for i, id := range u.Reviews {
		reviews[i] = term(fReviewID, id)
	}
	var hidden bq.Query = bq.NewDisjunctionQuery(reviews)
	if len(u.Except) > 0 {
		b := bq.NewBooleanQuery([]bq.Query{hidden}, nil, []bq.Query{bq.NewDocIDQuery(u.Except)})
		hidden = b
	}
	all := bq.NewMatchAllQuery()
	all.SetBoost(0)
	return bq.NewBooleanQuery([]bq.Query{all}, nil, []bq.Query{hidden})
}

// translate turns the parsed query into a bleve query. A nil query (and no error) is a part left
// out: a stop word, or a group of nothing else.
func translate(n query.Node, fz bool) (bq.Query, error) {
	switch n := n.(type) {
	case nil:
		return bq.NewMatchAllQuery(), nil
	case *query.And:
		return andQuery(n.Children, fz)
	case *query.Or:
		return combine(n.Children, true, fz)
	case *query.Not:
		inner, err := translate(n.Child, fz)
		if err != nil || inner == nil {
			return nil, err
		}
		b := bq.NewBooleanQuery(nil, nil, []bq.Query{inner})
		b.AddMust(bq.NewMatchAllQuery())
		return b, nil
	case *query.Term:
		return termQuery(n, fz)
	case *query.Phrase:
		return phraseQuery(n.Field, n.Text)
	case *query.YearRange:
		var lo, hi *float64
		if n.From != 0 {
			f := float64(n.From)
			lo = &f
		}
		if n.To != 0 {
			t := float64(n.To)
			hi = &t
		}
		inc := true
		q := bq.NewNumericRangeInclusiveQuery(lo, hi, &inc, &inc)
		q.SetField(fYear)
		return q, nil
	}
	return nil, &search.QueryError{Msg: fmt.Sprintf("unsupported query element %T", n)}
}

func combine(children []query.Node, or, fz bool) (bq.Query, error) {
	var qs []bq.Query
	positive := false
	for _, c := range children {
		q, err := translate(c, fz)
		if err != nil {
			return nil, err
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
	if or {
		return bq.NewDisjunctionQuery(qs), nil
	}
	return bq.NewConjunctionQuery(qs), nil
}

// fieldQuery handles field:value.
func fieldQuery(field, v string, phrase bool) (bq.Query, error) {
	lower, upper := strings.ToLower(v), strings.ToUpper(v)
	match := func(f string) bq.Query {
		if phrase || strings.Contains(v, " ") {
			p := bq.NewMatchPhraseQuery(v)
			p.SetField(f)
			return p
		}
		m := bq.NewMatchQuery(v)
		m.SetField(f)
		return m
	}
	switch strings.ToLower(field) {
	case "theme":
		// A code, a slug, or words of a label: theme:A09, theme:stalking, theme:"coercive control".
		return bq.NewDisjunctionQuery([]bq.Query{term(fThemeSlugs, lower), term(fThemeCodes, upper), match(fThemeText)}), nil
	case "agency":
		return agencyQuery(v), nil
	case "org":
		return term(fOrganisationIDs, lower), nil
	case "sector":
		return term(fSectors, lower), nil
	case "type":
		return term(fReviewType, upper), nil
	case "status":
		return bq.NewDisjunctionQuery([]bq.Query{term(fResponse, lower), term(fImplementation, lower), term(fOversight, lower)}), nil
	case "response":
		return term(fResponse, lower), nil
	case "implementation":
		return term(fImplementation, lower), nil
	case "oversight":
		return term(fOversight, lower), nil
	case "scope":
		return term(fScope, lower), nil
	case "intervention":
		return term(fIntervention, lower), nil
	case "partnership":
		return bq.NewDisjunctionQuery([]bq.Query{term(fPartnershipID, lower), match(fPartnershipText)}), nil
	case "area":
		return term(fAreaCodes, v), nil
	case "reference":
		return term(fReviewReference, v), nil
	case "number":
		return term(fNumber, v), nil
	case "visibility":
		return term(fVisibility, lower), nil
	case "year":
		y, err := strconv.Atoi(v)
		if err != nil {
			return nil, &search.QueryError{Msg: fmt.Sprintf("year:%s is not a year", v)}
		}
		f := float64(y)
		inc := true
		q := bq.NewNumericRangeInclusiveQuery(&f, &f, &inc, &inc)
		q.SetField(fYear)
		return q, nil
	case "flag":
		return nil, &search.QueryError{Msg: "flags are not searchable in the query; use the flag parameter of /api/v1/recommendations"}
	}
	return nil, &search.QueryError{Msg: fmt.Sprintf("%s: is not a field this index knows", field)}
}
