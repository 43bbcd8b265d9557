package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Oversight's review of evidence (GET/POST /evidence/:id/review): verify or reject one item, and,
// when the action it supports is claimed implemented, verify the implementation or send the claim
// back. Both forms post to the same address; the hidden field "about" says which ("claim" for the
// second). The service decides who may do either.

// evidenceReviewView is the page's view model.
type evidenceReviewView struct {
	recHeading
	Evidence casereview.Evidence
	Action   casereview.Action
	Owner    string                // the name of the organisation that owns the action
	OnAction []casereview.Evidence // every item of evidence on the action, this one included
	// ClaimVersion is the action version the claim form is based on; ClaimChanged says the action
	// changed since the person opened the page (their post was refused as stale).
	ClaimVersion int
	ClaimChanged bool
}

// AwaitsVerification reports whether the action is claimed implemented and waits for oversight.
func (v evidenceReviewView) AwaitsVerification() bool {
	return v.Action.ImplementationStatus == casereview.ImplPending
}

// Unreviewed counts the items of evidence on the action that nobody has verified or rejected.
func (v evidenceReviewView) Unreviewed() int {
	n := 0
	for _, e := range v.OnAction {
		if e.Status == casereview.EvidencePending {
			n++
		}
	}
	return n
}

// FileSize is the size of an uploaded file for people: "240 KB".
func (v evidenceReviewView) FileSize() string {
	n := v.Evidence.SizeBytes
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// evidenceWords words the domain's problems with a verdict for people.
var evidenceWords = map[string]string{
	"decision":      "Select whether the evidence is verified or rejected",
	"note:required": "Enter a note saying what the evidence lacks, so the agency knows what to send",
	"note:too_long": "The note must be 5,000 characters or fewer",
}

// claimWords words the domain's problems with a decision on a claim of implementation.
var claimWords = map[string]string{
	"status":          "Select whether to verify the implementation or send the claim back",
	"reason:required": "Enter the reason you are sending the claim back",
	"reason:too_long": "The reason must be 20,000 characters or fewer",
}

func (h *Handler) loadEvidenceReview(c *gin.Context, id string) (evidenceReviewView, error) {
	ctx := c.Request.Context()
	e, err := h.svc.GetEvidence(ctx, id)
	if err != nil {
		return evidenceReviewView{}, err
	}
	act, err := h.svc.GetAction(ctx, e.ActionID)
	if err != nil {
		return evidenceReviewView{}, err
	}
	rh, err := h.loadRecHeading(c, e.RecommendationID)
	if err != nil {
		return evidenceReviewView{}, err
	}
	all, err := h.svc.ListEvidence(ctx, act.ID)
	if err != nil {
		return evidenceReviewView{}, err
	}
	v := evidenceReviewView{recHeading: rh, Evidence: e, Action: act, OnAction: all, ClaimVersion: act.Version}
	for _, a := range rh.Rec.Addressees {
		if a.OrganisationID == act.OrganisationID {
			v.Owner = a.OrganisationName
		}
	}
	return v, nil
}

func (h *Handler) showEvidenceReview(c *gin.Context, status int, v evidenceReviewView, errs []FieldProblem) {
	p := h.page(c, "Review evidence", v)
	p.Nav = "work"
	p.Errors = errs
	if c.Request.Method == http.MethodPost {
		p.Form = c.Request.PostForm
	}
	h.render(c, status, "evidence-review", p)
}

func (h *Handler) reviewEvidenceForm(c *gin.Context) {
	v, err := h.loadEvidenceReview(c, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.showEvidenceReview(c, http.StatusOK, v, nil)
}

func (h *Handler) reviewEvidence(c *gin.Context) {
	id := c.Param("id")
	if c.PostForm("about") == "claim" {
		h.reviewClaim(c, id)
		return
	}
	ctx := c.Request.Context()
	decision := casereview.EvidenceStatus(c.PostForm("decision"))
	e, err := h.svc.ReviewEvidence(ctx, id, decision, c.PostForm("note"))
	if err != nil {
		probs := plainProblems(err, evidenceWords)
		if probs == nil {
			h.fail(c, err)
			return
		}
		v, lerr := h.loadEvidenceReview(c, id)
		if lerr != nil {
			h.fail(c, lerr)
			return
		}
		h.showEvidenceReview(c, http.StatusUnprocessableEntity, v, probs)
		return
	}
	msg := "Evidence verified"
	if e.Status == casereview.EvidenceRejected {
		msg = "Evidence rejected"
	}
	// While the action waits for verification, the next thing to decide is on this page.
	target := "/recommendations/" + e.RecommendationID
	if act, err := h.svc.GetAction(ctx, e.ActionID); err == nil && act.ImplementationStatus == casereview.ImplPending {
		target = "/evidence/" + e.ID + "/review"
	}
	h.done(c, msg, target)
}

// reviewClaim verifies an action's claimed implementation or sends it back to in progress.
func (h *Handler) reviewClaim(c *gin.Context, evidenceID string) {
	v, err := h.loadEvidenceReview(c, evidenceID)
	if err != nil {
		h.fail(c, err)
		return
	}
	status := casereview.ImplementationStatus(c.PostForm("status"))
	if status == "" {
		// With no status the service would take the post for a note and ask for its text.
		v.ClaimVersion = postedVersion(c, "action_version")
		h.showEvidenceReview(c, http.StatusUnprocessableEntity, v, []FieldProblem{{Field: "status", Message: claimWords["status"]}})
		return
	}
	act, err := h.svc.ProgressAction(c.Request.Context(), v.Action.ID, postedVersion(c, "action_version"),
		casereview.ActionProgress{Status: status, Reason: c.PostForm("reason")})
	switch {
	case casereview.IsCode(err, casereview.CodePreconditionFailed):
		v.ClaimChanged = true // v holds the action as it is now, and its version
		h.showEvidenceReview(c, http.StatusConflict, v, nil)
		return
	case err != nil:
		probs := plainProblems(err, claimWords)
		if probs == nil {
			h.fail(c, err)
			return
		}
		v.ClaimVersion = postedVersion(c, "action_version")
		h.showEvidenceReview(c, http.StatusUnprocessableEntity, v, probs)
		return
	}
	msg := "Implementation verified"
	if act.ImplementationStatus != casereview.ImplVerified {
		msg = "Claim sent back: the action is in progress again"
	}
	h.done(c, msg, "/recommendations/"+act.RecommendationID)
}
