package actionplan

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// headerScan is how many rows from the top the header row is looked for in.
const headerScan = 30

// limitError is a limit of Limits that a sheet breaks, with the row where it did.
type limitError struct {
	row        int
	suggestion string
	msg        string
}

func (e *limitError) Error() string { return e.msg }

func asLimit(err error, target **limitError) bool { return errors.As(err, target) }

func overLimit(row int, suggestion, format string, args ...any) error {
	return &limitError{row: row, suggestion: suggestion, msg: fmt.Sprintf(format, args...)}
}

// mergeRange is one merged range of a sheet, 1-based and inclusive.
type mergeRange struct{ r1, c1, r2, c2 int }

// sheetRows returns a sheet's cells as text (dates as Excel serial numbers, which the date
// reader understands) with every merged range filled with its value, so a recommendation
// merged across several action rows reads on each of them.
//
// The sheet is read as a stream: excelize's row iterator goes through the sheet's XML (from a
// temporary file when it is large) one row at a time, and the merged ranges are found by a
// scan of the same XML beforehand, so the sheet is never held whole as a document. Of each
// row only what the plan can use is kept: every column of the first headerScan rows (where
// the header and the review's details are), then the columns up to the header row's last one.
// The limits on rows, columns, cells and text stop the read at the first row that breaks one.
func sheetRows(f *excelize.File, zr *zip.Reader, part, sheet string, lim Limits) ([][]string, []int, error) {
	merges, err := sheetMerges(zr, part)
	if err != nil {
		return nil, nil, err
	}
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, nil, err
	}
	defer it.Close()
	var (
		rows     [][]string
		width    = -1 // columns kept from each row once the header is known; -1 while looking
		noHeader bool // the first rows have no header: the sheet is not a plan
		cells    int
		text     int64
		active   []mergeRange // ranges covering the current row
		values   = map[mergeRange]string{}
		next     int // the first of merges not yet active
		budget   = 1 << 20
	)
	for it.Next() {
		r := len(rows) + 1
		if lim.MaxRows > 0 && r > lim.MaxRows {
			return nil, nil, overLimit(r, "split the plan into one file per review, or delete the empty rows below it",
				"the sheet has more than %d rows (the limit)", lim.MaxRows)
		}
		cols, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, err
		}
		if lim.MaxColumns > 0 && len(cols) > lim.MaxColumns {
			last, _ := excelize.ColumnNumberToName(lim.MaxColumns)
			at, _ := excelize.ColumnNumberToName(len(cols))
			return nil, nil, overLimit(r, fmt.Sprintf("delete the columns after %s", last),
				"cell %s%d has a value, beyond the limit of %d columns (A to %s)", at, r, lim.MaxColumns, last)
		}
		for _, c := range cols {
			if c != "" {
				cells++
			}
		}
		if lim.MaxCells > 0 && cells > lim.MaxCells {
			return nil, nil, overLimit(r, "split the plan into one file per review",
				"the sheet has more than %d cells with a value (the limit)", lim.MaxCells)
		}
		// Merged ranges: a range's value is its first cell's, as read before any filling.
		for next < len(merges) && merges[next].r1 <= r {
			m := merges[next]
			next++
			if m.r1 < r || m.r2-m.r1 > 1000 || m.c2-m.c1 > 200 {
				continue
			}
			if budget -= (m.r2 - m.r1 + 1) * (m.c2 - m.c1 + 1); budget < 0 {
				return nil, nil, overLimit(r, "unmerge the cells", "the sheet merges more cells than an action plan does")
			}
			if m.c1 <= len(cols) {
				values[m] = cols[m.c1-1]
			}
			active = append(active, m)
		}
		keep := len(cols)
		if width >= 0 {
			keep = min(keep, width)
		}
		if keep < len(cols) {
			cols = slices.Clone(cols[:keep]) // the rest becomes garbage
		}
		live := active[:0]
		for _, m := range active {
			if m.r2 < r {
				delete(values, m)
				continue
			}
			live = append(live, m)
			v, last := values[m], m.c2
			if width >= 0 {
				last = min(last, width)
			} else if lim.MaxColumns > 0 {
				last = min(last, lim.MaxColumns)
			}
			for c := m.c1; c <= last; c++ {
				for len(cols) < c {
					cols = append(cols, "")
				}
				if strings.TrimSpace(cols[c-1]) == "" {
					cols[c-1] = v
				}
			}
		}
		active = live
		for _, c := range cols {
			text += int64(len(c))
		}
		if lim.MaxText > 0 && text > lim.MaxText {
			return nil, nil, overLimit(r, "shorten the texts, or split the plan into one file per review",
				"the sheet's cells hold more than %d bytes of text (the limit)", lim.MaxText)
		}
		if noHeader {
			if !allEmpty([][]string{cols}) {
				rows = append(rows, cols) // enough to tell "no header" from "no data"
				break
			}
			rows = append(rows, nil)
			continue
		}
		rows = append(rows, cols)
		if width < 0 && len(rows) == headerScan {
			width, noHeader = headerWidth(rows)
			if noHeader && !allEmpty(rows) {
				break
			}
		}
	}
	if err := it.Error(); err != nil {
		return nil, nil, err
	}
	lines := make([]int, len(rows))
	for i := range lines {
		lines[i] = i + 1
	}
	return rows, lines, nil
}

// headerWidth is how many columns of each row after the first ones are worth keeping: up to the
// last cell of the header row, as found in the cells as read or as cleaned (parseGrid looks
// in the cleaned ones). none reports that neither has a header.
func headerWidth(rows [][]string) (width int, none bool) {
	clean := make([][]string, len(rows))
	for i, r := range rows {
		clean[i] = make([]string, len(r))
		for j, c := range r {
			clean[i][j] = cleanCell(c)
		}
	}
	width, none = 0, true
	for _, g := range [][][]string{rows, clean} {
		if h, _ := findHeader(g, headerScan); h >= 0 {
			width, none = max(width, len(g[h])), false
		}
	}
	return width, none
}

// sheetMerges finds a sheet's merged ranges, sorted by first row, by scanning its XML for the
// <mergeCells> element (which follows the sheet's data) without parsing the rest. part is the
// sheet's path in the archive; without one the sheet is read as having no merged cells.
func sheetMerges(zr *zip.Reader, part string) ([]mergeRange, error) {
	if part == "" {
		return nil, nil
	}
	var zf *zip.File
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, part) {
			zf = f
		}
	}
	if zf == nil {
		return nil, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	const tailMax = 4 << 20 // the merged ranges and what follows them; a plan's take a few kilobytes
	var (
		buf   = make([]byte, 256<<10)
		carry []byte
		tail  []byte
	)
	for {
		n, rerr := io.ReadFull(rc, buf)
		chunk := append(carry, buf[:n]...)
		if tail != nil {
			tail = append(tail, buf[:n]...)
			if len(tail) > tailMax {
				return nil, fmt.Errorf("the sheet merges more cells than an action plan does")
			}
		} else if i := mergeCellsStart(chunk); i >= 0 {
			tail = slices.Clone(chunk[i:])
		} else {
			carry = append(carry[:0], chunk[max(len(chunk)-64, 0):]...)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return nil, rerr
		}
	}
	var out []mergeRange
	for _, m := range reMergeRef.FindAllSubmatch(tail, -1) {
		ref := string(m[1])
		a, b, ok := strings.Cut(ref, ":")
		if !ok {
			b = a
		}
		c1, r1, err1 := excelize.CellNameToCoordinates(a)
		c2, r2, err2 := excelize.CellNameToCoordinates(b)
		if err1 != nil || err2 != nil || r2 < r1 || c2 < c1 {
			continue
		}
		out = append(out, mergeRange{r1: r1, c1: c1, r2: r2, c2: c2})
	}
	slices.SortStableFunc(out, func(x, y mergeRange) int { return x.r1 - y.r1 })
	return out, nil
}

var reMergeRef = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref="([^"]+)"`)

// mergeCellsStart finds the start tag of the mergeCells element (with or without a namespace
// prefix) in b. Markup cannot occur inside cell text, where "<" is always escaped.
func mergeCellsStart(b []byte) int {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("mergeCells"))
		if i < 0 {
			return -1
		}
		i += off
		j := i - 1
		for j >= 0 && j > i-40 && b[j] != '<' && b[j] != '>' && b[j] != ' ' && b[j] != '"' {
			j--
		}
		if j >= 0 && b[j] == '<' && (j == i-1 || b[i-1] == ':') {
			return j
		}
		off = i + len("mergeCells")
	}
}

// countSharedStrings counts the strings (si elements) of the shared strings part, stopping
// once it passes limit.
func countSharedStrings(zf *zip.File, limit int) (int, error) {
	rc, err := zf.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	buf := make([]byte, 256<<10)
	var carry []byte
	n := 0
	for {
		k, rerr := io.ReadFull(rc, buf)
		chunk := append(carry, buf[:k]...)
		done := rerr == io.EOF || rerr == io.ErrUnexpectedEOF
		if rerr != nil && !done {
			return n, rerr
		}
		carry = carry[:0]
		for off := 0; ; {
			i := bytes.IndexByte(chunk[off:], '<')
			if i < 0 {
				break
			}
			i += off
			if !done && len(chunk)-i < 64 {
				carry = append(carry, chunk[i:]...)
				break
			}
			end := i + 1
			for end < len(chunk) && end < i+64 && !isNameEnd(chunk[end]) {
				end++
			}
			name := chunk[i+1 : end]
			if k := bytes.IndexByte(name, ':'); k >= 0 {
				name = name[k+1:]
			}
			if string(name) == "si" {
				if n++; n > limit {
					return n, nil
				}
			}
			off = i + 1
		}
		if done {
			return n, nil
		}
	}
}

func isNameEnd(c byte) bool {
	return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\r' || c == '\n'
}

// sheetParts maps each sheet's name to its part in the archive, through the workbook's
// relationships. A sheet it cannot place is left out.
func sheetParts(zr *zip.Reader) map[string]string {
	out := map[string]string{}
	read := func(name string) []byte {
		for _, f := range zr.File {
			if strings.EqualFold(f.Name, name) && f.UncompressedSize64 < 16<<20 {
				rc, err := f.Open()
				if err != nil {
					return nil
				}
				defer rc.Close()
				b, _ := io.ReadAll(rc)
				return b
			}
		}
		return nil
	}
	type rel struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	}
	var rels struct {
		Rels []rel `xml:"Relationship"`
	}
	wb := "xl/workbook.xml"
	if xml.Unmarshal(read("_rels/.rels"), &rels) == nil {
		for _, r := range rels.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wb = strings.TrimPrefix(path.Clean("/"+r.Target), "/")
			}
		}
	}
	var book struct {
		Sheets []struct {
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	rels.Rels = nil
	if xml.Unmarshal(read(wb), &book) != nil || xml.Unmarshal(read(path.Join(path.Dir(wb), "_rels", path.Base(wb)+".rels")), &rels) != nil {
		return out
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(path.Clean(t), "/")
		} else {
			t = path.Join(path.Dir(wb), t)
		}
		targets[r.ID] = t
	}
	for _, s := range book.Sheets {
		var name, id string
		for _, a := range s.Attrs {
			switch {
			case a.Name.Local == "name" && a.Name.Space == "":
				name = a.Value
			case a.Name.Local == "id" && a.Name.Space != "":
				id = a.Value
			}
		}
		if t, ok := targets[id]; ok && name != "" {
			out[name] = t
		}
	}
	return out
}
