package api

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/casereview/casereview/internal/casereview"
)

// publisher turns counts into published figures. Internal outputs show every count; shareable
// ones apply statistical disclosure control (internal/casereview/summary_sdc.go).
type publisher struct {
	shareable bool
	threshold int
}

func (p publisher) fig(n int, s casereview.Suppression) SummaryFigure {
	if !p.shareable || s == casereview.Shown {
		return SummaryFigure{Count: &n, Display: strconv.Itoa(n)}
	}
	why := SummaryFigureSuppressed(s.String())
	return SummaryFigure{Display: casereview.Display(n, s, p.threshold), Suppressed: &why}
}

// each publishes a count that no published total includes: small counts alone are hidden.
func (p publisher) each(n int) SummaryFigure {
	if !p.shareable {
		return p.fig(n, casereview.Shown)
	}
	return p.fig(n, casereview.ProtectEach([]int{n}, p.threshold)[0])
}

// vector decides the suppression of a one-way table whose total is published.
func (p publisher) vector(values []int) ([]casereview.Suppression, casereview.Suppression, error) {
	total := 0
	for _, v := range values {
		total += v
	}
	if !p.shareable {
		return make([]casereview.Suppression, len(values)), casereview.Shown, nil
	}
	return casereview.ProtectVector(values, total, p.threshold)
}

func valueOut(v casereview.Value) SummaryValue { return SummaryValue{Key: v.Key, Label: v.Label} }

// shared publishes a tally under the cell key method: perturbed, and hidden below the threshold.
func (p publisher) shared(t casereview.Tally) SummaryFigure {
	f := casereview.Share(t, p.threshold)
	if f.Suppressed {
		why := SummaryFigureSuppressed(casereview.Primary.String())
		return SummaryFigure{Display: f.Display(p.threshold), Suppressed: &why}
	}
	return SummaryFigure{Count: &f.Count, Display: f.Display(p.threshold)}
}

// crossTabOut publishes a cross-tab. Shareable, every cell, margin and total is published under
// the cell key method (casereview/cellkey.go): each perturbed from its own records' keys, so the
// margins are not the sums of the cells and nothing hidden follows by subtraction, within the
// table or against another request.
func crossTabOut(t casereview.CrossTab, p publisher) (SummaryCrossTab, error) {
	if p.shareable {
		return sharedCrossTabOut(t, p), nil
	}
	return protectedCrossTabOut(t, p)
}

func sharedCrossTabOut(t casereview.CrossTab, p publisher) SummaryCrossTab {
	R, C := len(t.RowValues), len(t.ColValues)
	out := SummaryCrossTab{Rows: string(t.Rows), Cols: string(t.Cols), RowValues: []SummaryValue{}, ColValues: []SummaryValue{},
		Cells: [][]SummaryFigure{}, RowTotals: []SummaryFigure{}, ColTotals: []SummaryFigure{}, Total: p.shared(t.Tally(R, C)),
		Recommendations: p.shared(casereview.Tally{N: t.Recommendations, KeySum: t.RecommendationsKey})}
	for i, v := range t.RowValues {
		out.RowValues = append(out.RowValues, valueOut(v))
		row := make([]SummaryFigure, C)
		for j := range t.ColValues {
			row[j] = p.shared(t.Tally(i, j))
		}
		out.Cells = append(out.Cells, row)
		out.RowTotals = append(out.RowTotals, p.shared(t.Tally(i, C)))
	}
	for j, v := range t.ColValues {
		out.ColValues = append(out.ColValues, valueOut(v))
		out.ColTotals = append(out.ColTotals, p.shared(t.Tally(R, j)))
	}
	return out
}

func protectedCrossTabOut(t casereview.CrossTab, p publisher) (SummaryCrossTab, error) {
	sup := casereview.TableSuppression{Cells: make([][]casereview.Suppression, len(t.RowValues)),
		RowTotals: make([]casereview.Suppression, len(t.RowValues)), ColTotals: make([]casereview.Suppression, len(t.ColValues))}
	for i := range sup.Cells {
		sup.Cells[i] = make([]casereview.Suppression, len(t.ColValues))
	}
	if p.shareable {
		var err error
		if sup, err = casereview.ProtectTable(t.Counts, t.RowTotals, t.ColTotals, t.Total, p.threshold); err != nil {
			return SummaryCrossTab{}, err
		}
	}
	out := SummaryCrossTab{Rows: string(t.Rows), Cols: string(t.Cols), RowValues: []SummaryValue{}, ColValues: []SummaryValue{},
		Cells: [][]SummaryFigure{}, RowTotals: []SummaryFigure{}, ColTotals: []SummaryFigure{}, Total: p.fig(t.Total, sup.Total)}
	for i, v := range t.RowValues {
		out.RowValues = append(out.RowValues, valueOut(v))
		row := make([]SummaryFigure, len(t.ColValues))
		for j := range t.ColValues {
			row[j] = p.fig(t.Counts[i][j], sup.Cells[i][j])
		}
		out.Cells = append(out.Cells, row)
		out.RowTotals = append(out.RowTotals, p.fig(t.RowTotals[i], sup.RowTotals[i]))
	}
	for j, v := range t.ColValues {
		out.ColValues = append(out.ColValues, valueOut(v))
		out.ColTotals = append(out.ColTotals, p.fig(t.ColTotals[j], sup.ColTotals[j]))
	}
	// With single-valued dimensions the distinct count is the grand total and shares its fate.
	if t.Rows.MultiValued() || t.Cols.MultiValued() {
		out.Recommendations = p.each(t.Recommendations)
	} else {
		out.Recommendations = p.fig(t.Recommendations, sup.Total)
	}
	return out, nil
}

func organisationsOut(rows []casereview.OrganisationFigures, p publisher) []SummaryOrganisationRow {
	out := make([]SummaryOrganisationRow, 0, len(rows))
	for _, r := range rows {
		o := SummaryOrganisationRow{Key: r.Key, Name: r.Name, Addressed: p.each(r.Addressed), Responded: p.each(r.Responded),
			Accepted: p.each(r.Accepted), InProgress: p.each(r.InProgress), VerifiedClosed: p.each(r.VerifiedClosed), Overdue: p.each(r.Overdue)}
		if p.shareable { // under the cell key method: each figure from its records' keys
			t := r.Tallies()
			o.Addressed, o.Responded, o.Accepted = p.shared(t[0]), p.shared(t[1]), p.shared(t[2])
			o.InProgress, o.VerifiedClosed, o.Overdue = p.shared(t[3]), p.shared(t[4]), p.shared(t[5])
		}
		if r.Sector != "" {
			sector := r.Sector
			o.Sector = &sector
		}
		// A median of fewer measurements than the threshold could describe one case.
		if r.MedianResponse != nil && (!p.shareable || len(r.ResponseDays) >= p.threshold) {
			v := float32(*r.MedianResponse)
			o.MedianDaysToResponse = &v
		}
		if r.MedianClosure != nil && (!p.shareable || len(r.ClosureDays) >= p.threshold) {
			v := float32(*r.MedianClosure)
			o.MedianDaysToClosure = &v
		}
		if !p.shareable {
			nr, nc := len(r.ResponseDays), len(r.ClosureDays)
			o.ResponsesMeasured, o.ClosuresMeasured = &nr, &nc
		}
		out = append(out, o)
	}
	return out
}

// pairsOut publishes theme pairs. Shareable, under the cell key method: each pair's count
// perturbed from its records' keys, and the lift worked out from published figures only (the
// perturbed pair count, the perturbed counts of each theme and of every recommendation counted,
// n), so that it gives no exact count away.
func pairsOut(pairs []casereview.ThemePair, p publisher, n casereview.Tally) []SummaryThemePair {
	out := make([]SummaryThemePair, 0, len(pairs))
	if p.shareable {
		pn := n.Published()
		for _, x := range pairs {
			f := p.shared(casereview.Tally{N: x.Count, KeySum: x.KeySum})
			o := SummaryThemePair{A: valueOut(x.A), B: valueOut(x.B), Count: f}
			pa, pb := casereview.Tally{N: x.CountA, KeySum: x.KeySumA}.Published(), casereview.Tally{N: x.CountB, KeySum: x.KeySumB}.Published()
			if f.Count != nil && *f.Count == 0 {
				continue // listed with 0, a pair would say that it occurs
			}
			if f.Count != nil && pa > 0 && pb > 0 && pn > 0 {
				lift := float32(casereview.Lift(*f.Count, pa, pb, pn))
				o.Lift = &lift
			}
			out = append(out, o)
		}
		// In the order of the published figures: the true counts' order would tell which of two
		// pairs with the same published count is truly the larger.
		slices.SortStableFunc(out, func(x, y SummaryThemePair) int {
			xc, yc := -1, -1 // suppressed ones after every shown count
			if x.Count.Count != nil {
				xc = *x.Count.Count
			}
			if y.Count.Count != nil {
				yc = *y.Count.Count
			}
			if c := cmp.Compare(yc, xc); c != 0 {
				return c
			}
			var xl, yl float32
			if x.Lift != nil {
				xl = *x.Lift
			}
			if y.Lift != nil {
				yl = *y.Lift
			}
			if c := cmp.Compare(yl, xl); c != 0 {
				return c
			}
			if c := cmp.Compare(x.A.Key, y.A.Key); c != 0 {
				return c
			}
			return cmp.Compare(x.B.Key, y.B.Key)
		})
		return out
	}
	for _, x := range pairs {
		f := p.each(x.Count)
		o := SummaryThemePair{A: valueOut(x.A), B: valueOut(x.B), Count: f}
		if f.Count != nil { // the lift with the themes' counts would give a hidden count away
			lift := float32(x.Lift)
			o.Lift = &lift
		}
		out = append(out, o)
	}
	return out
}

// trendsOut publishes the rows by year and the totals of issued, closed and verified closed.
// hideIssuedTotal, when set, hides the issued total whatever the table alone would allow (the
// document shares that total with its headline).
func trendsOut(rows []casereview.TrendRow, p publisher, hideIssuedTotal *casereview.Suppression) ([]SummaryTrendRow, [3]SummaryFigure, error) {
	if p.shareable {
		items, totals := sharedTrendsOut(rows, p)
		if hideIssuedTotal != nil && *hideIssuedTotal != casereview.Shown {
			why := SummaryFigureSuppressed(hideIssuedTotal.String())
			totals[0] = SummaryFigure{Display: casereview.Display(0, *hideIssuedTotal, p.threshold), Suppressed: &why}
		}
		return items, totals, nil
	}
	var cols [3][]int
	for _, r := range rows {
		cols[0], cols[1], cols[2] = append(cols[0], r.Issued), append(cols[1], r.Closed), append(cols[2], r.VerifiedClosed)
	}
	var sups [3][]casereview.Suppression
	var totals [3]SummaryFigure
	for k := range cols {
		s, ts, err := p.vector(cols[k])
		if err != nil {
			return nil, totals, err
		}
		if k == 0 && hideIssuedTotal != nil {
			ts = max(ts, *hideIssuedTotal)
		}
		sum := 0
		for _, v := range cols[k] {
			sum += v
		}
		sups[k], totals[k] = s, p.fig(sum, ts)
	}
	out := make([]SummaryTrendRow, len(rows))
	for i, r := range rows {
		out[i] = SummaryTrendRow{Year: r.Year, Issued: p.fig(r.Issued, sups[0][i]), Closed: p.fig(r.Closed, sups[1][i]),
			VerifiedClosed: p.fig(r.VerifiedClosed, sups[2][i])}
	}
	return out, totals, nil
}

// sharedTrendsOut publishes each year's figures and the totals under the cell key method. The
// issued total counts the same recommendations as a cross-tab's grand total over the same
// filters, so the two publish the same figure.
func sharedTrendsOut(rows []casereview.TrendRow, p publisher) ([]SummaryTrendRow, [3]SummaryFigure) {
	var sums [3]casereview.Tally
	out := make([]SummaryTrendRow, len(rows))
	for i, r := range rows {
		t := r.Tallies()
		for k := range sums {
			sums[k] = sums[k].Add(t[k])
		}
		out[i] = SummaryTrendRow{Year: r.Year, Issued: p.shared(t[0]), Closed: p.shared(t[1]), VerifiedClosed: p.shared(t[2])}
	}
	return out, [3]SummaryFigure{p.shared(sums[0]), p.shared(sums[1]), p.shared(sums[2])}
}

func recRefOut(r casereview.Recommendation, ref, typ, reviewTitle string) SummaryRecommendationRef {
	out := SummaryRecommendationRef{RecommendationId: r.ID, ReviewId: r.ReviewID, ReviewReference: ref, ReviewType: typ, Number: r.Number,
		Title: r.Title, IssuedOn: r.IssuedOn.String(), ResponseStatus: string(r.ResponseStatus), ImplementationStatus: string(r.ImplementationStatus),
		OversightStatus: string(r.OversightStatus), ResponseDue: casereview.FormatDate(r.ResponseDue), LastUpdate: casereview.FormatDate(r.LastActivityOn),
		Flags: []string{}}
	if reviewTitle != "" {
		out.ReviewTitle = &reviewTitle
	}
	for _, f := range r.Flags {
		out.Flags = append(out.Flags, string(f))
	}
	as := []SummaryAddressee{}
	for _, a := range r.Addressees {
		as = append(as, SummaryAddressee{OrganisationId: a.OrganisationID, OrganisationName: a.OrganisationName, Role: string(a.Role),
			NotifiedOn: casereview.FormatDate(a.NotifiedOn), AcknowledgedOn: casereview.FormatDate(a.AcknowledgedOn), ResponseStatus: string(a.ResponseStatus)})
	}
	out.Addressees = &as
	return out
}
