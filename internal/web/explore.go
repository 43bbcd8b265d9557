package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// The explorer (issue 12 item 1): a cross-tab of any two dimensions with the filters of search
// (the address holds it all, so a search's filters carry over), the table first and a bar chart
// of its row totals beside it; then theme pairs, trends by year, organisations or sectors, and
// the national register, each a view of the same filters. In shareable output the counts are
// published under disclosure control exactly as the summaries API publishes them.

// exploreViews are the explorer's views, in the order of its tabs.
var exploreViews = []struct{ Key, Name string }{
	{"crosstab", "Cross-tab"}, {"pairs", "Theme pairs"}, {"trends", "Trends by year"},
	{"organisations", "Organisations and sectors"}, {"national", "National register"},
}

// dimensionNames names the cross-tab dimensions for people.
var dimensionNames = map[casereview.Dimension]string{
	casereview.DimTheme: "Theme", casereview.DimThemeGroup: "Theme group", casereview.DimReviewType: "Review type",
	casereview.DimYear: "Year issued", casereview.DimClosedYear: "Year closed", casereview.DimResponse: "Response",
	casereview.DimImplementation: "Implementation", casereview.DimOversight: "Oversight", casereview.DimScope: "Scope",
	casereview.DimIntervention: "Intervention type", casereview.DimPartnership: "Partnership or area",
	casereview.DimSector: "Sector addressed", casereview.DimOrganisation: "Organisation addressed",
}

// The dimensions by a subject's protected characteristic are offered to those who may see them
// (casereview.CanUseEquality), named by the characteristic.
func init() {
	for _, c := range casereview.Characteristics {
		dimensionNames[c.Dimension()] = c.Label
	}
}

type exploreData struct {
	Form       summaryForm
	View       string
	Tabs       []exploreTab
	Rows, Cols casereview.Dimension
	Dims       []searchOption // for the rows select; Cols uses ColDims
	ColDims    []searchOption
	Filters    filterOptions
	Panel      filterPanel
	Threshold  int
	Table      *crossTable
	Chart      *barChart
	Pairs      *pairsView
	Trends     *trendsView
	Orgs       *orgsView
	National   *nationalView
	CSV, XLSX  string // this view's downloads
}

type exploreTab struct {
	Key, Name, Href string
	Current         bool
}

func (h *Handler) explore(c *gin.Context) {
	form, probs, ok := h.reportingFilter(c)
	if !ok {
		return
	}
	q := c.Request.URL.Query()
	d := h.exploreChoices(form, q, casereview.CanUseEquality(casereview.ActorFrom(c.Request.Context())))
	// The tabs keep the filters and the view's own choices.
	for _, v := range exploreViews {
		d.Tabs = append(d.Tabs, exploreTab{Key: v.Key, Name: v.Name, Current: v.Key == d.View,
			Href: form.href("/explore", "view", v.Key, "rows", q.Get("rows"), "cols", q.Get("cols"))})
	}
	d.CSV = form.href("/explore/download", "view", d.View, "rows", q.Get("rows"), "cols", q.Get("cols"),
		"sort", q.Get("sort"), "min", q.Get("min"), "by", q.Get("by"), "format", "csv")
	d.XLSX = form.href("/explore/download", "view", d.View, "rows", q.Get("rows"), "cols", q.Get("cols"),
		"sort", q.Get("sort"), "min", q.Get("min"), "by", q.Get("by"), "format", "xlsx")
	ctx := c.Request.Context()
	// The filter panel's choices are read beside the figures, so the page waits for the slower.
	panel := make(chan error, 1)
	go func() {
		var err error
		if d.Filters, err = h.filterOptions(ctx, form); err == nil {
			d.Panel, err = h.filterPanel(ctx, "/explore", form, d.Filters, q)
		}
		panel <- err
	}()
	var figures error
	if len(probs) == 0 {
		figures = h.figuresAudited(ctx, "explore."+d.View, form, func() error { return h.exploreFigures(ctx, d, q) })
	}
	if err := <-panel; err != nil {
		h.fail(c, err)
		return
	}
	if figures != nil {
		if probs = summaryProblems(figures); probs == nil {
			h.fail(c, figures)
			return
		}
	}
	p := h.page(c, "Explore the figures", d)
	p.Nav, p.Errors, p.Form = "explore", probs, q
	status := http.StatusOK
	if len(probs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(c, status, "explore", p)
}

// exploreChoices reads the view and the cross-tab's dimensions from the address.
func (h *Handler) exploreChoices(form summaryForm, q url.Values, equality bool) *exploreData {
	d := &exploreData{Form: form, View: "crosstab", Rows: casereview.DimTheme, Cols: casereview.DimOversight, Threshold: h.threshold()}
	for _, v := range exploreViews {
		if q.Get("view") == v.Key {
			d.View = v.Key
		}
	}
	if r := casereview.Dimension(q.Get("rows")); r != "" {
		d.Rows = r
	}
	if cl := casereview.Dimension(q.Get("cols")); cl != "" {
		d.Cols = cl
	}
	for _, dim := range casereview.Dimensions {
		if dim.BySubject() && !equality {
			continue
		}
		d.Dims = append(d.Dims, searchOption{Value: string(dim), Label: dimensionNames[dim], Selected: dim == d.Rows})
		d.ColDims = append(d.ColDims, searchOption{Value: string(dim), Label: dimensionNames[dim], Selected: dim == d.Cols})
	}
	return d
}

// exploreFigures fills the chosen view's figures.
func (h *Handler) exploreFigures(ctx context.Context, d *exploreData, q url.Values) error {
	if d.Form.Filter.BySubject() || d.View == "crosstab" && (d.Rows.BySubject() || d.Cols.BySubject()) {
		// Figures by a protected characteristic: only for those who may, a panel member's over
		// their own partnerships, narrowed before anything is counted (as the API does).
		if err := casereview.EqualityScope(casereview.ActorFrom(ctx), &d.Form.Filter); err != nil {
			return err
		}
	}
	if d.Form.Shareable() {
		// As the API: figures to share are refused for filters that isolate a few
		// (casereview.DisclosureRisk), reported at the choice of figures.
		pop, err := h.sums.SummaryPopulation(ctx, d.Form.Filter)
		if err != nil {
			return err
		}
		if err := casereview.DisclosureRisk(pop.Matched, pop.Visible, d.Threshold); err != nil {
			var e *casereview.Error
			if errors.As(err, &e) {
				for i := range e.Fields {
					e.Fields[i].Field = "disclosure"
				}
			}
			return err
		}
	}
	var err error
	switch d.View {
	case "pairs":
		d.Pairs, err = h.pairsView(ctx, d.Form, q, d.Threshold)
	case "trends":
		d.Trends, err = h.trendsView(ctx, d.Form, d.Threshold)
	case "organisations":
		d.Orgs, err = h.orgsView(ctx, d.Form, q.Get("by") == "sector", d.Threshold)
	case "national":
		d.National, err = h.nationalView(ctx, d.Form)
	default:
		err = h.fillCrossTab(ctx, d)
	}
	return err
}

// crossTable is a published cross-tab: each figure a count or its disclosure marker.
type crossTable struct {
	RowName, ColName string
	Cols             []string
	Rows             []crossRow
	ColTotals        []figure
	Total            figure
	Recommendations  figure
	Multi            bool // a recommendation can be counted in several rows or columns
	Any              bool // something is hidden
}

type crossRow struct {
	Label string
	Cells []figure
	Total figure
}

func (h *Handler) fillCrossTab(ctx context.Context, d *exploreData) error {
	t, err := h.sums.SummaryCrossTab(ctx, d.Form.Filter, casereview.CrossTabRequest{Rows: d.Rows, Cols: d.Cols})
	if err != nil {
		return err
	}
	ct, err := publishCrossTab(t, d.Form.Shareable(), d.Threshold)
	if err != nil {
		return err
	}
	d.Table = ct
	if len(ct.Rows) > 0 {
		labels, figs := make([]string, len(ct.Rows)), make([]figure, len(ct.Rows))
		for i, r := range ct.Rows {
			labels[i], figs[i] = r.Label, r.Total
		}
		ch := newBarChart("crosstab-chart", "Recommendations by "+lower(ct.RowName), "“Recommendations by "+lower(ct.RowName)+" and "+lower(ct.ColName)+"”", labels, figs)
		d.Chart = &ch
	}
	return nil
}

// publishCrossTab applies disclosure control as the summaries API does (api/summaries_out.go):
// shareable, every figure under the cell key method (casereview/cellkey.go).
func publishCrossTab(t casereview.CrossTab, shareable bool, threshold int) (*crossTable, error) {
	if shareable {
		return sharedCrossTab(t, threshold), nil
	}
	sup := casereview.TableSuppression{Cells: make([][]casereview.Suppression, len(t.RowValues)),
		RowTotals: make([]casereview.Suppression, len(t.RowValues)), ColTotals: make([]casereview.Suppression, len(t.ColValues))}
	for i := range sup.Cells {
		sup.Cells[i] = make([]casereview.Suppression, len(t.ColValues))
	}
	out := &crossTable{RowName: dimensionNames[t.Rows], ColName: dimensionNames[t.Cols], Total: publish(t.Total, sup.Total, threshold),
		Multi: t.Rows.MultiValued() || t.Cols.MultiValued(), Any: sup.Any()}
	for _, v := range t.ColValues {
		out.Cols = append(out.Cols, v.Label)
	}
	for i, v := range t.RowValues {
		r := crossRow{Label: v.Label, Total: publish(t.RowTotals[i], sup.RowTotals[i], threshold)}
		for j := range t.ColValues {
			r.Cells = append(r.Cells, publish(t.Counts[i][j], sup.Cells[i][j], threshold))
		}
		out.Rows = append(out.Rows, r)
	}
	for j := range t.ColValues {
		out.ColTotals = append(out.ColTotals, publish(t.ColTotals[j], sup.ColTotals[j], threshold))
	}
	out.Recommendations = publish(t.Recommendations, casereview.Shown, threshold)
	return out, nil
}

// sharedCrossTab publishes every figure of t perturbed from its own records' keys, hidden when
// the perturbed count is below the threshold.
func sharedCrossTab(t casereview.CrossTab, threshold int) *crossTable {
	R, C := len(t.RowValues), len(t.ColValues)
	out := &crossTable{RowName: dimensionNames[t.Rows], ColName: dimensionNames[t.Cols], Total: shared(t.Tally(R, C), threshold),
		Multi: t.Rows.MultiValued() || t.Cols.MultiValued(), Recommendations: shared(casereview.Tally{N: t.Recommendations, KeySum: t.RecommendationsKey}, threshold)}
	for _, v := range t.ColValues {
		out.Cols = append(out.Cols, v.Label)
	}
	for i, v := range t.RowValues {
		r := crossRow{Label: v.Label, Total: shared(t.Tally(i, C), threshold)}
		for j := range t.ColValues {
			r.Cells = append(r.Cells, shared(t.Tally(i, j), threshold))
			out.Any = out.Any || r.Cells[j].Hidden
		}
		out.Rows = append(out.Rows, r)
	}
	for j := range t.ColValues {
		out.ColTotals = append(out.ColTotals, shared(t.Tally(R, j), threshold))
		out.Any = out.Any || out.ColTotals[j].Hidden
	}
	for _, r := range out.Rows {
		out.Any = out.Any || r.Total.Hidden
	}
	out.Any = out.Any || out.Total.Hidden
	return out
}

// figuresAudited runs fill, which counts the page's figures, and records that figures counting
// restricted reviews were shown, as the API records its JSON summaries (summary.read) and
// downloads record their export: who saw figures over restricted material, and which. Nothing is
// recorded for figures over none, nor when fill fails. The population the record needs is counted
// beside fill, not after it: each is its own statements, so the page waits for the slower only.
func (h *Handler) figuresAudited(ctx context.Context, kind string, form summaryForm, fill func() error) error {
	type counted struct {
		pop casereview.Population
		err error
	}
	population := make(chan counted, 1)
	go func() {
		pop, err := h.sums.SummaryPopulation(ctx, form.Filter)
		population <- counted{pop, err}
	}()
	err := fill()
	c := <-population
	if err != nil {
		return err
	}
	if c.err != nil {
		return c.err
	}
	return h.auditFigures(ctx, kind, form, c.pop)
}

// auditFigures records that figures over pop were shown, when it counts restricted reviews.
func (h *Handler) auditFigures(ctx context.Context, kind string, form summaryForm, pop casereview.Population) error {
	if pop.Restricted == 0 {
		return nil
	}
	return h.sums.AuditSummaryRead(ctx, kind, map[string]any{"disclosure": form.Disclosure, "as_of": form.Filter.AsOf.String(),
		"recommendations": pop.Matched, "restricted": pop.Restricted, "definition": form.Values.Encode()})
}
