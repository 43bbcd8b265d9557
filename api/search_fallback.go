package api

import (
	"context"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/casereview"
)

// searchFromDatabase answers a search while the index is first being filled and there is no old
// index to answer from: a browse (no query text) with at most one value per supported filter is
// answered by the database's own listing, so the recommendations stay reachable; anything the
// listing cannot answer faithfully (query text, several values, year or theme-group filters) is
// refused with 503 and a time to retry, never answered wrongly.
func (s *Server) searchFromDatabase(ctx context.Context, p SearchRecommendationsParams) (SearchRecommendationsResponseObject, error) {
	unavailable := &casereview.Error{Code: casereview.CodeUnavailable, Message: "the search index is being built; try again in a minute", RetryAfter: 30 * time.Second}
	if deref(p.Q) != "" || p.Cursor != nil && *p.Cursor != "" || len(derefSlice(p.Year)) > 0 || len(derefSlice(p.ThemeGroup)) > 0 {
		return nil, unavailable
	}
	one := func(v *[]string) (string, bool) {
		switch vs := derefSlice(v); len(vs) {
		case 0:
			return "", true
		case 1:
			return vs[0], true
		default:
			return "", false
		}
	}
	f := casereview.RecommendationFilter{Flag: casereview.Flag(deref(p.Flag))}
	for _, x := range []struct {
		v   *[]string
		dst func(string)
	}{
		{p.Theme, func(v string) { f.Theme = v }},
		{p.Type, func(v string) { f.ReviewType = v }},
		{p.Organisation, func(v string) { f.OrganisationID = v }},
		{p.Sector, func(v string) { f.Sector = casereview.Sector(v) }},
		{p.Scope, func(v string) { f.Scope = casereview.Scope(v) }},
		{p.Intervention, func(v string) { f.InterventionType = v }},
		{p.Response, func(v string) { f.ResponseStatus = casereview.ResponseStatus(v) }},
		{p.Implementation, func(v string) { f.ImplementationStatus = casereview.ImplementationStatus(v) }},
		{p.Oversight, func(v string) { f.OversightStatus = casereview.OversightStatus(v) }},
		{p.Partnership, func(v string) { f.PartnershipID = v }},
	} {
		v, ok := one(x.v)
		if !ok {
			return nil, unavailable
		}
		x.dst(v)
	}
	c, err := withAsOf(ctxOf(ctx), p.AsOf)
	if err != nil {
		return nil, err
	}
	page, err := casereview.ParsePageRequest(p.Limit, nil)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	res, err := s.svc.ListRecommendations(c, f, page)
	if err != nil {
		return nil, err
	}
	out := SearchRecommendations200JSONResponse{Query: "", Total: res.Total, Items: []SearchHit{}, Facets: []Facet{},
		NextCursor: nullable.NewNullNullable[string](), Source: &fromDatabase}
	for _, r := range res.Items {
		out.Items = append(out.Items, SearchHit{Recommendation: recommendationOut(r), Highlights: map[string][]string{}})
	}
	out.TookMs = float32(time.Since(start).Microseconds()) / 1000
	return out, nil
}

var fromDatabase, fromIndex = Database, Index
