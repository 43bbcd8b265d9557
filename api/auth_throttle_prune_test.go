package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/dbtest"
)

// Sign-in throttle rows are forgotten once they no longer change any decision: every invented
// email that failed once used to keep a row for ever. A row goes when its failures are older
// than the lockout period and no sign-in keeps its address known; the known address of a real
// sign-in stays for KnownAddressFor.
func TestSignInThrottlesAreForgottenWhenQuiet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		authAddUser(t, s, "kim.known@example.org", "Kim Known")
		for _, email := range []string{"ghost.one@example.org", "ghost.two@example.org"} {
			if r := authLoginAttempt(s, email, authWrongPassword); r.Status != 401 {
				t.Fatalf("a wrong sign-in answered %d", r.Status)
			}
		}
		if r := authLoginAttempt(s, "kim.known@example.org", authPassword); r.Status != 200 {
			t.Fatalf("sign-in answered %d: %s", r.Status, r.Body)
		}
		keys := func() []string {
			t.Helper()
			db, err := s.App.Store().SQLDB()
			if err != nil {
				t.Fatal(err)
			}
			rows, err := db.Query("SELECT key FROM login_throttle ORDER BY key")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					t.Fatal(err)
				}
				out = append(out, k)
			}
			return out
		}
		forget := func(after time.Duration, want int64) {
			t.Helper()
			clk.Advance(after)
			n, err := s.App.Auth().ForgetQuiet(context.Background())
			if err != nil || n != want {
				t.Fatalf("ForgetQuiet after %s: %d rows (%v), want %d; left %v", after, n, err, want, keys())
			}
		}
		all := keys()
		if len(all) < 5 || !slices.ContainsFunc(all, func(k string) bool { return strings.Contains(k, "ghost.one") }) {
			t.Fatalf("throttle rows after the sign-ins: %v", all)
		}
		forget(10*time.Minute, 0) // within the lockout period every row still counts
		forget(6*time.Minute, int64(len(all)-1))
		if left := keys(); len(left) != 1 || !strings.Contains(left[0], "kim.known@example.org|") {
			t.Fatalf("left %v, want only the known address of Kim's sign-in", left)
		}
		forget(auth.KnownAddressFor, 1)
		if left := keys(); len(left) != 0 {
			t.Fatalf("left %v", left)
		}
	})
}
