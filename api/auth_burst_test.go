package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Issue 13 item 6: sign-in that holds against bursts and cannot be used to lock out an office.

// authStartProxied starts an application that believes X-Forwarded-For, so a test can sign in
// from many client addresses.
func authStartProxied(t *testing.T, dialect string) (*apitest.Server, *authClock) {
	t.Helper()
	clk := &authClock{t: apitest.Fixed}
	return apitest.Start(t, dialect, apitest.Options{Anonymous: true, Now: clk.Now, TrustedProxies: []string{"192.0.2.1"}}), clk
}

// authLoginFrom signs in (or tries to) from a client address.
func authLoginFrom(s *apitest.Server, addr, email, password string) apitest.Response {
	s.T.Helper()
	return s.Do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, "X-Forwarded-For", addr)
}

// A burst of concurrent guesses is held to the limit: every attempt is counted before the
// password is checked, so no more are checked than a sequence of guesses would allow, and the
// right password that follows the burst (29 wrong, the right one last) is refused. Before the
// fix all 29 were checked and the right one got 200.
func TestAuthLoginBurstIsHeldToTheLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, _ := authStart(t, dialect)
		const email = "burst@example.org"
		authAddUser(t, s, email, "Burst Target", authViewerRole)
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		for range 29 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := authLoginAttempt(s, email, authWrongPassword)
				mu.Lock()
				statuses[r.Status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		checked := statuses[http.StatusUnauthorized]
		if checked == 0 || checked > 3 {
			t.Errorf("%d of 29 concurrent guesses were checked, want 1 to 3 (the failures allowed before a delay): %v", checked, statuses)
		}
		for st := range statuses {
			if st != http.StatusUnauthorized && st != http.StatusTooManyRequests && st != http.StatusServiceUnavailable {
				t.Errorf("unexpected status %d in the burst: %v", st, statuses)
			}
		}
		// The audit trail records each checked guess, and only those.
		if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditLoginFailed)})); n != checked {
			t.Errorf("%d login_failed events for %d checked guesses", n, checked)
		}
		authRetryAfter(t, authLoginAttempt(s, email, authPassword))
	})
}

// Oversized or unprintable sign-in fields are refused with field errors before any work: no
// hashing slot, no count, no audit event (a 100k-character address used to write a 100 KB event).
func TestAuthLoginFieldLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, _ := authStart(t, dialect)
		authAddUser(t, s, "limits@example.org", "Limits Person", authViewerRole)
		long := strings.Repeat("a", 255-len("@example.org")) + "@example.org"
		for _, c := range []struct{ email, password, field, code string }{
			{long, authPassword, "email", "too_long"},
			{strings.Repeat("x", 100000) + "@example.org", authPassword, "email", "too_long"},
			{"limits@example.org", strings.Repeat("p", 1025), "password", "too_long"},
			{"lim\u0000its@example.org", authPassword, "email", "invalid"},
		} {
			checkProblem(t, authLoginAttempt(s, c.email, c.password), "/api/v1/auth/login", problemWant{Status: http.StatusUnprocessableEntity,
				Type: "invalid", Errors: []fieldErr{{Field: c.field, Code: c.code}}})
		}
		if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditLoginFailed)})); n != 0 {
			t.Errorf("%d login_failed events for refused input", n)
		}
		// At the limits the attempt is an ordinary wrong sign-in.
		limit := strings.Repeat("a", 254-len("@example.org")) + "@example.org"
		checkProblem(t, authLoginAttempt(s, limit, strings.Repeat("p", 1024)), "/api/v1/auth/login",
			problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})
		newAuthBrowser(s).login(t, "limits@example.org", authPassword)
	})
}

// Guesses at one account from many addresses cannot lock its owner out: the owner's usual
// address is spared the account's delay, and from a new address the owner waits at most a
// minute, never the 15-minute lockout (before the fix: 429 with Retry-After 900).
func TestAuthLoginManyAddressesDoNotLockTheOwner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStartProxied(t, dialect)
		const email = "victim@example.org"
		authAddUser(t, s, email, "Vic Owner", authViewerRole)
		if r := authLoginFrom(s, "203.0.113.10", email, authPassword); r.Status != http.StatusOK {
			t.Fatalf("owner's first sign-in: %d %s", r.Status, r.Body)
		}
		clk.Advance(time.Hour)
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				authLoginFrom(s, fmt.Sprintf("198.51.100.%d", i+1), email, authWrongPassword)
			}()
		}
		wg.Wait()
		if r := authLoginFrom(s, "203.0.113.10", email, authPassword); r.Status != http.StatusOK {
			t.Fatalf("the owner at their usual address after guesses from 12 others: %d %s", r.Status, r.Body)
		}
		// More guesses; then the owner from an address never used before.
		for i := range 12 {
			clk.Advance(time.Minute)
			authLoginFrom(s, fmt.Sprintf("198.51.100.%d", 100+i), email, authWrongPassword)
		}
		r := authLoginFrom(s, "203.0.113.99", email, authPassword)
		if r.Status == http.StatusTooManyRequests {
			if wait := authRetryAfter(t, r); wait > 60 {
				t.Fatalf("the owner at a new address must wait %d s: the account is locked", wait)
			}
			clk.Advance(time.Minute)
			r = authLoginFrom(s, "203.0.113.99", email, authPassword)
		}
		if r.Status != http.StatusOK {
			t.Fatalf("the owner at a new address: %d %s", r.Status, r.Body)
		}
	})
}

// Failures at one account from an address do not lock other accounts at that address (behind
// NAT or a proxy a whole office shares it), nor do failures spread over random addresses.
func TestAuthLoginOneAccountsFailuresDoNotLockTheOffice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStartProxied(t, dialect)
		authAddUser(t, s, "colleague@example.org", "Col League", authViewerRole)
		authAddUser(t, s, "target@example.org", "Tar Get", authViewerRole)
		const office = "203.0.113.50"
		locked := false
		for i := 0; i < 10 && !locked; i++ {
			clk.Advance(2 * time.Minute)
			locked = authLoginFrom(s, office, "target@example.org", authWrongPassword).Status == http.StatusTooManyRequests
		}
		if !locked {
			t.Fatal("ten failures at one account from one address did not lock that account there")
		}
		if r := authLoginFrom(s, office, "colleague@example.org", authPassword); r.Status != http.StatusOK {
			t.Fatalf("a colleague at the same address: %d %s", r.Status, r.Body)
		}
		// Ten failures with random addresses from one address lock nobody.
		for i := range 10 {
			authLoginFrom(s, "203.0.113.60", fmt.Sprintf("random%d@example.org", i), authWrongPassword)
		}
		if r := authLoginFrom(s, "203.0.113.60", "colleague@example.org", authPassword); r.Status != http.StatusOK {
			t.Fatalf("after ten failures for random addresses: %d %s", r.Status, r.Body)
		}
	})
}

// Password spraying: signing in to one's own account between guesses at others does not reset
// the address's count, so the address is slowed once it has failed AddressDelayAfter (100)
// times, and it is delayed, never locked. Before the fix each own sign-in cleared the count.
func TestAuthLoginSprayingIsSlowed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStartProxied(t, dialect)
		const addr = "203.0.113.77"
		authAddUser(t, s, "sprayer@example.org", "Spray Er", authViewerRole)
		refusedAt := 0
		for i := 1; i <= 105 && refusedAt == 0; i++ {
			if i%10 == 0 {
				if r := authLoginFrom(s, addr, "sprayer@example.org", authPassword); r.Status != http.StatusOK && r.Status != http.StatusTooManyRequests {
					t.Fatalf("own sign-in: %d %s", r.Status, r.Body)
				}
			}
			r := authLoginFrom(s, addr, fmt.Sprintf("sprayed%d@example.org", i), authWrongPassword)
			switch r.Status {
			case http.StatusUnauthorized:
			case http.StatusTooManyRequests:
				refusedAt = i
				if wait := authRetryAfter(t, r); wait > 60 {
					t.Errorf("the address is locked (Retry-After %d), not delayed", wait)
				}
			default:
				t.Fatalf("guess %d: %d %s", i, r.Status, r.Body)
			}
		}
		if refusedAt != 101 {
			t.Fatalf("first delayed guess: %d, want 101 (after 100 failures, own sign-ins notwithstanding)", refusedAt)
		}
		// Delays grow while failures continue.
		clk.Advance(time.Second)
		authLoginFrom(s, addr, "sprayed-more@example.org", authWrongPassword)
		r := authLoginFrom(s, addr, "sprayed-again@example.org", authWrongPassword)
		if wait := authRetryAfter(t, r); wait != 2 {
			t.Errorf("second delay %d s, want 2", wait)
		}
	})
}

// An account locked at an address is not a lock its owner cannot get out of: an admin's reset
// forgets the failures, so the owner signs in at once with the new password.
func TestAuthAdminResetLiftsALockout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStartProxied(t, dialect)
		admin, _ := authSignInAdmin(t, s, clk, "ada.reset@example.org")
		u := authAddUser(t, s, "locked@example.org", "Lock Ed", authViewerRole)
		const home = "203.0.113.5"
		for range 10 {
			clk.Advance(2 * time.Minute)
			authLoginFrom(s, home, u.Email, authWrongPassword)
		}
		if wait := authRetryAfter(t, authLoginFrom(s, home, u.Email, authPassword)); wait < 60 {
			t.Fatalf("not locked: Retry-After %d", wait)
		}
		admin.do(t, http.StatusOK, "POST", "/api/v1/users/"+u.ID+"/password", map[string]string{"password": authPassword2})
		if r := authLoginFrom(s, home, u.Email, authPassword2); r.Status != http.StatusOK {
			t.Fatalf("after the reset: %d %s", r.Status, r.Body)
		}
	})
}

// Signing in again over a live session ends the old one: its id no longer works.
func TestAuthLoginRotatesTheSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, _ := authStart(t, dialect)
		authAddUser(t, s, "rotate@example.org", "Ro Tate", authViewerRole)
		b := newAuthBrowser(s)
		b.login(t, "rotate@example.org", authPassword)
		old := b.cookie
		b.login(t, "rotate@example.org", authPassword)
		if b.cookie == old {
			t.Fatal("signing in again kept the session id")
		}
		b.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
		checkProblem(t, s.Do("GET", "/api/v1/me", nil, "Cookie", authCookieName+"="+old), "/api/v1/me",
			problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})
		// A failed sign-in over a live session leaves it alone.
		checkProblem(t, b.send("POST", "/api/v1/auth/login", map[string]string{"email": "rotate@example.org", "password": authWrongPassword}),
			"/api/v1/auth/login", problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})
		b.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
	})
}
