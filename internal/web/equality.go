package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
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
	OnePartnership  bool
}

type equalityGroupOption struct {
	Key, Label string
	Checked    bool
}

func (h *Handler) equality(c *gin.Context) {
	form, probs, ok := h.reportingFilter(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	a := casereview.ActorFrom(ctx)
	if !casereview.CanUseEquality(a) {
		h.fail(c, casereview.Deny(a, "only oversight officers, admins and partnership panels see figures by protected characteristic"))
		return
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
	if err := h.equalityPartnerships(ctx, d); err != nil {
		h.fail(c, err)
		return
	}
	if len(probs) == 0 {
		if err := h.equalityFigures(ctx, d, chosen); err != nil {
			if probs = summaryProblems(err); probs == nil {
				h.fail(c, err)
				return
			}
		}
	}
	p := h.page(c, "Equality: closure by group", d)
	p.Nav, p.Errors, p.Form = "explore", probs, q
	status := http.StatusOK
	if len(probs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(c, status, "equality", p)
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
