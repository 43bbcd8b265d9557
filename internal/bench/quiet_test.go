package bench

import (
	"math"
	"testing"
)

func TestParseCPUTimes(t *testing.T) {
	// user nice system idle iowait irq softirq steal guest guest_nice
	a, err := parseCPUTimes("cpu  100 0 50 800 50 0 0 0 30 0\ncpu0 1 2 3 4\n")
	if err != nil {
		t.Fatal(err)
	}
	if a.busy != 150 || a.total != 1000 {
		t.Fatalf("busy %d total %d, want 150 and 1000 (guest time is inside user time)", a.busy, a.total)
	}
	b, err := parseCPUTimes("cpu  250 0 100 1400 50 0 0 0 30 0\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := busyShare(a, b); math.Abs(got-0.25) > 1e-9 {
		t.Fatalf("busy share %v, want 0.25 (200 busy of 800)", got)
	}
	for _, bad := range []string{"", "intr 1 2 3\n", "cpu 1 x 3 4 5\n"} {
		if _, err := parseCPUTimes(bad); err == nil {
			t.Errorf("parseCPUTimes(%q): no error", bad)
		}
	}
}
