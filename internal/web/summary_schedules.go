package web

import (
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/report"
)

// Scheduled reports (issue 18 §4): a saved summary's schedules (/summaries/saved/:id/schedules:
// the list with next run dates, pause, resume, delete, "Run now", and the form to add one), a
// schedule's runs, and each run as it was sent: its stored documents, byte for byte, and its
// comparison with the run before. Oversight and admins schedule (casereview.CanScheduleReport);
// a run is read by the summary's owner, admins and subscribers who may read its scope.

func (h *Handler) reportScheduleRoutes(r gin.IRoutes) {
	r.GET("/summaries/saved/:id/schedules", h.reportSchedules)
	r.POST("/summaries/saved/:id/schedules", h.createReportSchedule)
	r.GET("/summaries/schedules/:id", h.reportScheduleRuns)
	r.POST("/summaries/schedules/:id/pause", h.pauseReportSchedule)
	r.POST("/summaries/schedules/:id/resume", h.pauseReportSchedule)
	r.POST("/summaries/schedules/:id/delete", h.deleteReportSchedule)
	r.POST("/summaries/schedules/:id/run", h.runReportNow)
	r.GET("/summaries/runs/:id", h.reportRun)
	r.GET("/summaries/runs/:id/document/:file", h.reportRunDocument)
}

type reportSchedulesData struct {
	Summary     casereview.SavedSummary
	Schedules   []casereview.ReportSchedule
	CanSchedule bool
	Frequencies []casereview.ReportFrequency
	CanRun      bool // a runner is configured
}

func (h *Handler) reportSchedules(c *gin.Context) {
	h.renderReportSchedules(c, http.StatusOK, nil, url.Values{"frequency": {string(casereview.ReportQuarterly)}})
}

func (h *Handler) renderReportSchedules(c *gin.Context, status int, probs []FieldProblem, form url.Values) {
	ctx := c.Request.Context()
	s, err := h.svc.GetSavedSummary(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	list, err := h.svc.ListReportSchedules(ctx, s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	d := &reportSchedulesData{Summary: s, Schedules: list, CanSchedule: casereview.CanScheduleReport(casereview.ActorFrom(ctx), s),
		Frequencies: casereview.ReportFrequencies, CanRun: h.o.Reports != nil}
	p := h.page(c, "Schedules: "+s.Title, d)
	p.Nav, p.Errors, p.Form = "dashboard", probs, form
	h.render(c, status, "summary-schedules", p)
}

// subscriberAddresses reads the subscribers box: addresses one to a line (or separated by
// commas or spaces).
func subscriberAddresses(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' || r == ' ' || r == '\t' }) {
		out = append(out, f)
	}
	return out
}

func (h *Handler) createReportSchedule(c *gin.Context) {
	form := url.Values{"frequency": {c.PostForm("frequency")}, "subscribers": {c.PostForm("subscribers")}}
	d := casereview.ReportScheduleDraft{Frequency: casereview.ReportFrequency(c.PostForm("frequency")), Subscribers: subscriberAddresses(c.PostForm("subscribers"))}
	var probs []FieldProblem
	if d.Frequency == "" {
		probs = append(probs, FieldProblem{"frequency", "Choose how often the report runs"})
	} else {
		sc, err := h.svc.CreateReportSchedule(c.Request.Context(), c.Param("id"), d)
		if err == nil {
			h.flash(c, sc.Frequency.Label()+" schedule added: the first run is on "+formatDate(sc.NextRunOn))
			c.Redirect(http.StatusSeeOther, "/summaries/saved/"+sc.SummaryID+"/schedules")
			return
		}
		if probs = problemsOf(err); probs == nil {
			h.fail(c, err)
			return
		}
		for i, p := range probs {
			if k := strings.IndexByte(p.Field, '['); k > 0 {
				probs[i].Field = p.Field[:k]
			}
			if p.Field == "frequency" {
				probs[i].Message = "Choose how often the report runs"
			}
		}
	}
	h.renderReportSchedules(c, http.StatusUnprocessableEntity, probs, form)
}

func (h *Handler) pauseReportSchedule(c *gin.Context) {
	paused := strings.HasSuffix(c.Request.URL.Path, "/pause")
	sc, err := h.svc.SetReportSchedulePaused(c.Request.Context(), c.Param("id"), paused)
	if err != nil {
		h.fail(c, err)
		return
	}
	if paused {
		h.flash(c, "Schedule paused: it will not run until you resume it")
	} else {
		h.flash(c, "Schedule resumed: the next run is on "+formatDate(sc.NextRunOn))
	}
	c.Redirect(http.StatusSeeOther, "/summaries/saved/"+sc.SummaryID+"/schedules")
}

func (h *Handler) deleteReportSchedule(c *gin.Context) {
	ctx := c.Request.Context()
	sc, err := h.svc.GetReportSchedule(ctx, c.Param("id"))
	if err == nil {
		err = h.svc.DeleteReportSchedule(ctx, sc.ID)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "Schedule deleted, with its stored runs")
	c.Redirect(http.StatusSeeOther, "/summaries/saved/"+sc.SummaryID+"/schedules")
}

func (h *Handler) runReportNow(c *gin.Context) {
	if h.o.Reports == nil {
		h.fail(c, casereview.Forbidden("reports cannot be run by hand here"))
		return
	}
	run, err := h.o.Reports.RunReportNow(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "The report ran and was sent to its subscribers")
	c.Redirect(http.StatusSeeOther, "/summaries/runs/"+run.ID)
}

type reportScheduleRunsData struct {
	Schedule casereview.ReportSchedule
	Runs     []casereview.ReportRun
	Owner    bool // may see the saved summary's page
}

func (h *Handler) reportScheduleRuns(c *gin.Context) {
	ctx := c.Request.Context()
	sc, err := h.svc.GetReportSchedule(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	runs, err := h.svc.ListReportRuns(ctx, sc.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	a := casereview.ActorFrom(ctx)
	d := &reportScheduleRunsData{Schedule: sc, Runs: runs, Owner: casereview.CanReadSavedSummary(a, casereview.SavedSummary{OwnerID: sc.OwnerID})}
	p := h.page(c, "Runs: "+sc.SummaryTitle, d)
	p.Nav = "dashboard"
	h.render(c, http.StatusOK, "summary-schedule-runs", p)
}

type reportRunData struct {
	Run      casereview.ReportRun
	Schedule casereview.ReportSchedule
}

func (h *Handler) reportRun(c *gin.Context) {
	ctx := c.Request.Context()
	run, err := h.svc.GetReportRun(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	sc, err := h.svc.GetReportSchedule(ctx, run.ScheduleID)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, run.Title+": "+casereview.PeriodLabel(run.Period), &reportRunData{Run: run, Schedule: sc})
	p.Nav = "dashboard"
	h.render(c, http.StatusOK, "summary-run", p)
}

// reportRunDocument serves a stored document exactly as it was stored (report.html,
// report.xlsx, report.csv). The page is served under a policy that lets only its own style in.
func (h *Handler) reportRunDocument(c *gin.Context) {
	file := c.Param("file")
	format := strings.TrimPrefix(file, "report.")
	if format == file {
		h.fail(c, casereview.NotFound("document"))
		return
	}
	d, body, err := h.svc.ReportRunDocument(c.Request.Context(), c.Param("id"), format)
	if err != nil {
		if casereview.IsCode(err, casereview.CodeInvalid) {
			err = casereview.NotFound("document")
		}
		h.fail(c, err)
		return
	}
	ctype := map[string]string{"html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8",
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
	if format == "html" {
		c.Header("Content-Security-Policy", "default-src 'none'; style-src "+report.StyleHash()+"; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	} else {
		c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "report-" + c.Param("id") + "." + format}))
	}
	c.Header("ETag", strconv.Quote(d.SHA256))
	c.Data(http.StatusOK, ctype, body)
}

func init() {
	extraFuncs["periodWords"] = casereview.PeriodLabel
	extraFuncs["figureText"] = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	extraFuncs["kiloBytes"] = func(n int64) string { return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KB" }
}
