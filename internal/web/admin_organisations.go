package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Organisations, kept by admins (issue 12 item 3): found by name or alias and sector, each with
// how many recommendations address it; changed; and duplicates merged, starting from the
// suggestions (casereview.SuggestDuplicates) since imports make near-duplicates by the hundred.
// Every write goes through the same service calls as the API (CanManageOrganisations,
// CanMergeOrganisations, audit, versions).

func (h *Handler) adminOrganisationRoutes(r gin.IRoutes) {
	r.GET("/admin/organisations", h.adminOrganisations)
	r.GET("/admin/organisations/duplicates", h.organisationDuplicates)
	r.GET("/admin/organisations/merge", h.mergeOrganisationsForm)
	r.POST("/admin/organisations/merge", h.mergeOrganisations)
	r.GET("/admin/organisations/:id/edit", h.editOrganisationForm)
	r.POST("/admin/organisations/:id/edit", h.editOrganisation)
}

func (h *Handler) requireOrgAdmin(c *gin.Context) bool {
	a := casereview.ActorFrom(c.Request.Context())
	if !casereview.CanManageOrganisations(a) {
		h.fail(c, casereview.Deny(a, "only admins keep the organisations"))
		return false
	}
	return true
}

const organisationsPageSize = 50

type orgLine struct {
	casereview.Organisation
	Addressed int
}

type organisationsData struct {
	Organisations []orgLine
	Sectors       []casereview.Sector
	Next, First   string
}

func (h *Handler) adminOrganisations(c *gin.Context) {
	if !h.requireOrgAdmin(c) {
		return
	}
	ctx := c.Request.Context()
	q := c.Request.URL.Query()
	f := casereview.OrganisationFilter{Name: strings.TrimSpace(q.Get("q")), Sector: casereview.Sector(q.Get("sector"))}
	var probs []FieldProblem
	if err := f.Validate(); err != nil {
		if probs = problemsOf(err); probs == nil {
			h.fail(c, err)
			return
		}
	}
	d := organisationsData{Sectors: casereview.Sectors}
	if probs == nil {
		res, err := h.svc.ListOrganisations(ctx, f, casereview.PageRequest{Limit: organisationsPageSize, After: q.Get("after")})
		if err != nil {
			h.fail(c, err)
			return
		}
		ids := make([]string, len(res.Items))
		for i, o := range res.Items {
			ids[i] = o.ID
		}
		addressed := map[string]int{}
		if len(ids) > 0 && h.sums != nil {
			figs, err := h.sums.SummaryOrganisations(ctx, casereview.SummaryFilter{Organisations: ids}, false)
			if err != nil {
				h.fail(c, err)
				return
			}
			for _, fg := range figs {
				addressed[fg.Key] = fg.Addressed
			}
		}
		for _, o := range res.Items {
			d.Organisations = append(d.Organisations, orgLine{Organisation: o, Addressed: addressed[o.ID]})
		}
		if res.NextCursor != "" && len(res.Items) > 0 {
			n := nonEmptyValues(q)
			n.Set("after", res.Items[len(res.Items)-1].ID)
			d.Next = "/admin/organisations?" + n.Encode()
		}
		if q.Get("after") != "" {
			n := nonEmptyValues(q)
			n.Del("after")
			d.First = "/admin/organisations?" + n.Encode()
		}
	}
	p := h.page(c, "Organisations", d)
	p.Nav, p.Errors, p.Form = "admin", probs, q
	status := http.StatusOK
	if probs != nil {
		status = http.StatusUnprocessableEntity
	}
	h.render(c, status, "admin-organisations", p)
}

func (h *Handler) organisationDuplicates(c *gin.Context) {
	if !h.requireOrgAdmin(c) {
		return
	}
	sugg, err := h.svc.OrganisationDuplicates(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Likely duplicate organisations", sugg)
	p.Nav = "admin"
	h.render(c, http.StatusOK, "admin-organisation-duplicates", p)
}

type mergeData struct {
	A, B          *orgLine // the two, once both are chosen
	Organisations []optionGroup
}

// mergeOrganisationsForm asks which two organisations are one (a= and b=, from a suggestion or
// chosen here), then which of them stays.
func (h *Handler) mergeOrganisationsForm(c *gin.Context) { h.renderMerge(c, http.StatusOK, nil) }

func (h *Handler) renderMerge(c *gin.Context, status int, probs []FieldProblem) {
	if !h.requireOrgAdmin(c) {
		return
	}
	ctx := c.Request.Context()
	get := func(key string) string {
		if v := c.PostForm(key); v != "" {
			return v
		}
		return c.Query(key)
	}
	d := mergeData{}
	for _, x := range []struct {
		key string
		to  **orgLine
	}{{"a", &d.A}, {"b", &d.B}} {
		id := get(x.key)
		if id == "" {
			continue
		}
		o, err := h.svc.GetOrganisation(ctx, id)
		if err != nil {
			h.fail(c, err)
			return
		}
		line := orgLine{Organisation: o}
		if h.sums != nil {
			figs, err := h.sums.SummaryOrganisations(ctx, casereview.SummaryFilter{Organisations: []string{o.ID}}, false)
			if err != nil {
				h.fail(c, err)
				return
			}
			for _, fg := range figs {
				if fg.Key == o.ID {
					line.Addressed = fg.Addressed
				}
			}
		}
		*x.to = &line
	}
	if d.A != nil && d.B != nil && d.A.ID == d.B.ID {
		probs = append(probs, FieldProblem{"b", "Choose two different organisations"})
		d.B = nil
	}
	if d.A == nil || d.B == nil {
		groups, err := h.organisationGroups(ctx)
		if err != nil {
			h.fail(c, err)
			return
		}
		d.Organisations = groups
	}
	p := h.page(c, "Merge two organisations", d)
	p.Nav, p.Errors = "admin", probs
	p.Form = c.Request.URL.Query()
	if c.Request.Method == http.MethodPost {
		p.Form = c.Request.PostForm
	}
	h.render(c, status, "admin-organisation-merge", p)
}

// mergeOrganisations merges the one not kept into the one kept, at the versions the person saw.
func (h *Handler) mergeOrganisations(c *gin.Context) {
	ctx := c.Request.Context()
	a, b := c.PostForm("a"), c.PostForm("b")
	keep := c.PostForm("keep")
	if keep != a && keep != b || keep == "" {
		h.renderMerge(c, http.StatusUnprocessableEntity, []FieldProblem{{"keep", "Choose which organisation stays"}})
		return
	}
	merged := b
	if keep == b {
		merged = a
	}
	versions := map[string]int{}
	versions[a], _ = strconv.Atoi(c.PostForm("a_version"))
	versions[b], _ = strconv.Atoi(c.PostForm("b_version"))
	res, err := h.svc.MergeOrganisations(ctx, keep, merged, versions[keep], versions[merged])
	switch {
	case err == nil:
		h.done(c, res.MergedName+" merged into "+res.Survivor.Name+": "+plural(res.Addressees, "addressee", "addressees")+", "+
			plural(res.Memberships, "membership", "memberships")+" and "+plural(res.Aliases, "alias", "aliases")+" moved",
			"/admin/organisations?"+url.Values{"q": {res.Survivor.Name}}.Encode())
	case casereview.IsCode(err, casereview.CodePreconditionFailed):
		h.renderMerge(c, http.StatusConflict, []FieldProblem{{"keep",
			"One of the organisations changed since you opened this page: check them again below, then merge"}})
	case casereview.IsCode(err, casereview.CodeConflict):
		h.renderMerge(c, http.StatusConflict, []FieldProblem{{"keep", sentence(errMessage(err))}})
	default:
		if probs := problemsOf(err); probs != nil {
			h.renderMerge(c, http.StatusUnprocessableEntity, []FieldProblem{{"keep", probs[0].Message}})
			return
		}
		h.fail(c, err)
	}
}

type orgFormData struct {
	O             casereview.Organisation
	Sectors       []casereview.Sector
	Organisations []optionGroup // for the parent
	Stale         bool
}

func orgValues(o casereview.Organisation) url.Values {
	v := url.Values{"name": {o.Name}, "sector": {string(o.Sector)}, "aliases": {strings.Join(o.Aliases, "\n")},
		"senior_contact_name": {o.SeniorContactName}, "senior_contact_email": {o.SeniorContactEmail},
		"version": {strconv.Itoa(o.Version)}}
	if o.ParentID != nil {
		v.Set("parent_id", *o.ParentID)
	}
	return v
}

func (h *Handler) renderOrgForm(c *gin.Context, status int, o casereview.Organisation, form url.Values, probs []FieldProblem, stale bool) {
	groups, err := h.organisationGroups(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	title := "Change " + o.Name
	if stale {
		title = "This organisation has changed since you opened it"
	}
	p := h.page(c, title, orgFormData{O: o, Sectors: casereview.Sectors, Organisations: groups, Stale: stale})
	p.Nav, p.Errors, p.Form = "admin", probs, form
	h.render(c, status, "admin-organisation-form", p)
}

func (h *Handler) editOrganisationForm(c *gin.Context) {
	if !h.requireOrgAdmin(c) {
		return
	}
	ctx := c.Request.Context()
	o, err := h.svc.GetOrganisation(ctx, c.Param("id"))
	if casereview.IsCode(err, casereview.CodeNotFound) {
		// A merged organisation's address leads to the one it was merged into, as the API's does.
		if to, ok, rerr := h.svc.OrganisationRedirect(ctx, c.Param("id")); rerr == nil && ok {
			c.Redirect(http.StatusMovedPermanently, "/admin/organisations/"+to+"/edit")
			return
		}
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderOrgForm(c, http.StatusOK, o, orgValues(o), nil, false)
}

func (h *Handler) editOrganisation(c *gin.Context) {
	if !h.requireOrgAdmin(c) {
		return
	}
	ctx := c.Request.Context()
	o, err := h.svc.GetOrganisation(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	d := casereview.OrganisationDraft{Name: strings.TrimSpace(c.PostForm("name")), Sector: casereview.Sector(c.PostForm("sector")),
		Aliases:           strings.FieldsFunc(c.PostForm("aliases"), func(r rune) bool { return r == '\n' || r == '\r' }),
		SeniorContactName: strings.TrimSpace(c.PostForm("senior_contact_name")), SeniorContactEmail: c.PostForm("senior_contact_email")}
	if pid := c.PostForm("parent_id"); pid != "" {
		d.ParentID = &pid
	}
	saved, err := h.svc.UpdateOrganisation(ctx, o.ID, version, d)
	form := c.Request.PostForm
	switch {
	case err == nil:
		h.done(c, saved.Name+" updated", "/admin/organisations?"+url.Values{"q": {saved.Name}}.Encode())
	case casereview.IsCode(err, casereview.CodePreconditionFailed):
		if o, err = h.svc.GetOrganisation(ctx, o.ID); err != nil {
			h.fail(c, err)
			return
		}
		form.Set("version", strconv.Itoa(o.Version))
		h.renderOrgForm(c, http.StatusConflict, o, form, nil, true)
	default:
		probs := problemsOf(err)
		if probs == nil {
			h.fail(c, err)
			return
		}
		for i, p := range probs {
			if strings.HasPrefix(p.Field, "aliases") {
				probs[i].Field = "aliases"
			}
		}
		h.renderOrgForm(c, http.StatusUnprocessableEntity, o, form, probs, false)
	}
}
