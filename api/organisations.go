package api

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
)

func organisationOut(o casereview.Organisation) Organisation {
	out := Organisation{Id: o.ID, Name: o.Name, Aliases: append([]string{}, o.Aliases...), Sector: Sector(o.Sector),
		ParentId: nullString(o.ParentID), Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
	// The store gives the senior contact only to those who may read it (CanReadSeniorContact).
	if o.SeniorContactEmail != "" {
		out.SeniorContactName, out.SeniorContactEmail = &o.SeniorContactName, &o.SeniorContactEmail
	}
	return out
}

func (s *Server) CreateOrganisation(ctx context.Context, req CreateOrganisationRequestObject) (CreateOrganisationResponseObject, error) {
	b := req.Body
	o, err := s.svc.CreateOrganisation(ctxOf(ctx), casereview.OrganisationDraft{Name: b.Name, Sector: casereview.Sector(b.Sector),
		Aliases: derefSlice(b.Aliases), ParentID: b.ParentId, SeniorContactName: deref(b.SeniorContactName), SeniorContactEmail: deref(b.SeniorContactEmail)})
	if err != nil {
		return nil, err
	}
	loc, tag := "/api/v1/organisations/"+o.ID, etag(o.Version)
	return CreateOrganisation201JSONResponse{Body: organisationOut(o), Headers: CreateOrganisation201ResponseHeaders{ETag: &tag, Location: &loc}}, nil
}

func (s *Server) GetOrganisation(ctx context.Context, req GetOrganisationRequestObject) (GetOrganisationResponseObject, error) {
	o, err := s.svc.GetOrganisation(ctxOf(ctx), req.Id)
	if casereview.IsCode(err, casereview.CodeNotFound) {
		if moved, ok, rerr := s.organisationRedirect(ctx, req.Id); rerr != nil || ok {
			return moved, rerr
		}
	}
	if err != nil {
		return nil, err
	}
	tag := etag(o.Version)
	return GetOrganisation200JSONResponse{Body: organisationOut(o), Headers: GetOrganisation200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) ListOrganisations(ctx context.Context, req ListOrganisationsRequestObject) (ListOrganisationsResponseObject, error) {
	page, err := casereview.ParsePageRequest(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	f := casereview.OrganisationFilter{Sector: casereview.Sector(deref(req.Params.Sector)), ParentID: deref(req.Params.ParentId), Name: deref(req.Params.Q)}
	res, err := s.svc.ListOrganisations(ctxOf(ctx), f, page)
	if err != nil {
		return nil, err
	}
	items, total, next := pageOf(res, organisationOut)
	return ListOrganisations200JSONResponse{Items: items, Total: total, NextCursor: next}, nil
}

func (s *Server) UpdateOrganisation(ctx context.Context, req UpdateOrganisationRequestObject) (UpdateOrganisationResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetOrganisation, req.Id, req.Params.IfMatch, "organisation", func(x casereview.Organisation) int { return x.Version })
	if err != nil {
		return nil, err
	}
	d, b := cur.Draft(), req.Body
	patchString(&d.Name, b.Name)
	patchString(&d.Sector, b.Sector)
	if b.Aliases != nil {
		d.Aliases = *b.Aliases
	}
	patchNullString(&d.ParentID, b.ParentId)
	patchString(&d.SeniorContactName, b.SeniorContactName)
	patchString(&d.SeniorContactEmail, b.SeniorContactEmail)
	o, err := s.svc.UpdateOrganisation(c, cur.ID, version, d)
	if err != nil {
		return nil, err
	}
	tag := etag(o.Version)
	return UpdateOrganisation200JSONResponse{Body: organisationOut(o), Headers: UpdateOrganisation200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) DeleteOrganisation(ctx context.Context, req DeleteOrganisationRequestObject) (DeleteOrganisationResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetOrganisation, req.Id, req.Params.IfMatch, "organisation", func(x casereview.Organisation) int { return x.Version })
	if err != nil {
		return nil, err
	}
	if err := s.svc.DeleteOrganisation(c, cur.ID, version); err != nil {
		return nil, err
	}
	return DeleteOrganisation204Response{}, nil
}
