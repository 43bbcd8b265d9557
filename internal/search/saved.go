package search

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Saved searches (issue 18 §3) keep a search as the query string GET /api/v1/search and the
// /search page take: q, the filters, flag and sort. Cursors, page sizes, facets and as-of dates
// belong to one page of results, not to the search, and are refused.

// savedNames are the parameters a saved search may hold, in their canonical order.
var savedNames = append(append([]string{"q"}, filterOrder...), "flag", "sort")

// ParseSaved reads a saved search's query string into Params and returns it in its canonical
// form (parameters in a fixed order, empty values dropped). Problems name the parameter.
func ParseSaved(raw string) (Params, string, error) {
	var problems casereview.Problems
	raw = strings.TrimPrefix(strings.TrimSpace(raw), "?")
	if len(raw) > 4000 {
		problems.Add("query", casereview.FieldTooLong, "the search must be 4,000 characters or fewer")
		return Params{}, "", problems.Err()
	}
	v, err := url.ParseQuery(raw)
	if err != nil {
		problems.Add("query", casereview.FieldInvalid, "the search is not a query string (such as q=stalking&sort=newest)")
		return Params{}, "", problems.Err()
	}
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(savedNames, name) {
			problems.Add("query", casereview.FieldUnknownValue, "%q is not part of a saved search (use: %s)", name, strings.Join(savedNames, ", "))
		}
	}
	canon := url.Values{}
	for _, name := range savedNames {
		for _, x := range v[name] {
			if x = strings.TrimSpace(x); x != "" && !slices.Contains(canon[name], x) {
				canon[name] = append(canon[name], x)
			}
		}
	}
	for _, one := range []string{"q", "flag", "sort"} {
		if len(canon[one]) > 1 {
			problems.Add("query", casereview.FieldInvalid, "the search has %s more than once", one)
		}
	}
	if err := problems.Err(); err != nil {
		return Params{}, "", err
	}
	p := Params{Q: canon.Get("q"), Theme: canon[FacetTheme], ThemeGroup: canon[FacetThemeGroup], Type: canon[FacetReviewType],
		Organisation: canon[FacetOrganisation], Sector: canon[FacetSector], Scope: canon[FacetScope], Intervention: canon[FacetIntervention],
		Response: canon[FacetResponse], Implementation: canon[FacetImplementation], Oversight: canon[FacetOversight], Year: canon[FacetYear],
		Partnership: canon[FacetPartnership], Flag: canon.Get("flag")}
	if s := canon.Get("sort"); s != "" {
		p.Sort = &s
	}
	// The same checks as a search's (the query's syntax, the values, the flag and the order).
	f := Finder{now: time.Now}
	if _, _, _, err := f.request(context.Background(), p); err != nil {
		return Params{}, "", err
	}
	var b strings.Builder
	for _, name := range savedNames {
		for _, x := range canon[name] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(name) + "=" + url.QueryEscape(x))
		}
	}
	return p, b.String(), nil
}

// Among runs search p as the actor in ctx over the recommendations ids alone, and returns those
// of them that match it and that the actor may read (re-checked against the database), in the
// order of ids. A watched saved search is evaluated with it, under its owner's permissions of
// the moment. It needs the index: while it is being built it answers unavailable.
func (f *Finder) Among(ctx context.Context, p Params, ids []string) ([]casereview.Recommendation, error) {
	if !f.indexReady() {
		return nil, building()
	}
	p.Sort, p.Limit, p.Cursor, p.Facets = nil, nil, "", nil
	c, r, _, err := f.request(ctx, p)
	if err != nil {
		return nil, err
	}
	r.Facets = nil
	if r.Unreadable, err = f.unreadable(c, r.Scope); err != nil {
		return nil, err
	}
	var out []casereview.Recommendation
	for start := 0; start < len(ids); start += casereview.MaxPageSize {
		chunk := ids[start:min(start+casereview.MaxPageSize, len(ids))]
		r.IDs, r.Size = chunk, len(chunk)
		sctx, cancel := context.WithTimeout(c, 2*Deadline)
		res, err := f.index.Search(sctx, r)
		cancel()
		if err != nil {
			return nil, queryProblem(err)
		}
		items, err := f.checked(c, res.Hits)
		if err != nil {
			return nil, err
		}
		for _, m := range items {
			out = append(out, m.Recommendation)
		}
	}
	order := map[string]int{}
	for i, id := range ids {
		order[id] = i
	}
	slices.SortFunc(out, func(a, b casereview.Recommendation) int { return order[a.ID] - order[b.ID] })
	return out, nil
}
