package auth

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

func TestNewAPIToken(t *testing.T) {
	re := regexp.MustCompile(`^crv_[0-9A-Za-z]{43}$`)
	seen := map[string]bool{}
	for range 50 {
		tok, prefix, err := NewAPIToken()
		if err != nil {
			t.Fatal(err)
		}
		if !re.MatchString(tok) {
			t.Fatalf("token %q has wrong shape", tok)
		}
		if prefix != tok[:12] || len(prefix) != 12 || !strings.HasPrefix(prefix, "crv_") {
			t.Fatalf("prefix %q of %q", prefix, tok)
		}
		if !IsAPITokenFormat(tok) {
			t.Fatalf("IsAPITokenFormat(%q) = false", tok)
		}
		if seen[tok] || seen[prefix] {
			t.Fatalf("duplicate token or prefix %q", prefix)
		}
		seen[tok], seen[prefix] = true, true
	}
}

func TestIsAPITokenFormat(t *testing.T) {
	good := "crv_" + strings.Repeat("aZ9", 14) + "x"
	tests := []struct {
		s    string
		want bool
	}{
		{good, true},
		{"", false},
		{"crv_", false},
		{good[:len(good)-1], false},
		{good + "x", false},
		{"CRV_" + good[4:], false},
		{"xyz_" + good[4:], false},
		{good[:20] + "-" + good[21:], false},
		{good[:20] + "_" + good[21:], false},
		{good[:20] + "é"[:1] + good[21:], false},
	}
	for _, tt := range tests {
		if got := IsAPITokenFormat(tt.s); got != tt.want {
			t.Errorf("IsAPITokenFormat(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestRandomStringUniform(t *testing.T) {
	// Every symbol of the alphabet must be reachable and none grossly
	// over-represented (catches off-by-one and wrong-alphabet bugs).
	s, err := randomString(62*400, base62Alphabet)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[rune]int{}
	for _, r := range s {
		counts[r]++
	}
	if len(counts) != 62 {
		t.Fatalf("saw %d distinct symbols, want 62", len(counts))
	}
	for r, n := range counts {
		if n < 250 || n > 550 { // expected 400, sd 20
			t.Errorf("symbol %q appeared %d times, want about 400", r, n)
		}
	}
}

func TestRandomStringRejectsBiasedBytes(t *testing.T) {
	// 256 = 4*62 + 8: bytes 248..255 must be discarded, not wrapped onto
	// the first 8 symbols (which would bias them by 25%).
	src := bytes.NewReader([]byte{0, 61, 62, 247, 248, 255, 250, 1, 123, 124, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213})
	got, err := randomStringFrom(src, 6, base62Alphabet)
	if err != nil {
		t.Fatal(err)
	}
	// 0->'0', 61->'z', 62->'0', 247->247-186=61->'z', skip 248,255,250, 1->'1', 123->61->'z'.
	if want := "0z0z1z"; got != want {
		t.Errorf("randomStringFrom = %q, want %q", got, want)
	}
	if _, err := randomStringFrom(bytes.NewReader(nil), 4, base62Alphabet); err == nil {
		t.Error("exhausted source: want error")
	}
}

func TestSessionAndCSRF(t *testing.T) {
	for name, f := range map[string]func() (string, error){"session": NewSessionID, "csrf": NewCSRFToken} {
		a, err := f()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := f()
		if a == b {
			t.Errorf("%s: two values equal", name)
		}
		raw, err := base64.RawURLEncoding.DecodeString(a)
		if err != nil || len(raw) != 32 || len(a) != 43 {
			t.Errorf("%s: %q decodes to %d bytes (err %v), want 32", name, a, len(raw), err)
		}
	}
}

func TestHashSecret(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		if got := HashSecret(tt.in); got != tt.want {
			t.Errorf("HashSecret(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestNewRecoveryCodes(t *testing.T) {
	re := regexp.MustCompile(`^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$`)
	codes, err := NewRecoveryCodes(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 {
		t.Fatalf("got %d codes, want 10", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if !re.MatchString(c) || strings.ContainsAny(c, "01oli") {
			t.Errorf("code %q has wrong shape or an ambiguous character", c)
		}
		if seen[c] {
			t.Errorf("duplicate code %q", c)
		}
		seen[c] = true
		if n := NormaliseRecoveryCode(strings.ToUpper(strings.ReplaceAll(c, "-", " "))); n != strings.ReplaceAll(c, "-", "") {
			t.Errorf("normalised %q = %q", c, n)
		}
	}
	for _, n := range []int{0, -1, 101} {
		if _, err := NewRecoveryCodes(n); err == nil {
			t.Errorf("NewRecoveryCodes(%d): want error", n)
		}
	}
	if strings.ContainsAny(RecoveryCodeAlphabet, "01oli") || len(RecoveryCodeAlphabet) != 31 {
		t.Errorf("alphabet %q", RecoveryCodeAlphabet)
	}
}

func TestNormaliseRecoveryCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abcd-efgh-jkmn", "abcdefghjkmn"},
		{"ABCD EFGH JKMN", "abcdefghjkmn"},
		{"  abcd-efgh - jkmn\n", "abcdefghjkmn"},
		{"abcdefghjkmn", "abcdefghjkmn"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormaliseRecoveryCode(tt.in); got != tt.want {
			t.Errorf("NormaliseRecoveryCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if HashSecret(NormaliseRecoveryCode("ABCD-efgh jkmn")) != HashSecret(NormaliseRecoveryCode("abcdefghjkmn")) {
		t.Error("normalised hashes differ")
	}
}

func TestConstantTimeEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"abc", "ab", false},
		{"", "a", false},
	}
	for _, tt := range tests {
		if got := ConstantTimeEqual(tt.a, tt.b); got != tt.want {
			t.Errorf("ConstantTimeEqual(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
