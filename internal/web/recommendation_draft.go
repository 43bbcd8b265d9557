package web

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Between the recommendation form and the domain's draft: reading a posted form, showing a
// saved recommendation as the form's fields, and comparing two versions.

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
