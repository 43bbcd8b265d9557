package api

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
)

func (s *Server) ListUsers(ctx context.Context, req ListUsersRequestObject) (ListUsersResponseObject, error) {
	page, err := casereview.ParsePageRequest(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	f := casereview.UserFilter{Email: deref(req.Params.Email), Role: casereview.Role(deref(req.Params.Role)), Disabled: req.Params.Disabled}
	if f.Role != "" && !casereview.Valid(f.Role, casereview.Roles) {
		var p casereview.Problems
		casereview.CheckEnum(&p, "role", f.Role, casereview.Roles)
		return nil, p.Err()
	}
	res, err := s.svc.ListUsers(ctxOf(ctx), f, page)
	if err != nil {
		return nil, err
	}
	items, total, next := pageOf(res, userOut)
	return ListUsers200JSONResponse{Items: items, Total: total, NextCursor: next}, nil
}

func (s *Server) CreateUser(ctx context.Context, req CreateUserRequestObject) (CreateUserResponseObject, error) {
	b := req.Body
	c := ctxOf(ctx)
	// Check the caller's right before looking at the password, so a refused caller learns nothing
	// about the password rules' verdict.
	if !casereview.CanManageUsers(casereview.ActorFrom(c)) {
		return nil, casereview.Deny(casereview.ActorFrom(c), "only admins manage users")
	}
	hash := ""
	if b.Password != nil && *b.Password != "" {
		var err error
		if hash, err = s.auth.NewPasswordHash(*b.Password, b.Email, b.DisplayName); err != nil {
			return nil, err
		}
	}
	u, err := s.svc.CreateUser(c, casereview.UserDraft{Email: b.Email, DisplayName: b.DisplayName}, hash)
	if err != nil {
		return nil, err
	}
	loc, tag := "/api/v1/users/"+u.ID, etag(u.Version)
	return CreateUser201JSONResponse{Body: userOut(u), Headers: CreateUser201ResponseHeaders{ETag: &tag, Location: &loc}}, nil
}

func (s *Server) GetUser(ctx context.Context, req GetUserRequestObject) (GetUserResponseObject, error) {
	u, err := s.svc.GetUser(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	tag := etag(u.Version)
	return GetUser200JSONResponse{Body: userOut(u), Headers: GetUser200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) UpdateUser(ctx context.Context, req UpdateUserRequestObject) (UpdateUserResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetUser, req.Id, req.Params.IfMatch, "user", func(x casereview.User) int { return x.Version })
	if err != nil {
		return nil, err
	}
	d := casereview.UserDraft{Email: cur.Email, DisplayName: cur.DisplayName, Disabled: cur.Disabled}
	patchString(&d.Email, req.Body.Email)
	patchString(&d.DisplayName, req.Body.DisplayName)
	if req.Body.Disabled != nil {
		d.Disabled = *req.Body.Disabled
	}
	u, err := s.svc.UpdateUser(c, cur.ID, version, d)
	if err != nil {
		return nil, err
	}
	tag := etag(u.Version)
	return UpdateUser200JSONResponse{Body: userOut(u), Headers: UpdateUser200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) AddMembership(ctx context.Context, req AddMembershipRequestObject) (AddMembershipResponseObject, error) {
	// As for UpdateUser: a user the caller may not see answers 404, not 403.
	if _, err := s.svc.GetUser(ctxOf(ctx), req.Id); err != nil {
		return nil, err
	}
	b := req.Body
	u, err := s.svc.AddMembership(ctxOf(ctx), req.Id, casereview.MembershipDraft{Role: casereview.Role(b.Role),
		OrganisationID: deref(b.OrganisationId), PartnershipID: deref(b.PartnershipId)})
	if err != nil {
		return nil, err
	}
	// A membership is read as part of its user.
	loc := "/api/v1/users/" + u.ID
	return AddMembership201JSONResponse{Body: userOut(u), Headers: AddMembership201ResponseHeaders{Location: &loc}}, nil
}

func (s *Server) RemoveMembership(ctx context.Context, req RemoveMembershipRequestObject) (RemoveMembershipResponseObject, error) {
	if _, err := s.svc.GetUser(ctxOf(ctx), req.Id); err != nil {
		return nil, err
	}
	u, err := s.svc.RemoveMembership(ctxOf(ctx), req.Id, req.MembershipId)
	if err != nil {
		return nil, err
	}
	return RemoveMembership200JSONResponse(userOut(u)), nil
}

func (s *Server) ResetPassword(ctx context.Context, req ResetPasswordRequestObject) (ResetPasswordResponseObject, error) {
	// As for UpdateUser: a user the caller may not see answers 404, not 403.
	if _, err := s.svc.GetUser(ctxOf(ctx), req.Id); err != nil {
		return nil, err
	}
	u, err := s.auth.ResetPassword(ctxOf(ctx), req.Id, req.Body.Password)
	if err != nil {
		return nil, err
	}
	return ResetPassword200JSONResponse(userOut(u)), nil
}

func (s *Server) ResetMFA(ctx context.Context, req ResetMFARequestObject) (ResetMFAResponseObject, error) {
	// As for UpdateUser: a user the caller may not see answers 404, not 403.
	if _, err := s.svc.GetUser(ctxOf(ctx), req.Id); err != nil {
		return nil, err
	}
	u, err := s.auth.ResetMFA(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return ResetMFA200JSONResponse(userOut(u)), nil
}
