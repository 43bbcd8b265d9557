package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Waiting for a quiet machine before each section. Right after set-up the application's new
// search index is still merging its segments, and on 2 cores that work took a core from the
// first section's measurements: the same reporting pages measured 1.8 times slower at p95 than
// in a run that started later. Each section now starts when the machine has been nearly idle for
// quietWindows seconds in a row, or after quietMax, and says which.

const (
	quietBusy    = 0.15 // at most this share of all cores busy in a window
	quietWindows = 3    // windows of one second in a row
	quietMax     = 3 * time.Minute
)

// cpuTimes is the first ("cpu") line of /proc/stat: busy and total jiffies over every core.
type cpuTimes struct{ busy, total uint64 }

// parseCPUTimes reads the aggregate line of /proc/stat. Idle and iowait count as idle.
func parseCPUTimes(stat string) (cpuTimes, error) {
	line, _, _ := strings.Cut(stat, "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return cpuTimes{}, fmt.Errorf("/proc/stat: no aggregate cpu line in %.40q", line)
	}
	var t cpuTimes
	for i, v := range f[1:] {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return cpuTimes{}, fmt.Errorf("/proc/stat: field %d: %w", i+1, err)
		}
		if i >= 7 { // guest and guest_nice are already counted in user and nice
			break
		}
		t.total += n
		if i != 3 && i != 4 { // idle, iowait
			t.busy += n
		}
	}
	return t, nil
}

// busyShare is the share of the cores that were busy between two readings.
func busyShare(a, b cpuTimes) float64 {
	if b.total <= a.total {
		return 0
	}
	return float64(b.busy-a.busy) / float64(b.total-a.total)
}

func readCPUTimes() (cpuTimes, error) {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}, err
	}
	return parseCPUTimes(string(raw))
}

// waitQuiet waits until the machine has been quiet for quietWindows seconds in a row, at most
// quietMax, and describes the wait. Where /proc/stat cannot be read it does not wait.
func waitQuiet() string {
	if os.Getenv("BENCH_QUIET") == "0" {
		return "not waited for (BENCH_QUIET=0)"
	}
	start := time.Now()
	prev, err := readCPUTimes()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	quiet, last := 0, 0.0
	for time.Since(start) < quietMax {
		time.Sleep(time.Second)
		cur, err := readCPUTimes()
		if err != nil {
			return "unknown (" + err.Error() + ")"
		}
		last, prev = busyShare(prev, cur), cur
		if last <= quietBusy {
			quiet++
		} else {
			quiet = 0
		}
		if quiet >= quietWindows {
			return fmt.Sprintf("quiet after %s (cores %.0f %% busy in the last second)", time.Since(start).Round(time.Second), last*100)
		}
	}
	return fmt.Sprintf("NOT quiet after %s (cores %.0f %% busy in the last second); measured anyway", quietMax, last*100)
}
