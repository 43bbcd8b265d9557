package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Partnerships and their areas, kept by admins: a list to find one, and one form to add or
// change one. The service refuses anyone else (CanManagePartnerships), as the API does.

func (h *Handler) adminPartnershipRoutes(r gin.IRoutes) {
	r.GET("/admin/partnerships", h.adminPartnerships)
	r.GET("/admin/partnerships/new", h.newPartnershipForm)
	r.POST("/admin/partnerships/new", h.newPartnership)
	r.GET("/admin/partnerships/:id/edit", h.editPartnershipForm)
	r.POST("/admin/partnerships/:id/edit", h.editPartnership)
	r.GET("/admin/partnerships/:id/baselines", h.baselines)
	r.POST("/admin/partnerships/:id/baselines", h.uploadBaseline)
}

const partnershipsPageSize = 50

type partnershipsData struct {
	Partnerships []casereview.Partnership
	Kinds        []casereview.PartnershipKind
	Next, First  string
}

func (h *Handler) requireAdmin(c *gin.Context) bool {
	a := casereview.ActorFrom(c.Request.Context())
	if !casereview.CanManagePartnerships(a) {
		h.fail(c, casereview.Deny(a, "only admins keep the partnerships"))
		return false
	}
	return true
}

func (h *Handler) adminPartnerships(c *gin.Context) {
	if !h.requireAdmin(c) {
		return
	}
	q := c.Request.URL.Query()
	f := casereview.PartnershipFilter{Name: strings.TrimSpace(q.Get("q")), Kind: casereview.PartnershipKind(q.Get("kind"))}
	var probs []FieldProblem
	if err := f.Validate(); err != nil {
		if probs = problemsOf(err); probs == nil {
			h.fail(c, err)
			return
		}
	}
	d := partnershipsData{Kinds: casereview.PartnershipKinds}
	if probs == nil {
		res, err := h.svc.ListPartnerships(c.Request.Context(), f, casereview.PageRequest{Limit: partnershipsPageSize, After: q.Get("after")})
		if err != nil {
			h.fail(c, err)
			return
		}
		d.Partnerships = res.Items
		if res.NextCursor != "" && len(res.Items) > 0 {
			n := nonEmptyValues(q)
			n.Set("after", res.Items[len(res.Items)-1].ID)
			d.Next = "/admin/partnerships?" + n.Encode()
		}
		if q.Get("after") != "" {
			n := nonEmptyValues(q)
			n.Del("after")
			d.First = "/admin/partnerships?" + n.Encode()
		}
	}
	p := h.page(c, "Partnerships", d)
	p.Nav, p.Errors, p.Form = "admin", probs, q
	status := http.StatusOK
	if probs != nil {
		status = http.StatusUnprocessableEntity
	}
	h.render(c, status, "admin-partnerships", p)
}

type partnershipFormData struct {
	Editing bool
	P       casereview.Partnership
	Kinds   []casereview.PartnershipKind
	Action  string
	Stale   bool
}

func (h *Handler) renderPartnershipForm(c *gin.Context, status int, d partnershipFormData, form url.Values, probs []FieldProblem) {
	d.Kinds = casereview.PartnershipKinds
	title := "Add a partnership"
	if d.Editing {
		title = "Change " + d.P.Name
	}
	if d.Stale {
		title = "This partnership has changed since you opened it"
	}
	p := h.page(c, title, d)
	p.Nav, p.Errors, p.Form = "admin", probs, form
	h.render(c, status, "admin-partnership-form", p)
}

func partnershipValues(x casereview.Partnership) url.Values {
	v := url.Values{"name": {x.Name}, "kind": {string(x.Kind)}, "area_codes": {strings.Join(x.AreaCodes, "\n")},
		"version": {strconv.Itoa(x.Version)}}
	if x.ViewersSeeRestricted {
		v.Set("viewers_see_restricted", "yes")
	}
	return v
}

// readPartnership reads the form: area codes one to a line (or separated by commas).
func readPartnership(c *gin.Context) casereview.PartnershipDraft {
	areas := strings.FieldsFunc(c.PostForm("area_codes"), func(r rune) bool { return r == '\n' || r == ',' || r == '\r' })
	return casereview.PartnershipDraft{Name: strings.TrimSpace(c.PostForm("name")), Kind: casereview.PartnershipKind(c.PostForm("kind")),
		AreaCodes: areas, ViewersSeeRestricted: c.PostForm("viewers_see_restricted") == "yes"}
}

var partnershipLabels = map[string]string{"name": "Enter the partnership's name", "kind": "Choose what kind of partnership it is"}

// partnershipProblems words the domain's verdict for the form: required fields in GOV.UK
// words, the rest as the domain says, area codes at the one field they share.
func partnershipProblems(err error) []FieldProblem {
	probs := problemsOf(err)
	for i, p := range probs {
		if strings.HasPrefix(p.Field, "area_codes") {
			probs[i] = FieldProblem{"area_codes", "Each area code must be at most 100 characters: " + p.Message}
			continue
		}
		if l, ok := partnershipLabels[p.Field]; ok && (strings.Contains(p.Message, "required") || p.Field == "kind") {
			probs[i].Message = l
		}
	}
	return probs
}

func (h *Handler) newPartnershipForm(c *gin.Context) {
	if !h.requireAdmin(c) {
		return
	}
	h.renderPartnershipForm(c, http.StatusOK, partnershipFormData{Action: "/admin/partnerships/new"}, nil, nil)
}

func (h *Handler) newPartnership(c *gin.Context) {
	d := readPartnership(c)
	saved, err := h.svc.CreatePartnership(c.Request.Context(), d)
	if err == nil {
		h.done(c, saved.Name+" added", "/admin/partnerships?"+url.Values{"q": {saved.Name}}.Encode())
		return
	}
	probs := partnershipProblems(err)
	if probs == nil {
		h.fail(c, err)
		return
	}
	h.renderPartnershipForm(c, http.StatusUnprocessableEntity, partnershipFormData{Action: "/admin/partnerships/new"}, c.Request.PostForm, probs)
}

func (h *Handler) partnershipForEdit(c *gin.Context) (casereview.Partnership, bool) {
	if !h.requireAdmin(c) {
		return casereview.Partnership{}, false
	}
	x, err := h.svc.GetPartnership(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return x, false
	}
	return x, true
}

func (h *Handler) editPartnershipForm(c *gin.Context) {
	x, ok := h.partnershipForEdit(c)
	if !ok {
		return
	}
	h.renderPartnershipForm(c, http.StatusOK, partnershipFormData{Editing: true, P: x, Action: "/admin/partnerships/" + x.ID + "/edit"},
		partnershipValues(x), nil)
}

func (h *Handler) editPartnership(c *gin.Context) {
	x, ok := h.partnershipForEdit(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	version, _ := strconv.Atoi(c.PostForm("version"))
	saved, err := h.svc.UpdatePartnership(ctx, x.ID, version, readPartnership(c))
	fd := partnershipFormData{Editing: true, P: x, Action: "/admin/partnerships/" + x.ID + "/edit"}
	form := c.Request.PostForm
	switch {
	case err == nil:
		h.done(c, saved.Name+" updated", "/admin/partnerships?"+url.Values{"q": {saved.Name}}.Encode())
	case casereview.IsCode(err, casereview.CodePreconditionFailed):
		// Someone saved it since this form opened: keep what this person typed, over the
		// version now saved, and say so.
		if x, err = h.svc.GetPartnership(ctx, x.ID); err != nil {
			h.fail(c, err)
			return
		}
		fd.P, fd.Stale = x, true
		form.Set("version", strconv.Itoa(x.Version))
		h.renderPartnershipForm(c, http.StatusConflict, fd, form, nil)
	default:
		probs := partnershipProblems(err)
		if probs == nil {
			h.fail(c, err)
			return
		}
		h.renderPartnershipForm(c, http.StatusUnprocessableEntity, fd, form, probs)
	}
}
