package actionplan

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/casereview/casereview/internal/casereview"
)

// Export is one review's action plan as the writer lays it out.
type Export struct {
	Review          casereview.Review
	PartnershipName string
	Recommendations []casereview.Recommendation
	Actions         map[string][]casereview.Action    // by recommendation id, oldest first
	Milestones      map[string][]casereview.Milestone // by action id, by due date
	OrgNames        map[string]string
}

// exportHeader is the template with a number column in front, so numbers come back exactly.
var exportHeader = append([]string{"No."}, colNames(TemplateColumns)...)

func colNames(cs []Column) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

// Neutralise stops a spreadsheet program treating text as a formula: a cell that starts with
// = + - @ (or a tab or carriage return) gets an apostrophe in front, which the reader removes.
// So does one that starts with apostrophes before such a character, so that text typed with
// its own apostrophe ("'=x") reads back as it was.
func Neutralise(s string) string {
	if reFormulaStart.MatchString(s) {
		return "'" + s
	}
	return s
}

var reFormulaStart = regexp.MustCompile(`^'*[=+\-@\t\r]`)

// numberedText is a recommendation's text as the plan's Recommendation cell holds it. A text
// that opens with what the reader would take for its number ("3 agencies …" for number 3)
// gets the number in front, so that the reader takes off only that.
func numberedText(number, text string) string {
	if n, _ := splitNumber(text); n != "" && n == number {
		return number + ". " + text
	}
	return text
}

// metaRows are the review details written above the plan (CSV) or on their own sheet (XLSX).
func (e Export) metaRows() [][]string {
	rows := [][]string{{"Review reference", e.Review.Reference}, {"Title", e.Review.Title}, {"Type", e.Review.Type},
		{"Partnership", e.PartnershipName}, {"Status", string(e.Review.Status)}}
	if e.Review.PublishedOn != nil {
		rows = append(rows, []string{"Published", FormatUKDate(*e.Review.PublishedOn)})
	}
	return rows
}

// planRows are the plan's rows under the header; span[i] is how many rows recommendation i
// takes (for merging).
func (e Export) planRows() ([][]string, []int) {
	var rows [][]string
	var spans []int
	for _, r := range e.Recommendations {
		acts := e.Actions[r.ID]
		if len(acts) == 0 {
			var leads []string
			for _, a := range r.Addressees {
				leads = append(leads, e.orgName(a.OrganisationID))
			}
			rows = append(rows, []string{r.Number, numberedText(r.Number, r.Text), string(r.Scope), "", strings.Join(leads, " / "), "", "", ""})
			spans = append(spans, 1)
			continue
		}
		for i, a := range acts {
			target := ""
			if a.TargetDate != nil {
				target = FormatUKDate(*a.TargetDate)
			}
			row := []string{"", "", "", a.Description, e.orgName(a.OrganisationID), FormatMilestones(e.Milestones[a.ID]), target, completionCell(a)}
			if i == 0 {
				row[0], row[1], row[2] = r.Number, numberedText(r.Number, r.Text), string(r.Scope)
			}
			rows = append(rows, row)
		}
		spans = append(spans, len(acts))
	}
	for _, row := range rows {
		for j := range row {
			row[j] = Neutralise(row[j])
		}
	}
	return rows, spans
}

func (e Export) orgName(id string) string {
	if n := e.OrgNames[id]; n != "" {
		return n
	}
	return id
}

// completionCell writes an action's status, completion date and outcome so that reading the
// cell back gives the same three.
func completionCell(a casereview.Action) string {
	outcome := ""
	if a.Outcome != nil {
		outcome = *a.Outcome
	}
	with := func(head string) string {
		if outcome == "" {
			return head
		}
		return head + ": " + outcome
	}
	switch a.ImplementationStatus {
	case casereview.ImplPending, casereview.ImplVerified:
		head := "Completed"
		if a.CompletionDate != nil {
			head += " " + FormatUKDate(*a.CompletionDate)
		}
		return with(head)
	case casereview.ImplInProgress:
		return with("In progress")
	case casereview.ImplPlanned:
		return with("Planned")
	case casereview.ImplNotImplemented:
		return with("Not implemented")
	}
	// Not started: a historic note that says no one status is written as it was; anything else
	// gets the explicit opening, so that it does not read back as another status.
	if outcome == "" {
		return ""
	}
	if c := ParseCompletion(outcome); c.Status == "" {
		return outcome
	}
	return with("Not started")
}

// WriteCSV writes the plan as CSV: the review details, a blank line, then the template.
func WriteCSV(w io.Writer, e Export) error {
	cw := csv.NewWriter(w)
	for _, m := range e.metaRows() {
		if err := cw.Write([]string{Neutralise(m[0] + ":"), Neutralise(m[1])}); err != nil {
			return err
		}
	}
	if err := cw.Write([]string{}); err != nil {
		return err
	}
	if err := cw.Write(exportHeader); err != nil {
		return err
	}
	rows, _ := e.planRows()
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the plan as a workbook: the template on the first sheet, with each
// recommendation merged down the rows of its actions, and the review details on a second.
func WriteXLSX(w io.Writer, e Export) error {
	f := excelize.NewFile()
	defer f.Close()
	const plan = "Action plan"
	if err := f.SetSheetName("Sheet1", plan); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(plan)
	if err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	header := make([]any, len(exportHeader))
	for i, h := range exportHeader {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	_ = sw.SetColWidth(1, 1, 6)
	_ = sw.SetColWidth(2, 2, 60)
	_ = sw.SetColWidth(3, 3, 10)
	_ = sw.SetColWidth(4, 4, 50)
	_ = sw.SetColWidth(5, 8, 24)
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	rows, spans := e.planRows()
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = excelize.Cell{StyleID: wrap, Value: v}
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), cells); err != nil {
			return err
		}
	}
	at := 2
	for _, n := range spans {
		if n > 1 {
			for _, col := range []string{"A", "B", "C"} {
				if err := sw.MergeCell(fmt.Sprintf("%s%d", col, at), fmt.Sprintf("%s%d", col, at+n-1)); err != nil {
					return err
				}
			}
		}
		at += n
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	const details = "Review"
	if _, err := f.NewSheet(details); err != nil {
		return err
	}
	for i, m := range e.metaRows() {
		if err := f.SetSheetRow(details, fmt.Sprintf("A%d", i+1), &[]string{Neutralise(m[0]), Neutralise(m[1])}); err != nil {
			return err
		}
	}
	_, err = f.WriteTo(w)
	return err
}
