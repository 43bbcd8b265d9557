package web

import (
	"testing"
	"time"
)

func TestLimiterBucketPerClient(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	l := newLimiter(0.5, 3, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if ok, _ := l.take("a"); !ok {
			t.Fatalf("request %d of a burst of 3 was refused", i+1)
		}
	}
	ok, retry := l.take("a")
	if ok || retry != 2*time.Second {
		t.Fatalf("the 4th request: ok %v, retry %v; want refused, retry 2s (one token at 0.5 a second)", ok, retry)
	}
	if ok, _ := l.take("b"); !ok {
		t.Fatal("another client was refused: the bucket is not per client")
	}
	now = now.Add(2 * time.Second)
	if ok, _ := l.take("a"); !ok {
		t.Fatal("a token did not come back after 2 seconds")
	}
	if ok, _ := l.take("a"); ok {
		t.Fatal("more than one token came back after 2 seconds")
	}
	now = now.Add(time.Hour)
	l.forgetFull(now)
	if len(l.buckets) != 0 {
		t.Fatalf("%d idle buckets kept", len(l.buckets))
	}
}
