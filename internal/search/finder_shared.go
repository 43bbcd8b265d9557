package search

// What the finder publishes beyond its own search: shareable figures (Found.Shared), and the
// database's answer while the index is first being filled.

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// share publishes out's total and facet counts under the cell key method (Found.Shared): each
// from its records' key sum in res, facet values in order of their published counts, and those
// that publish 0 left out as values no record holds are.
func (f *Finder) share(out *Found, res Result) {
	out.Shared, out.Threshold = true, f.threshold
	out.Total = int64(casereview.Perturb(int(res.Total), casereview.CellKey(res.KeySum)))
	sums := map[string]map[string]int64{}
	for name, counts := range res.Facets {
		sums[name] = map[string]int64{}
		for _, c := range counts {
			sums[name][c.Value] = c.KeySum
		}
	}
	for i, fc := range out.Facets {
		kept := fc.Values[:0]
		for _, v := range fc.Values {
			shared := casereview.Share(casereview.Tally{N: v.Count, KeySum: sums[fc.Name][v.Value]}, f.threshold)
			if shared.Count == 0 {
				continue
			}
			v.Count, v.Suppressed = shared.Count, shared.Suppressed
			if v.Suppressed {
				v.Count = 0
			}
			kept = append(kept, v)
		}
		slices.SortStableFunc(kept, func(a, b FacetValue) int {
			switch {
			case a.Suppressed != b.Suppressed: // a shown count before any "<5"
				if a.Suppressed {
					return 1
				}
				return -1
			case a.Count != b.Count:
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		out.Facets[i].Values = kept
	}
}

// building is the answer while the index is first being filled and cannot answer faithfully.
func building() error {
	return &casereview.Error{Code: casereview.CodeUnavailable, Message: "the search index is being built; try again in a minute", RetryAfter: 30 * time.Second}
}

// fromDatabase answers a search while the index is first being filled and there is no old
// index to answer from: a browse (no query text) with at most one value per supported filter is
// answered by the database's own listing, so the recommendations stay reachable; anything the
// listing cannot answer faithfully (query text, several values, year or theme-group filters) is
// refused as unavailable with a time to retry, never answered wrongly.
func (f *Finder) fromDatabase(ctx context.Context, p Params) (Found, error) {
	// Nor can it publish shareable figures (Found.Shared): the listing has no record keys.
	shared := p.Disclosure == "shareable" || !casereview.ActorFrom(ctx).SignedIn()
	if p.Q != "" || p.Cursor != "" || len(p.Year) > 0 || len(p.ThemeGroup) > 0 || shared {
		return Found{}, building()
	}
	one := func(vs []string) (string, bool) {
		switch len(vs) {
		case 0:
			return "", true
		case 1:
			return vs[0], true
		default:
			return "", false
		}
	}
	filter := casereview.RecommendationFilter{Flag: casereview.Flag(p.Flag)}
	for _, x := range []struct {
		v   []string
		dst func(string)
	}{
		{p.Theme, func(v string) { filter.Theme = v }},
		{p.Type, func(v string) { filter.ReviewType = v }},
		{p.Organisation, func(v string) { filter.OrganisationID = v }},
		{p.Sector, func(v string) { filter.Sector = casereview.Sector(v) }},
		{p.Scope, func(v string) { filter.Scope = casereview.Scope(v) }},
		{p.Intervention, func(v string) { filter.InterventionType = v }},
		{p.Response, func(v string) { filter.ResponseStatus = casereview.ResponseStatus(v) }},
		{p.Implementation, func(v string) { filter.ImplementationStatus = casereview.ImplementationStatus(v) }},
		{p.Oversight, func(v string) { filter.OversightStatus = casereview.OversightStatus(v) }},
		{p.Partnership, func(v string) { filter.PartnershipID = v }},
	} {
		v, ok := one(x.v)
		if !ok {
			return Found{}, building()
		}
		x.dst(v)
	}
	c, err := casereview.WithAsOfParam(ctx, p.AsOf)
	if err != nil {
		return Found{}, err
	}
	page, err := casereview.ParsePageRequest(p.Limit, nil)
	if err != nil {
		return Found{}, err
	}
	start := time.Now()
	res, err := f.records.ListRecommendations(c, filter, page)
	if err != nil {
		return Found{}, err
	}
	out := Found{Total: res.Total, Items: []Match{}, Source: SourceDatabase}
	for _, r := range res.Items {
		out.Items = append(out.Items, Match{Recommendation: r, Highlights: map[string][]string{}})
	}
	out.Took = time.Since(start)
	return out, nil
}
