package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Config holds the sign-in rules a deployment may tune.
type Config struct {
	IdleTimeout      time.Duration     // a session unused this long ends (ASVS L2: 30 minutes)
	AbsoluteTimeout  time.Duration     // a session ends this long after sign-in whatever happens (12 hours)
	MFARequiredRoles []casereview.Role // users holding any of these roles must use a second factor
	Params           Params            // argon2id parameters for new hashes
	LockAfter        int               // failures before a temporary lockout (at most 10: Cyber Essentials)
	LockFor          time.Duration     // how long a lockout lasts
	Issuer           string            // shown in authenticator apps
}

// DefaultConfig is what a deployment gets unless it says otherwise.
func DefaultConfig() Config {
	return Config{IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour,
		MFARequiredRoles: []casereview.Role{casereview.RoleAdmin, casereview.RoleOversight},
		Params:           DefaultParams, LockAfter: 10, LockFor: 15 * time.Minute, Issuer: "casereview"}
}

// Service signs people in and turns sessions and tokens into actors.
type Service struct {
	store Store
	cfg   Config
	now   func() time.Time
}

// NewService returns the sign-in service over s.
func NewService(s Store, cfg Config, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, cfg: cfg, now: now}
}

// Session states: what a session may do.
const (
	MFAPending     = "pending"      // password accepted; the second factor is still owed
	MFAEnrol       = "enrol"        // the user's role requires a second factor they have not set up
	MFADone        = "done"         // both factors passed
	MFANotRequired = "not_required" // password alone suffices for this user
)

// Identity is the result of authenticating a request.
type Identity struct {
	Actor       casereview.Actor
	User        casereview.User
	SessionHash string // empty for API tokens
	CSRFToken   string
	MFAState    string
	TokenID     string
}

// Complete reports whether the identity may use the API beyond finishing its sign-in.
func (id Identity) Complete() bool { return id.MFAState == MFADone || id.MFAState == MFANotRequired }

// LoginResult carries a new session's secret, shown once to the browser as a cookie.
type LoginResult struct {
	SessionID string
	Identity  Identity
}

var errBadLogin = &casereview.Error{Code: casereview.CodeUnauthenticated, Message: "the email address or password is wrong"}

// rateLimited is the answer while an account or client address is held back.
func rateLimited(d time.Duration) *casereview.Error {
	return &casereview.Error{Code: casereview.CodeRateLimited, RetryAfter: d,
		Message: fmt.Sprintf("too many failed attempts; try again in %s", d.Round(time.Second))}
}

func throttleKeys(email, ip string) []string {
	return []string{"user:" + casereview.NormaliseEmail(email), "ip:" + ip}
}

// wait returns how long the caller must wait before another attempt: a lockout, or a delay
// that doubles with each failure after the third (1 s, 2 s, 4 s … up to a minute).
func (s *Service) wait(ctx context.Context, keys []string) (time.Duration, error) {
	ts, err := s.store.Throttles(ctx, keys...)
	if err != nil {
		return 0, err
	}
	now := s.now()
	var longest time.Duration
	for _, t := range ts {
		if t.LockedUntil != nil && t.LockedUntil.After(now) {
			longest = max(longest, t.LockedUntil.Sub(now))
			continue
		}
		if t.LockedUntil == nil && t.Failures >= 3 {
			delay := time.Second << min(t.Failures-3, 6)
			if next := t.LastFailureAt.Add(min(delay, time.Minute)); next.After(now) {
				longest = max(longest, next.Sub(now))
			}
		}
	}
	return longest, nil
}

func (s *Service) fail(ctx context.Context, action casereview.AuditAction, subject, email string, keys []string) error {
	locked, err := s.store.RecordFailure(ctx, action, subject, map[string]string{"email": casereview.NormaliseEmail(email)},
		s.cfg.LockAfter, s.cfg.LockFor, keys...)
	if err != nil {
		return err
	}
	if locked {
		return rateLimited(s.cfg.LockFor)
	}
	return errBadLogin
}

// Login checks an email address and password. Unknown addresses, wrong passwords and disabled
// accounts get the same answer after the same work, so the answer says nothing about which.
func (s *Service) Login(ctx context.Context, email, password, clientIP, userAgent string) (LoginResult, error) {
	keys := throttleKeys(email, clientIP)
	if d, err := s.wait(ctx, keys); err != nil {
		return LoginResult{}, err
	} else if d > 0 {
		return LoginResult{}, rateLimited(d)
	}
	c, err := s.store.CredentialsByEmail(ctx, email)
	if err != nil && !casereview.IsCode(err, casereview.CodeNotFound) {
		return LoginResult{}, err
	}
	if err != nil || c.PasswordHash == "" || c.User.Disabled {
		DummyVerify(password)
		return LoginResult{}, s.fail(ctx, casereview.AuditLoginFailed, c.User.ID, email, keys)
	}
	ok, rehash, err := VerifyPassword(password, c.PasswordHash, s.cfg.Params)
	if err != nil || !ok {
		return LoginResult{}, s.fail(ctx, casereview.AuditLoginFailed, c.User.ID, email, keys)
	}
	if rehash {
		if h, err := HashPassword(password, s.cfg.Params); err == nil {
			_ = s.store.SetPassword(ctx, c.User.ID, h, false) // best effort: the old hash still works
		}
	}
	if err := s.store.ClearFailures(ctx, keys...); err != nil {
		return LoginResult{}, err
	}
	state := MFANotRequired
	switch {
	case c.TOTPEnabled:
		state = MFAPending
	case s.mfaRequired(c.User):
		state = MFAEnrol
	}
	sid, err := NewSessionID()
	if err != nil {
		return LoginResult{}, err
	}
	csrf, err := NewCSRFToken()
	if err != nil {
		return LoginResult{}, err
	}
	now := s.now().UTC()
	sess := Session{IDHash: HashSecret(sid), UserID: c.User.ID, CSRFToken: csrf, MFAState: state, CreatedAt: now,
		LastSeenAt: now, ExpiresAt: now.Add(s.cfg.AbsoluteTimeout), ClientIP: clientIP, UserAgent: truncate(userAgent, 300)}
	actx := casereview.WithActor(ctx, c.User.Actor())
	if err := s.store.CreateSession(actx, sess); err != nil {
		return LoginResult{}, err
	}
	return LoginResult{SessionID: sid, Identity: Identity{Actor: c.User.Actor(), User: c.User, SessionHash: sess.IDHash,
		CSRFToken: csrf, MFAState: state}}, nil
}

func (s *Service) mfaRequired(u casereview.User) bool {
	return slices.ContainsFunc(u.Memberships, func(m casereview.Membership) bool { return slices.Contains(s.cfg.MFARequiredRoles, m.Role) })
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

var errNoSession = &casereview.Error{Code: casereview.CodeUnauthenticated, Message: "your session has ended; sign in again"}

// Session authenticates a session cookie's value.
func (s *Service) Session(ctx context.Context, sessionID string) (Identity, error) {
	if sessionID == "" {
		return Identity{}, errNoSession
	}
	h := HashSecret(sessionID)
	sess, c, err := s.store.SessionByHash(ctx, h)
	if err != nil {
		if casereview.IsCode(err, casereview.CodeNotFound) {
			return Identity{}, errNoSession
		}
		return Identity{}, err
	}
	now := s.now()
	if sess.RevokedAt != nil || !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.cfg.IdleTimeout || c.User.Disabled {
		return Identity{}, errNoSession
	}
	// Refresh the idle clock at most once a minute, so reads do not each cost a write; with an
	// idle timeout of a few minutes or less (tests, strict deployments), at most every quarter
	// of it, so that activity (or "Stay signed in") always keeps a session alive.
	if now.Sub(sess.LastSeenAt) > min(time.Minute, s.cfg.IdleTimeout/4) {
		if err := s.store.TouchSession(ctx, h, now); err != nil {
			return Identity{}, err
		}
	}
	// A session opened without a second factor does not keep its freedom when the user is later
	// given a role that requires one: it must then pass (or set up) the second factor first.
	state := sess.MFAState
	if state == MFANotRequired && s.mfaRequired(c.User) {
		state = MFAEnrol
		if c.TOTPEnabled {
			state = MFAPending
		}
	}
	return Identity{Actor: c.User.Actor(), User: c.User, SessionHash: h, CSRFToken: sess.CSRFToken, MFAState: state}, nil
}

var errBadToken = &casereview.Error{Code: casereview.CodeUnauthenticated, Message: "the API token is not valid (unknown, expired or revoked)"}

// Token authenticates a bearer API token.
func (s *Service) Token(ctx context.Context, token string) (Identity, error) {
	if !IsAPITokenFormat(token) {
		return Identity{}, errBadToken
	}
	t, c, err := s.store.TokenByHash(ctx, HashSecret(token))
	if err != nil {
		if casereview.IsCode(err, casereview.CodeNotFound) {
			return Identity{}, errBadToken
		}
		return Identity{}, err
	}
	now := s.now()
	if t.RevokedAt != nil || (t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)) || c.User.Disabled {
		return Identity{}, errBadToken
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if err := s.store.TouchToken(ctx, t.ID, now); err != nil {
			return Identity{}, err
		}
	}
	return Identity{Actor: c.User.Actor(), User: c.User, MFAState: MFANotRequired, TokenID: t.ID}, nil
}

// VerifyMFA accepts a TOTP code, or a recovery code, for a session that owes its second factor.
func (s *Service) VerifyMFA(ctx context.Context, id Identity, code, clientIP string) (Identity, error) {
	if id.MFAState != MFAPending {
		return id, casereview.Conflict("this session does not need a code")
	}
	// Wrong codes also count against a key of their own, which a correct password does not clear:
	// otherwise signing in again would reset the count and the code could be guessed unhindered.
	keys := append(throttleKeys(id.User.Email, clientIP), "mfa:"+id.User.ID)
	if d, err := s.wait(ctx, keys); err != nil {
		return id, err
	} else if d > 0 {
		return id, rateLimited(d)
	}
	c, err := s.store.CredentialsByID(ctx, id.User.ID)
	if err != nil {
		return id, err
	}
	actx := casereview.WithActor(ctx, id.Actor)
	if ok, step := VerifyTOTP(c.TOTPSecret, code, s.now(), c.TOTPLastStep); ok {
		if err := s.store.SetSessionMFA(actx, id.SessionHash, id.User.ID, MFADone, step, casereview.AuditMFAPassed); err != nil {
			return id, err
		}
		id.MFAState = MFADone
		return id, s.store.ClearFailures(ctx, keys...)
	}
	if strings.Count(code, "-") == 2 || len(NormaliseRecoveryCode(code)) == 12 {
		used, err := s.store.UseRecoveryCode(actx, id.User.ID, HashSecret(NormaliseRecoveryCode(code)), id.SessionHash)
		if err != nil {
			return id, err
		}
		if used {
			id.MFAState = MFADone
			return id, s.store.ClearFailures(ctx, keys...)
		}
	}
	err = s.fail(actx, casereview.AuditMFAFailed, id.User.ID, id.User.Email, keys)
	if casereview.IsCode(err, casereview.CodeRateLimited) {
		return id, err
	}
	return id, casereview.Invalid("code", casereview.FieldInvalid, "the code is wrong or has expired")
}

// Enrolment is a TOTP secret being set up.
type Enrolment struct {
	Secret string
	URI    string
}

// StartTOTP creates a new secret for a user who has no authenticator yet.
func (s *Service) StartTOTP(ctx context.Context, id Identity) (Enrolment, error) {
	if id.User.MFAEnabled {
		return Enrolment{}, casereview.Conflict("an authenticator is already set up for this account")
	}
	secret, err := NewTOTPSecret()
	if err != nil {
		return Enrolment{}, err
	}
	if err := s.store.StartTOTP(ctx, id.User.ID, secret); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: secret, URI: TOTPURI(secret, s.cfg.Issuer, id.User.Email)}, nil
}

// ConfirmTOTP checks the first code from the new authenticator, switches it on and returns ten
// one-time recovery codes, which are shown once and kept only as hashes.
func (s *Service) ConfirmTOTP(ctx context.Context, id Identity, code string) ([]string, error) {
	c, err := s.store.CredentialsByID(ctx, id.User.ID)
	if err != nil {
		return nil, err
	}
	if c.TOTPEnabled || c.TOTPSecret == "" {
		return nil, casereview.Conflict("start enrolment first")
	}
	ok, step := VerifyTOTP(c.TOTPSecret, code, s.now(), 0)
	if !ok {
		return nil, casereview.Invalid("code", casereview.FieldInvalid, "the code is wrong or has expired; check the authenticator's clock")
	}
	codes, err := NewRecoveryCodes(10)
	if err != nil {
		return nil, err
	}
	hashes := make([]string, len(codes))
	for i, rc := range codes {
		hashes[i] = HashSecret(NormaliseRecoveryCode(rc))
	}
	if err := s.store.ConfirmTOTP(casereview.WithActor(ctx, id.Actor), id.User.ID, id.SessionHash, step, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, id Identity) error {
	if id.SessionHash == "" {
		return casereview.Conflict("API tokens do not sign out; revoke the token instead")
	}
	return s.store.RevokeSession(casereview.WithActor(ctx, id.Actor), id.SessionHash, id.User.ID)
}

// ChangePassword replaces the caller's password and ends their other sessions.
func (s *Service) ChangePassword(ctx context.Context, id Identity, current, next string) error {
	// Guessing the current password from a stolen session counts against the account like
	// guessing it at sign-in: the same delays and the same lockout.
	keys := []string{"user:" + casereview.NormaliseEmail(id.User.Email)}
	if d, err := s.wait(ctx, keys); err != nil {
		return err
	} else if d > 0 {
		return rateLimited(d)
	}
	c, err := s.store.CredentialsByID(ctx, id.User.ID)
	if err != nil {
		return err
	}
	if ok, _, _ := VerifyPassword(current, c.PasswordHash, s.cfg.Params); !ok || c.PasswordHash == "" {
		locked, err := s.store.RecordFailure(casereview.WithActor(ctx, id.Actor), casereview.AuditLoginFailed, id.User.ID,
			map[string]string{"email": id.User.Email, "during": "password change"}, s.cfg.LockAfter, s.cfg.LockFor, keys...)
		if err != nil {
			return err
		}
		if locked {
			return rateLimited(s.cfg.LockFor)
		}
		return casereview.Invalid("current_password", casereview.FieldInvalid, "the current password is wrong")
	}
	if err := CheckPassword(next, id.User.Email, id.User.DisplayName); err != nil {
		return casereview.Invalid("new_password", casereview.FieldInvalid, "%s", err.Error())
	}
	h, err := HashPassword(next, s.cfg.Params)
	if err != nil {
		return err
	}
	actx := casereview.WithActor(ctx, id.Actor)
	if err := s.store.SetPassword(actx, id.User.ID, h, true); err != nil {
		return err
	}
	return s.store.RevokeOtherSessions(ctx, id.User.ID, id.SessionHash)
}

// NewPasswordHash checks a password against the rules and hashes it, for accounts created by an
// admin or on the command line.
func (s *Service) NewPasswordHash(password string, context ...string) (string, error) {
	if err := CheckPassword(password, context...); err != nil {
		return "", casereview.Invalid("password", casereview.FieldInvalid, "%s", err.Error())
	}
	return HashPassword(password, s.cfg.Params)
}

// CreateToken makes a new API token for the caller; the secret is returned once.
func (s *Service) CreateToken(ctx context.Context, id Identity, name string, expires *time.Time) (string, casereview.APIToken, error) {
	tok, prefix, err := NewAPIToken()
	if err != nil {
		return "", casereview.APIToken{}, err
	}
	t, err := s.store.CreateToken(casereview.WithActor(ctx, id.Actor), id.User.ID, name, HashSecret(tok), prefix, expires)
	return tok, t, err
}

// ListTokens lists the caller's API tokens.
func (s *Service) ListTokens(ctx context.Context, id Identity) ([]casereview.APIToken, error) {
	return s.store.ListTokens(ctx, id.User.ID)
}

// RevokeToken revokes one of the caller's API tokens.
func (s *Service) RevokeToken(ctx context.Context, id Identity, tokenID string) error {
	return s.store.RevokeToken(casereview.WithActor(ctx, id.Actor), id.User.ID, tokenID)
}

// AbsoluteTimeout is how long a session may last.
func (s *Service) AbsoluteTimeout() time.Duration { return s.cfg.AbsoluteTimeout }
