package api

import (
	"context"

	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/casereview"
)

func actionOut(a casereview.Action) Action {
	source := nullable.NewNullNullable[ActionCompletionSource]()
	if a.CompletionSource != "" {
		source = nullable.NewNullableWithValue(ActionCompletionSource(a.CompletionSource))
	}
	return Action{CompletionSource: source, Id: a.ID, RecommendationId: a.RecommendationID, OrganisationId: a.OrganisationID, Description: a.Description,
		Owner: a.Owner, TargetDate: nullDate(a.TargetDate), CompletionDate: nullDate(a.CompletionDate), Outcome: nullString(a.Outcome),
		ImplementationStatus: string(a.ImplementationStatus), Version: a.Version, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

func (s *Server) CreateAction(ctx context.Context, req CreateActionRequestObject) (CreateActionResponseObject, error) {
	b := req.Body
	var p casereview.Problems
	d := casereview.ActionDraft{RecommendationID: req.Id, OrganisationID: b.OrganisationId, Description: b.Description,
		Owner: deref(b.Owner), Outcome: b.Outcome,
		TargetDate:     casereview.ParseDateField(&p, "target_date", b.TargetDate),
		CompletionDate: casereview.ParseDateField(&p, "completion_date", b.CompletionDate)}
	if err := p.Err(); err != nil {
		return nil, err
	}
	a, err := s.svc.CreateAction(ctxOf(ctx), d)
	if err != nil {
		return nil, err
	}
	loc, tag := "/api/v1/actions/"+a.ID, etag(a.Version)
	return CreateAction201JSONResponse{Body: actionOut(a), Headers: CreateAction201ResponseHeaders{ETag: &tag, Location: &loc}}, nil
}

func (s *Server) GetAction(ctx context.Context, req GetActionRequestObject) (GetActionResponseObject, error) {
	a, err := s.svc.GetAction(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	tag := etag(a.Version)
	return GetAction200JSONResponse{Body: actionOut(a), Headers: GetAction200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) ListActions(ctx context.Context, req ListActionsRequestObject) (ListActionsResponseObject, error) {
	page, err := casereview.ParsePageRequest(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	q := req.Params
	var p casereview.Problems
	f := casereview.ActionFilter{RecommendationID: deref(q.RecommendationId), OrganisationID: deref(q.OrganisationId),
		ImplementationStatus: casereview.ImplementationStatus(deref(q.ImplementationStatus)), Completed: q.Completed,
		Flag: casereview.Flag(deref(q.Flag)), Sector: casereview.Sector(deref(q.Sector)), ReviewType: deref(q.ReviewType),
		TargetFrom: casereview.ParseDateField(&p, "target_from", q.TargetFrom),
		TargetTo:   casereview.ParseDateField(&p, "target_to", q.TargetTo)}
	if err := p.Err(); err != nil {
		return nil, err
	}
	c, err := withAsOf(ctxOf(ctx), q.AsOf)
	if err != nil {
		return nil, err
	}
	res, err := s.svc.ListActions(c, f, page)
	if err != nil {
		return nil, err
	}
	items, total, next := pageOf(res, actionOut)
	return ListActions200JSONResponse{Items: items, Total: total, NextCursor: next}, nil
}

// ListRecommendationActions lists one recommendation's actions; a recommendation the caller may
// not read answers 404 rather than an empty page.
func (s *Server) ListRecommendationActions(ctx context.Context, req ListRecommendationActionsRequestObject) (ListRecommendationActionsResponseObject, error) {
	page, err := casereview.ParsePageRequest(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	c, err := withAsOf(ctxOf(ctx), req.Params.AsOf)
	if err != nil {
		return nil, err
	}
	rec, err := s.svc.GetRecommendation(c, req.Id)
	if err != nil {
		return nil, err
	}
	res, err := s.svc.ListActions(c, casereview.ActionFilter{RecommendationID: rec.ID}, page)
	if err != nil {
		return nil, err
	}
	items, total, next := pageOf(res, actionOut)
	return ListRecommendationActions200JSONResponse{Items: items, Total: total, NextCursor: next}, nil
}

func (s *Server) UpdateAction(ctx context.Context, req UpdateActionRequestObject) (UpdateActionResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetAction, req.Id, req.Params.IfMatch, "action", func(x casereview.Action) int { return x.Version })
	if err != nil {
		return nil, err
	}
	d, b := cur.Draft(), req.Body
	var p casereview.Problems
	patchString(&d.OrganisationID, b.OrganisationId)
	patchString(&d.Description, b.Description)
	patchString(&d.Owner, b.Owner)
	patchNullDate(&p, "target_date", &d.TargetDate, b.TargetDate)
	patchNullDate(&p, "completion_date", &d.CompletionDate, b.CompletionDate)
	patchNullString(&d.Outcome, b.Outcome)
	if err := p.Err(); err != nil {
		return nil, err
	}
	a, err := s.svc.UpdateAction(c, cur.ID, version, d)
	if err != nil {
		return nil, err
	}
	tag := etag(a.Version)
	return UpdateAction200JSONResponse{Body: actionOut(a), Headers: UpdateAction200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) DeleteAction(ctx context.Context, req DeleteActionRequestObject) (DeleteActionResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetAction, req.Id, req.Params.IfMatch, "action", func(x casereview.Action) int { return x.Version })
	if err != nil {
		return nil, err
	}
	if err := s.svc.DeleteAction(c, cur.ID, version); err != nil {
		return nil, err
	}
	return DeleteAction204Response{}, nil
}
