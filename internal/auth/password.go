package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Params are the argon2id cost parameters. They are recorded in every
// encoded hash, so they can be raised later without invalidating existing
// hashes (see VerifyPassword's needsRehash).
type Params struct {
	Memory      uint32 // memory cost in KiB
	Iterations  uint32 // time cost (passes over memory)
	Parallelism uint8  // lanes / threads
	SaltLen     uint32 // random salt length in bytes
	KeyLen      uint32 // derived hash length in bytes
}

// DefaultParams is the OWASP Password Storage Cheat Sheet's minimum
// recommended argon2id configuration: m=19 MiB (19456 KiB), t=2, p=1, with a
// 128-bit random salt and a 256-bit output. It costs a few tens of
// milliseconds and 19 MiB per verification on a server core, which is
// affordable per login but makes offline guessing of a stolen hash expensive
// (memory-hardness blunts GPU/ASIC attacks). Raise Memory (preferred) or
// Iterations when hardware allows; existing hashes are upgraded on the next
// successful login because VerifyPassword reports needsRehash.
var DefaultParams = Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLen: 16, KeyLen: 32}

// Bounds accepted when hashing or parsing. The upper bounds stop a corrupted
// or hostile stored hash from making a single verification allocate
// gigabytes or spin for minutes.
const (
	minSaltLen    = 8
	maxSaltLen    = 64
	minKeyLen     = 16
	maxKeyLen     = 128
	maxMemoryKiB  = 1 << 20 // 1 GiB
	maxIterations = 100
)

const argon2Version = argon2.Version // 0x13 == 19

// ErrMalformedHash is returned (wrapped) by VerifyPassword when the stored
// encoding cannot be parsed.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// b64 is the PHC string format's base64: standard alphabet, no padding.
// Strict rejects non-canonical encodings (non-zero trailing bits).
var b64 = base64.RawStdEncoding.Strict()

func (p Params) validate() error {
	switch {
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Errorf("argon2id iterations %d out of range 1..%d", p.Iterations, maxIterations)
	case p.Parallelism < 1:
		return errors.New("argon2id parallelism must be at least 1")
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("argon2id memory %d KiB out of range %d..%d", p.Memory, 8*uint32(p.Parallelism), maxMemoryKiB)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("salt length %d out of range %d..%d", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("key length %d out of range %d..%d", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// HashPassword derives an argon2id hash of pw with a fresh random salt and
// returns it in PHC string format:
//
//	$argon2id$v=19$m=<KiB>,t=<iterations>,p=<parallelism>$<salt>$<hash>
//
// The password itself is never stored or logged.
func HashPassword(pw string, p Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("auth: invalid params: %w", err)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: reading random salt: %w", err)
	}
	key := argon2.IDKey([]byte(NormalisePassword(pw)), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
	return encodeHash(p, salt, key), nil
}

// NormalisePassword puts a password in Unicode Normalization Form C before it is hashed or
// checked (NIST SP 800-63B §5.1.1.2), so "é" typed as one code point on one keyboard and as
// "e" + combining accent on another is the same password.
func NormalisePassword(pw string) string { return norm.NFC.String(pw) }

func encodeHash(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2Version, p.Memory, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether pw matches the PHC-encoded argon2id hash.
// The derived key is compared in constant time.
//
// needsRehash is true when the password matched but the stored hash was made
// with parameters other than want: the caller should then call
// HashPassword(pw, want) and store the result (upgrade-on-login). It is false
// whenever ok is false.
//
// A malformed or out-of-bounds encoding returns an error wrapping
// ErrMalformedHash; it never panics.
func VerifyPassword(pw, encoded string, want Params) (ok bool, needsRehash bool, err error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	nfc := NormalisePassword(pw)
	got := argon2.IDKey([]byte(nfc), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
	if subtle.ConstantTimeCompare(got, key) == 1 {
		return true, p != want, nil
	}
	// A hash made before passwords were normalised holds the bytes as typed. Only a password
	// that NFC changes can differ, so only those pay a second derivation; on a match the caller
	// re-hashes (needsRehash), after which the normalised form alone is checked.
	if nfc != pw {
		got = argon2.IDKey([]byte(pw), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
		if subtle.ConstantTimeCompare(got, key) == 1 {
			return true, true, nil
		}
	}
	return false, false, nil
}

// dummyHash is a syntactically valid hash with the given parameters whose key
// is all zero bytes; no password is expected to match it.
func dummyHash(p Params) string {
	return encodeHash(p, make([]byte, p.SaltLen), make([]byte, p.KeyLen))
}

// DummyVerify performs a full verification (parse, argon2id derivation with
// p, constant-time compare) against a fixed hash and discards the result.
// Call it when a login names an unknown (or disabled) user, with the
// parameters real users' hashes are made with, so the response takes as long
// as for a real user and timing does not reveal which accounts exist.
func DummyVerify(pw string, p Params) {
	_, _, _ = VerifyPassword(pw, dummyHash(p), p)
}

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformedHash, fmt.Sprintf(format, a...))
}

// decodeHash parses a PHC argon2id string strictly: exact field order, no
// extra fields, canonical base64, parameters within bounds.
func decodeHash(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, malformed("want 5 '$'-separated fields")
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, malformed("unsupported algorithm %q", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2Version) {
		return p, nil, nil, malformed("unsupported version %q", parts[2])
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return p, nil, nil, malformed("want parameters m=,t=,p=")
	}
	m, err := parseParam(kv[0], "m", 32)
	if err != nil {
		return p, nil, nil, err
	}
	t, err := parseParam(kv[1], "t", 32)
	if err != nil {
		return p, nil, nil, err
	}
	par, err := parseParam(kv[2], "p", 8)
	if err != nil {
		return p, nil, nil, err
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, malformed("salt: %v", err)
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil {
		return p, nil, nil, malformed("hash: %v", err)
	}
	p = Params{
		Memory:      uint32(m),
		Iterations:  uint32(t),
		Parallelism: uint8(par),
		SaltLen:     uint32(len(salt)),
		KeyLen:      uint32(len(key)),
	}
	if err := p.validate(); err != nil {
		return Params{}, nil, nil, malformed("%v", err)
	}
	return p, salt, key, nil
}

// parseParam parses "name=<decimal>" with no sign, no leading zeros and no
// overflow of bits.
func parseParam(s, name string, bits int) (uint64, error) {
	v, ok := strings.CutPrefix(s, name+"=")
	if !ok || v == "" || (len(v) > 1 && v[0] == '0') || strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, malformed("bad parameter %q, want %s=<number>", s, name)
	}
	n, err := strconv.ParseUint(v, 10, bits)
	if err != nil {
		return 0, malformed("parameter %s out of range", name)
	}
	return n, nil
}
