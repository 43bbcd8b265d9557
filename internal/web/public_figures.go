package web

import (
	"context"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// The public figures: how many public recommendations each area (partnership) has at each
// status of one layer. The counts come from the store's summaries, as the anonymous caller, and
// are published as the summaries API publishes a shareable cross-tab: under the cell key method
// (casereview/cellkey.go), each figure perturbed from its own records' keys and shown as "<5"
// when the perturbed count is 1 to 4, so that no figure follows from others by subtraction,
// here or against the API.

type figuresView struct {
	Layer     string
	Layers    []searchOption
	LayerName string
	Columns   []casereview.Value
	Rows      []figuresRow
	ColTotals []string
	Total     string
	Threshold int
	Any       bool // something is suppressed
}

type figuresRow struct {
	Name   string
	Cells  []string
	Total  string
	Hidden []bool // per cell: suppressed
}

var figureLayers = []struct {
	Key  string
	Name string
	Dim  casereview.Dimension
}{
	{"response", "Response", casereview.DimResponse},
	{"implementation", "Implementation", casereview.DimImplementation},
	{"oversight", "Oversight", casereview.DimOversight},
}

func (h *Handler) publicFigures(c *gin.Context) {
	layer := figureLayers[2]
	for _, l := range figureLayers {
		if c.Query("layer") == l.Key {
			layer = l
		}
	}
	v := &figuresView{Layer: layer.Key, LayerName: layer.Name, Threshold: h.threshold()}
	for _, l := range figureLayers {
		v.Layers = append(v.Layers, searchOption{Value: l.Key, Label: l.Name, Selected: l.Key == layer.Key})
	}
	if err := h.fillFigures(c.Request.Context(), v, layer.Dim); err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Figures by area: "+lower(layer.Name)+" status", v)
	p.Nav = "public-figures"
	h.render(c, 200, "public-figures", p)
}

func (h *Handler) threshold() int {
	if h.o.SDCThreshold < 2 {
		return casereview.DefaultSDCThreshold
	}
	return h.o.SDCThreshold
}

// fillFigures counts each partnership's public recommendations by the statuses of dim.
func (h *Handler) fillFigures(ctx context.Context, v *figuresView, dim casereview.Dimension) error {
	other := casereview.DimResponse // any single-valued dimension: only the row totals are used
	if dim == casereview.DimResponse {
		other = casereview.DimOversight
	}
	parts, err := h.allPartnerships(ctx)
	if err != nil {
		return err
	}
	slices.SortStableFunc(parts, func(a, b casereview.Partnership) int { return strings.Compare(a.Name, b.Name) })
	type row struct {
		name   string
		counts map[string]casereview.Tally
		total  casereview.Tally
	}
	var rows []row
	seen := map[string]bool{}
	labels := map[string]string{}
	for _, pt := range parts {
		t, err := h.sums.SummaryCrossTab(ctx, casereview.SummaryFilter{Partnerships: []string{pt.ID}},
			casereview.CrossTabRequest{Rows: dim, Cols: other})
		if err != nil {
			return err
		}
		if t.Total == 0 {
			continue
		}
		r := row{name: pt.Name, counts: map[string]casereview.Tally{}, total: t.Tally(len(t.RowValues), len(t.ColValues))}
		for i, val := range t.RowValues {
			if t.RowTotals[i] > 0 {
				r.counts[val.Key] = r.counts[val.Key].Add(t.Tally(i, len(t.ColValues)))
				seen[val.Key] = true
				labels[val.Key] = val.Label
			}
		}
		rows = append(rows, r)
	}
	// The columns: the layer's statuses in their order, those that occur.
	var keys []string
	switch dim {
	case casereview.DimResponse:
		keys = stringsOf(casereview.ResponseStatuses)
	case casereview.DimImplementation:
		keys = stringsOf(casereview.ImplementationStatuses)
	default:
		keys = stringsOf(casereview.OversightStatuses)
	}
	for _, k := range keys {
		if seen[k] {
			v.Columns = append(v.Columns, casereview.Value{Key: k, Label: label(k)})
		}
	}
	if len(rows) == 0 || len(v.Columns) == 0 {
		return nil
	}
	show := func(t casereview.Tally) (string, bool) {
		f := casereview.Share(t, v.Threshold)
		v.Any = v.Any || f.Suppressed
		return f.Display(v.Threshold), f.Suppressed
	}
	colTotals := make([]casereview.Tally, len(v.Columns))
	var total casereview.Tally
	for _, r := range rows {
		fr := figuresRow{Name: r.name}
		fr.Total, _ = show(r.total)
		total = total.Add(r.total)
		for j, col := range v.Columns {
			text, hidden := show(r.counts[col.Key])
			fr.Cells = append(fr.Cells, text)
			fr.Hidden = append(fr.Hidden, hidden)
			colTotals[j] = colTotals[j].Add(r.counts[col.Key])
		}
		v.Rows = append(v.Rows, fr)
	}
	for j := range v.Columns {
		text, _ := show(colTotals[j])
		v.ColTotals = append(v.ColTotals, text)
	}
	v.Total, _ = show(total)
	return nil
}

// allPartnerships lists every partnership, page by page.
func (h *Handler) allPartnerships(ctx context.Context) ([]casereview.Partnership, error) {
	var out []casereview.Partnership
	after := ""
	for {
		pg, err := h.svc.ListPartnerships(ctx, casereview.PartnershipFilter{}, casereview.PageRequest{Limit: casereview.MaxPageSize, After: after})
		if err != nil {
			return nil, err
		}
		out = append(out, pg.Items...)
		if pg.NextCursor == "" || len(pg.Items) == 0 {
			return out, nil
		}
		after = pg.Items[len(pg.Items)-1].ID
	}
}

func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
