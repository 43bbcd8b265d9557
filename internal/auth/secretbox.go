package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// SecretBox encrypts secrets kept at rest (TOTP shared secrets) with AES-256-GCM under a server
// key the database does not hold (CASEREVIEW_SECRET_KEY), so a copy of the database alone does
// not yield anyone's second factor. A sealed value reads
//
//	v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>
//
// where the key id is the first 8 hex digits of SHA-256 of the key: Open picks the key that
// sealed it among the current one and any old ones, which is how a key is rotated (set the new
// key, pass the old as CASEREVIEW_SECRET_KEY_OLD, start once: every secret is re-sealed under
// the new key; then drop the old). The user's id is bound as associated data, so a sealed
// secret copied onto another user's row does not open.
type SecretBox struct {
	current keyed
	old     []keyed
}

type keyed struct {
	id   string
	aead cipher.AEAD
}

const sealPrefix = "v1:"

// SecretKeyLen is the length of a secret key in bytes (AES-256).
const SecretKeyLen = 32

// ParseSecretKey reads a key written as 32 bytes in standard or URL base64 (with or without
// padding) or as 64 hex digits, e.g. the output of `openssl rand -base64 32`.
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == SecretKeyLen {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == SecretKeyLen {
			return b, nil
		}
	}
	return nil, fmt.Errorf("want %d random bytes as base64 (openssl rand -base64 32) or 64 hex digits", SecretKeyLen)
}

// NewSecretKey returns a fresh random key, base64-encoded.
func NewSecretKey() (string, error) {
	b := make([]byte, SecretKeyLen)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: reading random key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

func newKeyed(key []byte) (keyed, error) {
	if len(key) != SecretKeyLen {
		return keyed{}, fmt.Errorf("auth: secret key is %d bytes, want %d", len(key), SecretKeyLen)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return keyed{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return keyed{}, err
	}
	sum := sha256.Sum256(key)
	return keyed{id: hex.EncodeToString(sum[:4]), aead: aead}, nil
}

// NewSecretBox returns a box that seals under current and opens what current or any of old sealed.
func NewSecretBox(current []byte, old ...[]byte) (*SecretBox, error) {
	c, err := newKeyed(current)
	if err != nil {
		return nil, err
	}
	b := &SecretBox{current: c}
	for _, k := range old {
		o, err := newKeyed(k)
		if err != nil {
			return nil, fmt.Errorf("old key: %w", err)
		}
		b.old = append(b.old, o)
	}
	return b, nil
}

// ErrSecretUnreadable is returned when a sealed secret cannot be opened with any known key.
var ErrSecretUnreadable = errors.New("auth: a stored secret cannot be decrypted with the configured keys (CASEREVIEW_SECRET_KEY, CASEREVIEW_SECRET_KEY_OLD)")

// Seal encrypts plaintext for the row of owner.
func (b *SecretBox) Seal(plaintext, owner string) (string, error) {
	nonce := make([]byte, b.current.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("auth: reading random nonce: %w", err)
	}
	ct := b.current.aead.Seal(nonce, nonce, []byte(plaintext), []byte(owner))
	return sealPrefix + b.current.id + ":" + base64.RawURLEncoding.EncodeToString(ct), nil
}

// IsSealed reports whether a stored value is sealed (rather than legacy plaintext).
func IsSealed(stored string) bool { return strings.HasPrefix(stored, sealPrefix) }

// Open decrypts a sealed value of owner. A value that is not sealed is legacy plaintext,
// returned as it is (with current false so the caller re-seals it). current reports whether the
// value was sealed under the current key.
func (b *SecretBox) Open(stored, owner string) (plaintext string, current bool, err error) {
	if !IsSealed(stored) {
		return stored, false, nil
	}
	id, body, ok := strings.Cut(strings.TrimPrefix(stored, sealPrefix), ":")
	if !ok {
		return "", false, ErrSecretUnreadable
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return "", false, ErrSecretUnreadable
	}
	for i, k := range append([]keyed{b.current}, b.old...) {
		if k.id != id || len(raw) < k.aead.NonceSize() {
			continue
		}
		pt, err := k.aead.Open(nil, raw[:k.aead.NonceSize()], raw[k.aead.NonceSize():], []byte(owner))
		if err != nil {
			continue
		}
		return string(pt), i == 0, nil
	}
	return "", false, ErrSecretUnreadable
}
