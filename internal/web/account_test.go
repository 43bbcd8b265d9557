package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// A person finds their account from every page, and sees who the service thinks they are.
func TestAccountPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		b := s.Browser()
		p := b.SignIn("police@example.test")
		if !p.Has(`.moj-identity-bar a[href="/account"]`) {
			t.Fatal("the identity bar has no link to the account")
		}
		p = b.Get("/account").Must(http.StatusOK)
		details := p.Text("#account-details")
		for _, want := range []string{"police@example.test", "Agency editor: Eastmere and Vale Police", "Not set up", "0 active"} {
			if !strings.Contains(details, want) {
				t.Errorf("account details lack %q: %q", want, details)
			}
		}
		if !p.Has(`a[href="/account/authenticator?next=/account"]`) {
			t.Error("no way to set up an authenticator app")
		}
	})
}

// Changing the password: every problem at its field, nothing changed by a refused form; once
// changed, the old password no longer signs in and the person's other sessions have ended.
func TestAccountChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		b, other := s.Browser(), s.Browser()
		b.SignIn("police@example.test")
		other.SignIn("police@example.test")
		const next = "quartz meadow lantern orbit"

		p := b.Post("/account/password", url.Values{"current_password": {""}, "new_password": {next},
			"confirm_password": {next + "x"}}).Must(http.StatusUnprocessableEntity)
		if !p.Has("#current_password-error") || !p.Has("#confirm_password-error") || len(p.Errors()) != 2 {
			t.Errorf("errors = %q", p.Errors())
		}
		if v, _ := p.Doc.Find("#new_password").Attr("value"); v != "" {
			t.Error("a password was echoed back into the page")
		}
		p = b.Post("/account/password", url.Values{"current_password": {"not my password at all"}, "new_password": {next},
			"confirm_password": {next}}).Must(http.StatusUnprocessableEntity)
		if got := p.Text("#current_password-error"); !strings.Contains(got, "current password is wrong") {
			t.Errorf("wrong current password: %q", got)
		}
		p = b.Post("/account/password", url.Values{"current_password": {webtest.Password}, "new_password": {"short"},
			"confirm_password": {"short"}}).Must(http.StatusUnprocessableEntity)
		if !p.Has("#new_password-error") {
			t.Errorf("a weak password was not refused at its field: %q", p.Errors())
		}
		// Still the old password: every refused form changed nothing.
		if other.Get("/account").Status != http.StatusOK || !strings.Contains(other.Last.Text("h1"), "Your account") {
			t.Fatal("a refused change ended the other session")
		}

		p = b.Post("/account/password", url.Values{"current_password": {webtest.Password}, "new_password": {next},
			"confirm_password": {next}}).Must(http.StatusOK)
		if !strings.Contains(p.Text(".govuk-notification-banner"), "Your password has been changed") || p.URL != "/account" {
			t.Errorf("after the change: %s %q", p.URL, p.Text(".govuk-notification-banner"))
		}
		b.Get("/account").Must(http.StatusOK) // this session goes on
		if p := other.Get("/account"); p.URL != "/sign-in" && !strings.HasPrefix(p.URL, "/sign-in?") {
			t.Errorf("the other session still works: landed on %s", p.URL)
		}
		fresh := s.Browser()
		fresh.Get("/sign-in")
		if p := fresh.Post("/sign-in", url.Values{"email": {"police@example.test"}, "password": {webtest.Password}}); p.Status == http.StatusOK && !p.Has(".govuk-error-summary") {
			t.Error("the old password still signs in")
		}
		fresh.Get("/sign-in")
		if p := fresh.Post("/sign-in", url.Values{"email": {"police@example.test"}, "password": {next}}); p.Has(".govuk-error-summary") {
			t.Errorf("the new password does not sign in: %q", p.Errors())
		}
	})
}

// API tokens: created with a name and an expiry, the secret shown once and working against the
// API, listed without it, and revoked from the list.
func TestAccountAPITokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("icb@example.test", casereview.RoleAgencyEditor, "NHS Eastmere and Hollowbrook Integrated Care Board")
		b := s.Browser()
		b.SignIn("police@example.test")
		p := b.Get("/account/tokens").Must(http.StatusOK)
		if !p.Has("#no-tokens") {
			t.Error("no 'You have no API tokens'")
		}

		p = b.Post("/account/tokens", url.Values{"name": {" "}, "expires_in": {"3650"}}).Must(http.StatusUnprocessableEntity)
		if !p.Has("#name-error") || !p.Has("#expires_in-error") {
			t.Errorf("errors = %q", p.Errors())
		}

		p = b.Post("/account/tokens", url.Values{"name": {"Quarterly upload"}, "expires_in": {"30"}}).Must(http.StatusOK)
		secret := p.Text("#new-token")
		if secret == "" || p.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("secret %q, Cache-Control %q", secret, p.Header.Get("Cache-Control"))
		}
		me := s.API.Do(http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+secret)
		if me.Status != http.StatusOK || !strings.Contains(string(me.Body), "police@example.test") {
			t.Fatalf("the new token does not work: %d %s", me.Status, me.Body)
		}
		p = b.Get("/account/tokens").Must(http.StatusOK)
		if strings.Contains(p.Body, secret) {
			t.Fatal("the secret is shown again")
		}
		row := p.Doc.Find("#tokens tbody tr")
		if row.Length() != 1 {
			t.Fatalf("%d rows", row.Length())
		}
		want := webtest.Now.Add(30 * 24 * time.Hour).Format("2 January 2006")
		if txt := row.Text(); !strings.Contains(txt, "Quarterly upload") || !strings.Contains(txt, want) || !strings.Contains(txt, "Active") {
			t.Errorf("row = %q, want the expiry %s", txt, want)
		}
		id := strings.TrimPrefix(row.AttrOr("id", ""), "token-")

		// Someone else cannot revoke it.
		o := s.Browser()
		o.SignIn("icb@example.test")
		if st := o.Post("/account/tokens/"+id+"/revoke", nil).Status; st != http.StatusNotFound {
			t.Errorf("another person revoking: %d", st)
		}
		if s.API.Do(http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+secret).Status != http.StatusOK {
			t.Fatal("another person's attempt revoked the token")
		}

		p = b.Post("/account/tokens/"+id+"/revoke", nil).Must(http.StatusOK)
		if !strings.Contains(p.Text("#token-"+id), "Revoked") || p.Has("#token-"+id+" button") {
			t.Errorf("after revoking: %q", p.Text("#token-"+id))
		}
		if st := s.API.Do(http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+secret).Status; st != http.StatusUnauthorized {
			t.Errorf("a revoked token answered %d", st)
		}
		if p := b.Get("/account").Must(http.StatusOK); p.Text("#token-count") != "0 active" {
			t.Errorf("count = %q", p.Text("#token-count"))
		}
	})
}

// A session whose password was checked long ago must sign in again before minting a token.
func TestAccountTokenNeedsRecentSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		b := s.Browser()
		b.SignIn("police@example.test")
		for i := 0; i < 4; i++ { // keep the session alive while its sign-in grows old
			s.Clock.Advance(5 * time.Minute)
			b.Get("/account").Must(http.StatusOK)
		}
		p := b.Post("/account/tokens", url.Values{"name": {"Late"}, "expires_in": {"7"}}).Must(http.StatusForbidden)
		if got := p.Text("#name-error"); !strings.Contains(got, "sign in again") {
			t.Errorf("error = %q", got)
		}
		if p.Has("#tokens") {
			t.Error("a token was created")
		}
	})
}
