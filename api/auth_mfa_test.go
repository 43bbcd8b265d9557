package api_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

var authRecoveryCodeShape = regexp.MustCompile(`^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$`)

// authNotTheCode returns a six-digit code that differs from code.
func authNotTheCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// authRequireUnfinished checks that a session owing its second factor can reach only the routes
// that finish (or abandon) the sign-in.
func authRequireUnfinished(t *testing.T, b *authBrowser, state string) {
	t.Helper()
	if m := authMeOf(t, b.do(t, http.StatusOK, "GET", "/api/v1/me", nil)); m.MFAState != state {
		t.Fatalf("/me mfa_state %q, want %q", m.MFAState, state)
	}
	for _, rq := range []struct{ method, path string }{
		{"GET", "/api/v1/users"}, {"GET", "/api/v1/reviews"}, {"GET", "/api/v1/audit"}, {"GET", "/api/v1/me/tokens"},
		{"POST", "/api/v1/me/tokens"}, {"POST", "/api/v1/me/password"}, {"GET", "/api/v1/partnerships"},
	} {
		var body any
		if rq.method == "POST" {
			body = map[string]string{}
		}
		checkProblem(t, b.send(rq.method, rq.path, body), rq.path, problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})
	}
}

// TestAuthMFA walks an admin through enrolment, a second-factor sign-in, replay, wrong codes
// and recovery codes.
func TestAuthMFA(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		const email = "mfa.admin@example.org"
		authAddUser(t, s, email, "Morgan Admin", authAdminRole)

		// 1. An admin without an authenticator must enrol before doing anything else.
		b := newAuthBrowser(s)
		if m := b.login(t, email, authPassword); m.MFAState != "enrol" || m.User.MFAEnabled {
			t.Fatalf("first sign-in: %s", m.Raw)
		}
		authRequireUnfinished(t, b, "enrol")
		checkProblem(t, b.send("POST", "/api/v1/auth/mfa", map[string]string{"code": "123456"}), "/api/v1/auth/mfa",
			problemWant{Status: http.StatusConflict, Type: "conflict"})

		var e struct {
			Secret string `json:"secret"`
			URI    string `json:"otpauth_uri"`
		}
		b.do(t, http.StatusOK, "POST", "/api/v1/me/mfa/totp", nil).JSON(t, &e)
		if !strings.HasPrefix(e.URI, "otpauth://totp/") || !strings.Contains(e.URI, "secret="+e.Secret) {
			t.Errorf("otpauth URI %q for secret %q", e.URI, e.Secret)
		}
		code := authTOTP(t, e.Secret, clk)
		checkProblem(t, b.send("POST", "/api/v1/me/mfa/totp/confirm", map[string]string{"code": authNotTheCode(code)}), "/api/v1/me/mfa/totp/confirm",
			problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid", Errors: []fieldErr{{Field: "code", Code: "invalid"}}})
		authRequireUnfinished(t, b, "enrol")
		var rc struct {
			Codes []string `json:"recovery_codes"`
		}
		b.do(t, http.StatusOK, "POST", "/api/v1/me/mfa/totp/confirm", map[string]string{"code": code}).JSON(t, &rc)
		seen := map[string]bool{}
		for _, c := range rc.Codes {
			if !authRecoveryCodeShape.MatchString(c) || seen[c] {
				t.Errorf("recovery code %q (duplicate: %v)", c, seen[c])
			}
			seen[c] = true
		}
		if len(rc.Codes) != 10 {
			t.Fatalf("%d recovery codes, want 10", len(rc.Codes))
		}
		// Enrolment completes this session.
		if m := authMeOf(t, b.do(t, http.StatusOK, "GET", "/api/v1/me", nil)); m.MFAState != "done" || !m.User.MFAEnabled {
			t.Errorf("after enrolment: %s", m.Raw)
		}
		b.do(t, http.StatusOK, "GET", "/api/v1/users", nil)
		// There is no second enrolment over the top of the first.
		checkProblem(t, b.send("POST", "/api/v1/me/mfa/totp", nil), "/api/v1/me/mfa/totp", problemWant{Status: http.StatusConflict, Type: "conflict"})
		b.do(t, http.StatusNoContent, "POST", "/api/v1/auth/logout", nil)

		// 2. The next sign-in owes a code. The code used at enrolment is spent (replay).
		if m := b.login(t, email, authPassword); m.MFAState != "pending" {
			t.Fatalf("sign-in after enrolment: mfa_state %q", m.MFAState)
		}
		authRequireUnfinished(t, b, "pending")
		// An enrolled user cannot quietly replace the authenticator from an unfinished session.
		checkProblem(t, b.send("POST", "/api/v1/me/mfa/totp", nil), "/api/v1/me/mfa/totp", problemWant{Status: http.StatusConflict, Type: "conflict"})
		wrongCode := problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid", Errors: []fieldErr{{Field: "code", Code: "invalid"}}}
		checkProblem(t, b.send("POST", "/api/v1/auth/mfa", map[string]string{"code": code}), "/api/v1/auth/mfa", wrongCode)
		authRequireUnfinished(t, b, "pending")

		clk.Advance(30 * time.Second)
		code2 := authTOTP(t, e.Secret, clk)
		if m := authMeOf(t, b.do(t, http.StatusOK, "POST", "/api/v1/auth/mfa", map[string]string{"code": code2})); m.MFAState != "done" {
			t.Fatalf("after the code: %s", m.Raw)
		}
		b.do(t, http.StatusOK, "GET", "/api/v1/users", nil)
		checkProblem(t, b.send("POST", "/api/v1/auth/mfa", map[string]string{"code": code2}), "/api/v1/auth/mfa",
			problemWant{Status: http.StatusConflict, Type: "conflict"})
		b.do(t, http.StatusNoContent, "POST", "/api/v1/auth/logout", nil)

		// 3. The same code on a new session within its validity: refused as a replay.
		b.login(t, email, authPassword)
		checkProblem(t, b.send("POST", "/api/v1/auth/mfa", map[string]string{"code": code2}), "/api/v1/auth/mfa", wrongCode)

		// 4. Wrong codes count toward throttling: after the third failure a delay is owed, even
		// for the right code.
		checkProblem(t, b.send("POST", "/api/v1/auth/mfa", map[string]string{"code": "12345"}), "/api/v1/auth/mfa", wrongCode)
		checkProblem(t, b.send("POST", "/api/v1/auth/mfa", map[string]string{"code": authNotTheCode(authTOTP(t, e.Secret, clk))}), "/api/v1/auth/mfa", wrongCode)
		next, err := auth.TOTPCode(e.Secret, clk.Now().Add(30*time.Second)) // valid now (clock skew), never used
		if err != nil {
			t.Fatal(err)
		}
		r := b.send("POST", "/api/v1/auth/mfa", map[string]string{"code": next})
		checkProblem(t, r, "/api/v1/auth/mfa", problemWant{Status: http.StatusTooManyRequests, Type: "rate_limited"})
		if r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditMFAFailed)})); n != 4 {
			t.Errorf("%d session.mfa_failed events, want 4", n)
		}

		// 5. A recovery code works once, typed any way.
		clk.Advance(time.Minute)
		if m := authMeOf(t, b.do(t, http.StatusOK, "POST", "/api/v1/auth/mfa", map[string]string{"code": rc.Codes[0]})); m.MFAState != "done" {
			t.Fatalf("after a recovery code: %s", m.Raw)
		}
		b.do(t, http.StatusNoContent, "POST", "/api/v1/auth/logout", nil)
		b.login(t, email, authPassword)
		checkProblem(t, b.send("POST", "/api/v1/auth/mfa", map[string]string{"code": rc.Codes[0]}), "/api/v1/auth/mfa", wrongCode)
		typed := strings.ToUpper(strings.ReplaceAll(rc.Codes[1], "-", " "))
		b.do(t, http.StatusOK, "POST", "/api/v1/auth/mfa", map[string]string{"code": typed})
		b.do(t, http.StatusOK, "GET", "/api/v1/users", nil)
		if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditRecoveryCodeUsed)})); n != 2 {
			t.Errorf("%d recovery code events, want 2", n)
		}
		for _, ev := range authAuditEvents(t, s, casereview.AuditFilter{}) {
			for _, secret := range append([]string{e.Secret, authPassword}, rc.Codes...) {
				if strings.Contains(ev.Before+ev.After, secret) {
					t.Errorf("audit event %s holds a secret", ev.Action)
				}
			}
		}
	})
}

// TestAuthMFAFailuresSurviveANewSignIn: someone who knows the password but not the second
// factor must not be able to reset the count of wrong codes by signing in again; otherwise the
// six-digit code could be guessed without ever meeting a delay or a lockout.
func TestAuthMFAFailuresSurviveANewSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		const email = "guarded@example.org"
		authAddUser(t, s, email, "Guarded Admin", authAdminRole)
		b := newAuthBrowser(s)
		b.login(t, email, authPassword)
		secret, _ := b.enrol(t, clk)
		b.do(t, http.StatusNoContent, "POST", "/api/v1/auth/logout", nil)

		guesses, refused := 0, 0
		for round := 0; round < 6 && refused == 0; round++ {
			clk.Advance(2 * time.Minute) // wait out any delay on signing in
			b = newAuthBrowser(s)        // as an attacker would: no cookie, a fresh session each time
			b.login(t, email, authPassword)
			for range 2 {
				r := b.send("POST", "/api/v1/auth/mfa", map[string]string{"code": authNotTheCode(authTOTP(t, secret, clk))})
				if r.Status == http.StatusTooManyRequests {
					refused++
					break
				}
				if r.Status != http.StatusUnprocessableEntity {
					t.Fatalf("wrong code: %d %s", r.Status, r.Body)
				}
				guesses++
			}
		}
		if refused == 0 {
			t.Fatalf("%d wrong codes over fresh sign-ins without ever being held back", guesses)
		}
		if guesses > 10 {
			t.Errorf("%d wrong codes accepted for checking before a refusal", guesses)
		}
	})
}

// TestAuthMFARequiredOnPromotion: a session opened without a second factor does not carry a
// role that requires one. When a user is made an admin, their existing session must enrol an
// authenticator before it can use the new powers.
func TestAuthMFARequiredOnPromotion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		admin, _ := authSignInAdmin(t, s, clk, "ada@example.org")
		u := authAddUser(t, s, "riley@example.org", "Riley Promoted", authViewerRole)
		b := newAuthBrowser(s)
		if m := b.login(t, "riley@example.org", authPassword); m.MFAState != "not_required" {
			t.Fatalf("viewer sign-in: mfa_state %q", m.MFAState)
		}
		b.do(t, http.StatusOK, "GET", "/api/v1/reviews", nil)

		admin.do(t, http.StatusCreated, "POST", "/api/v1/users/"+u.ID+"/memberships", map[string]string{"role": "admin"})
		authRequireUnfinished(t, b, "enrol")
		b.enrol(t, clk)
		if m := authMeOf(t, b.do(t, http.StatusOK, "GET", "/api/v1/me", nil)); m.MFAState != "done" || m.Can["manage_users"] != true {
			t.Fatalf("after enrolment: %s", m.Raw)
		}
		b.do(t, http.StatusOK, "GET", "/api/v1/users", nil)
	})
}
