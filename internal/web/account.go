package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Each person's own account (issue 12 item 3): what the service knows of them, their password,
// their authenticator app and their API tokens. Every change goes through the sign-in service,
// which checks and audits it exactly as the API's /auth endpoints do.

func (h *Handler) accountRoutes(r gin.IRoutes) {
	r.GET("/account", h.account)
	r.GET("/account/password", h.passwordForm)
	r.POST("/account/password", h.changePassword)
	r.GET("/account/tokens", h.tokens)
	r.POST("/account/tokens", h.createToken)
	r.POST("/account/tokens/:id/revoke", h.revokeToken)
}

type accountData struct {
	MFAEnabled  bool
	Memberships []membershipLine
	Tokens      int        // active API tokens
	Emails      []prefLine // which emails they get, per kind of notification
	Searches    []savedSearchLine
	Follows     []casereview.Follow
}

type membershipLine struct{ Role, Scope, ID string }

func (h *Handler) account(c *gin.Context) { h.accountPage(c, http.StatusOK, nil, nil) }

// accountPage renders the account page; typed, when set, are the email choices the person
// just sent (shown again beside errs).
func (h *Handler) accountPage(c *gin.Context, status int, errs []FieldProblem, typed []casereview.NotificationPreference) {
	id, ok := identityOf(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	ctx := c.Request.Context()
	prefs := typed
	if prefs == nil {
		var err error
		if prefs, err = h.svc.NotificationPreferences(ctx); err != nil {
			h.fail(c, err)
			return
		}
	}
	toks, err := h.auth.ListTokens(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := accountData{MFAEnabled: id.User.MFAEnabled, Tokens: len(activeTokens(toks, h.now())), Emails: prefLines(prefs)}
	searches, err := h.svc.ListSavedSearches(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, x := range searches {
		d.Searches = append(d.Searches, savedSearchLine{SavedSearch: x, Href: savedSearchHref(x)})
	}
	if d.Follows, err = h.svc.ListFollows(ctx); err != nil {
		h.fail(c, err)
		return
	}
	for i, f := range d.Follows {
		if f.Label != "" {
			d.Follows[i].Label = strings.ToUpper(f.Label[:1]) + f.Label[1:]
		}
	}
	for _, m := range id.User.Memberships {
		line := membershipLine{Role: label(m.Role), Scope: "All partnerships"}
		kind, scopeID := "organisation", m.OrganisationID
		if m.PartnershipID != "" {
			kind, scopeID = "partnership", m.PartnershipID
		}
		if scopeID != "" {
			names, err := h.svc.Names(ctx, kind, []string{scopeID})
			if err != nil {
				h.fail(c, err)
				return
			}
			line.Scope = names[scopeID]
		}
		d.Memberships = append(d.Memberships, line)
	}
	p := h.page(c, "Your account", d)
	p.Nav, p.Errors = "account", errs
	h.render(c, status, "account", p)
}

// passwordData says whether an admin's reset sent the person here.
type passwordData struct{ MustChange bool }

func mustChange(c *gin.Context) passwordData {
	id, _ := identityOf(c)
	return passwordData{MustChange: id.User.MustChangePassword}
}

func (h *Handler) passwordForm(c *gin.Context) {
	p := h.page(c, "Change your password", mustChange(c))
	p.Nav = "account"
	h.render(c, http.StatusOK, "account-password", p)
}

// changePassword replaces the caller's password. The form is never re-shown with what was typed:
// passwords are not echoed back into a page.
func (h *Handler) changePassword(c *gin.Context) {
	id, ok := identityOf(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	current, next, again := c.PostForm("current_password"), c.PostForm("new_password"), c.PostForm("confirm_password")
	var probs []FieldProblem
	if current == "" {
		probs = append(probs, FieldProblem{"current_password", "Enter your current password"})
	}
	switch {
	case next == "":
		probs = append(probs, FieldProblem{"new_password", "Enter a new password"})
	case again != next:
		probs = append(probs, FieldProblem{"confirm_password", "The new passwords do not match: type the same new password twice"})
	}
	status := http.StatusUnprocessableEntity
	if len(probs) == 0 {
		err := h.auth.ChangePassword(c.Request.Context(), id, current, next)
		if err == nil {
			h.done(c, "Your password has been changed. You have been signed out everywhere else.", "/account")
			return
		}
		if casereview.IsCode(err, casereview.CodeRateLimited) {
			status = http.StatusTooManyRequests
			probs = []FieldProblem{{"current_password", "There have been too many attempts. " + sentence(errMessage(err))}}
		} else if probs = problemsOf(err); probs == nil {
			h.fail(c, err)
			return
		}
	}
	p := h.page(c, "Change your password", mustChange(c))
	p.Nav, p.Errors = "account", probs
	h.render(c, status, "account-password", p)
}

// tokenExpiries are the lifetimes offered for a new API token, in days. A token that never
// expires is not offered: a forgotten one would be a key left under the mat for ever.
var tokenExpiries = []int{7, 30, 90, 365}

type tokensData struct {
	Tokens   []tokenLine
	Expiries []int
	Secret   string // the new token, shown once on the page that follows its creation
	Created  string // its name
}

type tokenLine struct {
	casereview.APIToken
	Status string // "Active", "Expired" or "Revoked"
}

func activeTokens(ts []casereview.APIToken, now time.Time) []casereview.APIToken {
	var out []casereview.APIToken
	for _, t := range ts {
		if t.RevokedAt == nil && (t.ExpiresAt == nil || t.ExpiresAt.After(now)) {
			out = append(out, t)
		}
	}
	return out
}

func (h *Handler) tokensPage(c *gin.Context, status int, d tokensData, probs []FieldProblem) {
	id, _ := identityOf(c)
	toks, err := h.auth.ListTokens(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	now := h.now()
	for _, t := range toks {
		l := tokenLine{APIToken: t, Status: "Active"}
		switch {
		case t.RevokedAt != nil:
			l.Status = "Revoked"
		case t.ExpiresAt != nil && !t.ExpiresAt.After(now):
			l.Status = "Expired"
		}
		d.Tokens = append(d.Tokens, l)
	}
	d.Expiries = tokenExpiries
	title := "API tokens"
	if d.Secret != "" {
		title = "Your new API token"
		c.Header("Cache-Control", "no-store") // the secret must not stay in any cache
	}
	p := h.page(c, title, d)
	p.Nav, p.Errors = "account", probs
	if probs != nil {
		p.Form = c.Request.PostForm
	}
	h.render(c, status, "account-tokens", p)
}

func (h *Handler) tokens(c *gin.Context) { h.tokensPage(c, http.StatusOK, tokensData{}, nil) }

// createToken makes an API token for the caller and shows its secret once, on the page the post
// answers (not after a redirect, so the secret never travels in a URL or a cookie).
func (h *Handler) createToken(c *gin.Context) {
	id, ok := identityOf(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	name := strings.TrimSpace(c.PostForm("name"))
	var probs []FieldProblem
	if name == "" {
		probs = append(probs, FieldProblem{"name", "Enter a name for the token, saying what will use it"})
	}
	days := 0
	for _, d := range tokenExpiries {
		if c.PostForm("expires_in") == itoa(d) {
			days = d
		}
	}
	if days == 0 {
		probs = append(probs, FieldProblem{"expires_in", "Choose when the token expires"})
	}
	if len(probs) > 0 {
		h.tokensPage(c, http.StatusUnprocessableEntity, tokensData{}, probs)
		return
	}
	expires := h.now().Add(time.Duration(days) * 24 * time.Hour)
	secret, tok, err := h.auth.CreateToken(c.Request.Context(), id, name, &expires)
	if err != nil {
		switch {
		case casereview.IsCode(err, casereview.CodeForbidden):
			// Too long since the password was checked: say so at the form, with the way out.
			h.tokensPage(c, http.StatusForbidden, tokensData{}, []FieldProblem{{"name",
				"To create a token, sign out and sign in again first: your password was last checked too long ago"}})
		case problemsOf(err) != nil:
			h.tokensPage(c, http.StatusUnprocessableEntity, tokensData{}, problemsOf(err))
		default:
			h.fail(c, err)
		}
		return
	}
	h.tokensPage(c, http.StatusOK, tokensData{Secret: secret, Created: tok.Name}, nil)
}

func (h *Handler) revokeToken(c *gin.Context) {
	id, ok := identityOf(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	if err := h.auth.RevokeToken(c.Request.Context(), id, c.Param("id")); err != nil {
		h.fail(c, err)
		return
	}
	h.done(c, "The token has been revoked: it no longer works", "/account/tokens")
}

// errMessage is the domain message of err, or its text.
func errMessage(err error) string {
	var de *casereview.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}
