package web

import (
	"math"
	"sync"
	"time"
)

// The public pages are open to anyone, so one client must not be able to take the service for
// itself: each client address gets a token bucket. A page costs one token; tokens come back at
// a steady rate up to the bucket's size, so a person reading pages never notices and a script
// fetching every recommendation is slowed to the refill rate.

const (
	// DefaultPublicBurst is how many public pages a client may fetch at once.
	DefaultPublicBurst = 30
	// DefaultPublicRate is how many public pages a second a client may fetch in the long run.
	DefaultPublicRate = 1.0
	// maxBuckets bounds the memory the limiter holds: beyond it, buckets that have filled up
	// again (clients that have gone quiet) are forgotten, which changes nothing for them.
	maxBuckets = 10000
)

// limiter is a token bucket per client key.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens a second
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(rate float64, burst int, now func() time.Time) *limiter {
	if rate <= 0 {
		rate = DefaultPublicRate
	}
	if burst < 1 {
		burst = DefaultPublicBurst
	}
	if now == nil {
		now = time.Now
	}
	return &limiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// take spends one token of key's bucket. When the bucket is empty it reports false and how long
// until a token is back.
func (l *limiter) take(key string) (ok bool, retry time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.forgetFull(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := (1 - b.tokens) / l.rate
	return false, time.Duration(math.Ceil(wait)) * time.Second
}

func (l *limiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(l.burst, b.tokens+d.Seconds()*l.rate)
		b.at = now
	}
}

// forgetFull drops the buckets that are full again; if every client is still busy, it starts
// afresh rather than grow without bound.
func (l *limiter) forgetFull(now time.Time) {
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		l.buckets = map[string]*bucket{}
	}
}
