package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Issue 13 item 7: tokens and second factors.

// A token made before its owner was given a role that requires a second factor stops working
// until they set one up (before the fix: /audit answered 200 with no second factor ever set up).
func TestAuthTokenNeedsTheOwnersSecondFactor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		admin, _ := authSignInAdmin(t, s, clk, "ada.tokens@example.org")
		u := authAddUser(t, s, "promoted@example.org", "Pro Moted", authViewerRole)
		b := newAuthBrowser(s)
		b.login(t, u.Email, authPassword)
		tok := b.createToken(t, map[string]any{"name": "reports"})
		admin.do(t, http.StatusCreated, "POST", "/api/v1/users/"+u.ID+"/memberships", map[string]string{"role": "oversight"})
		checkProblem(t, authBearer(s, tok.Token, "GET", "/api/v1/audit"), "/api/v1/audit", problemWant{Status: http.StatusUnauthorized,
			Type: "unauthenticated", Detail: "your role requires an authenticator app: sign in and set one up; until then your API tokens do not work"})
		b.enrol(t, clk)
		if r := authBearer(s, tok.Token, "GET", "/api/v1/audit"); r.Status != http.StatusOK {
			t.Fatalf("after enrolment: %d %s", r.Status, r.Body)
		}
	})
}

// Tokens cannot mint tokens, and a session may only while its password or second factor was
// checked in the last 15 minutes.
func TestAuthTokensComeOnlyFromARecentSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		authAddUser(t, s, "minter@example.org", "Min Ter", authViewerRole)
		b := newAuthBrowser(s)
		b.login(t, "minter@example.org", authPassword)
		tok := b.createToken(t, map[string]any{"name": "parent"})
		r := s.Do("POST", "/api/v1/me/tokens", map[string]any{"name": "child"}, "Authorization", "Bearer "+tok.Token)
		checkProblem(t, r, "/api/v1/me/tokens", problemWant{Status: http.StatusForbidden, Type: "forbidden"})
		// Kept alive by use, the session outlives its password check.
		for range 4 {
			clk.Advance(4 * time.Minute)
			b.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
		}
		r = b.send("POST", "/api/v1/me/tokens", map[string]any{"name": "late"})
		checkProblem(t, r, "/api/v1/me/tokens", problemWant{Status: http.StatusForbidden, Type: "forbidden"})
		if !strings.Contains(string(r.Body), "sign in again") {
			t.Errorf("the refusal does not say what to do: %s", r.Body)
		}
		b.login(t, "minter@example.org", authPassword)
		b.createToken(t, map[string]any{"name": "fresh"})
	})
}

// For a second-factor user the code counts as the recent check too.
func TestAuthTokensAfterTheSecondFactor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		b, _ := authSignInAdmin(t, s, clk, "ada.mfa.tokens@example.org")
		b.createToken(t, map[string]any{"name": "just enrolled"})
	})
}

// The command line will not issue a token that could not be used: not for a role that
// requires a second factor to a user who never set one up, nor to a disabled user.
func TestAuthIssueTokenNeedsEnrolment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		u := authAddUser(t, s, "cli.admin@example.org", "Cli Admin", authAdminRole)
		ctx := authSystemCtx()
		if _, _, err := s.App.Auth().IssueToken(ctx, u, "script", nil); !casereview.IsCode(err, casereview.CodeConflict) {
			t.Fatalf("token for an unenrolled admin: %v", err)
		}
		b := newAuthBrowser(s)
		b.login(t, u.Email, authPassword)
		b.enrol(t, clk)
		c, err := s.App.Store().CredentialsByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := s.App.Auth().IssueToken(ctx, c.User, "script", nil)
		if err != nil {
			t.Fatalf("token for an enrolled admin: %v", err)
		}
		if r := authBearer(s, tok, "GET", "/api/v1/audit"); r.Status != http.StatusOK {
			t.Fatalf("CLI token: %d %s", r.Status, r.Body)
		}
	})
}

// A password change ends the person's other sessions and revokes all their tokens; so does an
// admin's reset, which also ends the session they were in.
func TestAuthPasswordChangeAndResetRevokeEverything(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		admin, _ := authSignInAdmin(t, s, clk, "ada.revoke@example.org")
		u := authAddUser(t, s, "changer@example.org", "Chan Ger", authViewerRole)
		here, there := newAuthBrowser(s), newAuthBrowser(s)
		here.login(t, u.Email, authPassword)
		there.login(t, u.Email, authPassword)
		tok := here.createToken(t, map[string]any{"name": "before the change"})
		here.do(t, http.StatusNoContent, "POST", "/api/v1/me/password", map[string]string{"current_password": authPassword, "new_password": authPassword2})
		here.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
		there.do(t, http.StatusUnauthorized, "GET", "/api/v1/me", nil)
		if r := authBearer(s, tok.Token, "GET", "/api/v1/me"); r.Status != http.StatusUnauthorized {
			t.Fatalf("token after a password change: %d", r.Status)
		}

		tok2 := here.createToken(t, map[string]any{"name": "before the reset"})
		// Only admins reset; a user resetting their own is refused, someone else's is not found.
		here.do(t, http.StatusForbidden, "POST", "/api/v1/users/"+u.ID+"/password", map[string]string{"password": "quartz meadow lantern ferry"})
		admin.do(t, http.StatusUnprocessableEntity, "POST", "/api/v1/users/"+u.ID+"/password", map[string]string{"password": "short"})
		admin.do(t, http.StatusOK, "POST", "/api/v1/users/"+u.ID+"/password", map[string]string{"password": "quartz meadow lantern ferry"})
		here.do(t, http.StatusUnauthorized, "GET", "/api/v1/me", nil)
		if r := authBearer(s, tok2.Token, "GET", "/api/v1/me"); r.Status != http.StatusUnauthorized {
			t.Fatalf("token after a reset: %d", r.Status)
		}
		newAuthBrowser(s).login(t, u.Email, "quartz meadow lantern ferry")
		if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditPasswordReset)})); n != 1 {
			t.Errorf("%d user.password_reset events, want 1", n)
		}
	})
}

// TOTP secrets are stored sealed, never as the secret itself; a secret stored in plaintext (as
// before) keeps working and is sealed at start or on first use.
func TestAuthTOTPSecretsAreSealed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		_, u := authSignInAdmin(t, s, clk, "ada.sealed@example.org")
		ctx := authSystemCtx()
		stored := func() string {
			all, err := s.App.Store().TOTPSecrets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return all[u.ID]
		}
		sealed := stored()
		if !auth.IsSealed(sealed) {
			t.Fatalf("stored secret is not sealed: %q", sealed)
		}
		box, err := auth.NewSecretBox(mustKey(t))
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := box.Open(sealed, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sealed, secret) {
			t.Fatal("the sealed value contains the secret")
		}
		// As a database from before sealing: plaintext. Start-up seals it.
		if err := s.App.Store().ReplaceTOTPSecret(ctx, u.ID, sealed, secret); err != nil {
			t.Fatal(err)
		}
		if n, err := s.App.Auth().SealSecrets(ctx); err != nil || n != 1 {
			t.Fatalf("seal at start: %d, %v", n, err)
		}
		if !auth.IsSealed(stored()) {
			t.Fatal("not sealed at start")
		}
		// First use: plaintext again, and a sign-in with the code seals it.
		if err := s.App.Store().ReplaceTOTPSecret(ctx, u.ID, stored(), secret); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute) // a fresh code
		b := newAuthBrowser(s)
		b.login(t, u.Email, authPassword)
		b.do(t, http.StatusOK, "POST", "/api/v1/auth/mfa", map[string]string{"code": authTOTP(t, secret, clk)})
		if !auth.IsSealed(stored()) {
			t.Fatal("not sealed on first use")
		}
	})
}

func mustKey(t *testing.T) []byte {
	t.Helper()
	k, err := auth.ParseSecretKey("dGVzdCBrZXkgZm9yIGNhc2VyZXZpZXcgdGVzdHMgMzI=")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Passwords are compared in Unicode NFC: "é" typed as one code point or as e + combining accent
// is the same password.
func TestAuthPasswordsAreNormalised(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, _ := authStart(t, dialect)
		const composed, decomposed = "caf\u00e9 lantern orchard", "cafe\u0301 lantern orchard"
		h, err := s.App.Auth().NewPasswordHash(decomposed)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.App.Store().CreateUser(authSystemCtx(), casereview.UserDraft{Email: "nfc@example.org", DisplayName: "Nfc Person"}, h); err != nil {
			t.Fatal(err)
		}
		newAuthBrowser(s).login(t, "nfc@example.org", composed)
		newAuthBrowser(s).login(t, "nfc@example.org", decomposed)
	})
}
