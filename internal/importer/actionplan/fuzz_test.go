package actionplan

import (
	"strings"
	"testing"
)

// fuzzLimits keep each fuzz run small and fast.
var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxUncompressed: 4 << 20, MaxRatio: 200, MaxRows: 2000, MaxCellChars: 32767}

// checkPlan states what a plan the reader accepted always satisfies, whatever the input.
func checkPlan(t *testing.T, p Plan, rep Report) {
	if len(rep.Issues) > MaxIssues {
		t.Fatalf("%d issues; the report is capped at %d", len(rep.Issues), MaxIssues)
	}
	for _, is := range rep.Issues {
		if is.Problem == "" || (is.Severity != SeverityError && is.Severity != SeverityWarning) {
			t.Fatalf("malformed issue %+v", is)
		}
	}
	if !rep.OK() {
		return
	}
	seen := map[string]bool{}
	for _, r := range p.Recommendations {
		if r.Number == "" || strings.TrimSpace(r.Text) == "" || seen[r.Number] {
			t.Fatalf("accepted recommendation %+v (numbers so far %v)", r, seen)
		}
		seen[r.Number] = true
		if r.Scope != "local" && r.Scope != "regional" && r.Scope != "national" {
			t.Fatalf("accepted scope %q", r.Scope)
		}
		for _, a := range r.Actions {
			if a.Description == "" || a.Lead == "" || a.Row < 1 {
				t.Fatalf("accepted action %+v", a)
			}
		}
	}
}

func FuzzActionPlanCSV(f *testing.F) {
	f.Add([]byte("Recommendation,Scope,Action to take,Lead agency,Key milestones,Target date,Date of completion and outcome\n1. Do it,local,Act,Police,,31/03/2025,Completed 01/04/2025\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, rep := Read("fuzz.csv", data, fuzzLimits)
		checkPlan(t, p, rep)
	})
}

func FuzzActionPlanXLSX(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		p, rep := Read("fuzz.xlsx", data, fuzzLimits)
		checkPlan(t, p, rep)
	})
}
