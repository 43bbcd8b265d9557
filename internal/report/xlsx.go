package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes a workbook with a cover sheet and one sheet per table. Each table sheet has
// a bold, shaded header row, frozen so it stays in view, and a filter on every column.
func WriteXLSX(w io.Writer, d Document) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Summary"); err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	if err := f.SetCellStr("Summary", "A1", d.Title); err != nil {
		return err
	}
	if err := f.SetCellStyle("Summary", "A1", "A1", title); err != nil {
		return err
	}
	for i, n := range d.Notes {
		if err := f.SetCellStr("Summary", fmt.Sprintf("A%d", i+3), n); err != nil {
			return err
		}
	}
	if err := f.SetColWidth("Summary", "A", "A", 100); err != nil {
		return err
	}
	used := map[string]bool{"Summary": true}
	for _, t := range d.Tables {
		name := sheetName(t.Name, used)
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := writeSheet(f, name, t, header); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func writeSheet(f *excelize.File, name string, t Table, header int) error {
	cols := len(t.Columns)
	if cols == 0 {
		return nil
	}
	head := make([]any, cols)
	for i, c := range t.Columns {
		head[i] = c
	}
	if err := f.SetSheetRow(name, "A1", &head); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(cols, 1)
	if err := f.SetCellStyle(name, "A1", last, header); err != nil {
		return err
	}
	widths := make([]int, cols)
	for i, c := range t.Columns {
		widths[i] = utf8.RuneCountInString(c)
	}
	for r, row := range t.Rows {
		vals := make([]any, cols)
		for i := 0; i < cols && i < len(row); i++ {
			if row[i].Number != nil {
				vals[i] = *row[i].Number
			} else {
				vals[i] = row[i].Text
			}
			widths[i] = max(widths[i], min(utf8.RuneCountInString(row[i].Text), 60))
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := f.SetSheetRow(name, cell, &vals); err != nil {
			return err
		}
	}
	for i, wdt := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, float64(max(wdt, 8)+2)); err != nil {
			return err
		}
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	end, _ := excelize.CoordinatesToCellName(cols, max(len(t.Rows)+1, 2))
	return f.AutoFilter(name, "A1:"+end, nil)
}

// sheetName makes a valid, unique sheet name: at most 31 characters, none of : \ / ? * [ ].
func sheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, s)
	if s == "" {
		s = "Table"
	}
	base := []rune(s)
	if len(base) > 31 {
		base = base[:31]
	}
	name := string(base)
	for n := 2; used[strings.ToLower(name)] || used[name]; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		name = string(base[:min(len(base), 31-len(suffix))]) + suffix
	}
	used[name], used[strings.ToLower(name)] = true, true
	return name
}
