package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
)

const (
	sessionCookie = "casereview_session"
	csrfHeader    = "X-CSRF-Token"
	keyIdentity   = "casereview.identity"
)

// CookieSecure says when the session cookie carries the Secure attribute.
type CookieSecure string

const (
	CookieSecureAuto   CookieSecure = "auto"   // when the request came over TLS
	CookieSecureAlways CookieSecure = "always" // behind a proxy that terminates TLS
	CookieSecureNever  CookieSecure = "never"  // plain-HTTP development only
)

// routes a session that still owes its second factor may use.
var unfinishedSignIn = map[string]bool{
	"/api/v1/auth/login": true, // signing in afresh replaces the unfinished session
	"/api/v1/auth/mfa":   true, "/api/v1/auth/logout": true, "/api/v1/me": true,
	"/api/v1/me/mfa/totp": true, "/api/v1/me/mfa/totp/confirm": true,
}

// routes open to someone whose password an admin reset, until they choose a new one.
var passwordChangeRoutes = map[string]bool{
	"/api/v1/auth/login": true, "/api/v1/auth/logout": true, "/api/v1/me": true, "/api/v1/me/password": true,
}

// authenticate works out who is calling: a bearer API token, a session cookie, or nobody. It
// puts the actor in the request context, where the store reads it for every check, and
// enforces CSRF protection for cookie-authenticated writes and the second factor for sessions.
func authenticate(svc *auth.Service, fallback casereview.Actor, mode CookieSecure) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := identify(c, svc, mode)
		if c.IsAborted() {
			return
		}
		actor := fallback
		if ok {
			actor = id.Actor
			c.Set(keyIdentity, id)
			if id.SessionHash != "" {
				if unsafe(c.Request.Method) && !auth.ConstantTimeEqual(c.GetHeader(csrfHeader), id.CSRFToken) {
					writeProblem(c, casereview.Forbidden("send the session's csrf_token (from /api/v1/me) in the "+csrfHeader+" header"))
					return
				}
				if !id.Complete() && !unfinishedSignIn[c.FullPath()] {
					writeProblem(c, &casereview.Error{Code: casereview.CodeUnauthenticated,
						Message: "finish signing in first: " + nextStep(id.MFAState)})
					return
				}
			}
			// The second factor comes first; then the new password.
			if id.Complete() && id.User.MustChangePassword && !passwordChangeRoutes[c.FullPath()] {
				writeProblem(c, casereview.Forbidden("an admin reset your password: choose a new one first "+
					"(POST /api/v1/me/password with your current password and a new one)"))
				return
			}
		}
		// An anonymous caller writes nothing but a sign-in. Refusing before any record is looked
		// up answers 401 whether the record is hidden, missing or public, so the answer leaks
		// nothing and always tells the client to sign in.
		if !actor.SignedIn() && unsafe(c.Request.Method) && c.FullPath() != "" && !anonymousWrites[c.FullPath()] {
			writeProblem(c, casereview.Unauthenticated())
			return
		}
		ctx := casereview.WithActor(c.Request.Context(), actor)
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// anonymousWrites are the only unsafe routes open to a caller who has not signed in.
var anonymousWrites = map[string]bool{"/api/v1/auth/login": true}

func nextStep(state string) string {
	if state == auth.MFAEnrol {
		return "your role requires an authenticator app; set one up at POST /api/v1/me/mfa/totp"
	}
	return "send the code from your authenticator app to POST /api/v1/auth/mfa"
}

func unsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// identify reads the credentials of the request. A bad bearer token is an error (the caller
// meant to authenticate); a stale session cookie is cleared and the caller treated as anonymous,
// so public pages keep working after a session ends.
func identify(c *gin.Context, svc *auth.Service, mode CookieSecure) (auth.Identity, bool) {
	if svc == nil {
		return auth.Identity{}, false
	}
	if h := c.GetHeader("Authorization"); h != "" {
		token, found := strings.CutPrefix(h, "Bearer ")
		if !found {
			writeProblem(c, &casereview.Error{Code: casereview.CodeUnauthenticated, Message: "use Authorization: Bearer <API token>"})
			return auth.Identity{}, false
		}
		id, err := svc.Token(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			writeProblem(c, err)
			return auth.Identity{}, false
		}
		return id, true
	}
	cookie, err := c.Cookie(sessionCookie)
	if err != nil || cookie == "" {
		return auth.Identity{}, false
	}
	id, err := svc.Session(c.Request.Context(), cookie)
	if err != nil {
		if !casereview.IsCode(err, casereview.CodeUnauthenticated) {
			writeProblem(c, err)
			return auth.Identity{}, false
		}
		clearCookie(c, mode)
		return auth.Identity{}, false
	}
	return id, true
}

// identityOf returns the authenticated identity of a request, or an unauthenticated error.
func identityOf(ctx context.Context) (auth.Identity, error) {
	if c, ok := ctx.(*gin.Context); ok {
		if v, ok := c.Get(keyIdentity); ok {
			return v.(auth.Identity), nil
		}
	}
	return auth.Identity{}, casereview.Unauthenticated()
}

func secure(c *gin.Context, mode CookieSecure) bool {
	switch mode {
	case CookieSecureAlways:
		return true
	case CookieSecureNever:
		return false
	}
	return c.Request.TLS != nil
}

func setCookie(c *gin.Context, value string, maxAge int, mode CookieSecure) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: secure(c, mode), SameSite: http.SameSiteLaxMode})
}

func clearCookie(c *gin.Context, mode CookieSecure) { setCookie(c, "", -1, mode) }
