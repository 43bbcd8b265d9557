package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Adding an action to a recommendation's plan and editing one (casereview.ActionDraft). An edit
// carries the version it started from; when someone else changed the action meanwhile, the
// person sees both versions and may submit theirs over the new one, never a silent overwrite.

// actionFormView is the action form's view model, for adding and for editing.
type actionFormView struct {
	Rec        casereview.Recommendation
	Review     casereview.Review
	Heading    string
	Action     *casereview.Action // nil when adding
	Values     actionValues       // what the form shows before anything is posted
	Orgs       []casereview.Addressee
	FormAction string       // where the form posts
	Stale      *staleAction // set when the action changed since the form was opened
}

// actionValues are an action's fields as the form shows them.
type actionValues struct {
	OrganisationID, Description, Owner, Outcome string
	TargetDate, CompletionDate                  *casereview.Date
	Version                                     string
}

func valuesOf(x casereview.Action) actionValues {
	return actionValues{OrganisationID: x.OrganisationID, Description: x.Description, Owner: x.Owner, Outcome: derefText(x.Outcome),
		TargetDate: x.TargetDate, CompletionDate: x.CompletionDate, Version: strconv.Itoa(x.Version)}
}

// staleAction compares the action as it now is with what the person submitted.
type staleAction struct {
	Rows []staleRow
}

type staleRow struct {
	Field, Current, Theirs string
	Changed                bool
}

// actionContext loads a recommendation and its review and works out which addressees the
// person may write actions for.
func (h *Handler) actionContext(ctx context.Context, recID string) (casereview.Recommendation, casereview.Review, []casereview.Addressee, error) {
	rec, err := h.svc.GetRecommendation(ctx, recID)
	if err != nil {
		return rec, casereview.Review{}, nil, err
	}
	rv, err := h.reviewOf(ctx, rec)
	if err != nil {
		return rec, rv, nil, err
	}
	a := casereview.ActorFrom(ctx)
	orgs := addresseeOptions(rec, func(org string) bool { return casereview.CanWriteAction(a, rv.PartnershipID, org) })
	return rec, rv, orgs, nil
}

var errNoActionRights = casereview.Forbidden("Only the organisation that owns an action (or the review panel) writes it.")

func (h *Handler) newActionForm(c *gin.Context) {
	rec, rv, orgs, err := h.actionContext(c.Request.Context(), c.Param("id"))
	if err == nil && len(orgs) == 0 {
		err = errNoActionRights
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	v := &actionFormView{Rec: rec, Review: rv, Heading: recommendationHeading(rec), Orgs: orgs, FormAction: "/recommendations/" + rec.ID + "/actions/new"}
	p := h.page(c, "Add an action", v)
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "action-form", p)
}

// newAction adds the action. The service decides whether the person may (a forged post is
// refused there); the form is loaded again only to show what needs correcting.
func (h *Handler) newAction(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	f := c.Request.PostForm
	d, problems := actionDraftOf(f, id)
	if len(problems) == 0 {
		x, err := h.svc.CreateAction(ctx, d)
		if err == nil {
			h.done(c, "Action added", "/recommendations/"+x.RecommendationID)
			return
		}
		if problems = plainProblems(err, actionWords); problems == nil {
			h.fail(c, err)
			return
		}
	} else if err := d.Validate(casereview.DateOf(h.now())); err != nil {
		problems = append(problems, plainProblems(err, actionWords)...) // report every field at once
	}
	rec, rv, orgs, err := h.actionContext(ctx, id)
	if err == nil && len(orgs) == 0 {
		err = errNoActionRights
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	v := &actionFormView{Rec: rec, Review: rv, Heading: recommendationHeading(rec), Orgs: orgs, FormAction: "/recommendations/" + rec.ID + "/actions/new"}
	p := h.page(c, "Add an action", v)
	p.Nav, p.Errors, p.Form = "reviews", problems, f
	h.render(c, http.StatusUnprocessableEntity, "action-form", p)
}

// editContext loads an action the person may edit, with its recommendation.
func (h *Handler) editContext(ctx context.Context, id string) (*actionFormView, error) {
	x, err := h.svc.GetAction(ctx, id)
	if err != nil {
		return nil, err
	}
	rec, rv, orgs, err := h.actionContext(ctx, x.RecommendationID)
	if err != nil {
		return nil, err
	}
	if !casereview.CanWriteAction(casereview.ActorFrom(ctx), rv.PartnershipID, x.OrganisationID) {
		return nil, errNoActionRights
	}
	return &actionFormView{Rec: rec, Review: rv, Heading: recommendationHeading(rec), Action: &x, Values: valuesOf(x), Orgs: orgs,
		FormAction: "/actions/" + x.ID + "/edit"}, nil
}

func (h *Handler) editActionForm(c *gin.Context) {
	v, err := h.editContext(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Edit the action", v)
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "action-form", p)
}

// editAction saves the person's version of the action if it is still at the version they
// opened. The service decides whether they may; the form is loaded again only to show what
// needs correcting, or the action as it now is beside theirs.
func (h *Handler) editAction(c *gin.Context) {
	ctx := c.Request.Context()
	f := c.Request.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	x, err := h.svc.GetAction(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	d, problems := actionDraftOf(f, x.RecommendationID)
	stale := false
	if len(problems) == 0 {
		if _, err = h.svc.UpdateAction(ctx, x.ID, version, d); err == nil {
			h.done(c, "Action updated", "/recommendations/"+x.RecommendationID)
			return
		}
		if stale = casereview.IsCode(err, casereview.CodePreconditionFailed); !stale {
			if problems = plainProblems(err, actionWords); problems == nil {
				h.fail(c, err)
				return
			}
		}
	} else if err := d.Validate(casereview.DateOf(h.now())); err != nil {
		problems = append(problems, plainProblems(err, actionWords)...)
	}
	v, err := h.editContext(ctx, x.ID) // the action as it is now
	if err != nil {
		h.fail(c, err)
		return
	}
	status := http.StatusUnprocessableEntity
	p := h.page(c, "Edit the action", v)
	if stale {
		// Show the current action beside theirs, and let them submit theirs over this version.
		v.Stale = compareActions(*v.Action, d, v.Orgs)
		status = http.StatusConflict
		f = cloneValues(f)
		f.Set("version", strconv.Itoa(v.Action.Version))
		p.Title = "This action has changed since you opened it"
	}
	p.Nav, p.Errors, p.Form = "reviews", problems, f
	h.render(c, status, "action-form", p)
}

// actionDraftOf reads the action form. Dates that are not real dates are problems of the form
// itself; everything else the domain checks.
func actionDraftOf(f url.Values, recID string) (casereview.ActionDraft, []FieldProblem) {
	d := casereview.ActionDraft{RecommendationID: recID, OrganisationID: f.Get("organisation_id"),
		Description: f.Get("description"), Owner: f.Get("owner")}
	if o := f.Get("outcome"); strings.TrimSpace(o) != "" {
		d.Outcome = &o
	}
	var problems []FieldProblem
	var bad *FieldProblem
	if d.TargetDate, bad = postedDate(f, "target_date", "Target date"); bad != nil {
		problems = append(problems, *bad)
	}
	if d.CompletionDate, bad = postedDate(f, "completion_date", "Completion date"); bad != nil {
		problems = append(problems, *bad)
	}
	return d, problems
}

// compareActions lists each field of the action as it now is and as the person submitted it.
func compareActions(cur casereview.Action, theirs casereview.ActionDraft, orgs []casereview.Addressee) *staleAction {
	orgName := func(id string) string {
		for _, o := range orgs {
			if o.OrganisationID == id {
				return o.OrganisationName
			}
		}
		return ""
	}
	row := func(field, a, b string) staleRow {
		return staleRow{Field: field, Current: a, Theirs: b, Changed: strings.TrimSpace(a) != strings.TrimSpace(b)}
	}
	out := &staleAction{Rows: []staleRow{
		row("Owning organisation", orgName(cur.OrganisationID), orgName(theirs.OrganisationID)),
		row("Description", cur.Description, theirs.Description),
		row("Owner", cur.Owner, theirs.Owner),
		row("Target date", formatDate(cur.TargetDate), formatDate(theirs.TargetDate)),
		row("Completion date", formatDate(cur.CompletionDate), formatDate(theirs.CompletionDate)),
		row("Outcome", derefText(cur.Outcome), derefText(theirs.Outcome)),
		{Field: "Status", Current: label(cur.ImplementationStatus), Theirs: "(not changed on this form)"},
	}}
	return out
}

func derefText(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
