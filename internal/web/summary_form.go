package web

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// The filters of the reporting pages (dashboard.go, explore.go): the names search uses
// (search_form.go), so a search's address carries its filters over, the search words q among
// them, plus year_from and year_to and the disclosure, as the summaries API takes them
// (api/summaries.go).

// summaryFilterNames are the address's filter parameters, in the order they are written.
var summaryFilterNames = []string{"q", "theme", "theme_group", "type", "organisation", "sector", "scope", "intervention",
	"response", "implementation", "oversight", "year", "year_from", "year_to", "partnership", "flag", "disclosure"}

// The subject filter's parameters (subject_sex, …) follow, named by the domain.
func init() { summaryFilterNames = append(summaryFilterNames, casereview.SubjectFilterNames()...) }

// summaryForm is a summary's filter as the address states it.
type summaryForm struct {
	Filter     casereview.SummaryFilter
	Disclosure casereview.Disclosure
	Values     url.Values // the filter parameters in force (non-empty values only)
	Q          string     // the search words; Filter.IDs holds what they match once applied (matchWords)
}

// Shareable reports whether the figures are published with disclosure control.
func (f summaryForm) Shareable() bool { return f.Disclosure == casereview.DisclosureShareable }

// readSummaryForm reads the filter from the address; problems are reported at their fields.
func readSummaryForm(q url.Values, asOf casereview.Date) (summaryForm, []FieldProblem) {
	v := url.Values{}
	for _, name := range summaryFilterNames {
		for _, x := range q[name] {
			if x = strings.TrimSpace(x); x != "" && !slices.Contains(v[name], x) {
				v[name] = append(v[name], x)
			}
		}
	}
	f := casereview.SummaryFilter{Themes: v["theme"], ThemeGroups: v["theme_group"], ReviewTypes: v["type"],
		Organisations: v["organisation"], Sectors: enumsOf[casereview.Sector](v["sector"]), Scopes: enumsOf[casereview.Scope](v["scope"]),
		Interventions: v["intervention"], Responses: enumsOf[casereview.ResponseStatus](v["response"]),
		Implementations: enumsOf[casereview.ImplementationStatus](v["implementation"]),
		Oversights:      enumsOf[casereview.OversightStatus](v["oversight"]), Partnerships: v["partnership"],
		Flag: casereview.Flag(v.Get("flag")), AsOf: asOf, Subjects: casereview.SubjectConditionsFrom(func(name string) []string { return v[name] })}
	// Validate normalises case in place: keep the address as it was typed.
	f.Themes, f.ThemeGroups, f.ReviewTypes = slices.Clone(f.Themes), slices.Clone(f.ThemeGroups), slices.Clone(f.ReviewTypes)
	f.Organisations, f.Partnerships, f.Interventions = slices.Clone(f.Organisations), slices.Clone(f.Partnerships), slices.Clone(f.Interventions)
	var probs []FieldProblem
	for _, y := range v["year"] {
		n, err := strconv.Atoi(y)
		if err != nil {
			probs = append(probs, FieldProblem{"year", "Enter a year as 4 digits, for example 2025"})
			continue
		}
		f.Years = append(f.Years, n)
	}
	for _, b := range []struct {
		name, what string
		to         **int
	}{{"year_from", "The year from", &f.YearFrom}, {"year_to", "The year to", &f.YearTo}} {
		if s := v.Get(b.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				probs = append(probs, FieldProblem{b.name, b.what + " must be a year as 4 digits, for example 2025"})
				continue
			}
			*b.to = &n
		}
	}
	form := summaryForm{Filter: f, Disclosure: casereview.DisclosureInternal, Values: v, Q: v.Get("q")}
	if d := v.Get("disclosure"); d != "" {
		if !slices.Contains(casereview.Disclosures, casereview.Disclosure(d)) {
			probs = append(probs, FieldProblem{"disclosure", "Choose who the figures are for"})
		} else {
			form.Disclosure = casereview.Disclosure(d)
		}
	}
	if len(probs) == 0 {
		if err := form.Filter.Validate(); err != nil {
			probs = append(probs, summaryProblems(err)...)
		}
	}
	return form, probs
}

// summaryProblems puts the domain's problems at the form's fields ("sector[1]" is "sector").
func summaryProblems(err error) []FieldProblem {
	probs := problemsOf(err)
	for i, p := range probs {
		if k := strings.IndexByte(p.Field, '['); k > 0 {
			probs[i].Field = p.Field[:k]
		}
		if p.Field == "year_to" && strings.Contains(p.Message, "before") {
			probs[i].Message = "The year to must be the same as or after the year from"
		}
	}
	return probs
}

func enumsOf[T ~string](vs []string) []T {
	out := make([]T, 0, len(vs))
	for _, v := range vs {
		out = append(out, T(v))
	}
	return out
}

// href is path with the filters and extra (parameters of the page itself, "" values left out).
func (f summaryForm) href(path string, extra ...string) string {
	v := url.Values{}
	for k, xs := range f.Values {
		v[k] = slices.Clone(xs)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Del(extra[i])
		if extra[i+1] != "" {
			v.Set(extra[i], extra[i+1])
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// publish shows n, or its marker when disclosure control hides it.
func publish(n int, s casereview.Suppression, threshold int) figure {
	return figure{Text: casereview.Display(n, s, threshold), N: n, Hidden: s != casereview.Shown}
}

// shared publishes a tally under the cell key method: N is the perturbed count (charts draw it).
func shared(t casereview.Tally, threshold int) figure {
	f := casereview.Share(t, threshold)
	return figure{Text: f.Display(threshold), N: f.Count, Hidden: f.Suppressed}
}

// figure is one published count.
type figure struct {
	Text   string
	N      int
	Hidden bool
}

// eachFigure publishes a count no published total includes: in shareable output a small count
// alone is hidden.
func (f summaryForm) eachFigure(n, threshold int) figure {
	if !f.Shareable() {
		return publish(n, casereview.Shown, threshold)
	}
	return publish(n, casereview.ProtectEach([]int{n}, threshold)[0], threshold)
}

// TextMatcher finds the recommendations that search words match, under the caller's read scope
// (search.Finder's MatchingIDs, as the summaries API uses it for its q parameter).
type TextMatcher interface {
	MatchingIDs(ctx context.Context, q string) (ids []string, understood string, err error)
}

// matchWords narrows the filter to what the search words match, as GET /api/v1/summaries/… do
// with q. Words search cannot read are reported at the box; no search index, as an error.
func (h *Handler) matchWords(ctx context.Context, form *summaryForm) ([]FieldProblem, error) {
	if strings.TrimSpace(form.Q) == "" {
		return nil, nil
	}
	m, ok := h.o.Search.(TextMatcher)
	if !ok {
		return []FieldProblem{{"q", "Search words cannot be used here: search is not available"}}, nil
	}
	ids, _, err := m.MatchingIDs(ctx, form.Q)
	if err != nil {
		if probs := summaryProblems(err); probs != nil {
			for i := range probs {
				probs[i].Field = "q"
			}
			return probs, nil
		}
		return nil, err
	}
	form.Filter.IDs = ids
	return nil, nil
}
