package app

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The import and export commands end to end on embedded SQLite: bulk JSON brings in a
// partnership, organisations and a review; an action plan then goes into a second review;
// exporting it gives the template back.
func TestImportCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CASEREVIEW_DATA_DIR", dir)
	t.Setenv("CASEREVIEW_DATABASE_URL", "")
	doc := map[string]any{"format": "casereview-bulk/1",
		"partnerships":  []map[string]any{{"id": "p-1", "name": "Northfold CSP", "kind": "community_safety_partnership"}},
		"organisations": []map[string]any{{"id": "o-1", "name": "Northfold Police", "sector": "police", "aliases": []string{"NFP", "Northfold Constabulary"}}, {"id": "o-2", "name": "Northfold Council Children's Services", "sector": "la_childrens_services"}},
		"reviews": []map[string]any{{"type": "DHR", "partnership_id": "p-1", "reference": "NF-DHR-1", "title": "Adult N", "status": "in_progress", "visibility": "restricted",
			"recommendations": []map[string]any{{"number": "1", "text": "Share information.", "scope": "local",
				"addressees": []map[string]any{{"organisation_id": "o-1", "role": "lead"}},
				"actions":    []map[string]any{{"organisation_id": "o-1", "description": "Agree a protocol", "implementation_status": "planned"}}}}}}}
	raw, _ := json.Marshal(doc)
	jsonFile := filepath.Join(dir, "bulk.json")
	if err := os.WriteFile(jsonFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(want int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Main(append([]string{"casereview"}, args...), &out, &errb); code != want {
			t.Fatalf("%v: exit %d, want %d\n%s\n%s", args, code, want, out.String(), errb.String())
		}
		return out.String()
	}
	if out := run(0, "import", "json", jsonFile); !strings.Contains(out, "recommendations 1 created") || !strings.Contains(out, "actions 1 created") {
		t.Fatalf("import json: %s", out)
	}
	plan := filepath.Join("..", "importer", "actionplan", "testdata", "messy_plan.csv")
	if out := run(0, "import", "actionplan", plan, "--partnership", "Northfold CSP", "--dry-run"); !strings.Contains(out, "dry run, nothing written") ||
		!strings.Contains(out, "recommendations 5 created") {
		t.Fatalf("dry run: %s", out)
	}
	out := run(0, "import", "actionplan", plan, "--partnership", "Northfold CSP")
	if !strings.Contains(out, "recommendations 5 created") {
		t.Fatalf("import: %s", out)
	}
	// A bad file: a report and exit 1.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("Recommendation,Action to take\n1. x,y\n"), 0o600)
	if out := run(1, "import", "actionplan", bad, "--partnership", "Northfold CSP", "--review-ref", "BAD"); !strings.Contains(out, `"Lead agency" is missing`) {
		t.Fatalf("bad file: %s", out)
	}
	// Export the review the JSON made, in both formats and as JSON.
	exp := run(0, "export", "json", "--review-id", reviewID(t, run))
	if !strings.Contains(exp, `"reference": "NF-DHR-1"`) || !strings.Contains(exp, `"implementation_status": "planned"`) {
		t.Fatalf("export json: %s", exp)
	}
	csv := run(0, "export", "actionplan", "--review-id", reviewID(t, run), "--format", "csv")
	if !strings.Contains(csv, "Agree a protocol,Northfold Police,,,Planned") {
		t.Fatalf("export csv: %s", csv)
	}

	// The whole state (format /2) into a fresh instance: a dry run says what it would create,
	// then the import creates it.
	state := filepath.Join(dir, "state.json")
	run(0, "export", "json", "--all", "-o", state)
	run(2, "export", "json", "--all", "--review-id", "x")
	t.Setenv("CASEREVIEW_DATA_DIR", t.TempDir())
	if out := run(0, "import", "json", state, "--dry-run"); !strings.Contains(out, "would create: ") || !strings.Contains(out, "reviews 2") ||
		!strings.Contains(out, "recommendations 6") || !strings.Contains(out, "organisations 2") {
		t.Fatalf("dry run of the state: %s", out)
	}
	if out := run(0, "import", "json", state); !strings.Contains(out, "created: ") || !strings.Contains(out, "actions 10") {
		t.Fatalf("import of the state: %s", out)
	}
}

// reviewID finds the id of NF-DHR-1: a dry run of the same JSON names the review it would update.
func reviewID(t *testing.T, run func(int, ...string) string) string {
	t.Helper()
	out := run(0, "import", "json", filepath.Join(os.Getenv("CASEREVIEW_DATA_DIR"), "bulk.json"), "--dry-run")
	i := strings.Index(out, "review ids: ")
	if i < 0 {
		t.Fatalf("no review id in %s", out)
	}
	return strings.Fields(out[i+len("review ids: "):])[0]
}
