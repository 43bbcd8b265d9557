package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Withdrawing evidence uploaded by mistake (GET/POST /evidence/:id/withdraw): the person who
// uploaded it confirms, with a reason, on a page of its own. The recommendation page links to it
// next to each item its viewer may withdraw; the service checks every post again.

// evidenceWithdrawView is the confirmation page's view model.
type evidenceWithdrawView struct {
	recHeading
	Evidence casereview.Evidence
	Action   casereview.Action
	Owner    string // the name of the organisation that owns the action
	Max      int    // the longest reason accepted
}

// withdrawWords words the domain's problems with a withdrawal for the person withdrawing.
var withdrawWords = map[string]string{
	"reason:required": "Enter why you are withdrawing this evidence",
	"reason:too_long": "The reason must be 500 characters or fewer",
	"reason:invalid":  "The reason must be plain text",
}

// withdrawal is what casereview.CanWithdrawEvidence needs to know about item e of action x,
// with evs the action's evidence (withdrawn items are not among them).
func withdrawal(rec casereview.Recommendation, rv casereview.Review, x casereview.Action, e casereview.Evidence, evs []casereview.Evidence) casereview.EvidenceWithdrawal {
	others := 0
	for _, o := range evs {
		if o.ID != e.ID && o.Status != casereview.EvidenceRejected {
			others++
		}
	}
	return casereview.EvidenceWithdrawal{Evidence: e, PartnershipID: rv.PartnershipID, OrganisationID: x.OrganisationID,
		Classification: rec.OversightStatus, ClosedOn: rec.ClosedOn, Claimed: x.ImplementationStatus == casereview.ImplPending, OtherEvidence: others}
}

// withdrawable says which of an action's items of evidence a may withdraw now and, for those it
// uploaded but may not withdraw only because a claim rests on them, what to do first.
func withdrawable(a casereview.Actor, rec casereview.Recommendation, rv casereview.Review, x casereview.Action, evs []casereview.Evidence) (map[string]bool, map[string]string) {
	can, later := map[string]bool{}, map[string]string{}
	for _, e := range evs {
		err := casereview.CanWithdrawEvidence(a, withdrawal(rec, rv, x, e, evs))
		switch {
		case err == nil:
			can[e.ID] = true
		case hasField(err, "evidence"):
			later[e.ID] = "The claim that the action is implemented rests on this evidence alone. To withdraw it, first add the evidence that should replace it."
		}
	}
	return can, later
}

// hasField reports whether err is a domain error naming field.
func hasField(err error, field string) bool {
	var de *casereview.Error
	if errors.As(err, &de) {
		for _, f := range de.Fields {
			if f.Field == field {
				return true
			}
		}
	}
	return false
}

// loadWithdrawal loads the confirmation page for evidence id, refusing (403, 409) when the
// viewer may not withdraw it now.
func (h *Handler) loadWithdrawal(c *gin.Context, id string) (evidenceWithdrawView, error) {
	ctx := c.Request.Context()
	e, err := h.svc.GetEvidence(ctx, id)
	if err != nil {
		return evidenceWithdrawView{}, err
	}
	x, err := h.svc.GetAction(ctx, e.ActionID)
	if err != nil {
		return evidenceWithdrawView{}, err
	}
	rh, err := h.loadRecHeading(c, e.RecommendationID)
	if err != nil {
		return evidenceWithdrawView{}, err
	}
	evs, err := h.svc.ListEvidence(ctx, x.ID)
	if err != nil {
		return evidenceWithdrawView{}, err
	}
	if err := casereview.CanWithdrawEvidence(casereview.ActorFrom(ctx), withdrawal(rh.Rec, rh.Review, x, e, evs)); err != nil {
		return evidenceWithdrawView{}, err
	}
	v := evidenceWithdrawView{recHeading: rh, Evidence: e, Action: x, Max: casereview.MaxWithdrawalReason}
	for _, ad := range rh.Rec.Addressees {
		if ad.OrganisationID == x.OrganisationID {
			v.Owner = ad.OrganisationName
		}
	}
	return v, nil
}

func (h *Handler) showWithdrawal(c *gin.Context, status int, v evidenceWithdrawView, errs []FieldProblem) {
	p := h.page(c, "Withdraw evidence", v)
	p.Nav = "reviews"
	p.Errors = errs
	if c.Request.Method == http.MethodPost {
		p.Form = c.Request.PostForm
	}
	h.render(c, status, "evidence-withdraw", p)
}

func (h *Handler) withdrawEvidenceForm(c *gin.Context) {
	v, err := h.loadWithdrawal(c, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.showWithdrawal(c, http.StatusOK, v, nil)
}

func (h *Handler) withdrawEvidence(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	e, err := h.svc.GetEvidence(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.svc.WithdrawEvidence(ctx, id, c.PostForm("reason")); err != nil {
		probs := plainProblems(err, withdrawWords)
		if probs == nil {
			h.fail(c, err)
			return
		}
		v, lerr := h.loadWithdrawal(c, id)
		if lerr != nil {
			h.fail(c, lerr)
			return
		}
		h.showWithdrawal(c, http.StatusUnprocessableEntity, v, probs)
		return
	}
	h.done(c, "Evidence withdrawn: "+e.Title, "/recommendations/"+e.RecommendationID)
}
