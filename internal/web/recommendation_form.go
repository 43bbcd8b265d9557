package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
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

// themeGroupLabels are the taxonomy's three groups (DESIGN §5).
var themeGroupLabels = map[string]string{
	"A": "Forms of violence against women and girls and domestic abuse",
	"B": "Risk and vulnerability context",
	"C": "Practice and system themes",
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

// rowMap remembers which form row each addressee of the draft came from (empty rows are
// skipped), so the domain's problems land on the right row.
type rowMap []int

var indexed = regexp.MustCompile(`^(addressees|themes)\[(\d+)\]`)

func (m rowMap) rename(field string) string {
	g := indexed.FindStringSubmatch(field)
	if g == nil {
		if field == "review_id" {
			return ""
		}
		return field
	}
	if g[1] == "themes" {
		return "themes"
	}
	i, _ := strconv.Atoi(g[2])
	if i < len(m) {
		return fmt.Sprintf("addressees[%d]", m[i]) + field[len(g[0]):]
	}
	return field
}

// readRecommendation reads the posted form into a draft. Editing keeps what the form does not
// show: each remaining addressee's text as printed and its dates, and where each theme came from.
func readRecommendation(c *gin.Context, reviewID string, cur *casereview.Recommendation) (casereview.RecommendationDraft, rowMap, []FieldProblem) {
	_ = c.Request.ParseForm()
	f := &panelForm{form: c.Request.PostForm, labels: recLabels}
	d := casereview.RecommendationDraft{ReviewID: reviewID, Number: f.text("number"), Title: f.text("title"),
		Text: strings.TrimSpace(f.form.Get("text")), Scope: casereview.Scope(f.text("scope")),
		InterventionType: f.optional("intervention_type"), ResponseDue: f.date("response_due")}
	kept := map[string]casereview.Addressee{}
	sources := map[string]casereview.ThemeSource{}
	if cur != nil {
		for _, a := range cur.Addressees {
			kept[a.OrganisationID] = a
		}
		for _, t := range cur.Themes {
			sources[t.Code] = t.Source
		}
	}
	var rows rowMap
	for i := range addresseeRows(f.form) {
		org := f.text(fmt.Sprintf("addressees[%d].organisation_id", i))
		if org == "" {
			continue // an empty row, or one the person cleared to remove the addressee
		}
		a := casereview.AddresseeDraft{OrganisationID: org, Role: casereview.AddresseeRole(f.text(fmt.Sprintf("addressees[%d].role", i)))}
		if k, ok := kept[org]; ok {
			a.RawText, a.NotifiedOn, a.AcknowledgedOn = k.RawText, k.NotifiedOn, k.AcknowledgedOn
		}
		d.Addressees = append(d.Addressees, a)
		rows = append(rows, i)
	}
	primary := f.text("primary_theme")
	codes := f.form["themes"]
	if primary != "" && !slices.Contains(codes, primary) {
		codes = append([]string{primary}, codes...) // choosing a primary theme ticks it
	}
	for _, code := range codes {
		d.Themes = append(d.Themes, casereview.ThemeDraft{Code: code, Primary: code == primary, Source: sources[code]})
	}
	if len(f.probs) == 0 {
		return d, rows, nil
	}
	check := d
	check.Addressees = slices.Clone(d.Addressees)
	check.Themes = slices.Clone(d.Themes)
	return d, rows, mergeProblems(f.probs, panelProblems(check.Validate(), recLabels, recRequired, rows.rename))
}

// recValues is a saved recommendation as the form's fields.
func recValues(r casereview.Recommendation) url.Values {
	v := url.Values{"number": {r.Number}, "title": {r.Title}, "text": {r.Text}, "scope": {string(r.Scope)},
		"version": {strconv.Itoa(r.Version)}, "addressee_rows": {strconv.Itoa(max(len(r.Addressees)+1, minAddresseeRows))}}
	if r.InterventionType != nil {
		v.Set("intervention_type", *r.InterventionType)
	}
	if r.ResponseDueExplicit {
		setDate(v, "response_due", r.ResponseDue)
	}
	for i, a := range r.Addressees {
		v.Set(fmt.Sprintf("addressees[%d].organisation_id", i), a.OrganisationID)
		v.Set(fmt.Sprintf("addressees[%d].role", i), string(a.Role))
	}
	for _, t := range r.Themes {
		v.Add("themes", t.Code)
		if t.Primary {
			v.Set("primary_theme", t.Code)
		}
	}
	return v
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

// recNames are the organisation and theme names a comparison of two drafts needs.
func (h *Handler) recNames(ctx context.Context, r casereview.Recommendation, d casereview.RecommendationDraft) (map[string]string, map[string]string) {
	var ids []string
	for _, a := range d.Addressees {
		ids = append(ids, a.OrganisationID)
	}
	orgs, err := h.svc.Names(ctx, "organisation", ids)
	if err != nil {
		orgs = map[string]string{}
	}
	for _, a := range r.Addressees {
		orgs[a.OrganisationID] = a.OrganisationName
	}
	themes := map[string]string{}
	if all, _, err := h.svc.ListThemes(ctx, ""); err == nil {
		for _, t := range all {
			themes[t.Code] = t.Label
		}
	}
	return orgs, themes
}

// recRows shows a draft field by field, to compare two versions.
func recRows(d casereview.RecommendationDraft, orgs, themes map[string]string) [][2]string {
	var addr, th []string
	for _, a := range d.Addressees {
		addr = append(addr, orNotSet(orgs[a.OrganisationID])+" ("+strings.ToLower(label(a.Role))+")")
	}
	for _, t := range d.Themes {
		s := orNotSet(themes[strings.ToUpper(t.Code)])
		if t.Primary {
			s += " (primary)"
		}
		th = append(th, s)
	}
	slices.Sort(addr)
	slices.Sort(th)
	it := ""
	if d.InterventionType != nil {
		it = label(*d.InterventionType)
	}
	return [][2]string{
		{"Number", orNotSet(d.Number)},
		{"Short title", orNotSet(d.Title)},
		{"Text of the recommendation", orNotSet(d.Text)},
		{"Scope", label(d.Scope)},
		{"Type of intervention", orNotSet(it)},
		{"Response due", dateText(d.ResponseDue)},
		{"Addressees", orNotSet(strings.Join(addr, "; "))},
		{"Themes", orNotSet(strings.Join(th, "; "))},
	}
}
