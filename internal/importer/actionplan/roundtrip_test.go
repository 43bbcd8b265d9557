package actionplan_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/importer/actionplan"
)

// planContent is what an action plan says about a review, in a form two reviews can be
// compared by: per recommendation number, its text, scope, addressees and actions.
func planContent(t *testing.T, w world, reviewID string) []string {
	t.Helper()
	e, err := actionplan.LoadExport(w.ctx, w.s, reviewID)
	must(t, err)
	var out []string
	for _, r := range e.Recommendations {
		var orgs []string
		for _, a := range r.Addressees {
			orgs = append(orgs, a.OrganisationName+"/"+string(a.Role))
		}
		sort.Strings(orgs)
		out = append(out, fmt.Sprintf("rec %s|%s|%s|%v|%s|%s", r.Number, r.Text, r.Scope, orgs, r.ImplementationStatus, r.ResponseStatus))
		for _, a := range e.Actions[r.ID] {
			out = append(out, fmt.Sprintf("  act %s|%s|%s|%v|%v|%v|%s", e.OrgNames[a.OrganisationID], a.Description, a.Owner,
				a.TargetDate, a.CompletionDate, deref(a.Outcome), a.ImplementationStatus))
			for _, m := range e.Milestones[a.ID] {
				out = append(out, fmt.Sprintf("    milestone %q|%v|%v", m.Title, m.DueDate, m.DoneDate))
			}
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestMilestonesRoundTrip: milestones added in the application, with titles that look like
// dates, dashes, separators and done markers, survive export and re-import in both formats:
// import(export(x)) leaves every milestone as it was (same id, same version), and a copy has the
// same milestones.
func TestMilestonesRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/messy_plan.csv")
	must(t, err)
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := setup(t, dialect)
		first := w.importFile(t, "messy_plan.csv", data, false, "")
		if first.Result == nil {
			t.Fatalf("import: %v", first.Report.Issues)
		}
		id := first.Result.ReviewIDs[0]
		acts, err := w.s.ListActions(w.ctx, casereview.ActionFilter{ReviewType: "DHR"}, casereview.PageRequest{Limit: 50})
		must(t, err)
		day := func(s string) *casereview.Date { d := casereview.MustDate(s); return &d }
		titles := []casereview.MilestoneDraft{
			{Title: "Course written", DueDate: day("2024-04-30")},
			{Title: "31/03/2024 - not a date prefix, a title", DueDate: nil},
			{Title: "Pilot – in two teams: north; south", DueDate: day("2024-06-30"), DoneDate: day("2024-06-20")},
			{Title: "Review (done 01/01/2024)", DueDate: day("2024-07-31")},
			{Title: "TBC – decided later"},
			{Title: "=SUM(A1) looks like a formula", DueDate: day("2024-05-01")},
			{Title: "Course written", DueDate: day("2024-05-31")}, // the same title twice
		}
		for i, a := range acts.Items {
			if i >= 2 {
				break
			}
			for _, d := range titles {
				_, err := w.s.CreateMilestone(w.ctx, a.ID, d)
				must(t, err)
			}
		}
		snapshot := func() map[string]int {
			out := map[string]int{}
			for _, a := range acts.Items {
				ms, err := w.s.ListMilestones(w.ctx, a.ID)
				must(t, err)
				for _, m := range ms {
					out[m.ID] = m.Version
				}
			}
			return out
		}
		before := snapshot()
		if len(before) < 2*len(titles) {
			t.Fatalf("%d milestones set up", len(before))
		}
		x := planContent(t, w, id)
		e, err := actionplan.LoadExport(w.ctx, w.s, id)
		must(t, err)
		for _, format := range []string{"xlsx", "csv"} {
			var buf bytes.Buffer
			if format == "xlsx" {
				must(t, actionplan.WriteXLSX(&buf, e))
			} else {
				must(t, actionplan.WriteCSV(&buf, e))
			}
			same := w.importFile(t, "export."+format, buf.Bytes(), false, "")
			if same.Result == nil || len(same.Result.Changes) != 0 || same.Result.ActionsUpdated != 0 {
				t.Fatalf("%s export re-imported: %+v %v", format, same.Result, same.Report.Issues)
			}
			if after := snapshot(); !maps.Equal(before, after) {
				t.Fatalf("%s re-import touched milestones: %v -> %v", format, before, after)
			}
			copied := w.importFile(t, "export."+format, buf.Bytes(), false, "MS-COPY-"+format)
			if copied.Result == nil {
				t.Fatalf("%s copy: %v", format, copied.Report.Issues)
			}
			if y := planContent(t, w, copied.Result.ReviewIDs[0]); !slices.Equal(x, y) {
				t.Fatalf("%s round trip differs:\n x %s\n y %s", format, strings.Join(x, "\n   "), strings.Join(y, "\n   "))
			}
		}
	})
}

func TestRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/messy_plan.csv")
	must(t, err)
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := setup(t, dialect)
		first := w.importFile(t, "messy_plan.csv", data, false, "")
		if first.Result == nil {
			t.Fatalf("import: %v", first.Report.Issues)
		}
		id := first.Result.ReviewIDs[0]
		x := planContent(t, w, id)
		e, err := actionplan.LoadExport(w.ctx, w.s, id)
		must(t, err)
		for _, format := range []string{"xlsx", "csv"} {
			var buf bytes.Buffer
			if format == "xlsx" {
				must(t, actionplan.WriteXLSX(&buf, e))
			} else {
				must(t, actionplan.WriteCSV(&buf, e))
			}
			// Into the same review: nothing changes.
			same := w.importFile(t, "export."+format, buf.Bytes(), false, "")
			if same.Result == nil || same.Result.RecommendationsUnchanged != len(e.Recommendations) || len(same.Result.Changes) != 0 ||
				same.Result.ReviewsUnchanged != 1 {
				t.Fatalf("%s export re-imported: %+v %v", format, same.Result, same.Report.Issues)
			}
			// Into a new review: the same plan.
			copied := w.importFile(t, "export."+format, buf.Bytes(), false, "COPY-"+format)
			if copied.Result == nil || copied.Result.ReviewsCreated != 1 {
				t.Fatalf("%s export imported as a copy: %v", format, copied.Report.Issues)
			}
			if y := planContent(t, w, copied.Result.ReviewIDs[0]); !slices.Equal(x, y) {
				t.Fatalf("%s round trip differs:\n x %s\n y %s", format, strings.Join(x, "\n   "), strings.Join(y, "\n   "))
			}
		}
		// Text that a spreadsheet would run as a formula is neutralised on the way out.
		var csvOut bytes.Buffer
		must(t, actionplan.WriteCSV(&csvOut, e))
		if !strings.Contains(csvOut.String(), ",'-Agencies should") || !strings.Contains(csvOut.String(), ",'=Add a question") {
			t.Fatalf("formula-like cells not neutralised:\n%s", csvOut.String())
		}
		for _, line := range strings.Split(csvOut.String(), "\n") {
			for _, cell := range strings.Split(line, ",") {
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
					t.Fatalf("cell %q starts with a formula character", cell)
				}
			}
		}
	})
}

// messyWorkbook is a fictional plan laid out as real ones are: a title above the header row,
// recommendations merged down the rows of their actions, dates typed as Excel dates, and the
// review's details on a sheet of their own.
func messyWorkbook(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Plan"
	must(t, f.SetSheetName("Sheet1", sh))
	must(t, f.SetCellValue(sh, "A1", "FICTIONAL DHR action plan — Eastmere (test fixture)"))
	must(t, f.SetSheetRow(sh, "A3", &[]string{"Recommendation", "Scope", "Action to take", "Lead agency", "Key milestones", "Target date", "Date of completion and outcome"}))
	must(t, f.SetSheetRow(sh, "A4", &[]any{"1. Agencies should share risk information before MARAC.", "Local", "Agree a pre-MARAC sharing form", "NFP", "", 45747.0, "Completed 01/04/2025"}))
	must(t, f.SetSheetRow(sh, "C5", &[]any{"Train MARAC representatives", "Northfold Police", "Two sessions", 45838.0, "In progress"}))
	must(t, f.SetSheetRow(sh, "C6", &[]any{"Audit the first ten cases", "Northfold Police", "", "June 2025", ""}))
	must(t, f.MergeCell(sh, "A4", "A6"))
	must(t, f.MergeCell(sh, "B4", "B6"))
	must(t, f.SetSheetRow(sh, "A7", &[]any{"2) Children's services should record the voice of the child.", "local", "Add a 'voice of the child' section", "Northfold Council Children's Services", "", "31/12/2025", ""}))
	style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(t, err)
	must(t, f.SetCellStyle(sh, "F4", "F5", style))
	_, err = f.NewSheet("Review details")
	must(t, err)
	must(t, f.SetSheetRow("Review details", "A1", &[]string{"Review reference", "EM-DHR-2024-02"}))
	must(t, f.SetSheetRow("Review details", "A2", &[]string{"Title", "Adult E"}))
	must(t, f.SetSheetRow("Review details", "A3", &[]string{"Type", "DHR"}))
	must(t, f.SetSheetRow("Review details", "A4", &[]string{"Published", "2025-01-20"}))
	var b bytes.Buffer
	_, err = f.WriteTo(&b)
	must(t, err)
	return b.Bytes()
}

func TestImportMessyXLSX(t *testing.T) {
	data := messyWorkbook(t)
	p, rep := actionplan.Read("plan.xlsx", data, actionplan.DefaultLimits)
	if !rep.OK() {
		t.Fatalf("report %v", rep.Issues)
	}
	if len(p.Recommendations) != 2 || len(p.Recommendations[0].Actions) != 3 || p.Recommendations[1].Number != "2" {
		t.Fatalf("plan %+v", p.Recommendations)
	}
	a := p.Recommendations[0].Actions
	if a[0].Target.String() != "2025-03-31" || a[1].Target.String() != "2025-06-30" || a[2].Target.String() != "2025-06-30" ||
		a[0].Completion.Date.String() != "2025-04-01" || a[1].Completion.Status != casereview.ImplInProgress || p.Meta["reference"] != "EM-DHR-2024-02" {
		t.Fatalf("actions %+v meta %v", a, p.Meta)
	}
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := setup(t, dialect)
		out := w.importFile(t, "plan.xlsx", data, false, "")
		if out.Result == nil || out.Result.RecommendationsCreated != 2 || out.Result.ActionsCreated != 4 {
			t.Fatalf("import %+v %v", out.Result, out.Report.Issues)
		}
	})
}
