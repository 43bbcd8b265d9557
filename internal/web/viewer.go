package web

import (
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// viewer describes the signed-in person for the header: their name, roles and the
// organisations and partnerships they act for.
func (h *Handler) viewer(c *gin.Context, u casereview.User) *Viewer {
	v := &Viewer{UserID: u.ID, Name: u.DisplayName, Email: u.Email, Memberships: u.Memberships}
	var orgs, parts []string
	for _, m := range u.Memberships {
		if !slices.Contains(v.Roles, m.Role) {
			v.Roles = append(v.Roles, m.Role)
		}
		if m.OrganisationID != "" {
			orgs = append(orgs, m.OrganisationID)
		}
		if m.PartnershipID != "" {
			parts = append(parts, m.PartnershipID)
		}
	}
	var names []string
	for kind, ids := range map[string][]string{"organisation": orgs, "partnership": parts} {
		if len(ids) == 0 {
			continue
		}
		got, err := h.svc.Names(c.Request.Context(), kind, ids)
		if err != nil {
			continue // the header can do without names; the page itself will report a real fault
		}
		for _, id := range ids {
			if n := got[id]; n != "" {
				names = append(names, n)
			}
		}
	}
	if n, err := h.svc.UnreadNotifications(c.Request.Context()); err == nil {
		v.Unread = n // the header can do without the count
	}
	slices.Sort(names)
	v.Scope = strings.Join(slices.Compact(names), ", ")
	if v.Scope == "" && (v.Has(casereview.RoleOversight) || v.Has(casereview.RoleAdmin) || v.Has(casereview.RoleViewer)) {
		v.Scope = "All partnerships"
	}
	return v
}

// can reports whether the viewer holds any of roles (the domain still decides each act; this
// only decides which links and buttons a page offers).
func (v *Viewer) Can(roles ...casereview.Role) bool {
	for _, r := range roles {
		if v.Has(r) {
			return true
		}
	}
	return false
}
