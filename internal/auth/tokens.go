package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"unicode"
)

const (
	// APITokenPrefix starts every API token, so leaked tokens are easy to
	// recognise (and to register with secret scanners).
	APITokenPrefix = "crv_"
	// APITokenDisplayLen is the length of the non-secret prefix shown in
	// token lists (APITokenPrefix plus 8 random characters).
	APITokenDisplayLen = 12

	apiTokenRandLen = 43 // base62 characters: 43*log2(62) ≈ 256.03 bits
	secretBytes     = 32 // session ids and CSRF tokens: 256 bits

	// RecoveryCodeAlphabet omits the easily confused 0/o, 1/l/i.
	RecoveryCodeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	recoveryGroups       = 3
	recoveryGroupLen     = 4 // 12 characters ≈ 59 bits per code
	maxRecoveryCodes     = 100
)

const base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomString returns n characters drawn uniformly from alphabet (at most
// 256 characters) using crypto/rand and rejection sampling (no modulo bias).
func randomString(n int, alphabet string) (string, error) {
	return randomStringFrom(rand.Reader, n, alphabet)
}

func randomStringFrom(src io.Reader, n int, alphabet string) (string, error) {
	limit := 256 - 256%len(alphabet) // largest multiple of len(alphabet) <= 256
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/2+8)
	for len(out) < n {
		if _, err := io.ReadFull(src, buf); err != nil {
			return "", fmt.Errorf("auth: reading random bytes: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit {
				out = append(out, alphabet[int(b)%len(alphabet)])
				if len(out) == n {
					break
				}
			}
		}
	}
	return string(out), nil
}

func randomB64(nbytes int) (string, error) {
	b := make([]byte, nbytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// NewAPIToken returns a new bearer API token "crv_" + 43 base62 characters
// (256 bits of randomness; alphanumeric so a double-click selects it whole)
// and its display prefix, the first 12 characters, which is not secret and
// lets users tell their tokens apart. Show the token once; store only
// HashSecret(token) and the prefix.
func NewAPIToken() (token, prefix string, err error) {
	r, err := randomString(apiTokenRandLen, base62Alphabet)
	if err != nil {
		return "", "", err
	}
	token = APITokenPrefix + r
	return token, token[:APITokenDisplayLen], nil
}

// IsAPITokenFormat reports whether s has the shape of a token from
// NewAPIToken. Use it to reject garbage before a database lookup; it says
// nothing about validity.
func IsAPITokenFormat(s string) bool {
	r, ok := strings.CutPrefix(s, APITokenPrefix)
	if !ok || len(r) != apiTokenRandLen {
		return false
	}
	for i := 0; i < len(r); i++ {
		if strings.IndexByte(base62Alphabet, r[i]) < 0 {
			return false
		}
	}
	return true
}

// NewSessionID returns 32 random bytes, base64url-encoded without padding
// (43 characters). Store only HashSecret(id) server-side.
func NewSessionID() (string, error) { return randomB64(secretBytes) }

// NewCSRFToken returns 32 random bytes, base64url-encoded without padding.
func NewCSRFToken() (string, error) { return randomB64(secretBytes) }

// HashSecret returns the hex SHA-256 of s. It is the right hash for
// high-entropy, machine-generated secrets (API tokens, session ids, recovery
// codes): they cannot be guessed, so a fast hash is enough and allows an
// indexed lookup by hash. Never use it for passwords; use HashPassword.
func HashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// NewRecoveryCodes returns n single-use recovery codes such as
// "abcd-efgh-jkmn", drawn from RecoveryCodeAlphabet (about 59 bits each).
// Store HashSecret(NormaliseRecoveryCode(code)) and show the codes once.
func NewRecoveryCodes(n int) ([]string, error) {
	if n < 1 || n > maxRecoveryCodes {
		return nil, fmt.Errorf("auth: recovery code count %d out of range 1..%d", n, maxRecoveryCodes)
	}
	codes := make([]string, 0, n)
	seen := make(map[string]bool, n)
	for len(codes) < n {
		r, err := randomString(recoveryGroups*recoveryGroupLen, RecoveryCodeAlphabet)
		if err != nil {
			return nil, err
		}
		if seen[r] {
			continue
		}
		seen[r] = true
		groups := make([]string, recoveryGroups)
		for g := range groups {
			groups[g] = r[g*recoveryGroupLen : (g+1)*recoveryGroupLen]
		}
		codes = append(codes, strings.Join(groups, "-"))
	}
	return codes, nil
}

// NormaliseRecoveryCode lower-cases a user-entered recovery code and removes
// spaces and dashes, so "ABCD EFGH-jkmn" and "abcd-efgh-jkmn" hash alike.
func NormaliseRecoveryCode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// ConstantTimeEqual reports whether a == b in time independent of their
// contents (it may reveal whether the lengths differ, which is harmless for
// fixed-length secrets such as CSRF tokens).
func ConstantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
