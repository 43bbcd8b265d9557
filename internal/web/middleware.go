package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
)

const (
	// sessionCookie is the same cookie the JSON API issues, so one sign-in serves both.
	sessionCookie = "casereview_session"
	// preCSRFCookie carries the double-submit token of forms shown before a session exists (the
	// sign-in form), so a cross-site page cannot sign a victim in to the attacker's account.
	preCSRFCookie = "casereview_csrf"
	csrfField     = "csrf_token"

	keyIdentity = "web.identity"
	keyNonce    = "web.nonce"
)

// maxFormBytes bounds every form post; evidence uploads may carry a 10 MiB file.
const maxFormBytes = 11 << 20

// maxReportFormBytes bounds the upload of a review's report, which may be larger than evidence
// (casereview.MaxReportBytes), with room for the form's other fields.
const maxReportFormBytes = casereview.MaxReportBytes + 1<<20

// maxBodyFor is the largest body a request to path may carry.
func maxBodyFor(path string) int64 {
	if strings.HasPrefix(path, "/reviews/") && strings.HasSuffix(path, "/report") {
		return maxReportFormBytes
	}
	return maxFormBytes
}

// securityHeaders sets a strict Content-Security-Policy with a fresh nonce for the one inline
// script of the layout (it marks the body as JavaScript-enabled before first paint), and keeps
// pages, which carry personal data, out of shared caches.
func (h *Handler) securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		nonce := randomToken(18)
		c.Set(keyNonce, nonce)
		hd := c.Writer.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-"+nonce+"'; style-src 'self'; "+
			"img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "+
			"form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		if !strings.HasPrefix(c.Request.URL.Path, "/assets/") {
			hd.Set("Cache-Control", "no-store")
		}
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyFor(c.Request.URL.Path))
		}
		c.Next()
	}
}

// openPaths are reachable without signing in; everything else sends an anonymous visitor to the
// sign-in page and back afterwards.
func openPath(p string) bool {
	return p == "/sign-in" || p == "/signed-out" || strings.HasPrefix(p, "/assets/") || publicPath(p)
}

// unfinishedPaths are all a session that still owes its second factor may use.
func unfinishedPath(p string) bool {
	return p == "/sign-in" || p == "/sign-in/code" || p == "/account/authenticator" || p == "/sign-out" ||
		p == "/signed-out" || strings.HasPrefix(p, "/assets/") || publicPath(p)
}

// passwordChangePath is all someone whose password an admin reset may use until they change it.
func passwordChangePath(p string) bool {
	return p == "/account/password" || p == "/sign-out" || p == "/signed-out" || p == "/session/extend" ||
		strings.HasPrefix(p, "/assets/") || publicPath(p)
}

// identify works out who is asking from the session cookie and puts the actor in the request
// context, where every domain call reads it.
func (h *Handler) identify() gin.HandlerFunc {
	return func(c *gin.Context) {
		path := c.Request.URL.Path
		var id auth.Identity
		signedIn := false
		if cookie, err := c.Cookie(sessionCookie); err == nil && cookie != "" && h.auth != nil && !strings.HasPrefix(path, "/assets/") {
			got, err := h.auth.Session(c.Request.Context(), cookie)
			switch {
			case err == nil:
				id, signedIn = got, true
			case casereview.IsCode(err, casereview.CodeUnauthenticated):
				h.setSessionCookie(c, "", -1) // expired or revoked: forget it
			default:
				h.fail(c, err)
				c.Abort()
				return
			}
		}
		actor := casereview.Anonymous
		if signedIn {
			actor = id.Actor
			c.Set(keyIdentity, id)
		}
		c.Request = c.Request.WithContext(casereview.WithActor(c.Request.Context(), actor))
		switch {
		case !signedIn && !openPath(path):
			target := "/sign-in"
			if c.Request.Method == http.MethodGet && path != "/" {
				target += "?next=" + urlQueryEscape(c.Request.URL.RequestURI())
			}
			c.Redirect(http.StatusSeeOther, target)
			c.Abort()
			return
		case signedIn && !id.Complete() && !unfinishedPath(path):
			c.Redirect(http.StatusSeeOther, nextSignInStep(id))
			c.Abort()
			return
		case signedIn && id.Complete() && id.User.MustChangePassword && !passwordChangePath(path):
			// An admin reset the password: the person chooses their own before anything else.
			c.Redirect(http.StatusSeeOther, "/account/password")
			c.Abort()
			return
		}
		c.Next()
	}
}

func nextSignInStep(id auth.Identity) string {
	if id.MFAState == auth.MFAEnrol {
		return "/account/authenticator"
	}
	return "/sign-in/code"
}

// checkCSRF refuses any post whose csrf_token field does not match the session's token (or, before
// sign-in, the double-submit cookie). SameSite=Lax cookies already stop most cross-site posts;
// this stops the rest.
func (h *Handler) checkCSRF() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
			c.Next()
			return
		}
		if tooLarge(c) {
			h.fail(c, &casereview.Error{Code: casereview.CodeTooLarge,
				Message: fmt.Sprintf("What you sent is larger than %d MB, the most a form may carry (evidence files may be up to 10 MB, a review’s report up to 25 MB). Go back and choose a smaller file.", maxBodyFor(c.Request.URL.Path)>>20)})
			c.Abort()
			return
		}
		want := h.csrfToken(c)
		got := c.PostForm(csrfField)
		if want == "" || !auth.ConstantTimeEqual(got, want) {
			h.fail(c, casereview.Forbidden("this form has expired or did not come from this service; go back, reload the page and try again"))
			c.Abort()
			return
		}
		c.Next()
	}
}

// csrfToken is the token forms on this request must carry: the session's, or before sign-in the
// double-submit cookie's (set here when absent).
func (h *Handler) csrfToken(c *gin.Context) string {
	if id, ok := identityOf(c); ok {
		return id.CSRFToken
	}
	if v, err := c.Cookie(preCSRFCookie); err == nil && len(v) >= 20 {
		return v
	}
	if c.Request.Method != http.MethodGet {
		return "" // a post with no cookie cannot match anything
	}
	v := randomToken(24)
	http.SetCookie(c.Writer, &http.Cookie{Name: preCSRFCookie, Value: v, Path: "/", HttpOnly: true,
		Secure: h.secure(c), SameSite: http.SameSiteStrictMode})
	return v
}

func (h *Handler) recover() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				h.fail(c, fmt.Errorf("panic: %v", r))
				c.Abort()
			}
		}()
		c.Next()
	}
}

// identityOf returns the signed-in identity of the request.
func identityOf(c *gin.Context) (auth.Identity, bool) {
	v, ok := c.Get(keyIdentity)
	if !ok {
		return auth.Identity{}, false
	}
	id, ok := v.(auth.Identity)
	return id, ok
}

func (h *Handler) secure(c *gin.Context) bool {
	switch h.o.CookieSecure {
	case "always":
		return true
	case "never":
		return false
	}
	return c.Request.TLS != nil
}

func (h *Handler) setSessionCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.secure(c), SameSite: http.SameSiteLaxMode})
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// tooLarge parses the posted form and reports whether the body went over maxFormBytes, so an
// oversized upload is answered as such rather than as a form without its token.
func tooLarge(c *gin.Context) bool {
	var err error
	if strings.HasPrefix(c.ContentType(), "multipart/") {
		err = c.Request.ParseMultipartForm(maxFormBytes)
	} else {
		err = c.Request.ParseForm()
	}
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
