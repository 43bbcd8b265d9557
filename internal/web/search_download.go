package web

import (
	"bytes"
	"encoding/csv"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer/actionplan"
)

// A search's results as a spreadsheet: /search.csv and /search.xlsx take the search page's
// address (its query string) and run the same search as the same person, so a download holds
// exactly the results they may read. At most maxSearchDownload rows; a cut download says so in
// its last row. Each download is audited as an export (data.exported), as action-plan
// downloads are.

const searchDownloadPage = 100

var maxSearchDownload = 1000 // a variable only so that a test can cut a short download

var searchColumns = []string{"Review reference", "Review type", "Recommendation", "Title", "Text", "Scope", "Addressed to",
	"Response", "Implementation", "Oversight", "Themes", "Flags", "Issued", "Link"}

func (h *Handler) searchDownload(c *gin.Context, format string) {
	ctx := c.Request.Context()
	if h.o.Search == nil {
		h.fail(c, &casereview.Error{Code: casereview.CodeUnavailable, Message: "Search is not running."})
		return
	}
	form := readSearchForm(c.Request.URL.Query())
	form.Cursor, form.Prev = "", nil
	params := form.params()
	size := searchDownloadPage
	params.Limit = &size
	var recs []casereview.Recommendation
	total, cut := 0, false
	for {
		found, err := h.o.Search.Find(ctx, params)
		if err != nil {
			h.fail(c, err)
			return
		}
		total = int(found.Total)
		for _, m := range found.Items {
			if len(recs) == maxSearchDownload {
				cut = true
				break
			}
			recs = append(recs, m.Recommendation)
		}
		if cut || found.NextCursor == "" {
			break
		}
		if len(recs) == maxSearchDownload {
			cut = true
			break
		}
		params.Cursor = found.NextCursor
	}
	reviews, err := h.reviewsOf(ctx, recs)
	if err != nil {
		h.fail(c, err)
		return
	}
	rows := [][]string{searchColumns}
	base := "https://" + c.Request.Host
	if c.Request.TLS == nil && !strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https") {
		base = "http://" + c.Request.Host
	}
	for _, r := range recs {
		rv := reviews[r.ReviewID]
		var themes []string
		for _, t := range r.Themes {
			themes = append(themes, t.Label)
		}
		var flags []string
		for _, f := range r.Flags {
			flags = append(flags, label(f))
		}
		rows = append(rows, []string{rv.Reference, label(rv.Type), r.Number, r.Title, r.Text, label(r.Scope),
			strings.Join(addresseeNames(r), "; "), label(r.ResponseStatus), label(r.ImplementationStatus), label(r.OversightStatus),
			strings.Join(themes, "; "), strings.Join(flags, "; "), r.IssuedOn.String(), base + "/recommendations/" + r.ID})
	}
	if cut {
		note := make([]string, len(searchColumns)) // as wide as the rest, for programs that read it
		note[0] = "The download holds the first " + plural(maxSearchDownload, "result", "results") + " of " +
			plural(total, "result", "results") + ": narrow the search to get the rest."
		rows = append(rows, note)
	}
	var buf bytes.Buffer
	ctype, name := "text/csv; charset=utf-8", "search-results.csv"
	if format == "xlsx" {
		ctype, name = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "search-results.xlsx"
		if err := writeSearchXLSX(&buf, rows); err != nil {
			h.fail(c, err)
			return
		}
	} else {
		w := csv.NewWriter(&buf)
		for _, row := range rows {
			for i := range row {
				row[i] = actionplan.Neutralise(row[i])
			}
			_ = w.Write(row)
		}
		w.Flush()
	}
	if err := h.svc.Audit(ctx, casereview.AuditExport, "search", "search", map[string]any{"format": "search." + format,
		"query": form.values().Encode(), "rows": len(recs), "cut": cut}); err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Data(http.StatusOK, ctype, buf.Bytes())
}

func writeSearchXLSX(buf *bytes.Buffer, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Results"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(buf)
}
