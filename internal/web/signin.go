package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

type signInData struct {
	Next string
}

func (h *Handler) signInForm(c *gin.Context) {
	if id, ok := identityOf(c); ok {
		if id.Complete() {
			c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		} else {
			c.Redirect(http.StatusSeeOther, nextSignInStep(id))
		}
		return
	}
	h.render(c, http.StatusOK, "sign-in", h.page(c, "Sign in", signInData{Next: safeNext(c.Query("next"))}))
}

// signIn checks the email address and password. The answer to a wrong one never says which of
// the two was wrong (the sign-in service does equal work either way).
func (h *Handler) signIn(c *gin.Context) {
	email, password := strings.TrimSpace(c.PostForm("email")), c.PostForm("password")
	next := safeNext(c.PostForm("next"))
	p := h.page(c, "Sign in", signInData{Next: next})
	p.Form = c.Request.PostForm
	p.Form.Del("password") // never sent back to the browser
	if email == "" {
		p.Errors = append(p.Errors, FieldProblem{"email", "Enter your email address"})
	}
	if password == "" {
		p.Errors = append(p.Errors, FieldProblem{"password", "Enter your password"})
	}
	if len(p.Errors) > 0 {
		h.render(c, http.StatusUnprocessableEntity, "sign-in", p)
		return
	}
	// Signing in over a live session (say, one still owing its second factor) ends that session,
	// so an old session id never stays valid beside the new one.
	previous, _ := identityOf(c)
	res, err := h.auth.LoginReplacing(c.Request.Context(), previous, email, password, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		if probs := problemsOf(err); probs != nil {
			p.Errors = probs
			h.render(c, http.StatusUnprocessableEntity, "sign-in", p)
			return
		}
		switch casereview.ErrorCode(err) {
		case casereview.CodeUnauthenticated:
			p.Errors = []FieldProblem{{"email", "Enter a correct email address and password"}}
			h.render(c, http.StatusUnauthorized, "sign-in", p)
		case casereview.CodeRateLimited:
			var de *casereview.Error
			errors.As(err, &de) // ErrorCode said so: it is one
			p.Errors = []FieldProblem{{"email", "There have been too many attempts to sign in. " + sentence(de.Message)}}
			c.Header("Retry-After", itoa(int(de.RetryAfter/time.Second)+1))
			h.render(c, http.StatusTooManyRequests, "sign-in", p)
		default:
			h.fail(c, err)
		}
		return
	}
	h.setSessionCookie(c, res.SessionID, int(h.auth.AbsoluteTimeout().Seconds()))
	// The pre-sign-in form token has done its job.
	http.SetCookie(c.Writer, &http.Cookie{Name: preCSRFCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secure(c)})
	if !res.Identity.Complete() {
		target := nextSignInStep(res.Identity)
		if next != "/" {
			target += "?next=" + urlQueryEscape(next)
		}
		c.Redirect(http.StatusSeeOther, target)
		return
	}
	c.Redirect(http.StatusSeeOther, next)
}

func (h *Handler) signOut(c *gin.Context) {
	if id, ok := identityOf(c); ok {
		if err := h.auth.Logout(c.Request.Context(), id); err != nil && !casereview.IsCode(err, casereview.CodeUnauthenticated) {
			h.fail(c, err)
			return
		}
	}
	h.setSessionCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/signed-out")
}

func (h *Handler) signedOut(c *gin.Context) {
	reason := "You have signed out."
	if c.Query("reason") == "idle" {
		reason = "You were signed out because you had not done anything for a while. Your work was saved up to your last action."
	}
	h.render(c, http.StatusOK, "signed-out", h.page(c, "You have signed out", reason))
}

// extendSession is what "Stay signed in" calls: reading the session already renewed its idle
// time in identify, so it only has to answer.
func (h *Handler) extendSession(c *gin.Context) {
	if q := c.Query("return"); q != "" {
		c.Redirect(http.StatusSeeOther, safeNext(q))
		return
	}
	c.Status(http.StatusNoContent)
}

func itoa(n int) string {
	if n < 0 {
		n = 0
	}
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
