package auth

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Password length limits, counted in Unicode code points (runes). Following
// NCSC guidance the policy favours length over complexity: there are no
// composition rules (no "must contain a digit/symbol"), all printable
// characters including spaces are allowed, and passphrases are encouraged.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

// Sentinel errors returned (wrapped, with a human-readable explanation) by
// CheckPassword; test with errors.Is.
var (
	ErrPasswordTooShort    = errors.New("password is too short")
	ErrPasswordTooLong     = errors.New("password is too long")
	ErrPasswordInvalid     = errors.New("password contains invalid characters")
	ErrPasswordCommon      = errors.New("password is too common")
	ErrPasswordRepetitive  = errors.New("password is too repetitive")
	ErrPasswordHasPersonal = errors.New("password contains personal information")
)

//go:embed common-passwords.txt
var commonPasswordsText string

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 1024)
	for line := range strings.Lines(commonPasswordsText) {
		if w := strings.TrimSpace(line); w != "" {
			m[strings.ToLower(w)] = struct{}{}
		}
	}
	return m
})

// CheckPassword reports whether pw is acceptable as a new password. context
// holds strings the password must not contain, such as the user's name, email
// address or username; each is also split into words (on spaces, dots, @,
// dashes, ...) and any whole string or word of 4 or more characters is
// matched case-insensitively. The returned error wraps one of the
// ErrPassword* sentinels and never echoes the password.
func CheckPassword(pw string, context ...string) error {
	if len(pw) > 4*MaxPasswordLen { // cheap bound before any rune work
		return fmt.Errorf("%w: use at most %d characters", ErrPasswordTooLong, MaxPasswordLen)
	}
	if !utf8.ValidString(pw) {
		return fmt.Errorf("%w: not valid UTF-8 text", ErrPasswordInvalid)
	}
	pw = NormalisePassword(pw) // checked as it will be hashed
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return fmt.Errorf("%w: use at least %d characters (a few unrelated words make a strong, memorable passphrase)", ErrPasswordTooShort, MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return fmt.Errorf("%w: use at most %d characters", ErrPasswordTooLong, MaxPasswordLen)
	}
	if strings.IndexFunc(pw, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: control characters (such as tabs or line breaks) are not allowed", ErrPasswordInvalid)
	}
	lower := strings.ToLower(pw)
	if isCommonPassword(lower) {
		return fmt.Errorf("%w: it is on a list of commonly used passwords that attackers try first", ErrPasswordCommon)
	}
	if isRepetitive(lower) {
		return fmt.Errorf("%w: avoid repeating the same character or short pattern", ErrPasswordRepetitive)
	}
	for _, c := range context {
		for _, w := range contextWords(c) {
			if strings.Contains(lower, w) {
				return fmt.Errorf("%w: it must not contain your name, username or email address", ErrPasswordHasPersonal)
			}
		}
	}
	return nil
}

func isDigitOrPunct(r rune) bool {
	return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// leet undoes the most common character substitutions (p@ssw0rd).
var leet = strings.NewReplacer("@", "a", "4", "a", "3", "e", "0", "o", "$", "s", "5", "s", "7", "t", "1", "i", "!", "i")

// isCommonPassword checks the lower-cased password against the deny-list as
// is, after trimming digits/punctuation from both ends ("Password2024!",
// "!!letmein"), and after undoing common letter-for-digit substitutions.
func isCommonPassword(lower string) bool {
	set := commonPasswords()
	trimmed := strings.TrimFunc(lower, isDigitOrPunct)
	for _, cand := range []string{lower, trimmed, leet.Replace(trimmed), leet.Replace(lower)} {
		if _, ok := set[cand]; ok {
			return true
		}
	}
	return false
}

// isRepetitive reports whether more than half of the characters are one
// repeated character ("aaaaaaaaaaab", "xxxxxxx1xxxxx") or the whole password
// is a short unit of up to 4 characters repeated ("abababababab",
// "abcdabcdabcd").
func isRepetitive(lower string) bool {
	rs := []rune(lower)
	counts := make(map[rune]int, len(rs))
	for _, r := range rs {
		counts[r]++
		if 2*counts[r] > len(rs) {
			return true
		}
	}
	for unit := 1; unit <= 4 && unit < len(rs); unit++ {
		if len(rs)%unit != 0 {
			continue
		}
		same := true
		for i := unit; i < len(rs); i++ {
			if rs[i] != rs[i-unit] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// contextWords returns the lower-cased context string and its words that are
// at least 4 runes long, e.g. "Jane.Smith@example.org" yields
// "jane.smith@example.org", "jane", "smith", "example".
func contextWords(c string) []string {
	c = strings.ToLower(strings.TrimSpace(c))
	var out []string
	if utf8.RuneCountInString(c) >= 4 {
		out = append(out, c)
	}
	words := strings.FieldsFunc(c, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 4 && w != c {
			out = append(out, w)
		}
	}
	return out
}
