package api

import (
	"context"

	"github.com/casereview/casereview/internal/search"
)

// GetSimilarRecommendations adapts "more like this" to search.Finder.Similar.
func (s *Server) GetSimilarRecommendations(ctx context.Context, req GetSimilarRecommendationsRequestObject) (GetSimilarRecommendationsResponseObject, error) {
	found, err := s.finder.Similar(ctxOf(ctx), req.Id, search.SimilarParams{Limit: req.Params.Limit, SameReview: deref(req.Params.SameReview)})
	if err != nil {
		return nil, err
	}
	return GetSimilarRecommendations200JSONResponse{Terms: found.Terms, Items: matchesOut(found.Items)}, nil
}
