package api

import (
	"fmt"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/report"
)

// reportOf lays the published document out as tables for the CSV, XLSX and HTML writers. It
// reads only the published figures, so a download never shows more than the JSON does.
func reportOf(d SummaryDocument, now time.Time) report.Document {
	fig := func(f SummaryFigure) report.Cell {
		if f.Count != nil {
			return report.Int(*f.Count)
		}
		return report.Text(f.Display)
	}
	num := func(v *float32) report.Cell {
		if v == nil {
			return report.Text("")
		}
		return report.Float(float64(*v))
	}
	out := report.Document{Title: d.Title, Generated: now}
	out.Notes = append(out.Notes, "Figures as of "+d.Meta.AsOf+".")
	if d.Meta.Query != nil {
		out.Notes = append(out.Notes, "Query: "+*d.Meta.Query)
	}
	if d.Meta.Disclosure == "shareable" {
		out.Notes = append(out.Notes, fmt.Sprintf("Prepared for sharing: counts from 1 to %d are shown as <%d, and %s marks a count hidden so that a small one cannot be worked out from the totals. The list of recommendations is left out.",
			d.Meta.Threshold-1, d.Meta.Threshold, "[c]"))
	} else {
		out.Notes = append(out.Notes, "For oversight use: every count is shown. Ask for disclosure=shareable before sharing it more widely.")
	}
	h := d.Headline
	out.Tables = append(out.Tables, report.Table{Name: "Headline", Columns: []string{"Figure", "Count"}, Rows: [][]report.Cell{
		{report.Text("Recommendations"), fig(h.Recommendations)}, {report.Text("Reviews"), fig(h.Reviews)},
		{report.Text("Organisations addressed"), fig(h.Organisations)}, {report.Text("Responded"), fig(h.Responded)},
		{report.Text("Accepted (in full, in part or by an alternative)"), fig(h.Accepted)},
		{report.Text("Implementation in progress"), fig(h.InProgress)}, {report.Text("Closed as verified"), fig(h.VerifiedClosed)},
		{report.Text("Overdue (response or action)"), fig(h.Overdue)}}})
	status := report.Table{Name: "Status", Caption: "Each recommendation once in each layer", Columns: []string{"Layer", "Status", "Count"}}
	for _, l := range []struct {
		name string
		rows []SummaryCount
	}{{"Response", d.Response}, {"Implementation", d.Implementation}, {"Oversight", d.Oversight}} {
		for _, c := range l.rows {
			status.Rows = append(status.Rows, []report.Cell{report.Text(l.name), report.Text(c.Value.Label), fig(c.Count)})
		}
	}
	out.Tables = append(out.Tables, status)
	orgs := report.Table{Name: "By organisation", Columns: []string{"Organisation", "Sector", "Addressed", "Responded", "Accepted", "In progress",
		"Closed as verified", "Overdue", "Median days to response", "Median days to verified closure"}}
	for _, o := range d.Organisations {
		orgs.Rows = append(orgs.Rows, []report.Cell{report.Text(o.Name), report.Text(deref(o.Sector)), fig(o.Addressed), fig(o.Responded),
			fig(o.Accepted), fig(o.InProgress), fig(o.VerifiedClosed), fig(o.Overdue), num(o.MedianDaysToResponse), num(o.MedianDaysToClosure)})
	}
	out.Tables = append(out.Tables, orgs)
	years := report.Table{Name: "By year", Columns: []string{"Year", "Issued", "Closed", "Closed as verified"}}
	for _, y := range d.Trends {
		years.Rows = append(years.Rows, []report.Cell{report.Int(y.Year), fig(y.Issued), fig(y.Closed), fig(y.VerifiedClosed)})
	}
	out.Tables = append(out.Tables, years)
	pairs := report.Table{Name: "Co-occurring themes", Caption: "Lift above 1: the themes occur together more often than chance", Columns: []string{"Theme", "With theme", "Recommendations", "Lift"}}
	for _, p := range d.ThemePairs {
		pairs.Rows = append(pairs.Rows, []report.Cell{report.Text(p.A.Label), report.Text(p.B.Label), fig(p.Count), num(p.Lift)})
	}
	out.Tables = append(out.Tables, pairs)
	if d.Meta.Disclosure != "shareable" {
		recs := report.Table{Name: "Recommendations", Columns: []string{"Review", "Type", "Review title", "Number", "Recommendation", "Addressees",
			"Response", "Implementation", "Oversight", "Issued", "Last update"}}
		if d.Truncated {
			recs.Caption = "The first rows only: narrow the filters to see every recommendation"
		}
		for _, it := range d.Items {
			var names []string
			if it.Addressees != nil {
				for _, a := range *it.Addressees {
					names = append(names, a.OrganisationName+" ("+a.Role+")")
				}
			}
			recs.Rows = append(recs.Rows, []report.Cell{report.Text(it.ReviewReference), report.Text(it.ReviewType), report.Text(deref(it.ReviewTitle)),
				report.Text(it.Number), report.Text(it.Title), report.Text(strings.Join(names, "; ")), report.Text(it.ResponseStatus),
				report.Text(it.ImplementationStatus), report.Text(it.OversightStatus), report.Text(it.IssuedOn), report.Text(deref(it.LastUpdate))})
		}
		out.Tables = append(out.Tables, recs)
	}
	return out
}
