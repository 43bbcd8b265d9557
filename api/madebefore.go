package api

import (
	"context"

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
