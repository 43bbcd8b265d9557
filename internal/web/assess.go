package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Oversight's classification of a recommendation (GET/POST /recommendations/:id/assess): keep it
// open with a classification, close it, or reopen it. A closure is shown on a "check your answers"
// page first and made only when that page is confirmed (hidden confirmed=yes); its "Change" buttons
// post the answers back to the form, so nothing typed travels in a web address. The version the
// form was opened at travels with every post: a classification made meanwhile by someone else is
// shown beside the person's own, never silently overwritten.

// assessOption is one classification the form offers.
type assessOption struct {
	Value casereview.OversightStatus
	Hint  string
}

// assessHints say what each classification means, in the words of the oversight handbook.
var assessHints = map[casereview.OversightStatus]string{
	"open_unassessed":                      "Nobody has assessed the response yet.",
	"open_acceptable":                      "The response and the action planned meet the recommendation; the work is under way.",
	"open_acceptable_alternative":          "The agency is doing something different that meets the recommendation's intent.",
	"open_unacceptable":                    "The response or the action planned does not meet the recommendation.",
	"closed_acceptable_action":             "Done as recommended. Needs the implementation verified by oversight.",
	"closed_acceptable_alternative_action": "Done differently, in a way that meets the recommendation's intent.",
	"closed_exceeds":                       "The action went further than the recommendation asked. Needs the implementation verified by oversight.",
	"closed_unacceptable_action":           "Closed, although what was done does not meet the recommendation.",
	"closed_no_response":                   "No response came, despite reminders.",
	"closed_superseded":                    "A later recommendation replaces this one. Needs a link from the later recommendation.",
	"closed_duplicate":                     "It repeats a recommendation already tracked here. Needs a 'duplicate of' link to it.",
	"closed_no_longer_applicable":          "Things have changed so that it no longer applies, for example the service has closed.",
	"closed_reconsidered":                  "The review body has reconsidered it and withdrawn it.",
}

// assessView is the view model of the form and of the check page.
type assessView struct {
	recHeading
	Version int // the recommendation version the answers are based on
	Open    []assessOption
	Closed  []assessOption // empty when reopening: a closed recommendation is reopened first
	// The recommendations this one may be closed against: those linked to it the right way.
	DuplicateOf  []recLine
	SupersededBy []recLine
	// Changed is set when the recommendation changed since the person opened the form: the page
	// shows its current classification beside theirs, and Version is now the current one.
	Changed bool
	// LastAssessment is the latest classification recorded, shown when Changed.
	LastAssessment *casereview.ProgressUpdate
	// The answers, for the check page.
	Classification casereview.OversightStatus
	Rationale      string
	Linked         *recLine
	FollowUpOn     *casereview.Date
}

// Reopening reports whether the recommendation is closed, so the form reopens it.
func (v assessView) Reopening() bool { return v.Rec.OversightStatus.IsClosed() }

// LinkFirst is where to make the link a superseded or duplicate closure needs; the link form
// then sends the person back here with the classification chosen again.
func (v assessView) LinkFirst(kind, classification string) string {
	back := v.Href() + "/assess?" + url.Values{"classification": {classification}}.Encode()
	return v.Href() + "/links/new?" + url.Values{"type": {kind}, "return": {back}}.Encode()
}

// assessWords words the domain's problems with an assessment for people.
var assessWords = map[string]string{
	"classification:required":                "Select a classification",
	"classification:unknown_value":           "Select a classification",
	"classification:invalid":                 "Select a classification different from the current one",
	"classification:not_verified":            "Closing as acted upon needs the implementation verified by oversight first",
	"rationale:required":                     "Enter the rationale for closing or reopening the recommendation",
	"rationale:too_long":                     "The rationale must be 20,000 characters or fewer",
	"linked_recommendation_id":               "Select the recommendation it is closed against",
	"linked_recommendation_id:link_required": "Link the recommendations first, then close",
	"follow_up_on:invalid":                   "The follow-up date must be today or in the future, and only set when closing",
}

func (h *Handler) loadAssess(c *gin.Context, id string) (assessView, error) {
	rh, err := h.loadRecHeading(c, id)
	if err != nil {
		return assessView{}, err
	}
	v := assessView{recHeading: rh, Version: rh.Rec.Version}
	for _, s := range casereview.OversightStatuses {
		if s == rh.Rec.OversightStatus {
			continue
		}
		o := assessOption{Value: s, Hint: assessHints[s]}
		switch {
		case !s.IsClosed():
			v.Open = append(v.Open, o)
		case !v.Reopening():
			v.Closed = append(v.Closed, o)
		}
	}
	// closed_duplicate needs "this duplicate_of that"; closed_superseded needs "that supersedes this".
	var dup, sup []string
	for _, l := range rh.Rec.Links {
		switch {
		case l.Type == "duplicate_of" && l.FromID == rh.Rec.ID && !slices.Contains(dup, l.ToID):
			dup = append(dup, l.ToID)
		case l.Type == "supersedes" && l.ToID == rh.Rec.ID && !slices.Contains(sup, l.FromID):
			sup = append(sup, l.FromID)
		}
	}
	if v.DuplicateOf, err = h.recLinesByID(c, dup); err != nil {
		return assessView{}, err
	}
	if v.SupersededBy, err = h.recLinesByID(c, sup); err != nil {
		return assessView{}, err
	}
	return v, nil
}

// showAssess shows the form; form, when not nil, is the answers to show (else those posted).
func (h *Handler) showAssess(c *gin.Context, status int, v assessView, errs []FieldProblem, form url.Values) {
	title := "Assess the recommendation"
	if v.Reopening() {
		title = "Reopen the recommendation"
	}
	p := h.page(c, title, v)
	p.Nav = "work"
	p.Errors = errs
	p.Form = form
	if form == nil && c.Request.Method == http.MethodPost {
		p.Form = c.Request.PostForm
	}
	h.render(c, status, "assess", p)
}

func (h *Handler) assessForm(c *gin.Context) {
	v, err := h.loadAssess(c, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	var form url.Values
	// A link may preselect a classification: the link form sends the person back with it.
	if cl := c.Query("classification"); cl != "" {
		form = url.Values{"classification": {cl}}
	}
	h.showAssess(c, http.StatusOK, v, nil, form)
}

func (h *Handler) assess(c *gin.Context) {
	v, err := h.loadAssess(c, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	posted := postedVersion(c, "version")
	// "Change" on the check page: back to the form, with the answers.
	if c.PostForm("change") != "" {
		v.Version = posted
		h.showAssess(c, http.StatusOK, v, nil, nil)
		return
	}
	d := casereview.AssessmentDraft{Classification: casereview.OversightStatus(c.PostForm("classification")),
		Rationale: c.PostForm("rationale"), LinkedID: c.PostForm("linked_recommendation_id")}
	if d.Classification != casereview.ClosedSuperseded && d.Classification != casereview.ClosedDuplicate {
		d.LinkedID = "" // a choice left in a hidden part of the form for another classification
	}
	var dateProblem *FieldProblem
	if !v.Reopening() {
		d.FollowUpOn, dateProblem = postedDate(c.Request.PostForm, "follow_up_on", "Follow-up date")
	}
	closing := d.Classification.IsClosed()

	// A closure is checked before it is confirmed: the domain's own rules first, so the check page
	// never shows answers that cannot be saved, then the version.
	if closing && c.PostForm("confirmed") != "yes" || dateProblem != nil {
		ctxA := casereview.AssessmentContext{Current: v.Rec.OversightStatus, Implementation: v.Rec.ImplementationStatus,
			HasLink: true} // the form offers only linked recommendations; the service checks the link itself
		err := casereview.CheckAssessment(casereview.ActorFrom(c.Request.Context()), &d, ctxA, casereview.DateOf(h.now()))
		probs := plainProblems(err, assessWords)
		if err != nil && probs == nil {
			h.fail(c, err) // not an oversight officer
			return
		}
		if dateProblem != nil {
			probs = append(probs, *dateProblem)
		}
		v.linkFirst(d.Classification, probs)
		if len(probs) > 0 {
			v.Version = posted
			h.showAssess(c, http.StatusUnprocessableEntity, v, probs, nil)
			return
		}
		if posted != v.Rec.Version {
			h.changedMeanwhile(c, &v)
			h.showAssess(c, http.StatusConflict, v, nil, nil)
			return
		}
		h.showAssessCheck(c, v, d)
		return
	}

	rec, err := h.svc.Assess(c.Request.Context(), v.Rec.ID, posted, d)
	switch {
	case casereview.IsCode(err, casereview.CodePreconditionFailed):
		h.changedMeanwhile(c, &v) // v holds the recommendation as it is now, and its version
		h.showAssess(c, http.StatusConflict, v, nil, nil)
		return
	case err != nil:
		probs := plainProblems(err, assessWords)
		if probs == nil {
			h.fail(c, err)
			return
		}
		v.Version = posted
		v.linkFirst(d.Classification, probs)
		h.showAssess(c, http.StatusUnprocessableEntity, v, probs, nil)
		return
	}
	msg := "Assessment recorded: " + label(rec.OversightStatus)
	switch {
	case rec.OversightStatus.IsClosed():
		msg = "Recommendation closed: " + label(rec.OversightStatus)
	case v.Reopening():
		msg = "Recommendation reopened: " + label(rec.OversightStatus)
	}
	h.done(c, msg, v.Href())
}

// linkFirst words the problem of a superseded or duplicate closure with nothing linked to close
// it against: the person must make the link first, not choose from an empty list.
func (v assessView) linkFirst(cl casereview.OversightStatus, probs []FieldProblem) {
	var msg string
	switch {
	case cl == casereview.ClosedDuplicate && len(v.DuplicateOf) == 0:
		msg = "Link this recommendation to the one it duplicates first"
	case cl == casereview.ClosedSuperseded && len(v.SupersededBy) == 0:
		msg = "Link this recommendation to the one that supersedes it first"
	default:
		return
	}
	for i := range probs {
		if probs[i].Field == "linked_recommendation_id" {
			probs[i].Message = msg
		}
	}
}

// changedMeanwhile marks the form as based on an older version and finds who classified the
// recommendation last, to show beside the person's own answers.
func (h *Handler) changedMeanwhile(c *gin.Context, v *assessView) {
	v.Changed = true
	tl, err := h.svc.Timeline(c.Request.Context(), v.Rec.ID)
	if err != nil {
		return // the current classification is on the page anyway
	}
	for i := range tl {
		if tl[i].Kind == casereview.ProgressAssessment && (v.LastAssessment == nil || tl[i].CreatedAt.After(v.LastAssessment.CreatedAt)) {
			v.LastAssessment = &tl[i]
		}
	}
}

// showAssessCheck is the "check your answers" page of a closure.
func (h *Handler) showAssessCheck(c *gin.Context, v assessView, d casereview.AssessmentDraft) {
	v.Classification, v.Rationale, v.FollowUpOn = d.Classification, d.Rationale, d.FollowUpOn
	for _, l := range append(slices.Clone(v.DuplicateOf), v.SupersededBy...) {
		if l.ID == d.LinkedID {
			v.Linked = &l
		}
	}
	p := h.page(c, "Check your answers before closing the recommendation", v)
	p.Nav = "work"
	p.Form = c.Request.PostForm
	h.render(c, http.StatusOK, "assess-check", p)
}

// Carry lists the answers the check page's hidden fields carry to the next post.
func (assessView) Carry() []string {
	return []string{"classification", "rationale", "linked_recommendation_id", "follow_up_on-day", "follow_up_on-month", "follow_up_on-year"}
}
