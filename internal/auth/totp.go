package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// TOTP parameters (RFC 6238 defaults, understood by every authenticator app).
const (
	TOTPDigits = 6
	TOTPPeriod = 30 // seconds
	// TOTPSkew is how many steps either side of the current one are accepted.
	TOTPSkew = 1

	totpSecretLen    = 20 // bytes: 160 bits, RFC 4226's recommendation
	totpMinSecretLen = 16 // bytes: 128 bits, RFC 4226's minimum
)

// ErrBadTOTPSecret is returned when a TOTP secret is not valid base32 or is
// shorter than 128 bits.
var ErrBadTOTPSecret = errors.New("auth: invalid TOTP secret")

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a fresh 160-bit TOTP shared secret, base32-encoded
// (upper case, no padding) as authenticator apps expect. Store it encrypted
// or at least access-controlled: unlike a password hash it is the key itself.
func NewTOTPSecret() (string, error) {
	b := make([]byte, totpSecretLen)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: reading random TOTP secret: %w", err)
	}
	return b32.EncodeToString(b), nil
}

// decodeTOTPSecret accepts the base32 secret case-insensitively, ignoring
// spaces, dashes and trailing '=' padding.
func decodeTOTPSecret(secret string) ([]byte, error) {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return unicode.ToUpper(r)
	}, secret)
	s = strings.TrimRight(s, "=")
	key, err := b32.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadTOTPSecret, err)
	}
	if len(key) < totpMinSecretLen {
		return nil, fmt.Errorf("%w: %d bits, want at least %d", ErrBadTOTPSecret, 8*len(key), 8*totpMinSecretLen)
	}
	return key, nil
}

// hotp is RFC 4226 HOTP: HMAC-SHA1 over the 8-byte big-endian counter,
// dynamic truncation to a 31-bit integer, then the low `digits` decimal
// digits, zero-padded.
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpStep is the RFC 6238 time step counter T = floor(unix / period); it is
// negative for times before the Unix epoch.
func totpStep(t time.Time) int64 {
	u := t.Unix()
	s := u / TOTPPeriod
	if u < 0 && u%TOTPPeriod != 0 {
		s--
	}
	return s
}

// TOTPCode returns the 6-digit code for secret at time t.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := decodeTOTPSecret(secret)
	if err != nil {
		return "", err
	}
	step := totpStep(t)
	if step < 0 {
		return "", errors.New("auth: TOTP time before the Unix epoch")
	}
	return hotp(key, uint64(step), TOTPDigits), nil
}

// VerifyTOTP checks a user-entered code against secret at time t, accepting
// the current time step and one step either side (clock skew). Spaces in the
// code are ignored. Each candidate is computed and compared in constant
// time, without an early exit.
//
// Replay protection: a code whose step is <= lastStep is rejected. On
// success the caller must persist the returned step as the new lastStep
// (atomically with accepting the login), so each code is usable once and no
// earlier code is accepted after it. Use lastStep 0 when no code has been
// accepted yet. On failure step is 0.
func VerifyTOTP(secret, code string, t time.Time, lastStep int64) (ok bool, step int64) {
	code = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, code)
	if len(code) != TOTPDigits || strings.IndexFunc(code, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return false, 0
	}
	key, err := decodeTOTPSecret(secret)
	if err != nil {
		return false, 0
	}
	now := totpStep(t)
	var matched int64 = -1
	for s := now - TOTPSkew; s <= now+TOTPSkew; s++ {
		if s < 0 {
			continue
		}
		eq := subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s), TOTPDigits)), []byte(code)) == 1
		// Keep the latest matching step that is not a replay.
		if eq && s > lastStep {
			matched = s
		}
	}
	if matched < 0 {
		return false, 0
	}
	return true, matched
}

// TOTPURI returns the otpauth:// key URI (Google Authenticator "Key Uri
// Format") for enrolling secret in an authenticator app, to be shown as a QR
// code or typed in:
//
//	otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
//
// Issuer and account are percent-encoded (spaces as %20, colons as %3A so
// they cannot be confused with the label separator).
func TOTPURI(secret, issuer, account string) string {
	secret = strings.ToUpper(strings.TrimRight(strings.ReplaceAll(secret, " ", ""), "="))
	label := uriEscape(issuer) + ":" + uriEscape(account)
	return "otpauth://totp/" + label +
		"?secret=" + uriEscape(secret) +
		"&issuer=" + uriEscape(issuer) +
		fmt.Sprintf("&algorithm=SHA1&digits=%d&period=%d", TOTPDigits, TOTPPeriod)
}

// uriEscape percent-encodes everything but RFC 3986 unreserved characters
// (and '@', which is common in account names and safe in both positions).
func uriEscape(s string) string {
	e := url.QueryEscape(s) // escapes all reserved characters, space as '+'
	e = strings.ReplaceAll(e, "+", "%20")
	return strings.ReplaceAll(e, "%40", "@")
}
