package web

import (
	"context"
	"net/http"
	"sort"
	"strconv"
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
const maxDraftText = 20000

func (h *Handler) earlier(c *gin.Context) {
	ctx := c.Request.Context()
	v := earlierView{Text: strings.TrimSpace(c.Query("text"))}
	// As long as a recommendation's text may be (casereview.RecommendationDraft), as the API's
	// GET /recurrence/nearest caps it: the draft's start is plenty to find its neighbours.
	if len(v.Text) > maxDraftText {
		v.Text = strings.ToValidUTF8(v.Text[:maxDraftText], "")
	}
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

type recurringView struct {
	Unavailable string
	Clusters    []recurringCluster
}

type recurringCluster struct {
	casereview.RecurringCluster
	First       earlierItem
	VerifiedPct int
	Orgs        []string // "Name (n)", most addressed first
}

// recurring is the recurring-themes report for oversight: the recurrence clusters with the most
// recommendations the reader may see, their span of years, how many reviews made them, the share
// implemented and verified, and the organisations addressed more than once.
func (h *Handler) recurring(c *gin.Context) {
	ctx := c.Request.Context()
	var v recurringView
	if h.o.Recurrence == nil {
		v.Unavailable = "Recurring recommendations cannot be shown on this server."
	} else if clusters, err := h.o.Recurrence.RecurringClusters(ctx, 50); err != nil {
		h.fail(c, err)
		return
	} else {
		for _, rc := range clusters {
			rv, err := h.svc.GetReview(ctx, rc.Members[0].ReviewID)
			if err != nil {
				continue
			}
			out := recurringCluster{RecurringCluster: rc, First: earlierItem{Rec: rc.Members[0], Review: rv},
				VerifiedPct: 100 * rc.Verified / len(rc.Members)}
			for name, n := range rc.RepeatedOrgs {
				out.Orgs = append(out.Orgs, name+" ("+strconv.Itoa(n)+")")
			}
			sort.Strings(out.Orgs)
			v.Clusters = append(v.Clusters, out)
		}
	}
	p := h.page(c, "Recurring recommendations", v)
	p.Nav = "oversight"
	h.render(c, http.StatusOK, "recurring", p)
}
