package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
)

// What an admin does to one person: give or take away a role, disable or enable the account
// (after a confirmation page), reset the password (to one they type, or a temporary one the
// service makes and shows once) and reset the authenticator app (after a confirmation page).
// Each goes through the service the API uses, so the permission check and the audit are its.

func (h *Handler) addUserMembership(c *gin.Context) {
	u, ok := h.userFor(c)
	if !ok {
		return
	}
	_, err := h.svc.AddMembership(c.Request.Context(), u.ID, readMembership(c))
	if err == nil {
		h.done(c, "Role added", "/admin/users/"+u.ID)
		return
	}
	probs := userProblems(err)
	if probs == nil {
		h.fail(c, err)
		return
	}
	h.renderUser(c, http.StatusUnprocessableEntity, u, c.Request.PostForm, probs)
}

func (h *Handler) removeUserMembership(c *gin.Context) {
	u, ok := h.userFor(c)
	if !ok {
		return
	}
	if _, err := h.svc.RemoveMembership(c.Request.Context(), u.ID, c.Param("mid")); err != nil {
		h.fail(c, err)
		return
	}
	h.done(c, "Role removed", "/admin/users/"+u.ID)
}

// userChange is a change confirmed on its own page: what it does, and a button.
type userChange struct {
	Title, Explain, Button string
	Warning                bool
}

var userChanges = map[string]userChange{
	"disable": {Title: "Disable %s’s account", Explain: "They will be signed out at once, their API tokens will stop working, and they will not be able to sign in until the account is enabled again.",
		Button: "Disable account", Warning: true},
	"enable": {Title: "Enable %s’s account", Explain: "They will be able to sign in again with their password. API tokens revoked when the account was disabled stay revoked.",
		Button: "Enable account"},
	"mfa-reset": {Title: "Reset %s’s authenticator app", Explain: "Their authenticator app and recovery codes will stop working, and they will be signed out everywhere and their API tokens revoked. If their role needs an authenticator app, they will set up a new one when they next sign in. Check it is really them asking, for example by calling them back.",
		Button: "Reset authenticator app", Warning: true},
}

type userChangeData struct {
	userChange
	U      userLine
	Action string
}

func (h *Handler) userChangeForm(change string) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, ok := h.userFor(c)
		if !ok {
			return
		}
		h.renderUserChange(c, http.StatusOK, change, u, nil)
	}
}

func (h *Handler) renderUserChange(c *gin.Context, status int, change string, u userLine, probs []FieldProblem) {
	ch := userChanges[change]
	title := ch.Title
	ch.Title = fmt.Sprintf(title, u.DisplayName)
	p := h.page(c, ch.Title, userChangeData{userChange: ch, U: u, Action: "/admin/users/" + u.ID + "/" + change})
	p.Nav, p.Errors = "admin", probs
	h.render(c, status, "admin-user-confirm", p)
}

func (h *Handler) userChange(change string) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, ok := h.userFor(c)
		if !ok {
			return
		}
		ctx := c.Request.Context()
		var err error
		msg := ""
		switch change {
		case "disable", "enable":
			version, _ := strconv.Atoi(c.PostForm("version"))
			d := casereview.UserDraft{Email: u.Email, DisplayName: u.DisplayName, Disabled: change == "disable"}
			_, err = h.svc.UpdateUser(ctx, u.ID, version, d)
			msg = u.DisplayName + "’s account has been " + change + "d"
		case "mfa-reset":
			_, err = h.auth.ResetMFA(ctx, u.ID)
			msg = u.DisplayName + "’s authenticator app has been reset"
		}
		switch {
		case err == nil:
			h.done(c, msg, "/admin/users/"+u.ID)
		case casereview.IsCode(err, casereview.CodePreconditionFailed):
			h.renderUserChange(c, http.StatusConflict, change, u, []FieldProblem{{"version",
				"The account changed since you opened this page. Check it below and confirm again."}})
		case problemsOf(err) != nil:
			h.renderUserChange(c, http.StatusUnprocessableEntity, change, u, problemsOf(err))
		default:
			h.fail(c, err)
		}
	}
}

type userPasswordData struct {
	U        userLine
	Password string // a temporary password the service made, shown once
	Done     bool
}

func (h *Handler) renderUserPassword(c *gin.Context, status int, d userPasswordData, probs []FieldProblem) {
	title := "Reset " + d.U.DisplayName + "’s password"
	if d.Done {
		title = d.U.DisplayName + "’s password has been reset"
		c.Header("Cache-Control", "no-store") // the temporary password must not stay in any cache
	}
	p := h.page(c, title, d)
	p.Nav, p.Errors = "admin", probs
	if probs != nil {
		p.Form = c.Request.PostForm
		p.Form.Del("password") // passwords are not echoed back into a page
	}
	h.render(c, status, "admin-user-password", p)
}

func (h *Handler) userPasswordForm(c *gin.Context) {
	u, ok := h.userFor(c)
	if !ok {
		return
	}
	h.renderUserPassword(c, http.StatusOK, userPasswordData{U: u}, nil)
}

// userPassword resets the password to a temporary one the service makes (shown once, on the page
// the post answers) or one the admin types; either way the person must choose their own at their
// next sign-in.
func (h *Handler) userPassword(c *gin.Context) {
	u, ok := h.userFor(c)
	if !ok {
		return
	}
	d := userPasswordData{U: u}
	var pw string
	switch c.PostForm("how") {
	case "generate":
		var err error
		if pw, err = auth.TemporaryPassword(u.Email, u.DisplayName); err != nil {
			h.fail(c, err)
			return
		}
		d.Password = pw
	case "type":
		if pw = c.PostForm("password"); pw == "" {
			h.renderUserPassword(c, http.StatusUnprocessableEntity, d, []FieldProblem{{"password", "Enter the new password"}})
			return
		}
	default:
		h.renderUserPassword(c, http.StatusUnprocessableEntity, d, []FieldProblem{{"how", "Choose how to set the new password"}})
		return
	}
	saved, err := h.auth.ResetPassword(c.Request.Context(), u.ID, pw)
	if err != nil {
		probs := problemsOf(err)
		if probs == nil {
			h.fail(c, err)
			return
		}
		h.renderUserPassword(c, http.StatusUnprocessableEntity, d, probs)
		return
	}
	d.U.User, d.Done = saved, true
	h.renderUserPassword(c, http.StatusOK, d, nil)
}
