package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Theme suggestions (POST /recommendations/:id/themes/:code/:decision, decision accept or reject):
// the buttons beside each suggestion on the recommendation page. Accepting changes the
// recommendation's themes, so the form carries the version the person saw (hidden "version");
// rejecting may carry a reason (hidden or typed "reason"). The service decides who may do either.

// suggestionGone is the page for a decision that can no longer be made as asked.
type suggestionGone struct {
	Heading string
	Message string
	Href    string
}

func (h *Handler) decideSuggestion(c *gin.Context) {
	ctx := c.Request.Context()
	rec, err := h.svc.GetRecommendation(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	code := c.Param("code")
	name := code
	if th, err := h.svc.GetTheme(ctx, code); err == nil {
		name = th.Label
	}
	var msg string
	switch c.Param("decision") {
	case "accept":
		_, err = h.svc.AcceptThemeSuggestion(ctx, rec.ID, postedVersion(c, "version"), code)
		msg = "Theme added: " + name
	case "reject":
		_, err = h.svc.RejectThemeSuggestion(ctx, rec.ID, code, c.PostForm("reason"))
		msg = "Suggestion dismissed: " + name
	default:
		h.fail(c, casereview.NotFound("page"))
		return
	}
	href := "/recommendations/" + rec.ID
	switch {
	case casereview.IsCode(err, casereview.CodePreconditionFailed):
		h.showSuggestionGone(c, http.StatusConflict, suggestionGone{"This recommendation has changed since you opened it",
			"Someone else changed it while you were reading it. Look at its themes and text again, then accept the suggestion if it still fits.", href})
	case casereview.IsCode(err, casereview.CodeNotFound):
		// The recommendation is there (read above), so it is the suggestion that is not.
		h.showSuggestionGone(c, http.StatusNotFound, suggestionGone{"This theme is no longer suggested",
			"Someone may have accepted or dismissed it already, or the recommendation's text has changed.", href})
	case err != nil:
		h.fail(c, err)
	default:
		h.done(c, msg, href)
	}
}

func (h *Handler) showSuggestionGone(c *gin.Context, status int, g suggestionGone) {
	p := h.page(c, g.Heading, g)
	p.Nav = "work"
	h.render(c, status, "suggestion-gone", p)
}
