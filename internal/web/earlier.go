package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// NearestFinder scores a draft's words against the recurrence clusters and answers the
// closest earlier recommendations the caller may read, best first (the same as
// GET /api/v1/recurrence/nearest).
type NearestFinder interface {
	Nearest(ctx context.Context, text string, limit int) ([]casereview.ScoredRecommendation, error)
}

type earlierView struct {
	Text        string
	TooShort    bool
	Unavailable string
	Items       []earlierItem
}

type earlierItem struct {
	Rec    casereview.Recommendation
	Review casereview.Review
	Same   bool // at or above the clusterer's threshold: asks for the same thing
}

// earlier is the page, and (its #earlier-results part) the fragment the recommendation form
// fetches as the panel types: the earlier recommendations closest to the draft's words. Without
// JavaScript the form's "Check for earlier recommendations" button opens it.
func (h *Handler) earlier(c *gin.Context) {
	ctx := c.Request.Context()
	v := earlierView{Text: strings.TrimSpace(c.Query("text"))}
	switch {
	case h.o.Nearest == nil:
		v.Unavailable = "Earlier recommendations cannot be shown on this server."
	case len(strings.Fields(v.Text)) < 3:
		v.TooShort = true
	default:
		found, err := h.o.Nearest.Nearest(ctx, v.Text, 5)
		if err != nil {
			if !casereview.IsCode(err, casereview.CodeUnavailable) {
				h.log.Warn("web: earlier recommendations", "error", err)
			}
			v.Unavailable = "Earlier recommendations cannot be shown just now. Try again in a few minutes."
			break
		}
		reviews := map[string]casereview.Review{}
		for _, f := range found {
			rv, ok := reviews[f.Recommendation.ReviewID]
			if !ok {
				if rv, err = h.svc.GetReview(ctx, f.Recommendation.ReviewID); err != nil {
					continue
				}
				reviews[rv.ID] = rv
			}
			v.Items = append(v.Items, earlierItem{Rec: f.Recommendation, Review: rv, Same: f.Score >= sameRecurrence})
		}
	}
	h.render(c, http.StatusOK, "recommendation-earlier", h.page(c, "Earlier recommendations like this draft", v))
}

// sameRecurrence is recurrence.Default.Threshold, kept here so that web does not import the
// clusterer; a test checks they agree.
const sameRecurrence = 0.21
