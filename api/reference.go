package api

import (
	"context"

	"github.com/oapi-codegen/nullable"

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
	tag := etag(t.TaxonomyVersion)
	return GetTheme200JSONResponse{Body: themeOut(t), Headers: GetTheme200ResponseHeaders{ETag: &tag}}, nil
}

// Admins manage the taxonomy: the store checks who may (casereview.CanManageTaxonomy). A
// theme's ETag is the taxonomy version that last changed it.

func (s *Server) CreateTheme(ctx context.Context, req CreateThemeRequestObject) (CreateThemeResponseObject, error) {
	b := req.Body
	t, err := s.svc.CreateTheme(ctxOf(ctx), casereview.NewTheme{Code: b.Code, Slug: deref(b.Slug), Group: b.Group, Label: b.Label,
		Definition: b.Definition, Keywords: derefSlice(b.Keywords)})
	if err != nil {
		return nil, err
	}
	loc, tag := "/api/v1/themes/"+t.Code, etag(t.TaxonomyVersion)
	return CreateTheme201JSONResponse{Body: themeOut(t), Headers: CreateTheme201ResponseHeaders{ETag: &tag, Location: &loc}}, nil
}

func (s *Server) UpdateTheme(ctx context.Context, req UpdateThemeRequestObject) (UpdateThemeResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetTheme, req.Code, req.Params.IfMatch, "theme", func(x casereview.Theme) int { return x.TaxonomyVersion })
	if err != nil {
		return nil, err
	}
	b := req.Body
	t, err := s.svc.UpdateTheme(c, cur.Code, version, casereview.ThemeChange{Label: b.Label, Definition: b.Definition, Group: b.Group, Keywords: b.Keywords})
	if err != nil {
		return nil, err
	}
	tag := etag(t.TaxonomyVersion)
	return UpdateTheme200JSONResponse{Body: themeOut(t), Headers: UpdateTheme200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) DeprecateTheme(ctx context.Context, req DeprecateThemeRequestObject) (DeprecateThemeResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetTheme, req.Code, req.Params.IfMatch, "theme", func(x casereview.Theme) int { return x.TaxonomyVersion })
	if err != nil {
		return nil, err
	}
	var replacedBy string
	if req.Body != nil {
		replacedBy = deref(req.Body.ReplacedBy)
	}
	t, err := s.svc.DeprecateTheme(c, cur.Code, version, replacedBy)
	if err != nil {
		return nil, err
	}
	tag := etag(t.TaxonomyVersion)
	return DeprecateTheme200JSONResponse{Body: themeOut(t), Headers: DeprecateTheme200ResponseHeaders{ETag: &tag}}, nil
}

func themeOut(t casereview.Theme) Theme {
	xs := make([]Crosswalk, len(t.Crosswalks))
	for i, x := range t.Crosswalks {
		xs[i] = Crosswalk{Scheme: x.Scheme, NativeCode: x.NativeCode}
	}
	out := Theme{Code: t.Code, Slug: t.Slug, Group: t.Group, Label: t.Label, Definition: t.Definition,
		Keywords: append([]string{}, t.Keywords...), Crosswalks: xs, Active: t.Active, TaxonomyVersion: t.TaxonomyVersion,
		Origin: ThemeOrigin(t.Origin)}
	if t.DeprecatedAt != nil {
		out.DeprecatedAt = nullable.NewNullableWithValue(*t.DeprecatedAt)
	}
	if t.ReplacedBy != "" {
		out.ReplacedBy = nullable.NewNullableWithValue(t.ReplacedBy)
	}
	return out
}
