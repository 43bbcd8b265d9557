package api

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/search"
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

// SearchRecommendations adapts GET /api/v1/search to search.Finder, which holds every rule.
func (s *Server) SearchRecommendations(ctx context.Context, req SearchRecommendationsRequestObject) (SearchRecommendationsResponseObject, error) {
	p := req.Params
	sp := search.Params{Q: deref(p.Q), Theme: derefSlice(p.Theme), ThemeGroup: derefSlice(p.ThemeGroup), Type: derefSlice(p.Type),
		Organisation: derefSlice(p.Organisation), Sector: derefSlice(p.Sector), Scope: derefSlice(p.Scope),
		Intervention: derefSlice(p.Intervention), Response: derefSlice(p.Response), Implementation: derefSlice(p.Implementation),
		Oversight: derefSlice(p.Oversight), Year: derefSlice(p.Year), Partnership: derefSlice(p.Partnership),
		Flag: deref(p.Flag), Facets: p.Facets, Limit: p.Limit, Cursor: deref(p.Cursor), AsOf: deref(p.AsOf)}
	if p.Sort != nil {
		sort := string(*p.Sort)
		sp.Sort = &sort
	}
	if p.Disclosure != nil {
		sp.Disclosure = string(*p.Disclosure)
	}
	found, err := s.finder.Find(ctxOf(ctx), sp)
	if err != nil {
		return nil, err
	}
	source := Index
	if found.Source == search.SourceDatabase {
		source = Database
	}
	out := SearchRecommendations200JSONResponse{Query: found.Query, Total: found.Total, Items: matchesOut(found.Items),
		Facets: []Facet{}, NextCursor: nullable.NewNullNullable[string](), Source: &source}
	disclosure := SearchResultDisclosureInternal
	if found.Shared {
		disclosure = SearchResultDisclosureShareable
		out.Threshold = &found.Threshold
	}
	out.Disclosure = &disclosure
	if found.NextCursor != "" {
		out.NextCursor = nullable.NewNullableWithValue(found.NextCursor)
	}
	for _, f := range found.Facets {
		fo := Facet{Name: f.Name, Values: []FacetValue{}}
		for _, v := range f.Values {
			fv := FacetValue{Value: v.Value, Label: v.Label, Display: v.Display(found.Threshold)}
			if !v.Suppressed {
				fv.Count = &v.Count
			}
			fo.Values = append(fo.Values, fv)
		}
		out.Facets = append(out.Facets, fo)
	}
	out.TookMs = float32(found.Took.Microseconds()) / 1000
	return out, nil
}

// matchesOut turns checked search hits into the API's.
func matchesOut(ms []search.Match) []SearchHit {
	out := []SearchHit{}
	for _, m := range ms {
		hit := SearchHit{Recommendation: recommendationOut(m.Recommendation), Highlights: m.Highlights}
		if m.Scored {
			score := float32(m.Score)
			hit.Score = &score
		}
		out = append(out, hit)
	}
	return out
}
