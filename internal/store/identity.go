package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/migrations"
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

// ReplacePassword stores a password chosen by its owner (keepSessionHash is the session they
// used) or set by an admin (keepSessionHash empty), and in the same transaction ends every other
// session, revokes every API token and forgets the account's failure counts: whoever held the
// old password, or anything opened with it, is out. An admin's reset (AuditPasswordReset) marks
// the account as having to choose a new password; any other change clears that mark.
func (s *Store) ReplacePassword(ctx context.Context, userID, hash, keepSessionHash string, action casereview.AuditAction, keyPrefixes ...string) error {
	return s.inTx(ctx, func(t *tx) error {
		res := t.db.Model(&userRow{}).Where("id = ?", userID).Updates(map[string]any{"password_hash": hash,
			"must_change_password": action == casereview.AuditPasswordReset,
			"version":              gorm.Expr("version + 1"), "updated_at": t.now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return casereview.NotFound("user")
		}
		var sessions, tokens int64
		q := t.db.Table("sessions").Where("user_id = ? AND revoked_at IS NULL AND id_hash <> ?", userID, keepSessionHash).Update("revoked_at", t.now)
		if q.Error != nil {
			return q.Error
		}
		sessions = q.RowsAffected
		q = t.db.Table("api_tokens").Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", t.now)
		if q.Error != nil {
			return q.Error
		}
		tokens = q.RowsAffected
		for _, p := range keyPrefixes {
			// likePattern makes %p%; the key must start with p.
			if err := t.db.Where(`key LIKE ? ESCAPE '\'`, strings.TrimPrefix(likePattern(p), "%")).Delete(&throttleRow{}).Error; err != nil {
				return err
			}
		}
		t.audit(action, "user", userID, nil, map[string]int64{"sessions_ended": sessions, "tokens_revoked": tokens})
		return nil
	})
}

type sessionRow struct {
	IDHash          string     `gorm:"column:id_hash;primaryKey"`
	UserID          string     `gorm:"column:user_id"`
	CSRFToken       string     `gorm:"column:csrf_token"`
	MFAState        string     `gorm:"column:mfa_state"`
	AuthenticatedAt *time.Time `gorm:"column:authenticated_at"`
	CreatedAt       time.Time  `gorm:"column:created_at"`
	LastSeenAt      time.Time  `gorm:"column:last_seen_at"`
	ExpiresAt       time.Time  `gorm:"column:expires_at"`
	RevokedAt       *time.Time `gorm:"column:revoked_at"`
	ClientIP        string     `gorm:"column:client_ip"`
	UserAgent       string     `gorm:"column:user_agent"`
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

// MarkAuthenticated records when a session's holder last proved who they are.
func (s *Store) MarkAuthenticated(ctx context.Context, idHash string, at time.Time) error {
	at = at.UTC()
	return s.write.WithContext(ctx).Model(&sessionRow{}).Where("id_hash = ?", idHash).Update("authenticated_at", &at).Error
}

// SetSessionMFA records that a session passed (or must still pass) a second factor; step is the
// TOTP step used, stored so the same code cannot be replayed.
func (s *Store) SetSessionMFA(ctx context.Context, idHash, userID, state string, step int64, action casereview.AuditAction) error {
	return s.inTx(ctx, func(t *tx) error {
		if err := t.db.Model(&sessionRow{}).Where("id_hash = ?", idHash).Updates(map[string]any{"mfa_state": state, "authenticated_at": t.now}).Error; err != nil {
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

// TOTPSecrets returns every stored TOTP secret (sealed or not) by user id.
func (s *Store) TOTPSecrets(ctx context.Context) (map[string]string, error) {
	var rows []struct {
		ID         string
		TOTPSecret string `gorm:"column:totp_secret"`
	}
	if err := s.read.WithContext(ctx).Table("users").Select("id, totp_secret").Where("totp_secret IS NOT NULL").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.TOTPSecret
	}
	return out, nil
}

// ReplaceTOTPSecret re-stores a user's secret (sealed under the current key), only while the
// stored value is still old, so a concurrent enrolment is never overwritten. It changes how the
// secret is kept, not what it is, so it is not audited.
func (s *Store) ReplaceTOTPSecret(ctx context.Context, userID, old, next string) error {
	return s.write.WithContext(ctx).Model(&userRow{}).Where("id = ? AND totp_secret = ?", userID, old).Update("totp_secret", next).Error
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
		if err := t.db.Model(&sessionRow{}).Where("id_hash = ?", sessionHash).Updates(map[string]any{"mfa_state": "done", "authenticated_at": t.now}).Error; err != nil {
			return err
		}
		t.audit(casereview.AuditMFAEnrolled, "user", userID, nil, map[string]int{"recovery_codes": len(recoveryHashes)})
		return nil
	})
}

// ResetMFA is an admin clearing a user's second factor (a lost phone): the secret, the
// enrolled flag and every recovery code go, and every session and API token of the user ends, in
// one transaction. Where their role requires a second factor they enrol again at next sign-in.
func (s *Store) ResetMFA(ctx context.Context, userID string) error {
	if err := requireUserAdmin(ctx); err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		before, err := loadUser(t.db, userID)
		if err != nil {
			return err
		}
		if err := t.db.Model(&userRow{}).Where("id = ?", before.ID).Updates(map[string]any{"totp_secret": nil, "totp_enabled": false,
			"totp_last_step": 0, "version": gorm.Expr("version + 1"), "updated_at": t.now}).Error; err != nil {
			return err
		}
		codes := t.db.Table("recovery_codes").Where("user_id = ?", before.ID).Delete(nil)
		if codes.Error != nil {
			return codes.Error
		}
		sessions := t.db.Table("sessions").Where("user_id = ? AND revoked_at IS NULL", before.ID).Update("revoked_at", t.now)
		if sessions.Error != nil {
			return sessions.Error
		}
		tokens := t.db.Table("api_tokens").Where("user_id = ? AND revoked_at IS NULL", before.ID).Update("revoked_at", t.now)
		if tokens.Error != nil {
			return tokens.Error
		}
		t.audit(casereview.AuditMFAReset, "user", before.ID, nil, map[string]any{"mfa_was_enabled": before.MFAEnabled,
			"recovery_codes_removed": codes.RowsAffected,
			"sessions_ended":         sessions.RowsAffected, "tokens_revoked": tokens.RowsAffected})
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
		if err := t.db.Model(&sessionRow{}).Where("id_hash = ?", sessionHash).Updates(map[string]any{"mfa_state": "done", "authenticated_at": t.now}).Error; err != nil {
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
	LastSuccessAt *time.Time `gorm:"column:last_success_at"`
}

func (throttleRow) TableName() string { return "login_throttle" }

// ReserveAttempt counts an attempt before it is checked. Missing rows are created first (an
// upsert that does nothing when the row exists), then every row is locked in key order (so two
// reservations never wait on each other in a cycle): on PostgreSQL with SELECT … FOR UPDATE, which
// serialises replicas too; on SQLite the immediate transaction holds the one write lock. So no
// two attempts see the same count, and at most the limit is ever verified however many arrive
// at once.
func (s *Store) ReserveAttempt(ctx context.Context, decide func(now time.Time, ts []auth.Throttle) ([]auth.Throttle, time.Duration), keys ...string) ([]auth.Throttle, time.Duration, error) {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var out []auth.Throttle
	var wait time.Duration
	err := s.inTx(ctx, func(t *tx) error {
		for _, k := range keys {
			if err := t.db.Exec("INSERT INTO login_throttle (key, failures, last_failure_at) VALUES (?, 0, ?) ON CONFLICT (key) DO NOTHING", k, time.Time{}).Error; err != nil {
				return err
			}
		}
		q := t.db.Where("key IN ?", keys).Order("key")
		if s.dialect == migrations.Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var rows []throttleRow
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		ts := make([]auth.Throttle, len(rows))
		for i, r := range rows {
			ts[i] = auth.Throttle(r)
		}
		out, wait = decide(t.now, ts)
		if wait > 0 {
			out = ts
			return nil
		}
		for _, n := range out {
			row := throttleRow(n)
			if err := t.db.Save(&row).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return out, wait, err
}

// PruneThrottles deletes throttle rows that no longer change any decision (see auth.ForgetQuiet).
func (s *Store) PruneThrottles(ctx context.Context, now, quietBefore, knownBefore time.Time, knownPrefix string) (int64, error) {
	res := s.write.WithContext(ctx).Where("last_failure_at < ? AND (locked_until IS NULL OR locked_until <= ?) AND "+
		"(last_success_at IS NULL OR last_success_at < ? OR substr(key, 1, ?) <> ?)",
		quietBefore, now, knownBefore, len(knownPrefix), knownPrefix).Delete(&throttleRow{})
	return res.RowsAffected, res.Error
}

// RecordFailure audits a failed attempt, and the lockout it caused.
func (s *Store) RecordFailure(ctx context.Context, action casereview.AuditAction, subject string, detail any, locked bool) error {
	return s.inTx(ctx, func(t *tx) error {
		t.audit(action, "user", subject, nil, detail)
		if locked {
			t.audit(casereview.AuditLoginLocked, "user", subject, nil, detail)
		}
		return nil
	})
}

// Succeeded settles a successful attempt: clear keys forget their failures and note the success;
// refund keys give back the one attempt the success had reserved (and nothing more, so a
// sign-in to one's own account cannot wipe out failures counted against others).
func (s *Store) Succeeded(ctx context.Context, clear, refund []string) error {
	return s.inTx(ctx, func(t *tx) error {
		if len(clear) > 0 {
			if err := t.db.Model(&throttleRow{}).Where("key IN ?", clear).
				Updates(map[string]any{"failures": 0, "locked_until": nil, "last_success_at": t.now}).Error; err != nil {
				return err
			}
		}
		if len(refund) > 0 {
			if err := t.db.Model(&throttleRow{}).Where("key IN ? AND failures > 0", refund).
				Update("failures", gorm.Expr("failures - 1")).Error; err != nil {
				return err
			}
		}
		return nil
	})
}
