package api

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
)

// Saved searches and follows (issue 18 §3), over the same service methods as the web's search
// page, account page and Follow buttons.

func savedSearchOut(x casereview.SavedSearch) SavedSearch {
	url := "/search"
	if x.Query != "" {
		url += "?" + x.Query
	}
	return SavedSearch{Id: x.ID, Name: x.Name, Query: x.Query, Watch: x.Watch, SearchUrl: url, CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt}
}

func (s *Server) ListSavedSearches(ctx context.Context, _ ListSavedSearchesRequestObject) (ListSavedSearchesResponseObject, error) {
	if err := signedIn(ctx); err != nil {
		return nil, err
	}
	xs, err := s.svc.ListSavedSearches(ctxOf(ctx))
	if err != nil {
		return nil, err
	}
	out := ListSavedSearches200JSONResponse{Items: make([]SavedSearch, len(xs))}
	for i, x := range xs {
		out.Items[i] = savedSearchOut(x)
	}
	return out, nil
}

func (s *Server) CreateSavedSearch(ctx context.Context, req CreateSavedSearchRequestObject) (CreateSavedSearchResponseObject, error) {
	watch := req.Body.Watch != nil && *req.Body.Watch
	x, err := s.svc.SaveSearch(ctxOf(ctx), req.Body.Name, req.Body.Query, watch)
	if err != nil {
		return nil, err
	}
	loc := "/api/v1/saved-searches/" + x.ID
	return CreateSavedSearch201JSONResponse{Body: savedSearchOut(x), Headers: CreateSavedSearch201ResponseHeaders{Location: &loc}}, nil
}

func (s *Server) GetSavedSearch(ctx context.Context, req GetSavedSearchRequestObject) (GetSavedSearchResponseObject, error) {
	x, err := s.svc.GetSavedSearch(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return GetSavedSearch200JSONResponse(savedSearchOut(x)), nil
}

func (s *Server) UpdateSavedSearch(ctx context.Context, req UpdateSavedSearchRequestObject) (UpdateSavedSearchResponseObject, error) {
	x, err := s.svc.UpdateSavedSearch(ctxOf(ctx), req.Id, casereview.SavedSearchChange{Name: req.Body.Name, Watch: req.Body.Watch})
	if err != nil {
		return nil, err
	}
	return UpdateSavedSearch200JSONResponse(savedSearchOut(x)), nil
}

func (s *Server) DeleteSavedSearch(ctx context.Context, req DeleteSavedSearchRequestObject) (DeleteSavedSearchResponseObject, error) {
	if err := s.svc.DeleteSavedSearch(ctxOf(ctx), req.Id); err != nil {
		return nil, err
	}
	return DeleteSavedSearch204Response{}, nil
}

func (s *Server) ListFollows(ctx context.Context, _ ListFollowsRequestObject) (ListFollowsResponseObject, error) {
	if err := signedIn(ctx); err != nil {
		return nil, err
	}
	xs, err := s.svc.ListFollows(ctxOf(ctx))
	if err != nil {
		return nil, err
	}
	out := ListFollows200JSONResponse{Items: make([]Follow, len(xs))}
	for i, x := range xs {
		out.Items[i] = Follow{Subject: FollowSubject(x.Subject), Id: x.SubjectID, Label: x.Label, CreatedAt: x.CreatedAt}
	}
	return out, nil
}

// signedIn refuses callers who are no person (the system, an anonymous reader): saved searches
// and follows belong to people.
func signedIn(ctx context.Context) error {
	a := casereview.ActorFrom(ctxOf(ctx))
	if !casereview.CanKeepSavedSearch(a) {
		return casereview.Deny(a, "saved searches and follows belong to a signed-in person")
	}
	return nil
}

func (s *Server) GetRecommendationFollowing(ctx context.Context, req GetRecommendationFollowingRequestObject) (GetRecommendationFollowingResponseObject, error) {
	on, err := s.following(ctx, casereview.FollowRecommendation, req.Id)
	return GetRecommendationFollowing200JSONResponse{Following: on}, err
}

func (s *Server) FollowRecommendation(ctx context.Context, req FollowRecommendationRequestObject) (FollowRecommendationResponseObject, error) {
	on, err := s.svc.SetFollowing(ctxOf(ctx), casereview.FollowRecommendation, req.Id, true)
	if err != nil {
		return nil, err
	}
	return FollowRecommendation200JSONResponse{Following: on}, nil
}

func (s *Server) UnfollowRecommendation(ctx context.Context, req UnfollowRecommendationRequestObject) (UnfollowRecommendationResponseObject, error) {
	on, err := s.svc.SetFollowing(ctxOf(ctx), casereview.FollowRecommendation, req.Id, false)
	if err != nil {
		return nil, err
	}
	return UnfollowRecommendation200JSONResponse{Following: on}, nil
}

func (s *Server) GetReviewFollowing(ctx context.Context, req GetReviewFollowingRequestObject) (GetReviewFollowingResponseObject, error) {
	on, err := s.following(ctx, casereview.FollowReview, req.Id)
	return GetReviewFollowing200JSONResponse{Following: on}, err
}

func (s *Server) FollowReview(ctx context.Context, req FollowReviewRequestObject) (FollowReviewResponseObject, error) {
	on, err := s.svc.SetFollowing(ctxOf(ctx), casereview.FollowReview, req.Id, true)
	if err != nil {
		return nil, err
	}
	return FollowReview200JSONResponse{Following: on}, nil
}

func (s *Server) UnfollowReview(ctx context.Context, req UnfollowReviewRequestObject) (UnfollowReviewResponseObject, error) {
	on, err := s.svc.SetFollowing(ctxOf(ctx), casereview.FollowReview, req.Id, false)
	if err != nil {
		return nil, err
	}
	return UnfollowReview200JSONResponse{Following: on}, nil
}

func (s *Server) following(ctx context.Context, typ casereview.FollowSubject, id string) (bool, error) {
	if err := signedIn(ctx); err != nil {
		return false, err
	}
	return s.svc.Following(ctxOf(ctx), typ, id)
}
