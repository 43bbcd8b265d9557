package api

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
)

// Milestones of actions: their own resource, with their own version and ETag. They are not
// embedded in the action (an action's ETag would then change without its version), nor are
// actions embedded in recommendations; GET /actions/{id}/milestones lists them.

func (s *Server) milestoneOut(m casereview.Milestone) Milestone {
	return Milestone{Id: m.ID, ActionId: m.ActionID, RecommendationId: m.RecommendationID, Title: m.Title,
		DueDate: nullDate(m.DueDate), DoneDate: nullDate(m.DoneDate), DoneByName: nullString(nonEmpty(m.DoneByName)),
		State: MilestoneState(m.State(casereview.DateOf(s.now()))), CreatedByName: m.CreatedByName, Version: m.Version,
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

func (s *Server) ListMilestones(ctx context.Context, req ListMilestonesRequestObject) (ListMilestonesResponseObject, error) {
	ms, err := s.svc.ListMilestones(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out := ListMilestones200JSONResponse{Items: make([]Milestone, len(ms))}
	for i, m := range ms {
		out.Items[i] = s.milestoneOut(m)
	}
	return out, nil
}

func (s *Server) CreateMilestone(ctx context.Context, req CreateMilestoneRequestObject) (CreateMilestoneResponseObject, error) {
	b := req.Body
	var p casereview.Problems
	d := casereview.MilestoneDraft{Title: b.Title, DueDate: casereview.ParseDateField(&p, "due_date", b.DueDate),
		DoneDate: casereview.ParseDateField(&p, "done_date", b.DoneDate)}
	if err := p.Err(); err != nil {
		return nil, err
	}
	m, err := s.svc.CreateMilestone(ctxOf(ctx), req.Id, d)
	if err != nil {
		return nil, err
	}
	loc, tag := "/api/v1/milestones/"+m.ID, etag(m.Version)
	return CreateMilestone201JSONResponse{Body: s.milestoneOut(m), Headers: CreateMilestone201ResponseHeaders{ETag: &tag, Location: &loc}}, nil
}

func (s *Server) GetMilestone(ctx context.Context, req GetMilestoneRequestObject) (GetMilestoneResponseObject, error) {
	m, err := s.svc.GetMilestone(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	tag := etag(m.Version)
	return GetMilestone200JSONResponse{Body: s.milestoneOut(m), Headers: GetMilestone200ResponseHeaders{ETag: &tag}}, nil
}

func milestoneVersion(m casereview.Milestone) int { return m.Version }

func (s *Server) UpdateMilestone(ctx context.Context, req UpdateMilestoneRequestObject) (UpdateMilestoneResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetMilestone, req.Id, req.Params.IfMatch, "milestone", milestoneVersion)
	if err != nil {
		return nil, err
	}
	d, b := cur.Draft(), req.Body
	var p casereview.Problems
	patchString(&d.Title, b.Title)
	patchNullDate(&p, "due_date", &d.DueDate, b.DueDate)
	patchNullDate(&p, "done_date", &d.DoneDate, b.DoneDate)
	if err := p.Err(); err != nil {
		return nil, err
	}
	m, err := s.svc.UpdateMilestone(c, cur.ID, version, d)
	if err != nil {
		return nil, err
	}
	tag := etag(m.Version)
	return UpdateMilestone200JSONResponse{Body: s.milestoneOut(m), Headers: UpdateMilestone200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) CompleteMilestone(ctx context.Context, req CompleteMilestoneRequestObject) (CompleteMilestoneResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetMilestone, req.Id, req.Params.IfMatch, "milestone", milestoneVersion)
	if err != nil {
		return nil, err
	}
	var done *casereview.Date
	if req.Body != nil {
		var p casereview.Problems
		done = casereview.ParseDateField(&p, "done_date", req.Body.DoneDate)
		if err := p.Err(); err != nil {
			return nil, err
		}
	}
	m, err := s.svc.CompleteMilestone(c, cur.ID, version, done)
	if err != nil {
		return nil, err
	}
	tag := etag(m.Version)
	return CompleteMilestone200JSONResponse{Body: s.milestoneOut(m), Headers: CompleteMilestone200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) DeleteMilestone(ctx context.Context, req DeleteMilestoneRequestObject) (DeleteMilestoneResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetMilestone, req.Id, req.Params.IfMatch, "milestone", milestoneVersion)
	if err != nil {
		return nil, err
	}
	if err := s.svc.DeleteMilestone(c, cur.ID, version); err != nil {
		return nil, err
	}
	return DeleteMilestone204Response{}, nil
}
