package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// Administration (issue 12 item 3): one place in the navigation for admins, leading to each
// register they keep. Every page under /admin checks the caller's role through the same service
// calls as the API, so the hub's own check only decides what is offered.

func (h *Handler) adminRoutes(r gin.IRoutes) {
	r.GET("/admin", h.adminHub)
	h.adminPartnershipRoutes(r)
	h.adminUserRoutes(r)
	h.adminOrganisationRoutes(r)
	r.GET("/admin/outbox", h.outbox)
}

type adminLink struct{ Href, Title, Text string }

func (h *Handler) adminHub(c *gin.Context) {
	a := casereview.ActorFrom(c.Request.Context())
	if !a.IsAdmin() {
		h.fail(c, casereview.Deny(a, "only admins run the service"))
		return
	}
	links := []adminLink{
		{"/admin/users", "Users", "Add people, give them roles, disable accounts, and reset passwords and authenticator apps."},
		{"/admin/organisations", "Organisations", "The agencies recommendations are addressed to: their names, aliases and sectors, and merging duplicates."},
		{"/admin/partnerships", "Partnerships", "The partnerships, boards and coroner areas that commission reviews, and their areas."},
		{"/admin/outbox", "Outbox", "The emails the service sends (reminders, escalations, digests): what waits, what was delivered, what failed."},
		{"/audit", "Audit trail", "Everything done in the service, by whom and when, and a check that none of it was altered."},
		{"/themes", "Themes", "The theme taxonomy recommendations are tagged with."},
	}
	p := h.page(c, "Administration", links)
	p.Nav = "admin"
	h.render(c, http.StatusOK, "admin", p)
}
