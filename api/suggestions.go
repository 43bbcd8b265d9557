package api

import (
	"context"

	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/casereview"
)

func suggestionOut(s casereview.ThemeSuggestion) ThemeSuggestion {
	out := ThemeSuggestion{Code: s.Code, Slug: s.Slug, Label: s.Label, Group: s.Group, Score: float32(s.Score),
		Triggers: make([]SuggestionTrigger, len(s.Triggers))}
	for i, t := range s.Triggers {
		out.Triggers[i] = SuggestionTrigger{Text: t.Text, Keyword: t.Keyword, Start: t.Start, End: t.End}
	}
	return out
}

// nullID is null for an empty id (the system).
func nullID(s string) nullable.Nullable[string] {
	if s == "" {
		return nullable.NewNullNullable[string]()
	}
	return nullable.NewNullableWithValue(s)
}

func (s *Server) ListThemeSuggestions(ctx context.Context, req ListThemeSuggestionsRequestObject) (ListThemeSuggestionsResponseObject, error) {
	sugs, err := s.svc.ThemeSuggestions(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out := ThemeSuggestionList{Items: make([]ThemeSuggestion, len(sugs))}
	for i, sg := range sugs {
		out.Items[i] = suggestionOut(sg)
	}
	return ListThemeSuggestions200JSONResponse(out), nil
}

func (s *Server) AcceptThemeSuggestion(ctx context.Context, req AcceptThemeSuggestionRequestObject) (AcceptThemeSuggestionResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetRecommendation, req.Id, req.Params.IfMatch, "recommendation",
		func(x casereview.Recommendation) int { return x.Version })
	if err != nil {
		return nil, err
	}
	r, err := s.svc.AcceptThemeSuggestion(c, cur.ID, version, req.Code)
	if err != nil {
		return nil, err
	}
	tag := etag(r.Version)
	return AcceptThemeSuggestion200JSONResponse{Body: recommendationOut(r), Headers: AcceptThemeSuggestion200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) RejectThemeSuggestion(ctx context.Context, req RejectThemeSuggestionRequestObject) (RejectThemeSuggestionResponseObject, error) {
	reason := ""
	if req.Body != nil {
		reason = deref(req.Body.Reason)
	}
	r, err := s.svc.RejectThemeSuggestion(ctxOf(ctx), req.Id, req.Code, reason)
	if err != nil {
		return nil, err
	}
	// A rejection has no address of its own: it lives in the recommendation's suggestions.
	loc := "/api/v1/recommendations/" + r.RecommendationID + "/theme-suggestions"
	return RejectThemeSuggestion201JSONResponse{Body: SuggestionRejection{RecommendationId: r.RecommendationID, ThemeCode: r.ThemeCode, Reason: r.Reason,
		RejectedBy: nullID(r.RejectedBy), RejectedAt: r.RejectedAt}, Headers: RejectThemeSuggestion201ResponseHeaders{Location: &loc}}, nil
}
