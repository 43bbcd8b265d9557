package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Saved thematic summaries: the builder's definition kept for its owner (the address query of
// /summaries/view), listed at /summaries, and run again with the data of the day through
// /summaries/saved/:id. Only the owner and admins see one (casereview.CanReadSavedSummary); only
// the owner renames or deletes it (casereview.CanChangeSavedSummary), deleting after a
// confirmation page.

func (h *Handler) savedSummaryRoutes(r gin.IRoutes) {
	r.GET("/summaries", h.savedSummaries)
	r.POST("/summaries", h.saveSummary)
	r.GET("/summaries/saved/:id", h.runSavedSummary)
	r.GET("/summaries/saved/:id/rename", h.renameSummaryForm)
	r.POST("/summaries/saved/:id/rename", h.renameSummary)
	r.GET("/summaries/saved/:id/delete", h.deleteSummaryConfirm)
	r.POST("/summaries/saved/:id/delete", h.deleteSummary)
}

func (h *Handler) savedSummaries(c *gin.Context) {
	if !h.summaryReader(c) {
		return
	}
	list, err := h.svc.ListSavedSummaries(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Saved thematic summaries", list)
	p.Nav = "dashboard"
	h.render(c, http.StatusOK, "summaries", p)
}

// saveSummary keeps the definition the page was showing, checked as the page checks it.
func (h *Handler) saveSummary(c *gin.Context) {
	if !h.summaryReader(c) {
		return
	}
	q, err := url.ParseQuery(c.PostForm("definition"))
	if err != nil {
		h.fail(c, casereview.Invalid("definition", casereview.FieldInvalid, "the summary's definition could not be read"))
		return
	}
	def, probs := readSummaryDef(q, casereview.DateOf(h.now()))
	if len(probs) > 0 {
		h.renderSummaryForm(c, http.StatusUnprocessableEntity, q, probs)
		return
	}
	saved, err := h.svc.SaveSummary(c.Request.Context(), def.Title, def.Query.Encode())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "Summary saved: "+saved.Title)
	c.Redirect(http.StatusSeeOther, "/summaries")
}

// runSavedSummary opens the saved definition's page: today's figures for the same definition.
func (h *Handler) runSavedSummary(c *gin.Context) {
	if !h.summaryReader(c) {
		return
	}
	s, err := h.svc.GetSavedSummary(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	// The saved title is the summary's name, whatever the definition was saved with (it may
	// have been renamed since).
	q, err := url.ParseQuery(s.Definition)
	if err != nil {
		h.fail(c, err)
		return
	}
	q.Set("title", s.Title)
	c.Redirect(http.StatusSeeOther, "/summaries/view?"+q.Encode())
}

// savedSummaryData is the rename form and the delete confirmation.
type savedSummaryData struct {
	S      casereview.SavedSummary
	Action string
}

// changeableSummary loads the saved summary the caller may change; ok is false when the page
// has been answered (404 to one who may not read it, 403 to one who may not change it).
func (h *Handler) changeableSummary(c *gin.Context) (casereview.SavedSummary, bool) {
	if !h.summaryReader(c) {
		return casereview.SavedSummary{}, false
	}
	ctx := c.Request.Context()
	s, err := h.svc.GetSavedSummary(ctx, c.Param("id"))
	if err == nil && !casereview.CanChangeSavedSummary(casereview.ActorFrom(ctx), s) {
		err = casereview.Deny(casereview.ActorFrom(ctx), "only its owner renames or deletes a saved summary")
	}
	if err != nil {
		h.fail(c, err)
		return s, false
	}
	return s, true
}

func (h *Handler) renameSummaryForm(c *gin.Context) {
	s, ok := h.changeableSummary(c)
	if !ok {
		return
	}
	p := h.page(c, "Rename a saved summary", &savedSummaryData{S: s, Action: "/summaries/saved/" + s.ID + "/rename"})
	p.Nav, p.Form = "dashboard", url.Values{"title": {s.Title}}
	h.render(c, http.StatusOK, "summary-rename", p)
}

func (h *Handler) renameSummary(c *gin.Context) {
	s, ok := h.changeableSummary(c)
	if !ok {
		return
	}
	title := strings.TrimSpace(c.PostForm("title"))
	var probs []FieldProblem
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		probs = append(probs, FieldProblem{"title", "Enter a title"})
	case n > maxSummaryTitle:
		probs = append(probs, FieldProblem{"title", fmt.Sprintf("The title must be %d characters or fewer", maxSummaryTitle)})
	}
	if len(probs) == 0 {
		saved, err := h.svc.RenameSavedSummary(c.Request.Context(), s.ID, title)
		if err == nil {
			h.flash(c, "Summary renamed: "+saved.Title)
			c.Redirect(http.StatusSeeOther, "/summaries")
			return
		}
		if probs = problemsOf(err); probs == nil {
			h.fail(c, err)
			return
		}
	}
	p := h.page(c, "Rename a saved summary", &savedSummaryData{S: s, Action: "/summaries/saved/" + s.ID + "/rename"})
	p.Nav, p.Errors, p.Form = "dashboard", probs, url.Values{"title": {c.PostForm("title")}}
	h.render(c, http.StatusUnprocessableEntity, "summary-rename", p)
}

func (h *Handler) deleteSummaryConfirm(c *gin.Context) {
	s, ok := h.changeableSummary(c)
	if !ok {
		return
	}
	p := h.page(c, "Delete the saved summary "+s.Title+"?", &savedSummaryData{S: s, Action: "/summaries/saved/" + s.ID + "/delete"})
	p.Nav = "dashboard"
	h.render(c, http.StatusOK, "summary-delete", p)
}

func (h *Handler) deleteSummary(c *gin.Context) {
	s, ok := h.changeableSummary(c)
	if !ok {
		return
	}
	if err := h.svc.DeleteSavedSummary(c.Request.Context(), s.ID); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "Summary deleted: "+s.Title)
	c.Redirect(http.StatusSeeOther, "/summaries")
}
