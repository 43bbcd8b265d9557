package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// The notification centre (issue 18 §1): what the service told the person, newest first, each
// linking to its record; their email choices per kind on the account page; and, for admins, the
// outbox of emails. Every call goes through the same service methods as the API.

func (h *Handler) notificationRoutes(r gin.IRoutes) {
	r.GET("/notifications", h.notifications)
	r.POST("/notifications/read", h.readNotifications)
	r.POST("/account/notifications", h.setNotificationPrefs)
}

type notificationsData struct {
	Items  []casereview.Notification
	Unread int
}

func (h *Handler) notifications(c *gin.Context) {
	if _, ok := identityOf(c); !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	items, unread, err := h.svc.ListNotifications(c.Request.Context(), false, 200)
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, "Notifications", notificationsData{Items: items, Unread: unread})
	p.Nav = "notifications"
	h.render(c, http.StatusOK, "notifications", p)
}

// readNotifications marks one notification read (id) or all of them.
func (h *Handler) readNotifications(c *gin.Context) {
	var ids []string
	if id := strings.TrimSpace(c.PostForm("id")); id != "" {
		ids = []string{id}
	}
	n, err := h.svc.MarkNotificationsRead(c.Request.Context(), ids)
	if err != nil {
		h.fail(c, err)
		return
	}
	msg := "All your notifications are marked as read."
	if len(ids) == 1 {
		msg = "The notification is marked as read."
	}
	if n == 0 {
		msg = ""
	}
	h.done(c, msg, "/notifications")
}

// prefLine is one kind's choice on the account page.
type prefLine struct {
	Kind     casereview.NotificationKind
	Label    string
	Delivery casereview.Delivery
	Options  []casereview.Delivery
}

func prefLines(prefs []casereview.NotificationPreference) []prefLine {
	out := make([]prefLine, len(prefs))
	for i, p := range prefs {
		opts := casereview.Deliveries
		if p.Kind.Mandatory() {
			opts = []casereview.Delivery{casereview.DeliverImmediately, casereview.DeliverDaily, casereview.DeliverWeekly}
		}
		out[i] = prefLine{Kind: p.Kind, Label: p.Kind.Label(), Delivery: p.Delivery, Options: opts}
	}
	return out
}

func (h *Handler) setNotificationPrefs(c *gin.Context) {
	if _, ok := identityOf(c); !ok {
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	}
	var prefs []casereview.NotificationPreference
	for _, k := range casereview.NotificationKinds {
		prefs = append(prefs, casereview.NotificationPreference{Kind: k, Delivery: casereview.Delivery(c.PostForm("email_" + string(k)))})
	}
	_, err := h.svc.SetNotificationPreferences(c.Request.Context(), prefs)
	if err == nil {
		h.done(c, "Your email choices have been saved.", "/account")
		return
	}
	probs := problemsOf(err)
	if probs == nil {
		h.fail(c, err)
		return
	}
	// Name the form's fields (email_<kind>) rather than the service's (preferences[i].delivery).
	for i := range probs {
		if j := strings.Index(probs[i].Field, "["); j >= 0 {
			var n int
			for _, ch := range probs[i].Field[j+1:] {
				if ch < '0' || ch > '9' {
					break
				}
				n = n*10 + int(ch-'0')
			}
			if n < len(prefs) {
				probs[i].Field = "email_" + string(prefs[n].Kind)
			}
		}
	}
	h.accountPage(c, http.StatusUnprocessableEntity, probs, prefs)
}

type outboxData struct {
	Items    []casereview.OutboxMessage
	Status   casereview.OutboxStatus
	Statuses []casereview.OutboxStatus
	SMTP     bool
}

func (h *Handler) outbox(c *gin.Context) {
	f := casereview.OutboxFilter{Status: casereview.OutboxStatus(c.Query("status"))}
	items, err := h.svc.ListOutbox(c.Request.Context(), f, 500)
	if err != nil {
		if probs := problemsOf(err); probs != nil {
			f.Status, items = "", nil
			p := h.page(c, "Outbox", outboxData{Statuses: casereview.OutboxStatuses, SMTP: h.o.EmailConfigured})
			p.Nav, p.Errors = "admin", probs
			h.render(c, http.StatusUnprocessableEntity, "admin-outbox", p)
			return
		}
		h.fail(c, err)
		return
	}
	p := h.page(c, "Outbox", outboxData{Items: items, Status: f.Status, Statuses: casereview.OutboxStatuses, SMTP: h.o.EmailConfigured})
	p.Nav = "admin"
	h.render(c, http.StatusOK, "admin-outbox", p)
}
