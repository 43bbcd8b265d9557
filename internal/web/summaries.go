package web

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/report"
)

// The thematic summary builder (issue 12 item 1): an oversight officer names a summary, chooses
// a period (dates or a financial year, optionally compared with the period before it of the same
// length), the filters of the reporting pages (summary_form.go), writes the key findings and
// chooses the sections. The whole definition travels in the address, so /summaries/view is a
// printable page that can be bookmarked, downloaded as CSV or XLSX, and saved to run again
// (summaries_saved.go). The figures are casereview.SummaryService's SummaryDocument.

func (h *Handler) summaryRoutes(r gin.IRoutes) {
	r.GET("/summaries/new", h.summaryNew)
	r.GET("/summaries/view", h.summaryView)
	r.GET("/summaries/download", h.summaryDownload)
}

const (
	maxSummaryTitle    = 200
	maxSummaryFindings = 5000
)

// summaryDefNames are the builder's own parameters (beside the filters).
var summaryDefNames = []string{"title", "findings", "fy", "from-day", "from-month", "from-year", "to-day", "to-month", "to-year", "compare", "section",
	"equality_rows", "equality_cols"}

// period is a span of issue dates; either end may be open.
type period struct {
	From, To *casereview.Date
	Label    string
}

// summaryDef is a summary's definition as the address states it.
type summaryDef struct {
	Title, Findings  string
	Sections         []string
	Compare          bool
	Period, Previous period
	Form             summaryForm
	Query            url.Values // the definition's parameters, to link to it again
	// The section by protected characteristic: a subject dimension against another
	// (summary_equality.go).
	EqualityRows, EqualityCols casereview.Dimension
}

func (d summaryDef) has(section string) bool { return slices.Contains(d.Sections, section) }

// href is path with the whole definition.
func (d summaryDef) href(path string) string {
	if len(d.Query) == 0 {
		return path
	}
	return path + "?" + d.Query.Encode()
}

func financialYear(y int) period {
	from, to := casereview.Date{Year: y, Month: 4, Day: 1}, casereview.Date{Year: y + 1, Month: 3, Day: 31}
	return period{From: &from, To: &to, Label: fmt.Sprintf("financial year %d to %d (1 April %d to 31 March %d)", y, y+1, y, y+1)}
}

func datesLabel(from, to *casereview.Date) string {
	switch {
	case from != nil && to != nil:
		return longDate(*from) + " to " + longDate(*to)
	case from != nil:
		return "from " + longDate(*from)
	case to != nil:
		return "up to " + longDate(*to)
	}
	return "all years"
}

// previousPeriod is the period of the same length that ends the day before from: whole months
// (1 January to 31 March) give the same months before (1 October to 31 December), anything else
// the same number of days.
func previousPeriod(from, to casereview.Date) (casereview.Date, casereview.Date) {
	pto := from.AddDays(-1)
	if next := to.AddDays(1); from.Day == 1 && next.Day == 1 {
		months := (next.Year-from.Year)*12 + int(next.Month) - int(from.Month)
		return casereview.DateOf(from.Time().AddDate(0, -months, 0)), pto
	}
	days := int(to.Time().Sub(from.Time()).Hours() / 24)
	return pto.AddDays(-days), pto
}

func longDate(d casereview.Date) string { return d.Time().Format("2 January 2006") }

// readSummaryDef reads a definition from the address; problems are reported at their fields.
func readSummaryDef(q url.Values, asOf casereview.Date) (summaryDef, []FieldProblem) {
	form, probs := readSummaryForm(q, asOf)
	d := summaryDef{Title: strings.TrimSpace(q.Get("title")), Findings: strings.TrimSpace(strings.ReplaceAll(q.Get("findings"), "\r\n", "\n")),
		Compare: q.Get("compare") != "", Form: form, Query: url.Values{}}
	for _, n := range summaryDefNames {
		for _, v := range q[n] {
			if strings.TrimSpace(v) != "" {
				d.Query.Add(n, v)
			}
		}
	}
	for k, vs := range form.Values {
		d.Query[k] = slices.Clone(vs)
	}
	switch n := utf8.RuneCountInString(d.Title); {
	case n == 0:
		probs = append(probs, FieldProblem{"title", "Enter a title"})
	case n > maxSummaryTitle:
		probs = append(probs, FieldProblem{"title", fmt.Sprintf("The title must be %d characters or fewer", maxSummaryTitle)})
	}
	if utf8.RuneCountInString(d.Findings) > maxSummaryFindings {
		probs = append(probs, FieldProblem{"findings", fmt.Sprintf("The key findings must be %d characters or fewer", maxSummaryFindings)})
	}
	for _, s := range q["section"] {
		if !slices.ContainsFunc(summarySections, func(x struct{ Key, Name string }) bool { return x.Key == s }) {
			probs = append(probs, FieldProblem{"section", "Choose sections from the list"})
			break
		}
		if !slices.Contains(d.Sections, s) {
			d.Sections = append(d.Sections, s)
		}
	}
	if len(d.Sections) == 0 && !slices.ContainsFunc(probs, func(p FieldProblem) bool { return p.Field == "section" }) {
		probs = append(probs, FieldProblem{"section", "Choose at least one section"})
	}
	probs = append(probs, d.readEqualityChoice(strings.TrimSpace(q.Get("equality_rows")), strings.TrimSpace(q.Get("equality_cols")))...)
	from, pf := postedDate(q, "from", "The start date")
	to, pt := postedDate(q, "to", "The end date")
	for _, p := range []*FieldProblem{pf, pt} {
		if p != nil {
			probs = append(probs, *p)
		}
	}
	fy := strings.TrimSpace(q.Get("fy"))
	switch {
	case fy != "" && (from != nil || to != nil):
		probs = append(probs, FieldProblem{"fy", "Choose a financial year or dates, not both"})
	case fy != "":
		y, err := strconv.Atoi(fy)
		if err != nil || y < casereview.MinYear || y >= casereview.MaxYear {
			probs = append(probs, FieldProblem{"fy", "Choose a financial year from the list"})
			break
		}
		d.Period, d.Previous = financialYear(y), financialYear(y-1)
	default:
		if from != nil && to != nil && to.Before(*from) {
			probs = append(probs, FieldProblem{"to", "The end date must be the same as or after the start date"})
			break
		}
		d.Period = period{From: from, To: to, Label: datesLabel(from, to)}
		if from != nil && to != nil {
			pfrom, pto := previousPeriod(*from, *to)
			d.Previous = period{From: &pfrom, To: &pto, Label: datesLabel(&pfrom, &pto)}
		}
	}
	if d.Compare && d.Previous.From == nil && !slices.ContainsFunc(probs, func(p FieldProblem) bool { return p.Field == "fy" || p.Field == "to" }) {
		probs = append(probs, FieldProblem{"compare", "To compare with the previous period, choose a financial year or both a start and an end date"})
	}
	d.Form.Filter.IssuedFrom, d.Form.Filter.IssuedTo = d.Period.From, d.Period.To
	return d, probs
}

type summaryNewData struct {
	Panel    filterPanel
	Years    []int
	Sections []struct{ Key, Name string }
	Form     summaryForm
	// The section by protected characteristic's choices (empty when it is not offered).
	EqualityRows, EqualityCols []searchOption
}

type summaryViewData struct {
	Def        summaryDef
	Doc        report.Document
	Comparison []comparisonRow
	CSV, XLSX  string
	SaveQuery  string
	ChangeHref string // the builder with this definition (a whole address: in a template, a query after "?" is escaped again)
}

// summaryReader refuses those who may not report; ok is false when the page has been answered.
func (h *Handler) summaryReader(c *gin.Context) bool {
	if a := casereview.ActorFrom(c.Request.Context()); !casereview.CanUseDashboard(a) {
		h.fail(c, casereview.Deny(a, "only oversight officers, admins and partnership panels build thematic summaries"))
		return false
	}
	return true
}

func (h *Handler) summaryNew(c *gin.Context) {
	if !h.summaryReader(c) {
		return
	}
	q := c.Request.URL.Query()
	if len(q) == 0 { // a new summary: every section but the figures by protected characteristic
		for _, s := range summaryDefaultSections() {
			q.Add("section", s)
		}
	}
	h.renderSummaryForm(c, http.StatusOK, q, nil)
}

func (h *Handler) renderSummaryForm(c *gin.Context, status int, q url.Values, probs []FieldProblem) {
	form, _ := readSummaryForm(q, casereview.DateOf(h.now()))
	d := &summaryNewData{Sections: summarySectionsFor(c.Request.Context()), Form: form}
	if len(d.Sections) == len(summarySections) {
		rows, cols := q.Get("equality_rows"), q.Get("equality_cols")
		if rows == "" {
			rows = defaultEqualityRows
		}
		if cols == "" {
			cols = string(defaultEqualityCols)
		}
		for _, dim := range casereview.Dimensions {
			o := searchOption{Value: string(dim), Label: dimensionNames[dim]}
			if dim.BySubject() {
				o.Selected = string(dim) == rows
				d.EqualityRows = append(d.EqualityRows, o)
			}
			o.Selected = string(dim) == cols
			d.EqualityCols = append(d.EqualityCols, o)
		}
	}
	for y := h.now().Year(); y >= h.now().Year()-12; y-- {
		d.Years = append(d.Years, y)
	}
	opts, err := h.filterOptions(c.Request.Context(), form)
	if err == nil {
		d.Panel, err = h.filterPanel(c.Request.Context(), "/summaries/new", form, opts, q)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Build a thematic summary", d)
	p.Nav, p.Errors, p.Form = "dashboard", probs, q
	h.render(c, status, "summary-new", p)
}

// buildSummary reads the definition and counts; ok is false when the page has been answered
// (with the form and its problems, or an error).
func (h *Handler) buildSummary(c *gin.Context) (summaryDef, casereview.ThematicSummary, []comparisonRow, *casereview.CrossTab, bool) {
	var doc casereview.ThematicSummary
	if !h.summaryReader(c) {
		return summaryDef{}, doc, nil, nil, false
	}
	q := c.Request.URL.Query()
	def, probs := readSummaryDef(q, casereview.DateOf(h.now()))
	a := casereview.ActorFrom(c.Request.Context())
	if !a.IsAdmin() && !a.IsOversight() && len(def.Form.Filter.Partnerships) == 0 {
		def.Form.Filter.Partnerships = a.Partnerships()
	}
	ctx := c.Request.Context()
	var err error
	if len(probs) == 0 {
		if probs, err = h.matchWords(ctx, &def.Form); err != nil {
			h.fail(c, err)
			return def, doc, nil, nil, false
		}
	}
	if len(probs) == 0 {
		if doc, err = h.sums.SummaryDocument(ctx, def.Form.Filter); err != nil {
			probs = summaryProblems(err)
		}
	}
	var eq *casereview.CrossTab
	if len(probs) == 0 && err == nil {
		eq, probs, err = h.equalityTable(ctx, def)
	}
	var cmp []comparisonRow
	if len(probs) == 0 && err == nil && def.Compare {
		f := def.Form.Filter
		f.IssuedFrom, f.IssuedTo = def.Previous.From, def.Previous.To
		prev, err := h.sums.SummaryDocument(ctx, f)
		if err != nil {
			h.fail(c, err)
			return def, doc, nil, nil, false
		}
		cmp = compareHeadlines(doc.Headline, prev.Headline)
	}
	if err != nil && probs == nil {
		h.fail(c, err)
		return def, doc, nil, nil, false
	}
	if len(probs) > 0 {
		h.renderSummaryForm(c, http.StatusUnprocessableEntity, q, probs)
		return def, doc, nil, nil, false
	}
	return def, doc, cmp, eq, true
}

func (h *Handler) summaryView(c *gin.Context) {
	def, doc, cmp, eq, ok := h.buildSummary(c)
	if !ok {
		return
	}
	// Figures over restricted reviews shown in the browser are audited as the explorer's and the
	// API's are (its downloads are audited as exports).
	if doc.RestrictedCount > 0 {
		if err := h.sums.AuditSummaryRead(c.Request.Context(), "thematic.view", map[string]any{"disclosure": casereview.DisclosureInternal,
			"as_of": def.Form.Filter.AsOf.String(), "title": def.Title, "recommendations": doc.Headline.Recommendations,
			"restricted": doc.RestrictedCount, "definition": def.Query.Encode()}); err != nil {
			h.fail(c, err)
			return
		}
	}
	csvQ, xlsxQ := cloneValues(def.Query), cloneValues(def.Query)
	csvQ.Set("format", "csv")
	xlsxQ.Set("format", "xlsx")
	d := &summaryViewData{Def: def, Doc: summaryReport(def, doc, cmp, eq, h.now()), Comparison: cmp,
		CSV: "/summaries/download?" + csvQ.Encode(), XLSX: "/summaries/download?" + xlsxQ.Encode(), SaveQuery: def.Query.Encode(),
		ChangeHref: "/summaries/new?" + def.Query.Encode()}
	p := h.page(c, def.Title, d)
	p.Nav = "dashboard"
	h.render(c, http.StatusOK, "summary-view", p)
}

func (h *Handler) summaryDownload(c *gin.Context) {
	format := c.Query("format")
	if format != "csv" && format != "xlsx" {
		h.fail(c, casereview.Invalid("format", casereview.FieldUnknownValue, "format must be csv or xlsx"))
		return
	}
	def, doc, cmp, eq, ok := h.buildSummary(c)
	if !ok {
		return
	}
	var b bytes.Buffer
	var err error
	ctype := "text/csv; charset=utf-8"
	if format == "csv" {
		err = report.WriteCSV(&b, summaryReport(def, doc, cmp, eq, h.now()))
	} else {
		err = report.WriteXLSX(&b, summaryReport(def, doc, cmp, eq, h.now()))
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	// Like the API's downloads: an export that counts restricted reviews is recorded.
	if doc.RestrictedCount > 0 {
		detail := map[string]any{"format": format, "disclosure": casereview.DisclosureInternal, "as_of": def.Form.Filter.AsOf.String(),
			"title": def.Title, "recommendations": doc.Headline.Recommendations, "restricted": doc.RestrictedCount, "definition": def.Query.Encode()}
		if err := h.sums.AuditSummaryExport(c.Request.Context(), "thematic."+format, detail); err != nil {
			h.fail(c, err)
			return
		}
	}
	name := "thematic-summary-" + def.Form.Filter.AsOf.String() + "." + format
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Data(http.StatusOK, ctype, b.Bytes())
}
