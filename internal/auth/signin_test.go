package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/casereview/casereview/internal/casereview"
)

// blockingStore holds ReserveAttempt until released, so a test can keep a hashing slot taken.
type blockingStore struct {
	Store
	entered  chan struct{}
	release  chan struct{}
	reserved int
}

func (b *blockingStore) ReserveAttempt(_ context.Context, _ func(time.Time, []Throttle) ([]Throttle, time.Duration), _ ...string) ([]Throttle, time.Duration, error) {
	b.reserved++
	b.entered <- struct{}{}
	<-b.release
	return nil, time.Minute, nil // then refuse, so the test needs no more of the store
}

// When every hashing slot is busy and the queue is full, a sign-in is refused at once with 503
// and Retry-After, before its attempt is counted.
func TestLoginRefusesWhenHashingIsSaturated(t *testing.T) {
	st := &blockingStore{entered: make(chan struct{}), release: make(chan struct{})}
	s := NewService(st, DefaultConfig(), nil)
	s.LimitHashing(1, 0)
	done := make(chan error)
	go func() {
		_, err := s.Login(context.Background(), "a@example.org", "pw", "192.0.2.9", "test")
		done <- err
	}()
	<-st.entered // the first sign-in holds the only slot
	_, err := s.Login(context.Background(), "b@example.org", "pw", "192.0.2.9", "test")
	var de *casereview.Error
	if !errors.As(err, &de) || de.Code != casereview.CodeUnavailable || de.RetryAfter <= 0 {
		t.Fatalf("saturated: %v, want unavailable with Retry-After", err)
	}
	if st.reserved != 1 {
		t.Errorf("the refused sign-in was counted (%d reservations)", st.reserved)
	}
	close(st.release)
	if err := <-done; !casereview.IsCode(err, casereview.CodeRateLimited) {
		t.Fatalf("first sign-in: %v", err)
	}
	// The slot is free again.
	st.release = make(chan struct{})
	go func() { <-st.entered; close(st.release) }()
	if _, err := s.Login(context.Background(), "c@example.org", "pw", "192.0.2.9", "test"); !casereview.IsCode(err, casereview.CodeRateLimited) {
		t.Fatalf("after release: %v", err)
	}
}

// The rules: the account-at-an-address count locks; the account count only delays, and not at
// all for an address its owner signed in from; the address count delays only after
// AddressDelayAfter; a quiet key starts again.
func TestDecide(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s := NewService(nil, DefaultConfig(), func() time.Time { return now })
	recent := now.Add(-time.Hour)
	cases := []struct {
		name string
		ts   []Throttle
		wait time.Duration
		lock bool
	}{
		{"fresh", []Throttle{{Key: "pair:a|1"}, {Key: "user:a"}, {Key: "ip:1"}}, 0, false},
		{"pair delay", []Throttle{{Key: "pair:a|1", Failures: 3, LastFailureAt: now}}, time.Second, false},
		{"pair tenth locks", []Throttle{{Key: "pair:a|1", Failures: 9, LastFailureAt: now.Add(-time.Minute)}}, 0, true},
		{"user delay, never a lock", []Throttle{{Key: "user:a", Failures: 50, LastFailureAt: now.Add(-30 * time.Second)}}, 30 * time.Second, false},
		{"user delay spared for a known address", []Throttle{{Key: "pair:a|1", LastSuccessAt: &recent}, {Key: "user:a", Failures: 50, LastFailureAt: now}}, 0, false},
		{"address below its threshold", []Throttle{{Key: "ip:1", Failures: 99, LastFailureAt: now}}, 0, false},
		{"address at its threshold", []Throttle{{Key: "ip:1", Failures: 100, LastFailureAt: now}}, time.Second, false},
		{"address far beyond: a minute at most", []Throttle{{Key: "ip:1", Failures: 5000, LastFailureAt: now}}, time.Minute, false},
		{"quiet for the lock period", []Throttle{{Key: "pair:a|1", Failures: 9, LastFailureAt: now.Add(-15 * time.Minute)}}, 0, false},
	}
	for _, c := range cases {
		next, wait := s.decide(now, c.ts)
		if wait != c.wait || lockedBy(next) != c.lock {
			t.Errorf("%s: wait %s locked %v, want %s %v", c.name, wait, lockedBy(next), c.wait, c.lock)
		}
	}
}

func TestSecretBox(t *testing.T) {
	k1, _ := NewSecretKey()
	k2, _ := NewSecretKey()
	key1, err := ParseSecretKey(k1)
	if err != nil {
		t.Fatal(err)
	}
	key2, _ := ParseSecretKey(k2)
	old, _ := NewSecretBox(key1)
	sealed, err := old.Seal("JBSWY3DPEHPK3PXP", "user-1")
	if err != nil || !IsSealed(sealed) || strings.Contains(sealed, "JBSWY3DPEHPK3PXP") {
		t.Fatalf("seal: %q %v", sealed, err)
	}
	if _, _, err := old.Open(sealed, "user-2"); !errors.Is(err, ErrSecretUnreadable) {
		t.Errorf("a secret copied to another user opened: %v", err)
	}
	rotated, _ := NewSecretBox(key2, key1)
	pt, current, err := rotated.Open(sealed, "user-1")
	if err != nil || pt != "JBSWY3DPEHPK3PXP" || current {
		t.Fatalf("open under the old key: %q %v %v", pt, current, err)
	}
	resealed, _ := rotated.Seal(pt, "user-1")
	if _, current, err := rotated.Open(resealed, "user-1"); err != nil || !current {
		t.Fatalf("resealed: %v %v", current, err)
	}
	newOnly, _ := NewSecretBox(key2)
	if _, _, err := newOnly.Open(sealed, "user-1"); !errors.Is(err, ErrSecretUnreadable) {
		t.Errorf("opened without the old key: %v", err)
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if _, _, err := old.Open(tampered, "user-1"); err == nil {
		t.Error("a tampered secret opened")
	}
	if pt, current, err := old.Open("JBSWY3DPEHPK3PXP", "user-1"); err != nil || current || pt != "JBSWY3DPEHPK3PXP" {
		t.Errorf("legacy plaintext: %q %v %v", pt, current, err)
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", 63)} {
		if _, err := ParseSecretKey(bad); err == nil {
			t.Errorf("key %q accepted", bad)
		}
	}
	if _, err := ParseSecretKey(strings.Repeat("ab", 32)); err != nil {
		t.Errorf("hex key refused: %v", err)
	}
}

// A hash made before normalisation, from the decomposed bytes, still verifies, and asks to be
// re-hashed; a new hash accepts either form.
func TestPasswordNFC(t *testing.T) {
	const composed, decomposed = "caf\u00e9 lantern", "cafe\u0301 lantern"
	h, err := HashPassword(decomposed, cheap)
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{composed, decomposed} {
		if ok, rehash, err := VerifyPassword(pw, h, cheap); !ok || rehash || err != nil {
			t.Errorf("%q: ok %v rehash %v err %v", pw, ok, rehash, err)
		}
	}
	salt := make([]byte, cheap.SaltLen)
	legacy := encodeHash(cheap, salt, argon2.IDKey([]byte(decomposed), salt, cheap.Iterations, cheap.Memory, cheap.Parallelism, cheap.KeyLen))
	if ok, rehash, _ := VerifyPassword(decomposed, legacy, cheap); !ok || !rehash {
		t.Errorf("legacy hash: ok %v rehash %v", ok, rehash)
	}
}
