package api

import (
	"context"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// RecurrenceReader lists the earlier recommendations in a recommendation's recurrence cluster,
// under the caller's read scope (the store, internal/recurrence).
type RecurrenceReader interface {
	MadeBefore(ctx context.Context, id string) ([]casereview.Recommendation, error)
}

// GetMadeBefore lists the earlier recommendations that asked for the same thing.
func (s *Server) GetMadeBefore(ctx context.Context, req GetMadeBeforeRequestObject) (GetMadeBeforeResponseObject, error) {
	rr, ok := s.svc.(RecurrenceReader)
	if !ok {
		return nil, casereview.NotFound("recommendation")
	}
	recs, err := rr.MadeBefore(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out := MadeBeforeResult{Items: make([]Recommendation, 0, len(recs))}
	for _, r := range recs {
		out.Items = append(out.Items, recommendationOut(r))
	}
	return GetMadeBefore200JSONResponse(out), nil
}

// NearestFinder scores a draft against the recurrence clusters and answers the closest
// earlier recommendations the caller may read, best first.
type NearestFinder interface {
	Nearest(ctx context.Context, text string, limit int) ([]casereview.ScoredRecommendation, error)
}

// GetRecurrenceNearest answers the earlier recommendations closest to a draft's words.
func (s *Server) GetRecurrenceNearest(ctx context.Context, req GetRecurrenceNearestRequestObject) (GetRecurrenceNearestResponseObject, error) {
	if s.nearest == nil {
		return nil, &casereview.Error{Code: casereview.CodeUnavailable, Message: "recurrence matching is not running in this process"}
	}
	if len(strings.Fields(req.Params.Text)) < 3 {
		return nil, casereview.Invalid("text", casereview.FieldInvalid, "give at least three words of the draft")
	}
	limit := 5
	if req.Params.Limit != nil {
		limit = *req.Params.Limit
	}
	found, err := s.nearest.Nearest(ctxOf(ctx), req.Params.Text, limit)
	if err != nil {
		return nil, err
	}
	out := NearestResult{Items: make([]struct {
		Recommendation Recommendation `json:"recommendation"`
		Score          float64        `json:"score"`
	}, 0, len(found))}
	for _, f := range found {
		out.Items = append(out.Items, struct {
			Recommendation Recommendation `json:"recommendation"`
			Score          float64        `json:"score"`
		}{recommendationOut(f.Recommendation), f.Score})
	}
	return GetRecurrenceNearest200JSONResponse(out), nil
}
