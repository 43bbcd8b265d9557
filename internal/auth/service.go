package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/casereview/casereview/internal/casereview"
)

// Config holds the sign-in rules a deployment may tune.
type Config struct {
	IdleTimeout      time.Duration     // a session unused this long ends (ASVS L2: 30 minutes)
	AbsoluteTimeout  time.Duration     // a session ends this long after sign-in whatever happens (12 hours)
	MFARequiredRoles []casereview.Role // users holding any of these roles must use a second factor
	Params           Params            // argon2id parameters for new hashes
	LockAfter        int               // failures at one address before it is locked out of an account (at most 10: Cyber Essentials)
	LockFor          time.Duration     // how long a lockout lasts, and how long a quiet key keeps its count
	// AddressDelayAfter is how many failures one address may have, over all accounts, before
	// its attempts are delayed (never locked): many people share an office's address.
	AddressDelayAfter int
	// ReauthWithin is how recent a session's last password or second-factor check must be for
	// it to create an API token.
	ReauthWithin time.Duration
	Issuer       string // shown in authenticator apps
}

// DefaultConfig is what a deployment gets unless it says otherwise.
func DefaultConfig() Config {
	return Config{IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour,
		MFARequiredRoles: []casereview.Role{casereview.RoleAdmin, casereview.RoleOversight},
		Params:           DefaultParams, LockAfter: 10, LockFor: 15 * time.Minute, AddressDelayAfter: 100,
		ReauthWithin: 15 * time.Minute, Issuer: "casereview"}
}

// Service signs people in and turns sessions and tokens into actors.
type Service struct {
	store Store
	cfg   Config
	now   func() time.Time
	slots *hashSlots
	box   *SecretBox
	// onFailure, when set, hears every failed sign-in step (for the metrics).
	onFailure func(action casereview.AuditAction, locked bool)
}

// OnFailure makes the service report each failed password or second-factor check, and whether
// it locked the account or address out.
func (s *Service) OnFailure(fn func(action casereview.AuditAction, locked bool)) { s.onFailure = fn }

// NewService returns the sign-in service over s. Call UseSecretBox before any second factor is
// set up or checked.
func NewService(s Store, cfg Config, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	if cfg.AddressDelayAfter <= 0 {
		cfg.AddressDelayAfter = 10 * max(cfg.LockAfter, 1)
	}
	if cfg.ReauthWithin <= 0 {
		cfg.ReauthWithin = 15 * time.Minute
	}
	return &Service{store: s, cfg: cfg, now: now, slots: defaultHashSlots()}
}

// UseSecretBox sets the key that seals TOTP secrets at rest.
func (s *Service) UseSecretBox(b *SecretBox) { s.box = b }

// LimitHashing bounds concurrent password hashing to running at once, with up to queued more
// waiting; the default is one per core and four per core waiting.
func (s *Service) LimitHashing(running, queued int) {
	s.slots = newHashSlots(running, queued, 5*time.Second)
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
	// AuthenticatedAt is when the session's holder last proved who they are (zero for tokens).
	AuthenticatedAt time.Time
}

// Complete reports whether the identity may use the API beyond finishing its sign-in.
func (id Identity) Complete() bool { return id.MFAState == MFADone || id.MFAState == MFANotRequired }

// LoginResult carries a new session's secret, shown once to the browser as a cookie.
type LoginResult struct {
	SessionID string
	Identity  Identity
}

var errBadLogin = &casereview.Error{Code: casereview.CodeUnauthenticated, Message: "the email address or password is wrong"}

// Longest sign-in fields accepted. Nothing longer can be right (RFC 5321 caps an address at 254
// characters; CheckPassword caps a new password at 256 characters, at most 1,024 bytes), so
// refusing them costs no one anything and spares the hashing, the database and the audit trail.
const (
	MaxEmailLen         = 254
	MaxPasswordBytes    = 4 * MaxPasswordLen
	maxCredentialAnswer = "at most %d characters"
)

// checkSignInInput refuses oversized or unprintable input before any work.
func checkSignInInput(email, password string) error {
	var p casereview.Problems
	if e := strings.TrimSpace(email); len(e) > MaxEmailLen {
		p.Add("email", casereview.FieldTooLong, "an email address has "+maxCredentialAnswer, MaxEmailLen)
	} else if strings.IndexFunc(e, unicode.IsControl) >= 0 || !utf8.ValidString(e) {
		p.Add("email", casereview.FieldInvalid, "an email address has no control characters")
	}
	if len(password) > MaxPasswordBytes {
		p.Add("password", casereview.FieldTooLong, "a password has at most %d bytes", MaxPasswordBytes)
	}
	return p.Err()
}

// Login checks an email address and password. Unknown addresses, wrong passwords and disabled
// accounts get the same answer after the same work, so the answer says nothing about which.
//
// The attempt is counted before the password is hashed (see throttle.go), and the hashing
// waits for one of a bounded number of slots: a burst is held to the guess limit, and cannot
// exhaust memory.
func (s *Service) Login(ctx context.Context, email, password, clientIP, userAgent string) (LoginResult, error) {
	if err := checkSignInInput(email, password); err != nil {
		return LoginResult{}, err
	}
	release, err := s.slots.acquire(ctx)
	if err != nil {
		return LoginResult{}, err
	}
	defer release()
	keys := loginKeys(email, clientIP)
	ts, err := s.reserve(ctx, keys)
	if err != nil {
		return LoginResult{}, err
	}
	c, err := s.store.CredentialsByEmail(ctx, email)
	if err != nil && !casereview.IsCode(err, casereview.CodeNotFound) {
		return LoginResult{}, err
	}
	failed := func() (LoginResult, error) {
		detail := map[string]string{"email": casereview.NormaliseEmail(email)}
		if err := s.fail(ctx, casereview.AuditLoginFailed, c.User.ID, detail, ts); err != nil {
			return LoginResult{}, err
		}
		return LoginResult{}, errBadLogin
	}
	if err != nil || c.PasswordHash == "" || c.User.Disabled {
		DummyVerify(password, s.cfg.Params)
		return failed()
	}
	ok, rehash, err := VerifyPassword(password, c.PasswordHash, s.cfg.Params)
	if err != nil || !ok {
		return failed()
	}
	if rehash {
		if h, err := HashPassword(password, s.cfg.Params); err == nil {
			_ = s.store.SetPassword(ctx, c.User.ID, h, false) // best effort: the old hash still works
		}
	}
	if err := s.succeeded(ctx, keys); err != nil {
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
	sess := Session{IDHash: HashSecret(sid), UserID: c.User.ID, CSRFToken: csrf, MFAState: state, AuthenticatedAt: &now,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.AbsoluteTimeout), ClientIP: clientIP, UserAgent: truncate(userAgent, 300)}
	actx := casereview.WithActor(ctx, c.User.Actor())
	if err := s.store.CreateSession(actx, sess); err != nil {
		return LoginResult{}, err
	}
	return LoginResult{SessionID: sid, Identity: Identity{Actor: c.User.Actor(), User: c.User, SessionHash: sess.IDHash,
		CSRFToken: csrf, MFAState: state, AuthenticatedAt: now}}, nil
}

// LoginReplacing signs in like Login and, when it succeeds, ends the session the browser
// presented (previous, which may be empty or belong to someone else): signing in again never
// leaves an older session id working beside the new one (session fixation).
func (s *Service) LoginReplacing(ctx context.Context, previous Identity, email, password, clientIP, userAgent string) (LoginResult, error) {
	res, err := s.Login(ctx, email, password, clientIP, userAgent)
	if err != nil || previous.SessionHash == "" {
		return res, err
	}
	if err := s.store.RevokeSession(casereview.WithActor(ctx, previous.Actor), previous.SessionHash, previous.User.ID); err != nil {
		return LoginResult{}, err
	}
	return res, nil
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
	authAt := sess.CreatedAt
	if sess.AuthenticatedAt != nil {
		authAt = *sess.AuthenticatedAt
	}
	return Identity{Actor: c.User.Actor(), User: c.User, SessionHash: h, CSRFToken: sess.CSRFToken, MFAState: state,
		AuthenticatedAt: authAt}, nil
}

var errBadToken = &casereview.Error{Code: casereview.CodeUnauthenticated, Message: "the API token is not valid (unknown, expired or revoked)"}

var errTokenNeedsMFA = &casereview.Error{Code: casereview.CodeUnauthenticated,
	Message: "your role requires an authenticator app: sign in and set one up; until then your API tokens do not work"}

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
	// A token carries no second factor of its own: it stands on its owner's. Once the owner
	// holds a role that requires one, their tokens work only while they have it set up.
	if s.mfaRequired(c.User) && !c.TOTPEnabled {
		return Identity{}, errTokenNeedsMFA
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if err := s.store.TouchToken(ctx, t.ID, now); err != nil {
			return Identity{}, err
		}
	}
	return Identity{Actor: c.User.Actor(), User: c.User, MFAState: MFANotRequired, TokenID: t.ID}, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, id Identity) error {
	if id.SessionHash == "" {
		return casereview.Conflict("API tokens do not sign out; revoke the token instead")
	}
	return s.store.RevokeSession(casereview.WithActor(ctx, id.Actor), id.SessionHash, id.User.ID)
}

// ChangePassword replaces the caller's password; every other session and every API token of
// theirs ends with the old password.
func (s *Service) ChangePassword(ctx context.Context, id Identity, current, next string) error {
	if len(current) > MaxPasswordBytes {
		return casereview.Invalid("current_password", casereview.FieldTooLong, "a password has at most %d bytes", MaxPasswordBytes)
	}
	if err := CheckPassword(next, id.User.Email, id.User.DisplayName); err != nil {
		return casereview.Invalid("new_password", casereview.FieldInvalid, "%s", err.Error())
	}
	release, err := s.slots.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	// Guessing the current password from a stolen session counts against the account like
	// guessing it at sign-in: the same delays and the same lockout, counted before checking.
	keys := []string{keyPWChange + id.User.ID}
	ts, err := s.reserve(ctx, keys)
	if err != nil {
		return err
	}
	c, err := s.store.CredentialsByID(ctx, id.User.ID)
	if err != nil {
		return err
	}
	actx := casereview.WithActor(ctx, id.Actor)
	if ok, _, _ := VerifyPassword(current, c.PasswordHash, s.cfg.Params); !ok || c.PasswordHash == "" {
		if err := s.fail(actx, casereview.AuditLoginFailed, id.User.ID, map[string]string{"email": id.User.Email, "during": "password change"}, ts); err != nil {
			return err
		}
		return casereview.Invalid("current_password", casereview.FieldInvalid, "the current password is wrong")
	}
	h, err := HashPassword(next, s.cfg.Params)
	if err != nil {
		return err
	}
	email := casereview.NormaliseEmail(id.User.Email)
	return s.store.ReplacePassword(actx, id.User.ID, h, id.SessionHash, casereview.AuditPasswordChanged,
		keyPWChange+id.User.ID, keyUser+email, keyPair+email+"|")
}

// ResetPassword is an admin setting a new password for someone who lost theirs or is locked
// out: every session and API token of that user ends, and the failures counted against the
// account are forgotten, so its owner can sign in at once with the new password.
func (s *Service) ResetPassword(ctx context.Context, userID, password string) (casereview.User, error) {
	a := casereview.ActorFrom(ctx)
	if !casereview.CanManageUsers(a) {
		return casereview.User{}, casereview.Deny(a, "only admins reset passwords")
	}
	c, err := s.store.CredentialsByID(ctx, userID)
	if err != nil {
		return casereview.User{}, err
	}
	if len(password) > MaxPasswordBytes {
		return casereview.User{}, casereview.Invalid("password", casereview.FieldTooLong, "a password has at most %d bytes", MaxPasswordBytes)
	}
	h, err := s.NewPasswordHash(password, c.User.Email, c.User.DisplayName)
	if err != nil {
		return casereview.User{}, err
	}
	email := casereview.NormaliseEmail(c.User.Email)
	if err := s.store.ReplacePassword(ctx, c.User.ID, h, "", casereview.AuditPasswordReset,
		keyPWChange+c.User.ID, keyUser+email, keyPair+email+"|"); err != nil {
		return casereview.User{}, err
	}
	c, err = s.store.CredentialsByID(ctx, c.User.ID)
	return c.User, err
}

// ResetMFA is an admin clearing the second factor of someone who lost their authenticator: the
// secret and recovery codes go and every session and API token of theirs ends. Where their role
// requires a second factor, their next sign-in leads them to set one up again.
func (s *Service) ResetMFA(ctx context.Context, userID string) (casereview.User, error) {
	a := casereview.ActorFrom(ctx)
	if !casereview.CanManageUsers(a) {
		return casereview.User{}, casereview.Deny(a, "only admins reset a second factor")
	}
	c, err := s.store.CredentialsByID(ctx, userID)
	if err != nil {
		return casereview.User{}, err
	}
	if err := s.store.ResetMFA(ctx, c.User.ID); err != nil {
		return casereview.User{}, err
	}
	c, err = s.store.CredentialsByID(ctx, c.User.ID)
	return c.User, err
}

// NewPasswordHash checks a password against the rules and hashes it, for accounts created by an
// admin or on the command line.
func (s *Service) NewPasswordHash(password string, context ...string) (string, error) {
	if err := CheckPassword(password, context...); err != nil {
		return "", casereview.Invalid("password", casereview.FieldInvalid, "%s", err.Error())
	}
	return HashPassword(password, s.cfg.Params)
}

// CreateToken makes a new API token for the caller; the secret is returned once. Only a
// signed-in session whose holder proved who they are within ReauthWithin may: a token cannot
// mint tokens (so revoking one leaves none of its making behind), and a session left open
// cannot turn itself into a credential that outlives it.
func (s *Service) CreateToken(ctx context.Context, id Identity, name string, expires *time.Time) (string, casereview.APIToken, error) {
	if id.SessionHash == "" {
		return "", casereview.APIToken{}, casereview.Forbidden("API tokens cannot create API tokens; sign in to create one")
	}
	if !id.Complete() {
		return "", casereview.APIToken{}, casereview.Forbidden("finish signing in first")
	}
	if s.now().Sub(id.AuthenticatedAt) > s.cfg.ReauthWithin {
		return "", casereview.APIToken{}, casereview.Forbidden(fmt.Sprintf(
			"confirm it is you: sign in again (your password or second factor was last checked more than %s ago)", s.cfg.ReauthWithin))
	}
	return s.issueToken(ctx, id.User, name, expires)
}

// IssueToken makes a token for u on the command line (whoever runs it holds the database). A
// user whose role requires a second factor must have set one up first, since the token would
// be refused until they do.
func (s *Service) IssueToken(ctx context.Context, u casereview.User, name string, expires *time.Time) (string, casereview.APIToken, error) {
	if u.Disabled {
		return "", casereview.APIToken{}, casereview.Conflict("the user is disabled")
	}
	if s.mfaRequired(u) && !u.MFAEnabled {
		return "", casereview.APIToken{}, casereview.Conflict(
			"this user's role requires an authenticator app and they have not set one up: they must sign in and enrol first")
	}
	return s.issueToken(ctx, u, name, expires)
}

func (s *Service) issueToken(ctx context.Context, u casereview.User, name string, expires *time.Time) (string, casereview.APIToken, error) {
	tok, prefix, err := NewAPIToken()
	if err != nil {
		return "", casereview.APIToken{}, err
	}
	t, err := s.store.CreateToken(casereview.WithActor(ctx, u.Actor()), u.ID, name, HashSecret(tok), prefix, expires)
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
