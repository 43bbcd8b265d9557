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
	Form        summaryForm
	Panel       filterPanel
	Unavailable string
	Clusters    []recurringCluster
	Shareable   bool
	Threshold   int
	// The other reporting pages with the same filters.
	DashboardHref, ExploreHref string
}

type recurringCluster struct {
	casereview.RecurringCluster
	First    earlierItem
	Hidden   bool   // shareable, and the earliest is on a restricted review: not named
	Times    figure // how many recommendations the cluster holds
	Reviews  string // how many reviews made them
	Verified string // the share implemented and verified, "—" when a figure is hidden
	Orgs     []string
}

// recurring is the recurring-themes report for oversight: the recurrence clusters with the most
// recommendations the reader may see, their span of years, how many reviews made them, the share
// implemented and verified, and the organisations addressed more than once. It takes the
// reporting pages' filters (a cluster counts the recommendations they keep), and to share it
// publishes its figures as the shareable summaries do (the cell key method).
func (h *Handler) recurring(c *gin.Context) {
	form, probs, ok := h.reportingFilter(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	v := &recurringView{Form: form, Shareable: form.Shareable(), Threshold: h.threshold(),
		DashboardHref: form.href("/dashboard"), ExploreHref: form.href("/explore")}
	panel := make(chan error, 1)
	go func() {
		opts, err := h.filterOptions(ctx, form)
		if err == nil {
			v.Panel, err = h.filterPanel(ctx, "/recurring", form, opts, c.Request.URL.Query())
		}
		panel <- err
	}()
	var figures error
	if len(probs) == 0 {
		figures = h.figuresAudited(ctx, "recurring", form, func() error { return h.recurringFigures(ctx, v) })
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
	p := h.page(c, "Recurring recommendations", v)
	p.Nav, p.Errors, p.Form = "oversight", probs, c.Request.URL.Query()
	status := http.StatusOK
	if len(probs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(c, status, "recurring", p)
}

// recurringFigures fills the clusters, published as the form asks.
func (h *Handler) recurringFigures(ctx context.Context, v *recurringView) error {
	if h.o.Recurrence == nil {
		v.Unavailable = "Recurring recommendations cannot be shown on this server."
		return nil
	}
	if v.Shareable { // as every shareable summary: refused for filters that isolate a few
		pop, err := h.sums.SummaryPopulation(ctx, v.Form.Filter)
		if err != nil {
			return err
		}
		if err := casereview.DisclosureRisk(pop.Matched, pop.Visible, v.Threshold); err != nil {
			return err
		}
	}
	keep, err := h.sums.SummaryRecurringMembers(ctx, v.Form.Filter)
	if err != nil {
		return err
	}
	clusters, err := h.o.Recurrence.RecurringClusters(ctx, 50, keep)
	if err != nil {
		return err
	}
	for _, rc := range clusters {
		rv, err := h.svc.GetReview(ctx, rc.Members[0].ReviewID)
		if err != nil {
			continue
		}
		out := recurringCluster{RecurringCluster: rc, First: earlierItem{Rec: rc.Members[0], Review: rv}}
		n, verified := len(rc.Members), rc.Verified
		out.Times, out.Reviews = figure{Text: strconv.Itoa(n), N: n}, strconv.Itoa(rc.Reviews)
		out.Verified = strconv.Itoa(100*verified/n) + "%"
		if v.Shareable {
			// The count and the verified share from the members' keys; the number of reviews
			// counts reviews, shown as "<5" from 1 to 4 like the document's; the earliest is
			// named only when its review is public.
			out.Times = shared(casereview.Tally{N: n, KeySum: rc.MembersKeySum}, v.Threshold)
			vf := shared(casereview.Tally{N: verified, KeySum: rc.VerifiedKeySum}, v.Threshold)
			out.Verified = "—"
			if !out.Times.Hidden && !vf.Hidden && out.Times.N > 0 {
				out.Verified = strconv.Itoa(100*vf.N/out.Times.N) + "%"
			}
			out.Reviews = publish(rc.Reviews, casereview.ProtectEach([]int{rc.Reviews}, v.Threshold)[0], v.Threshold).Text
			out.Hidden = rv.Visibility != casereview.VisibilityPublic
		} else {
			for name, k := range rc.RepeatedOrgs {
				out.Orgs = append(out.Orgs, name+" ("+strconv.Itoa(k)+")")
			}
			sort.Strings(out.Orgs)
		}
		if out.Times.N == 0 && !out.Times.Hidden {
			continue // published as 0: listed, it would say the cluster exists
		}
		v.Clusters = append(v.Clusters, out)
	}
	if v.Shareable { // in the order of the published figures, not the true ones
		sort.SliceStable(v.Clusters, func(i, j int) bool {
			a, b := v.Clusters[i].Times, v.Clusters[j].Times
			if a.Hidden != b.Hidden {
				return !a.Hidden
			}
			return a.N > b.N
		})
	}
	return nil
}
