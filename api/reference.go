package api

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
)

func (s *Server) ListReviewTypes(ctx context.Context, _ ListReviewTypesRequestObject) (ListReviewTypesResponseObject, error) {
	rts, err := s.svc.ListReviewTypes(ctxOf(ctx))
	if err != nil {
		return nil, err
	}
	out := ListReviewTypes200JSONResponse{Items: make([]ReviewType, len(rts))}
	for i, r := range rts {
		out.Items[i] = reviewTypeOut(r)
	}
	return out, nil
}

func (s *Server) GetReviewType(ctx context.Context, req GetReviewTypeRequestObject) (GetReviewTypeResponseObject, error) {
	r, err := s.svc.GetReviewType(ctxOf(ctx), req.Code)
	if err != nil {
		return nil, err
	}
	return GetReviewType200JSONResponse(reviewTypeOut(r)), nil
}

func reviewTypeOut(r casereview.ReviewType) ReviewType {
	return ReviewType{Code: r.Code, Label: r.Label, Description: r.Description, DefaultResponseDays: r.DefaultResponseDays}
}

func (s *Server) ListInterventionTypes(ctx context.Context, _ ListInterventionTypesRequestObject) (ListInterventionTypesResponseObject, error) {
	its, err := s.svc.ListInterventionTypes(ctxOf(ctx))
	if err != nil {
		return nil, err
	}
	out := ListInterventionTypes200JSONResponse{Items: make([]InterventionType, len(its))}
	for i, r := range its {
		out.Items[i] = InterventionType{Code: r.Code, Label: r.Label, Description: r.Description}
	}
	return out, nil
}

func (s *Server) ListThemes(ctx context.Context, req ListThemesRequestObject) (ListThemesResponseObject, error) {
	ths, version, err := s.svc.ListThemes(ctxOf(ctx), deref(req.Params.Group))
	if err != nil {
		return nil, err
	}
	out := ListThemes200JSONResponse{Items: make([]Theme, len(ths)), TaxonomyVersion: version}
	for i, t := range ths {
		out.Items[i] = themeOut(t)
	}
	return out, nil
}

func (s *Server) GetTheme(ctx context.Context, req GetThemeRequestObject) (GetThemeResponseObject, error) {
	t, err := s.svc.GetTheme(ctxOf(ctx), req.Code)
	if err != nil {
		return nil, err
	}
	return GetTheme200JSONResponse(themeOut(t)), nil
}

func themeOut(t casereview.Theme) Theme {
	xs := make([]Crosswalk, len(t.Crosswalks))
	for i, x := range t.Crosswalks {
		xs[i] = Crosswalk{Scheme: x.Scheme, NativeCode: x.NativeCode}
	}
	return Theme{Code: t.Code, Slug: t.Slug, Group: t.Group, Label: t.Label, Definition: t.Definition,
		Keywords: append([]string{}, t.Keywords...), Crosswalks: xs, Active: t.Active, TaxonomyVersion: t.TaxonomyVersion}
}
