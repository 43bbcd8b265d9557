package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/errgroup"

	"github.com/casereview/casereview/internal/casereview"
)

// The dashboard (issue 12 item 1): the headline figures for the caller's scope and filters, each
// beside the same figure for the recommendations issued this year and last year; the overdue
// list by organisation; and what was closed or reopened in the last 90 days. Everything comes
// from the summaries (casereview.SummaryService), which count only what the caller may read.
// Reopenings come from the audit trail, so only those who read it (casereview.CanReadAudit) see
// them; closures come from the recommendations' closing dates.

func (h *Handler) reportingRoutes(r gin.IRoutes) {
	r.GET("/dashboard", h.dashboard)
	r.GET("/dashboard/overdue", h.dashboardOverdue)
	r.GET("/explore", h.explore)
	r.GET("/explore/download", h.exploreDownload)
	r.GET("/equality", h.equality)
	r.GET("/equality/download", h.equalityDownload)
}

// recentDays is how far back "recent" closures and reopenings go.
const recentDays = 90

// dashboardOrgs and dashboardClosures bound the dashboard's two lists; each links to the whole.
const (
	dashboardOrgs     = 15
	dashboardClosures = 25
)

type dashboardData struct {
	Form                 summaryForm
	Year, LastYear       int
	Figures              []headlineRow
	Overdue              []overdueRow // the organisations owing most, at most dashboardOrgs
	OverdueOrgs          int          // how many organisations owe something
	OverdueItems         int
	OverdueHref          string // the whole overdue list
	Closures             []casereview.SummaryListItem
	ClosuresTotal        int // closures in the period, of which Closures are the latest
	Reopenings           []casereview.AuditEvent
	ReadsAudit           bool
	OwnScope             bool // a panel member's dashboard, narrowed to their partnerships
	ExploreHref, Explore string
	RecurringHref        string
	ScheduleHref         string // the summary builder with these filters, to save and schedule
	Panel                filterPanel
}

// headlineRow is one headline figure: over every year, and for this year's and last year's issues.
type headlineRow struct {
	ID, Name        string
	All, This, Last figure
	Trend           string // "up 3", "down 1", "no change"
}

// reportingFilter reads the filter and refuses those who may not report; ok is false when the
// page has been answered.
func (h *Handler) reportingFilter(c *gin.Context) (summaryForm, []FieldProblem, bool) {
	a := casereview.ActorFrom(c.Request.Context())
	if !casereview.CanUseDashboard(a) {
		h.fail(c, casereview.Deny(a, "only oversight officers, admins and partnership panels use the reporting pages"))
		return summaryForm{}, nil, false
	}
	form, probs := readSummaryForm(c.Request.URL.Query(), casereview.DateOf(h.now()))
	// A panel member reports on their own partnerships unless they chose others.
	if !a.IsAdmin() && !a.IsOversight() && len(form.Filter.Partnerships) == 0 {
		form.Filter.Partnerships = a.Partnerships()
	}
	if len(probs) == 0 {
		var err error
		if probs, err = h.matchWords(c.Request.Context(), &form); err != nil {
			h.fail(c, err)
			return form, nil, false
		}
	}
	return form, probs, true
}

func (h *Handler) dashboard(c *gin.Context) {
	form, probs, ok := h.reportingFilter(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	a := casereview.ActorFrom(ctx)
	year := h.now().Year()
	d := &dashboardData{Form: form, Year: year, LastYear: year - 1, ReadsAudit: casereview.CanReadAudit(a),
		OwnScope: !a.IsAdmin() && !a.IsOversight(), ExploreHref: form.href("/explore"), RecurringHref: form.href("/recurring"), ScheduleHref: builderHref(form), OverdueHref: form.href("/dashboard/overdue")}
	// The filter panel's choices are read beside the figures, so the page waits for the slower.
	panel := make(chan error, 1)
	go func() {
		opts, err := h.filterOptions(ctx, form)
		if err == nil {
			d.Panel, err = h.filterPanel(ctx, "/dashboard", form, opts, c.Request.URL.Query())
		}
		panel <- err
	}()
	var figures error
	if len(probs) == 0 {
		// The headline over everything the filter keeps counts the restricted reviews the audit
		// needs: no statement of its own.
		var all casereview.Headline
		if all, figures = h.fillDashboard(c, d); figures == nil {
			figures = h.auditFigures(ctx, "dashboard", form, casereview.Population{Matched: all.Recommendations, Restricted: all.Restricted})
		}
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
	p := h.page(c, "Dashboard", d)
	p.Nav, p.Errors, p.Form = "dashboard", probs, c.Request.URL.Query()
	status := http.StatusOK
	if len(probs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(c, status, "dashboard", p)
}

// fillDashboard counts the dashboard's figures and returns the headline over everything the filter
// keeps.
func (h *Handler) fillDashboard(c *gin.Context, d *dashboardData) (casereview.Headline, error) {
	ctx := c.Request.Context()
	f := d.Form.Filter
	since := f.AsOf.AddDays(-recentDays)
	// The parts are independent statements: they run at once, over the pool of read connections,
	// so the page takes about as long as its slowest part (the overdue list).
	var all, this, last casereview.Headline
	var owing []casereview.OverdueTally
	parts := []func() error{
		func() error {
			// Everything, this year and last year (each with the filter's years replaced).
			var years []casereview.Headline
			var err error
			all, years, err = h.sums.SummaryHeadlines(ctx, f, []int{d.Year, d.LastYear})
			if err == nil {
				this, last = years[0], years[1]
			}
			return err
		},
		func() (err error) { owing, err = h.sums.SummaryOverdueByOrganisation(ctx, f); return err },
		func() (err error) {
			d.Closures, d.ClosuresTotal, err = h.sums.SummaryClosures(ctx, f, since, dashboardClosures)
			return err
		},
	}
	if d.ReadsAudit {
		parts = append(parts, func() error {
			from := since.Time()
			res, err := h.svc.ListAudit(ctx, casereview.AuditFilter{Action: string(casereview.AuditRecommendationReopened), From: &from}, auditPageSize, 0)
			d.Reopenings = res.Items
			return err
		})
	}
	var g errgroup.Group // the parts are independent; each writes only its own variables
	for _, part := range parts {
		g.Go(part)
	}
	if err := g.Wait(); err != nil {
		return all, err
	}
	th := h.threshold()
	for _, r := range []struct {
		id, name string
		pick     func(casereview.Headline) int
	}{
		{"issued", "Recommendations issued", func(x casereview.Headline) int { return x.Recommendations }},
		{"responded", "Responded to", func(x casereview.Headline) int { return x.Responded }},
		{"accepted", "Accepted", func(x casereview.Headline) int { return x.Accepted }},
		{"verified", "Verified closed", func(x casereview.Headline) int { return x.VerifiedClosed }},
		{"overdue", "Overdue", func(x casereview.Headline) int { return x.Overdue }},
	} {
		row := headlineRow{ID: r.id, Name: r.name, All: d.Form.eachFigure(r.pick(all), th),
			This: d.Form.eachFigure(r.pick(this), th), Last: d.Form.eachFigure(r.pick(last), th)}
		row.Trend = trendWords(row.This, row.Last)
		d.Figures = append(d.Figures, row)
	}
	d.OverdueOrgs = len(owing)
	rows := overdueRows(d.Form, owing, th)
	for _, o := range owing {
		d.OverdueItems += o.Items
	}
	d.Overdue = rows[:min(len(rows), dashboardOrgs)]
	return all, nil
}

// trendWords compares this year's figure with last year's, unless either is hidden.
func trendWords(this, last figure) string {
	switch {
	case this.Hidden || last.Hidden:
		return "not shown"
	case this.N > last.N:
		return "up " + strconv.Itoa(this.N-last.N)
	case this.N < last.N:
		return "down " + strconv.Itoa(last.N-this.N)
	}
	return "no change"
}

// builderHref is the thematic summary builder with form's filters and every section: a
// dashboard's figures are scheduled by saving them as a summary (report schedules are of saved
// summaries).
func builderHref(form summaryForm) string {
	v := url.Values{}
	for k, xs := range form.Values {
		v[k] = slices.Clone(xs)
	}
	v.Del("section")
	for _, s := range summaryDefaultSections() {
		v.Add("section", s)
	}
	return "/summaries/new?" + v.Encode()
}
