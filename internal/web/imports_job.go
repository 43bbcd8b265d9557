package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer/actionplan"
)

// An import job's page: its progress while it runs (the page reloads itself), then its report
// and, for a checked file, the form that resolves unknown agencies and imports it; for an
// import, what it created, updated and left unchanged.

type importJobData struct {
	Job      casereview.ImportJob
	Running  bool
	Percent  int
	Review   *casereview.Review // the review the file is for, while the file is kept
	Errors   int
	Warnings int
	// Unmatched are the lead agencies no organisation answers to, to resolve before importing;
	// CanImport is set when nothing else stands in the way.
	Unmatched []actionplan.Unmatched
	CanImport bool
	Counts    []importCount
}

type importCount struct {
	What                        string
	Created, Updated, Unchanged int
}

func (h *Handler) importJob(c *gin.Context) { h.renderImportJob(c, http.StatusOK, nil) }

func (h *Handler) renderImportJob(c *gin.Context, status int, probs []FieldProblem) {
	ctx := c.Request.Context()
	j, err := h.getImportJob(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	d := importJobData{Job: j, Running: j.Status == casereview.JobQueued || j.Status == casereview.JobRunning}
	if j.Total > 0 {
		d.Percent = min(100, j.Done*100/j.Total)
	}
	for _, is := range j.Report {
		if is.Severity == actionplan.SeverityError {
			d.Errors++
		} else {
			d.Warnings++
		}
	}
	if up, ok := h.uploads.get(j.ID, casereview.ActorFrom(ctx).UserID); ok {
		if r, err := h.svc.GetReview(ctx, up.reviewID); err == nil {
			d.Review = &r
		}
		if j.DryRun && !d.Running && up.outcome != nil {
			d.Unmatched = up.outcome.Unmatched
			// Unknown agencies are resolved here; any other problem is fixed in the file.
			d.CanImport = d.Review != nil && d.Errors == len(d.Unmatched) && (j.Status == casereview.JobSucceeded || len(d.Unmatched) > 0)
		}
	}
	if r := j.Result; r != nil {
		d.Counts = []importCount{{"Reviews", r.ReviewsCreated, r.ReviewsUpdated, r.ReviewsUnchanged},
			{"Recommendations", r.RecommendationsCreated, r.RecommendationsUpdated, r.RecommendationsUnchanged},
			{"Actions", r.ActionsCreated, r.ActionsUpdated, r.ActionsUnchanged}}
	}
	title := "Import report"
	switch {
	case d.Running && j.DryRun:
		title = "Checking your action plan"
	case d.Running:
		title = "Importing your action plan"
	case j.DryRun:
		title = "Check your action plan"
	case j.Status == casereview.JobSucceeded:
		title = "Action plan imported"
	}
	p := h.page(c, title, d)
	p.Nav, p.Errors, p.Form = "reviews", probs, c.Request.PostForm
	h.render(c, status, "import-job", p)
}

// runImport imports a checked file, with the person's answers for its unknown agencies.
func (h *Handler) runImport(c *gin.Context) {
	ctx := c.Request.Context()
	j, err := h.getImportJob(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	up, ok := h.uploads.get(j.ID, casereview.ActorFrom(ctx).UserID)
	if !ok || !j.DryRun || up.outcome == nil {
		h.fail(c, &casereview.Error{Code: casereview.CodeConflict,
			Message: "This file is no longer held: upload it again from the review's page."})
		return
	}
	r, ok := h.importReview(c, up.reviewID)
	if !ok {
		return
	}
	matches, create := map[string]string{}, false
	var probs []FieldProblem
	for i, u := range up.outcome.Unmatched {
		field := "agency-" + strconv.Itoa(i)
		switch v := c.PostForm(field); {
		case v == "new":
			create = true
		case v != "" && slices.Contains(u.Suggestions, v):
			matches[u.Text] = v
		default:
			probs = append(probs, FieldProblem{field, fmt.Sprintf("Choose the organisation %q means, or create it as a new organisation", u.Text)})
		}
	}
	if len(probs) > 0 {
		h.renderImportJob(c, http.StatusUnprocessableEntity, probs)
		return
	}
	h.startImport(c, &up, r, false, matches, create)
}

// getImportJob returns the job with id to whoever may read it.
func (h *Handler) getImportJob(ctx context.Context, id string) (casereview.ImportJob, error) {
	if h.o.Imports == nil {
		return casereview.ImportJob{}, &casereview.Error{Code: casereview.CodeUnavailable, Message: "Imports are not available on this service."}
	}
	return h.o.Imports.Get(ctx, id)
}
