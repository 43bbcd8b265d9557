package api

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
)

func partnershipOut(p casereview.Partnership) Partnership {
	return Partnership{Id: p.ID, Name: p.Name, Kind: PartnershipKind(p.Kind), AreaCodes: append([]string{}, p.AreaCodes...),
		ViewersSeeRestricted: p.ViewersSeeRestricted, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func (s *Server) CreatePartnership(ctx context.Context, req CreatePartnershipRequestObject) (CreatePartnershipResponseObject, error) {
	b := req.Body
	p, err := s.svc.CreatePartnership(ctxOf(ctx), casereview.PartnershipDraft{Name: b.Name, Kind: casereview.PartnershipKind(b.Kind),
		AreaCodes: derefSlice(b.AreaCodes), ViewersSeeRestricted: deref(b.ViewersSeeRestricted)})
	if err != nil {
		return nil, err
	}
	loc, tag := "/api/v1/partnerships/"+p.ID, etag(p.Version)
	return CreatePartnership201JSONResponse{Body: partnershipOut(p), Headers: CreatePartnership201ResponseHeaders{ETag: &tag, Location: &loc}}, nil
}

func (s *Server) GetPartnership(ctx context.Context, req GetPartnershipRequestObject) (GetPartnershipResponseObject, error) {
	p, err := s.svc.GetPartnership(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	tag := etag(p.Version)
	return GetPartnership200JSONResponse{Body: partnershipOut(p), Headers: GetPartnership200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) ListPartnerships(ctx context.Context, req ListPartnershipsRequestObject) (ListPartnershipsResponseObject, error) {
	page, err := casereview.ParsePageRequest(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	f := casereview.PartnershipFilter{Kind: casereview.PartnershipKind(deref(req.Params.Kind)), Name: deref(req.Params.Q)}
	res, err := s.svc.ListPartnerships(ctxOf(ctx), f, page)
	if err != nil {
		return nil, err
	}
	items, total, next := pageOf(res, partnershipOut)
	return ListPartnerships200JSONResponse{Items: items, Total: total, NextCursor: next}, nil
}

func (s *Server) UpdatePartnership(ctx context.Context, req UpdatePartnershipRequestObject) (UpdatePartnershipResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetPartnership, req.Id, req.Params.IfMatch, "partnership", func(x casereview.Partnership) int { return x.Version })
	if err != nil {
		return nil, err
	}
	d, b := cur.Draft(), req.Body
	patchString(&d.Name, b.Name)
	patchString(&d.Kind, b.Kind)
	if b.AreaCodes != nil {
		d.AreaCodes = *b.AreaCodes
	}
	if b.ViewersSeeRestricted != nil {
		d.ViewersSeeRestricted = *b.ViewersSeeRestricted
	}
	p, err := s.svc.UpdatePartnership(c, cur.ID, version, d)
	if err != nil {
		return nil, err
	}
	tag := etag(p.Version)
	return UpdatePartnership200JSONResponse{Body: partnershipOut(p), Headers: UpdatePartnership200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) DeletePartnership(ctx context.Context, req DeletePartnershipRequestObject) (DeletePartnershipResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetPartnership, req.Id, req.Params.IfMatch, "partnership", func(x casereview.Partnership) int { return x.Version })
	if err != nil {
		return nil, err
	}
	if err := s.svc.DeletePartnership(c, cur.ID, version); err != nil {
		return nil, err
	}
	return DeletePartnership204Response{}, nil
}
