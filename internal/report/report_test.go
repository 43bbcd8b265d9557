package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func sample() Document {
	return Document{
		Title:     "Stalking <b>& separation</b>",
		Generated: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
		Notes:     []string{"As of 2026-03-01", "=HYPERLINK(\"http://x\")"},
		Tables: []Table{
			{Name: "By status", Columns: []string{"Status", "Count"}, Rows: [][]Cell{{Text("accepted"), Int(12)}, {Text("not_accepted"), Text("<5")}}},
			{Name: "A very long table name that exceeds the sheet limit", Columns: []string{"Organisation", "Median days"},
				Rows: [][]Cell{{Text("=cmd|' /C calc'!A0"), Float(12.5)}, {Text("<script>alert(1)</script>"), Text("")}}},
			{Name: "A very long table name that exceeds the sheet limit too", Columns: []string{"X"}, Rows: nil},
		},
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sample()); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&b)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, rec := range recs {
		lines = append(lines, strings.Join(rec, "|"))
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"Stalking <b>& separation</b>",
		"'=HYPERLINK(\"http://x\")", // a formula is defused
		"By status\nStatus|Count\naccepted|12\nnot_accepted|<5",
		"Organisation|Median days\n'=cmd|' /C calc'!A0|12.5",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("CSV lacks %q:\n%s", want, all)
		}
	}
}

func TestWriteXLSX(t *testing.T) {
	var b bytes.Buffer
	d := sample()
	if err := WriteXLSX(&b, d); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	want := []string{"Summary", "By status", "A very long table name that exc", "A very long table name that (2)"}
	if strings.Join(sheets, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %q, want %q", sheets, want)
	}
	if v, _ := f.GetCellValue("Summary", "A1"); v != d.Title {
		t.Errorf("title %q", v)
	}
	rows, err := f.GetRows("By status")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "Status" || rows[1][1] != "12" || rows[2][1] != "<5" {
		t.Fatalf("rows %q", rows)
	}
	// Numbers are numbers, suppressed counts text.
	if typ, _ := f.GetCellType("By status", "B2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("B2 type %v, want a number", typ)
	}
	if v, _ := f.GetCellValue("By status", "B2", excelize.Options{RawCellValue: true}); v != "12" {
		t.Errorf("B2 raw %q", v)
	}
	if typ, _ := f.GetCellType("By status", "B3"); typ == excelize.CellTypeNumber {
		t.Errorf("B3 <5 stored as a number")
	}
	// Text that looks like a formula is stored as text, not as a formula.
	if fm, _ := f.GetCellFormula("A very long table name that exc", "A2"); fm != "" {
		t.Errorf("A2 became the formula %q", fm)
	}
	if v, _ := f.GetCellValue("A very long table name that exc", "A2"); v != "=cmd|' /C calc'!A0" {
		t.Errorf("A2 %q", v)
	}
	// The header is bold and shaded, frozen, and filtered.
	idx, err := f.GetCellStyle("By status", "A1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(idx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Font == nil || !st.Font.Bold || len(st.Fill.Color) == 0 {
		t.Errorf("header style %+v", st)
	}
	panes, err := f.GetPanes("By status")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v", panes)
	}
	names := f.GetDefinedName()
	found := false
	for _, n := range names {
		if n.Name == "_xlnm._FilterDatabase" && strings.Contains(n.RefersTo, "By status") && strings.Contains(n.RefersTo, "$A$1:$B$3") {
			found = true
		}
	}
	if !found {
		t.Errorf("no autofilter on By status: %+v", names)
	}
}

func TestWriteHTML(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, sample()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "<script>") || strings.Contains(out, "<b>&") {
		t.Fatalf("unescaped content:\n%s", out)
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "Stalking &lt;b&gt;&amp; separation&lt;/b&gt;",
		`<th scope="col">Status</th>`, `<td class="n">12</td>`, "<td>&lt;5</td>", "@media print", "1 March 2026 09:30 UTC"} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The stylesheet is served exactly, so the Content-Security-Policy hash allows it.
	start := strings.Index(out, "<style>") + len("<style>")
	end := strings.Index(out, "</style>")
	sum := sha256.Sum256([]byte(out[start:end]))
	if got := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; got != StyleHash() {
		t.Fatalf("style hash %s, want %s", StyleHash(), got)
	}
}
