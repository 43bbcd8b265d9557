package api

import (
	"context"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
)

func userOut(u casereview.User) User {
	out := User{Id: u.ID, Email: u.Email, DisplayName: u.DisplayName, Disabled: u.Disabled, MfaEnabled: u.MFAEnabled,
		HasPassword: u.HasPassword, MustChangePassword: u.MustChangePassword, Memberships: make([]Membership, len(u.Memberships)), Version: u.Version,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, LastLoginAt: nullTime(u.LastLoginAt)}
	for i, m := range u.Memberships {
		out.Memberships[i] = Membership{Id: m.ID, Role: MembershipRole(m.Role), OrganisationId: nullString(nonEmpty(m.OrganisationID)),
			PartnershipId: nullString(nonEmpty(m.PartnershipID))}
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullTime(t *time.Time) nullable.Nullable[time.Time] {
	if t == nil {
		return nullable.NewNullNullable[time.Time]()
	}
	return nullable.NewNullableWithValue(*t)
}

// meOut describes the caller and what the interface may offer them.
func meOut(id auth.Identity) Me {
	a := id.Actor
	can := Capabilities{ManageUsers: casereview.CanManageUsers(a), ManagePartnerships: casereview.CanManagePartnerships(a),
		CreateOrganisations: casereview.CanCreateOrganisation(a), ManageOrganisations: casereview.CanManageOrganisations(a),
		ReadAudit: casereview.CanReadAudit(a), ReadAllReviews: casereview.ScopeOf(a).All,
		ManageReviewsOf: []string{}, EditActionsOf: a.EditorOrganisations()}
	for _, m := range a.Memberships {
		if m.Role == casereview.RolePanel && !slices.Contains(can.ManageReviewsOf, m.PartnershipID) {
			can.ManageReviewsOf = append(can.ManageReviewsOf, m.PartnershipID)
		}
	}
	if can.EditActionsOf == nil {
		can.EditActionsOf = []string{}
	}
	me := Me{User: userOut(id.User), MfaState: MeMfaState(id.MFAState), Can: can}
	if id.CSRFToken != "" {
		me.CsrfToken = &id.CSRFToken
	}
	return me
}

func (s *Server) Login(ctx context.Context, req LoginRequestObject) (LoginResponseObject, error) {
	c := ctx.(*gin.Context)
	// The session this browser already holds (if any) ends when the new one starts.
	previous, _ := identityOf(ctx)
	res, err := s.auth.LoginReplacing(ctxOf(ctx), previous, req.Body.Email, req.Body.Password, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return nil, err
	}
	setCookie(c, res.SessionID, int(s.sessionMax.Seconds()), s.cookieSecure)
	return Login200JSONResponse(meOut(res.Identity)), nil
}

func (s *Server) VerifyMFA(ctx context.Context, req VerifyMFARequestObject) (VerifyMFAResponseObject, error) {
	id, err := identityOf(ctx)
	if err != nil {
		return nil, err
	}
	id, err = s.auth.VerifyMFA(ctxOf(ctx), id, req.Body.Code, ctx.(*gin.Context).ClientIP())
	if err != nil {
		return nil, err
	}
	return VerifyMFA200JSONResponse(meOut(id)), nil
}

func (s *Server) Logout(ctx context.Context, _ LogoutRequestObject) (LogoutResponseObject, error) {
	id, err := identityOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.auth.Logout(ctxOf(ctx), id); err != nil {
		return nil, err
	}
	clearCookie(ctx.(*gin.Context), s.cookieSecure)
	return Logout204Response{}, nil
}

func (s *Server) GetMe(ctx context.Context, _ GetMeRequestObject) (GetMeResponseObject, error) {
	id, err := identityOf(ctx)
	if err != nil {
		return nil, err
	}
	return GetMe200JSONResponse(meOut(id)), nil
}

func (s *Server) ChangePassword(ctx context.Context, req ChangePasswordRequestObject) (ChangePasswordResponseObject, error) {
	id, err := identityOf(ctx)
	if err != nil {
		return nil, err
	}
	// Changing the password revokes every API token, the caller's included, so a token cannot
	// do it: like setting up an authenticator, it is done from a signed-in session.
	if id.SessionHash == "" {
		return nil, casereview.Forbidden("change your password from a signed-in session, not with an API token")
	}
	if err := s.auth.ChangePassword(ctxOf(ctx), id, req.Body.CurrentPassword, req.Body.NewPassword); err != nil {
		return nil, err
	}
	return ChangePassword204Response{}, nil
}

func (s *Server) StartTOTP(ctx context.Context, _ StartTOTPRequestObject) (StartTOTPResponseObject, error) {
	id, err := identityOf(ctx)
	if err != nil {
		return nil, err
	}
	if id.SessionHash == "" {
		return nil, casereview.Forbidden("set up an authenticator from a signed-in session, not with an API token")
	}
	e, err := s.auth.StartTOTP(ctxOf(ctx), id)
	if err != nil {
		return nil, err
	}
	return StartTOTP200JSONResponse{Secret: e.Secret, OtpauthUri: e.URI}, nil
}

func (s *Server) ConfirmTOTP(ctx context.Context, req ConfirmTOTPRequestObject) (ConfirmTOTPResponseObject, error) {
	id, err := identityOf(ctx)
	if err != nil {
		return nil, err
	}
	if id.SessionHash == "" {
		return nil, casereview.Forbidden("set up an authenticator from a signed-in session, not with an API token")
	}
	codes, err := s.auth.ConfirmTOTP(ctxOf(ctx), id, req.Body.Code)
	if err != nil {
		return nil, err
	}
	return ConfirmTOTP200JSONResponse{RecoveryCodes: codes}, nil
}

func tokenOut(t casereview.APIToken) Token {
	return Token{Id: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, ExpiresAt: nullTime(t.ExpiresAt),
		LastUsedAt: nullTime(t.LastUsedAt), RevokedAt: nullTime(t.RevokedAt)}
}

func (s *Server) ListTokens(ctx context.Context, _ ListTokensRequestObject) (ListTokensResponseObject, error) {
	id, err := identityOf(ctx)
	if err != nil {
		return nil, err
	}
	ts, err := s.auth.ListTokens(ctxOf(ctx), id)
	if err != nil {
		return nil, err
	}
	out := ListTokens200JSONResponse{Items: make([]Token, len(ts))}
	for i, t := range ts {
		out.Items[i] = tokenOut(t)
	}
	return out, nil
}

func (s *Server) CreateToken(ctx context.Context, req CreateTokenRequestObject) (CreateTokenResponseObject, error) {
	id, err := identityOf(ctx)
	if err != nil {
		return nil, err
	}
	secret, t, err := s.auth.CreateToken(ctxOf(ctx), id, req.Body.Name, req.Body.ExpiresAt)
	if err != nil {
		return nil, err
	}
	loc := "/api/v1/me/tokens" // tokens are read in the caller's list
	return CreateToken201JSONResponse{Body: NewToken{Token: secret, Details: tokenOut(t)}, Headers: CreateToken201ResponseHeaders{Location: &loc}}, nil
}

func (s *Server) RevokeToken(ctx context.Context, req RevokeTokenRequestObject) (RevokeTokenResponseObject, error) {
	id, err := identityOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.auth.RevokeToken(ctxOf(ctx), id, req.Id); err != nil {
		return nil, err
	}
	return RevokeToken204Response{}, nil
}
