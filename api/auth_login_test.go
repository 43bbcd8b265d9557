package api_test

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

const authWrongPassword = "zebra wrong guess 4471 kiln"

func authLoginAttempt(s *apitest.Server, email, password string) apitest.Response {
	s.T.Helper()
	return s.Do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password})
}

// authRetryAfter checks that r is a 429 rate_limited problem with a Retry-After header, and returns it.
func authRetryAfter(t *testing.T, r apitest.Response) int {
	t.Helper()
	checkProblem(t, r, "/api/v1/auth/login", problemWant{Status: http.StatusTooManyRequests, Type: "rate_limited"})
	n, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || n < 1 {
		t.Fatalf("429 without a usable Retry-After (%q): %s", r.Header.Get("Retry-After"), r.Body)
	}
	return n
}

// TestAuthLoginThrottlingAndLockout: after three failures each further attempt must wait a
// growing delay; at the latest the tenth failure locks the account for the lockout period,
// during which even the right password is refused with 429 and Retry-After.
func TestAuthLoginThrottlingAndLockout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		const email = "lee.throttle@example.org"
		authAddUser(t, s, email, "Lee Throttle", authViewerRole)

		for i := 1; i <= 3; i++ {
			checkProblem(t, authLoginAttempt(s, email, authWrongPassword), "/api/v1/auth/login",
				problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})
		}
		// A delay is now owed: even the right password is held back, without counting a failure.
		wait := authRetryAfter(t, authLoginAttempt(s, email, authPassword))
		delays := []int{wait}
		failures, lockedAt := 3, 0
		for failures < 20 {
			clk.Advance(time.Duration(wait) * time.Second)
			r := authLoginAttempt(s, email, authWrongPassword)
			failures++
			if r.Status == http.StatusTooManyRequests {
				lockedAt = failures
				wait = authRetryAfter(t, r)
				break
			}
			checkProblem(t, r, "/api/v1/auth/login", problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})
			wait = authRetryAfter(t, authLoginAttempt(s, email, authWrongPassword))
			delays = append(delays, wait)
		}
		if lockedAt == 0 || lockedAt > 10 {
			t.Fatalf("not locked out after %d failures (delays %v)", failures, delays)
		}
		if want := []int{1, 2, 4, 8, 16, 32, 60}; !reflect.DeepEqual(delays, want) {
			t.Errorf("delays after each failure from the third: %v, want %v", delays, want)
		}
		for i := 1; i < len(delays); i++ {
			if delays[i] < delays[i-1] {
				t.Errorf("delays shrink: %v", delays)
			}
		}
		if wait != 15*60 {
			t.Errorf("lockout Retry-After %d s, want the configured 15 minutes", wait)
		}

		// Locked: the right password does not help, and the wait counts down.
		clk.Advance(14 * time.Minute)
		if got := authRetryAfter(t, authLoginAttempt(s, email, authPassword)); got != 60 {
			t.Errorf("Retry-After a minute before the lock ends: %d", got)
		}
		clk.Advance(time.Minute)
		b := newAuthBrowser(s)
		b.login(t, email, authPassword)
		// A successful sign-in forgets the failures.
		checkProblem(t, authLoginAttempt(s, email, authWrongPassword), "/api/v1/auth/login",
			problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})

		if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditLoginFailed)})); n != lockedAt+1 {
			t.Errorf("%d session.login_failed events, want %d (one per failed password)", n, lockedAt+1)
		}
		if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditLoginLocked)})); n != 1 {
			t.Errorf("%d session.locked_out events, want 1", n)
		}
	})
}

// TestAuthLoginDoesNotRevealAccounts: an unknown address, a wrong password, a disabled account
// and an account without a password all get the same answer, and each failure is audited
// without the password.
func TestAuthLoginDoesNotRevealAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		authAddUser(t, s, "known@example.org", "Known Person", authViewerRole)
		ctx := authSystemCtx()
		if _, err := s.App.Store().CreateUser(ctx, casereview.UserDraft{Email: "off@example.org", DisplayName: "Off Person", Disabled: true},
			authPasswordHash(t, s, authPassword)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.App.Store().CreateUser(ctx, casereview.UserDraft{Email: "nopass@example.org", DisplayName: "No Password"}, ""); err != nil {
			t.Fatal(err)
		}

		type answer struct {
			Status               int
			ContentType, WWWAuth string
			Type, Title, Detail  string
			SetsCookie           bool
			Keys                 string
		}
		answerOf := func(r apitest.Response) answer {
			m := decode(t, r)
			var keys []string
			for k := range m {
				keys = append(keys, k)
			}
			return answer{Status: r.Status, ContentType: r.Header.Get("Content-Type"), WWWAuth: r.Header.Get("WWW-Authenticate"),
				Type: m["type"].(string), Title: m["title"].(string), Detail: m["detail"].(string),
				SetsCookie: authSessionCookieOf(r) != nil, Keys: strings.Join(authSorted(keys), ",")}
		}
		cases := []struct{ name, email, password string }{
			{"unknown user", "nobody@example.org", authPassword},
			{"wrong password", "known@example.org", authWrongPassword},
			{"wrong password, other spelling", " Known@Example.ORG ", authWrongPassword},
			{"disabled user, right password", "off@example.org", authPassword},
			{"user without a password", "nopass@example.org", authPassword},
		}
		var first answer
		for i, c := range cases {
			clk.Advance(2 * time.Minute) // stay clear of the per-address delay
			a := answerOf(authLoginAttempt(s, c.email, c.password))
			if a.Status != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", c.name, a.Status)
			}
			if i == 0 {
				first = a
				continue
			}
			if a != first {
				t.Errorf("%s answers differently from %s:\n got %+v\nwant %+v", c.name, cases[0].name, a, first)
			}
		}
		if first.SetsCookie {
			t.Error("a failed sign-in set the session cookie")
		}

		failed := authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditLoginFailed)})
		if len(failed) != len(cases) {
			t.Fatalf("%d session.login_failed events, want %d", len(failed), len(cases))
		}
		for i, e := range failed {
			if want := casereview.NormaliseEmail(cases[i].email); !strings.Contains(e.After, want) {
				t.Errorf("login_failed event %d does not name the address %q: %s", i, want, e.After)
			}
		}
		// No stored event, failed or not, holds a password.
		all := authAuditEvents(t, s, casereview.AuditFilter{})
		for _, e := range all {
			for _, pw := range []string{authPassword, authWrongPassword} {
				if strings.Contains(e.Before+e.After+e.ActorName+e.EntityID, pw) {
					t.Errorf("audit event %d (%s) contains a password: %s %s", e.Seq, e.Action, e.Before, e.After)
				}
			}
		}
		// And the right password still works for the known user, however the address is typed.
		clk.Advance(2 * time.Minute)
		newAuthBrowser(s).login(t, "KNOWN@example.org", authPassword)
	})
}

func authSorted(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}
