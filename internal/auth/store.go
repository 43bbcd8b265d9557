package auth

import (
	"context"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Store is the persistence the sign-in rules need: credentials, sessions, API tokens, failure
// throttling and recovery codes. It only reads and writes (each write audited); every rule
// (how long a session lives, when to lock an account) stays in Service. internal/store
// implements it; declaring it here keeps the service, and so the HTTP layers that use it, free
// of the database packages.
type Store interface {
	CredentialsByEmail(ctx context.Context, email string) (Credentials, error)
	CredentialsByID(ctx context.Context, id string) (Credentials, error)
	SetPassword(ctx context.Context, userID, hash string, audited bool) error
	// ReplacePassword stores a new password hash chosen by its owner or set by an admin, and in
	// the same transaction revokes every API token and every session but keepSessionHash (empty
	// for none) and forgets the failure counts whose keys start with any of keyPrefixes.
	ReplacePassword(ctx context.Context, userID, hash, keepSessionHash string, action casereview.AuditAction, keyPrefixes ...string) error

	CreateSession(ctx context.Context, x Session) error
	SessionByHash(ctx context.Context, idHash string) (Session, Credentials, error)
	TouchSession(ctx context.Context, idHash string, at time.Time) error
	SetSessionMFA(ctx context.Context, idHash, userID, state string, step int64, action casereview.AuditAction) error
	// MarkAuthenticated records that a session's holder has just proved who they are again.
	MarkAuthenticated(ctx context.Context, idHash string, at time.Time) error
	RevokeSession(ctx context.Context, idHash, userID string) error
	RevokeOtherSessions(ctx context.Context, userID, keepHash string) error

	StartTOTP(ctx context.Context, userID, secret string) error
	// TOTPSecrets returns every stored TOTP secret by user id, as stored (sealed or not).
	TOTPSecrets(ctx context.Context) (map[string]string, error)
	// ReplaceTOTPSecret swaps a user's stored secret for next, only while it is still old.
	ReplaceTOTPSecret(ctx context.Context, userID, old, next string) error
	ConfirmTOTP(ctx context.Context, userID, sessionHash string, step int64, recoveryHashes []string) error
	UseRecoveryCode(ctx context.Context, userID, codeHash, sessionHash string) (bool, error)
	// ResetMFA clears a user's second factor and recovery codes and ends every session and API
	// token of theirs, audited, for an admin.
	ResetMFA(ctx context.Context, userID string) error

	CreateToken(ctx context.Context, userID, name, hash, prefix string, expires *time.Time) (casereview.APIToken, error)
	TokenByHash(ctx context.Context, hash string) (casereview.APIToken, Credentials, error)
	TouchToken(ctx context.Context, id string, at time.Time) error
	ListTokens(ctx context.Context, userID string) ([]casereview.APIToken, error)
	RevokeToken(ctx context.Context, userID, id string) error

	// ReserveAttempt counts an attempt against keys before it is checked, atomically across
	// concurrent requests and replicas: it locks the keys' rows (creating missing ones), passes
	// their state to decide, and when decide allows the attempt (wait 0) stores the state decide
	// returns. Nothing is written when decide refuses.
	ReserveAttempt(ctx context.Context, decide func(now time.Time, ts []Throttle) ([]Throttle, time.Duration), keys ...string) ([]Throttle, time.Duration, error)
	// RecordFailure audits a failed attempt (already counted by ReserveAttempt), and a lockout
	// when locked.
	RecordFailure(ctx context.Context, action casereview.AuditAction, subject string, detail any, locked bool) error
	// Succeeded settles a successful attempt: clear keys forget their failures and remember the
	// success; refund keys give back the one attempt this success had reserved.
	Succeeded(ctx context.Context, clear, refund []string) error
	// PruneThrottles deletes the rows that no longer change any decision: not locked at now, no
	// failure since quietBefore, and (for keys starting knownPrefix, whose successes make an
	// address known) no success since knownBefore. It returns how many went.
	PruneThrottles(ctx context.Context, now, quietBefore, knownBefore time.Time, knownPrefix string) (int64, error)
}

// Credentials is what sign-in needs to know about a user. It never leaves the auth package and
// its Store.
type Credentials struct {
	User         casereview.User
	PasswordHash string
	TOTPSecret   string
	TOTPEnabled  bool
	TOTPLastStep int64
}

// Session is a server-side sign-in.
type Session struct {
	IDHash    string
	UserID    string
	CSRFToken string
	MFAState  string // pending, enrol, done, not_required
	// AuthenticatedAt is when the holder last proved who they are (password or second factor).
	AuthenticatedAt *time.Time
	CreatedAt       time.Time
	LastSeenAt      time.Time
	ExpiresAt       time.Time
	RevokedAt       *time.Time
	ClientIP        string
	UserAgent       string
}

// Throttle is the attempt count of one key (an account, an account at an address, or an
// address). Failures counts attempts reserved and not since settled by a success.
type Throttle struct {
	Key           string
	Failures      int
	LastFailureAt time.Time
	LockedUntil   *time.Time
	LastSuccessAt *time.Time
}
