package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// TestAuthSessionCookie: the session cookie is HttpOnly, SameSite=Lax, Path=/, lives as long as
// a session may, is Secure when the request came over TLS (the default "auto" mode), and every
// sign-in gets a new session id and CSRF token.
func TestAuthSessionCookie(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, _ := authStart(t, dialect)
		const email = "cookie@example.org"
		authAddUser(t, s, email, "Cookie Person", authViewerRole)

		check := func(name string, b *authBrowser, secure bool) {
			t.Helper()
			c := b.set
			if c == nil {
				t.Fatalf("%s: no %s cookie set", name, authCookieName)
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure || c.MaxAge != 12*60*60 {
				t.Errorf("%s: cookie HttpOnly=%v SameSite=%v Path=%q Secure=%v MaxAge=%d; want HttpOnly, Lax, /, Secure=%v, 43200",
					name, c.HttpOnly, c.SameSite, c.Path, c.Secure, c.MaxAge, secure)
			}
			if len(c.Value) < 40 {
				t.Errorf("%s: session id %q is too short to be unguessable", name, c.Value)
			}
		}

		a := newAuthBrowser(s)
		m1 := a.login(t, email, authPassword)
		check("plain HTTP", a, false)
		first, firstCSRF := a.cookie, *m1.CSRFToken
		if strings.Contains(string(m1.Raw), first) {
			t.Error("the session id appears in the response body")
		}

		// Signing in again, even from a browser that holds a session, gives a new session id.
		m2 := a.login(t, email, authPassword)
		if a.cookie == first || *m2.CSRFToken == firstCSRF {
			t.Error("a second sign-in reused the session id or CSRF token")
		}

		tls := newAuthBrowser(s)
		tls.do(t, http.StatusOK, "POST", "https://casereview.example/api/v1/auth/login", map[string]string{"email": email, "password": authPassword})
		check("TLS", tls, true)
		if tls.cookie == first || tls.cookie == a.cookie {
			t.Error("sign-ins share a session id")
		}
	})
}

// TestAuthSessionLifetime: a session ends 12 hours after sign-in however busy it is, after
// 30 minutes without use, and at sign-out; an ended session's cookie is refused and cleared.
func TestAuthSessionLifetime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		const email = "lifetime@example.org"
		authAddUser(t, s, email, "Life Time", authViewerRole)

		t.Run("absolute", func(t *testing.T) {
			b := newAuthBrowser(s)
			b.login(t, email, authPassword)
			elapsed := time.Duration(0)
			for elapsed+25*time.Minute < 12*time.Hour {
				clk.Advance(25 * time.Minute)
				elapsed += 25 * time.Minute
				b.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
			}
			clk.Advance(12*time.Hour - elapsed - time.Second)
			b.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
			clk.Advance(time.Second)
			stale := b.cookie
			b.do(t, http.StatusUnauthorized, "GET", "/api/v1/me", nil)
			if b.set == nil || b.set.MaxAge >= 0 || b.cookie != "" {
				t.Errorf("an expired session's cookie was not cleared: %+v", b.set)
			}
			b.cookie = stale
			b.do(t, http.StatusUnauthorized, "GET", "/api/v1/me", nil)
		})

		t.Run("idle", func(t *testing.T) {
			b := newAuthBrowser(s)
			b.login(t, email, authPassword)
			clk.Advance(30*time.Minute - time.Second)
			b.do(t, http.StatusOK, "GET", "/api/v1/me", nil) // use moves the idle clock on
			clk.Advance(30*time.Minute - time.Second)
			b.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
			clk.Advance(30 * time.Minute)
			b.do(t, http.StatusUnauthorized, "GET", "/api/v1/me", nil)
		})

		t.Run("logout", func(t *testing.T) {
			b, other := newAuthBrowser(s), newAuthBrowser(s)
			b.login(t, email, authPassword)
			other.login(t, email, authPassword)
			// Sign-out is a write: it needs the CSRF token too.
			r := s.Do("POST", "/api/v1/auth/logout", nil, "Cookie", authCookieName+"="+b.cookie, "Content-Type", "application/json")
			checkProblem(t, r, "/api/v1/auth/logout", problemWant{Status: http.StatusForbidden, Type: "forbidden"})
			b.do(t, http.StatusOK, "GET", "/api/v1/me", nil)

			stale := b.cookie
			b.do(t, http.StatusNoContent, "POST", "/api/v1/auth/logout", nil)
			if b.set == nil || b.set.MaxAge >= 0 || !b.set.HttpOnly || b.set.Path != "/" {
				t.Errorf("sign-out did not clear the cookie properly: %+v", b.set)
			}
			b.cookie = stale
			b.do(t, http.StatusUnauthorized, "GET", "/api/v1/me", nil)
			b.cookie = stale
			b.do(t, http.StatusUnauthorized, "POST", "/api/v1/auth/logout", nil)
			// Only that session ended.
			other.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
			if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditLogout)})); n != 1 {
				t.Errorf("%d session.logout events, want 1", n)
			}
		})
	})
}

// TestAuthCSRF: a cookie-authenticated unsafe request must carry its own session's CSRF token;
// safe requests and bearer-token requests need none.
func TestAuthCSRF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		authAddUser(t, s, "csrf@example.org", "Csrf Person", authViewerRole)
		authAddUser(t, s, "csrf2@example.org", "Other Person", authViewerRole)
		b, other := newAuthBrowser(s), newAuthBrowser(s)
		b.login(t, "csrf@example.org", authPassword)
		other.login(t, "csrf2@example.org", authPassword)
		clk.Advance(time.Minute)

		body := map[string]string{"name": "script"}
		for _, c := range []struct{ name, token string }{
			{"no token", ""}, {"wrong token", "not-the-token"}, {"another session's token", other.csrf},
			{"token with a suffix", b.csrf + "x"},
		} {
			h := []string{"Cookie", authCookieName + "=" + b.cookie}
			if c.token != "" {
				h = append(h, authCSRFHeader, c.token)
			}
			checkProblem(t, s.Do("POST", "/api/v1/me/tokens", body, h...), "/api/v1/me/tokens",
				problemWant{Status: http.StatusForbidden, Type: "forbidden"})
		}
		var list struct {
			Items []map[string]any `json:"items"`
		}
		// Reads need no token.
		s.Must(http.StatusOK, "GET", "/api/v1/me/tokens", nil, "Cookie", authCookieName+"="+b.cookie).JSON(t, &list)
		if len(list.Items) != 0 {
			t.Fatalf("a request refused for CSRF created a token: %v", list.Items)
		}
		var tok struct {
			Token   string         `json:"token"`
			Details map[string]any `json:"details"`
		}
		b.do(t, http.StatusCreated, "POST", "/api/v1/me/tokens", body).JSON(t, &tok)

		// Deleting is unsafe too.
		path := "/api/v1/me/tokens/" + tok.Details["id"].(string)
		checkProblem(t, s.Do("DELETE", path, nil, "Cookie", authCookieName+"="+b.cookie), path,
			problemWant{Status: http.StatusForbidden, Type: "forbidden"})
		// A bearer token is not sent automatically by browsers, so it needs no CSRF token (but a
		// token may not make tokens: that is refused for what it is, not for CSRF).
		checkProblem(t, s.Do("POST", "/api/v1/me/tokens", body, "Authorization", "Bearer "+tok.Token), "/api/v1/me/tokens",
			problemWant{Status: http.StatusForbidden, Type: "forbidden", Detail: "API tokens cannot create API tokens; sign in to create one"})
		s.Must(http.StatusNoContent, "DELETE", path, nil, "Authorization", "Bearer "+tok.Token)
		// Without any credentials an unsafe request is simply unauthenticated.
		checkProblem(t, s.Do("POST", "/api/v1/me/tokens", body), "/api/v1/me/tokens",
			problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})
	})
}
