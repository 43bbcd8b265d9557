package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"rsc.io/qr"

	"github.com/casereview/casereview/internal/casereview"
)

type codeData struct{ Next string }

func (h *Handler) codeForm(c *gin.Context) {
	id, ok := identityOf(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	if id.Complete() {
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	h.render(c, http.StatusOK, "sign-in-code", h.page(c, "Enter the code from your authenticator app", codeData{Next: safeNext(c.Query("next"))}))
}

// code checks the second factor: a code from the authenticator app or a recovery code.
func (h *Handler) code(c *gin.Context) {
	id, ok := identityOf(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	next := safeNext(c.PostForm("next"))
	p := h.page(c, "Enter the code from your authenticator app", codeData{Next: next})
	code := strings.TrimSpace(c.PostForm("code"))
	if code == "" {
		p.Errors = []FieldProblem{{"code", "Enter the code from your authenticator app, or a recovery code"}}
		h.render(c, http.StatusUnprocessableEntity, "sign-in-code", p)
		return
	}
	if _, err := h.auth.VerifyMFA(c.Request.Context(), id, code, c.ClientIP()); err != nil {
		switch casereview.ErrorCode(err) {
		case casereview.CodeUnauthenticated, casereview.CodeInvalid, casereview.CodeMalformed:
			p.Errors = []FieldProblem{{"code", "The code is not correct or has expired: enter the code your app shows now"}}
			h.render(c, http.StatusUnauthorized, "sign-in-code", p)
		case casereview.CodeRateLimited:
			var de *casereview.Error
			errors.As(err, &de) // ErrorCode said so: it is one
			p.Errors = []FieldProblem{{"code", "There have been too many attempts. " + sentence(de.Message)}}
			h.render(c, http.StatusTooManyRequests, "sign-in-code", p)
		default:
			h.fail(c, err)
		}
		return
	}
	c.Redirect(http.StatusSeeOther, next)
}

type enrolData struct {
	Secret string
	QR     template.HTML
	Next   string
	Codes  []string // the recovery codes, shown once after confirming
}

// enrolForm starts setting up an authenticator app: a new secret, shown as a QR code (an SVG
// drawn here, so no image is fetched from anywhere) and as text to type.
func (h *Handler) enrolForm(c *gin.Context) {
	id, ok := identityOf(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	if id.User.MFAEnabled {
		h.flash(c, "An authenticator app is already set up for your account")
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	e, err := h.auth.StartTOTP(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	svg, err := qrSVG(e.URI)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "authenticator", h.page(c, "Set up an authenticator app",
		enrolData{Secret: groupSecret(e.Secret), QR: svg, Next: safeNext(c.Query("next"))}))
}

func (h *Handler) enrol(c *gin.Context) {
	id, ok := identityOf(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	next := safeNext(c.PostForm("next"))
	code := strings.TrimSpace(c.PostForm("code"))
	codes, err := h.auth.ConfirmTOTP(c.Request.Context(), id, code)
	if err != nil {
		if casereview.IsCode(err, casereview.CodeRateLimited) || casereview.IsCode(err, casereview.CodeConflict) {
			h.fail(c, err)
			return
		}
		// Show the same secret again with the error, so the person need not scan a new one.
		e, serr := h.auth.StartTOTP(c.Request.Context(), id)
		if serr != nil {
			h.fail(c, serr)
			return
		}
		svg, qerr := qrSVG(e.URI)
		if qerr != nil {
			h.fail(c, qerr)
			return
		}
		p := h.page(c, "Set up an authenticator app", enrolData{Secret: groupSecret(e.Secret), QR: svg, Next: next})
		msg := "Enter the 6-digit code your authenticator app shows"
		if code != "" {
			msg = "The code is not correct: scan the new QR code below and enter the code your app shows"
		}
		p.Errors = []FieldProblem{{"code", msg}}
		h.render(c, http.StatusUnprocessableEntity, "authenticator", p)
		return
	}
	p := h.page(c, "Your recovery codes", enrolData{Codes: codes, Next: next})
	p.Viewer = nil // the header appears once the person continues
	h.render(c, http.StatusOK, "recovery-codes", p)
}

// groupSecret splits a base32 secret into groups of four for typing.
func groupSecret(s string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.Join(append(parts, s), " ")
}

// qrSVG draws uri as a QR code in SVG: one path of dark modules, with a quiet zone of four.
func qrSVG(uri string) (template.HTML, error) {
	code, err := qr.Encode(uri, qr.M)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	n := code.Size
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 %d %d" width="%d" height="%d" role="img" aria-labelledby="qr-title" shape-rendering="crispEdges">`,
		n+8, n+8, (n+8)*5, (n+8)*5)
	b.WriteString(`<title id="qr-title">QR code for your authenticator app. If you cannot scan it, type the key shown below.</title>`)
	fmt.Fprintf(&b, `<rect x="-4" y="-4" width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n+8, n+8)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if code.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil // built here from numbers only
}
