package bench

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain lets this test binary be the measured child of TestXLSXImportPeakRSS.
func TestMain(m *testing.M) {
	if child, code := Child(); child {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// A dry-run import of a large action-plan workbook, padded with empty formatted cells as the
// issue's was, stays under RSSBound in a process of its own (a memory bound, not a timing one;
// `make bench` measures the largest file the limits accept).
func TestXLSXImportPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and imports a 24 MiB-of-XML workbook in a child process")
	}
	file := filepath.Join(t.TempDir(), "plan.xlsx")
	if err := WritePlan(file, PlanShape{Rows: 5000, SheetBytes: 24 << 20}); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	peak, out, err := PeakRSS(exe, []string{"-test.run=^$"}, "stream", file)
	if err != nil {
		t.Fatal(err)
	}
	if out != "recommendations 5000\n" {
		t.Fatalf("the child said %q, want the dry run of 5000 recommendations", out)
	}
	t.Logf("peak RSS %.1f MiB", float64(peak)/(1<<20))
	if peak >= RSSBound {
		t.Fatalf("peak RSS %.1f MiB, bound %d MiB", float64(peak)/(1<<20), RSSBound>>20)
	}
}
