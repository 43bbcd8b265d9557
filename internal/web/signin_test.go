package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

func TestSignInJourney(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("agency@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		b := s.Browser()

		// An anonymous visitor is sent to sign in, and back afterwards.
		p := b.Get("/reviews?x=1")
		if !strings.HasPrefix(p.URL, "/sign-in?next=") || !p.Has(`form[action="/sign-in"]`) {
			t.Fatalf("anonymous visit ended at %s", p.URL)
		}
		if next, _ := p.Doc.Find(`input[name="next"]`).Attr("value"); next != "/reviews?x=1" {
			t.Errorf("next = %q", next)
		}

		// Empty fields and a wrong password get GOV.UK errors, keep the email, never echo the password.
		p = b.Post("/sign-in", url.Values{"email": {""}, "password": {""}})
		if p.Status != http.StatusUnprocessableEntity || len(p.Errors()) != 2 || !p.Has("#email-error") || !p.Has("#password-error") {
			t.Fatalf("empty sign-in: %d %v", p.Status, p.Errors())
		}
		if !strings.HasPrefix(p.Text("title"), "Error:") {
			t.Errorf("title after an error = %q, want it to start with Error:", p.Text("title"))
		}
		p = b.Post("/sign-in", url.Values{"email": {"agency@example.test"}, "password": {"wrong password here"}})
		if p.Status != http.StatusUnauthorized || len(p.Errors()) != 1 || !strings.Contains(p.Errors()[0], "correct email address and password") {
			t.Fatalf("wrong password: %d %v", p.Status, p.Errors())
		}
		if v, _ := p.Doc.Find("#email").Attr("value"); v != "agency@example.test" {
			t.Errorf("email not kept: %q", v)
		}
		if strings.Contains(p.Body, "wrong password here") {
			t.Error("the password was sent back to the browser")
		}

		// A post without the form's token is refused, even with the right password.
		p = b.Post("/sign-in", url.Values{"email": {"agency@example.test"}, "password": {webtest.Password}, "csrf_token": {"forged"}})
		if p.Status != http.StatusForbidden || p.Has(".moj-identity-bar") {
			t.Fatalf("forged sign-in: %d", p.Status)
		}

		p = b.SignIn("agency@example.test")
		if !strings.Contains(p.Text(".moj-identity-bar"), "Eastmere and Vale Police") {
			t.Errorf("identity bar = %q", p.Text(".moj-identity-bar"))
		}
		csp := p.Header.Get("Content-Security-Policy")
		if strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "'nonce-") {
			t.Errorf("CSP = %q", csp)
		}
		if p.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q", p.Header.Get("Cache-Control"))
		}

		// A signed-in post with a forged token is refused and signs nobody out.
		p = b.Post("/sign-out", url.Values{"csrf_token": {"forged"}})
		if p.Status != http.StatusForbidden {
			t.Fatalf("forged sign-out: %d", p.Status)
		}
		b.Get("/")
		p = b.Post("/sign-out", nil)
		if p.URL != "/signed-out" || p.Has(".moj-identity-bar") {
			t.Fatalf("sign out ended at %s", p.URL)
		}
		if p = b.Get("/"); !strings.HasPrefix(p.URL, "/sign-in") {
			t.Errorf("after signing out / went to %s", p.URL)
		}
	})
}

func TestOversightSetsUpAnAuthenticator(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.Get("/sign-in")
		p := b.Post("/sign-in", url.Values{"email": {"oversight@example.test"}, "password": {webtest.Password}})
		if p.URL != "/account/authenticator" || !p.Has(".app-qr svg path") {
			t.Fatalf("oversight sign-in went to %s without a QR code", p.URL)
		}
		// Until the second factor is set up, nothing else is reachable.
		if p = b.Get("/search"); p.URL != "/account/authenticator" {
			t.Errorf("half-signed-in /search went to %s", p.URL)
		}
		p = b.Post("/account/authenticator", url.Values{"code": {"000000"}})
		if p.Status != http.StatusUnprocessableEntity || len(p.Errors()) != 1 || !p.Has(".app-qr svg") {
			t.Fatalf("wrong code: %d %v", p.Status, p.Errors())
		}
		// A second browser signs in with a code once the first has set it up.
		b.SignIn("oversight@example.test")
		b2 := s.Browser()
		p = b2.SignIn("oversight@example.test")
		if !strings.Contains(p.Text(".moj-identity-bar"), "Oversight") {
			t.Errorf("identity bar = %q", p.Text(".moj-identity-bar"))
		}
	})
}

// Signing in again over a live session ends the old one: its id is never left valid.
func TestSignInAgainRotatesTheSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("viewer@example.test", casereview.RoleViewer, "")
		b := s.Browser()
		b.SignIn("viewer@example.test")
		old := b.Cookie("casereview_session")
		p := b.Post("/sign-in", url.Values{"email": {"viewer@example.test"}, "password": {webtest.Password}})
		if !p.Has(".moj-identity-bar") {
			t.Fatalf("signing in again ended at %s (%d)", p.URL, p.Status)
		}
		if now := b.Cookie("casereview_session"); now == "" || now == old {
			t.Fatalf("the session id was not replaced")
		}
		replay := s.Browser()
		replay.SetCookie("casereview_session", old)
		if p := replay.Get("/"); !strings.HasPrefix(p.URL, "/sign-in") {
			t.Errorf("the old session still works: ended at %s", p.URL)
		}
	})
}
