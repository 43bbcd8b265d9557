package auth_test

import (
	"testing"

	"github.com/casereview/casereview/internal/auth"
)

func TestTemporaryPasswordPassesTheRulesAndDiffers(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		pw, err := auth.TemporaryPassword("bob@example.org", "Bob Brown")
		if err != nil {
			t.Fatal(err)
		}
		if err := auth.CheckPassword(pw, "bob@example.org", "Bob Brown"); err != nil {
			t.Fatalf("%q: %v", pw, err)
		}
		if len(pw) != 19 || seen[pw] {
			t.Fatalf("%q: wrong length or repeated", pw)
		}
		seen[pw] = true
	}
}
