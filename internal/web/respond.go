package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Recording an addressee's formal response to a recommendation (casereview.ResponseDraft):
// which organisation answers, its decision, what it says, its timetable, its reasons (required
// unless it accepts in full) and the day the response was received.

// respondView is the response form's view model.
type respondView struct {
	Rec       casereview.Recommendation
	Review    casereview.Review
	Heading   string
	Orgs      []casereview.Addressee // the addressees the person may answer for
	Decisions []casereview.ResponseStatus
	Today     casereview.Date
}

// reasonsField is the name of the reasons box shown under decision (one box per decision that
// needs reasons, each in its conditional reveal).
func reasonsField(decision casereview.ResponseStatus) string { return "reasons-" + string(decision) }

func (h *Handler) respondView(ctx context.Context, id string) (*respondView, error) {
	rec, err := h.svc.GetRecommendation(ctx, id)
	if err != nil {
		return nil, err
	}
	rv, err := h.reviewOf(ctx, rec)
	if err != nil {
		return nil, err
	}
	a := casereview.ActorFrom(ctx)
	orgs := addresseeOptions(rec, func(org string) bool { return casereview.CanRespond(a, rv.PartnershipID, org) })
	if len(orgs) == 0 {
		return nil, casereview.Forbidden("Only the organisations this recommendation is addressed to (or the review panel) record a response to it.")
	}
	// The decisions, with the holding reply last (it decides nothing).
	var decisions []casereview.ResponseStatus
	for _, d := range casereview.ResponseDecisions {
		if d != casereview.ResponseReceived {
			decisions = append(decisions, d)
		}
	}
	decisions = append(decisions, casereview.ResponseReceived)
	return &respondView{Rec: rec, Review: rv, Heading: recommendationHeading(rec), Orgs: orgs,
		Decisions: decisions, Today: casereview.DateOf(h.now())}, nil
}

func (h *Handler) respondForm(c *gin.Context) {
	v, err := h.respondView(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Record the response", v)
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "respond", p)
}

// respond records the response. The service decides whether the person may (a forged post is
// refused there); the form is loaded again only to show what needs correcting.
func (h *Handler) respond(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	f := c.Request.PostForm
	d := casereview.ResponseDraft{OrganisationID: f.Get("organisation_id"), Decision: casereview.ResponseStatus(f.Get("decision")),
		Narrative: f.Get("narrative"), Timetable: f.Get("timetable")}
	if d.Decision.NeedsReasons() {
		d.Reasons = f.Get(reasonsField(d.Decision))
	}
	received, bad := postedDate(f, "received_on", "The date the response was received")
	d.ReceivedOn = received
	var problems []FieldProblem
	if bad != nil {
		problems = append(problems, *bad)
	}
	// The domain's own validation first, so that an organisation not chosen is a field to fill
	// in rather than a refusal; the service checks everything again.
	err := d.Validate(casereview.DateOf(h.now()))
	if err == nil && bad == nil {
		var r casereview.Response
		if r, err = h.svc.RecordResponse(ctx, id, d); err == nil {
			h.done(c, "Response recorded", "/recommendations/"+r.RecommendationID)
			return
		}
	}
	if err != nil {
		got := plainProblems(err, respondWords)
		if got == nil {
			h.fail(c, err)
			return
		}
		problems = append(problems, got...)
	}
	v, err := h.respondView(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	for i := range problems {
		if problems[i].Field == "reasons" && d.Decision != "" {
			problems[i].Field = reasonsField(d.Decision) // the box under the chosen decision
		}
	}
	p := h.page(c, "Record the response", v)
	p.Nav, p.Errors, p.Form = "reviews", problems, f
	h.render(c, http.StatusUnprocessableEntity, "respond", p)
}

func init() {
	extraFuncs["reasonsField"] = func(d casereview.ResponseStatus) string { return reasonsField(d) }
}
