package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
)

// The people who use the service, kept by admins (issue 12 item 3): a list to find them, a form
// to add one, and a page per person for their roles, disabling and enabling, and resetting their
// password or authenticator app (admin_user_actions.go). Every write goes through the same
// service calls as the API (CanManageUsers, audit, versions).

func (h *Handler) adminUserRoutes(r gin.IRoutes) {
	r.GET("/admin/users", h.adminUsers)
	r.GET("/admin/users/new", h.newUserForm)
	r.POST("/admin/users/new", h.newUser)
	r.GET("/admin/users/:id", h.adminUser)
	r.POST("/admin/users/:id/memberships", h.addUserMembership)
	r.POST("/admin/users/:id/memberships/:mid/remove", h.removeUserMembership)
	for _, ch := range []string{"disable", "enable", "mfa-reset"} {
		r.GET("/admin/users/:id/"+ch, h.userChangeForm(ch))
		r.POST("/admin/users/:id/"+ch, h.userChange(ch))
	}
	r.GET("/admin/users/:id/password", h.userPasswordForm)
	r.POST("/admin/users/:id/password", h.userPassword)
}

const usersPageSize = 50

func (h *Handler) requireUserAdmin(c *gin.Context) bool {
	a := casereview.ActorFrom(c.Request.Context())
	if !casereview.CanManageUsers(a) {
		h.fail(c, casereview.Deny(a, "only admins manage users"))
		return false
	}
	return true
}

type userLine struct {
	casereview.User
	Roles     []membershipLine
	LastLogin string
}

type usersData struct {
	Users       []userLine
	Roles       []casereview.Role
	Total       int64
	Next, First string
}

// userLines names each membership's scope, in one lookup per kind for the whole page.
func (h *Handler) userLines(ctx context.Context, us []casereview.User) ([]userLine, error) {
	ids := map[string][]string{}
	for _, u := range us {
		for _, m := range u.Memberships {
			if m.OrganisationID != "" {
				ids["organisation"] = append(ids["organisation"], m.OrganisationID)
			}
			if m.PartnershipID != "" {
				ids["partnership"] = append(ids["partnership"], m.PartnershipID)
			}
		}
	}
	names := map[string]string{}
	for kind, list := range ids {
		got, err := h.svc.Names(ctx, kind, list)
		if err != nil {
			return nil, err
		}
		for k, v := range got {
			names[k] = v
		}
	}
	out := make([]userLine, len(us))
	for i, u := range us {
		out[i] = userLine{User: u, LastLogin: "Never"}
		if u.LastLoginAt != nil {
			out[i].LastLogin = formatDateTime(*u.LastLoginAt)
		}
		for _, m := range u.Memberships {
			l := membershipLine{Role: label(m.Role), Scope: "All partnerships", ID: m.ID}
			if s := m.OrganisationID + m.PartnershipID; s != "" {
				l.Scope = names[s]
			}
			out[i].Roles = append(out[i].Roles, l)
		}
	}
	return out, nil
}

func (h *Handler) adminUsers(c *gin.Context) {
	if !h.requireUserAdmin(c) {
		return
	}
	ctx := c.Request.Context()
	q := c.Request.URL.Query()
	f := casereview.UserFilter{Text: strings.TrimSpace(q.Get("q")), Role: casereview.Role(q.Get("role"))}
	var probs []FieldProblem
	if f.Role != "" && !casereview.Valid(f.Role, casereview.Roles) {
		probs = append(probs, FieldProblem{"role", "Choose a role from the list"})
	}
	d := usersData{Roles: casereview.Roles}
	if probs == nil {
		res, err := h.svc.ListUsers(ctx, f, casereview.PageRequest{Limit: usersPageSize, After: q.Get("after")})
		if err != nil {
			h.fail(c, err)
			return
		}
		if d.Users, err = h.userLines(ctx, res.Items); err != nil {
			h.fail(c, err)
			return
		}
		d.Total = res.Total
		if res.NextCursor != "" && len(res.Items) > 0 {
			n := nonEmptyValues(q)
			n.Set("after", res.Items[len(res.Items)-1].ID)
			d.Next = "/admin/users?" + n.Encode()
		}
		if q.Get("after") != "" {
			n := nonEmptyValues(q)
			n.Del("after")
			d.First = "/admin/users?" + n.Encode()
		}
	}
	p := h.page(c, "Users", d)
	p.Nav, p.Errors, p.Form = "admin", probs, q
	status := http.StatusOK
	if probs != nil {
		status = http.StatusUnprocessableEntity
	}
	h.render(c, status, "admin-users", p)
}

// membershipFormData is what a form that gives someone a role offers.
type membershipFormData struct {
	Roles         []casereview.Role
	Organisations []optionGroup
	Partnerships  []option
}

func (h *Handler) membershipChoices(ctx context.Context) (membershipFormData, error) {
	d := membershipFormData{Roles: casereview.Roles}
	var err error
	if d.Organisations, err = h.organisationGroups(ctx); err != nil {
		return d, err
	}
	d.Partnerships, err = h.partnershipOptions(ctx)
	return d, err
}

// readMembership reads the role and its scope: a panel takes a partnership, an agency editor an
// organisation, a viewer either; what the chosen role does not take is ignored, so a select
// left set by an earlier choice does no harm.
func readMembership(c *gin.Context) casereview.MembershipDraft {
	d := casereview.MembershipDraft{Role: casereview.Role(c.PostForm("role"))}
	org, part := c.PostForm("organisation_id"), c.PostForm("partnership_id")
	switch d.Role {
	case casereview.RolePanel:
		d.PartnershipID = part
	case casereview.RoleAgencyEditor:
		d.OrganisationID = org
	case casereview.RoleViewer:
		d.OrganisationID, d.PartnershipID = org, part
	}
	return d
}

var userLabels = map[string]string{"email": "Enter the person's email address", "display_name": "Enter the person's name",
	"role": "Choose a role", "partnership_id": "Choose the partnership", "organisation_id": "Choose the organisation"}

// userProblems words the domain's verdict for the forms: required fields in GOV.UK words.
func userProblems(err error) []FieldProblem {
	probs := problemsOf(err)
	for i, p := range probs {
		if l, ok := userLabels[p.Field]; ok && (strings.Contains(p.Message, "required") || p.Field == "role" && !strings.Contains(p.Message, "system-wide")) {
			probs[i].Message = l
		} else if ok && strings.Contains(p.Message, "names the") {
			probs[i].Message = l
		}
	}
	return probs
}

type newUserData struct {
	membershipFormData
	Created  *casereview.User
	Password string // the temporary password, shown once
}

func (h *Handler) renderNewUser(c *gin.Context, status int, d newUserData, probs []FieldProblem) {
	ctx := c.Request.Context()
	title := "Add a user"
	if d.Created == nil {
		ch, err := h.membershipChoices(ctx)
		if err != nil {
			h.fail(c, err)
			return
		}
		d.membershipFormData = ch
	} else {
		title = "User added"
		c.Header("Cache-Control", "no-store") // the temporary password must not stay in any cache
	}
	p := h.page(c, title, d)
	p.Nav, p.Errors = "admin", probs
	if c.Request.Method == http.MethodPost {
		p.Form = c.Request.PostForm
	}
	h.render(c, status, "admin-user-new", p)
}

func (h *Handler) newUserForm(c *gin.Context) {
	if !h.requireUserAdmin(c) {
		return
	}
	h.renderNewUser(c, http.StatusOK, newUserData{}, nil)
}

// newUser adds a person with their first role and a temporary password, shown once on the page
// the post answers, which they must change at their first sign-in. Both drafts are checked
// before anything is written, so a refused form leaves nobody half-made.
func (h *Handler) newUser(c *gin.Context) {
	if !h.requireUserAdmin(c) {
		return
	}
	ctx := c.Request.Context()
	ud := casereview.UserDraft{Email: c.PostForm("email"), DisplayName: strings.TrimSpace(c.PostForm("display_name"))}
	md := readMembership(c)
	var probs []FieldProblem
	if err := ud.Validate(); err != nil {
		probs = append(probs, userProblems(err)...)
	}
	if err := md.Validate(); err != nil {
		probs = append(probs, userProblems(err)...)
	}
	if probs != nil {
		h.renderNewUser(c, http.StatusUnprocessableEntity, newUserData{}, probs)
		return
	}
	pw, err := auth.TemporaryPassword(ud.Email, ud.DisplayName)
	if err != nil {
		h.fail(c, err)
		return
	}
	u, err := h.svc.CreateUser(ctx, ud, "")
	if err == nil {
		if u, err = h.svc.AddMembership(ctx, u.ID, md); err == nil {
			u, err = h.auth.ResetPassword(ctx, u.ID, pw)
		}
	}
	if err != nil {
		if probs = userProblems(err); probs == nil {
			h.fail(c, err)
			return
		}
		h.renderNewUser(c, http.StatusUnprocessableEntity, newUserData{}, probs)
		return
	}
	h.renderNewUser(c, http.StatusOK, newUserData{Created: &u, Password: pw}, nil)
}

type userData struct {
	membershipFormData
	U userLine
}

func (h *Handler) userFor(c *gin.Context) (userLine, bool) {
	if !h.requireUserAdmin(c) {
		return userLine{}, false
	}
	ctx := c.Request.Context()
	u, err := h.svc.GetUser(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return userLine{}, false
	}
	ls, err := h.userLines(ctx, []casereview.User{u})
	if err != nil {
		h.fail(c, err)
		return userLine{}, false
	}
	return ls[0], true
}

func (h *Handler) renderUser(c *gin.Context, status int, u userLine, form url.Values, probs []FieldProblem) {
	ch, err := h.membershipChoices(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, u.DisplayName, userData{membershipFormData: ch, U: u})
	p.Nav, p.Errors, p.Form = "admin", probs, form
	h.render(c, status, "admin-user", p)
}

func (h *Handler) adminUser(c *gin.Context) {
	u, ok := h.userFor(c)
	if !ok {
		return
	}
	h.renderUser(c, http.StatusOK, u, nil, nil)
}
