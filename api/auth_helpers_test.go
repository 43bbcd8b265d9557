package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
)

// Helpers for the sign-in tests: a clock the test moves, users made through the store, and a
// "browser" that keeps the session cookie and sends the CSRF header as a web client would.

const (
	authCookieName = "casereview_session"
	authCSRFHeader = "X-CSRF-Token"
	// authPassword is every test user's password; its argon2id hash is computed once per run.
	authPassword = "violet tractor harbour lamp"
	// authPassword2 is what password-change tests switch to.
	authPassword2 = "pebble lantern orchard violin"
)

// authClock is a controllable time source shared by the store and the sign-in service.
type authClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *authClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *authClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// authStart starts an application in which callers without credentials are anonymous, on a
// clock the test controls.
func authStart(t *testing.T, dialect string) (*apitest.Server, *authClock) {
	t.Helper()
	clk := &authClock{t: apitest.Fixed}
	return apitest.Start(t, dialect, apitest.Options{Anonymous: true, Now: clk.Now}), clk
}

// Hashing costs tens of milliseconds, so each password is hashed once per test binary.
var (
	authHashMu sync.Mutex
	authHashes = map[string]string{}
)

func authPasswordHash(t *testing.T, s *apitest.Server, pw string) string {
	t.Helper()
	authHashMu.Lock()
	defer authHashMu.Unlock()
	if h, ok := authHashes[pw]; ok {
		return h
	}
	h, err := s.App.Auth().NewPasswordHash(pw)
	if err != nil {
		t.Fatalf("hash password: %v", err)
	}
	authHashes[pw] = h
	return h
}

func authSystemCtx() context.Context {
	return casereview.WithActor(context.Background(), casereview.System)
}

// authAddUser creates a user with authPassword and the given memberships, as the system.
func authAddUser(t *testing.T, s *apitest.Server, email, name string, ms ...casereview.MembershipDraft) casereview.User {
	t.Helper()
	ctx := authSystemCtx()
	u, err := s.App.Store().CreateUser(ctx, casereview.UserDraft{Email: email, DisplayName: name}, authPasswordHash(t, s, authPassword))
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	for _, m := range ms {
		if u, err = s.App.Store().AddMembership(ctx, u.ID, m); err != nil {
			t.Fatalf("add membership %s to %s: %v", m.Role, email, err)
		}
	}
	return u
}

var (
	authViewerRole = casereview.MembershipDraft{Role: casereview.RoleViewer}
	authAdminRole  = casereview.MembershipDraft{Role: casereview.RoleAdmin}
)

// authBrowser keeps a session cookie and CSRF token between requests.
type authBrowser struct {
	s      *apitest.Server
	cookie string
	csrf   string
	// set is the last Set-Cookie for the session cookie, if any.
	set *http.Cookie
}

func newAuthBrowser(s *apitest.Server) *authBrowser { return &authBrowser{s: s} }

// send sends a request with the browser's cookie and (on unsafe methods) its CSRF token;
// headers given by the caller override them. It records any new session cookie.
func (b *authBrowser) send(method, path string, body any, headers ...string) apitest.Response {
	b.s.T.Helper()
	var h []string
	if b.cookie != "" {
		h = append(h, "Cookie", authCookieName+"="+b.cookie)
	}
	if method != http.MethodGet && method != http.MethodHead {
		if b.csrf != "" {
			h = append(h, authCSRFHeader, b.csrf)
		}
		// The API takes only JSON, so a web client labels even an empty POST as JSON.
		h = append(h, "Content-Type", "application/json")
	}
	r := b.s.Do(method, path, body, append(h, headers...)...)
	if c := authSessionCookieOf(r); c != nil {
		b.set = c
		if c.MaxAge < 0 || c.Value == "" {
			b.cookie, b.csrf = "", ""
		} else {
			b.cookie = c.Value
		}
	}
	return r
}

// do is send that fails t unless the status is want.
func (b *authBrowser) do(t *testing.T, want int, method, path string, body any, headers ...string) apitest.Response {
	t.Helper()
	r := b.send(method, path, body, headers...)
	if r.Status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// authSessionCookieOf returns the last Set-Cookie for the session cookie (a browser applies them in
// order: a stale cookie may be cleared and a new one set in the same response).
func authSessionCookieOf(r apitest.Response) *http.Cookie {
	var last *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == authCookieName {
			last = c
		}
	}
	return last
}

// authMe is the part of the Me body the tests look at.
type authMe struct {
	User struct {
		ID          string `json:"id"`
		Email       string `json:"email"`
		MFAEnabled  bool   `json:"mfa_enabled"`
		Memberships []struct {
			Role           string  `json:"role"`
			OrganisationID *string `json:"organisation_id"`
			PartnershipID  *string `json:"partnership_id"`
		} `json:"memberships"`
		Version int `json:"version"`
	} `json:"user"`
	MFAState  string          `json:"mfa_state"`
	CSRFToken *string         `json:"csrf_token"`
	Can       map[string]any  `json:"can"`
	Raw       json.RawMessage `json:"-"`
}

func authMeOf(t *testing.T, r apitest.Response) authMe {
	t.Helper()
	var m authMe
	r.JSON(t, &m)
	m.Raw = r.Body
	return m
}

// login signs in with email and password, expecting success, and keeps the session.
func (b *authBrowser) login(t *testing.T, email, password string) authMe {
	t.Helper()
	r := b.do(t, http.StatusOK, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password})
	m := authMeOf(t, r)
	if m.CSRFToken == nil || *m.CSRFToken == "" {
		t.Fatalf("login: no csrf_token: %s", r.Body)
	}
	if b.cookie == "" {
		t.Fatalf("login: no session cookie set")
	}
	b.csrf = *m.CSRFToken
	return m
}

// authTOTP returns the authenticator code for secret at the clock's time.
func authTOTP(t *testing.T, secret string, clk *authClock) string {
	t.Helper()
	code, err := auth.TOTPCode(secret, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// enrol sets up an authenticator for the signed-in browser and returns its secret and the
// recovery codes.
func (b *authBrowser) enrol(t *testing.T, clk *authClock) (string, []string) {
	t.Helper()
	var e struct {
		Secret string `json:"secret"`
		URI    string `json:"otpauth_uri"`
	}
	b.do(t, http.StatusOK, "POST", "/api/v1/me/mfa/totp", nil).JSON(t, &e)
	if e.Secret == "" || e.URI == "" {
		t.Fatalf("enrolment without secret or URI: %+v", e)
	}
	var rc struct {
		Codes []string `json:"recovery_codes"`
	}
	b.do(t, http.StatusOK, "POST", "/api/v1/me/mfa/totp/confirm", map[string]string{"code": authTOTP(t, e.Secret, clk)}).JSON(t, &rc)
	return e.Secret, rc.Codes
}

// authSignInAdmin creates an admin, signs them in and enrols an authenticator, returning a
// browser whose session is complete.
func authSignInAdmin(t *testing.T, s *apitest.Server, clk *authClock, email string) (*authBrowser, casereview.User) {
	t.Helper()
	u := authAddUser(t, s, email, "Ada Admin", authAdminRole)
	b := newAuthBrowser(s)
	if m := b.login(t, email, authPassword); m.MFAState != "enrol" {
		t.Fatalf("admin login: mfa_state %q, want enrol", m.MFAState)
	}
	b.enrol(t, clk)
	return b, u
}

// authAuditEvents returns every audit event (oldest first), read as the system.
func authAuditEvents(t *testing.T, s *apitest.Server, f casereview.AuditFilter) []casereview.AuditEvent {
	t.Helper()
	var all []casereview.AuditEvent
	var before int64
	for {
		p, err := s.App.Store().ListAudit(authSystemCtx(), f, 100, before)
		if err != nil {
			t.Fatalf("list audit: %v", err)
		}
		all = append(all, p.Items...)
		if p.Before == 0 {
			break
		}
		before = p.Before
	}
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	return all
}
