package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
)

// The persistence behind sign-in: credentials, sessions, API tokens, throttling and recovery
// codes, as auth.Store declares it. The rules (how long a session lives, when to lock an
// account) live in internal/auth; these methods only read and write, each write audited in its
// own transaction.

var _ auth.Store = (*Store)(nil)

func (s *Store) credentials(db *gorm.DB, where string, arg any) (auth.Credentials, error) {
	var row userRow
	if err := db.Where(where, arg).Take(&row).Error; err != nil {
		return auth.Credentials{}, notFoundAs(err, "user")
	}
	us, err := users(db, []userRow{row})
	if err != nil {
		return auth.Credentials{}, err
	}
	return auth.Credentials{User: us[0], PasswordHash: deref(row.PasswordHash), TOTPSecret: deref(row.TOTPSecret),
		TOTPEnabled: row.TOTPEnabled, TOTPLastStep: row.TOTPLastStep}, nil
}

// CredentialsByEmail finds a user by address for sign-in.
func (s *Store) CredentialsByEmail(ctx context.Context, email string) (auth.Credentials, error) {
	return s.credentials(s.read.WithContext(ctx), "email = ?", casereview.NormaliseEmail(email))
}

// CredentialsByID finds a user by id.
func (s *Store) CredentialsByID(ctx context.Context, id string) (auth.Credentials, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return auth.Credentials{}, casereview.NotFound("user")
	}
	return s.credentials(s.read.WithContext(ctx), "id = ?", id)
}

// SetPassword stores a new password hash. A change of password is audited; a silent upgrade of
// the hash parameters at sign-in changes nothing anyone can see and is not.
func (s *Store) SetPassword(ctx context.Context, userID, hash string, audited bool) error {
	return s.inTx(ctx, func(t *tx) error {
		if err := t.db.Model(&userRow{}).Where("id = ?", userID).Updates(map[string]any{"password_hash": hash, "updated_at": t.now}).Error; err != nil {
			return err
		}
		if audited {
			t.audit(casereview.AuditPasswordChanged, "user", userID, nil, nil)
		}
		return nil
	})
}

// RevokeOtherSessions ends every session of userID except keepHash.
func (s *Store) RevokeOtherSessions(ctx context.Context, userID, keepHash string) error {
	return s.write.WithContext(ctx).Table("sessions").Where("user_id = ? AND revoked_at IS NULL AND id_hash <> ?", userID, keepHash).
		Update("revoked_at", s.now().UTC()).Error
}

type sessionRow struct {
	IDHash     string     `gorm:"column:id_hash;primaryKey"`
	UserID     string     `gorm:"column:user_id"`
	CSRFToken  string     `gorm:"column:csrf_token"`
	MFAState   string     `gorm:"column:mfa_state"`
	CreatedAt  time.Time  `gorm:"column:created_at"`
	LastSeenAt time.Time  `gorm:"column:last_seen_at"`
	ExpiresAt  time.Time  `gorm:"column:expires_at"`
	RevokedAt  *time.Time `gorm:"column:revoked_at"`
	ClientIP   string     `gorm:"column:client_ip"`
	UserAgent  string     `gorm:"column:user_agent"`
}

func (sessionRow) TableName() string { return "sessions" }

// CreateSession stores a new session and records the sign-in.
func (s *Store) CreateSession(ctx context.Context, x auth.Session) error {
	return s.inTx(ctx, func(t *tx) error {
		row := sessionRow(x)
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		if err := t.db.Model(&userRow{}).Where("id = ?", x.UserID).Update("last_login_at", t.now).Error; err != nil {
			return err
		}
		t.audit(casereview.AuditLogin, "user", x.UserID, nil, map[string]string{"mfa_state": x.MFAState, "user_agent": x.UserAgent})
		return nil
	})
}

// SessionByHash returns a session (revoked or not) and its user's credentials.
func (s *Store) SessionByHash(ctx context.Context, idHash string) (auth.Session, auth.Credentials, error) {
	db := s.read.WithContext(ctx)
	var row sessionRow
	if err := db.Where("id_hash = ?", idHash).Take(&row).Error; err != nil {
		return auth.Session{}, auth.Credentials{}, notFoundAs(err, "session")
	}
	c, err := s.credentials(db, "id = ?", row.UserID)
	return auth.Session(row), c, err
}

// TouchSession moves a session's idle clock on.
func (s *Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	return s.write.WithContext(ctx).Model(&sessionRow{}).Where("id_hash = ?", idHash).Update("last_seen_at", at.UTC()).Error
}

// SetSessionMFA records that a session passed (or must still pass) a second factor; step is the
// TOTP step used, stored so the same code cannot be replayed.
func (s *Store) SetSessionMFA(ctx context.Context, idHash, userID, state string, step int64, action casereview.AuditAction) error {
	return s.inTx(ctx, func(t *tx) error {
		if err := t.db.Model(&sessionRow{}).Where("id_hash = ?", idHash).Update("mfa_state", state).Error; err != nil {
			return err
		}
		if step > 0 {
			res := t.db.Model(&userRow{}).Where("id = ? AND totp_last_step < ?", userID, step).Update("totp_last_step", step)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return casereview.Invalid("code", casereview.FieldInvalid, "that code has already been used; wait for the next one")
			}
		}
		t.audit(action, "user", userID, nil, map[string]string{"mfa_state": state})
		return nil
	})
}

// RevokeSession ends a session (sign-out).
func (s *Store) RevokeSession(ctx context.Context, idHash, userID string) error {
	return s.inTx(ctx, func(t *tx) error {
		if err := t.db.Model(&sessionRow{}).Where("id_hash = ? AND revoked_at IS NULL", idHash).Update("revoked_at", t.now).Error; err != nil {
			return err
		}
		t.audit(casereview.AuditLogout, "user", userID, nil, nil)
		return nil
	})
}

// StartTOTP stores a new, not yet confirmed, TOTP secret.
func (s *Store) StartTOTP(ctx context.Context, userID, secret string) error {
	return s.write.WithContext(ctx).Model(&userRow{}).Where("id = ? AND NOT totp_enabled", userID).
		Updates(map[string]any{"totp_secret": secret, "totp_last_step": 0}).Error
}

// ConfirmTOTP turns the pending secret on, stores the recovery code hashes and marks the
// session as having passed the second factor.
func (s *Store) ConfirmTOTP(ctx context.Context, userID, sessionHash string, step int64, recoveryHashes []string) error {
	return s.inTx(ctx, func(t *tx) error {
		res := t.db.Model(&userRow{}).Where("id = ? AND NOT totp_enabled AND totp_secret IS NOT NULL", userID).
			Updates(map[string]any{"totp_enabled": true, "totp_last_step": step, "version": gorm.Expr("version + 1"), "updated_at": t.now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return casereview.Conflict("no authenticator enrolment is in progress")
		}
		if err := t.db.Table("recovery_codes").Where("user_id = ?", userID).Delete(nil).Error; err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if err := t.db.Exec("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", userID, h).Error; err != nil {
				return err
			}
		}
		if err := t.db.Model(&sessionRow{}).Where("id_hash = ?", sessionHash).Update("mfa_state", "done").Error; err != nil {
			return err
		}
		t.audit(casereview.AuditMFAEnrolled, "user", userID, nil, map[string]int{"recovery_codes": len(recoveryHashes)})
		return nil
	})
}

// UseRecoveryCode spends one recovery code; it reports false when the code is unknown or spent.
func (s *Store) UseRecoveryCode(ctx context.Context, userID, codeHash, sessionHash string) (bool, error) {
	used := false
	err := s.inTx(ctx, func(t *tx) error {
		res := t.db.Table("recovery_codes").Where("user_id = ? AND code_hash = ? AND used_at IS NULL", userID, codeHash).Update("used_at", t.now)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		used = true
		if err := t.db.Model(&sessionRow{}).Where("id_hash = ?", sessionHash).Update("mfa_state", "done").Error; err != nil {
			return err
		}
		t.audit(casereview.AuditRecoveryCodeUsed, "user", userID, nil, nil)
		return nil
	})
	return used, err
}

type tokenRow struct {
	ID         string     `gorm:"column:id;primaryKey"`
	UserID     string     `gorm:"column:user_id"`
	Name       string     `gorm:"column:name"`
	TokenHash  string     `gorm:"column:token_hash"`
	Prefix     string     `gorm:"column:prefix"`
	CreatedAt  time.Time  `gorm:"column:created_at"`
	ExpiresAt  *time.Time `gorm:"column:expires_at"`
	LastUsedAt *time.Time `gorm:"column:last_used_at"`
	RevokedAt  *time.Time `gorm:"column:revoked_at"`
}

func (tokenRow) TableName() string { return "api_tokens" }

func (r tokenRow) domain() casereview.APIToken {
	utc := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.UTC()
		return &u
	}
	return casereview.APIToken{ID: r.ID, UserID: r.UserID, Name: r.Name, Prefix: r.Prefix, CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: utc(r.ExpiresAt), LastUsedAt: utc(r.LastUsedAt), RevokedAt: utc(r.RevokedAt)}
}

// CreateToken stores a new API token's hash.
func (s *Store) CreateToken(ctx context.Context, userID, name, hash, prefix string, expires *time.Time) (casereview.APIToken, error) {
	var p casereview.Problems
	casereview.CheckText(&p, "name", name, true, 100)
	if expires != nil && !expires.After(s.now()) {
		p.Add("expires_at", casereview.FieldInvalid, "expires_at must be in the future")
	}
	if err := p.Err(); err != nil {
		return casereview.APIToken{}, err
	}
	var row tokenRow
	err := s.inTx(ctx, func(t *tx) error {
		row = tokenRow{ID: newID(), UserID: userID, Name: name, TokenHash: hash, Prefix: prefix, CreatedAt: t.now, ExpiresAt: expires}
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		t.audit(casereview.AuditTokenCreated, "api_token", row.ID, nil, row.domain())
		return nil
	})
	return row.domain(), err
}

// TokenByHash finds a token (revoked or not) and its user's credentials.
func (s *Store) TokenByHash(ctx context.Context, hash string) (casereview.APIToken, auth.Credentials, error) {
	db := s.read.WithContext(ctx)
	var row tokenRow
	if err := db.Where("token_hash = ?", hash).Take(&row).Error; err != nil {
		return casereview.APIToken{}, auth.Credentials{}, notFoundAs(err, "token")
	}
	c, err := s.credentials(db, "id = ?", row.UserID)
	return row.domain(), c, err
}

// TouchToken records when a token was last used.
func (s *Store) TouchToken(ctx context.Context, id string, at time.Time) error {
	return s.write.WithContext(ctx).Model(&tokenRow{}).Where("id = ?", id).Update("last_used_at", at.UTC()).Error
}

// ListTokens lists a user's tokens, newest first.
func (s *Store) ListTokens(ctx context.Context, userID string) ([]casereview.APIToken, error) {
	var rows []tokenRow
	if err := s.read.WithContext(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]casereview.APIToken, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// RevokeToken revokes one of userID's tokens.
func (s *Store) RevokeToken(ctx context.Context, userID, id string) error {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.NotFound("token")
	}
	return s.inTx(ctx, func(t *tx) error {
		var row tokenRow
		if err := t.db.Where("id = ? AND user_id = ?", id, userID).Take(&row).Error; err != nil {
			return notFoundAs(err, "token")
		}
		if row.RevokedAt != nil {
			return nil
		}
		before := row.domain()
		row.RevokedAt = &t.now
		if err := t.db.Save(&row).Error; err != nil {
			return err
		}
		t.audit(casereview.AuditTokenRevoked, "api_token", row.ID, before, row.domain())
		return nil
	})
}

type throttleRow struct {
	Key           string     `gorm:"column:key;primaryKey"`
	Failures      int        `gorm:"column:failures"`
	LastFailureAt time.Time  `gorm:"column:last_failure_at"`
	LockedUntil   *time.Time `gorm:"column:locked_until"`
}

func (throttleRow) TableName() string { return "login_throttle" }

// Throttles returns the state of keys (missing keys have no failures).
func (s *Store) Throttles(ctx context.Context, keys ...string) ([]auth.Throttle, error) {
	var rows []throttleRow
	if err := s.read.WithContext(ctx).Where("key IN ?", keys).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]auth.Throttle, len(rows))
	for i, r := range rows {
		out[i] = auth.Throttle(r)
	}
	return out, nil
}

// RecordFailure counts a failed attempt against each key, locking a key whose count reaches
// lockAfter until lockFor has passed, and audits it; it reports whether any key is now locked.
func (s *Store) RecordFailure(ctx context.Context, action casereview.AuditAction, subject string, detail any, lockAfter int, lockFor time.Duration, keys ...string) (bool, error) {
	locked := false
	err := s.inTx(ctx, func(t *tx) error {
		for _, k := range keys {
			var row throttleRow
			err := t.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("key = ?", k).Take(&row).Error
			if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
			if errors.Is(err, gorm.ErrRecordNotFound) {
				row = throttleRow{Key: k}
			}
			if row.LockedUntil != nil && !row.LockedUntil.After(t.now) {
				row.Failures, row.LockedUntil = 0, nil // a lock that has run out starts the count again
			}
			row.Failures++
			row.LastFailureAt = t.now
			if row.Failures >= lockAfter {
				until := t.now.Add(lockFor)
				row.LockedUntil = &until
				locked = true
			}
			if err := t.db.Save(&row).Error; err != nil {
				return err
			}
		}
		t.audit(action, "user", subject, nil, detail)
		if locked {
			t.audit(casereview.AuditLoginLocked, "user", subject, nil, detail)
		}
		return nil
	})
	return locked, err
}

// ClearFailures forgets the failures of keys after a successful sign-in.
func (s *Store) ClearFailures(ctx context.Context, keys ...string) error {
	return s.write.WithContext(ctx).Where("key IN ?", keys).Delete(&throttleRow{}).Error
}
