package web

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strconv"

	"github.com/casereview/casereview/internal/casereview"
)

// The explorer's other views (explore.go): theme pairs, trends by year, organisations or sectors,
// and the national register, and the options of the filter panel.

// filterOptions are the choices of the filter panel; the page marks the chosen ones from the
// address (Page.Checked), so a search's filters show as chosen.
type filterOptions struct {
	Themes, Types, Partnerships            []option
	Organisations                          []optionGroup
	ThemeGroups, Sectors, Scopes           []option
	Responses, Implementations, Oversights []option
}

func (h *Handler) filterOptions(ctx context.Context, form summaryForm) (filterOptions, error) {
	var o filterOptions
	themes, _, err := h.svc.ListThemes(ctx, "")
	if err != nil {
		return o, err
	}
	for _, t := range themes {
		o.Themes = append(o.Themes, option{Value: t.Code, Text: t.Code + " " + t.Label})
	}
	types, err := h.svc.ListReviewTypes(ctx)
	if err != nil {
		return o, err
	}
	for _, t := range types {
		o.Types = append(o.Types, option{Value: t.Code, Text: t.Label})
	}
	parts, err := h.allPartnerships(ctx)
	if err != nil {
		return o, err
	}
	slices.SortStableFunc(parts, func(a, b casereview.Partnership) int { return cmp.Compare(a.Name, b.Name) })
	for _, p := range parts {
		o.Partnerships = append(o.Partnerships, option{Value: p.ID, Text: p.Name})
	}
	if o.Organisations, err = h.organisationGroups(ctx); err != nil {
		return o, err
	}
	for _, g := range []string{"A", "B", "C"} {
		o.ThemeGroups = append(o.ThemeGroups, option{Value: g, Text: themeGroupLabels[g]})
	}
	o.Sectors = enumOptions(casereview.Sectors)
	o.Scopes = enumOptions(casereview.Scopes)
	o.Responses = enumOptions(casereview.ResponseStatuses)
	o.Implementations = enumOptions(casereview.ImplementationStatuses)
	o.Oversights = enumOptions(casereview.OversightStatuses)
	return o, nil
}

func enumOptions[T ~string](vs []T) []option {
	out := make([]option, len(vs))
	for i, v := range vs {
		out[i] = option{Value: string(v), Text: label(v)}
	}
	return out
}

// pairsView is the theme pairs, sorted by count or by lift, those under a minimum count left out.
type pairsView struct {
	Sort, Min       string
	Items           []pairLine
	Total, Shown    int
	Recommendations figure
}

type pairLine struct {
	A, B  casereview.Value
	Count figure
	Lift  string // "" when the count is hidden: with the themes' counts it would give it away
}

// maxPairsShown bounds the pairs the page lists.
const maxPairsShown = 200

func (h *Handler) pairsView(ctx context.Context, form summaryForm, q url.Values, threshold int) (*pairsView, error) {
	v := &pairsView{Sort: "count", Min: q.Get("min")}
	if q.Get("sort") == "lift" {
		v.Sort = "lift"
	}
	min := 1
	if v.Min != "" {
		n, err := strconv.Atoi(v.Min)
		if err != nil || n < 1 {
			return nil, casereview.Invalid("min", casereview.FieldInvalid, "the minimum count must be a whole number, 1 or more")
		}
		min = n
	}
	pairs, n, err := h.sums.SummaryThemePairs(ctx, form.Filter)
	if err != nil {
		return nil, err
	}
	v.Recommendations = form.eachFigure(n, threshold)
	if form.Shareable() {
		// As the API publishes them (api/summaries_out.go pairsOut): under the cell key method,
		// each count perturbed from its records' keys and the lift from published figures, and the
		// minimum and the order applied to what is published, not to the true counts.
		pop, err := h.sums.SummaryPopulation(ctx, form.Filter)
		if err != nil {
			return nil, err
		}
		all := casereview.Tally{N: n, KeySum: pop.MatchedKeySum}
		v.Recommendations = shared(all, threshold)
		pn := all.Published()
		for i := range pairs {
			x := &pairs[i]
			x.Count = casereview.Tally{N: x.Count, KeySum: x.KeySum}.Published()
			x.CountA = casereview.Tally{N: x.CountA, KeySum: x.KeySumA}.Published()
			x.CountB = casereview.Tally{N: x.CountB, KeySum: x.KeySumB}.Published()
			x.Lift = 0
			if x.CountA > 0 && x.CountB > 0 && pn > 0 {
				x.Lift = float64(float32(casereview.Lift(x.Count, x.CountA, x.CountB, pn)))
			}
		}
	}
	pairs = slices.DeleteFunc(pairs, func(p casereview.ThemePair) bool { return p.Count < min })
	if v.Sort == "lift" {
		slices.SortStableFunc(pairs, func(a, b casereview.ThemePair) int { return cmp.Compare(b.Lift, a.Lift) })
	} else {
		slices.SortStableFunc(pairs, func(a, b casereview.ThemePair) int { return cmp.Compare(b.Count, a.Count) })
	}
	v.Total = len(pairs)
	for _, p := range pairs {
		if len(v.Items) == maxPairsShown {
			break
		}
		l := pairLine{A: p.A, B: p.B, Count: form.eachFigure(p.Count, threshold)}
		if form.Shareable() { // p.Count is already the published count
			l.Count = figure{Text: strconv.Itoa(p.Count), N: p.Count}
			if p.Count >= 1 && p.Count < threshold {
				l.Count = figure{Text: "<" + strconv.Itoa(threshold), Hidden: true}
			}
		}
		if !l.Count.Hidden {
			l.Lift = strconv.FormatFloat(p.Lift, 'f', 2, 64)
		}
		v.Items = append(v.Items, l)
	}
	v.Shown = len(v.Items)
	return v, nil
}

// trendsView is the figures by year, with a chart of the recommendations issued each year.
type trendsView struct {
	Rows   []trendLine
	Totals trendLine
	Chart  *barChart
}

type trendLine struct {
	Year                           string
	Issued, Closed, VerifiedClosed figure
}

func (h *Handler) trendsView(ctx context.Context, form summaryForm, threshold int) (*trendsView, error) {
	rows, err := h.sums.SummaryTrends(ctx, form.Filter)
	if err != nil {
		return nil, err
	}
	v := &trendsView{Rows: make([]trendLine, len(rows)), Totals: trendLine{Year: "All years"}}
	columns := []struct {
		pick func(casereview.TrendRow) int
		set  func(*trendLine, figure)
	}{
		{func(r casereview.TrendRow) int { return r.Issued }, func(l *trendLine, f figure) { l.Issued = f }},
		{func(r casereview.TrendRow) int { return r.Closed }, func(l *trendLine, f figure) { l.Closed = f }},
		{func(r casereview.TrendRow) int { return r.VerifiedClosed }, func(l *trendLine, f figure) { l.VerifiedClosed = f }},
	}
	for i, r := range rows {
		v.Rows[i].Year = strconv.Itoa(r.Year)
	}
	// Shareable, every figure under the cell key method, as the API publishes them.
	if form.Shareable() {
		var sums [3]casereview.Tally
		for i, r := range rows {
			t := r.Tallies()
			for k, col := range columns {
				sums[k] = sums[k].Add(t[k])
				col.set(&v.Rows[i], shared(t[k], threshold))
			}
		}
		for k, col := range columns {
			col.set(&v.Totals, shared(sums[k], threshold))
		}
	}
	// Each column is a one-way table whose total is published: protected as a vector.
	for _, col := range columns {
		if form.Shareable() {
			break
		}
		vals, total := make([]int, len(rows)), 0
		for i, r := range rows {
			vals[i] = col.pick(r)
			total += vals[i]
		}
		sup, tsup := make([]casereview.Suppression, len(rows)), casereview.Shown
		if form.Shareable() {
			if sup, tsup, err = casereview.ProtectVector(vals, total, threshold); err != nil {
				return nil, err
			}
		}
		for i := range rows {
			col.set(&v.Rows[i], publish(vals[i], sup[i], threshold))
		}
		col.set(&v.Totals, publish(total, tsup, threshold))
	}
	if len(rows) > 0 {
		labels, figs := make([]string, len(rows)), make([]figure, len(rows))
		for i, r := range v.Rows {
			labels[i], figs[i] = r.Year, r.Issued
		}
		ch := newBarChart("trends-chart", "Recommendations issued each year", "“Figures by year”", labels, figs)
		v.Chart = &ch
	}
	return v, nil
}

// orgsView is the figures of each organisation or each sector, by name.
type orgsView struct {
	BySector bool
	Rows     []orgFigures
}

type orgFigures struct {
	Key, Name, Sector                                                   string
	Addressed, Responded, Accepted, InProgress, VerifiedClosed, Overdue figure
}

func (h *Handler) orgsView(ctx context.Context, form summaryForm, bySector bool, threshold int) (*orgsView, error) {
	rows, err := h.sums.SummaryOrganisations(ctx, form.Filter, bySector)
	if err != nil {
		return nil, err
	}
	v := &orgsView{BySector: bySector}
	for _, r := range rows {
		l := orgFigures{Key: r.Key, Name: r.Name, Addressed: form.eachFigure(r.Addressed, threshold),
			Responded: form.eachFigure(r.Responded, threshold), Accepted: form.eachFigure(r.Accepted, threshold),
			InProgress: form.eachFigure(r.InProgress, threshold), VerifiedClosed: form.eachFigure(r.VerifiedClosed, threshold),
			Overdue: form.eachFigure(r.Overdue, threshold)}
		if form.Shareable() { // as the API: each figure under the cell key method
			t := r.Tallies()
			l.Addressed, l.Responded, l.Accepted = shared(t[0], threshold), shared(t[1], threshold), shared(t[2], threshold)
			l.InProgress, l.VerifiedClosed, l.Overdue = shared(t[3], threshold), shared(t[4], threshold), shared(t[5], threshold)
		}
		if bySector {
			l.Name = label(r.Key) // the sector's name, not its code
		} else if r.Sector != "" {
			l.Sector = label(r.Sector)
		}
		v.Rows = append(v.Rows, l)
	}
	return v, nil
}

// nationalView is the register of national recommendations.
type nationalView struct {
	Items     []casereview.NationalEntry
	Truncated bool
}

func (h *Handler) nationalView(ctx context.Context, form summaryForm) (*nationalView, error) {
	items, cut, err := h.sums.SummaryNational(ctx, form.Filter)
	if err != nil {
		return nil, err
	}
	return &nationalView{Items: items, Truncated: cut}, nil
}
