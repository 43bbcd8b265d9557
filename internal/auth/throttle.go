package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Throttling of guesses (passwords, second-factor codes, the current password at a change).
//
// Every attempt is counted before it is checked (Store.ReserveAttempt, atomic in the database),
// so a burst of concurrent guesses is held to the limit exactly as a sequence would be, on one
// replica or many. Counts are kept per key:
//
//	pair:<account>|<address>  delays after 3 failures, then a lockout at LockAfter: the counter
//	                          that governs. Only someone at that address can lock it.
//	user:<account>            delays only, never a lockout, and none at all for an address the
//	                          owner signed in from recently: guesses from many addresses slow
//	                          down but cannot shut the owner out.
//	ip:<address>              delays only after AddressDelayAfter failures (ten times the
//	                          account limit by default): one office behind NAT, many accounts.
//	mfa:<user id>, pwchange:<user id>
//	                          delays and a lockout, like a pair: only someone who already has
//	                          the password (or the session) can cause them.
//
// A count restarts when its key has had no attempt for LockFor. A success clears its account's
// pair and user counts and gives back only its own reservation on the address, so signing in
// to one's own account never wipes out the failures counted against others (no spraying).

const (
	keyPair     = "pair:"
	keyUser     = "user:"
	keyIP       = "ip:"
	keyMFA      = "mfa:"
	keyPWChange = "pwchange:"
)

// rule says how one kind of key is throttled.
type rule struct {
	delayAfter int           // failures before each further attempt must wait
	lockAfter  int           // failures that lock the key for LockFor (0: never)
	maxDelay   time.Duration // the longest delay
	spareKnown bool          // no delay for an address the account recently signed in from
}

func (s *Service) ruleFor(key string) rule {
	switch {
	case strings.HasPrefix(key, keyUser):
		return rule{delayAfter: 3, maxDelay: time.Minute, spareKnown: true}
	case strings.HasPrefix(key, keyIP):
		return rule{delayAfter: s.cfg.AddressDelayAfter, maxDelay: time.Minute}
	default:
		return rule{delayAfter: 3, lockAfter: s.cfg.LockAfter, maxDelay: time.Minute}
	}
}

func pairKey(email, ip string) string { return keyPair + casereview.NormaliseEmail(email) + "|" + ip }

func loginKeys(email, ip string) []string {
	return []string{pairKey(email, ip), keyUser + casereview.NormaliseEmail(email), keyIP + ip}
}

// KnownAddressFor is how long an address stays "known" for an account after a sign-in from it.
const KnownAddressFor = 30 * 24 * time.Hour

// decide is the rule applied inside ReserveAttempt: how long the attempt must wait (0 to go
// ahead) and, when it may, the counts with this attempt added.
func (s *Service) decide(now time.Time, ts []Throttle) ([]Throttle, time.Duration) {
	known := false
	for _, t := range ts {
		if strings.HasPrefix(t.Key, keyPair) && t.LastSuccessAt != nil && now.Sub(*t.LastSuccessAt) < KnownAddressFor {
			known = true
		}
	}
	var wait time.Duration
	next := make([]Throttle, len(ts))
	for i, t := range ts {
		r := s.ruleFor(t.Key)
		if t.LockedUntil != nil && !t.LockedUntil.After(now) || now.Sub(t.LastFailureAt) >= s.cfg.LockFor {
			t.Failures, t.LockedUntil = 0, nil // quiet long enough: the count starts again
		}
		switch {
		case t.LockedUntil != nil:
			wait = max(wait, t.LockedUntil.Sub(now))
		case r.spareKnown && known:
		case r.delayAfter > 0 && t.Failures >= r.delayAfter:
			d := min(time.Second<<min(t.Failures-r.delayAfter, 16), r.maxDelay)
			if at := t.LastFailureAt.Add(d); at.After(now) {
				wait = max(wait, at.Sub(now))
			}
		}
		t.Failures++
		t.LastFailureAt = now
		if r.lockAfter > 0 && t.Failures >= r.lockAfter {
			until := now.Add(s.cfg.LockFor)
			t.LockedUntil = &until
		}
		next[i] = t
	}
	return next, wait
}

// ForgetQuiet deletes the throttle rows that decide would treat as absent: failures long enough
// ago that the count starts again (LockFor), not locked, and no sign-in that keeps the address
// known (KnownAddressFor). Without it every address and every mistyped or invented email that
// ever failed a sign-in keeps a row for ever. It returns how many rows went.
func (s *Service) ForgetQuiet(ctx context.Context) (int64, error) {
	now := s.now()
	return s.store.PruneThrottles(ctx, now, now.Add(-s.cfg.LockFor), now.Add(-KnownAddressFor), keyPair)
}

// reserve counts an attempt against keys, or says how long to wait.
func (s *Service) reserve(ctx context.Context, keys []string) ([]Throttle, error) {
	ts, wait, err := s.store.ReserveAttempt(ctx, s.decide, keys...)
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		return nil, rateLimited(wait)
	}
	return ts, nil
}

// lockedBy reports whether the reservation ts locked a key: the attempt it counted was the
// last one allowed before the lockout, so its failure answers with the lockout.
func lockedBy(ts []Throttle) bool {
	for _, t := range ts {
		if t.LockedUntil != nil {
			return true
		}
	}
	return false
}

// fail audits a failed attempt whose reservation was ts.
func (s *Service) fail(ctx context.Context, action casereview.AuditAction, subject string, detail any, ts []Throttle) error {
	locked := lockedBy(ts)
	if err := s.store.RecordFailure(ctx, action, subject, detail, locked); err != nil {
		return err
	}
	if s.onFailure != nil {
		s.onFailure(action, locked)
	}
	if locked {
		return rateLimited(s.cfg.LockFor)
	}
	return nil
}

// succeeded settles a successful attempt: the account's counts are cleared and the address's
// count gets back this attempt only.
func (s *Service) succeeded(ctx context.Context, keys []string) error {
	var clear, refund []string
	for _, k := range keys {
		if strings.HasPrefix(k, keyIP) {
			refund = append(refund, k)
		} else {
			clear = append(clear, k)
		}
	}
	return s.store.Succeeded(ctx, clear, refund)
}

// rateLimited is the answer while a key is held back.
func rateLimited(d time.Duration) *casereview.Error {
	return &casereview.Error{Code: casereview.CodeRateLimited, RetryAfter: d,
		Message: fmt.Sprintf("too many failed attempts; try again in %s", d.Round(time.Second))}
}
