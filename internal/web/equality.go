package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/report"
)

// The equality page (issue 15 §2): are recommendations about one group of people closed as
// fast as the others? For a characteristic of the people at the centre of reviews and chosen
// groups of it, the closure comparison; for one area with a baseline, each group's relative
// rate. Internal or shareable, as the explorer: shareable figures are published under the cell
// key method, ratios are worked out from published figures, and filters that isolate a few are
// refused. Only for those casereview.EqualityScope lets through.

type equalityData struct {
	Form            summaryForm
	Characteristic  casereview.CharacteristicDef
	Characteristics []casereview.CharacteristicDef
	Groups          []equalityGroupOption
	Partnerships    []searchOption
	Threshold       int
	Closure         []casereview.PublishedClosure
	Disproportion   *casereview.PublishedDisproportion
	Baseline        casereview.Baseline
	Chosen          string // the chosen groups' label
	ExploreHref     string
	CSV, XLSX       string // the page's tables to download
	OnePartnership  bool
}

type equalityGroupOption struct {
	Key, Label string
	Checked    bool
}

func (h *Handler) equality(c *gin.Context) {
	d, probs, ok := h.equalityPage(c)
	if !ok {
		return
	}
	p := h.page(c, "Equality: closure by group", d)
	p.Nav, p.Errors, p.Form = "explore", probs, c.Request.URL.Query()
	status := http.StatusOK
	if len(probs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(c, status, "equality", p)
}

// equalityDownload sends the page's tables as CSV or XLSX: the same figures under the same
// disclosure control, the export audited.
func (h *Handler) equalityDownload(c *gin.Context) {
	format := c.Query("format")
	if format != "csv" && format != "xlsx" {
		h.fail(c, casereview.Invalid("format", casereview.FieldUnknownValue, "format must be csv or xlsx"))
		return
	}
	d, probs, ok := h.equalityPage(c)
	if !ok {
		return
	}
	if len(probs) > 0 {
		h.fail(c, casereview.Invalid(probs[0].Field, casereview.FieldInvalid, "%s", probs[0].Message))
		return
	}
	detail := map[string]any{"format": format, "disclosure": d.Form.Disclosure, "as_of": d.Form.Filter.AsOf.String(),
		"characteristic": d.Characteristic.Key, "definition": c.Request.URL.Query().Encode()}
	h.sendDownload(c, equalityReport(d, h.now()), format, "equality", "equality-"+string(d.Characteristic.Key)+"-"+d.Form.Filter.AsOf.String(), detail)
}

// equalityPage reads the page's choices and fills its figures; ok is false when it has answered.
func (h *Handler) equalityPage(c *gin.Context) (*equalityData, []FieldProblem, bool) {
	form, probs, ok := h.reportingFilter(c)
	if !ok {
		return nil, nil, false
	}
	ctx := c.Request.Context()
	a := casereview.ActorFrom(ctx)
	if !casereview.CanUseEquality(a) {
		h.fail(c, casereview.Deny(a, "only oversight officers, admins and partnership panels see figures by protected characteristic"))
		return nil, nil, false
	}
	q := c.Request.URL.Query()
	d := &equalityData{Form: form, Threshold: h.threshold(), Characteristics: casereview.Characteristics}
	ch, ok := casereview.CharacteristicByKey(q.Get("characteristic"))
	if !ok {
		ch, _ = casereview.CharacteristicByKey("minoritised")
	}
	d.Characteristic = ch
	chosen := slices.DeleteFunc(slices.Clone(q["group"]), func(g string) bool { return !ch.Has(g) || g == casereview.NotRecorded })
	if len(chosen) == 0 {
		chosen = []string{ch.Groups[0].Key}
	}
	for _, g := range ch.Groups {
		if g.Key != casereview.NotRecorded {
			d.Groups = append(d.Groups, equalityGroupOption{Key: g.Key, Label: g.Label, Checked: slices.Contains(chosen, g.Key)})
		}
	}
	d.Chosen = casereview.ComparisonLabels(ch, chosen)[0]
	d.ExploreHref = form.href("/explore", "rows", string(ch.Dimension()), "cols", "oversight")
	d.CSV, d.XLSX = "/equality/download?"+withParam(q, "format", "csv"), "/equality/download?"+withParam(q, "format", "xlsx")
	if err := h.equalityPartnerships(ctx, d); err != nil {
		h.fail(c, err)
		return nil, nil, false
	}
	if len(probs) == 0 {
		if err := h.equalityFigures(ctx, d, chosen); err != nil {
			if probs = summaryProblems(err); probs == nil {
				h.fail(c, err)
				return nil, nil, false
			}
		}
	}
	return d, probs, true
}

// withParam is q with key set to value, encoded.
func withParam(q url.Values, key, value string) string {
	v := url.Values{}
	for k, xs := range q {
		v[k] = slices.Clone(xs)
	}
	v.Set(key, value)
	return v.Encode()
}

// equalityReport lays the page's tables out for download.
func equalityReport(d *equalityData, now time.Time) report.Document {
	out := report.Document{Title: "Equality: closure by group", Generated: now}
	out.Notes = append(out.Notes, "Figures as of "+d.Form.Filter.AsOf.String()+"; "+d.Characteristic.Label+": "+d.Chosen+" against the rest.")
	if d.Form.Shareable() {
		out.Notes = append(out.Notes, "To share: each count perturbed by at most 2 under the cell key method; counts under "+
			strconv.Itoa(d.Threshold)+" shown as <"+strconv.Itoa(d.Threshold)+"; shares from the published counts.")
	} else {
		out.Notes = append(out.Notes, "For oversight use: every count is shown.")
	}
	cell := func(p casereview.PublishedCount) report.Cell {
		if p.Hidden {
			return report.Text(p.Display)
		}
		return report.Int(p.Count)
	}
	opt := func(x *float64, f func(float64) string) report.Cell {
		if x == nil {
			return report.Text("Not shown")
		}
		return report.Text(f(*x))
	}
	t := report.Table{Name: "Closure", Columns: []string{"People at the centre of the review", "Recommendations", "Closed as verified",
		"Share closed", "Median days to closure"}}
	for _, r := range d.Closure {
		t.Rows = append(t.Rows, []report.Cell{report.Text(r.Label), cell(r.Recommendations), cell(r.VerifiedClosed),
			opt(r.Share, func(x float64) string { return percent(&x) }), opt(r.Median, func(x float64) string { return fmt.Sprintf("%.0f", x) })})
	}
	out.Tables = append(out.Tables, t)
	if d.Disproportion != nil {
		t := report.Table{Name: "Against the population", Columns: []string{"Group", "People in reviews", "Population", "Relative rate", "95% interval from", "95% interval to"}}
		for _, r := range d.Disproportion.Rows {
			row := []report.Cell{report.Text(r.Label), cell(r.People), report.Int(int(r.Population))}
			if r.Rate == nil {
				row = append(row, report.Text("Not shown"), report.Text(""), report.Text(""))
			} else {
				row = append(row, report.Text(ratio(r.Rate.RR)), report.Text(ratio(r.Rate.Lo)), report.Text(ratio(r.Rate.Hi)))
			}
			t.Rows = append(t.Rows, row)
		}
		out.Tables = append(out.Tables, t)
	}
	return out
}

// equalityPartnerships lists the areas the person may choose: all for oversight and admins,
// their own for a panel member.
func (h *Handler) equalityPartnerships(ctx context.Context, d *equalityData) error {
	a := casereview.ActorFrom(ctx)
	ps, err := h.svc.ListPartnerships(ctx, casereview.PartnershipFilter{}, casereview.PageRequest{Limit: casereview.MaxPageSize})
	if err != nil {
		return err
	}
	for _, p := range ps.Items {
		if a.IsAdmin() || a.IsOversight() || a.PanelOf(p.ID) {
			d.Partnerships = append(d.Partnerships, searchOption{Value: p.ID, Label: p.Name, Selected: slices.Contains(d.Form.Filter.Partnerships, p.ID)})
		}
	}
	d.OnePartnership = len(d.Form.Filter.Partnerships) == 1
	return nil
}

func (h *Handler) equalityFigures(ctx context.Context, d *equalityData, chosen []string) error {
	f := d.Form.Filter
	if err := casereview.EqualityScope(casereview.ActorFrom(ctx), &f); err != nil {
		return err
	}
	pop, err := h.sums.SummaryPopulation(ctx, f)
	if err != nil {
		return err
	}
	if d.Form.Shareable() {
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
	cmp, err := h.sums.EqualityClosure(ctx, f, string(d.Characteristic.Key), chosen)
	if err != nil {
		return err
	}
	d.Closure = casereview.PublishClosure(cmp, d.Form.Shareable(), d.Threshold)
	if len(f.Partnerships) == 1 {
		dp, err := h.sums.Disproportionality(ctx, f.Partnerships[0], string(d.Characteristic.Key))
		if err != nil {
			return err
		}
		d.Baseline = dp.Baseline
		pub := casereview.PublishDisproportion(dp, d.Form.Shareable(), d.Threshold)
		d.Disproportion = &pub
	}
	// Figures over restricted reviews read in the browser are audited as the API's JSON are.
	if pop.Restricted > 0 {
		return h.sums.AuditSummaryRead(ctx, "equality", map[string]any{"disclosure": d.Form.Disclosure, "characteristic": d.Characteristic.Key,
			"groups": chosen, "recommendations": pop.Matched, "restricted": pop.Restricted, "filters": d.Form.Values.Encode()})
	}
	return nil
}

// percent shows a share as a percentage to one decimal place.
func percent(p *float64) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf("%.1f%%", *p*100)
}

// ratio shows a relative rate to two decimal places.
func ratio(x float64) string { return fmt.Sprintf("%.2f", x) }
