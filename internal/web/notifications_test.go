package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// The demo's overdue items, evaluated, reach the agency editor's notification centre (linked
// from the header with the unread count), oversight's escalations, and the admin's outbox page;
// the editor chooses their emails on the account page, and cannot turn escalations off.
func TestNotificationCentreOutboxAndEmailChoices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("officer@example.test", casereview.RoleOversight, "")
		s.User("admin@example.test", casereview.RoleAdmin, "")
		run, err := s.API.App.RunNotifications(webtest.System(), false)
		if err != nil {
			t.Fatal(err)
		}
		if run.Escalations == 0 || run.Events <= run.Escalations {
			t.Fatalf("the demo's overdue items raised %+v; want reminders and escalations", run)
		}

		b := s.Browser()
		p := b.SignIn("police@example.test")
		badge := p.Text("#notifications-link .moj-badge")
		if badge == "" || !strings.Contains(badge, "unread") {
			t.Fatalf("the header shows no unread count: %q", p.Text("#notifications-link"))
		}
		p = b.Get("/notifications").Must(http.StatusOK)
		items := p.Doc.Find("#notifications li")
		if items.Length() == 0 || !strings.Contains(p.Text("#notifications"), "Eastmere and Vale Police") ||
			!strings.Contains(p.Text("#notifications"), "overdue") {
			t.Fatalf("the editor's notifications: %q", p.Text("#notifications"))
		}
		href, _ := items.First().Find("a").Attr("href")
		if !strings.HasPrefix(href, "/recommendations/") {
			t.Fatalf("a notification links to %q", href)
		}
		b.Get(href).Must(http.StatusOK)
		unread := items.Length()
		p = b.Post("/notifications/read", url.Values{"csrf_token": {p.CSRF()}}).Must(http.StatusOK)
		if p.Has("#notifications-link .moj-badge") || p.Doc.Find("#notifications .govuk-tag--blue").Length() != 0 {
			t.Fatalf("after marking %d read, still unread: %q", unread, p.Text("#notifications"))
		}

		// Email choices.
		p = b.Get("/account").Must(http.StatusOK)
		if p.Has(`input[name="email_escalation"][value="off"]`) {
			t.Fatal("escalations can be turned off")
		}
		form := url.Values{"csrf_token": {p.CSRF()}}
		for _, k := range casereview.NotificationKinds {
			form.Set("email_"+string(k), "daily")
		}
		form.Set("email_due_soon", "off")
		p = b.Post("/account/notifications", form).Must(http.StatusOK)
		if !p.Has(`input[name="email_due_soon"][value="off"][checked]`) || !p.Has(`input[name="email_overdue"][value="daily"][checked]`) {
			t.Fatal("the choices were not kept")
		}
		form.Set("email_escalation", "off") // a tampered form
		p = b.Post("/account/notifications", form).Must(http.StatusUnprocessableEntity)
		if errs := p.Errors(); len(errs) != 1 || !strings.Contains(errs[0], "cannot be turned off") {
			t.Fatalf("errors: %v", errs)
		}

		// Oversight sees escalations; the outbox is the admin's only.
		o := s.Browser()
		p = o.SignIn("officer@example.test")
		p = o.Get("/notifications").Must(http.StatusOK)
		if !strings.Contains(p.Text("#notifications"), "Escalation") {
			t.Fatalf("oversight's notifications: %q", p.Text("#notifications"))
		}
		o.Get("/admin/outbox").Must(http.StatusForbidden)
		a := s.Browser()
		a.SignIn("admin@example.test")
		p = a.Get("/admin/outbox").Must(http.StatusOK)
		if !p.Has("#no-smtp") || !strings.Contains(p.Text("#outbox"), "officer@example.test") || !strings.Contains(p.Text("#outbox"), "Escalation") {
			t.Fatalf("the outbox page: %q", p.Text("#outbox"))
		}
		a.Get("/admin/outbox?status=nonsense").Must(http.StatusUnprocessableEntity)
	})
}
