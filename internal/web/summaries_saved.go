package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Saved thematic summaries: the builder's definition kept for its owner (the address query of
// /summaries/view), listed at /summaries, and run again with the data of the day through
// /summaries/saved/:id. Only the owner and admins see one (casereview.CanReadSavedSummary).

func (h *Handler) savedSummaryRoutes(r gin.IRoutes) {
	r.GET("/summaries", h.savedSummaries)
	r.POST("/summaries", h.saveSummary)
	r.GET("/summaries/saved/:id", h.runSavedSummary)
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
	c.Redirect(http.StatusSeeOther, "/summaries/view?"+s.Definition)
}
