package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/search/query"
)

// Indexer is the part of the journal follower the API needs: read-your-writes and readiness.
type Indexer interface {
	WaitFor(ctx context.Context, seq int64, max time.Duration) bool
	Ready() bool
}

// JournalHeads reads the last committed journal sequence.
type JournalHeads interface {
	JournalHead(ctx context.Context) (int64, error)
}

const (
	searchDeadline  = 2 * time.Second
	consistencyWait = time.Second
	headerConsisent = "X-Search-Consistency"
)

// readYourWrites holds a successful write's response until this process's search index has
// applied it (for at most a second), so someone who changes a record and then searches sees the
// change. The X-Search-Consistency header says whether it got there.
func readYourWrites(ix Indexer, heads JournalHeads) StrictMiddlewareFunc {
	return func(f StrictHandlerFunc, _ string) StrictHandlerFunc {
		return func(c *gin.Context, request any) (any, error) {
			resp, err := f(c, request)
			if err != nil || ix == nil || heads == nil || !unsafe(c.Request.Method) {
				return resp, err
			}
			head, herr := heads.JournalHead(c.Request.Context())
			if herr == nil && ix.WaitFor(c.Request.Context(), head, consistencyWait) {
				c.Header(headerConsisent, "applied")
			} else {
				c.Header(headerConsisent, "pending")
			}
			return resp, err
		}
	}
}

var filterParams = []string{search.FacetTheme, search.FacetThemeGroup, search.FacetReviewType, search.FacetOrganisation, search.FacetSector,
	search.FacetScope, search.FacetIntervention, search.FacetResponse, search.FacetImplementation, search.FacetOversight,
	search.FacetYear, search.FacetPartnership}

func (s *Server) SearchRecommendations(ctx context.Context, req SearchRecommendationsRequestObject) (SearchRecommendationsResponseObject, error) {
	if s.search == nil || s.indexer == nil {
		return nil, &casereview.Error{Code: casereview.CodeUnavailable, Message: "search is not running in this process", RetryAfter: 30 * time.Second}
	}
	if !s.indexer.Ready() {
		return s.searchFromDatabase(ctx, req.Params)
	}
	p := req.Params
	c, err := withAsOf(ctxOf(ctx), p.AsOf)
	if err != nil {
		return nil, err
	}
	var problems casereview.Problems
	casereview.CheckText(&problems, "q", deref(p.Q), false, 500)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	parsed, err := query.Parse(deref(p.Q))
	if err != nil {
		var se *query.SyntaxError
		if errors.As(err, &se) {
			msg := se.Msg
			if se.Hint != "" {
				msg += " (" + se.Hint + ")"
			}
			return nil, &casereview.Error{Code: casereview.CodeMalformed, Message: "the query could not be read",
				Fields: []casereview.FieldError{{Field: "q", Code: "syntax", Message: msg + " at position " + strconv.Itoa(se.Pos)}}}
		}
		return nil, err
	}
	r := search.Request{Query: parsed, Scope: casereview.ScopeOf(casereview.ActorFrom(c)), Filters: map[string][]string{}, Size: 20,
		AsOf: casereview.DateOf(s.now())}
	if d, ok := casereview.AsOfFrom(c); ok {
		r.AsOf = d
	}
	if p.Flag != nil && *p.Flag != "" {
		r.Flag = casereview.Flag(*p.Flag)
		casereview.CheckEnum(&problems, "flag", r.Flag, casereview.Flags)
	}
	if parsed == nil {
		r.Query = nil
	}
	values := map[string]*[]string{search.FacetTheme: p.Theme, search.FacetThemeGroup: p.ThemeGroup, search.FacetReviewType: p.Type,
		search.FacetOrganisation: p.Organisation, search.FacetSector: p.Sector, search.FacetScope: p.Scope,
		search.FacetIntervention: p.Intervention, search.FacetResponse: p.Response, search.FacetImplementation: p.Implementation,
		search.FacetOversight: p.Oversight, search.FacetYear: p.Year, search.FacetPartnership: p.Partnership}
	for _, name := range filterParams {
		for _, v := range derefSlice(values[name]) {
			casereview.CheckText(&problems, name, v, true, 200)
			switch name {
			case search.FacetTheme, search.FacetReviewType, search.FacetThemeGroup:
				v = strings.ToUpper(v)
			case search.FacetSector, search.FacetScope, search.FacetIntervention, search.FacetResponse,
				search.FacetImplementation, search.FacetOversight, search.FacetOrganisation, search.FacetPartnership:
				v = strings.ToLower(v)
			}
			r.Filters[name] = append(r.Filters[name], v)
		}
	}
	r.Facets = search.AllFacets
	if p.Facets != nil {
		r.Facets = nil
		for _, f := range strings.Split(*p.Facets, ",") {
			if f = strings.TrimSpace(f); f == "" || f == "none" {
				continue
			}
			if !slices.Contains(search.AllFacets, f) {
				problems.Add("facets", casereview.FieldUnknownValue, "%q is not a facet (use: %s)", f, strings.Join(search.AllFacets, ", "))
			}
			r.Facets = append(r.Facets, f)
		}
	}
	if p.Sort != nil {
		r.Sort = string(*p.Sort)
		if r.Sort != search.SortRelevance && r.Sort != search.SortNewest && r.Sort != search.SortOldest {
			problems.Add("sort", casereview.FieldUnknownValue, "%q is not one of: relevance, newest, oldest", r.Sort)
		}
	}
	if p.Limit != nil {
		if *p.Limit < 1 || *p.Limit > 100 {
			problems.Add("limit", casereview.FieldInvalid, "limit must be between 1 and 100")
		}
		r.Size = *p.Limit
	}
	if p.Cursor != nil && *p.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*p.Cursor)
		// Every sort order has two keys (the order's, then the id); another length makes bleve fail.
		if err != nil || json.Unmarshal(raw, &r.After) != nil || len(r.After) != 2 {
			problems.Add("cursor", casereview.FieldInvalid, "cursor is not one this server issued; start again without it")
		}
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	sctx, cancel := context.WithTimeout(c, searchDeadline)
	defer cancel()
	start := time.Now()
	res, err := s.search.Search(sctx, r)
	if err != nil {
		var qe *bleveindex.QueryError
		if errors.As(err, &qe) {
			return nil, &casereview.Error{Code: casereview.CodeMalformed, Message: "the query could not be run",
				Fields: []casereview.FieldError{{Field: "q", Code: "unsupported", Message: qe.Msg}}}
		}
		return nil, err
	}
	items, err := s.checkedHits(c, res.Hits)
	if err != nil {
		return nil, err
	}
	out := SearchRecommendations200JSONResponse{Query: query.String(parsed), Total: int64(res.Total), Items: items,
		Facets: []Facet{}, NextCursor: nullable.NewNullNullable[string](), Source: &fromIndex}
	if len(res.Hits) == r.Size && len(res.Hits) > 0 {
		raw, _ := json.Marshal(res.Hits[len(res.Hits)-1].SortKey)
		out.NextCursor = nullable.NewNullableWithValue(base64.RawURLEncoding.EncodeToString(raw))
	}
	labels, err := s.facetLabels(c, res.Facets)
	if err != nil {
		return nil, err
	}
	for _, name := range r.Facets {
		f := Facet{Name: name, Values: []FacetValue{}}
		for _, v := range res.Facets[name] {
			label := v.Value
			if l, ok := labels[name][v.Value]; ok {
				label = l
			}
			f.Values = append(f.Values, FacetValue{Value: v.Value, Label: label, Count: v.Count})
		}
		out.Facets = append(out.Facets, f)
	}
	out.TookMs = float32(time.Since(start).Microseconds()) / 1000
	return out, nil
}

// checkedHits re-checks every hit against the database, as the caller (the index is derived data
// and may lag, or hold what this caller may no longer read), and returns those that pass, in order.
func (s *Server) checkedHits(ctx context.Context, hits []search.Hit) ([]SearchHit, error) {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	recs, err := s.svc.RecommendationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []SearchHit{}
	for _, h := range hits {
		if rec, ok := recs[h.ID]; ok {
			out = append(out, SearchHit{Recommendation: recommendationOut(rec), Score: float32(h.Score), Highlights: h.Fragments})
		}
	}
	return out, nil
}

// facetLabels names facet values for people: theme labels, and organisation and partnership
// names (each loaded in one query, whatever the number of values).
func (s *Server) facetLabels(ctx context.Context, facets map[string][]search.FacetCount) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	if len(facets[search.FacetTheme]) > 0 {
		ts, _, err := s.svc.ListThemes(ctx, "")
		if err != nil {
			return nil, err
		}
		out[search.FacetTheme] = map[string]string{}
		for _, t := range ts {
			out[search.FacetTheme][t.Code] = t.Label
		}
	}
	for facet, kind := range map[string]string{search.FacetOrganisation: "organisation", search.FacetPartnership: "partnership"} {
		var ids []string
		for _, v := range facets[facet] {
			ids = append(ids, v.Value)
		}
		names, err := s.svc.Names(ctx, kind, ids)
		if err != nil {
			return nil, err
		}
		out[facet] = names
	}
	return out, nil
}
