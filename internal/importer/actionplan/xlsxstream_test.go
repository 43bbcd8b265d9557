package actionplan

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// workbook builds a one-sheet fictional XLSX with rows from A1 and the given merged ranges.
func workbook(t *testing.T, rows [][]any, merges ...[2]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range merges {
		if err := f.MergeCell("Sheet1", m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var streamHeader = []any{"Recommendation", "Scope", "Action to take", "Lead agency", "Target date"}

// A lead agency merged down three action rows reads on each of them: the merged ranges come
// from scanning the sheet's XML, not from loading the sheet.
func TestXLSXMergedCellsFillEveryRow(t *testing.T) {
	data := workbook(t, [][]any{
		streamHeader,
		{"1. Share risk information before MARAC.", "local", "Agree a form", "Northfold Police", "31/03/2026"},
		{"", "", "Train representatives", "", "30/06/2026"},
		{"", "", "Audit ten cases", "", "30/09/2026"},
	}, [2]string{"D2", "D4"})
	p, rep := Read("plan.xlsx", data, DefaultLimits)
	if !rep.OK() || len(p.Recommendations) != 1 || len(p.Recommendations[0].Actions) != 3 {
		t.Fatalf("plan %+v report %v", p.Recommendations, rep.Issues)
	}
	for _, a := range p.Recommendations[0].Actions {
		if a.Lead != "Northfold Police" {
			t.Errorf("row %d: lead %q, want the merged value", a.Row, a.Lead)
		}
	}
	// Without the merge the same rows have no lead: the fill is what the test sees.
	plain := workbook(t, [][]any{streamHeader,
		{"1. Share risk information before MARAC.", "local", "Agree a form", "Northfold Police", "31/03/2026"},
		{"", "", "Train representatives", "", "30/06/2026"}})
	if _, rep := Read("plan.xlsx", plain, DefaultLimits); rep.OK() {
		t.Errorf("an action without a lead was accepted: %v", rep.Issues)
	}
}

func TestSheetMergesScan(t *testing.T) {
	sheet := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mergeCells &lt;mergeCells ref="Z9:Z10"&gt;</t></is></c></row></sheetData>` +
		`<x:mergeCells count="2"><x:mergeCell ref="B3:B5"/><x:mergeCell ref="A1:C1"/></x:mergeCells><pageMargins left="0.7"/></worksheet>`
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	_, _ = w.Write([]byte(sheet))
	_ = zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := sheetMerges(zr, "xl/worksheets/sheet1.xml")
	want := []mergeRange{{r1: 1, c1: 1, r2: 1, c2: 3}, {r1: 3, c1: 2, r2: 5, c2: 2}}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("merges %v, %v; want %v (the escaped text in A1 is not markup)", got, err, want)
	}
}

// Each limit stops the read with an error that names it, at the row that broke it.
func TestXLSXLimits(t *testing.T) {
	row := func(i int) []any {
		return []any{fmt.Sprintf("%d. Recommendation number %d.", i, i), "local", "An action", "Northfold Police", "31/03/2026"}
	}
	plan := func(n int, extra ...[]any) [][]any {
		rows := [][]any{streamHeader}
		for i := 1; i <= n; i++ {
			rows = append(rows, row(i))
		}
		return append(rows, extra...)
	}
	wide := make([]any, 70)
	wide[0], wide[69] = "1. A recommendation.", "a note far to the right"
	cases := []struct {
		name    string
		rows    [][]any
		lim     Limits
		row     int
		problem string
	}{
		{"rows", plan(12), Limits{MaxRows: 10}, 11, "more than 10 rows (the limit)"},
		{"columns", plan(3, wide), DefaultLimits, 5, "cell BR5 has a value, beyond the limit of 64 columns (A to BL)"},
		{"cells", plan(6), Limits{MaxCells: 24}, 5, "more than 24 cells with a value (the limit)"},
		{"text", plan(6), Limits{MaxText: 300}, 0, "more than 300 bytes of text (the limit)"},
	}
	for _, c := range cases {
		_, rep := Read("plan.xlsx", workbook(t, c.rows), c.lim)
		if rep.OK() || len(rep.Issues) != 1 || !strings.Contains(rep.Issues[0].Problem, c.problem) || (c.row > 0 && rep.Issues[0].Row != c.row) {
			t.Errorf("%s: report %v; want one error at row %d: %q", c.name, rep.Issues, c.row, c.problem)
		}
	}
	// Within the limits the same plans read.
	if p, rep := Read("plan.xlsx", workbook(t, plan(9)), Limits{MaxRows: 10, MaxCells: 50, MaxText: 1000, MaxColumns: 5}); !rep.OK() || len(p.Recommendations) != 9 {
		t.Errorf("a plan within the limits: %v", rep.Issues)
	}
	// More shared strings than cells allowed is refused before the sheet is opened.
	if _, rep := Read("plan.xlsx", workbook(t, plan(6)), Limits{MaxCells: 10}); rep.OK() || !strings.Contains(rep.Issues[0].Problem, "more than 10 different texts") {
		t.Errorf("shared strings: %v", rep.Issues)
	}
	// Parts held in memory (styles, images, ...) are bounded too.
	if _, rep := Read("plan.xlsx", workbook(t, plan(2)), Limits{MaxInMemory: 1000}); rep.OK() || !strings.Contains(rep.Issues[0].Problem, "more than 1000 bytes (the limit)") {
		t.Errorf("in-memory parts: %v", rep.Issues)
	}
}

// Cells to the right of the header's last column are not kept: a note there, even one longer
// than a cell may be, neither reaches the plan nor stops it.
func TestXLSXIgnoresCellsRightOfHeader(t *testing.T) {
	long := strings.Repeat("n", 40)
	rows := [][]any{streamHeader}
	for i := 1; i <= 40; i++ { // past the rows the header is looked for in
		rows = append(rows, []any{fmt.Sprintf("%d. Recommendation %d.", i, i), "local", "An action", "Northfold Police", "31/03/2026", "", long})
	}
	p, rep := Read("plan.xlsx", workbook(t, rows), Limits{MaxCellChars: 30})
	if len(p.Recommendations) != 40 {
		t.Fatalf("read %d recommendations, want 40: %v", len(p.Recommendations), rep.Issues)
	}
	for _, is := range rep.Issues {
		if is.Row > headerScan && is.Severity == SeverityError {
			t.Errorf("row %d: %s (the cell right of the header should not be read)", is.Row, is.Problem)
		}
	}
	// In the first rows the whole row is kept (they may hold the review's details), so the
	// long cell there is reported: the test can tell kept cells from dropped ones.
	if rep.OK() {
		t.Errorf("the long cells in the first %d rows were not seen", headerScan)
	}
}
