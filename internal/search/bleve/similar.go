package bleve

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/casereview/casereview/internal/search"
)

// genericWords are words nearly every recommendation uses. They say nothing about what a
// recommendation is about, so "more like this" ignores them: two recommendations that both ask
// an agency to "review its training policy" are not alike for that. The list serves only small
// indexes: from learnStopTermsFrom documents on, the stop terms are learned from the index itself
// (every term in more than learnedStopFrac of the documents), so a corpus's own boilerplate ("a
// response has been received", "update") is left out whatever its words.
var genericWords = strings.Fields(`training train trained trains policy policies procedure procedures review
	reviews reviewed ensure ensures ensuring should must staff professional professionals practitioner
	practitioners agency agencies organisation organisations organization organizations partner partners
	partnership partnerships service services consider considers appropriate relevant local national
	guidance process processes practice recommendation recommendations recommend recommends develop
	developed develops implement implemented include includes including within undertake undertakes
	board boards lead leads action actions learning improve improves improved support supports need
	needs use used work working make made also case cases team teams area areas new current where when
	who which whether every each any always able help place put take taken identify identified provide provided`)

// Limits for "more like this": how many distinctive terms a text is reduced to, and the share of
// the index above which a term is too common to tell recommendations apart.
const (
	similarTerms       = 20
	similarCommonFrac  = 0.4 // below learnStopTermsFrom documents, beside genericWords
	learnStopTermsFrom = 200
	learnedStopFrac    = 0.05
)

// Similar ranks the recommendations most like r.Text: the text is reduced to its most
// distinctive terms (frequent in the text, rare in the index, generic words left out), and
// recommendations sharing several of them score highest. The caller's scope is part of the
// query, and one review's own recommendations can be left out.
func (x *Index) Similar(ctx context.Context, r search.SimilarRequest) (search.SimilarResult, error) {
	terms, weights, err := x.distinctiveTerms(r.Text)
	if err != nil || len(terms) == 0 {
		return search.SimilarResult{Terms: []string{}}, err
	}
	should := make([]bq.Query, len(terms))
	for i, t := range terms {
		q := bq.NewTermQuery(t)
		q.SetField(fText)
		q.SetBoost(weights[i])
		should[i] = q
	}
	shouldQ := bq.NewDisjunctionQuery(should)
	shouldQ.SetMin(float64(minShared(len(terms))))
	var not []bq.Query
	if r.ExcludeReviewID != "" {
		not = append(not, term(fReviewID, r.ExcludeReviewID))
	}
	if r.ExcludeID != "" {
		not = append(not, bq.NewDocIDQuery([]string{r.ExcludeID}))
	}
	musts := []bq.Query{shouldQ, scopeQuery(r.Scope)}
	if u := unreadableQuery(r.Unreadable); u != nil {
		musts = append(musts, u)
	}
	q := bq.NewBooleanQuery(musts, nil, not)
	size := r.Size
	if size <= 0 || size > 50 {
		size = 10
	}
	req := bleve.NewSearchRequestOptions(q, size, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.AddField(fText)
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return search.SimilarResult{}, err
	}
	out := search.SimilarResult{Terms: terms}
	for _, h := range res.Hits {
		hit := search.Hit{ID: h.ID, Score: h.Score, Fragments: map[string][]string{}}
		for f, frags := range h.Fragments {
			hit.Fragments[f] = frags
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

// minShared is how many distinctive terms a recommendation must share to count as alike: one
// for a text of a word or two, more as the text says more.
func minShared(n int) int {
	switch {
	case n <= 2:
		return 1
	case n <= 6:
		return 2
	default:
		return 3
	}
}

// distinctiveTerms analyses text as the text field is indexed and returns its most telling
// terms, each weighted by (1 + log tf) x idf, heaviest first.
func (x *Index) distinctiveTerms(text string) ([]string, []float64, error) {
	an := x.idx.Mapping().AnalyzerNamed(TextAnalyzer)
	if an == nil {
		return nil, nil, fmt.Errorf("the %s analyser is not registered", TextAnalyzer)
	}
	n, err := x.idx.DocCount()
	if err != nil {
		return nil, nil, err
	}
	learned := n >= learnStopTermsFrom
	generic := map[string]bool{}
	if !learned {
		for _, w := range genericWords {
			for _, tok := range an.Analyze([]byte(w)) {
				generic[string(tok.Term)] = true
			}
		}
	}
	common := similarCommonFrac
	if learned {
		common = learnedStopFrac
	}
	tf := map[string]int{}
	for _, tok := range an.Analyze([]byte(text)) {
		t := string(tok.Term)
		if len([]rune(t)) < 3 || generic[t] || !strings.ContainsFunc(t, unicode.IsLetter) {
			continue
		}
		tf[t]++
	}
	type weighted struct {
		term string
		w    float64
	}
	var ws []weighted
	for t, f := range tf {
		df, err := x.docFreq(fText, t)
		if err != nil {
			return nil, nil, err
		}
		if df == 0 || (n >= 20 && float64(df) > common*float64(n)) {
			continue // in no other document, or in too many to tell them apart
		}
		idf := math.Log(1 + float64(n)/float64(df))
		ws = append(ws, weighted{t, (1 + math.Log(float64(f))) * idf})
	}
	sort.Slice(ws, func(i, j int) bool {
		if ws[i].w != ws[j].w {
			return ws[i].w > ws[j].w
		}
		return ws[i].term < ws[j].term
	})
	ws = ws[:min(len(ws), similarTerms)]
	terms, weights := make([]string, len(ws)), make([]float64, len(ws))
	for i, w := range ws {
		terms[i], weights[i] = w.term, w.w
	}
	return terms, weights, nil
}

// docFreq returns how many documents hold term in field.
func (x *Index) docFreq(field, term string) (uint64, error) {
	d, err := x.idx.FieldDictRange(field, []byte(term), []byte(term))
	if err != nil {
		return 0, err
	}
	defer d.Close()
	e, err := d.Next()
	if err != nil || e == nil || e.Term != term {
		return 0, err
	}
	return e.Count, nil
}
