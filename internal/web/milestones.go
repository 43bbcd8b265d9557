package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Adding a milestone to an action and marking one done (casereview.MilestoneService): plain
// forms that post and redirect back to the recommendation. Whether the person may is decided by
// the service (a forged post is refused there); the pages only avoid offering what it would
// refuse.

type milestoneFormView struct {
	Rec       casereview.Recommendation
	Heading   string
	Action    casereview.Action
	OrgName   string
	Milestone *casereview.Milestone // the one being marked done
	Today     casereview.Date
}

// milestoneView is one milestone as the recommendation page lists it.
type milestoneView struct {
	casereview.Milestone
	State casereview.MilestoneState
}

func init() {
	for k, v := range map[string]string{"overdue": "Overdue", "due_soon": "Due soon", "done": "Done", "open": "Open"} {
		if _, ok := labels[k]; !ok {
			labels[k] = v
		}
	}
	for k, v := range map[string]string{"overdue": "red", "done": "green", "open": "grey"} {
		if _, ok := tagColours[k]; !ok {
			tagColours[k] = v
		}
	}
}

// milestoneWords words the domain's problems for the person filling in the forms.
var milestoneWords = map[string]string{
	"title:required":         "Enter what the milestone is",
	"title:too_long":         "The milestone must be 500 characters or fewer",
	"title:invalid":          "Enter the milestone on one line",
	"due_date:out_of_order":  "The due date must be on or after the date the recommendation was issued",
	"done_date:invalid":      "The date it was done must be today or in the past",
	"done_date:out_of_order": "The date it was done must be after the review was commissioned",
	"done_date:done":         "This milestone has already been marked as done",
	"action_id:too_long":     "This action already has as many milestones as it can",
}

// milestoneContext loads an action the person may write, with its recommendation.
func (h *Handler) milestoneContext(ctx context.Context, actionID string) (*milestoneFormView, error) {
	x, err := h.svc.GetAction(ctx, actionID)
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
	if !casereview.CanWriteMilestone(casereview.ActorFrom(ctx), rv.PartnershipID, x.OrganisationID) {
		return nil, errNoActionRights
	}
	if err := casereview.CheckOpen(rec.OversightStatus, rec.ClosedOn); err != nil {
		return nil, err
	}
	v := &milestoneFormView{Rec: rec, Heading: recommendationHeading(rec), Action: x, Today: casereview.DateOf(h.now())}
	for _, ad := range rec.Addressees {
		if ad.OrganisationID == x.OrganisationID {
			v.OrgName = ad.OrganisationName
		}
	}
	return v, nil
}

func (h *Handler) newMilestoneForm(c *gin.Context) {
	v, err := h.milestoneContext(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Add a milestone", v)
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "milestone-form", p)
}

func (h *Handler) newMilestone(c *gin.Context) {
	ctx := c.Request.Context()
	f := c.Request.PostForm
	d := casereview.MilestoneDraft{Title: f.Get("title")}
	var problems []FieldProblem
	var bad *FieldProblem
	if d.DueDate, bad = postedDate(f, "due_date", "Due date"); bad != nil {
		problems = append(problems, *bad)
	}
	if len(problems) == 0 {
		m, err := h.svc.CreateMilestone(ctx, c.Param("id"), d)
		if err == nil {
			h.done(c, "Milestone added", "/recommendations/"+m.RecommendationID)
			return
		}
		if problems = plainProblems(err, milestoneWords); problems == nil {
			h.fail(c, err)
			return
		}
	} else if err := d.Validate(casereview.DateOf(h.now())); err != nil {
		problems = append(problems, plainProblems(err, milestoneWords)...) // every field at once
	}
	v, err := h.milestoneContext(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Add a milestone", v)
	p.Nav, p.Errors, p.Form = "reviews", problems, f
	h.render(c, http.StatusUnprocessableEntity, "milestone-form", p)
}

// completeContext loads an open milestone the person may mark done.
func (h *Handler) completeContext(ctx context.Context, id string) (*milestoneFormView, error) {
	m, err := h.svc.GetMilestone(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := h.milestoneContext(ctx, m.ActionID)
	if err != nil {
		return nil, err
	}
	v.Milestone = &m
	return v, nil
}

func (h *Handler) completeMilestoneForm(c *gin.Context) {
	v, err := h.completeContext(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if v.Milestone.Done() {
		h.done(c, "", "/recommendations/"+v.Rec.ID)
		return
	}
	p := h.page(c, "Mark the milestone as done", v)
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "milestone-complete", p)
}

func (h *Handler) completeMilestone(c *gin.Context) {
	ctx := c.Request.Context()
	f := c.Request.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	done, bad := postedDate(f, "done_date", "Date it was done")
	var problems []FieldProblem
	if bad != nil {
		problems = append(problems, *bad)
	} else {
		m, err := h.svc.CompleteMilestone(ctx, c.Param("id"), version, done)
		if err == nil {
			h.done(c, "Milestone marked as done", "/recommendations/"+m.RecommendationID)
			return
		}
		switch {
		case casereview.IsCode(err, casereview.CodePreconditionFailed):
			problems = []FieldProblem{{Field: "done_date", Message: "Someone changed this milestone after you opened the page. Check it and try again"}}
		default:
			if problems = plainProblems(err, milestoneWords); problems == nil {
				h.fail(c, err)
				return
			}
		}
	}
	v, err := h.completeContext(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	f = cloneValues(f)
	f.Set("version", strconv.Itoa(v.Milestone.Version))
	p := h.page(c, "Mark the milestone as done", v)
	p.Nav, p.Errors, p.Form = "reviews", problems, f
	h.render(c, http.StatusUnprocessableEntity, "milestone-complete", p)
}

// milestoneViews orders an action's milestones as the service lists them and says how each
// stands today.
func milestoneViews(ms []casereview.Milestone, today casereview.Date) []milestoneView {
	out := make([]milestoneView, len(ms))
	for i, m := range ms {
		out[i] = milestoneView{Milestone: m, State: m.State(today)}
	}
	return out
}

// milestoneEntry words a milestone timeline entry: its title and what happened.
func milestoneEntry(e *timelineEntry, p casereview.ProgressUpdate) {
	title := p.Narrative
	when := func(s string) string {
		if d, err := casereview.ParseDate(s); err == nil {
			return formatDate(d)
		}
		return s
	}
	e.Old, e.New = "", ""
	switch p.Field {
	case string(casereview.MilestoneAdded):
		e.Title, e.Narrative = "Milestone added", title
		if due, _, ok := strings.Cut(p.NewStatus, " – "); ok {
			if d, err := casereview.ParseDate(due); err == nil { // an undated milestone's label is its title alone
				e.Narrative = title + " (due " + formatDate(d) + ")"
			}
		}
	case string(casereview.MilestoneCompleted):
		e.Title, e.Narrative = "Milestone done", title+" (done "+when(p.NewStatus)+")"
	case string(casereview.MilestoneRemoved):
		e.Title, e.Narrative = "Milestone removed", title
	default:
		what := map[string]string{"title": "Title", "due_date": "Due date", "done_date": "Date done"}[p.Field]
		old, new := p.OldStatus, p.NewStatus
		if p.Field != "title" {
			old, new = when(old), when(new)
		}
		if old == "" {
			old = "none"
		}
		if new == "" {
			new = "none"
		}
		e.Title, e.Narrative = "Milestone changed", title+": "+strings.ToLower(what)+" "+old+" → "+new
	}
}
