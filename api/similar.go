package api

import (
	"context"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// GetSimilarRecommendations answers "more like this": the recommendations in other reviews that
// share the most distinctive words with this one. Reading the recommendation is checked first
// (404 when hidden); the index query carries the caller's scope, and each hit is re-checked
// against the database as search results are.
func (s *Server) GetSimilarRecommendations(ctx context.Context, req GetSimilarRecommendationsRequestObject) (GetSimilarRecommendationsResponseObject, error) {
	c := ctxOf(ctx)
	var problems casereview.Problems
	size := 10
	if l := req.Params.Limit; l != nil {
		if *l < 1 || *l > 50 {
			problems.Add("limit", casereview.FieldInvalid, "limit must be between 1 and 50")
		}
		size = *l
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	rec, err := s.svc.GetRecommendation(c, req.Id)
	if err != nil {
		return nil, err
	}
	if s.search == nil || s.indexer == nil || !s.indexer.Ready() {
		return nil, &casereview.Error{Code: casereview.CodeUnavailable, Message: "the search index is being built; try again in a minute", RetryAfter: 30 * time.Second}
	}
	r := search.SimilarRequest{Text: rec.Title + "\n" + rec.Text, ExcludeID: rec.ID, ExcludeReviewID: rec.ReviewID,
		Scope: casereview.ScopeOf(casereview.ActorFrom(c)), Size: size}
	if req.Params.SameReview != nil && *req.Params.SameReview {
		r.ExcludeReviewID = ""
	}
	sctx, cancel := context.WithTimeout(c, searchDeadline)
	defer cancel()
	res, err := s.search.Similar(sctx, r)
	if err != nil {
		return nil, err
	}
	items, err := s.checkedHits(c, res.Hits)
	if err != nil {
		return nil, err
	}
	out := GetSimilarRecommendations200JSONResponse{Terms: res.Terms, Items: items}
	return out, nil
}
