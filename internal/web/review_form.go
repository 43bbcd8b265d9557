package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// The review form: recording a review and editing it, for the panel of its partnership.

type reviewFormData struct {
	Action       string
	Cancel       string
	Editing      bool
	Review       casereview.Review // the saved review, when editing
	Types        []casereview.ReviewType
	Partnerships []option
	Statuses     []casereview.ReviewStatus
	SummaryMax   int
	// Changes lists what someone else changed since the form was opened (a stale edit).
	Changes []change
	Stale   bool
}

// reviewLabels name the domain's fields as the form does, for messages.
var reviewLabels = map[string]string{
	"type": "Type of review", "partnership_id": "Partnership", "reference": "Reference", "title": "Title or pseudonym",
	"status": "Status", "visibility": "Who can see it", "incident_year": "Year of the death or incident",
	"commissioned_on": "Date commissioned", "published_on": "Date published", "report_url": "Link to the report",
	"summary": "Summary",
}

// reviewRequired are the GOV.UK messages for a missing answer.
var reviewRequired = map[string]string{
	"type":           "Select the type of review",
	"partnership_id": "Select the partnership that commissioned the review",
	"reference":      "Enter the review's reference",
	"title":          "Enter a title or pseudonym",
	"status":         "Select the review's status",
	"visibility":     "Select who can see the review",
	"published_on":   "Enter the date the review was published, or choose another status",
}

func (h *Handler) newReviewForm(c *gin.Context) {
	ctx := c.Request.Context()
	if !casereview.ActorFrom(ctx).HasRole(casereview.RolePanel) {
		h.fail(c, casereview.Forbidden("only members of a review panel record reviews"))
		return
	}
	d, err := h.reviewFormData(ctx, nil)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Record a review", d)
	p.Nav = "reviews"
	p.Form = url.Values{"status": {string(casereview.ReviewCommissioned)}, "visibility": {string(casereview.VisibilityRestricted)}}
	if len(d.Partnerships) == 1 {
		p.Form.Set("partnership_id", d.Partnerships[0].Value)
	}
	h.render(c, http.StatusOK, "review-form", p)
}

func (h *Handler) newReview(c *gin.Context) {
	ctx := c.Request.Context()
	draft, probs := h.readReview(c)
	if probs == nil {
		r, err := h.svc.CreateReview(ctx, draft)
		if err == nil {
			h.done(c, "Review "+r.Reference+" recorded. Add its recommendations next.", "/reviews/"+r.ID)
			return
		}
		if probs = panelProblems(err, reviewLabels, reviewRequired, nil); probs == nil {
			h.fail(c, err)
			return
		}
	}
	d, err := h.reviewFormData(ctx, nil)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Record a review", d)
	p.Nav, p.Errors, p.Form = "reviews", probs, c.Request.PostForm
	h.render(c, http.StatusUnprocessableEntity, "review-form", p)
}

func (h *Handler) editReviewForm(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := h.svc.GetReview(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if !casereview.CanManageReview(casereview.ActorFrom(ctx), r.PartnershipID) {
		h.fail(c, casereview.Forbidden("only the panel of the review's partnership can change it"))
		return
	}
	d, err := h.reviewFormData(ctx, &r)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Change review "+r.Reference, d)
	p.Nav, p.Form = "reviews", reviewValues(r)
	h.render(c, http.StatusOK, "review-form", p)
}

func (h *Handler) editReview(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := h.svc.GetReview(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	draft, probs := h.readReview(c)
	status := http.StatusUnprocessableEntity
	form := c.Request.PostForm
	var changed []change
	if probs == nil {
		saved, err := h.svc.UpdateReview(ctx, r.ID, version, draft)
		switch {
		case err == nil:
			h.done(c, "Review "+saved.Reference+" updated", "/reviews/"+saved.ID)
			return
		case casereview.IsCode(err, casereview.CodePreconditionFailed):
			// Someone saved the review since this form was opened: show theirs beside this
			// person's, and let them submit again over the version now saved.
			if r, err = h.svc.GetReview(ctx, r.ID); err != nil {
				h.fail(c, err)
				return
			}
			names := h.reviewNames(ctx, r.PartnershipID, draft.PartnershipID)
			changed = changes(reviewRows(r.Draft(), names), reviewRows(draft, names))
			form.Set("version", strconv.Itoa(r.Version))
			status = http.StatusConflict
		default:
			if probs = panelProblems(err, reviewLabels, reviewRequired, nil); probs == nil {
				h.fail(c, err)
				return
			}
		}
	}
	d, err := h.reviewFormData(ctx, &r)
	if err != nil {
		h.fail(c, err)
		return
	}
	d.Stale, d.Changes = status == http.StatusConflict, changed
	title := "Change review " + r.Reference
	if d.Stale {
		title = "This review has changed since you opened it"
	}
	p := h.page(c, title, d)
	p.Nav, p.Errors, p.Form = "reviews", probs, form
	h.render(c, status, "review-form", p)
}

// readReview reads the posted form into a draft. When something cannot be read, it returns
// those problems together with the domain's verdict on the rest, so all come at once.
func (h *Handler) readReview(c *gin.Context) (casereview.ReviewDraft, []FieldProblem) {
	_ = c.Request.ParseForm()
	f := &panelForm{form: c.Request.PostForm, labels: reviewLabels}
	d := casereview.ReviewDraft{Type: strings.ToUpper(f.text("type")), PartnershipID: f.text("partnership_id"),
		Reference: f.text("reference"), Title: f.text("title"), Status: casereview.ReviewStatus(f.text("status")),
		Visibility: casereview.Visibility(f.text("visibility")), IncidentYear: f.year("incident_year"),
		CommissionedOn: f.date("commissioned_on"), PublishedOn: f.date("published_on"),
		ReportURL: f.optional("report_url"), Summary: strings.TrimSpace(f.form.Get("summary"))}
	if len(f.probs) == 0 {
		return d, nil
	}
	check := d
	domain := panelProblems(check.Validate(casereview.DateOf(h.now())), reviewLabels, reviewRequired, nil)
	return d, mergeProblems(f.probs, domain)
}

// reviewValues is a saved review as the form's fields.
func reviewValues(r casereview.Review) url.Values {
	v := url.Values{"type": {r.Type}, "partnership_id": {r.PartnershipID}, "reference": {r.Reference},
		"title": {r.Title}, "status": {string(r.Status)}, "visibility": {string(r.Visibility)}, "summary": {r.Summary},
		"version": {strconv.Itoa(r.Version)}}
	if r.IncidentYear != nil {
		v.Set("incident_year", strconv.Itoa(*r.IncidentYear))
	}
	if r.ReportURL != nil {
		v.Set("report_url", *r.ReportURL)
	}
	setDate(v, "commissioned_on", r.CommissionedOn)
	setDate(v, "published_on", r.PublishedOn)
	return v
}

// reviewFormData gathers the choices of the form: review types, and the partnerships whose
// panel the person sits on (plus the review's own, when editing).
func (h *Handler) reviewFormData(ctx context.Context, r *casereview.Review) (*reviewFormData, error) {
	types, err := h.svc.ListReviewTypes(ctx)
	if err != nil {
		return nil, err
	}
	d := &reviewFormData{Action: "/reviews/new", Cancel: "/reviews", Types: types, Statuses: casereview.ReviewStatuses,
		SummaryMax: 20000}
	var ids []string
	for _, m := range casereview.ActorFrom(ctx).Memberships {
		if m.Role == casereview.RolePanel && m.PartnershipID != "" && !slices.Contains(ids, m.PartnershipID) {
			ids = append(ids, m.PartnershipID)
		}
	}
	if r != nil {
		d.Editing, d.Review = true, *r
		d.Action, d.Cancel = "/reviews/"+r.ID+"/edit", "/reviews/"+r.ID
		if !slices.Contains(ids, r.PartnershipID) {
			ids = append(ids, r.PartnershipID)
		}
	}
	if len(ids) > 0 {
		names, err := h.svc.Names(ctx, "partnership", ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			d.Partnerships = append(d.Partnerships, option{Value: id, Text: names[id]})
		}
		slices.SortFunc(d.Partnerships, func(a, b option) int { return strings.Compare(a.Text, b.Text) })
	}
	return d, nil
}

func (h *Handler) reviewNames(ctx context.Context, ids ...string) map[string]string {
	names, err := h.svc.Names(ctx, "partnership", ids)
	if err != nil {
		return map[string]string{}
	}
	return names
}

// reviewRows shows a draft field by field, to compare two versions.
func reviewRows(d casereview.ReviewDraft, partnerships map[string]string) [][2]string {
	year := ""
	if d.IncidentYear != nil {
		year = strconv.Itoa(*d.IncidentYear)
	}
	report := ""
	if d.ReportURL != nil {
		report = *d.ReportURL
	}
	return [][2]string{
		{"Type of review", label(d.Type)},
		{"Partnership", orNotSet(partnerships[d.PartnershipID])},
		{"Reference", orNotSet(d.Reference)},
		{"Title or pseudonym", orNotSet(d.Title)},
		{"Status", label(d.Status)},
		{"Who can see it", label(d.Visibility)},
		{"Year of the death or incident", orNotSet(year)},
		{"Date commissioned", dateText(d.CommissionedOn)},
		{"Date published", dateText(d.PublishedOn)},
		{"Link to the report", orNotSet(report)},
		{"Summary", orNotSet(d.Summary)},
	}
}
