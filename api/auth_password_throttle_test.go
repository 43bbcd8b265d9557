package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/dbtest"
)

// Guessing the current password through a stolen session is throttled like guessing it at
// sign-in: the tenth wrong guess locks the account, and then even the right one waits.
func TestAuthPasswordChangeGuessesAreThrottled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		authAddUser(t, s, "pat@example.org", "Pat Viewer")
		b := newAuthBrowser(s)
		b.login(t, "pat@example.org", authPassword)
		change := func(current string) int {
			return b.send(http.MethodPost, "/api/v1/me/password", map[string]string{"current_password": current, "new_password": "granite meadow copper sail"}).Status
		}
		for i := 1; i <= 10; i++ {
			clk.Advance(2 * time.Minute) // past any growing delay, so only the count matters
			got := change("not my password at all")
			want := http.StatusUnprocessableEntity
			if i == 10 {
				want = http.StatusTooManyRequests
			}
			if got != want {
				t.Fatalf("wrong guess %d: status %d, want %d", i, got, want)
			}
		}
		if got := change(authPassword); got != http.StatusTooManyRequests {
			t.Fatalf("the right password during the lockout: status %d, want 429", got)
		}
	})
}
