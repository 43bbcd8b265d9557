package app

import (
	"context"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/dbtest"
)

// A deployment hashes passwords with auth.DefaultParams (m=19456,t=2,p=1); only an application
// built with Options.PasswordParams, as the test harnesses build theirs, hashes more cheaply.
func TestPasswordParams(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := testConfig(t, dialect)
		if got := AuthConfig(cfg).Params; got != auth.DefaultParams {
			t.Errorf("AuthConfig params = %+v, want auth.DefaultParams %+v", got, auth.DefaultParams)
		}
		a, err := New(context.Background(), cfg, quietLog(), Options{NoSearch: true})
		if err != nil {
			t.Fatal(err)
		}
		h, err := a.Auth().NewPasswordHash("copper kettle orbit meadow")
		a.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := "$argon2id$v=19$m=19456,t=2,p=1$"; !strings.HasPrefix(h, want) {
			t.Errorf("a deployment's hash %q, want the prefix %q", h, want)
		}

		cheap := auth.Params{Memory: 8, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}
		b, err := New(context.Background(), cfg, quietLog(), Options{NoSearch: true, PasswordParams: &cheap})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		h, err = b.Auth().NewPasswordHash("copper kettle orbit meadow")
		if err != nil {
			t.Fatal(err)
		}
		if want := "$argon2id$v=19$m=8,t=1,p=1$"; !strings.HasPrefix(h, want) {
			t.Errorf("hash with PasswordParams %q, want the prefix %q", h, want)
		}
	})
}
