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

// The recommendation form: recording a review's recommendations one after another ("save and
// add another") and editing one, for the panel of the review's partnership. Addressees are a
// fixed number of rows of plain selects; "Add another addressee" posts the form back with one
// more row, so it all works without JavaScript.

const (
	minAddresseeRows = 3
	maxAddresseeRows = 100 // the domain's limit
)

type recFormData struct {
	Action            string
	Cancel            string
	Editing           bool
	Review            casereview.Review
	Rec               casereview.Recommendation // the saved recommendation, when editing
	NumberHint        string
	InterventionTypes []casereview.InterventionType
	Organisations     []optionGroup
	Rows              []int
	Roles             []casereview.AddresseeRole
	Scopes            []casereview.Scope
	ThemeGroups       []themeGroup
	TextMax           int
	Changes           []change
	Stale             bool
}

type optionGroup struct {
	Label   string
	Options []option
}

type themeGroup struct {
	Code   string
	Label  string
	Themes []casereview.Theme
}

var recLabels = map[string]string{
	"number": "Number", "title": "Short title", "text": "Text of the recommendation", "scope": "Scope",
	"intervention_type": "Type of intervention", "response_due": "Response due",
	"addressees[].organisation_id": "Organisation", "addressees[].role": "Role", "themes": "Themes",
}

var recRequired = map[string]string{
	"number":                                 "Enter the recommendation's number as printed in the report",
	"text":                                   "Enter the text of the recommendation",
	"scope":                                  "Select the scope of the recommendation",
	"addressees[].organisation_id":           "Select the organisation",
	"addressees[].role":                      "Select the organisation's role",
	"intervention_type":                      "Select a type of intervention from the list",
	"duplicate:addressees[].organisation_id": "This organisation is already chosen in another row",
	"duplicate:themes":                       "Tick each theme once",
	"duplicate:number":                       "This review already has a recommendation with this number",
}

func (h *Handler) newRecommendationForm(c *gin.Context) {
	ctx := c.Request.Context()
	rv, err := h.svc.GetReview(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if !casereview.CanManageReview(casereview.ActorFrom(ctx), rv.PartnershipID) {
		h.fail(c, casereview.Forbidden("only the panel of the review's partnership records its recommendations"))
		return
	}
	form := url.Values{"addressee_rows": {strconv.Itoa(minAddresseeRows)}}
	h.renderRecForm(c, http.StatusOK, rv, nil, form, nil, nil)
}

func (h *Handler) newRecommendation(c *gin.Context) {
	ctx := c.Request.Context()
	rv, err := h.svc.GetReview(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if addAnotherAddressee(c) {
		h.renderRecForm(c, http.StatusOK, rv, nil, c.Request.PostForm, nil, nil)
		return
	}
	d, rows, probs := readRecommendation(c, rv.ID, nil)
	if probs == nil {
		r, err := h.svc.CreateRecommendation(ctx, d)
		if err == nil {
			msg := "Recommendation " + r.Number + " added"
			if c.PostForm("then") == "another" {
				h.done(c, msg, "/reviews/"+rv.ID+"/recommendations/new")
			} else {
				h.done(c, msg, "/reviews/"+rv.ID)
			}
			return
		}
		if probs = panelProblems(err, recLabels, recRequired, rows.rename); probs == nil {
			h.fail(c, err)
			return
		}
	}
	h.renderRecForm(c, http.StatusUnprocessableEntity, rv, nil, c.Request.PostForm, probs, nil)
}

func (h *Handler) editRecommendationForm(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := h.svc.GetRecommendation(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	rv, err := h.svc.GetReview(ctx, r.ReviewID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !casereview.CanManageReview(casereview.ActorFrom(ctx), rv.PartnershipID) {
		h.fail(c, casereview.Forbidden("only the panel of the review's partnership can change its recommendations"))
		return
	}
	h.renderRecForm(c, http.StatusOK, rv, &r, recValues(r), nil, nil)
}

func (h *Handler) editRecommendation(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := h.svc.GetRecommendation(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	rv, err := h.svc.GetReview(ctx, r.ReviewID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if addAnotherAddressee(c) {
		h.renderRecForm(c, http.StatusOK, rv, &r, c.Request.PostForm, nil, nil)
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	d, rows, probs := readRecommendation(c, rv.ID, &r)
	if probs != nil {
		h.renderRecForm(c, http.StatusUnprocessableEntity, rv, &r, c.Request.PostForm, probs, nil)
		return
	}
	saved, err := h.svc.UpdateRecommendation(ctx, r.ID, version, d)
	switch {
	case err == nil:
		h.done(c, "Recommendation "+saved.Number+" updated", "/recommendations/"+saved.ID)
	case casereview.IsCode(err, casereview.CodePreconditionFailed):
		// Saved by someone else meanwhile: show both versions and let this person submit theirs
		// again over the one now saved.
		if r, err = h.svc.GetRecommendation(ctx, r.ID); err != nil {
			h.fail(c, err)
			return
		}
		names, themes := h.recNames(ctx, r, d)
		changed := changes(recRows(r.Draft(), names, themes), recRows(d, names, themes))
		form := c.Request.PostForm
		form.Set("version", strconv.Itoa(r.Version))
		h.renderRecForm(c, http.StatusConflict, rv, &r, form, nil, changed)
	default:
		if probs = panelProblems(err, recLabels, recRequired, rows.rename); probs == nil {
			h.fail(c, err)
			return
		}
		h.renderRecForm(c, http.StatusUnprocessableEntity, rv, &r, c.Request.PostForm, probs, nil)
	}
}

// addAnotherAddressee handles the "Add another addressee" button: the form comes back as typed,
// with one more row.
func addAnotherAddressee(c *gin.Context) bool {
	if c.PostForm("add_addressee") == "" {
		return false
	}
	n := addresseeRows(c.Request.PostForm)
	c.Request.PostForm.Set("addressee_rows", strconv.Itoa(min(n+1, maxAddresseeRows)))
	return true
}

// addresseeRows is how many addressee rows the form has.
func addresseeRows(form url.Values) int {
	n, err := strconv.Atoi(form.Get("addressee_rows"))
	if err != nil || n < minAddresseeRows {
		n = minAddresseeRows
	}
	return min(n, maxAddresseeRows)
}

// renderRecForm shows the form with its choices: intervention types, organisations by sector,
// and the taxonomy's themes by group (a theme no longer in use only where it is already set).
func (h *Handler) renderRecForm(c *gin.Context, status int, rv casereview.Review, r *casereview.Recommendation,
	form url.Values, probs []FieldProblem, changed []change) {
	ctx := c.Request.Context()
	d := &recFormData{Review: rv, Action: "/reviews/" + rv.ID + "/recommendations/new", Cancel: "/reviews/" + rv.ID,
		Roles: casereview.AddresseeRoles, Scopes: casereview.Scopes, TextMax: 20000, Changes: changed,
		Stale: status == http.StatusConflict}
	title := "Add a recommendation"
	if r != nil {
		d.Editing, d.Rec = true, *r
		d.Action, d.Cancel = "/recommendations/"+r.ID+"/edit", "/recommendations/"+r.ID
		title = "Change recommendation " + r.Number
	}
	if d.Stale {
		title = "This recommendation has changed since you opened it"
	}
	var err error
	if d.InterventionTypes, err = h.svc.ListInterventionTypes(ctx); err != nil {
		h.fail(c, err)
		return
	}
	if d.Organisations, err = h.organisationGroups(ctx); err != nil {
		h.fail(c, err)
		return
	}
	themes, _, err := h.svc.ListThemes(ctx, "")
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, g := range []string{"A", "B", "C"} {
		tg := themeGroup{Code: g, Label: themeGroupLabels[g]}
		for _, t := range themes {
			if t.Group == g && (t.Active || slices.Contains(form["themes"], t.Code)) {
				tg.Themes = append(tg.Themes, t)
			}
		}
		d.ThemeGroups = append(d.ThemeGroups, tg)
	}
	d.NumberHint = "As printed in the report, for example 3, 4b or R2."
	if r == nil {
		if recs, err := h.reviewRecommendations(ctx, rv.ID); err == nil && len(recs) > 0 {
			nums := make([]string, len(recs))
			for i, x := range recs {
				nums[i] = x.Number
			}
			d.NumberHint += " Already recorded for this review: " + strings.Join(nums, ", ") + "."
		}
	}
	for i := range addresseeRows(form) {
		d.Rows = append(d.Rows, i)
	}
	p := h.page(c, title, d)
	p.Nav, p.Errors, p.Form = "reviews", probs, form
	h.render(c, status, "recommendation-form", p)
}

// organisationGroups lists every organisation by name, grouped by sector.
func (h *Handler) organisationGroups(ctx context.Context) ([]optionGroup, error) {
	bySector := map[casereview.Sector][]option{}
	pr := casereview.PageRequest{Limit: casereview.MaxPageSize}
	for {
		res, err := h.svc.ListOrganisations(ctx, casereview.OrganisationFilter{}, pr)
		if err != nil {
			return nil, err
		}
		for _, o := range res.Items {
			bySector[o.Sector] = append(bySector[o.Sector], option{Value: o.ID, Text: o.Name, Aliases: strings.Join(o.Aliases, " | ")})
		}
		if res.NextCursor == "" || len(res.Items) == 0 {
			break
		}
		pr.After = res.Items[len(res.Items)-1].ID
	}
	var out []optionGroup
	for _, s := range casereview.Sectors {
		if opts := bySector[s]; len(opts) > 0 {
			slices.SortFunc(opts, func(a, b option) int { return strings.Compare(a.Text, b.Text) })
			out = append(out, optionGroup{Label: label(s), Options: opts})
		}
	}
	return out, nil
}

// themesTicked counts the ticked themes of a group, to open its section and say how many.
func themesTicked(p *Page, g themeGroup) int {
	n := 0
	for _, t := range g.Themes {
		if p.Checked("themes", t.Code) {
			n++
		}
	}
	return n
}

func init() { extraFuncs["themesTicked"] = themesTicked }
