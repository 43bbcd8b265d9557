package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Recording progress on an action: a note, a move to another implementation status, or both
// (casereview.ActionProgress). The status radios offer only the moves the domain lets this
// person make from the action's current status (casereview.ActionMovesFor); what a move needs
// (a target date, an outcome and evidence, a reason) the service checks and reports.

type progressView struct {
	Rec        casereview.Recommendation
	Heading    string
	Action     casereview.Action
	OrgName    string
	Moves      []casereview.ImplementationStatus
	Evidence   []casereview.Evidence
	Supporting int  // evidence items not rejected, which a claim of completion needs
	CanNote    bool // the person may add a note without moving the action
	CanOutcome bool // the person may state the outcome (the owner's statement)
	Changed    bool // the action changed since the form was opened
}

func (h *Handler) progressView(ctx context.Context, id string) (*progressView, error) {
	x, err := h.svc.GetAction(ctx, id)
	if err != nil {
		return nil, err
	}
	rec, err := h.svc.GetRecommendation(ctx, x.RecommendationID)
	if err != nil {
		return nil, err
	}
	rv, err := h.reviewOf(ctx, rec)
	if err != nil {
		return nil, err
	}
	ev, err := h.svc.ListEvidence(ctx, x.ID)
	if err != nil {
		return nil, err
	}
	a := casereview.ActorFrom(ctx)
	writer := casereview.CanWriteAction(a, rv.PartnershipID, x.OrganisationID)
	v := &progressView{Rec: rec, Heading: recommendationHeading(rec), Action: x, Evidence: ev,
		Moves:   actionMoves(a, rv.PartnershipID, x.OrganisationID, x.ImplementationStatus),
		CanNote: writer || a.IsOversight(), CanOutcome: writer}
	if len(v.Moves) == 0 && !v.CanNote {
		return nil, casereview.Forbidden("Only the organisation that owns an action, the review panel or oversight record progress on it.")
	}
	for _, ad := range rec.Addressees {
		if ad.OrganisationID == x.OrganisationID {
			v.OrgName = ad.OrganisationName
		}
	}
	for _, e := range ev {
		if e.Status != casereview.EvidenceRejected {
			v.Supporting++
		}
	}
	return v, nil
}

func (h *Handler) progressForm(c *gin.Context) {
	v, err := h.progressView(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Record progress", v)
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "progress", p)
}

func (h *Handler) progress(c *gin.Context) {
	ctx := c.Request.Context()
	f := c.Request.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	d := casereview.ActionProgress{Status: casereview.ImplementationStatus(f.Get("status")), Narrative: f.Get("narrative"), Reason: f.Get("reason")}
	if d.Status == casereview.ImplPending {
		// The outcome statement goes with a claim of completion; the box sits under that choice.
		o := f.Get("outcome")
		d.Outcome = &o
	}
	x, err := h.svc.ProgressAction(ctx, c.Param("id"), version, d)
	if err == nil {
		h.done(c, "Progress recorded", "/recommendations/"+x.RecommendationID)
		return
	}
	problems := plainProblems(err, progressWords)
	stale := casereview.IsCode(err, casereview.CodePreconditionFailed)
	if problems == nil && !stale {
		h.fail(c, err)
		return
	}
	v, verr := h.progressView(ctx, c.Param("id"))
	if verr != nil {
		h.fail(c, verr)
		return
	}
	status := http.StatusUnprocessableEntity
	form := cloneValues(f)
	if stale {
		// Someone moved the action on meanwhile: show it as it is now (the moves offered follow
		// its new status), keeping what the person wrote.
		v.Changed, status = true, http.StatusConflict
		form.Set("version", strconv.Itoa(v.Action.Version))
		form.Del("status")
	}
	p := h.page(c, "Record progress", v)
	p.Nav, p.Errors, p.Form = "reviews", problems, form
	h.render(c, status, "progress", p)
}

// actionMoves lists the statuses a may move the action to now, from the domain's table
// (casereview.ActionMovesFor), in the table's order.
func actionMoves(a casereview.Actor, partnershipID, organisationID string, from casereview.ImplementationStatus) []casereview.ImplementationStatus {
	var out []casereview.ImplementationStatus
	for _, t := range casereview.ActionMovesFor(a, partnershipID, organisationID, from) {
		out = append(out, casereview.ImplementationStatus(t.To))
	}
	return out
}
