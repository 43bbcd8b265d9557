package auth

// The second factor: checking a code at sign-in, setting up an authenticator app, and keeping
// its secret sealed at rest.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// VerifyMFA accepts a TOTP code, or a recovery code, for a session that owes its second factor.
func (s *Service) VerifyMFA(ctx context.Context, id Identity, code, clientIP string) (Identity, error) {
	if id.MFAState != MFAPending {
		return id, casereview.Conflict("this session does not need a code")
	}
	// Wrong codes count against a key of the user's own, which a correct password does not
	// clear: otherwise signing in again would reset the count and the code could be guessed
	// unhindered. Counted before checking, like passwords, so a burst cannot outrun the limit.
	keys := []string{keyMFA + id.User.ID, keyIP + clientIP}
	ts, err := s.reserve(ctx, keys)
	if err != nil {
		return id, err
	}
	c, err := s.store.CredentialsByID(ctx, id.User.ID)
	if err != nil {
		return id, err
	}
	secret, err := s.openTOTP(ctx, c)
	if err != nil {
		return id, err
	}
	actx := casereview.WithActor(ctx, id.Actor)
	if ok, step := VerifyTOTP(secret, code, s.now(), c.TOTPLastStep); ok {
		if err := s.store.SetSessionMFA(actx, id.SessionHash, id.User.ID, MFADone, step, casereview.AuditMFAPassed); err != nil {
			return id, err
		}
		id.MFAState, id.AuthenticatedAt = MFADone, s.now().UTC()
		return id, s.succeeded(ctx, keys)
	}
	if strings.Count(code, "-") == 2 || len(NormaliseRecoveryCode(code)) == 12 {
		used, err := s.store.UseRecoveryCode(actx, id.User.ID, HashSecret(NormaliseRecoveryCode(code)), id.SessionHash)
		if err != nil {
			return id, err
		}
		if used {
			id.MFAState, id.AuthenticatedAt = MFADone, s.now().UTC()
			return id, s.succeeded(ctx, keys)
		}
	}
	if err := s.fail(actx, casereview.AuditMFAFailed, id.User.ID, map[string]string{"email": id.User.Email}, ts); err != nil {
		return id, err
	}
	return id, casereview.Invalid("code", casereview.FieldInvalid, "the code is wrong or has expired")
}

// openTOTP returns a user's TOTP secret in the clear. A secret stored before secrets were
// sealed, or sealed under an old key, is re-sealed under the current key on this first use.
func (s *Service) openTOTP(ctx context.Context, c Credentials) (string, error) {
	if c.TOTPSecret == "" {
		return "", nil
	}
	if s.box == nil {
		return "", errNoSecretKey
	}
	plain, current, err := s.box.Open(c.TOTPSecret, c.User.ID)
	if err != nil {
		return "", err
	}
	if !current {
		if sealed, err := s.box.Seal(plain, c.User.ID); err == nil {
			_ = s.store.ReplaceTOTPSecret(ctx, c.User.ID, c.TOTPSecret, sealed) // best effort: start-up does it too
		}
	}
	return plain, nil
}

var errNoSecretKey = errors.New("auth: no secret key configured for second-factor secrets (CASEREVIEW_SECRET_KEY)")

// SealSecrets re-seals under the current key every TOTP secret stored in plaintext (before
// secrets were encrypted) or under an old key, so that the old key can then be retired. It runs
// at start-up and reports how many it changed.
func (s *Service) SealSecrets(ctx context.Context) (int, error) {
	if s.box == nil {
		return 0, errNoSecretKey
	}
	all, err := s.store.TOTPSecrets(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for userID, stored := range all {
		plain, current, err := s.box.Open(stored, userID)
		if err != nil {
			return n, fmt.Errorf("user %s: %w", userID, err)
		}
		if current {
			continue
		}
		sealed, err := s.box.Seal(plain, userID)
		if err != nil {
			return n, err
		}
		if err := s.store.ReplaceTOTPSecret(ctx, userID, stored, sealed); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
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
	if s.box == nil {
		return Enrolment{}, errNoSecretKey
	}
	sealed, err := s.box.Seal(secret, id.User.ID)
	if err != nil {
		return Enrolment{}, err
	}
	if err := s.store.StartTOTP(ctx, id.User.ID, sealed); err != nil {
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
	secret, err := s.openTOTP(ctx, c)
	if err != nil {
		return nil, err
	}
	ok, step := VerifyTOTP(secret, code, s.now(), 0)
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
