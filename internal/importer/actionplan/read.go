package actionplan

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/casereview/casereview/internal/casereview"
)

// Plan is an action plan as read from a file, before organisations are matched.
type Plan struct {
	Sheet           string
	Meta            map[string]string // review details: reference, title, type, partnership, published, ...
	Columns         map[Column]int    // the columns the header row names, by index
	Recommendations []Recommendation
}

// Recommendation is one recommendation of the plan with the action rows under it.
type Recommendation struct {
	Row      int
	Number   string
	Text     string
	Scope    casereview.Scope
	ScopeRaw string
	Lead     string // the lead-agency cell of a recommendation row that has no action
	Actions  []Action
}

// Action is one action row.
type Action struct {
	Row         int
	Description string
	Lead        string
	Owner       string
	Milestones  string
	Target      *casereview.Date
	Completion  Completion
}

// Read reads an action plan from a CSV or XLSX file, telling them apart by content, not name.
// Every problem is in the report; the plan is usable only when the report has no errors.
func Read(name string, data []byte, lim Limits) (Plan, Report) {
	var rep Report
	sheet := filepath.Base(name)
	switch {
	case len(data) == 0:
		rep.Errorf(sheet, 0, "", "upload a CSV or XLSX action plan", "the file is empty")
	case lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes:
		rep.Errorf(sheet, 0, "", "split the plan or remove embedded images", "the file is %d bytes; the limit is %d", len(data), lim.MaxBytes)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(sheet, data, lim)
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0")):
		rep.Errorf(sheet, 0, "", "open it in Excel and save it as .xlsx or .csv", "this is an old binary Excel (.xls) or Word file, which cannot be read")
	case bytes.HasPrefix(data, []byte("%PDF")):
		rep.Errorf(sheet, 0, "", "copy the action plan table into a spreadsheet and save it as .xlsx or .csv", "this is a PDF, not a spreadsheet")
	case utf16Order(data) != nil:
		return readCSV(sheet, data, lim)
	case bytes.IndexByte(data, 0) >= 0:
		rep.Errorf(sheet, 0, "", "upload a CSV or XLSX action plan", "this is not a CSV or XLSX file (it holds binary data)")
	default:
		return readCSV(sheet, data, lim)
	}
	return Plan{Sheet: sheet}, rep
}

func readCSV(sheet string, data []byte, lim Limits) (Plan, Report) {
	var rep Report
	data, enc := decodeText(data)
	if enc != "" && enc != "UTF-16" {
		// Excel on Windows saves CSV as Windows-1252; read it as that rather than refuse.
		rep.Warnf(sheet, 0, "", "save as \"CSV UTF-8\" next time", "the file is not UTF-8; it was read as %s", enc)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		rep.Errorf(sheet, 0, "", "upload a CSV or XLSX action plan", "this is not a CSV or XLSX file (it holds binary data)")
		return Plan{Sheet: sheet}, rep
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.Comma = sniffDelimiter(data)
	var rows [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := r.FieldPos(0)
			rep.Errorf(sheet, line, "", "check the quoting around this line", "the CSV cannot be read here: %v", err)
			return Plan{Sheet: sheet}, rep
		}
		if lim.MaxRows > 0 && len(rows) >= lim.MaxRows {
			rep.Errorf(sheet, 0, "", "split the plan into one file per review", "the file has more than %d rows", lim.MaxRows)
			return Plan{Sheet: sheet}, rep
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, rec)
		lines = append(lines, line)
	}
	p := parseGrid(sheet, rows, lines, lim, &rep)
	return p, rep
}

// sniffDelimiter picks the separator the first line uses most: comma, semicolon or tab.
func sniffDelimiter(data []byte) rune {
	first := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		first = data[:i]
	}
	best, n := ',', bytes.Count(first, []byte{','})
	for _, d := range []rune{';', '\t'} {
		if c := bytes.Count(first, []byte(string(d))); c > n {
			best, n = d, c
		}
	}
	return best
}

var reLeadingNumber = regexp.MustCompile(`^\s*(?:(?i:recommendation|rec)\.?\s*)?(?:no\.?\s*)?([A-Za-z]?\d{1,3}(?:\.\d{1,3})*[a-z]?)(?:[.):\-–]\s*|\s+)(\S[\s\S]*)$`)

var reOnlyNumber = regexp.MustCompile(`^\s*(?:(?i:recommendation|rec)\.?\s*)?(?:no\.?\s*)?([A-Za-z]?\d{1,3}(?:\.\d{1,3})*[a-z]?)[.):]?\s*$`)

// splitNumber takes the number a recommendation cell opens with ("3.", "Recommendation 4:",
// "R2 -", "3a)"), keeping the number as printed.
func splitNumber(text string) (string, string) {
	if m := reOnlyNumber.FindStringSubmatch(text); m != nil {
		return m[1], ""
	}
	if m := reLeadingNumber.FindStringSubmatch(text); m != nil {
		return strings.TrimSuffix(m[1], "."), strings.TrimSpace(m[2])
	}
	return "", text
}

// cleanCell tidies a cell: Excel's escaped carriage returns go, surrounding space goes, and
// the apostrophe the writer puts before a leading = + - @ (to stop formula injection) is removed.
func cleanCell(s string) string {
	s = strings.ReplaceAll(s, "_x000D_", "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimSpace(s)
	if len(s) > 1 && s[0] == '\'' && reFormulaStart.MatchString(s[1:]) {
		s = strings.TrimSpace(s[1:])
	}
	return s
}

// parseGrid reads the rows of one sheet. lines gives each row's number as shown to people.
func parseGrid(sheet string, rows [][]string, lines []int, lim Limits, rep *Report) Plan {
	p := Plan{Sheet: sheet, Meta: map[string]string{}}
	for i := range rows {
		for j := range rows[i] {
			if lim.MaxCellChars > 0 && utf8.RuneCountInString(rows[i][j]) > lim.MaxCellChars {
				rep.Errorf(sheet, lines[i], "", "shorten the cell", "a cell is longer than %d characters", lim.MaxCellChars)
				rows[i][j] = ""
			}
			rows[i][j] = cleanCell(rows[i][j])
		}
	}
	hdr, cols := findHeader(rows, headerScan)
	if hdr < 0 {
		if allEmpty(rows) {
			rep.Errorf(sheet, 0, "", "upload a filled-in action plan", "the sheet has no data")
		} else {
			rep.Errorf(sheet, 0, "", fmt.Sprintf("head the columns %s", quoteCols(TemplateColumns)),
				"no header row found in the first 30 rows: it needs at least the columns %s", quoteCols(required))
		}
		return p
	}
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			rep.Errorf(sheet, lines[hdr], string(c), fmt.Sprintf("add a column headed %q, or rename the column that holds it", string(c)),
				"the required column %q is missing", string(c))
		}
	}
	for _, c := range []Column{ColScope, ColTarget, ColCompletion} {
		if _, ok := cols[c]; !ok && !(c == ColCompletion && (has(cols, ColCompletionDate) || has(cols, ColOutcome))) {
			rep.Warnf(sheet, lines[hdr], string(c), "", "there is no %q column; it is left empty", string(c))
		}
	}
	if !has(cols, ColRecommendation) {
		return p // the rows cannot be told apart: nothing more to read
	}
	// With another required column missing the rows are still read, so that their own
	// problems are reported in the same pass; the plan is not imported.
	p.Columns = cols
	readMeta(rows[:hdr], p.Meta)
	if t := titleRow(rows[:hdr]); t != "" {
		p.Meta["title_row"] = t
	}

	cell := func(row []string, c Column) string {
		if i, ok := cols[c]; ok && i < len(row) {
			return row[i]
		}
		return ""
	}
	numbered := map[string]int{}
	var cur *Recommendation
	auto := 0
	var autoRows []int
	footer := false
	for i := hdr + 1; i < len(rows); i++ {
		row, line := rows[i], lines[i]
		if allEmpty([][]string{row}) {
			continue
		}
		recText, num := cell(row, ColRecommendation), cell(row, ColNumber)
		planRow := cell(row, ColAction) != "" && cell(row, ColLead) != "" // an action with its lead is never a footer
		if cur != nil && (footer || footerStart(row) && !planRow) {
			if n, _ := splitNumber(recText); !footer || (num == "" && n == "") || cell(row, ColAction) == "" {
				footer = true
				rep.Warnf(sheet, line, "", "", "skipped: the row is part of the key, notes or sign-off below the plan, not a recommendation")
				continue
			}
			footer = false // a numbered recommendation with an action: the plan goes on
		}
		if recText != "" || num != "" {
			n, text := strings.TrimRight(num, ".):"), recText
			if n == "" {
				n, text = splitNumber(recText)
			} else if pn, rest := splitNumber(recText); pn == n {
				text = rest
			}
			same := cur != nil && (text == cur.Text || text == "") && (n == "" || n == cur.Number)
			if !same {
				p.Recommendations = append(p.Recommendations, Recommendation{Row: line, Number: n, Text: text})
				cur = &p.Recommendations[len(p.Recommendations)-1]
				if text == "" {
					rep.Errorf(sheet, line, string(ColRecommendation), "copy the recommendation's wording into this cell", "recommendation %s has no text", n)
				}
				if n == "" {
					auto++
					cur.Number = fmt.Sprint(len(p.Recommendations))
					autoRows = append(autoRows, line)
					rep.Warnf(sheet, line, string(ColRecommendation), "put the number as printed in the report at the start of the cell",
						"the recommendation has no number; it was numbered %s by its position", cur.Number)
				}
				if prev, dup := numbered[cur.Number]; dup {
					rep.Errorf(sheet, line, string(ColRecommendation), "give each recommendation its own number as printed",
						"recommendation number %s is already used on row %d", cur.Number, prev)
				}
				numbered[cur.Number] = line
				cur.ScopeRaw = cell(row, ColScope)
				cur.Scope = parseScope(cur.ScopeRaw)
				if cur.ScopeRaw != "" && cur.Scope == "" {
					rep.Errorf(sheet, line, string(ColScope), "write local, regional or national", "scope %q is not local, regional or national", cur.ScopeRaw)
				} else if cur.ScopeRaw == "" {
					cur.Scope = casereview.Scope("local")
					if _, ok := cols[ColScope]; ok {
						rep.Warnf(sheet, line, string(ColScope), "write local, regional or national", "no scope given; taken as local")
					}
				}
			}
		}
		desc := cell(row, ColAction)
		lead := cell(row, ColLead)
		if cur == nil {
			rep.Errorf(sheet, line, string(ColAction), "put the recommendation in the first row of its actions", "an action row comes before any recommendation")
			continue
		}
		if desc == "" {
			if lead != "" && len(cur.Actions) == 0 {
				cur.Lead = lead
			}
			if has(cols, ColAction) && (cell(row, ColTarget) != "" || cell(row, ColCompletion) != "" || cell(row, ColMilestones) != "") {
				rep.Errorf(sheet, line, string(ColAction), "describe the action, or clear the row", "the row has dates or milestones but no action")
			}
			continue
		}
		a := Action{Row: line, Description: desc, Lead: lead, Owner: cell(row, ColOwner), Milestones: cell(row, ColMilestones)}
		if lead == "" && has(cols, ColLead) {
			rep.Errorf(sheet, line, string(ColLead), "name the agency that leads this action", "the action has no lead agency")
		}
		if t := cell(row, ColTarget); t != "" {
			if d, ok := ParseUKDate(t); ok {
				a.Target = &d
			} else if !IsNoDate(t) {
				rep.Errorf(sheet, line, string(ColTarget), "write the date as dd/mm/yyyy, e.g. 31/03/2025", "target date %q cannot be read (cell %s)", t, cellRef(cols[ColTarget], line))
			}
		}
		comp := cell(row, ColCompletion)
		if cd := cell(row, ColCompletionDate); cd != "" {
			comp = strings.TrimSpace(cd + " " + cell(row, ColOutcome))
			if _, ok := ParseUKDate(cd); !ok && !IsNoDate(cd) {
				rep.Errorf(sheet, line, string(ColCompletionDate), "write the date as dd/mm/yyyy", "completion date %q cannot be read (cell %s)", cd, cellRef(cols[ColCompletionDate], line))
			}
		} else if o := cell(row, ColOutcome); o != "" {
			comp = strings.TrimSpace(comp + "\n" + o)
		}
		a.Completion = ParseCompletion(comp)
		cur.Actions = append(cur.Actions, a)
	}
	if len(p.Recommendations) == 0 {
		rep.Errorf(sheet, lines[hdr], "", "add the recommendations under the header row", "the plan has a header row but no recommendations")
	}
	if auto > 0 && auto < len(p.Recommendations) {
		// Numbering by position is safe only when no recommendation has a number of its own.
		for _, row := range autoRows {
			rep.Errorf(sheet, row, string(ColRecommendation), "put the number as printed in the report at the start of the cell",
				"the recommendation has no number, while others in the plan do")
		}
	}
	return p
}

func has(m map[Column]int, c Column) bool { _, ok := m[c]; return ok }

func parseScope(s string) casereview.Scope {
	l := strings.ToLower(s)
	var hits []string
	for _, w := range []string{"local", "regional", "national"} {
		if strings.Contains(l, w) {
			hits = append(hits, w)
		}
	}
	if len(hits) == 1 {
		return casereview.Scope(hits[0])
	}
	return ""
}

func allEmpty(rows [][]string) bool {
	for _, r := range rows {
		for _, c := range r {
			if strings.TrimSpace(c) != "" {
				return false
			}
		}
	}
	return true
}

func quoteCols(cs []Column) string {
	q := make([]string, len(cs))
	for i, c := range cs {
		q[i] = fmt.Sprintf("%q", string(c))
	}
	return strings.Join(q, ", ")
}

// metaKeys maps the labels plans use for review details to Meta keys.
var metaKeys = map[string]string{"review reference": "reference", "reference": "reference", "ref": "reference", "review ref": "reference",
	"title": "title", "review title": "title", "review": "title", "pseudonym": "title", "name of review": "title",
	"type": "type", "review type": "type", "partnership": "partnership", "commissioning partnership": "partnership", "csp": "partnership",
	"community safety partnership": "partnership", "published": "published", "date published": "published", "publication date": "published",
	"commissioned": "commissioned", "date commissioned": "commissioned", "status": "status", "visibility": "visibility",
	"summary": "summary", "report url": "report_url", "url": "report_url", "link to report": "report_url"}

// readMeta takes "Label: value" pairs from rows (the rows above the header, or a details
// sheet): the first two non-empty cells of a row, or one cell "Label: value".
func readMeta(rows [][]string, meta map[string]string) {
	for _, r := range rows {
		var cells []string
		for _, c := range r {
			if c != "" {
				cells = append(cells, c)
			}
		}
		var k, v string
		switch {
		case len(cells) >= 2:
			k, v = cells[0], cells[1]
		case len(cells) == 1 && strings.Contains(cells[0], ":"):
			k, v, _ = strings.Cut(cells[0], ":")
		default:
			continue
		}
		if key, ok := metaKeys[normHeader(k)]; ok && strings.TrimSpace(v) != "" {
			if _, set := meta[key]; !set {
				meta[key] = strings.TrimSpace(v)
			}
		}
	}
}
