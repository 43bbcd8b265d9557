package web

import (
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/report"
)

// The thematic summary builder's document as tables (report.Document): the printable page shows
// them and the CSV and XLSX downloads write them with the API's writers (internal/report), so
// the three always agree. The builder is for oversight and counts internally (every count shown).

// summarySections are the parts of the document an officer may choose, in the order shown.
var summarySections = []struct{ Key, Name string }{
	{"headline", "Headline figures"}, {"response", "Responses"}, {"implementation", "Implementation"},
	{"oversight", "Oversight"}, {"organisations", "By organisation"}, {"trends", "By year"},
	{"pairs", "Co-occurring themes"}, {equalitySection, "By protected characteristic (people at the centre of the review)"},
	{"list", "List of recommendations"},
}

// summaryListColumns are the list table's column headings.
var summaryListColumns = []string{"Review", "Type", "Number", "Recommendation", "Addressees", "Response",
	"Implementation", "Oversight", "Issued"}

// comparisonRow is one headline figure in both periods.
type comparisonRow struct {
	ID, Name       string
	This, Previous int
	Change         string // "up 3", "down 1", "no change"
}

func headlineFigures(h casereview.Headline) []struct {
	id, name string
	n        int
} {
	return []struct {
		id, name string
		n        int
	}{
		{"recommendations", "Recommendations", h.Recommendations}, {"reviews", "Reviews", h.Reviews},
		{"organisations", "Organisations addressed", h.Organisations}, {"responded", "Responded", h.Responded},
		{"accepted", "Accepted (in full, in part or by an alternative)", h.Accepted},
		{"in-progress", "Implementation in progress", h.InProgress}, {"verified", "Closed as verified", h.VerifiedClosed},
		{"overdue", "Overdue (response or action)", h.Overdue},
	}
}

// compareHeadlines sets this period's headline beside the previous period's.
func compareHeadlines(this, prev casereview.Headline) []comparisonRow {
	a, b := headlineFigures(this), headlineFigures(prev)
	out := make([]comparisonRow, len(a))
	for i := range a {
		out[i] = comparisonRow{ID: a[i].id, Name: a[i].name, This: a[i].n, Previous: b[i].n,
			Change: trendWords(figure{N: a[i].n}, figure{N: b[i].n})}
	}
	return out
}

// summaryReport lays the document out as tables, keeping only the chosen sections.
// eq is the section by protected characteristic (summary_equality.go), nil when not chosen.
func summaryReport(def summaryDef, d casereview.ThematicSummary, cmp []comparisonRow, eq *casereview.CrossTab, now time.Time) report.Document {
	out := report.Document{Title: def.Title, Generated: now}
	out.Notes = append(out.Notes, "Period: "+def.Period.Label+".", "Figures as of "+def.Form.Filter.AsOf.String()+".")
	if len(cmp) > 0 {
		out.Notes = append(out.Notes, "Compared with the previous period: "+def.Previous.Label+".")
	}
	if def.Findings != "" {
		out.Notes = append(out.Notes, "Key findings: "+def.Findings)
	}
	out.Notes = append(out.Notes, "For oversight use: every count is shown.")
	on := func(k string) bool { return def.has(k) }
	if on("headline") {
		t := report.Table{Name: "Headline", Columns: []string{"Figure", "Count"}}
		for _, f := range headlineFigures(d.Headline) {
			t.Rows = append(t.Rows, []report.Cell{report.Text(f.name), report.Int(f.n)})
		}
		out.Tables = append(out.Tables, t)
	}
	if len(cmp) > 0 {
		t := report.Table{Name: "Comparison", Caption: def.Period.Label + " compared with " + def.Previous.Label,
			Columns: []string{"Figure", "This period", "Previous period", "Change"}}
		for _, r := range cmp {
			t.Rows = append(t.Rows, []report.Cell{report.Text(r.Name), report.Int(r.This), report.Int(r.Previous), report.Text(r.Change)})
		}
		out.Tables = append(out.Tables, t)
	}
	for _, l := range []struct {
		key, name string
		rows      []casereview.Count
	}{{"response", "Responses", d.Response}, {"implementation", "Implementation", d.Implementation}, {"oversight", "Oversight", d.Oversight}} {
		if !on(l.key) {
			continue
		}
		t := report.Table{Name: l.name, Columns: []string{"Status", "Count"}}
		for _, c := range l.rows {
			t.Rows = append(t.Rows, []report.Cell{report.Text(c.Value.Label), report.Int(c.N)})
		}
		out.Tables = append(out.Tables, t)
	}
	if on("organisations") {
		t := report.Table{Name: "By organisation", Columns: []string{"Organisation", "Sector", "Addressed", "Responded", "Accepted",
			"In progress", "Closed as verified", "Overdue"}}
		for _, o := range d.Organisations {
			t.Rows = append(t.Rows, []report.Cell{report.Text(o.Name), report.Text(o.Sector), report.Int(o.Addressed), report.Int(o.Responded),
				report.Int(o.Accepted), report.Int(o.InProgress), report.Int(o.VerifiedClosed), report.Int(o.Overdue)})
		}
		out.Tables = append(out.Tables, t)
	}
	if on("trends") {
		t := report.Table{Name: "By year", Columns: []string{"Year", "Issued", "Closed", "Closed as verified"}}
		for _, y := range d.Trends {
			t.Rows = append(t.Rows, []report.Cell{report.Int(y.Year), report.Int(y.Issued), report.Int(y.Closed), report.Int(y.VerifiedClosed)})
		}
		out.Tables = append(out.Tables, t)
	}
	if on("pairs") {
		t := report.Table{Name: "Co-occurring themes", Caption: "Lift above 1: the themes occur together more often than chance",
			Columns: []string{"Theme", "With theme", "Recommendations", "Lift"}}
		for i, p := range d.Pairs {
			if i == maxSummaryPairs {
				break
			}
			t.Rows = append(t.Rows, []report.Cell{report.Text(p.A.Label), report.Text(p.B.Label), report.Int(p.Count), report.Float(p.Lift)})
		}
		out.Tables = append(out.Tables, t)
	}
	if on(equalitySection) && eq != nil {
		t, note := equalityReportTable(*eq, casereview.DefaultSDCThreshold)
		out.Tables = append(out.Tables, t)
		out.Notes = append(out.Notes, note)
	}
	if on("list") {
		t := report.Table{Name: "Recommendations", Columns: summaryListColumns}
		if d.Truncated {
			t.Caption = "The first rows only: narrow the filters to see every recommendation"
		}
		for _, it := range d.Items {
			r := it.Recommendation
			var names []string
			for _, a := range r.Addressees {
				names = append(names, a.OrganisationName+" ("+string(a.Role)+")")
			}
			text := strings.TrimSpace(r.Text)
			if r.Title != "" {
				text = r.Title + ": " + text
			}
			t.Rows = append(t.Rows, []report.Cell{report.Text(it.ReviewRef), report.Text(it.ReviewType), report.Text(r.Number), report.Text(text),
				report.Text(strings.Join(names, "; ")), report.Text(label(r.ResponseStatus)),
				report.Text(label(r.ImplementationStatus)), report.Text(label(r.OversightStatus)), report.Text(r.IssuedOn.String())})
		}
		out.Tables = append(out.Tables, t)
	}
	return out
}

const maxSummaryPairs = 20
