package actionplan

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xmlInMemory is the size above which a worksheet or the shared strings are unpacked to a
// temporary file and read from there as a stream, not held in memory (excelize's
// UnzipXMLSizeLimit). Every other part is held in memory, within Limits.MaxInMemory.
const xmlInMemory = 1 << 20

// streamedPart reports whether excelize unpacks a part of this name and size to a temporary
// file: the same test as its ReadZipReader.
func streamedPart(name string, size uint64) bool {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	return size > xmlInMemory && (n == "xl/sharedstrings.xml" || strings.HasPrefix(n, "xl/worksheets/sheet"))
}

// checkZip refuses an XLSX whose parts would unpack to more than the limits allow (a zip bomb),
// would hold more in memory than a spreadsheet needs, or has more shared strings than cells are
// allowed, before the spreadsheet library opens it.
func checkZip(data []byte, lim Limits) (*zip.Reader, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("the file looks like an XLSX but is not a readable zip archive: %v", err)
	}
	if len(zr.File) > 2000 {
		return nil, fmt.Errorf("the archive holds %d parts; a spreadsheet has far fewer", len(zr.File))
	}
	var total, inMemory uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if lim.MaxUncompressed > 0 && total > uint64(lim.MaxUncompressed) {
			return nil, fmt.Errorf("the spreadsheet unpacks to more than %d bytes (the limit)", lim.MaxUncompressed)
		}
		if lim.MaxRatio > 0 && f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > uint64(lim.MaxRatio)*max(f.CompressedSize64, 1) {
			return nil, fmt.Errorf("part %s expands %d times on unpacking, which only a zip bomb does", f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1))
		}
		if !streamedPart(f.Name, f.UncompressedSize64) {
			inMemory += f.UncompressedSize64
			if lim.MaxInMemory > 0 && inMemory > uint64(lim.MaxInMemory) {
				return nil, fmt.Errorf("the spreadsheet's images, styles and other parts unpack to more than %d bytes (the limit)", lim.MaxInMemory)
			}
		}
		if strings.EqualFold(f.Name, "xl/sharedStrings.xml") && lim.MaxCells > 0 {
			n, err := countSharedStrings(f, lim.MaxCells)
			if err != nil {
				return nil, fmt.Errorf("the spreadsheet's shared strings cannot be read: %v", err)
			}
			if n > lim.MaxCells {
				return nil, fmt.Errorf("the spreadsheet holds more than %d different texts; the limit is %d cells", lim.MaxCells, lim.MaxCells)
			}
		}
	}
	if _, err := zr.Open("[Content_Types].xml"); err != nil {
		return nil, fmt.Errorf("the zip archive is not a spreadsheet (no [Content_Types].xml)")
	}
	return zr, nil
}

var metaSheetNames = map[string]bool{"review": true, "metadata": true, "about": true, "details": true, "review details": true, "cover": true, "info": true}

// readXLSX reads the plan from the first sheet that has one. Sheets are read as streams
// (excelize's row iterator), never as a whole document: see sheetRows.
func readXLSX(name string, data []byte, lim Limits) (Plan, Report) {
	var rep Report
	zr, err := checkZip(data, lim)
	if err != nil {
		rep.Errorf(name, 0, "", "save the plan again from Excel as .xlsx, without images or other sheets", "%v", err)
		return Plan{Sheet: name}, rep
	}
	uncompressed := lim.MaxUncompressed
	if uncompressed <= 0 {
		uncompressed = 1 << 40
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: uncompressed, UnzipXMLSizeLimit: xmlInMemory})
	if err != nil {
		rep.Errorf(name, 0, "", "save the plan again from Excel as .xlsx", "the spreadsheet cannot be opened: %v", err)
		return Plan{Sheet: name}, rep
	}
	defer f.Close() // removes the temporary files
	parts := sheetParts(zr)
	meta := map[string]string{}
	var planSheets []string
	for _, sh := range f.GetSheetList() {
		if metaSheetNames[normHeader(sh)] {
			rows, _, err := sheetRows(f, zr, parts[sh], sh, lim)
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
		rows, lines, err := sheetRows(f, zr, parts[sh], sh, lim)
		var srep Report
		if err != nil {
			row, suggestion := 0, "split the plan into one file per review"
			var le *limitError
			if asLimit(err, &le) {
				row, suggestion = le.row, le.suggestion
			}
			srep.Errorf(sh, row, "", suggestion, "%v", err)
			return Plan{Sheet: sh}, srep
		}
		if hdr, _ := findHeader(rows, headerScan); hdr < 0 {
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
