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

	CreateSession(ctx context.Context, x Session) error
	SessionByHash(ctx context.Context, idHash string) (Session, Credentials, error)
	TouchSession(ctx context.Context, idHash string, at time.Time) error
	SetSessionMFA(ctx context.Context, idHash, userID, state string, step int64, action casereview.AuditAction) error
	RevokeSession(ctx context.Context, idHash, userID string) error
	RevokeOtherSessions(ctx context.Context, userID, keepHash string) error

	StartTOTP(ctx context.Context, userID, secret string) error
	ConfirmTOTP(ctx context.Context, userID, sessionHash string, step int64, recoveryHashes []string) error
	UseRecoveryCode(ctx context.Context, userID, codeHash, sessionHash string) (bool, error)

	CreateToken(ctx context.Context, userID, name, hash, prefix string, expires *time.Time) (casereview.APIToken, error)
	TokenByHash(ctx context.Context, hash string) (casereview.APIToken, Credentials, error)
	TouchToken(ctx context.Context, id string, at time.Time) error
	ListTokens(ctx context.Context, userID string) ([]casereview.APIToken, error)
	RevokeToken(ctx context.Context, userID, id string) error

	Throttles(ctx context.Context, keys ...string) ([]Throttle, error)
	RecordFailure(ctx context.Context, action casereview.AuditAction, subject string, detail any, lockAfter int, lockFor time.Duration, keys ...string) (bool, error)
	ClearFailures(ctx context.Context, keys ...string) error
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
	IDHash     string
	UserID     string
	CSRFToken  string
	MFAState   string // pending, enrol, done, not_required
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time
	ClientIP   string
	UserAgent  string
}

// Throttle is the failure count of one key (an account or a client address).
type Throttle struct {
	Key           string
	Failures      int
	LastFailureAt time.Time
	LockedUntil   *time.Time
}
