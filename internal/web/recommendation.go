package web

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// The recommendation page: what the review asked, to whom, what each addressee answered, the
// actions and their evidence, links to other recommendations, the timeline of everything done,
// and the buttons the viewer may use. Which buttons show is decided by the domain's Can…
// functions (a courtesy: every post is checked again by the service).

// recommendationView is the page's view model.
type recommendationView struct {
	Rec          casereview.Recommendation
	Review       casereview.Review
	Heading      string
	Intervention string
	Responses    []responseView
	Actions      []actionView
	Links        []linkView
	Timeline     []timelineEntry
	Suggestions  []casereview.ThemeSuggestion
	Similar      similarView
	MadeBefore   madeBeforeView

	// What the viewer may do here.
	CanRespond   bool
	CanAddAction bool
	CanAssess    bool
	CanVerify    bool
	CanLink      bool
	CanManage    bool // decide theme suggestions
	CanEdit      bool // edit the recommendation: its panel, while it is open
	// Settled says why nothing about it can change now (it is closed), or "".
	Settled string
	Follow  followView
}

// followView is the Follow button of a recommendation or review page.
type followView struct {
	Shown     bool // a signed-in person
	Following bool
	Action    string
	What      string
}

type responseView struct {
	casereview.Response
	OrganisationName string
}

type actionView struct {
	casereview.Action
	OrganisationName string
	Evidence         []casereview.Evidence
	Milestones       []milestoneView
	CanWrite         bool // edit the action, add evidence, add milestones and mark them done
	CanProgress      bool // add a note or move it on
	// Withdraw: the items of evidence the viewer may withdraw (their own uploads, pending), by
	// id; WithdrawLater: why an item the viewer uploaded cannot be withdrawn just now.
	Withdraw      map[string]bool
	WithdrawLater map[string]string
}

// similarView is the "similar recommendations in other reviews" section; Shown is false where
// no search index runs.
type similarView struct {
	Shown       bool
	Unavailable string // why the list cannot be shown just now
	Items       []similarItem
}

type similarItem struct {
	Rec    casereview.Recommendation
	Review casereview.Review
	Linked bool // made before: already linked to this recommendation, in any way
}

func (h *Handler) recommendation(c *gin.Context) {
	ctx := c.Request.Context()
	v, err := h.loadRecommendationView(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	on, shown := h.followingOf(c, casereview.FollowRecommendation, v.Rec.ID)
	v.Follow = followView{Shown: shown, Following: on, Action: "/recommendations/" + v.Rec.ID + "/follow", What: "recommendation"}
	p := h.page(c, v.Heading, v)
	p.Nav = "reviews"
	h.render(c, 200, "recommendation", p)
}

func (h *Handler) loadRecommendationView(ctx context.Context, id string) (*recommendationView, error) {
	rec, err := h.svc.GetRecommendation(ctx, id)
	if err != nil {
		return nil, err
	}
	rv, err := h.reviewOf(ctx, rec)
	if err != nil {
		return nil, err
	}
	a := casereview.ActorFrom(ctx)
	v := &recommendationView{Rec: rec, Review: rv, Heading: recommendationHeading(rec)}
	if rec.InterventionType != nil {
		v.Intervention = h.interventionLabel(ctx, *rec.InterventionType)
	}
	orgNames := map[string]string{}
	for _, ad := range rec.Addressees {
		orgNames[ad.OrganisationID] = ad.OrganisationName
		if casereview.CanRespond(a, rv.PartnershipID, ad.OrganisationID) {
			v.CanRespond = true
		}
		if casereview.CanWriteAction(a, rv.PartnershipID, ad.OrganisationID) {
			v.CanAddAction = true
		}
	}
	v.CanAssess = a.IsOversight()
	v.CanVerify = a.IsOversight()
	v.CanLink = casereview.CanLink(a, rv.PartnershipID)
	v.CanManage = casereview.CanManageReview(a, rv.PartnershipID)

	responses, err := h.svc.ListResponses(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	for i := len(responses) - 1; i >= 0; i-- { // newest first
		r := responses[i]
		v.Responses = append(v.Responses, responseView{Response: r, OrganisationName: orgNames[r.OrganisationID]})
	}

	v.CanEdit = v.CanManage
	if err := casereview.CheckOpen(rec.OversightStatus, rec.ClosedOn); err != nil {
		// A closed recommendation is settled: the service refuses every change until oversight
		// reopens it, so the page offers none.
		v.Settled = "This recommendation is closed. Its record is settled: responses, actions and evidence can no longer change unless an oversight officer reopens it."
		v.CanRespond, v.CanAddAction, v.CanEdit = false, false, false
	}

	acts, err := h.svc.ListActions(ctx, casereview.ActionFilter{RecommendationID: rec.ID}, casereview.PageRequest{Limit: casereview.MaxPageSize})
	if err != nil {
		return nil, err
	}
	milestones, err := h.svc.MilestonesOfRecommendation(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	today := casereview.DateOf(h.now())
	for i := len(acts.Items) - 1; i >= 0; i-- { // the plan in the order it was written
		x := acts.Items[i]
		ev, err := h.svc.ListEvidence(ctx, x.ID)
		if err != nil {
			return nil, err
		}
		canWrite := casereview.CanWriteAction(a, rv.PartnershipID, x.OrganisationID)
		av := actionView{Action: x, OrganisationName: orgNames[x.OrganisationID], Evidence: ev,
			Milestones: milestoneViews(milestones[x.ID], today),
			CanWrite:   canWrite && v.Settled == "", CanProgress: v.Settled == "" && (canWrite || len(actionMoves(a, rv.PartnershipID, x.OrganisationID, x.ImplementationStatus)) > 0)}
		av.Withdraw, av.WithdrawLater = withdrawable(a, rec, rv, x, ev)
		v.Actions = append(v.Actions, av)
	}

	if v.Links, err = h.linkViews(ctx, rec); err != nil {
		return nil, err
	}
	entries, err := h.svc.Timeline(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	v.Timeline = h.timelineEntries(ctx, rec, entries, v.Actions, orgNames)

	if v.CanManage {
		// Only those who may accept or reject a suggestion are shown it.
		if v.Suggestions, err = h.svc.ThemeSuggestions(ctx, rec.ID); err != nil {
			return nil, err
		}
	}
	v.Similar = h.similar(ctx, rec.ID)
	v.MadeBefore = h.madeBefore(ctx, rec.ID)
	for i, it := range v.MadeBefore.Items {
		v.MadeBefore.Items[i].Linked = slices.ContainsFunc(v.Links, func(l linkView) bool { return l.Other.ID == it.Rec.ID })
	}
	return v, nil
}

// recommendationHeading is "Recommendation 3a: short title", or the first words of the text
// when the review gave no title.
func recommendationHeading(r casereview.Recommendation) string {
	title := strings.TrimSpace(r.Title)
	if title == "" {
		title = firstWords(r.Text, 12)
	}
	return "Recommendation " + r.Number + ": " + title
}

func (h *Handler) interventionLabel(ctx context.Context, code string) string {
	types, err := h.svc.ListInterventionTypes(ctx)
	if err == nil {
		for _, t := range types {
			if t.Code == code {
				return t.Label
			}
		}
	}
	return label(code)
}

// similar lists the recommendations in other reviews most like this one. A search that cannot
// answer just now leaves a note; the page itself never fails for it.
func (h *Handler) similar(ctx context.Context, id string) similarView {
	if h.o.Similar == nil {
		return similarView{}
	}
	limit := 5
	found, err := h.o.Similar.Similar(ctx, id, search.SimilarParams{Limit: &limit})
	if err != nil {
		if !casereview.IsCode(err, casereview.CodeUnavailable) {
			h.log.Warn("web: similar recommendations", "error", err)
		}
		return similarView{Shown: true, Unavailable: "Similar recommendations cannot be shown just now. Try again in a few minutes."}
	}
	out := similarView{Shown: true}
	reviews := map[string]casereview.Review{}
	for _, m := range found.Items {
		r := m.Recommendation
		rv, ok := reviews[r.ReviewID]
		if !ok {
			if rv, err = h.svc.GetReview(ctx, r.ReviewID); err != nil {
				continue
			}
			reviews[r.ReviewID] = rv
		}
		out.Items = append(out.Items, similarItem{Rec: r, Review: rv})
	}
	return out
}

type madeBeforeView struct {
	Shown       bool
	Unavailable string
	Items       []similarItem
}

// madeBefore lists the earlier recommendations in this one's recurrence cluster that the
// caller may read, latest first. A failure leaves a note; the page itself never fails for it.
func (h *Handler) madeBefore(ctx context.Context, id string) madeBeforeView {
	if h.o.Recurrence == nil {
		return madeBeforeView{}
	}
	recs, err := h.o.Recurrence.MadeBefore(ctx, id)
	if err != nil {
		h.log.Warn("web: made before", "error", err)
		return madeBeforeView{Shown: true, Unavailable: "Earlier recommendations cannot be shown just now."}
	}
	out := madeBeforeView{Shown: true}
	reviews := map[string]casereview.Review{}
	for _, r := range recs {
		rv, ok := reviews[r.ReviewID]
		if !ok {
			if rv, err = h.svc.GetReview(ctx, r.ReviewID); err != nil {
				continue
			}
			reviews[r.ReviewID] = rv
		}
		out.Items = append(out.Items, similarItem{Rec: r, Review: rv})
	}
	return out
}

// addresseeOptions are the addressees of rec for which allowed says yes, for the radios of a
// form (which organisation responds, which owns an action).
func addresseeOptions(rec casereview.Recommendation, allowed func(orgID string) bool) []casereview.Addressee {
	var out []casereview.Addressee
	for _, ad := range rec.Addressees {
		if allowed(ad.OrganisationID) {
			out = append(out, ad)
		}
	}
	slices.SortStableFunc(out, func(x, y casereview.Addressee) int { return strings.Compare(x.OrganisationName, y.OrganisationName) })
	return out
}

// fileSize shows a byte count the way people read it: "840 KB", "2.4 MB".
func fileSize(n int64) string {
	switch {
	case n < 1000:
		return plural(int(n), "byte", "bytes")
	case n < 1000*1000:
		return strconv.FormatInt((n+500)/1000, 10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
}

func init() {
	extraFuncs["firstWords"] = firstWords
	extraFuncs["fileSize"] = fileSize
	extraFuncs["lower"] = strings.ToLower
}
