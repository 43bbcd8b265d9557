package auth

import (
	"errors"
	"strings"
	"testing"
	"unicode"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name    string
		pw      string
		context []string
		want    error // nil means accepted
	}{
		// Accepted: length over complexity, no composition rules.
		{"lower-case passphrase", "purple tractor umbrella", nil, nil},
		{"exactly 12 letters", "xkqmzvbwrtjh", nil, nil},
		{"no digits or symbols needed", "seaweedmarmalade", nil, nil},
		{"unicode counted in runes", "ñandú pingüino", nil, nil},
		{"12 runes multibyte", "ééééééxyzwvu", nil, nil},
		{"256 runes", strings.Repeat("abcde", 51) + "z", nil, nil},
		{"unrelated context", "purple tractor umbrella", []string{"jane.smith", "Jane Smith"}, nil},
		{"short context ignored", "bobcat purple tractor", []string{"bob"}, nil},
		{"common word inside passphrase", "password of the purple tractor", nil, nil},

		// Length.
		{"empty", "", nil, ErrPasswordTooShort},
		{"11 chars", "xkqmzvbwrtj", nil, ErrPasswordTooShort},
		{"11 runes but more bytes", "ééééééxyzwv", nil, ErrPasswordTooShort},
		{"257 runes", strings.Repeat("abcde", 51) + "yz", nil, ErrPasswordTooLong},
		{"huge", strings.Repeat("abcdefgh", 10000), nil, ErrPasswordTooLong},

		// Validity.
		{"invalid utf8", "purple tractor\xff\xfe", nil, ErrPasswordInvalid},
		{"newline", "purple\ntractor umbrella", nil, ErrPasswordInvalid},
		{"NUL", "purple\x00tractor umbrella", nil, ErrPasswordInvalid},

		// Deny-list.
		{"list entry 12 digits", "123456789012", nil, ErrPasswordCommon},
		{"list entry long", "qwertyuiop123", nil, ErrPasswordCommon},
		{"case-insensitive", "QwErTyUiOp123", nil, ErrPasswordCommon},
		{"trailing digits", "password123456", nil, ErrPasswordCommon},
		{"trailing digits and punctuation", "Password2024!!", nil, ErrPasswordCommon},
		{"trailing symbols", "letmein£££$$$", nil, ErrPasswordCommon},
		{"leading digits", "2024liverpool", nil, ErrPasswordCommon},
		{"leet", "P@ssw0rd2024!", nil, ErrPasswordCommon},
		{"leet no suffix", "m@nch3st3r!!", nil, ErrPasswordCommon},
		{"uk flavoured", "ManchesterUnited", nil, ErrPasswordCommon},
		{"famous passphrase", "correct horse battery staple", nil, ErrPasswordCommon},
		{"welcome", "Welcome1234567", nil, ErrPasswordCommon},

		// Repetition.
		{"all one char", "aaaaaaaaaaaaaa", nil, ErrPasswordRepetitive},
		{"mostly one char", "zzzzzzzzqwe1", nil, ErrPasswordRepetitive},
		{"mostly one char, case-insensitive", "ZzZzZzZzZqw1", nil, ErrPasswordRepetitive},
		{"repeated pair", "xyxyxyxyxyxy", nil, ErrPasswordRepetitive},
		{"repeated four", "wxyzwxyzwxyzwxyz", nil, ErrPasswordRepetitive},
		{"exactly half is fine", "zzzzzzqwerty", nil, nil},

		// Personal context.
		{"contains email local part", "JaneSmith purple", []string{"janesmith"}, ErrPasswordHasPersonal},
		{"contains surname from full name", "purple smithers!", []string{"Jane Smithers"}, ErrPasswordHasPersonal},
		{"email context, unrelated", "quiet meadow lantern", []string{"jane.doe@harbour.example"}, nil},
		{"contains email domain word", "quiet harbour jane", []string{"jane.doe@harbour.example"}, ErrPasswordHasPersonal},
		{"case-insensitive context", "purple TRACTOR umbrella", []string{"Tractor"}, ErrPasswordHasPersonal},
		{"second context", "purple tractor umbrella", []string{"zzzz", "umbrella"}, ErrPasswordHasPersonal},
		{"unicode context", "purple ñandú umbrella", []string{"Ñandú"}, ErrPasswordHasPersonal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.pw, tt.context...)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("CheckPassword rejected: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("CheckPassword error = %v, want %v", err, tt.want)
			}
			if len(tt.pw) >= 4 && strings.Contains(err.Error(), tt.pw) {
				t.Errorf("error message echoes the password: %v", err)
			}
		})
	}
}

func TestCommonPasswordsList(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(commonPasswordsText, "\n"), "\n")
	seen := map[string]bool{}
	for i, l := range lines {
		if l == "" || l != strings.TrimSpace(l) {
			t.Errorf("line %d: blank or padded entry %q", i+1, l)
		}
		if l != strings.ToLower(l) {
			t.Errorf("line %d: %q is not lower case", i+1, l)
		}
		if seen[l] {
			t.Errorf("line %d: duplicate %q", i+1, l)
		}
		seen[l] = true
	}
	if n := len(commonPasswords()); n < 300 {
		t.Errorf("deny-list has %d entries, want at least 300", n)
	}
	for _, must := range []string{"password", "password1", "qwerty123", "letmein", "iloveyou", "welcome1", "123456789012", "football"} {
		if !seen[must] {
			t.Errorf("deny-list lacks %q", must)
		}
	}
}

func TestIsRepetitive(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"aaaa", true},
		{"abab", true},
		{"abcabcabcabc", true},
		{"abcdeabcdeab", false}, // unit of 5 is not checked
		{"abcabcabcabd", false},
		{"aabbccddeeff", false},
		{"aaaaaabbbbbb", false},
		{"aaaaaaabbbbb", true},
		{"ababababababc", false},
	}
	for _, tt := range tests {
		if got := isRepetitive(tt.s); got != tt.want {
			t.Errorf("isRepetitive(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestContextWords(t *testing.T) {
	got := contextWords("  Jane.Smith@Example.gov.uk ")
	want := []string{"jane.smith@example.gov.uk", "jane", "smith", "example"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("contextWords = %q, want %q", got, want)
	}
	if got := contextWords("Al"); len(got) != 0 {
		t.Errorf("contextWords(short) = %q, want none", got)
	}
	for _, w := range contextWords("Ōsaka-Ñandú") {
		if strings.IndexFunc(w, unicode.IsUpper) >= 0 {
			t.Errorf("context word %q not lower-cased", w)
		}
	}
}
