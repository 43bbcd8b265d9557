package web

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/report"
)

// The explorer's views as CSV and XLSX (issue 12 §2: "download … any summary"): the same figures
// as the page, under the same disclosure control (a hidden figure is written as the page shows
// it, never as its number), written by the API's writers (internal/report). Every download is
// audited, as the summaries' downloads are when they count restricted reviews: the explorer does
// not know whether they do, so it always records.

func (h *Handler) exploreDownload(c *gin.Context) {
	form, probs, ok := h.reportingFilter(c)
	if !ok {
		return
	}
	q := c.Request.URL.Query()
	format := q.Get("format")
	if format != "csv" && format != "xlsx" {
		h.fail(c, casereview.Invalid("format", casereview.FieldUnknownValue, "format must be csv or xlsx"))
		return
	}
	if len(probs) > 0 {
		h.fail(c, casereview.Invalid(probs[0].Field, casereview.FieldInvalid, "%s", probs[0].Message))
		return
	}
	ctx := c.Request.Context()
	d := h.exploreChoices(form, q, casereview.CanUseEquality(casereview.ActorFrom(ctx)))
	if err := h.exploreFigures(ctx, d, q); err != nil {
		h.fail(c, err)
		return
	}
	detail := map[string]any{"format": format, "disclosure": form.Disclosure, "as_of": form.Filter.AsOf.String(),
		"view": d.View, "definition": form.Values.Encode()}
	h.sendDownload(c, exploreReport(d, h.now()), format, "explore."+d.View, "explore-"+d.View+"-"+form.Filter.AsOf.String(), detail)
}

// sendDownload writes doc as format (csv or xlsx), records the export as kind.format with
// detail (summary.exported), and sends it as name.format.
func (h *Handler) sendDownload(c *gin.Context, doc report.Document, format, kind, name string, detail map[string]any) {
	var b bytes.Buffer
	var err error
	ctype := "text/csv; charset=utf-8"
	if format == "csv" {
		err = report.WriteCSV(&b, doc)
	} else {
		err = report.WriteXLSX(&b, doc)
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.sums.AuditSummaryExport(c.Request.Context(), kind+"."+format, detail); err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + format}))
	c.Data(http.StatusOK, ctype, b.Bytes())
}

// figCell writes a published figure: its number when shown, its marker when hidden.
func figCell(f figure) report.Cell {
	if f.Hidden {
		return report.Text(f.Text)
	}
	return report.Int(f.N)
}

// exploreReport lays the view out as one table.
func exploreReport(d *exploreData, now time.Time) report.Document {
	out := report.Document{Title: "Explore the figures", Generated: now}
	out.Notes = append(out.Notes, "Figures as of "+d.Form.Filter.AsOf.String()+".")
	if v := d.Form.Values.Encode(); v != "" {
		out.Notes = append(out.Notes, "Filters: "+v)
	}
	if d.Form.Shareable() {
		out.Notes = append(out.Notes, "To share: small counts, and those that would reveal them, are hidden ("+strconv.Itoa(d.Threshold)+" or more shown).")
	} else {
		out.Notes = append(out.Notes, "For oversight use: every count is shown.")
	}
	switch {
	case d.Table != nil:
		ct := d.Table
		t := crossReportTable(ct, "Cross-tab")
		if ct.Multi {
			out.Notes = append(out.Notes, "A recommendation can be counted in several rows or columns; "+ct.Recommendations.Text+" recommendations in all.")
		}
		out.Tables = append(out.Tables, t)
	case d.Pairs != nil:
		t := report.Table{Name: "Theme pairs", Caption: "Sorted by " + d.Pairs.Sort, Columns: []string{"Theme", "With theme", "Recommendations", "Lift"}}
		for _, p := range d.Pairs.Items {
			t.Rows = append(t.Rows, []report.Cell{report.Text(p.A.Label), report.Text(p.B.Label), figCell(p.Count), report.Text(p.Lift)})
		}
		out.Tables = append(out.Tables, t)
	case d.Trends != nil:
		t := report.Table{Name: "By year", Columns: []string{"Year", "Issued", "Closed", "Closed as verified"}}
		for _, r := range append(d.Trends.Rows, d.Trends.Totals) {
			t.Rows = append(t.Rows, []report.Cell{report.Text(r.Year), figCell(r.Issued), figCell(r.Closed), figCell(r.VerifiedClosed)})
		}
		out.Tables = append(out.Tables, t)
	case d.Orgs != nil:
		name, first := "By organisation", "Organisation"
		if d.Orgs.BySector {
			name, first = "By sector", "Sector"
		}
		t := report.Table{Name: name, Columns: []string{first, "Sector", "Addressed", "Responded", "Accepted", "In progress", "Closed as verified", "Overdue"}}
		for _, o := range d.Orgs.Rows {
			t.Rows = append(t.Rows, []report.Cell{report.Text(o.Name), report.Text(o.Sector), figCell(o.Addressed), figCell(o.Responded),
				figCell(o.Accepted), figCell(o.InProgress), figCell(o.VerifiedClosed), figCell(o.Overdue)})
		}
		out.Tables = append(out.Tables, t)
	case d.National != nil:
		t := report.Table{Name: "National register", Columns: []string{"Review", "Type", "Number", "Recommendation", "Issued",
			"Addressees", "Acknowledged", "Response", "Implementation", "Oversight"}}
		if d.National.Truncated {
			t.Caption = "The first rows only: narrow the filters to see every recommendation"
		}
		for _, e := range d.National.Items {
			r := e.Recommendation
			t.Rows = append(t.Rows, []report.Cell{report.Text(e.ReviewRef), report.Text(e.ReviewType), report.Text(r.Number),
				report.Text(strings.TrimSpace(r.Text)), report.Text(r.IssuedOn.String()), report.Int(e.Addressees), report.Int(e.Acknowledged),
				report.Text(label(r.ResponseStatus)), report.Text(label(r.ImplementationStatus)), report.Text(label(r.OversightStatus))})
		}
		out.Tables = append(out.Tables, t)
	}
	return out
}
