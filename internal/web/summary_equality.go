package web

import (
	"context"
	"slices"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/report"
)

// The thematic summary's section by protected characteristic (issue 15 §2: the thematic summary
// offers the equality dimensions to oversight): the cross-tab the explorer shows by a subject
// dimension (equality_rows, a characteristic of the people at the centre of reviews) and any
// other dimension (equality_cols; oversight, the default, gives closure; theme_group, themes).
// Offered to those who may see figures by protected characteristic (casereview.CanUseEquality);
// the store refuses it to anyone else and narrows a panel member's to their own partnerships.
// The builder counts internally, so the table shows every count, as its other sections do.

const (
	equalitySection     = "equality"
	defaultEqualityRows = "subject_minoritised"
	defaultEqualityCols = casereview.DimOversight
)

// summaryDefaultSections are the sections a new summary (and the dashboard's link to the
// builder) starts with: every one but the figures by protected characteristic, which are asked
// for, never added by default.
func summaryDefaultSections() []string {
	var out []string
	for _, s := range summarySections {
		if s.Key != equalitySection {
			out = append(out, s.Key)
		}
	}
	return out
}

// summarySectionsFor are the sections offered to the caller in ctx.
func summarySectionsFor(ctx context.Context) []struct{ Key, Name string } {
	if casereview.CanUseEquality(casereview.ActorFrom(ctx)) {
		return summarySections
	}
	return slices.DeleteFunc(slices.Clone(summarySections), func(s struct{ Key, Name string }) bool { return s.Key == equalitySection })
}

// readEqualityChoice reads the section's dimensions into d (when the section is chosen).
func (d *summaryDef) readEqualityChoice(rows, cols string) []FieldProblem {
	if !d.has(equalitySection) {
		return nil
	}
	d.EqualityRows, d.EqualityCols = defaultEqualityRows, defaultEqualityCols
	if rows != "" {
		d.EqualityRows = casereview.Dimension(rows)
	}
	if cols != "" {
		d.EqualityCols = casereview.Dimension(cols)
	}
	var probs []FieldProblem
	if !d.EqualityRows.BySubject() {
		probs = append(probs, FieldProblem{"equality_rows", "Choose a characteristic from the list"})
	}
	switch {
	case !slices.Contains(casereview.Dimensions, d.EqualityCols):
		probs = append(probs, FieldProblem{"equality_cols", "Choose what to count it against from the list"})
	case d.EqualityCols == d.EqualityRows:
		probs = append(probs, FieldProblem{"equality_cols", "Choose something other than the characteristic itself"})
	}
	return probs
}

// equalityTable counts the section's cross-tab (nil when it is not chosen). Problems with the
// table (too many cells) are reported at the section's fields.
func (h *Handler) equalityTable(ctx context.Context, def summaryDef) (*casereview.CrossTab, []FieldProblem, error) {
	if !def.has(equalitySection) {
		return nil, nil, nil
	}
	t, err := h.sums.SummaryCrossTab(ctx, def.Form.Filter, casereview.CrossTabRequest{Rows: def.EqualityRows, Cols: def.EqualityCols})
	if err != nil {
		probs := summaryProblems(err)
		for i := range probs {
			if probs[i].Field == "cols" || probs[i].Field == "rows" {
				probs[i].Field = "equality_" + probs[i].Field
			}
		}
		if probs == nil {
			return nil, nil, err
		}
		return nil, probs, nil
	}
	return &t, nil, nil
}

// equalityReportTable lays the section's cross-tab out with its totals, every count shown.
func equalityReportTable(t casereview.CrossTab, threshold int) (report.Table, string) {
	ct, _ := publishCrossTab(t, false, threshold)
	out := crossReportTable(ct, "By "+lower(ct.RowName))
	note := "By " + lower(ct.RowName) + ": a recommendation counts under the value of each victim, child or adult at risk in its review (never perpetrators), and under not recorded when none is recorded."
	return out, note
}

// crossReportTable lays a published cross-tab out as one table with its totals.
func crossReportTable(ct *crossTable, name string) report.Table {
	t := report.Table{Name: name, Caption: ct.RowName + " by " + lower(ct.ColName), Columns: append(append([]string{ct.RowName}, ct.Cols...), "Total")}
	for _, r := range ct.Rows {
		row := []report.Cell{report.Text(r.Label)}
		for _, f := range r.Cells {
			row = append(row, figCell(f))
		}
		t.Rows = append(t.Rows, append(row, figCell(r.Total)))
	}
	total := []report.Cell{report.Text("Total")}
	for _, f := range ct.ColTotals {
		total = append(total, figCell(f))
	}
	t.Rows = append(t.Rows, append(total, figCell(ct.Total)))
	return t
}
