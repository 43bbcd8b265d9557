package auth

import (
	"encoding/base32"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcKey is the RFC 4226 / RFC 6238 SHA-1 test key.
var rfcKey = []byte("12345678901234567890")

func TestHOTPRFC4226(t *testing.T) {
	// RFC 4226 Appendix D.
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		if got := hotp(rfcKey, uint64(c), 6); got != w {
			t.Errorf("HOTP(counter=%d) = %s, want %s", c, got, w)
		}
	}
}

func TestTOTPRFC6238(t *testing.T) {
	// RFC 6238 Appendix B, SHA-1 column.
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(rfcKey)
	tests := []struct {
		unix int64
		want string // 8 digits
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	for _, tt := range tests {
		tm := time.Unix(tt.unix, 0).UTC()
		step := totpStep(tm)
		if got := hotp(rfcKey, uint64(step), 8); got != tt.want {
			t.Errorf("TOTP-8(%d) = %s, want %s", tt.unix, got, tt.want)
		}
		got6, err := TOTPCode(secret, tm)
		if err != nil {
			t.Fatal(err)
		}
		if want6 := tt.want[2:]; got6 != want6 {
			t.Errorf("TOTPCode(%d) = %s, want last 6 digits %s", tt.unix, got6, want6)
		}
		// The same instant in another zone gives the same code.
		if g, _ := TOTPCode(secret, tm.In(time.FixedZone("X", 5*3600))); g != got6 {
			t.Errorf("TOTPCode depends on time zone: %s vs %s", g, got6)
		}
	}
}

func TestTOTPStep(t *testing.T) {
	tests := []struct {
		unix int64
		want int64
	}{
		{0, 0}, {29, 0}, {30, 1}, {59, 1}, {60, 2}, {-1, -1}, {-30, -1}, {-31, -2},
	}
	for _, tt := range tests {
		if got := totpStep(time.Unix(tt.unix, 0)); got != tt.want {
			t.Errorf("totpStep(%d) = %d, want %d", tt.unix, got, tt.want)
		}
	}
	if _, err := TOTPCode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", time.Unix(-5, 0)); err == nil {
		t.Error("TOTPCode before epoch: want error")
	}
}

func TestNewTOTPSecret(t *testing.T) {
	a, err := NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewTOTPSecret()
	if a == b {
		t.Error("two secrets are equal")
	}
	if len(a) != 32 || strings.ContainsAny(a, "=abcdefghijklmnopqrstuvwxyz") {
		t.Errorf("secret %q: want 32 upper-case base32 chars without padding", a)
	}
	key, err := decodeTOTPSecret(a)
	if err != nil || len(key) != 20 {
		t.Errorf("secret decodes to %d bytes (err %v), want 20", len(key), err)
	}
}

func TestDecodeTOTPSecret(t *testing.T) {
	const canon = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	for _, s := range []string{canon, strings.ToLower(canon), "gezd gnbv gy3t qojq gezd gnbv gy3t qojq", "GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ"} {
		key, err := decodeTOTPSecret(s)
		if err != nil || string(key) != string(rfcKey) {
			t.Errorf("decodeTOTPSecret(%q) = %q, %v", s, key, err)
		}
	}
	for _, s := range []string{"", "GEZDGNBV", "GEZDGNBVGY3TQOJQ" /* 10 bytes */, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1", "not base32 at all!!!!!!!!!!!!!!!!"} {
		if _, err := decodeTOTPSecret(s); !errors.Is(err, ErrBadTOTPSecret) {
			t.Errorf("decodeTOTPSecret(%q) err = %v, want ErrBadTOTPSecret", s, err)
		}
	}
}

func TestVerifyTOTP(t *testing.T) {
	// Fixed secrets keep the table deterministic (a random secret could
	// collide across steps with probability ~1e-6).
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	now := time.Unix(1_700_000_015, 0) // step 56666667, mid-step
	cur := totpStep(now)
	code := func(step int64) string {
		c, err := TOTPCode(secret, time.Unix(step*TOTPPeriod, 0))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name     string
		code     string
		lastStep int64
		ok       bool
		step     int64
	}{
		{"current", code(cur), 0, true, cur},
		{"previous step (skew)", code(cur - 1), 0, true, cur - 1},
		{"next step (skew)", code(cur + 1), 0, true, cur + 1},
		{"two steps old", code(cur - 2), 0, false, 0},
		{"two steps ahead", code(cur + 2), 0, false, 0},
		{"replay of same step", code(cur), cur, false, 0},
		{"older than last accepted", code(cur - 1), cur, false, 0},
		{"after previous accepted", code(cur), cur - 1, true, cur},
		{"next after current accepted", code(cur + 1), cur, true, cur + 1},
		{"spaces", code(cur)[:3] + " " + code(cur)[3:], 0, true, cur},
		{"surrounding whitespace", " " + code(cur) + "\t", 0, true, cur},
		{"empty", "", 0, false, 0},
		{"five digits", code(cur)[:5], 0, false, 0},
		{"seven digits", code(cur) + "0", 0, false, 0},
		{"letters", "abcdef", 0, false, 0},
		{"dash", code(cur)[:3] + "-" + code(cur)[3:], 0, false, 0},
		{"full-width digits", "１２３４５６", 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, step := VerifyTOTP(secret, tt.code, now, tt.lastStep)
			if ok != tt.ok || step != tt.step {
				t.Errorf("VerifyTOTP(%q, last=%d) = (%v, %d), want (%v, %d)", tt.code, tt.lastStep, ok, step, tt.ok, tt.step)
			}
		})
	}
	t.Run("bad secret", func(t *testing.T) {
		if ok, _ := VerifyTOTP("!!", code(cur), now, 0); ok {
			t.Error("accepted with invalid secret")
		}
	})
	t.Run("other secret", func(t *testing.T) {
		other := base32.StdEncoding.EncodeToString([]byte("abcdefghijklmnopqrst"))
		if ok, _ := VerifyTOTP(other, code(cur), now, 0); ok {
			t.Error("accepted a code for a different secret")
		}
	})
	t.Run("rfc secret", func(t *testing.T) {
		// RFC 6238 vector 1111111111 -> ...050471.
		rfc := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
		ok, step := VerifyTOTP(rfc, "050 471", time.Unix(1111111111, 0), 0)
		if !ok || step != 1111111111/30 {
			t.Errorf("VerifyTOTP(rfc) = (%v, %d)", ok, step)
		}
	})
}

func TestTOTPURI(t *testing.T) {
	tests := []struct {
		name, secret, issuer, account string
		wantPrefix                    string
	}{
		{"plain", "JBSWY3DPEHPK3PXP", "casereview", "jane@example.org",
			"otpauth://totp/casereview:jane@example.org?secret=JBSWY3DPEHPK3PXP&issuer=casereview&algorithm=SHA1&digits=6&period=30"},
		{"spaces and colon", "jbsw y3dp ehpk 3pxp", "Case Review: Test", "Jane Smith",
			"otpauth://totp/Case%20Review%3A%20Test:Jane%20Smith?secret=JBSWY3DPEHPK3PXP&issuer=Case%20Review%3A%20Test&algorithm=SHA1&digits=6&period=30"},
		{"reserved characters", "JBSWY3DPEHPK3PXP", "A&B=C?D/E+F#G", "x%y",
			"otpauth://totp/A%26B%3DC%3FD%2FE%2BF%23G:x%25y?secret=JBSWY3DPEHPK3PXP&issuer=A%26B%3DC%3FD%2FE%2BF%23G&algorithm=SHA1&digits=6&period=30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TOTPURI(tt.secret, tt.issuer, tt.account)
			if got != tt.wantPrefix {
				t.Errorf("TOTPURI =\n %s\nwant\n %s", got, tt.wantPrefix)
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if u.Scheme != "otpauth" || u.Host != "totp" {
				t.Errorf("scheme/host = %s/%s", u.Scheme, u.Host)
			}
			// Label and query round-trip to the original values.
			label := strings.TrimPrefix(u.Path, "/")
			if label != tt.issuer+":"+tt.account {
				t.Errorf("decoded label = %q, want %q", label, tt.issuer+":"+tt.account)
			}
			q := u.Query()
			if q.Get("issuer") != tt.issuer || q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" {
				t.Errorf("query = %v", q)
			}
			if q.Get("secret") != "JBSWY3DPEHPK3PXP" {
				t.Errorf("secret = %q", q.Get("secret"))
			}
		})
	}
}
