// Package auth holds the cryptographic primitives of casereview's identity and
// access control: password hashing and policy, TOTP second factor, and opaque
// secrets (API tokens, session ids, CSRF tokens, recovery codes). Everything
// here is a pure function of its inputs and crypto/rand: no database, no
// HTTP, no logging. Callers must never log passwords, codes or tokens.
//
// Service applies the sign-in rules (sessions, lockouts, second factor, API
// tokens) over a Store, an interface declared here and implemented by
// internal/store, so this package imports no database code.
//
// # Passwords
//
// Passwords are hashed with argon2id (RFC 9106) and stored in PHC string
// format, which records the parameters alongside the salt and hash:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt, base64 std no padding>$<hash, same>
//
// DefaultParams is the OWASP Password Storage Cheat Sheet minimum for argon2id:
// 19 MiB of memory, 2 iterations, 1 lane, a 16-byte random salt and a 32-byte
// hash. Memory-hardness is what makes argon2id costly to attack on GPUs and
// ASICs, so when the servers can afford more, raise Memory first.
//
// Upgrade-on-login: VerifyPassword(pw, stored, want) returns needsRehash when
// the password is correct but the stored hash was made with parameters other
// than want. The login handler then stores HashPassword(pw, want), so raising
// DefaultParams upgrades each account the next time its owner signs in,
// without a reset. Logins for unknown users call DummyVerify with the
// service's parameters, which performs the same work, so response time does not reveal which accounts exist.
//
// CheckPassword enforces NCSC-style rules on new passwords: length over
// complexity (12 to 256 characters, no composition rules), not on the embedded
// deny-list of common passwords (also after trimming digits and punctuation
// and undoing l33t substitutions), not mostly one repeated character, and
// not containing the user's own name or email address.
//
// # Tokens and why SHA-256 suits them
//
// API tokens, session ids, CSRF tokens and recovery codes are generated here
// from crypto/rand with 59 to 256 bits of entropy. Server-side only
// HashSecret (hex SHA-256) of a token, session id or recovery code is stored.
// A slow, salted password hash is unnecessary for them: a slow hash defends
// against guessing from a small space (human-chosen passwords), but a 256-bit
// random token cannot be guessed however fast the hash, and an unsalted fast
// hash allows looking a presented token up by an indexed equality query. For
// the same reason SHA-256 is wrong for passwords: people choose from a small,
// predictable space, so a fast hash of a stolen database can be brute-forced
// at billions of guesses per second; passwords always go through HashPassword.
//
// # TOTP
//
// The second factor is RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits),
// implemented here from RFC 4226/6238. VerifyTOTP accepts one step of clock
// skew either side and rejects any step at or before the last accepted one,
// so the caller must store the returned step to prevent code replay.
// TOTPURI builds the otpauth:// enrolment URI for authenticator apps; render
// it as a QR code in the client.
package auth
