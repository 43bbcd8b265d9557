package actionplan

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// checkZip refuses an XLSX whose parts would unpack to more than the limits allow (a zip bomb),
// before the spreadsheet library opens it.
func checkZip(data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("the file looks like an XLSX but is not a readable zip archive: %v", err)
	}
	if len(zr.File) > 2000 {
		return fmt.Errorf("the archive holds %d parts; a spreadsheet has far fewer", len(zr.File))
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if lim.MaxUncompressed > 0 && total > uint64(lim.MaxUncompressed) {
			return fmt.Errorf("the spreadsheet unpacks to more than %d bytes", lim.MaxUncompressed)
		}
		if lim.MaxRatio > 0 && f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > uint64(lim.MaxRatio)*max(f.CompressedSize64, 1) {
			return fmt.Errorf("part %s expands %d times on unpacking, which only a zip bomb does", f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1))
		}
	}
	if _, err := zr.Open("[Content_Types].xml"); err != nil {
		return fmt.Errorf("the zip archive is not a spreadsheet (no [Content_Types].xml)")
	}
	return nil
}

var metaSheetNames = map[string]bool{"review": true, "metadata": true, "about": true, "details": true, "review details": true, "cover": true, "info": true}

func readXLSX(name string, data []byte, lim Limits) (Plan, Report) {
	var rep Report
	if err := checkZip(data, lim); err != nil {
		rep.Errorf(name, 0, "", "save the plan again from Excel as .xlsx", "%v", err)
		return Plan{Sheet: name}, rep
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: lim.MaxUncompressed, UnzipXMLSizeLimit: lim.MaxUncompressed})
	if err != nil {
		rep.Errorf(name, 0, "", "save the plan again from Excel as .xlsx", "the spreadsheet cannot be opened: %v", err)
		return Plan{Sheet: name}, rep
	}
	defer f.Close()
	meta := map[string]string{}
	var planSheets []string
	for _, sh := range f.GetSheetList() {
		if metaSheetNames[normHeader(sh)] {
			rows, _, err := sheetRows(f, sh, lim)
			if err == nil {
				for _, r := range rows {
					for j := range r {
						r[j] = cleanCell(r[j])
					}
				}
				readMeta(rows, meta)
			}
			continue
		}
		planSheets = append(planSheets, sh)
	}
	var firstRep *Report
	for _, sh := range planSheets {
		rows, lines, err := sheetRows(f, sh, lim)
		var srep Report
		if err != nil {
			srep.Errorf(sh, 0, "", "split the plan into one file per review", "%v", err)
			return Plan{Sheet: sh}, srep
		}
		if hdr, _ := findHeader(rows, 30); hdr < 0 {
			if firstRep == nil {
				// Keep the first sheet's reasons, in case no sheet has a plan.
				parseGrid(sh, rows, lines, lim, &srep)
				firstRep = &srep
			}
			continue
		}
		p := parseGrid(sh, rows, lines, lim, &srep)
		for k, v := range meta {
			if _, set := p.Meta[k]; !set {
				p.Meta[k] = v
			}
		}
		rep.Issues = append(rep.Issues, srep.Issues...)
		return p, rep
	}
	if firstRep != nil {
		return Plan{Sheet: name, Meta: meta}, *firstRep
	}
	rep.Errorf(name, 0, "", "put the action plan on the first sheet", "the workbook has no sheet with an action plan")
	return Plan{Sheet: name, Meta: meta}, rep
}

// sheetRows returns a sheet's cells as text (dates as Excel serial numbers, which the date
// reader understands) with every merged range filled with its value, so a recommendation
// merged across several action rows reads on each of them.
func sheetRows(f *excelize.File, sheet string, lim Limits) ([][]string, []int, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, nil, err
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		if lim.MaxRows > 0 && len(rows) >= lim.MaxRows {
			return nil, nil, fmt.Errorf("the sheet has more than %d rows", lim.MaxRows)
		}
		cols, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, err
		}
		if len(cols) > 200 {
			cols = cols[:200]
		}
		rows = append(rows, cols)
	}
	merged, err := f.GetMergeCells(sheet)
	if err == nil {
		budget := 1 << 20 // cells filled from merged ranges; a real plan needs a few hundred
		for _, m := range merged {
			c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if err1 != nil || err2 != nil || r2-r1 > 1000 || c2-c1 > 200 {
				continue
			}
			v := m.GetCellValue()
			if raw, err := f.GetCellValue(sheet, m.GetStartAxis(), excelize.Options{RawCellValue: true}); err == nil {
				v = raw
			}
			if budget -= (r2 - r1 + 1) * (c2 - c1 + 1); budget < 0 {
				return nil, nil, fmt.Errorf("the sheet merges more cells than an action plan does")
			}
			for r := r1; r <= r2 && r <= len(rows); r++ {
				for c := c1; c <= c2; c++ {
					for len(rows[r-1]) < c {
						rows[r-1] = append(rows[r-1], "")
					}
					if strings.TrimSpace(rows[r-1][c-1]) == "" {
						rows[r-1][c-1] = v
					}
				}
			}
		}
	}
	lines := make([]int, len(rows))
	for i := range lines {
		lines[i] = i + 1
	}
	return rows, lines, nil
}
